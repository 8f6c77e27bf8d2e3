"""The keyphrase scoring protocol (hand-computed examples)."""

from __future__ import annotations

import pytest

from graph.concepts.evaluation import candidate_recall, dedupe, f1_at_k, macro_f1, normalize_phrase


def test_normalisation_is_lowercase_alphanumeric_porter_stems() -> None:
    assert normalize_phrase("Neural-Networks") == "neural network"
    assert normalize_phrase("Learning  rates!") == normalize_phrase("learning rate")


def test_duplicates_after_normalisation_count_once() -> None:
    assert dedupe(["Graphs", "graph", "GRAPH", "trees"]) == ["graph", "tree"]
    # both predictions are the same gold phrase: one hit, not two
    assert f1_at_k(["graphs", "graph"], ["graph"], k=2) == pytest.approx(2 * 0.5 * 1 / 1.5)


def test_k_is_the_precision_denominator_even_with_fewer_predictions() -> None:
    # 1 hit, precision 1/5, recall 1/2
    assert f1_at_k(["a"], ["a", "b"], k=5) == pytest.approx(2 * 0.2 * 0.5 / 0.7)


def test_only_the_top_k_count() -> None:
    assert f1_at_k(["x", "y", "a"], ["a"], k=2) == 0.0
    assert f1_at_k(["x", "y", "a"], ["a"], k=3) == pytest.approx(0.5)


def test_macro_average_in_percent() -> None:
    assert macro_f1([["a"], ["x"]], [["a"], ["b"]], k=1) == pytest.approx(50.0)
    with pytest.raises(ValueError):
        macro_f1([["a"]], [["a"], ["b"]], k=1)


def test_candidate_recall_counts_gold_found_among_candidates() -> None:
    assert candidate_recall(
        [["neural nets", "graph"], ["tree"]], [["Neural net", "forest"], ["trees"]]
    ) == pytest.approx(200 / 3)

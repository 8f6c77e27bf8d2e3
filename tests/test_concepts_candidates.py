"""Candidate phrases: boundaries, compounds kept whole, acronym ties."""

from __future__ import annotations

import pytest

from graph.concepts.candidates import AcronymTie, candidates, find_acronyms
from graph.concepts.features import group_candidates


def surfaces(text: str) -> list[str]:
    return [c.surface for c in candidates(text)]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        # punctuation and clause boundaries split phrases
        ("image generation, text editing; video synthesis", ["image generation", "text editing", "video synthesis"]),
        ("We train the model. Sampling quality improves", ["model", "Sampling quality"]),
        # stop words are boundaries, never skipped over
        ("training by maximizing multi-step likelihood", ["training", "multi-step likelihood"]),
        # verbs of scientific prose and adverbs are boundaries
        ("our method achieves state-of-the-art results efficiently", ["method", "results"]),
        ("Diffusion models excel in high-quality generation", ["Diffusion models", "high-quality generation"]),
        # a phrase does not end on an adjective
        ("the network is scalable", ["network"]),
    ],
)
def test_phrases_never_cross_boundaries(text: str, expected: list[str]) -> None:
    assert surfaces(text) == expected


@pytest.mark.parametrize("term", ["one-step", "dual-stream", "vision-language", "text-to-image", "input/output"])
def test_hyphen_and_slash_terms_stay_whole(term: str) -> None:
    found = surfaces(f"A {term} generator is proposed.")
    assert found == [f"{term} generator"]


def test_long_phrases_keep_their_head_words() -> None:
    assert surfaces("large scale multi-agent deep reinforcement learning framework") == [
        "multi-agent deep reinforcement learning framework"
    ]


def test_numbers_counts_and_single_letters_are_not_phrases() -> None:
    assert surfaces("about 78.5 million x") == []
    assert surfaces("a 2x saving on three benchmark datasets") == ["saving", "benchmark datasets"]


def test_clause_fragments_split_at_verbs() -> None:
    assert surfaces("Visual languages adhere to grammar rules.") == ["Visual languages", "grammar rules"]
    assert surfaces("Our methodology yields 2x saving.") == ["methodology", "saving"]
    assert surfaces("One-shot NAS methods train a supernet again.") == ["One-shot NAS methods", "supernet"]
    assert surfaces("The diffusion model samples images.") == ["diffusion model", "images"]
    assert surfaces("tools for interpreting complex medical data") == ["tools", "complex medical data"]
    assert surfaces("image captioning and question answering") == ["image captioning", "question answering"]


def test_noun_or_verb_words_stay_nouns_in_terms() -> None:
    assert surfaces("We process online video streams. Image features improve recall.") == [
        "online video streams",
        "Image features",
        "recall",
    ]


def test_acronyms_tie_to_their_expansion() -> None:
    text = "We study vision-language pre-training (VLP). Low-rank adaptation (LoRA) of GANs."
    assert find_acronyms(text) == [
        AcronymTie("VLP", "vision-language pre-training"),
        AcronymTie("LoRA", "Low-rank adaptation"),
    ]


def test_parenthesised_words_that_spell_nothing_are_not_acronyms() -> None:
    assert find_acronyms("The network (CNN) and a model (XYZ) here.") == []


def test_acronym_occurrences_join_the_expansion_concept() -> None:
    doc = group_candidates("VLP at scale", "Vision-language pre-training (VLP) learns from pairs. VLP works.")
    assert "vlp" not in doc.keys
    index = doc.keys.index("vision language pretraining")
    assert doc.labels[index] == "Vision-language pre-training"
    assert doc.signals[index].tolist()[2:] == [1.0, 3.0]  # first seen in the title, three occurrences

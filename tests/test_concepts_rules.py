"""The concept stoplist and alias list: shipped defaults, user files, errors, and their effect on candidates."""

from __future__ import annotations

from pathlib import Path

import pytest

from graph.concepts.duplicates import first_distinct, near_duplicate
from graph.concepts.features import group_candidates
from graph.concepts.normalize import concept_key
from graph.concepts.rules import ALIASES_ENV, STOPLIST_ENV, ConceptRules
from graph.errors import InputError


def keys(text: str, rules: ConceptRules | None = None) -> list[str]:
    return group_candidates("", text, rules=rules).keys


@pytest.mark.parametrize(
    "phrase",
    ["three benchmark datasets", "high computational cost", "extensive experiments", "state-of-the-art performance",
     "promise", "large models", "translation quality", "average accuracy"],
)  # fmt: skip
def test_boilerplate_is_stopped(phrase: str) -> None:
    assert ConceptRules.load().is_stopped(concept_key(phrase))


@pytest.mark.parametrize(
    "phrase", ["KV cache compression", "computational cost of attention", "diffusion models", "mesh quality"]
)
def test_specific_phrases_are_kept(phrase: str) -> None:
    assert not ConceptRules.load().is_stopped(concept_key(phrase))


def test_stopped_phrases_are_no_candidates() -> None:
    text = "Extensive experiments on three benchmark datasets show state-of-the-art performance of KV cache eviction."
    assert keys(text) == ["kv cache eviction"]


def test_user_stoplist_from_the_environment_extends_the_shipped_one(tmp_path: Path, monkeypatch) -> None:
    extra = tmp_path / "mine.yaml"
    extra.write_text("generic: [eviction]\nphrases: [KV caches]\n", encoding="utf-8")
    monkeypatch.setenv(STOPLIST_ENV, str(extra))
    rules = ConceptRules.load()
    assert rules.is_stopped("kv cache") and rules.is_stopped("eviction") and rules.is_stopped("benchmark dataset")
    monkeypatch.delenv(STOPLIST_ENV)
    assert rules.fingerprint != ConceptRules.load().fingerprint


def test_aliases_merge_variants_under_the_canonical_label(tmp_path: Path, monkeypatch) -> None:
    extra = tmp_path / "aliases.yaml"
    extra.write_text("KV cache compression:\n  - key-value cache compression\n", encoding="utf-8")
    monkeypatch.setenv(ALIASES_ENV, str(extra))
    rules = ConceptRules.load()
    doc = group_candidates("", "Key-value cache compression saves memory; KV cache compression is cheap.", rules=rules)
    assert doc.keys[0] == "kv cache compression"
    assert doc.labels[0] == "KV cache compression"
    assert doc.signals[0][3] == 2.0  # both occurrences count for the one concept


def test_bad_rule_files_name_file_line_and_field(tmp_path: Path) -> None:
    broken = tmp_path / "broken.yaml"
    broken.write_text("generic:\n  - a\n - b: [\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"broken.yaml:\d+: not valid YAML"):
        ConceptRules.load(stoplists=[broken])
    wrong = tmp_path / "wrong.yaml"
    wrong.write_text("generic: cost\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"wrong.yaml: field 'generic': must be a list"):
        ConceptRules.load(stoplists=[wrong])
    unknown = tmp_path / "unknown.yaml"
    unknown.write_text("stopwords: [cost]\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"unknown.yaml: expected a mapping with only generic, evaluative, phrases"):
        ConceptRules.load(stoplists=[unknown])
    with pytest.raises(InputError, match=r"missing.yaml: cannot read"):
        ConceptRules.load(aliases=[tmp_path / "missing.yaml"])


def test_near_duplicates_of_one_paper() -> None:
    variants = ["online video stream", "long video stream", "online video streaming understanding"]
    variants.append("online streaming video")
    assert all(near_duplicate(variants[0], v) for v in variants[1:])
    assert not near_duplicate("mssl heat switch", "tungsten heat switch")  # the differing words are specific
    assert not near_duplicate("speech translation", "simultaneous speech translation")
    assert first_distinct([*variants, "memory consolidation"], 10) == [0, 4]


def test_extraction_code_is_part_of_the_fingerprint(monkeypatch) -> None:
    from graph.concepts import ranking

    before = ranking.ConceptExtractor(device="cpu").fingerprint
    monkeypatch.setattr(ranking, "code_fingerprint", lambda: "changed-rules")
    assert ranking.ConceptExtractor(device="cpu").fingerprint != before

"""The technique vocabulary: shipped entries, matching rules, evidence, the sample, user files and errors."""

from __future__ import annotations

import os
import re
import textwrap
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli
from graph.errors import NotFoundError, VocabularyError
from graph.techniques import ENV_VAR, Vocabulary, default_vocabulary_path
from loaders.detect import load_paths
from loaders.records import Paper
from loaders.samples import sample_paths

FAMILIES = {
    "generative-modelling", "efficiency", "training", "architecture", "alignment", "reasoning",
    "multimodal", "retrieval", "learning-paradigm", "evaluation", "3d-representation",
}  # fmt: skip


@pytest.fixture(scope="module")
def vocab() -> Vocabulary:
    return Vocabulary.load()


@pytest.fixture(scope="module")
def sample() -> list[Paper]:
    return load_paths(sample_paths()).papers


def keys(hits) -> list[str]:
    return [hit.key for hit in hits]


def evidence(vocab: Vocabulary, text: str) -> dict[str, str]:
    return {hit.key: hit.evidence for hit in vocab.match(text)}


def write(tmp_path: Path, text: str, name: str = "user.yaml") -> Path:
    path = tmp_path / name
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


# ---------------------------------------------------------------- the shipped vocabulary


def test_shipped_vocabulary_is_large_and_well_formed(vocab: Vocabulary) -> None:
    assert len(vocab) >= 60
    for key, technique in vocab.techniques.items():
        assert technique.key == key
        assert technique.label and technique.family in FAMILIES, key
        assert technique.surface_forms or technique.patterns, key
        assert technique.parent is None or technique.parent in vocab, key


def test_card_techniques_and_their_hierarchy(vocab: Vocabulary) -> None:
    for child in ("consistency-distillation", "score-distillation", "progressive-distillation"):
        assert vocab.techniques[child].parent == "distillation"
    one, few = vocab.techniques["one-step"], vocab.techniques["few-step"]
    assert few.family == one.family and few.parent != "one-step" and one.parent != "few-step"
    assert "dual-stream" in vocab
    assert ("consistency-distillation", "distillation") in vocab.subtypes()
    assert vocab.ancestors("lora") == ["peft", "fine-tuning"]


def test_every_shipped_alias_finds_its_own_technique(vocab: Vocabulary) -> None:
    for key, technique in vocab.techniques.items():
        for form in technique.surface_forms:
            found = evidence(vocab, f"Here we use {form} for this.")
            assert found.get(key) == form, (key, form, found)
            assert vocab.technique_for_phrase(form) == key, (key, form)


def test_ancestors_of_an_unknown_key_is_an_error(vocab: Vocabulary) -> None:
    with pytest.raises(NotFoundError, match="no-such-thing"):
        vocab.ancestors("no-such-thing")


# ---------------------------------------------------------------- the sample corpus

SPELLINGS = {
    "distillation": re.compile(r"distil|teacher\W{1,3}student", re.IGNORECASE),
    "one-step": re.compile(r"\b(?:one|single|1)\W?step\b(?!s)", re.IGNORECASE),
    "dual-stream": re.compile(r"\b(?:dual|two)\W?stream\b(?!s)", re.IGNORECASE),
}


@pytest.mark.parametrize("key", sorted(SPELLINGS))
def test_every_sample_paper_naming_a_card_technique_is_matched(
    vocab: Vocabulary, sample: list[Paper], key: str
) -> None:
    naming = [p for p in sample if SPELLINGS[key].search(f"{p.title}\n{p.abstract or ''}")]
    assert len(naming) >= 10
    missed = [p.title for p in naming if key not in keys(vocab.match_paper(p.title, p.abstract or "", True))]
    assert missed == []


@pytest.mark.parametrize(
    ("title_start", "expected"),
    [
        (
            "SlimFlow: Training Smaller One-Step",
            {"one-step", "rectified-flow", "diffusion-models", "distillation"},
        ),
        ("MeDSLIP: Medical Dual-Stream", {"dual-stream", "vision-language-pretraining"}),
        ("Unlock the Power: Competitive Distillation", {"distillation", "multimodal-llm"}),
        ("VL-Adapter: Parameter-Efficient Transfer", {"adapters", "peft"}),
        (
            "SANA-Sprint: One-Step Diffusion",
            {"one-step", "consistency-distillation", "adversarial-distillation", "flow-matching"},
        ),
        ("Self-Corrected Flow Distillation", {"one-step", "few-step", "distillation"}),
        (
            "SE-MoE: A Scalable and Efficient Mixture-of-Experts",
            {"mixture-of-experts", "distributed-training"},
        ),
    ],
)
def test_known_sample_papers(vocab: Vocabulary, sample: list[Paper], title_start: str, expected: set) -> None:
    paper = next(p for p in sample if p.title.startswith(title_start))
    assert expected <= set(keys(vocab.match_paper(paper.title, paper.abstract or "")))


# ---------------------------------------------------------------- matching rules


@pytest.mark.parametrize(
    "text",
    [
        "This step is adapted from prior work.",  # "adapted" is not "adapter"
        "A flow of ideas: optical flow and the flow of traffic.",  # "flow" alone is no rectified flow
        "We study information diffusion in social networks.",  # no diffusion *model*
        "We move one step closer to, and one step further than, prior art.",
        "The two streams of data are merged.",
        "A KD-tree indexes the points; moe and rag are ordinary words here.",
        "LoRa radios and LoRaWAN gateways.",
        "DistillNearest and Distillery are names, undistilled is an adjective.",
        "dıstıllatıon",  # dotless i: folded by the regex engine, not by str.lower; skipped, not a crash
        "",
    ],
)
def test_no_silly_false_positives(vocab: Vocabulary, text: str) -> None:
    assert vocab.match(text) == []


@pytest.mark.parametrize(
    ("text", "key", "found"),
    [
        ("a One-Step generator", "one-step", "One-Step generator"),
        ("a one step generator", "one-step", "one step generator"),
        ("a one–step generator", "one-step", "one–step generator"),  # en dash
        ("a one\u2011step model", "one-step", "one\u2011step"),  # non-breaking hyphen
        ("ONE-STEP!", "one-step", "ONE-STEP"),
        ("few-step sampling", "few-step", "few-step sampling"),
        ("large-scale pretraining", "pre-training", "large-scale pretraining"),
        ("pre training objective", "pre-training", "pre training"),
        ("our Dual–Stream encoder", "dual-stream", "Dual–Stream"),
        ("a dual stream architecture", "dual-stream", "dual stream architecture"),
        ("Two-Stream ConvNets", "dual-stream", "Two-Stream ConvNets"),
        ("a Two-Stream MLP", "dual-stream", "Two-Stream"),
        ("via knowledge\ndistillation", "distillation", "knowledge\ndistillation"),
        ("a teacher–student setup", "distillation", "teacher–student"),
        ("we distilled it", "distillation", "distilled"),
        ("Diffusion Models beat GANs", "diffusion-models", "Diffusion Models"),
        ("Diffusion Models beat GANs", "gan", "GANs"),
        ("sparse MoEs scale", "mixture-of-experts", "MoEs"),
        ("with LoRA adapters", "lora", "LoRA"),
        ("with ﬁne-tuning", "fine-tuning", "ﬁne-tuning"),  # NFKC ligature, kept as in the source
        ("knowledge distil\u00adlation", "distillation", "knowledge distil\u00adlation"),  # soft hyphen
        ("KNOWLEDGE DİSTILLATION", "distillation", "KNOWLEDGE DİSTILLATION"),  # "İ".lower() is 2 characters
        ("Ｄｕａｌ－Ｓｔｒｅａｍ model", "dual-stream", "Ｄｕａｌ－Ｓｔｒｅａｍ"),  # full-width
        ("Rectified Flows", "rectified-flow", "Rectified Flows"),
        ("retrieval-augmented generation (RAG)", "retrieval-augmentation", "retrieval-augmented generation"),
    ],
)
def test_spelling_variants_and_evidence(vocab: Vocabulary, text: str, key: str, found: str) -> None:
    assert evidence(vocab, text).get(key) == found


def test_acronyms_are_case_sensitive_phrases_are_not(vocab: Vocabulary) -> None:
    assert keys(vocab.match("DPO and dpo")) == ["dpo"]
    assert evidence(vocab, "dpo then DPO")["dpo"] == "DPO"
    assert evidence(vocab, "MIXTURE OF EXPERTS")["mixture-of-experts"] == "MIXTURE OF EXPERTS"


def test_one_hit_per_technique_first_evidence_in_text_order(vocab: Vocabulary) -> None:
    hits = vocab.match("Distillation first. Then a transformer, then knowledge distillation again.")
    assert [(h.key, h.evidence) for h in hits] == [
        ("distillation", "Distillation"),
        ("transformers", "transformer"),
    ]


def test_a_specific_technique_does_not_imply_its_parent_unless_asked(vocab: Vocabulary) -> None:
    text = "We apply consistency distillation and self-distillation with LoRA."
    assert keys(vocab.match(text)) == ["consistency-distillation", "self-distillation", "lora"]
    assert [(h.key, h.evidence) for h in vocab.match(text, with_ancestors=True)] == [
        ("consistency-distillation", "consistency distillation"),
        ("distillation", "consistency distillation"),
        ("self-distillation", "self-distillation"),
        ("lora", "LoRA"),
        ("peft", "LoRA"),
        ("fine-tuning", "LoRA"),
    ]
    named = vocab.match("consistency distillation beats plain distillation", with_ancestors=True)
    assert [(h.key, h.evidence) for h in named] == [
        ("consistency-distillation", "consistency distillation"),
        ("distillation", "distillation"),
    ]


def test_match_paper_puts_title_hits_first(vocab: Vocabulary) -> None:
    hits = vocab.match_paper("Token Merging for Transformers", "We prune transformers and merge tokens.")
    assert [(h.key, h.evidence) for h in hits] == [
        ("token-merging", "Token Merging"),
        ("transformers", "Transformers"),
        ("pruning", "prune"),
    ]


@pytest.mark.parametrize(
    ("phrase", "key"),
    [
        ("knowledge distillation", "distillation"),
        ("Knowledge-Distillation", "distillation"),
        ("one step", "one-step"),
        ("one-step", "one-step"),
        ("dual stream", "dual-stream"),
        ("lora", "lora"),
        ("moe", "mixture-of-experts"),
        ("vision-language pretraining", "vision-language-pretraining"),
        ("distillation methods", None),
        ("flow", None),
        ("diffusion", None),
        ("", None),
    ],
)
def test_technique_for_phrase(vocab: Vocabulary, phrase: str, key: str | None) -> None:
    assert vocab.technique_for_phrase(phrase) == key


# ---------------------------------------------------------------- user files


def test_user_file_adds_overrides_extends_and_removes(tmp_path: Path, vocab: Vocabulary) -> None:
    user = write(
        tmp_path,
        """\
        techniques:
          - key: spectral-hashing
            label: Spectral hashing
            family: retrieval
            aliases: [spectral hashing]
            parent: hashing
          - key: one-step
            label: Single-step sampling
            family: efficiency
            aliases: [single-shot sampler]
          - key: distillation
            extend: true
            aliases: [born-again network]
          - key: gaussian-splatting
            remove: true
        """,
    )
    loaded = Vocabulary.load([user])
    assert len(loaded) == len(vocab)
    assert loaded.ancestors("spectral-hashing") == ["hashing"]
    assert loaded.techniques["one-step"].label == "Single-step sampling"
    text = "Spectral hashing, a one-step model, a single-shot sampler, Born-Again Networks, Gaussian splatting"
    assert [(h.key, h.evidence) for h in loaded.match(text)] == [
        ("spectral-hashing", "Spectral hashing"),
        ("one-step", "single-shot sampler"),
        ("distillation", "Born-Again Networks"),
    ]
    assert "knowledge distillation" in loaded.techniques["distillation"].aliases


def test_user_file_alone_and_from_the_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    first = write(tmp_path, "techniques:\n- {key: a-b, label: A, family: x, aliases: [alpha beta]}\n", "a.yaml")
    second = write(tmp_path, "techniques:\n- {key: c, label: C, family: x, acronyms: [CCC]}\n", "c.yaml")
    monkeypatch.setenv(ENV_VAR, f"{first}{os.pathsep}{second}")
    loaded = Vocabulary.load(include_default=False)
    assert sorted(loaded.techniques) == ["a-b", "c"]
    assert keys(loaded.match("alpha-beta with CCC, not ccc")) == ["a-b", "c"]
    monkeypatch.delenv(ENV_VAR)
    assert len(Vocabulary.load([first], include_default=False)) == 1
    assert Vocabulary.load(include_default=False).match("alpha beta") == []


def test_default_file_is_shipped_next_to_the_module() -> None:
    assert default_vocabulary_path().name == "techniques.yaml" and default_vocabulary_path().is_file()


BAD_ENTRIES = {
    "missing key": ("- {label: X, family: f, aliases: [x]}", 2, "key"),
    "missing label": ("- {key: x, family: f, aliases: [x]}", 2, "label"),
    "bad key": ("- {key: Not Kebab, label: X, family: f, aliases: [x]}", 2, "key"),
    "no names": ("- {key: x, label: X, family: f}", 2, "aliases"),
    "wrong type": ("- key: x\n  label: X\n  family: f\n  aliases: just one string", 5, "aliases"),
    "unknown field": ("- key: x\n  label: X\n  family: f\n  alias: [x]", 5, "alias"),
    "unknown parent": ("- key: x\n  label: X\n  family: f\n  aliases: [x]\n  parent: nowhere", 6, "parent"),
    "parent cycle": (
        "- {key: x, label: X, family: f, aliases: [x], parent: y}\n"
        "- {key: y, label: Y, family: f, aliases: [y], parent: x}",
        2,
        "parent",
    ),
    "duplicate alias": (
        "- {key: x, label: X, family: f, aliases: [dual encoder]}\n"
        "- {key: y, label: Y, family: f, aliases: [Dual-Encoder]}",
        3,
        "aliases",
    ),
    "invalid regex": ("- key: x\n  label: X\n  family: f\n  patterns: ['(unclosed']", 5, "patterns"),
    "empty regex": ("- {key: x, label: X, family: f, patterns: ['a?']}", 2, "patterns"),
    "named group": ("- {key: x, label: X, family: f, patterns: ['(?P<n>ab)']}", 2, "patterns"),
    "duplicate key": (
        "- {key: x, label: X, family: f, aliases: [x]}\n- {key: x, label: X, family: f, aliases: [z]}",
        3,
        "key",
    ),
    "duplicate field": ("- key: x\n  key: y\n  label: X\n  family: f\n  aliases: [x]", 3, None),
    "not a mapping": ("- just a string", 2, None),
    "extend unknown": ("- {key: nothing-here, extend: true, aliases: [x]}", 2, "extend"),
    "bad flag": ("- {key: x, label: X, family: f, aliases: [x], remove: maybe}", 2, "remove"),
}


@pytest.mark.parametrize("case", sorted(BAD_ENTRIES))
def test_bad_entries_are_reported_with_file_line_and_field(tmp_path: Path, case: str) -> None:
    body, line, field = BAD_ENTRIES[case]
    path = write(tmp_path, "techniques:\n" + body + "\n")
    with pytest.raises(VocabularyError) as caught:
        Vocabulary.load([path], include_default=False)
    message = str(caught.value)
    assert message.startswith(f"{path}:{line}: "), message
    assert caught.value.file == str(path) and caught.value.line == line
    if field:
        assert caught.value.field == field, message


def test_alias_clashing_with_a_shipped_technique_names_both(tmp_path: Path) -> None:
    path = write(tmp_path, "techniques:\n- {key: kd2, label: KD, family: f, aliases: [Knowledge Distillation]}\n")
    with pytest.raises(VocabularyError, match=r"'kd2'.*'distillation'"):
        Vocabulary.load([path])


@pytest.mark.parametrize(
    ("text", "line"),
    [("techniques: [\n  {key: x\n", 3), ("other: 1\n", 1), ("techniques: {key: x}\n", 1)],
)
def test_broken_files_are_reported(tmp_path: Path, text: str, line: int) -> None:
    path = write(tmp_path, text)
    with pytest.raises(VocabularyError) as caught:
        Vocabulary.load([path], include_default=False)
    assert caught.value.file == str(path) and caught.value.line == line


def test_missing_file_is_reported(tmp_path: Path) -> None:
    with pytest.raises(VocabularyError, match="cannot read"):
        Vocabulary.load([tmp_path / "absent.yaml"])


# ---------------------------------------------------------------- the `paperkg techniques` command


def test_cli_lists_matches_and_validates(tmp_path: Path, vocab: Vocabulary) -> None:
    runner = CliRunner()
    listed = runner.invoke(cli, ["techniques"])
    assert listed.exit_code == 0 and len(listed.output.splitlines()) == len(vocab)
    assert "consistency-distillation\tefficiency\tdistillation\tConsistency distillation" in listed.output
    matched = runner.invoke(cli, ["techniques", "--match", "a one–step student, LoRA", "--ancestors"])
    expected = ["one-step\tone–step", "lora\tLoRA", "peft\tLoRA", "fine-tuning\tLoRA"]
    assert matched.output.splitlines() == expected
    bad = write(tmp_path, "techniques:\n- {key: x, label: X, family: f, aliases: [x], parent: nowhere}\n")
    failed = runner.invoke(cli, ["techniques", "--techniques", str(bad)])
    assert failed.exit_code == 1 and f"{bad}:2: field 'parent'" in failed.output


# ---------------------------------------------------------------- broad flags and roles (issue 11)


def test_umbrella_techniques_are_broad_and_named_methods_are_not(vocab: Vocabulary) -> None:
    broad = {key for key, t in vocab.techniques.items() if t.broad}
    assert {"transformers", "large-language-models", "cnn", "attention", "fine-tuning", "pre-training"} <= broad
    assert {"reinforcement-learning", "diffusion-models", "contrastive-learning", "zero-shot-learning"} <= broad
    assert not broad & {"rectified-flow", "kv-cache", "neural-architecture-search", "lora", "consistency-distillation"}


def test_a_user_file_can_flag_or_unflag_broad(tmp_path: Path) -> None:
    user = write(
        tmp_path,
        """\
        techniques:
          - {key: lora, extend: true, broad: true}
          - {key: transformers, extend: true, broad: false}
        """,
    )
    loaded = Vocabulary.load([user])
    assert loaded.techniques["lora"].broad and not loaded.techniques["transformers"].broad
    bad = write(tmp_path, "techniques:\n- {key: lora, extend: true, broad: maybe}\n", "bad.yaml")
    with pytest.raises(VocabularyError, match="'broad' must be true or false"):
        Vocabulary.load([bad])


@pytest.mark.parametrize(
    ("text", "key", "role"),
    [
        ("SCott surpasses that (23.4) of the 1-step InstaFlow (Liu et al., 2023).", "rectified-flow", "compares"),
        ("Our model outperforms existing GAN baselines.", "gan", "compares"),
        ("Compared with LoRA, our method trains fewer parameters.", "lora", "compares"),
        ("Unlike knowledge distillation, we train from scratch.", "distillation", "mentions"),
        ("A distillation-free approach to fast sampling.", "distillation", "mentions"),
        ("We generate images without classifier-free guidance.", "classifier-free-guidance", "mentions"),
        ("BLIP outperforms UNITER using contrastive learning.", "contrastive-learning", "uses"),
        ("We apply LoRA to the attention layers.", "lora", "uses"),
    ],
)
def test_baselines_and_negations_get_their_role(vocab: Vocabulary, text: str, key: str, role: str) -> None:
    assert {hit.key: hit.role for hit in vocab.match(text)}[key] == role


def test_a_technique_used_anywhere_in_the_paper_is_used(vocab: Vocabulary) -> None:
    title = "Faster sampling with rectified flow"
    hits = {h.key: h for h in vocab.match_paper(title, "We compare with InstaFlow and outperform it.")}
    assert (hits["rectified-flow"].role, hits["rectified-flow"].evidence) == ("uses", "rectified flow")

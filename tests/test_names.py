"""Names a paper introduces and the citations inferred from them (issue 11 item 4)."""

from __future__ import annotations

import random
import re

from graph.names import _acronym_matches, _successor, acronym_definitions, introduced_names, mention_citations
from loaders.records import Paper

#: The acronym-definition pattern as first written, tried at every position by ``finditer``: the reference
#: that :func:`graph.names._acronym_matches` must match exactly.
PLAIN_ACRONYM = re.compile(r"((?:[A-Za-z][\w-]*\s+){1,8})\(([A-Z][A-Za-z0-9-]{1,11})\)")


def test_a_paper_introduces_its_title_prefix_and_what_it_proposes():
    assert introduced_names("Flash-VStream: Memory-Based Real-Time Understanding", "") == ["Flash-VStream"]
    abstract = "We present DEVA, a decoupled video segmentation approach. It beats XMem."
    assert introduced_names("Tracking Anything with Decoupled Video Segmentation", abstract) == ["DEVA"]
    assert introduced_names("A method", "We propose a method called VPGen, which plans layouts.") == ["VPGen"]


def test_generic_words_and_acronym_categories_are_not_introduced_names():
    abstract = (
        "We propose Annealing schedules. We introduce multimodal large language models (MLLMs) and an "
        "LLM-based planner. This work presents Wasserstein bounds."
    )
    assert introduced_names("Compositional Reasoning: A Study", abstract) == []


def test_acronym_definitions_need_matching_initials():
    text = "We extend distribution matching distillation (DMD) to videos with a key-value (KV) cache (fast)."
    assert acronym_definitions(text) == {"DMD": "distribution matching distillation", "KV": "key-value"}


def test_acronym_matches_are_those_of_the_plain_pattern_on_any_text():
    pieces = ["a", "B", "é", "3", "_", "-", " ", "  ", "\n", "\t", "(", ")", ",", ".", "(DMD)", "(Ab-3)", "(X)",
              "word", "Distribution", "low-rank", "x\u00a0"]  # fmt: skip
    rng = random.Random(7)
    texts = ["".join(rng.choice(pieces) for _ in range(rng.randint(0, 50))) for _ in range(20000)]
    texts += ["We use low-rank adaptation (LoRA), " + "very " * 12 + "long words (LW) and (NO) (Ok-2)."]
    for text in texts:
        expected = [(m.span(), m.groups()) for m in PLAIN_ACRONYM.finditer(text)]
        assert [(m.span(), m.groups()) for m in _acronym_matches(text)] == expected, text


def test_successors_of_an_acronym_are_its_versions():
    names = ["DMD", "DMD2", "DMD-v2", "DMD++", "DMDXL", "DMD Pro", "DMDs", "DM", "DMD-2b", "xDMD2", "DMD.2"]
    for name in names:
        expected = re.fullmatch(re.escape("DMD") + r"[-_ ]?(?:v?\d+|\+\+|XL|Pro|Plus)", name) is not None
        assert _successor("DMD", name) == (name == "DMD" or expected), name
    assert [n for n in names if _successor("DMD", n)] == ["DMD", "DMD2", "DMD-v2", "DMD++", "DMDXL", "DMD Pro"]


def test_a_widely_used_product_named_in_a_title_gets_no_inferred_citations():
    """The Semantic Scholar case of issue 11: "ChatGPT: A revolutionary tool ..." and papers that use ChatGPT."""
    tool = Paper(
        id="s2:chatgpt-math",
        title="ChatGPT: A revolutionary tool for teaching and learning mathematics",
        abstract="ChatGPT is a chatbot. We discuss how teachers may use it.",
        published="2023-03-01",
    )
    users = [
        Paper(id=f"s2:user{i}", title=f"Study {i} of classroom practice", abstract="We asked ChatGPT questions.")
        for i in range(61)
    ]
    for paper in users:
        paper.published = "2023-06-01"
    introducer = Paper(id="s2:slim", title="SlimFlow: Small flows", abstract="", published="2023-01-01")
    citing = Paper(id="s2:c", title="Faster flows", abstract="We extend SlimFlow.", published="2023-07-01")
    found = mention_citations([tool, *users, introducer, citing])
    assert found == [("s2:c", "s2:slim", "SlimFlow")]


def test_an_acronym_definition_reaches_the_successor_named_in_a_title():
    """CausVid defines "distribution matching distillation (DMD)"; DMD2's paper introduces DMD2."""
    dmd2 = Paper(
        id="arxiv:2405.14867",
        title="Improved Distribution Matching Distillation for Fast Image Synthesis",
        abstract="Distribution Matching Distillation (DMD) produces one-step generators. We introduce DMD2, "
        "a set of techniques that lift this limitation.",
        published="2024-05-23",
    )
    causvid = Paper(
        id="arxiv:2412.07772",
        title="From Slow Bidirectional to Fast Causal Video Generators",
        abstract="We extend distribution matching distillation (DMD) to videos, distilling a 50-step model.",
        published="2024-12-10",
    )
    other = Paper(id="arxiv:1", title="Direct Mesh Deformation", abstract="We define a direct mesh deformation (DMD).")
    assert mention_citations([dmd2, causvid, other]) == [("arxiv:2412.07772", "arxiv:2405.14867", "DMD2")]


def test_mentions_are_case_sensitive_whole_words_and_never_cite_the_future():
    a = Paper(id="x:1", title="SlimFlow: Small flows", published="2024-07-01")
    b = Paper(id="x:2", title="B", abstract="slimflow and SlimFlows and xSlimFlow are not names here")
    c = Paper(id="x:3", title="C", abstract="We extend SlimFlow.")
    d = Paper(id="x:4", title="D", abstract="SlimFlow-based students.", published="2023-01-01")
    assert mention_citations([a, b, c, d]) == [("x:3", "x:1", "SlimFlow")]

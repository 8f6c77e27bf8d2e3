"""A tiny hand-made corpus shared by the build, analysis and export tests (no tests of its own).

Two topics a reader recognises (one-step generation with rectified flow; vision-language pre-training),
one loner, real techniques from the shipped vocabulary and hand-written concepts.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import networkx as nx

from graph.build import BuildOptions, build_graph
from graph.extraction import ConceptHit, PaperExtraction
from graph.techniques import Vocabulary
from loaders.records import Paper

#: (id, title, published, abstract, concepts, authors, references)
PAPERS = [
    (
        "arxiv:2405.20320",
        "Improving the Training of Rectified Flows",
        "2024-05-31",
        "Diffusion models have shown great promise for image generation, but sampling needs many steps. "
        "Rectified flow straightens the trajectories; we improve the training of rectified flows so that "
        "one-step generation is competitive with consistency distillation.",
        ["rectified flow", "one-step generation", "diffusion models", "training", "sampling"],
        ["Sangyun Lee", "Zinan Lin"],
        [],
    ),
    (
        "arxiv:2407.12718",
        "SlimFlow: Training Smaller One-Step Diffusion Models with Rectified Flow",
        "2024-07-17",
        "Diffusion models excel at generation but are slow. SlimFlow trains smaller one-step diffusion "
        "models with rectified flow, using annealing reflow and flow-guided distillation.",
        ["rectified flow", "one-step generation", "distillation", "model size", "training"],
        ["Yuanzhi Zhu", "Xingchao Liu"],
        [],
    ),
    (
        "arxiv:2410.00001",
        "Flow Distillation for Faster Sampling",
        "2024-10-01",
        "We distill rectified flow models into one-step generators and compare with SlimFlow-based students.",
        ["rectified flow", "distillation", "one-step generation", "training"],
        ["Ada Park"],
        [],
    ),
    (
        "arxiv:2309.00002",
        "Consistency Models Made Easy",
        "2023-09-10",
        "Consistency models enable one-step generation from diffusion models; unlike SlimFlow, consistency "
        "distillation needs no reflow.",
        ["consistency models", "one-step generation", "diffusion models", "training"],
        ["Ben Ortiz"],
        [],
    ),
    (
        "arxiv:1909.11740",
        "UNITER: UNiversal Image-TExt Representation Learning",
        "2019-09-25",
        "Joint image-text embedding is the basis of most vision-language tasks. We learn it by "
        "vision-language pre-training with masked language modeling and image-text matching.",
        ["vision-language pre-training", "image-text matching", "masked language modeling", "training"],
        ["Yen-Chun Chen", "Linjie Li"],
        [],
    ),
    (
        "arxiv:2102.03334",
        "ViLT: Vision-and-Language Transformer Without Convolution or Region Supervision",
        "2021-02-05",
        "Vision-and-language pre-training has improved many tasks. ViLT is far faster than UNITER while "
        "matching it on image-text matching. Attention is all it needs.",
        ["vision-language pre-training", "image-text matching", "transformer", "training"],
        ["Wonjae Kim"],
        [],
    ),
    (
        "arxiv:2201.12086",
        "BLIP: Bootstrapping Language-Image Pre-training for Unified Vision-Language Understanding",
        "2022-01-28",
        "Vision-language pre-training has advanced vision-language tasks. BLIP outperforms UNITER using "
        "contrastive learning and image-text matching with bootstrapped captions.",
        ["vision-language pre-training", "image-text matching", "captioning", "training"],
        ["Junnan Li", "Dongxu Li"],
        ["arxiv:1909.11740", "doi:10.1000/outside"],
    ),
    (
        "arxiv:2310.00003",
        "SimVLG: Simple and Efficient Pretraining of Visual Language Generative Models",
        "2023-10-03",
        "We speed up vision-language pre-training by gradually merging visual tokens with token merging.",
        ["vision-language pre-training", "token merging", "captioning", "training"],
        ["Yiming Jiang", "Junnan  Li"],
        [],
    ),
    (
        "arxiv:2001.00001",
        "Attention: Revisiting Efficient Transformers",
        "2020-01-15",
        "We revisit efficient attention for long sequences.",
        ["efficient attention", "long sequences", "training"],
        [],
        [],
    ),
]

SLIMFLOW = "paper:arxiv:2407.12718"
IMPROVING = "paper:arxiv:2405.20320"
FLOW_DISTILL = "paper:arxiv:2410.00001"
CONSISTENCY = "paper:arxiv:2309.00002"
UNITER = "paper:arxiv:1909.11740"
VILT = "paper:arxiv:2102.03334"
BLIP = "paper:arxiv:2201.12086"
SIMVLG = "paper:arxiv:2310.00003"
ATTENTION = "paper:arxiv:2001.00001"

#: Options for a corpus this small (the default df cut of 10% would leave nothing to link).
SMALL = BuildOptions(k=3, min_weight=0.5, max_concept_df=0.6, max_technique_df=0.6)


@cache
def vocabulary() -> Vocabulary:
    """The shipped technique vocabulary (loaded once)."""
    return Vocabulary.load()


def papers() -> list[Paper]:
    """Fresh Paper records of the corpus."""
    return [
        Paper(id=i, title=t, published=d, abstract=a, authors=list(au), references=list(refs))
        for i, t, d, a, _, au, refs in PAPERS
    ]


def extractions() -> dict[str, PaperExtraction]:
    """Hand-written concepts (scores falling with rank) and real vocabulary technique matches."""
    vocab = vocabulary()
    found = {}
    for pid, title, _, abstract, concepts, _, _ in PAPERS:
        hits = [ConceptHit(c, c, round(0.9 - 0.1 * r, 2), r + 1) for r, c in enumerate(concepts)]
        found[pid] = PaperExtraction(pid, hits, vocab.match_paper(title, abstract))
    return found


def build(options: BuildOptions = SMALL) -> nx.MultiDiGraph:
    """The corpus graph with the real vocabulary and concept ties."""
    vocab = vocabulary()
    return build_graph(papers(), extractions(), vocab.techniques, vocab.technique_for_phrase, options)


@dataclass
class Tech:
    """A minimal technique satisfying :class:`graph.build.TechniqueInfo`."""

    key: str
    label: str
    family: str = "test"
    aliases: list[str] | None = None
    parent: str | None = None

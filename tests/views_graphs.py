"""Typed graphs built by hand per graph/schema.py, shared by the view tests (no tests here).

The graph has papers in communities with PageRank, techniques with a SUBTYPE_OF tree, concepts,
authors and every relationship type, so every view and every tooltip row has something to show.
"""

from __future__ import annotations

import random

import networkx as nx

from graph import schema

TECHNIQUES = (
    "distillation", "consistency-distillation", "rectified-flow", "lora", "contrastive-learning", "moe",
)  # fmt: skip
CONCEPTS = ("one-step", "diffusion model", "vision-language", "video", "mixture of experts", "fine-tuning")


def typed_graph(n_papers: int = 60, n_communities: int = 4, seed: int = 7) -> nx.MultiDiGraph:
    """A seeded typed graph with ``n_papers`` papers spread over ``n_communities`` communities."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    for key in TECHNIQUES:
        G.add_node(f"technique:{key}", kind=schema.TECHNIQUE, key=key, label=key.replace("-", " "),
                   family="generative" if key != "lora" else "adaptation", df=0)  # fmt: skip
    G.add_edge("technique:consistency-distillation", "technique:distillation", key=schema.SUBTYPE_OF,
               kind=schema.SUBTYPE_OF)  # fmt: skip
    for key in CONCEPTS:
        G.add_node(f"concept:{key}", kind=schema.CONCEPT, key=key, label=key, df=0)
    papers = []
    for i in range(n_papers):
        nid = f"paper:arxiv:2401.{i:05d}"
        papers.append(nid)
        G.add_node(nid, kind=schema.PAPER, id=f"arxiv:2401.{i:05d}",
                   title=f"Paper number {i} on topic {i % 7}", abstract=f"We study topic {i % 7}. " * 5,
                   year=2020 + i % 5, published=f"{2020 + i % 5}-03-01",
                   url=f"https://arxiv.org/abs/2401.{i:05d}", community=i % n_communities,
                   pagerank=round(1.0 / (i + 2), 6), betweenness=0.0, degree=0)  # fmt: skip
        for rank, concept in enumerate(rng.sample(CONCEPTS, 3), start=1):
            G.add_edge(nid, f"concept:{concept}", key=schema.HAS_CONCEPT, kind=schema.HAS_CONCEPT,
                       score=round(1 - rank / 10, 2), rank=rank)  # fmt: skip
            G.nodes[f"concept:{concept}"]["df"] += 1
        for technique in rng.sample(TECHNIQUES, 2):
            G.add_edge(nid, f"technique:{technique}", key=schema.USES_TECHNIQUE, kind=schema.USES_TECHNIQUE,
                       evidence=technique)  # fmt: skip
            G.nodes[f"technique:{technique}"]["df"] += 1
        author = f"author:a{i % 9}"
        G.add_node(author, kind=schema.AUTHOR, key=f"a{i % 9}", name=f"Author {i % 9}")
        G.add_edge(author, nid, key=schema.AUTHORED, kind=schema.AUTHORED, position=1)
    for i, nid in enumerate(papers):
        for j in rng.sample(range(n_papers), 3):
            if j != i:
                a, b = schema.related_pair(nid, papers[j])
                G.add_edge(a, b, key=schema.RELATED_TO, kind=schema.RELATED_TO, weight=round(rng.random(), 3),
                           shared=["one-step", "distillation"])  # fmt: skip
        if i:
            G.add_edge(nid, papers[rng.randrange(i)], key=schema.CITES, kind=schema.CITES,
                       source=schema.CITES_FROM_REFERENCES)  # fmt: skip
    return G


#: Payloads that set ``window.__pwned`` if any of them ever runs as script or HTML.
XSS_PAYLOADS = (
    '<img src=x onerror="window.__pwned=1">',
    "</script><script>window.__pwned=2</script>",
    "<!--<script>window.__pwned=3</script>",
    "\u2028\u2029<svg onload=\"window.__pwned=4\">",
)


def hostile_graph() -> nx.MultiDiGraph:
    """A small graph whose outside strings (titles, abstracts, labels, shared terms, URLs) are payloads."""
    G = typed_graph(12, 2, seed=3)
    papers = sorted(n for n, kind in G.nodes(data="kind") if kind == schema.PAPER)
    for nid, payload in zip(papers, XSS_PAYLOADS, strict=False):
        G.nodes[nid]["title"] = f"Title {payload}"
        G.nodes[nid]["abstract"] = payload
        G.nodes[nid]["url"] = "javascript:window.__pwned=5"
    G.nodes["concept:one-step"]["label"] = XSS_PAYLOADS[0]
    G.nodes["technique:lora"]["label"] = XSS_PAYLOADS[1]
    G.nodes["technique:lora"]["family"] = XSS_PAYLOADS[2]
    for _, _, data in G.edges(data=True):
        if data["kind"] == schema.RELATED_TO:
            data["shared"] = list(XSS_PAYLOADS)
    return G

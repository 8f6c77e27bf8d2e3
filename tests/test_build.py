"""The typed graph build: nodes, edges, ties, citations, the sparse projection, determinism, errors."""

from __future__ import annotations

import itertools
import json
import math
import random

import networkx as nx
import pytest
from build_fixtures import (
    ATTENTION,
    BLIP,
    CONSISTENCY,
    FLOW_DISTILL,
    IMPROVING,
    SLIMFLOW,
    SMALL,
    UNITER,
    VILT,
    Tech,
    build,
    extractions,
    papers,
    vocabulary,
)

from graph import schema
from graph.build import BuildOptions, build_graph
from graph.errors import ConfigError, InputError
from graph.extraction import ConceptHit, PaperExtraction, TechniqueHit
from graph.names import introduced_name, mention_citations
from graph.relatedness import Evidence, Link, related_pairs, text_matrix
from graph.specificity import specificity
from loaders.records import Paper


@pytest.fixture(scope="module")
def G() -> nx.MultiDiGraph:
    return build()


def _edges(G: nx.MultiDiGraph, kind: str) -> dict[tuple[str, str], dict]:
    return {(u, v): d for u, v, k, d in G.edges(keys=True, data=True) if k == kind}


def test_papers_are_linked_to_their_techniques_with_evidence(G):
    uses = _edges(G, schema.USES_TECHNIQUE)
    assert (SLIMFLOW, "technique:rectified-flow") in uses
    assert uses[(SLIMFLOW, "technique:distillation")]["evidence"]
    assert G.nodes["technique:rectified-flow"]["label"] == "Rectified flow"
    assert G.nodes["technique:rectified-flow"]["df"] == 4


def test_concept_naming_a_technique_is_tied_to_it(G):
    assert G.nodes["concept:rectified flow"]["technique"] == "rectified-flow"
    assert "technique" not in G.nodes["concept:image-text matching"]
    uses = _edges(G, schema.USES_TECHNIQUE)
    assert uses[(CONSISTENCY, "technique:rectified-flow")]["evidence"] == "reflow"  # an alias, in the abstract
    assert (UNITER, "technique:rectified-flow") not in uses


def test_tied_concept_alone_gives_the_technique_use():
    paper = Paper(id="arxiv:9", title="A study", abstract="nothing matched here")
    hit = ConceptHit("knowledge distillation", "knowledge distillation", 0.8, 1)
    vocab = vocabulary()
    extraction = {"arxiv:9": PaperExtraction("arxiv:9", [hit])}
    G = build_graph([paper], extraction, vocab.techniques, vocab.technique_for_phrase)
    edge = G.edges["paper:arxiv:9", "technique:distillation", schema.USES_TECHNIQUE]
    assert edge["evidence"] == "knowledge distillation"


def test_subtypes_keep_their_parent_chain(G):
    subtype = _edges(G, schema.SUBTYPE_OF)
    assert ("technique:consistency-distillation", "technique:distillation") in subtype
    assert ("technique:rectified-flow", "technique:flow-matching") in subtype
    assert G.nodes["technique:flow-matching"]["df"] == 0


def test_concept_label_is_the_most_frequent_surface_form():
    ps = [Paper(id=f"x:{i}", title=f"T{i}") for i in range(3)]
    surfaces = ["one-step", "one step", "one-step"]
    ex = {p.id: PaperExtraction(p.id, [ConceptHit("one-step", s, 0.5, 1)]) for p, s in zip(ps, surfaces, strict=True)}
    node = build_graph(ps, ex, {}).nodes["concept:one-step"]
    assert (node["label"], node["aliases"], node["df"]) == ("one-step", ["one step"], 3)


def test_authors_are_merged_by_normalised_name_with_positions(G):
    authored = _edges(G, schema.AUTHORED)
    junnan = [a for a, d in G.nodes(data=True) if d.get("name") == "Junnan Li"]
    assert len(junnan) == 1
    assert authored[(junnan[0], BLIP)]["position"] == 1
    assert authored[(junnan[0], "paper:arxiv:2310.00003")]["position"] == 2


def test_references_inside_the_corpus_become_cites(G):
    cites = _edges(G, schema.CITES)
    assert cites[(BLIP, UNITER)]["via"] == schema.CITES_FROM_REFERENCES
    assert not any(v.startswith("paper:doi:") for _, v in cites)


def test_named_method_mentions_become_cites(G):
    cites = _edges(G, schema.CITES)
    assert cites[(FLOW_DISTILL, SLIMFLOW)] == {"kind": "CITES", "via": "mention", "evidence": "SlimFlow"}
    assert cites[(VILT, UNITER)]["evidence"] == "UNITER"


def test_mentions_never_cite_self_the_future_or_a_dictionary_word(G):
    cites = _edges(G, schema.CITES)
    assert (SLIMFLOW, SLIMFLOW) not in cites
    assert (CONSISTENCY, SLIMFLOW) not in cites  # 2023 paper cannot cite a 2024 one
    assert not any(v == ATTENTION for _, v in cites)  # "Attention" is a dictionary word
    assert introduced_name("Attention: Revisiting Efficient Transformers") is None
    assert introduced_name("VLM: Task-agnostic Video-Language Model Pre-training") is None  # generic acronym
    assert introduced_name("CrossViT: Cross-Attention Multi-Scale Vision Transformer") == "CrossViT"


def test_mentions_are_case_sensitive_and_whole_words():
    a = Paper(id="x:1", title="SlimFlow: Small flows")
    b = Paper(id="x:2", title="B", abstract="slimflow and SlimFlows and xSlimFlow are not names here")
    c = Paper(id="x:3", title="C", abstract="We extend SlimFlow.")
    assert mention_citations([a, b, c]) == [("x:3", "x:1", "SlimFlow")]


def test_related_to_keeps_specific_shared_items_and_is_stored_once(G):
    related = _edges(G, schema.RELATED_TO)
    edge = related[schema.related_pair(SLIMFLOW, FLOW_DISTILL)]
    assert {"Rectified flow", "One-step generation"} <= set(edge["shared"])
    assert edge["shared"][0].startswith("cites: SlimFlow")  # the most specific evidence first
    assert edge["weight"] > 0 and 0 < edge["text"] <= 1
    assert all(u < v for u, v in related)
    assert (UNITER, SLIMFLOW) not in related and (SLIMFLOW, UNITER) not in related
    assert schema.related_pair(UNITER, BLIP) in related


def test_ubiquitous_concepts_do_not_link(G):
    assert all("training" not in d["shared"] for d in _edges(G, schema.RELATED_TO).values())


def test_every_concept_and_technique_has_a_specificity_and_broad_techniques_are_flagged(G):
    for nid, data in G.nodes(data=True):
        if data["kind"] in (schema.CONCEPT, schema.TECHNIQUE):
            assert 0 <= data["specificity"] <= 1, nid
    assert G.nodes["technique:diffusion-models"]["broad"] is True
    assert "broad" not in G.nodes["technique:rectified-flow"]
    assert G.nodes["technique:diffusion-models"]["specificity"] < G.nodes["technique:rectified-flow"]["specificity"]
    assert G.nodes["concept:training"]["specificity"] < 0.1  # every paper has it


def test_paper_own_method_name_is_a_method_concept(G):
    node = G.nodes["concept:slimflow"]
    assert (node["label"], node["method"]) == ("SlimFlow", True)
    assert G.has_edge(SLIMFLOW, "concept:slimflow", schema.HAS_CONCEPT)
    assert "method" not in G.nodes["concept:rectified flow"]


def test_baselines_and_negations_are_not_uses(G):
    uses = _edges(G, schema.USES_TECHNIQUE)
    # "one-step generation is competitive with consistency distillation": a baseline
    assert uses[(IMPROVING, "technique:consistency-distillation")]["role"] == "compares"
    assert uses[(BLIP, "technique:contrastive-learning")]["role"] == "uses"  # "outperforms UNITER using ..."
    assert uses[(SLIMFLOW, "technique:rectified-flow")]["role"] == "uses"


def _pair(a: str, b: str, shared: list[str], role: str = "uses") -> nx.MultiDiGraph:
    """Papers a and b (same words, so text is no issue) sharing the techniques ``shared``, plus 8 others."""
    vocab = vocabulary()
    ps = [Paper(id="x:a", title=a, abstract=a), Paper(id="x:b", title=b, abstract=b)]
    ps += [Paper(id=f"x:{i}", title=f"Unrelated paper {i} on topic {i}", abstract="") for i in range(8)]
    hits = [TechniqueHit(t, t, role) for t in shared]
    ex = {"x:a": PaperExtraction("x:a", [], hits), "x:b": PaperExtraction("x:b", [], hits)}
    return build_graph(ps, ex, vocab.techniques, options=BuildOptions(max_technique_df=0.5))


def test_broad_evidence_alone_never_links_but_a_specific_technique_does():
    text = "Streaming speech recognition for quantum circuits"
    broad = _pair(text, text, ["transformers", "large-language-models", "fine-tuning"])
    assert not _edges(broad, schema.RELATED_TO)
    specific = _pair(text, text, ["kv-cache"])
    assert list(_edges(specific, schema.RELATED_TO)) == [("paper:x:a", "paper:x:b")]


def test_a_technique_only_compared_with_does_not_link():
    text = "Streaming speech recognition for quantum circuits"
    assert not _edges(_pair(text, text, ["kv-cache"], role="compares"), schema.RELATED_TO)


def test_min_weight_and_k_are_respected():
    none = build(BuildOptions(k=3, min_weight=100.0, max_concept_df=0.6, max_technique_df=0.6))
    assert not _edges(none, schema.RELATED_TO)
    one = _edges(build(BuildOptions(k=1, max_concept_df=0.6, max_technique_df=0.6)), schema.RELATED_TO)
    full = _edges(build(), schema.RELATED_TO)
    assert set(one) <= set(full)
    for paper in (SLIMFLOW, UNITER, BLIP):
        assert sum(paper in pair for pair in one) >= 1
        assert sum(paper in pair for pair in one) <= sum(paper in pair for pair in full)


def _random_evidence(seed: int, n: int = 60, items: int = 25) -> Evidence:
    rng = random.Random(seed)
    words = [f"w{j}" for j in range(40)]
    items_of = {f"paper:p{i:03d}": sorted(rng.sample([f"technique:t{j}" for j in range(items)], 4)) for i in range(n)}
    texts = {p: " ".join(rng.sample(words, 8)) for p in items_of}
    return Evidence(items_of, {}, texts=texts)


def test_sparse_top_k_matches_brute_force():
    evidence = _random_evidence(7)
    k = 3

    def cut(item: str, df: int) -> bool:
        return 2 <= df <= 20

    found = {(a, b): link for a, b, link in related_pairs(evidence, cut, k)}
    papers = sorted(evidence.items_of)
    n = len(papers)
    df: dict[str, int] = {}
    for items in evidence.items_of.values():
        for item in items:
            df[item] = df.get(item, 0) + 1
    spec = {i: specificity(d, n) for i, d in df.items() if cut(i, d)}
    T = text_matrix([evidence.texts[p] for p in papers]).toarray()
    brute: dict[tuple[str, str], Link] = {}
    for (i, a), (j, b) in itertools.combinations(enumerate(papers), 2):
        common = set(evidence.items_of[a]) & set(evidence.items_of[b]) & spec.keys()
        if any(evidence.specific(c, spec[c]) for c in common):
            link = Link(round(math.fsum(spec[c] for c in common), 4), round(float(T[i] @ T[j]), 4), [], True)
            if link.related:
                brute[(a, b)] = link
    for paper in papers:
        mine = sorted(((-lk.score, p) for p, lk in brute.items() if paper in p))
        if mine:
            assert mine[0][1] in found  # its best-scored link is always kept
        assert sum(paper in pair for pair in found) >= min(k, len(mine))
    assert set(found) <= set(brute)
    assert all(found[p].weight == brute[p].weight and found[p].text == brute[p].text for p in found)
    assert len(found) <= n * k


def test_absolute_item_cap_stops_huge_items_from_linking():
    assert related_pairs(_random_evidence(3), lambda item, df: df <= 1, 5) == []


def test_no_none_values_and_every_node_and_edge_has_a_schema_kind(G):
    for _, data in G.nodes(data=True):
        assert data["kind"] in schema.NODES
        assert None not in data.values()
        assert set(data) - {"kind"} <= set(schema.NODES[data["kind"]].properties)
    for _, _, key, data in G.edges(keys=True, data=True):
        assert data["kind"] == key and key in schema.RELATIONSHIPS
        assert None not in data.values()
        assert set(data) - {"kind"} <= set(schema.RELATIONSHIPS[key].properties)


def test_two_builds_are_identical_whatever_the_input_order():
    first = json.dumps(nx.node_link_data(build(), edges="links"))
    shuffled = papers()
    random.Random(1).shuffle(shuffled)
    vocab = vocabulary()
    second = build_graph(shuffled, extractions(), vocab.techniques, vocab.technique_for_phrase, SMALL)
    assert json.dumps(nx.node_link_data(second, edges="links")) == first


def test_bad_input_raises_clear_errors():
    paper = Paper(id="x:1", title="T")
    with pytest.raises(InputError, match="appears twice"):
        build_graph([paper, paper], {}, {})
    with pytest.raises(InputError, match="unknown paper 'x:2'"):
        build_graph([paper], {"x:2": PaperExtraction("x:2")}, {})
    with pytest.raises(InputError, match="technique 'nope'"):
        build_graph([paper], {"x:1": PaperExtraction("x:1", [], [TechniqueHit("nope", "n")])}, {"t": Tech("t", "T")})
    with pytest.raises(ConfigError, match="max_concept_df"):
        build_graph([paper], {}, {}, options=BuildOptions(max_concept_df=2.0))

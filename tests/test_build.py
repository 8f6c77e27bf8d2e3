"""The typed graph build: nodes, edges, ties, citations, the sparse projection, determinism, errors."""

from __future__ import annotations

import itertools
import json
import math
import random

import networkx as nx
import pytest
from test_build_fixtures import (
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
from graph.build import (
    BuildOptions,
    Projection,
    build_graph,
    introduced_name,
    mention_citations,
    related_pairs,
)
from graph.errors import ConfigError, InputError
from graph.extraction import ConceptHit, PaperExtraction, TechniqueHit
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


def test_related_to_keeps_shared_items_and_is_stored_once(G):
    related = _edges(G, schema.RELATED_TO)
    edge = related[schema.related_pair(SLIMFLOW, IMPROVING)]
    assert {"Rectified flow", "One-step generation"} <= set(edge["shared"])
    assert edge["weight"] > 0
    assert all(u < v for u, v in related)
    assert (UNITER, SLIMFLOW) not in related and (SLIMFLOW, UNITER) not in related


def test_ubiquitous_concepts_do_not_link(G):
    assert all("training" not in d["shared"] for d in _edges(G, schema.RELATED_TO).values())


def test_min_weight_and_k_are_respected():
    none = build(BuildOptions(k=3, min_weight=100.0, max_concept_df=0.6, max_technique_df=0.6))
    assert not _edges(none, schema.RELATED_TO)
    one = build(BuildOptions(k=1, min_weight=0.5, max_concept_df=0.6, max_technique_df=0.6))
    related = _edges(one, schema.RELATED_TO)
    assert len(related) <= 9
    full = _edges(build(), schema.RELATED_TO)
    for paper in (SLIMFLOW, UNITER, BLIP):
        mine = {pair: d["weight"] for pair, d in full.items() if paper in pair}
        best = max(mine.values())
        assert any(paper in pair and d["weight"] == best for pair, d in related.items())


def _random_projection(seed: int, n: int = 60, items: int = 25) -> Projection:
    rng = random.Random(seed)
    items_of = {f"paper:p{i:03d}": sorted(rng.sample([f"concept:c{j}" for j in range(items)], 4)) for i in range(n)}
    return Projection(items_of, {}, lambda item, df: 2 <= df <= 20)


def test_sparse_top_k_matches_brute_force():
    projection = _random_projection(7)
    k, min_weight = 3, 1.0
    found = {(a, b): w for a, b, w, _ in related_pairs(projection, k, min_weight, 5)}
    n = len(projection.items_of)
    df = {}
    for items in projection.items_of.values():
        for item in items:
            df[item] = df.get(item, 0) + 1
    idf = {i: math.log(1 + n / d) for i, d in df.items() if 2 <= d <= 20}
    weight = {}
    for a, b in itertools.combinations(sorted(projection.items_of), 2):
        w = sum(idf.get(i, 0) for i in set(projection.items_of[a]) & set(projection.items_of[b]))
        if w >= min_weight:
            weight[(a, b)] = round(w, 4)
    for paper in projection.items_of:
        mine = sorted(((w, p) for p, w in weight.items() if paper in p), key=lambda x: (-x[0], x[1]))
        if mine:
            assert mine[0][1] in found  # its strongest link is always kept
        kept = sum(1 for pair in found if paper in pair)
        assert kept >= min(k, len(mine))
    assert set(found) <= set(weight)
    assert all(found[p] == weight[p] for p in found)
    assert len(found) <= n * k


def test_absolute_item_cap_stops_huge_items_from_linking():
    projection = _random_projection(3)
    assert related_pairs(Projection(projection.items_of, {}, lambda item, df: df <= 1), 5, 0.0, 5) == []


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

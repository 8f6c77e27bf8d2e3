"""Analysis: scores written on nodes, labelled deterministic communities, bridges, trends, explain/similar/top."""

from __future__ import annotations

import networkx as nx
import pytest
from build_fixtures import ATTENTION, BLIP, IMPROVING, SLIMFLOW, UNITER, VILT, build

from graph import schema
from graph.analysis import analyze, explain, resolve_paper, similar, top
from graph.analysis.bridges import bridge_papers, bridge_techniques, participation
from graph.analysis.centrality import betweenness, sampled_betweenness
from graph.analysis.communities import partition
from graph.analysis.projection import LINKS, to_networkx
from graph.errors import AmbiguousNameError, ConfigError, NotFoundError


@pytest.fixture(scope="module")
def analysed():
    G = build()
    return G, analyze(G)


def test_scores_and_communities_are_written_on_nodes(analysed):
    G, _ = analysed
    for _, data in G.nodes(data=True):
        if data["kind"] == schema.PAPER:
            assert {"degree", "pagerank", "betweenness", "community"} <= set(data)
    assert {"pagerank", "betweenness", "community"} <= set(G.nodes["technique:vision-language-pretraining"])
    assert "pagerank" in G.nodes["concept:image-text matching"]
    total = sum(d["pagerank"] for _, d in G.nodes(data=True) if d["kind"] == schema.PAPER)
    assert total == pytest.approx(1.0, abs=1e-6)


def test_the_vision_language_papers_are_a_labelled_community(analysed):
    G, result = analysed
    community = {p: G.nodes[p]["community"] for p in (SLIMFLOW, IMPROVING, UNITER, VILT, BLIP)}
    assert community[UNITER] == community[VILT] == community[BLIP] != -1
    assert community[SLIMFLOW] != community[UNITER] and community[IMPROVING] != community[UNITER]
    labels = result.community_labels()
    assert "vision-language pre-training" in labels[community[UNITER]].lower()
    assert G.nodes["technique:vision-language-pretraining"]["community"] == community[UNITER]
    assert [c.id for c in result.communities] == sorted(c.id for c in result.communities)
    assert [c.size for c in result.communities] == sorted((c.size for c in result.communities), reverse=True)


def test_communities_are_deterministic_for_a_seed():
    runs = [[(c.id, c.label, c.top_papers) for c in analyze(build(), seed=7).communities] for _ in range(2)]
    assert runs[0] == runs[1]


def test_sampled_betweenness_with_every_source_is_exact():
    U = nx.Graph(nx.les_miserables_graph())
    U.add_edges_from([("x", "y"), ("y", "z")])  # a second component
    exact = nx.betweenness_centrality(U)
    fast = sampled_betweenness(U, list(U))
    assert max(abs(exact[v] - fast[v]) for v in U) < 1e-12


def test_betweenness_switches_to_a_seeded_sample_above_the_exact_size():
    U = nx.connected_watts_strogatz_graph(300, 6, 0.1, seed=1)
    a = betweenness(U, exact_max=100, samples=60, seed=3)
    assert a == betweenness(U, exact_max=100, samples=60, seed=3)
    exact = nx.betweenness_centrality(U)
    top_exact = set(sorted(U, key=lambda v: -exact[v])[:30])
    top_sampled = set(sorted(U, key=lambda v: -a[v])[:30])
    assert len(top_exact & top_sampled) >= 15


def test_participation_and_bridges_on_two_joined_cliques():
    G = nx.MultiDiGraph()
    left, right = [f"paper:l{i}" for i in range(4)], [f"paper:r{i}" for i in range(4)]
    for p in left + right:
        G.add_node(p, kind=schema.PAPER, title=p)
    G.add_node("technique:t", kind=schema.TECHNIQUE, label="Shared trick")
    for group in (left, right):
        for i, a in enumerate(group):
            for b in group[i + 1 :]:
                G.add_edge(a, b, key=schema.RELATED_TO, kind=schema.RELATED_TO, weight=1.0, shared=[])
        for p in group[:2]:
            G.add_edge(p, "technique:t", key=schema.USES_TECHNIQUE, kind=schema.USES_TECHNIQUE)
    G.add_edge("paper:l0", "paper:r0", key=schema.RELATED_TO, kind=schema.RELATED_TO, weight=0.2, shared=[])
    U = to_networkx(G, LINKS)
    member = partition(U, seed=1, terms_of={}, specificity={}).membership()
    assert member["paper:l1"] != member["paper:r1"]
    assert participation(U, member)["paper:l1"] == 0.0
    bridges = bridge_papers(G, U, member, nx.betweenness_centrality(U))
    assert {b.paper for b in bridges} == {"paper:l0", "paper:r0"}
    assert [b.label for b in bridge_techniques(G, member)] == ["Shared trick"]


def test_trends_find_the_rising_topic(analysed):
    _, result = analysed
    trends = result.trends
    assert trends.granularity == "year" and trends.periods[-1] == "2024"
    assert trends.papers["2024"] == 3
    rising = [r.label for r in trends.rising]
    assert "Rectified flow" in rising[:4]
    assert all(r.growth > 0 for r in trends.rising)


def test_resolve_paper_by_id_title_name_part_and_typo(analysed):
    G, _ = analysed
    assert resolve_paper(G, "arxiv:2407.12718") == SLIMFLOW
    assert resolve_paper(G, SLIMFLOW) == SLIMFLOW
    assert resolve_paper(G, "improving the training of rectified flows") == IMPROVING
    assert resolve_paper(G, "SlimFlow") == SLIMFLOW
    assert resolve_paper(G, "Bootstrapping Language-Image") == BLIP
    assert resolve_paper(G, "Improving the Trainig of Rectified Flow") == IMPROVING


def test_ambiguous_and_unknown_names_are_reported(analysed):
    G, _ = analysed
    with pytest.raises(AmbiguousNameError) as info:
        resolve_paper(G, "rectified flow")
    assert any("SlimFlow" in c for c in info.value.candidates)
    assert any("Improving the Training" in c for c in info.value.candidates)
    with pytest.raises(NotFoundError, match="no paper matches"):
        resolve_paper(G, "Quantum chromodynamics on lattices")


def test_explain_slimflow_and_improving_rectified_flows(analysed):
    G, _ = analysed
    why = explain(G, "SlimFlow", "Improving the Training of Rectified Flows")
    assert {"Rectified flow", "One-step generation"} <= set(why.shared_techniques)
    assert "Knowledge distillation (family)" in why.shared_techniques
    assert why.related_weight is not None and why.related_weight > 0
    assert why.path[0][0].startswith("SlimFlow") and why.path[-1][0].startswith("Improving")
    text = why.to_text()
    assert "Rectified flow" in text and "directly related" in text


def test_explain_reports_citation_chains(analysed):
    G, _ = analysed
    why = explain(G, "ViLT", "UNITER")
    assert why.citations == [[G.nodes[VILT]["title"], G.nodes[UNITER]["title"]]]
    with pytest.raises(ConfigError, match="same paper"):
        explain(G, "UNITER", "arxiv:1909.11740")


def test_similar_lists_related_papers_strongest_first(analysed):
    G, _ = analysed
    found = similar(G, "UNITER", k=2)
    assert len(found) == 2
    assert found[0].score >= found[1].score
    assert {f.paper_id for f in found} <= {"arxiv:2102.03334", "arxiv:2201.12086", "arxiv:2310.00003"}
    assert "Vision-language pre-training" in found[0].shared
    assert all(f.linked and 0 < f.text <= 1 for f in found)
    # the loner shares only broad items ("transformer", "attention") with anyone: nothing worth showing
    assert similar(G, "Attention: Revisiting Efficient Transformers", k=5) == []


def test_top_ranks_each_kind(analysed):
    G, result = analysed
    techniques = top(G, "technique", "degree", 3)
    assert len(techniques) == 3
    assert techniques[0].value >= techniques[1].value >= techniques[2].value
    assert top(G, "paper", "pagerank", 1)[0].node == result.top["paper"][0].node
    assert top(G, "concept", "df", 1)[0].label == "training"
    ranked = [r.node for r in top(G, "paper", "pagerank", 9)]
    assert ranked[0] in (UNITER, VILT, BLIP) and ranked.index(ATTENTION) > ranked.index(UNITER)
    with pytest.raises(ConfigError, match="cannot rank by"):
        top(G, "paper", "charisma", 3)
    with pytest.raises(ConfigError, match="unknown node kind"):
        top(G, "journal", "degree", 3)


def test_top_on_an_unanalysed_graph_says_what_to_do():
    with pytest.raises(ConfigError, match="analyse the graph first"):
        top(build(), "paper", "pagerank", 3)

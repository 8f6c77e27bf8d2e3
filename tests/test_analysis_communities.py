"""Communities a researcher can read: no tiny ones, leftovers attached or unclustered, labels from specific
items, the resolution choice recorded; centrality on the right projection; results kept in G.graph."""

from __future__ import annotations

import itertools

import networkx as nx
import pytest

from graph import api, schema
from graph.analysis import analyze
from graph.analysis.communities import MIN_SIZE, UNCLUSTERED, community_labels
from graph.analysis.couse import co_use, technique_graph
from graph.export.files import write_graph_files
from graph.export.views.select import technique_map

TOPICS = ("rectified flow", "kv cache", "neural architecture search")


def _paper(G: nx.MultiDiGraph, name: str, techniques=(), role: str = "uses", abstract: str = "") -> str:
    node = schema.node_id(schema.PAPER, name)
    G.add_node(node, kind=schema.PAPER, id=name, title=name.title(), abstract=abstract)
    concept = schema.node_id(schema.CONCEPT, f"{name} own phrase")
    G.add_node(concept, kind=schema.CONCEPT, label=f"{name} own phrase", df=1, specificity=1.0)
    G.add_edge(node, concept, key=schema.HAS_CONCEPT, kind=schema.HAS_CONCEPT)
    for t in techniques:
        G.add_edge(node, schema.node_id(schema.TECHNIQUE, t), key=schema.USES_TECHNIQUE, kind=schema.USES_TECHNIQUE,
                   role=role)  # fmt: skip
    return node


def _link(G: nx.MultiDiGraph, a: str, b: str, weight: float = 2.0) -> None:
    u, v = schema.related_pair(a, b)
    G.add_edge(u, v, key=schema.RELATED_TO, kind=schema.RELATED_TO, weight=weight, shared=[])


def corpus() -> nx.MultiDiGraph:
    """Three topics of six linked papers, each using its own specific technique and the broad
    'transformers'; plus leftovers: a linked pair next to topic 0, an unlinked paper using topic 1's
    technique, an unlinked paper whose abstract is about topic 2, an unlinked paper with only a broad
    technique, and a pair sharing nothing specific."""
    G = nx.MultiDiGraph()
    for t in TOPICS:
        G.add_node(schema.node_id(schema.TECHNIQUE, t), kind=schema.TECHNIQUE, label=t.title(), df=7, specificity=0.8)
    G.add_node("technique:transformers", kind=schema.TECHNIQUE, label="Transformers", df=20, specificity=0.15,
               broad=True)  # fmt: skip
    for i, t in enumerate(TOPICS):
        members = [_paper(G, f"t{i}p{j}", [t, "transformers"], abstract=f"{t} for {t} problems") for j in range(6)]
        for a, b in itertools.combinations(members, 2):
            _link(G, a, b)
    near = [_paper(G, "near1", ["transformers"]), _paper(G, "near2", ["transformers"])]
    _link(G, *near, weight=1.0)
    _link(G, near[0], "paper:t0p0", weight=0.6)
    _paper(G, "lone-kv", [TOPICS[1]])
    _paper(G, "lone-broad", ["transformers"], abstract="quantum chemistry of proteins")
    _paper(G, "text-nas", abstract="a new neural architecture search space")
    _link(G, _paper(G, "odd1"), _paper(G, "odd2"), weight=1.0)
    return G


@pytest.fixture(scope="module")
def analysed():
    G = corpus()
    return G, analyze(G)


def _community(G, name):
    return G.nodes[schema.node_id(schema.PAPER, name)]["community"]


def test_no_community_has_fewer_than_three_papers(analysed):
    G, result = analysed
    assert [c["size"] for c in G.graph["communities"]] == [c.size for c in result.communities]
    assert min(c.size for c in result.communities) >= MIN_SIZE
    sizes = {c.id: c.size for c in result.communities}
    papers = [d["community"] for _, d in G.nodes(data=True) if d["kind"] == schema.PAPER]
    assert all(c == UNCLUSTERED or c in sizes for c in papers)
    assert sum(1 for c in papers if c != UNCLUSTERED) == sum(sizes.values())


def test_topics_are_communities_and_leftovers_join_the_one_they_are_linked_to(analysed):
    G, _ = analysed
    topic = [_community(G, f"t{i}p0") for i in range(3)]
    assert len(set(topic)) == 3
    assert all(_community(G, f"t{i}p{j}") == topic[i] for i in range(3) for j in range(6))
    assert _community(G, "near1") == _community(G, "near2") == topic[0]
    assert _community(G, "lone-kv") == topic[1]  # no link, but topic 1's specific technique
    assert _community(G, "text-nas") == topic[2]  # no link, no item, but its title and abstract


def test_papers_sharing_nothing_specific_are_unclustered(analysed):
    G, _ = analysed
    assert {_community(G, p) for p in ("lone-broad", "odd1", "odd2")} == {UNCLUSTERED}
    summary = G.graph["analysis"]["communities"]
    assert summary["unclustered"] == 3 and summary["attached"] == {"items": 1, "links": 2, "text": 1}


def test_labels_name_the_specific_technique_never_a_broad_or_one_paper_item(analysed):
    G, result = analysed
    for i, t in enumerate(TOPICS):
        c = result.communities[_community(G, f"t{i}p0")]
        assert c.label.split(" · ")[0] == t.title()
        assert "Transformers" not in c.label and "own phrase" not in c.label
        assert c.about.startswith(f"Papers on {t.title()} (")
    assert community_labels(G) == {c.id: c.label for c in result.communities}
    assert result.community_labels()[UNCLUSTERED] == "unclustered"


def test_the_resolution_choice_is_measured_and_recorded(analysed):
    G, _ = analysed
    found = G.graph["analysis"]["communities"]
    scores = {t["resolution"]: t["score"] for t in found["tried"]}
    assert found["resolution"] in scores
    assert scores[found["resolution"]] == max(scores.values())
    assert found["tried"][0]["resolution"] == 1.0 and found["projection"]["relationship"] == schema.RELATED_TO


def test_communities_are_the_same_for_a_seed():
    runs = [analyze(corpus(), seed=7) for _ in range(2)]
    assert [(c.id, c.label, c.top_papers) for c in runs[0].communities] == [
        (c.id, c.label, c.top_papers) for c in runs[1].communities
    ]


def test_pagerank_runs_on_links_without_citations_and_on_citations_with_them(analysed):
    G, _ = analysed
    assert G.graph["analysis"]["centrality"]["name"] == "links"
    cited = corpus()
    papers = [n for n, k in cited.nodes(data="kind") if k == schema.PAPER]
    for p in papers[1:]:
        cited.add_edge(p, papers[0], key=schema.CITES, kind=schema.CITES, via=schema.CITES_FROM_REFERENCES)
    result = analyze(cited)
    assert cited.graph["analysis"]["centrality"]["name"] == "citations"
    assert cited.graph["analysis"]["centrality"]["relationship"] == schema.CITES
    assert result.top[schema.PAPER][0].node == papers[0]


def test_baselines_do_not_count_as_co_use_in_analysis_or_the_technique_map():
    G = corpus()
    _paper(G, "baseline-user", ["rectified flow", "kv cache"], role="compares")
    assert ("technique:kv cache", "technique:rectified flow") not in co_use(G)
    analyze(G)
    _, edges, dominant = technique_map(G, top_links=3)
    drawn = {(a, b): data["weight"] for a, b, kind, data in edges if kind != schema.SUBTYPE_OF}
    assert drawn == {
        (a, b): w for a, b, w in technique_graph(G).edges(data="weight") if (a, b) in drawn or (b, a) in drawn
    }
    assert ("technique:kv cache", "technique:rectified flow") not in drawn
    assert dominant["technique:kv cache"] == _community(G, "t1p0")


def test_labels_are_read_from_graph_json_without_communities_csv(analysed, tmp_path):
    G, result = analysed
    write_graph_files(G, result, tmp_path)
    (tmp_path / "communities.csv").unlink()
    assert api.community_labels(tmp_path) == {c.id: c.label for c in result.communities}
    assert api.load_graph(tmp_path).graph["analysis"]["communities"]["unclustered"] == 3

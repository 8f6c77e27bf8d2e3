"""Against a real Neo4j 5 with APOC and GDS (``docker compose up -d``): run with NEO4J_URI set.

    NEO4J_URI=bolt://localhost:7687 NEO4J_PASSWORD=paperkg-local python -m pytest -m neo4j tests/test_neo4j_live.py

These tests wipe paperkg's labels (Paper, Concept, Technique, Author) in the target database: point
them at a scratch database. Without NEO4J_URI they are skipped.
"""

from __future__ import annotations

import os

import networkx as nx
import pytest
from neo4j_graph import sample_graph

from graph.export.graphdb.cypher import PRESETS
from graph.export.graphdb.gds import GdsOptions, analyze_in_neo4j
from graph.export.graphdb.load import Neo4jSettings, load_graph
from graph.export.graphdb.query import run_preset, run_query
from graph.export.graphdb.rows import graph_counts

pytestmark = [
    pytest.mark.neo4j,
    pytest.mark.skipif(not os.environ.get("NEO4J_URI"), reason="NEO4J_URI is not set: no Neo4j server to test"),
]

#: Values for the presets' required parameters, taken from tests/neo4j_graph.py.
REQUIRED = {
    "concept-path": {"from": "arxiv:2407.00001", "to": "Improving the Training of Rectified Flows"},
    "technique-timeline": {"technique": "distillation"},
    "search": {"text": "rectified"},
}


@pytest.fixture(scope="module")
def settings() -> Neo4jSettings:
    return Neo4jSettings.resolve()


@pytest.fixture(scope="module")
def loaded(settings: Neo4jSettings) -> nx.MultiDiGraph:
    G = sample_graph()
    load_graph(G, settings, batch_size=2, wipe=True, progress=False)
    return G


def test_loading_twice_gives_the_graphs_counts(settings: Neo4jSettings, loaded: nx.MultiDiGraph) -> None:
    nodes, rels = graph_counts(loaded)
    again = load_graph(loaded, settings, batch_size=3, progress=False)
    assert again.nodes == nodes and again.relationships == rels


def test_properties_arrive_typed(settings: Neo4jSettings, loaded: nx.MultiDiGraph) -> None:
    columns, rows = run_query(
        "MATCH (p:Paper {id: $id}) RETURN p.year AS year, p.sources AS sources, p.title AS title",
        {"id": "arxiv:2407.00001"}, settings,
    )
    assert columns == ["year", "sources", "title"]
    assert rows == [[2024, ["a.txt:3", "b.json:1"], "SlimFlow: Training Smaller One-Step Models"]]


@pytest.mark.parametrize("name", sorted(PRESETS))
def test_every_preset_runs(settings: Neo4jSettings, loaded: nx.MultiDiGraph, name: str) -> None:
    columns, rows = run_preset(name, REQUIRED.get(name, {}), settings)
    assert columns
    if name in ("shared-techniques", "technique-timeline", "search", "concept-path", "pagerank"):
        assert rows, f"preset {name} found nothing in the sample graph"


def test_gds_analysis_writes_scores_back(settings: Neo4jSettings, loaded: nx.MultiDiGraph) -> None:
    run_query("MATCH (n:Paper) REMOVE n.pagerank, n.community", settings=settings)
    report = analyze_in_neo4j(settings, GdsOptions(graph_name="paperkg-test"))
    assert report.steps["gds-pagerank-write"]["nodePropertiesWritten"] > 0
    _, rows = run_query(
        "MATCH (p:Paper) RETURN count(p.pagerank) AS ranked, count(p.community) AS grouped, count(p) AS papers",
        settings=settings,
    )
    assert rows[0][0] == rows[0][1] == rows[0][2] == 3
    _, graphs = run_query("CALL gds.graph.list() YIELD graphName RETURN graphName", settings=settings)
    assert ["paperkg-test"] not in graphs

"""The Neo4j exports on the real build output: the bundled sample through loaders, techniques and build.

Concept extraction (the model) is left out to stay fast: papers carry their vocabulary techniques only,
which still gives Paper, Technique, USES_TECHNIQUE, SUBTYPE_OF, RELATED_TO and CITES at full sample size.
The graph goes through graph.json (graph.export.files' node-link names) as `paperkg neo4j load` reads it.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path

import networkx as nx
import pytest

from graph.api import load_inputs
from graph.build import build_graph
from graph.export.files import NODE_LINK_NAMES, read_graph_json
from graph.export.graphdb.bulk import write_bulk_import
from graph.export.graphdb.load import plan_load
from graph.export.graphdb.rows import graph_counts
from graph.extraction import PaperExtraction
from graph.techniques import Vocabulary
from loaders.records import resolve_references


@pytest.fixture(scope="module")
def G(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    papers = resolve_references(load_inputs().papers)
    vocab = Vocabulary.load()
    extractions = {p.id: PaperExtraction(p.id, [], vocab.match_paper(p.title, p.abstract)) for p in papers}
    built = build_graph(papers, extractions, vocab.techniques, vocab.technique_for_phrase)
    path = tmp_path_factory.mktemp("out") / "graph.json"
    path.write_text(json.dumps(nx.node_link_data(built, **NODE_LINK_NAMES)), encoding="utf-8")
    return read_graph_json(path)


def test_sample_graph_has_the_expected_shape(G: nx.MultiDiGraph) -> None:
    nodes, rels = graph_counts(G)
    assert nodes["Paper"] > 100 and nodes["Technique"] > 10
    assert rels["USES_TECHNIQUE"] > 100 and rels["SUBTYPE_OF"] > 0


def test_load_plan_sends_every_node_and_edge(G: nx.MultiDiGraph) -> None:
    steps = plan_load(G, batch_size=500)
    assert sum(step.rows for step in steps) == G.number_of_nodes() + G.number_of_edges()
    assert all(step.rows <= 500 for step in steps)


def test_bulk_files_hold_the_whole_graph(G: nx.MultiDiGraph, tmp_path: Path) -> None:
    files = write_bulk_import(G, tmp_path / "neo4j")
    rows = 0
    for path in files:
        if path.suffix == ".csv":
            with path.open(encoding="utf-8", newline="") as handle:
                rows += sum(1 for _ in csv.DictReader(handle))
    assert rows == G.number_of_nodes() + G.number_of_edges()

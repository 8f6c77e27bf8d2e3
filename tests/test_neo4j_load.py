"""The Neo4j loader's own logic, without a server: rows, batches, statements, parameters, errors.

The driver's I/O is exercised for real where no server is needed (a refused connection).
"""

from __future__ import annotations

import re
import socket

import networkx as nx
import pytest
from neo4j_graph import sample_graph

from graph import schema
from graph.errors import ConfigError, InputError, Neo4jUnavailableError
from graph.export.graphdb import cypher
from graph.export.graphdb.cypher import preset_params
from graph.export.graphdb.load import DEFAULT_PASSWORD, LoadReport, Neo4jSettings, plan_load
from graph.export.graphdb.query import run_query
from graph.export.graphdb.rows import GraphRows, batched, graph_counts
from graph.export.graphdb.table import parse_params, render


@pytest.fixture(scope="module")
def G() -> nx.MultiDiGraph:
    return sample_graph()


def test_batches_cover_every_row_once() -> None:
    rows = list(range(2501))
    batches = list(batched(rows, 1000))
    assert [len(b) for b in batches] == [1000, 1000, 501]
    assert [x for b in batches for x in b] == rows
    with pytest.raises(ValueError):
        list(batched(rows, 0))


def test_node_rows_keep_only_schema_properties_typed(G: nx.MultiDiGraph) -> None:
    G = G.copy()
    G.nodes["paper:arxiv:2407.00003"].update(upvotes="7", note="not in schema")
    rows = {row["key"]: row["props"] for row in GraphRows.of(G).nodes(schema.PAPER)}
    assert rows["arxiv:2407.00003"] == {
        "id": "arxiv:2407.00003", "title": "UNITER", "year": 2019, "upvotes": 7, "community": 1, "pagerank": 0.1,
    }
    assert rows["arxiv:2407.00001"]["sources"] == ["a.txt:3", "b.json:1"]


def test_relationship_rows_use_endpoint_keys(G: nx.MultiDiGraph) -> None:
    rows = GraphRows.of(G).relationships(schema.RELATED_TO)
    assert rows == [{"start": "arxiv:2407.00001", "end": "arxiv:2407.00002",
                     "props": {"weight": 0.8, "shared": ["rectified-flow"]}}]
    assert GraphRows.of(G).relationships(schema.SUBTYPE_OF) == [
        {"start": "consistency-distillation", "end": "distillation", "props": {}}
    ]


def test_bad_value_names_node_and_property(G: nx.MultiDiGraph) -> None:
    G = G.copy()
    G.nodes["paper:arxiv:2407.00002"]["year"] = "two thousand"
    with pytest.raises(InputError, match=r"paper:arxiv:2407.00002: field 'year'"):
        GraphRows.of(G).nodes(schema.PAPER)


def test_edge_between_wrong_kinds_is_rejected(G: nx.MultiDiGraph) -> None:
    G = G.copy()
    G.add_edge("concept:one-step", "paper:arxiv:2407.00001", key=schema.CITES, kind=schema.CITES)
    with pytest.raises(InputError, match=re.escape("CITES concept:one-step -> paper:arxiv:2407.00001")):
        plan_load(G)


def test_node_id_must_carry_its_kind(G: nx.MultiDiGraph) -> None:
    G = G.copy()
    G.add_node("arxiv:9", kind=schema.PAPER, id="arxiv:9")
    with pytest.raises(InputError, match=r"arxiv:9: field 'id'"):
        plan_load(G)
    G.remove_node("arxiv:9")
    G.add_node("concept:x", kind=schema.PAPER, id="x")
    with pytest.raises(InputError, match=r"concept:x: field 'kind'"):
        plan_load(G)


def test_unknown_kind_is_rejected(G: nx.MultiDiGraph) -> None:
    G = G.copy()
    G.add_edge("paper:arxiv:2407.00001", "paper:arxiv:2407.00003", key="LIKES", kind="LIKES")
    with pytest.raises(InputError, match="unknown relationship type 'LIKES'"):
        plan_load(G)


def test_plan_orders_schema_then_nodes_then_relationships(G: nx.MultiDiGraph) -> None:
    steps = plan_load(G, batch_size=2, wipe=True)
    names = [s.statement.name for s in steps]
    assert names[0] == "wipe"
    first_merge = names.index("merge-Paper")
    assert all(n.startswith(("constraint-", "index-", "fulltext-")) for n in names[1:first_merge])
    node_steps = [n for n in names if n.startswith("merge-") and n[6:] in schema.KIND_OF_LABEL]
    last_node = max(i for i, n in enumerate(names) if n in node_steps)
    first_rel = min(i for i, n in enumerate(names) if n.startswith("merge-") and n[6:] in schema.RELATIONSHIPS)
    assert last_node < first_rel
    assert all(s.auto_commit == (s.rows == 0) for s in steps)
    assert max(s.rows for s in steps) == 2


def test_plan_sends_every_node_and_edge_once_as_parameters(G: nx.MultiDiGraph) -> None:
    steps = plan_load(G, batch_size=2)
    sent_nodes: dict[str, int] = {}
    sent_rels: dict[str, int] = {}
    for step in steps:
        name = step.statement.name.removeprefix("merge-")
        if not step.rows:
            continue
        assert "$rows" in step.statement.text and set(step.params) == {"rows"}
        target = sent_nodes if name in schema.KIND_OF_LABEL else sent_rels
        target[name] = target.get(name, 0) + len(step.params["rows"])
    nodes, rels = graph_counts(G)
    assert sent_nodes == {k: v for k, v in nodes.items() if v}
    assert sent_rels == {k: v for k, v in rels.items() if v}
    assert sum(s.rows for s in steps) == G.number_of_nodes() + G.number_of_edges()


def test_values_never_appear_in_statement_text(G: nx.MultiDiGraph) -> None:
    texts = "\n".join(step.statement.text for step in plan_load(G))
    for value in ("SlimFlow", "arxiv:2407.00001", "rectified", "Jane Doe", "0.61"):
        assert value not in texts


@pytest.mark.parametrize("bad", ["Paper`) DETACH DELETE n //", "paper", "Paper:Concept", "Person", ""])
def test_labels_outside_schema_are_rejected(bad: str) -> None:
    with pytest.raises(ConfigError, match="unknown node label"):
        cypher.merge_nodes(bad)


@pytest.mark.parametrize("bad", ["CITES]->(b) DETACH DELETE a //", "cites", "KNOWS"])
def test_relationship_types_outside_schema_are_rejected(bad: str) -> None:
    with pytest.raises(ConfigError, match="unknown relationship type"):
        cypher.merge_relationships(bad)


def test_merge_statement_matches_endpoints_by_schema_keys() -> None:
    text = cypher.merge_relationships(schema.AUTHORED).text
    assert "MATCH (a:Author {key: row.start})" in text
    assert "MATCH (b:Paper {id: row.end})" in text
    assert "MERGE (a)-[r:AUTHORED]->(b)" in text


def test_settings_come_from_arguments_then_environment_then_defaults() -> None:
    env = {"NEO4J_URI": "neo4j://env:7687", "NEO4J_PASSWORD": "from-env", "NEO4J_DATABASE": "papers"}
    settings = Neo4jSettings.resolve(uri="bolt://arg:7687", env=env)
    assert (settings.uri, settings.user, settings.password, settings.database) == (
        "bolt://arg:7687", "neo4j", "from-env", "papers",
    )
    assert Neo4jSettings.resolve(env={}).password == DEFAULT_PASSWORD
    assert "from-env" not in repr(settings)


def _closed_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def test_refused_connection_says_how_to_start_neo4j() -> None:
    settings = Neo4jSettings(uri=f"bolt://127.0.0.1:{_closed_port()}")
    with pytest.raises(Neo4jUnavailableError, match=r"docker compose up -d") as info:
        run_query("RETURN 1 AS one", settings=settings)
    assert settings.uri in str(info.value)


def test_unusable_uri_is_reported_as_unavailable() -> None:
    with pytest.raises(Neo4jUnavailableError, match="nowhere://x"):
        run_query("RETURN 1 AS one", settings=Neo4jSettings(uri="nowhere://x"))


def test_load_report_table_and_rate() -> None:
    report = LoadReport(rows=100, seconds=2.0, expected_nodes={"Paper": 3}, expected_relationships={"CITES": 1},
                        nodes={"Paper": 3}, relationships={"CITES": 1})
    assert report.complete and report.rows_per_s == 50
    assert report.lines()[-1] == "100 rows in 2.00s (50 rows/s)"
    short = LoadReport(100, 2.0, {"Paper": 3}, {"CITES": 1}, {"Paper": 2}, {"CITES": 1})
    assert not short.complete


def test_query_params_parse_json_or_text() -> None:
    assert parse_params(["limit=5", "paper=SlimFlow: fast", "x=1.5", "ok=true", "ids=[\"a\"]"]) == {
        "limit": 5, "paper": "SlimFlow: fast", "x": 1.5, "ok": True, "ids": ["a"],
    }
    with pytest.raises(ConfigError, match="NAME=VALUE"):
        parse_params(["limit"])


def test_preset_params_fill_defaults_and_demand_required() -> None:
    timeline = cypher.PRESETS["technique-timeline"]
    with pytest.raises(ConfigError, match=r"--param technique=\.\.\."):
        preset_params(timeline, {})
    assert preset_params(timeline, {"technique": "distillation"})["examples"] == 3
    with pytest.raises(ConfigError, match="no parameter tecnique"):
        preset_params(timeline, {"tecnique": "x"})


def test_render_json_and_csv_round_trip_values() -> None:
    columns, rows = ["title", "techniques"], [["A, \"quoted\"", ["x", "y"]], ["B", None]]
    assert render(columns, rows, "json").startswith('[\n  {\n    "title": "A, \\"quoted\\""')
    assert render(columns, rows, "csv").splitlines() == [
        "title,techniques", '"A, ""quoted""","[""x"", ""y""]"', "B,",
    ]

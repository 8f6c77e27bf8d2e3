"""paperkg against a live Neo4j 5.26 + GDS + APOC, on the real sample build, as a user runs it.

The server is the session fixture ``neo4j_settings`` (tests/conftest.py): the Maven-resolved test server of
tests/neo4j_server/, or the one ``NEO4J_URI`` names (a scratch database: these tests wipe paperkg's labels).
Without either, every test here skips with the reason.

    python -m pytest -m neo4j tests/test_neo4j_live.py
"""

from __future__ import annotations

import json
import shlex
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import networkx as nx
import pytest
from neo4j_graph import sample_graph

from graph import api, schema
from graph.analysis.projection import LINKS, to_networkx
from graph.defaults import SEED
from graph.errors import PaperkgError
from graph.export.graphdb.bulk import import_command
from graph.export.graphdb.cypher import PRESETS, schema_statements
from graph.export.graphdb.load import Neo4jSettings, load_graph
from graph.export.graphdb.query import run_preset, run_query
from graph.export.graphdb.rows import GraphRows, graph_counts

pytestmark = [pytest.mark.neo4j, pytest.mark.slow]

SLIMFLOW = "SlimFlow"
RECTIFIED = "Improving the Training of Rectified Flows"
#: Parameters a user would give each preset on the sample.
PARAMS: dict[str, dict[str, Any]] = {
    "shared-techniques": {"paper": SLIMFLOW},
    "concept-path": {"from": SLIMFLOW, "to": RECTIFIED},
    "technique-timeline": {"technique": "distillation"},
    "search": {"text": "rectified"},
}
HOSTILE = [
    'O\'Brien "quoted" `backtick` }) DETACH DELETE n //',
    "<script>alert('x')</script> & </title>",
    "Ünïcödé naïve – 検索 – 🚀 \\ back\\slash $param {curly}",
]


def _db_counts(settings: Neo4jSettings) -> tuple[dict[str, int], dict[str, int]]:
    nodes = {spec.label: _count(settings, f"MATCH (n:{spec.label}) RETURN count(n)") for spec in schema.NODES.values()}
    rels = {rel: _count(settings, f"MATCH ()-[r:{rel}]->() RETURN count(r)") for rel in schema.RELATIONSHIPS}
    return nodes, rels


def _count(settings: Neo4jSettings, text: str, params: dict[str, Any] | None = None) -> int:
    return int(run_query(text, params, settings)[1][0][0])


def _paper_props(settings: Neo4jSettings) -> dict[str, dict[str, Any]]:
    _, rows = run_query("MATCH (p:Paper) RETURN p.id, properties(p)", settings=settings)
    return {pid: props for pid, props in rows}


def _expected_paper_props(G: nx.MultiDiGraph) -> dict[str, dict[str, Any]]:
    return {row["key"]: row["props"] for row in GraphRows.of(G).nodes(schema.PAPER)}


@pytest.fixture(scope="module")
def sample(sample_build: Path) -> nx.MultiDiGraph:
    """graph.json of the real sample build."""
    return api.load_graph(sample_build)


@pytest.fixture()
def loaded(neo4j_settings: Neo4jSettings, sample_build: Path) -> Path:
    """The sample loaded into an emptied database (paperkg's labels wiped), as `paperkg neo4j load --wipe`."""
    report = api.neo4j_load(sample_build, neo4j_settings, wipe=True, progress=False)
    assert report.complete
    return sample_build


def test_server_answers_with_auth_gds_and_apoc(neo4j_settings: Neo4jSettings) -> None:
    _, rows = run_query("RETURN gds.version() AS gds, apoc.version() AS apoc", settings=neo4j_settings)
    assert rows[0][0].startswith("2.") and rows[0][1].startswith("5.")
    wrong = Neo4jSettings.resolve(uri=neo4j_settings.uri, password="not-the-password", env={})
    with pytest.raises(PaperkgError, match="NEO4J_PASSWORD"):
        run_query("RETURN 1", settings=wrong)


def test_cli_load_twice_gives_graph_json_counts(
    neo4j_settings: Neo4jSettings, sample_build: Path, sample: nx.MultiDiGraph, run_paperkg: Any
) -> None:
    conn = ["--uri", neo4j_settings.uri, "--password", neo4j_settings.password]
    expected = graph_counts(sample)
    assert expected[0]["Paper"] > 400 and sum(expected[1].values()) > 1000
    for extra in (["--wipe", "--yes"], []):
        result = run_paperkg("--quiet", "neo4j", "load", "--out", str(sample_build), *conn, *extra)
        assert result.returncode == 0, result.stderr
        assert "warning" not in result.stderr
        assert _db_counts(neo4j_settings) == expected
    assert _expected_paper_props(sample) == _paper_props(neo4j_settings)


def test_load_syncs_after_a_rebuild_and_an_add(
    neo4j_settings: Neo4jSettings, sample_build: Path, seeds_dir: Path, tmp_path: Path, run_paperkg: Any
) -> None:
    out = tmp_path / "graph"
    shutil.copytree(sample_build, out)
    api.neo4j_load(out, neo4j_settings, wipe=True, progress=False)
    before = set(_paper_props(neo4j_settings))

    # a rebuild from two of the five seed files: papers, concepts and links go
    seeds = sorted(seeds_dir.glob("*.txt"))[:2]
    result = run_paperkg("--quiet", "build", *map(str, seeds), "--out", str(out))
    assert result.returncode == 0, result.stderr
    smaller = api.load_graph(out)
    report = api.neo4j_load(out, neo4j_settings, progress=False)
    kept = {data["id"] for _, data in smaller.nodes(data=True) if data["kind"] == schema.PAPER}
    assert kept < before and report.removed["Paper"] == len(before - kept)
    assert _db_counts(neo4j_settings) == graph_counts(smaller)
    assert _paper_props(neo4j_settings) == _expected_paper_props(smaller)

    # an add: the new papers arrive, changed scores and links follow, nothing is duplicated
    new = [
        {"title": "Rectified Flow Distillation for One-Step Image Generation",
         "abstract": "We distill a rectified flow into a one-step generator with consistency distillation."},
        {"title": HOSTILE[0], "abstract": HOSTILE[1] + " " + HOSTILE[2]},
    ]  # fmt: skip
    (tmp_path / "new.json").write_text(json.dumps(new), encoding="utf-8")
    result = run_paperkg("--quiet", "add", str(tmp_path / "new.json"), "--out", str(out))
    assert result.returncode == 0, result.stderr
    grown = api.load_graph(out)
    report = api.neo4j_load(out, neo4j_settings, progress=False)
    assert _db_counts(neo4j_settings) == graph_counts(grown)
    assert _paper_props(neo4j_settings) == _expected_paper_props(grown)
    assert _count(neo4j_settings, "MATCH (p:Paper) WITH p.id AS id, count(*) AS n WHERE n > 1 RETURN count(id)") == 0
    _, rows = run_query("MATCH (p:Paper {title: $t}) RETURN p.abstract", {"t": HOSTILE[0]}, neo4j_settings)
    assert rows == [[f"{HOSTILE[1]} {HOSTILE[2]}"]]


def test_wipe_empties_only_paperkg_labels(neo4j_settings: Neo4jSettings, loaded: Path) -> None:
    run_query("CREATE (:Note {text: 'not paperkg'})-[:ABOUT]->(:Topic {name: 'kept'})", settings=neo4j_settings)
    try:
        report = load_graph(nx.MultiDiGraph(), neo4j_settings, wipe=True, progress=False)
        assert not any(report.nodes.values()) and not any(report.relationships.values())
        assert _count(neo4j_settings, "MATCH (:Note)-[:ABOUT]->(:Topic {name: 'kept'}) RETURN count(*)") == 1
    finally:
        run_query("MATCH (n:Note|Topic) DETACH DELETE n", settings=neo4j_settings)


def _preset_answers(settings: Neo4jSettings) -> dict[str, list[list[Any]]]:
    return {name: run_preset(name, PARAMS.get(name, {}), settings)[1] for name in sorted(PRESETS)}


def _check_presets(answers: dict[str, list[list[Any]]]) -> None:
    for name, rows in answers.items():
        assert rows, f"preset {name} found nothing in the sample"
    shared = {t.lower() for row in answers["shared-techniques"] for t in row[3]}
    assert all(row[0].startswith(SLIMFLOW) for row in answers["shared-techniques"])
    assert {"rectified flow", "one-step generation"} <= shared and any("distillation" in t for t in shared), shared
    hops, steps = answers["concept-path"][0]
    assert hops >= 1 and steps[0].startswith(SLIMFLOW) and steps[-1] == RECTIFIED
    assert any("rectified" in row[1].lower() for row in answers["search"])
    assert answers["technique-timeline"][0][1] >= 1


def test_every_preset_answers_on_the_sample(neo4j_settings: Neo4jSettings, loaded: Path) -> None:
    _check_presets(_preset_answers(neo4j_settings))


def test_hostile_strings_round_trip_and_delete_nothing(neo4j_settings: Neo4jSettings, run_paperkg: Any) -> None:
    G = sample_graph()
    for i, text in enumerate(HOSTILE):
        pid = f"title:hostile{i}"
        G.add_node(schema.node_id(schema.PAPER, pid), kind=schema.PAPER, id=pid, title=text, abstract=text)
    load_graph(G, neo4j_settings, wipe=True, progress=False)
    counts = _db_counts(neo4j_settings)
    for i, text in enumerate(HOSTILE):
        _, rows = run_query("MATCH (p:Paper {id: $id}) RETURN p.title, p.abstract", {"id": f"title:hostile{i}"},
                            neo4j_settings)  # fmt: skip
        assert rows == [[text, text]]
        for name in ("shared-techniques", "concept-path", "technique-timeline"):
            params = {key: text for key in PRESETS[name].params if PRESETS[name].params[key] in ("", None)}
            run_preset(name, params, neo4j_settings)
        conn = ["--uri", neo4j_settings.uri, "--password", neo4j_settings.password]
        result = run_paperkg("query", "--preset", "shared-techniques", "--param", f"paper={text}", "--json", *conn)
        assert result.returncode == 0, result.stderr
        assert json.loads(result.stdout) == []
    for text in HOSTILE:  # full-text search reads Lucene syntax: an answer or a clear error, never an injection
        try:
            run_preset("search", {"text": text}, neo4j_settings)
        except PaperkgError as exc:
            assert "Neo4j refused the query" in str(exc)
    assert _db_counts(neo4j_settings) == counts


def test_gds_analysis_follows_the_in_memory_projection(
    neo4j_settings: Neo4jSettings, loaded: Path, sample: nx.MultiDiGraph, run_paperkg: Any
) -> None:
    conn = ["--uri", neo4j_settings.uri, "--password", neo4j_settings.password]
    result = run_paperkg("analyze", "--engine", "neo4j", *conn)
    assert result.returncode == 0, result.stderr
    centrality = sample.graph["analysis"]["centrality"]
    assert f"pagerank on: {'citations' if centrality['relationship'] == schema.CITES else 'RELATED_TO'}" in (
        result.stdout
    )
    _, rows = run_query("MATCH (p:Paper) RETURN p.id, p.pagerank, p.betweenness, p.community", settings=neo4j_settings)
    gds = {pid: (rank, between, community) for pid, rank, between, community in rows}
    assert all(rank is not None and community is not None for rank, _, community in gds.values())
    papers = {data["id"]: data for _, data in sample.nodes(data=True) if data["kind"] == schema.PAPER}
    top_nx = sorted(papers, key=lambda p: (-papers[p]["pagerank"], p))[:10]
    top_gds = sorted(gds, key=lambda p: (-gds[p][0], p))[:10]
    assert len(set(top_nx) & set(top_gds)) >= 8, (top_nx, top_gds)
    assert sum(rank for rank, _, _ in gds.values()) == pytest.approx(1.0)
    top_between = max(papers, key=lambda p: papers[p]["betweenness"])
    assert gds[top_between][1] == pytest.approx(papers[top_between]["betweenness"], rel=1e-6)

    U = to_networkx(sample, LINKS)
    nx_modularity = nx.community.modularity(
        U, nx.community.louvain_communities(U, weight="weight", seed=SEED), weight="weight"
    )
    gds_line = next(line for line in result.stdout.splitlines() if line.startswith("gds-louvain-write"))
    gds_modularity = float(gds_line.split("modularity=")[1].split(",")[0])
    assert abs(gds_modularity - nx_modularity) <= 0.05, (gds_modularity, nx_modularity)
    _, graphs = run_query("CALL gds.graph.list() YIELD graphName RETURN graphName", settings=neo4j_settings)
    assert graphs == []


@pytest.fixture(scope="module")
def imported(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Iterator[Neo4jSettings]:
    """A second server whose database `neo4j-admin database import full` built from DIR/neo4j/."""
    from neo4j_server import server

    if server.missing_tools() or not server.STAMP.is_file():
        pytest.skip("the bulk import runs the Maven-resolved neo4j-admin: need java, mvn and resolved jars")
    home = server.make_home(tmp_path_factory.mktemp("neo4j-import-home"), server.free_port())
    command = import_command(f"{sample_build / 'neo4j'}/").replace(" \\\n  ", " ")
    args = shlex.split(command)
    assert args[0] == "neo4j-admin"
    server.admin(home, args[1:])
    running = server.start(home)
    try:
        settings = Neo4jSettings.resolve(uri=running.uri, user=server.USER, password=running.password, env={})
        for statement in schema_statements():
            run_query(statement.text, settings=settings)
        run_query("CALL db.awaitIndexes(300)", settings=settings)
        yield settings
    finally:
        server.stop(running)


def test_bulk_import_gives_the_same_database(
    imported: Neo4jSettings, neo4j_settings: Neo4jSettings, loaded: Path, sample: nx.MultiDiGraph
) -> None:
    assert _db_counts(imported) == graph_counts(sample)
    assert _paper_props(imported) == _expected_paper_props(sample)
    bulk_answers = _preset_answers(imported)
    _check_presets(bulk_answers)
    driver_answers = _preset_answers(neo4j_settings)
    for name in ("shared-techniques", "technique-timeline", "search", "top-concepts", "co-occurring-techniques",
                 "cross-community-techniques"):  # fmt: skip
        assert _comparable(name, bulk_answers[name]) == _comparable(name, driver_answers[name]), name
    assert bulk_answers["concept-path"][0][0] == driver_answers["concept-path"][0][0]


def _comparable(name: str, rows: list[list[Any]]) -> list[list[Any]]:
    """Rows with list cells sorted (collect() order is storage order), and only counts for the timeline."""
    if name == "technique-timeline":
        return [row[:2] for row in rows]
    return [[sorted(cell) if isinstance(cell, list) else cell for cell in row] for row in rows]

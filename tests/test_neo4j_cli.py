"""The Neo4j subcommands of `paperkg` as a user types them (no server here: connection errors are real)."""

from __future__ import annotations

import json
import socket
from pathlib import Path

import networkx as nx
import pytest
from click.testing import CliRunner
from neo4j_graph import sample_graph

from graph.cli import cli
from graph.export.files import NODE_LINK_NAMES
from graph.export.graphdb.cypher import PRESETS


def _closed_uri() -> str:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return f"bolt://127.0.0.1:{sock.getsockname()[1]}"


@pytest.fixture
def out(tmp_path: Path) -> Path:
    data = nx.node_link_data(sample_graph(), **NODE_LINK_NAMES)
    (tmp_path / "graph.json").write_text(json.dumps(data), encoding="utf-8")
    return tmp_path


def test_query_list_names_every_preset_with_parameters() -> None:
    result = CliRunner().invoke(cli, ["query", "--list"])
    assert result.exit_code == 0
    for name in PRESETS:
        assert f"\n{name}\n" in f"\n{result.output}"
    assert "technique=(required)" in result.output


def test_query_without_server_fails_with_a_hint() -> None:
    result = CliRunner().invoke(cli, ["query", "--preset", "search", "--param", "text=flow", "--uri", _closed_uri()])
    assert result.exit_code == 1
    assert "docker compose up -d" in result.output and "Traceback" not in result.output


def test_query_needs_cypher_or_preset() -> None:
    result = CliRunner().invoke(cli, ["query"])
    assert result.exit_code == 2 and "--preset" in result.output


def test_preset_missing_parameter_is_reported_before_connecting() -> None:
    result = CliRunner().invoke(cli, ["query", "--preset", "technique-timeline", "--uri", _closed_uri()])
    assert result.exit_code == 1 and "--param technique=..." in result.output


def test_wipe_asks_and_no_aborts(out: Path) -> None:
    args = ["neo4j", "load", "--out", str(out), "--wipe", "--uri", _closed_uri()]
    result = CliRunner().invoke(cli, args, input="n\n")
    assert result.exit_code == 1 and "Aborted" in result.output
    assert "docker compose" not in result.output


def test_load_without_server_fails_with_a_hint(out: Path) -> None:
    result = CliRunner().invoke(cli, ["neo4j", "load", "--out", str(out), "--uri", _closed_uri()])
    assert result.exit_code == 1 and "docker compose up -d" in result.output


def test_bulk_writes_the_import_files(out: Path) -> None:
    result = CliRunner().invoke(cli, ["neo4j", "bulk", "--out", str(out)])
    assert result.exit_code == 0
    written = [Path(line) for line in result.output.splitlines()]
    assert {p.name for p in written} >= {"nodes_Paper.csv", "rels_CITES.csv", "README.md", "schema.cypher"}
    assert all(p.parent == out / "neo4j" and p.exists() for p in written)

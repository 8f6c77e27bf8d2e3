"""`paperkg explain / similar / top` on a graph folder written by the exports."""

from __future__ import annotations

import json

import pytest
from build_fixtures import build
from click.testing import CliRunner

from graph.analysis import analyze
from graph.cli import cli
from graph.export.files import write_graph_files


@pytest.fixture(scope="module")
def out(tmp_path_factory):
    G = build()
    folder = tmp_path_factory.mktemp("graph")
    write_graph_files(G, analyze(G), folder)
    return str(folder)


def _run(*args):
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_explain_prints_the_shared_techniques(out):
    result = _run("explain", "SlimFlow", "Improving the Training of Rectified Flows", "--out", out)
    assert result.exit_code == 0
    assert "directly related" in result.output and "Rectified flow" in result.output


def test_ambiguous_name_is_one_line_error_with_candidates(out):
    result = _run("explain", "rectified flow", "UNITER", "--out", out)
    assert result.exit_code == 1
    assert "did you mean" in result.output and "SlimFlow" in result.output
    assert "Traceback" not in result.output


def test_similar_as_json(out):
    result = _run("similar", "UNITER", "-k", "2", "--json", "--out", out)
    assert result.exit_code == 0
    rows = json.loads(result.output)
    assert len(rows) == 2 and rows[0]["weight"] >= rows[1]["weight"]


def test_top_techniques_by_degree(out):
    result = _run("top", "--kind", "technique", "--by", "degree", "-n", "3", "--out", out)
    assert result.exit_code == 0
    assert len(result.output.strip().splitlines()) == 3
    assert "[technique:" in result.output


def test_missing_graph_folder_is_reported(tmp_path):
    result = _run("top", "--out", str(tmp_path))
    assert result.exit_code == 1 and "no graph here" in result.output

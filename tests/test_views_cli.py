"""What a new user meets on the command line around the views: ``-q`` anywhere, readable ``paperkg info``,
``--community N`` listing every valid community, the focus budget, and ``paperkg remove``."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from graph.cli import cli


def paperkg(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "graph", *args], capture_output=True, text=True, cwd=cwd, timeout=600)


@pytest.mark.parametrize("args", [["concepts", "-q", "-h"], ["-q", "concepts", "-h"], ["info", "--quiet", "-h"]])
def test_quiet_is_global_wherever_it_is_written(args):
    result = CliRunner().invoke(cli, args)
    assert result.exit_code == 0, result.output
    assert "Usage: " in result.output


def test_quiet_after_double_dash_stays_an_argument():
    result = CliRunner().invoke(cli, ["explain", "--out", "nowhere", "--", "-q", "x"])
    assert "No such option" not in result.output


def test_view_budget_defaults_per_view_in_help():
    from graph import api

    result = CliRunner().invoke(cli, ["view", "--help"])
    assert f"{api.FOCUS_BUDGET} for --focus, else {api.VIEW_BUDGET}" in " ".join(result.output.split())


@pytest.fixture(scope="module")
def sample_copy(sample_build: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("first-hour") / "paperkg-out"
    shutil.copytree(sample_build, out)
    return out


@pytest.mark.slow
def test_info_prints_the_last_run_readably(sample_copy, tmp_path):
    done = paperkg("info", "--out", str(sample_copy), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    last = lines.index(next(line for line in lines if line.startswith("last run: paperkg build, ")))
    assert lines[last + 1].startswith("  inputs: ") and "and 2 more" in lines[last + 1]
    assert lines[last + 2].startswith("  result: 483 papers, ")
    assert "{" not in done.stdout  # no Python dict


@pytest.mark.slow
def test_unknown_community_lists_all_valid_ones(sample_copy, tmp_path):
    from graph import api
    from graph.access import communities

    out = tmp_path / "out"
    shutil.copytree(sample_copy, out)
    n = len(communities(api.load_graph(out)))
    done = paperkg("view", "--community", "99", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 1 and "Traceback" not in done.stderr
    assert done.stderr.strip().endswith(f"the graph has {n} communities: 0-{n - 1}")


@pytest.mark.slow
def test_a_failed_view_leaves_the_folder_usable(sample_copy, tmp_path):
    from graph import api

    out = tmp_path / "out"
    shutil.copytree(sample_copy, out)
    assert paperkg("view", "--community", "99", "--out", str(out), cwd=tmp_path).returncode == 1
    assert len(api.load_graph(out)) > 0  # a mistyped view writes nothing and breaks nothing


@pytest.mark.slow
def test_remove_takes_papers_out_and_rebuilds(sample_copy, tmp_path):
    from graph import api

    out = tmp_path / "mine"
    shutil.copytree(sample_copy, out)
    done = paperkg("remove", "SlimFlow", "--out", str(out), cwd=tmp_path)
    assert done.returncode == 0, done.stderr
    assert "removed: SlimFlow: Training Smaller One-Step Diffusion Models with Rectified Flow" in done.stdout
    assert "1 removed; 482 papers in the graph" in done.stdout
    assert api.info(out)["papers"] == 482
    G = api.load_graph(out)
    assert not [n for n, t in G.nodes(data="title") if t and t.startswith("SlimFlow")]
    assert "SlimFlow" not in (out / "papers.csv").read_text(encoding="utf-8")
    again = paperkg("remove", "SlimFlow", "--out", str(out), cwd=tmp_path)
    assert again.returncode == 1 and again.stderr.startswith("Error: ") and "Traceback" not in again.stderr

"""A user's view pages keep their names: ``paperkg view`` with another --radius or --budget writes another
file and never overwrites the page an earlier command wrote."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from click.testing import CliRunner
from views_graphs import typed_graph

from graph.cli import cli
from graph.defaults import FOCUS_BUDGET


@pytest.fixture
def built_folder(tmp_path: Path) -> Path:
    """A graph folder as a build leaves it, from the real analysis and file exporters (no model needed)."""
    from graph.analysis import analyze
    from graph.export.files import write_graph_files

    G = typed_graph(80, 4)
    out = tmp_path / "graph"
    out.mkdir()
    write_graph_files(G, analyze(G), out)
    return out


def view(out: Path, *args: str) -> Path:
    """Run ``paperkg view ARGS --out OUT`` as a user does; the page it printed."""
    result = CliRunner().invoke(cli, ["view", *args, "--out", str(out)])
    assert result.exit_code == 0, result.output
    return Path(result.output.strip())


def shown_nodes(page: Path) -> int:
    html = page.read_text(encoding="utf-8")
    data = re.search(r'<script type="application/json" id="pk-data">(.*?)</script>', html, re.S)
    assert data, f"{page}: no data block"
    return len(json.loads(data.group(1))["nodes"])


def test_focus_pages_of_other_radii_and_budgets_live_side_by_side(built_folder):
    first = view(built_folder, "--focus", "technique:lora")
    before = first.read_bytes()
    wider = view(built_folder, "--focus", "technique:lora", "--radius", "2")
    smaller = view(built_folder, "--focus", "technique:lora", "--radius", "2", "--budget", "10")

    assert first.name.startswith("view-technique-lora-r1-")
    assert wider.name.startswith("view-technique-lora-r2-") and smaller.name.startswith("view-technique-lora-r2-b10-")
    assert len({first, wider, smaller}) == 3 and all(p.parent == built_folder for p in (first, wider, smaller))
    assert first.read_bytes() == before  # the earlier page is untouched
    assert shown_nodes(first) < shown_nodes(wider) and shown_nodes(smaller) == 10


def test_same_options_rewrite_the_same_page(built_folder):
    default = view(built_folder, "--focus", "technique:lora", "--radius", "2")
    assert view(built_folder, "--focus", "technique:lora", "--radius", "2", "--budget", str(FOCUS_BUDGET)) == default
    # the same node named another way is the same page
    assert view(built_folder, "--focus", "lora", "--radius", "2") == default


def test_community_and_overview_budgets_get_their_own_pages(built_folder):
    overview = view(built_folder)
    whole = view(built_folder, "--community", "1")
    small = view(built_folder, "--community", "1", "--budget", "5")
    small_overview = view(built_folder, "--budget", "12")
    names = (overview.name, whole.name, small.name)
    assert names == ("graph.html", "view-community-1.html", "view-community-1-b5.html")
    assert small_overview.name == "view-overview-b12.html" and shown_nodes(small_overview) <= 12
    assert shown_nodes(small) <= 5 < shown_nodes(whole)

"""The HTML views without a browser: what each page contains, aggregation, names, escaping, errors."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import networkx as nx
import pytest
from views_graphs import XSS_PAYLOADS, hostile_graph, typed_graph

from graph import schema
from graph.errors import AmbiguousNameError, ConfigError, InputError, NotFoundError
from graph.export.views import select as view_select
from graph.export.views import (
    view_file_name,
    write_community,
    write_focus,
    write_overview,
    write_technique_map,
    write_view,
)
from graph.export.views.html import script_json

LABELS = {0: "diffusion · one-step", 1: "vision-language", 2: "video", 3: "experts"}


def page_data(path: Path) -> dict:
    """The JSON data block a page embeds (what the browser draws)."""
    html = path.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="pk-data">(.*?)</script>', html, re.S)
    assert match, "no data block"
    return json.loads(match.group(1))


@pytest.fixture(scope="module")
def graph() -> nx.MultiDiGraph:
    return typed_graph()


def test_overview_shows_every_paper_and_technique_under_budget(graph, tmp_path):
    data = page_data(write_overview(graph, tmp_path / "graph.html", LABELS))
    kinds = {n["id"].partition(":")[0] for n in data["nodes"]}
    assert kinds == {"paper", "technique"}
    assert len(data["nodes"]) == 60 + 6
    assert data["meta"]["aggregated"] is None
    assert data["legend"]["communities"][0]["name"].startswith("0: diffusion · one-step")
    assert all(n["shape"] == "dot" for n in data["nodes"] if n["id"].startswith("paper:"))
    assert all(n["shape"] == "diamond" for n in data["nodes"] if n["id"].startswith("technique:"))


def test_overview_has_positions_and_physics_off(graph, tmp_path):
    path = write_overview(graph, tmp_path / "graph.html", LABELS)
    data = page_data(path)
    assert all(isinstance(n["x"], float) and isinstance(n["y"], float) for n in data["nodes"])
    options = re.search(r'id="pk-options">(.*?)</script>', path.read_text(encoding="utf-8"), re.S).group(1)
    assert json.loads(options)["physics"]["enabled"] is False


def test_sizes_follow_pagerank(graph, tmp_path):
    data = page_data(write_overview(graph, tmp_path / "graph.html", LABELS))
    size = {n["id"]: n["size"] for n in data["nodes"]}
    assert size["paper:arxiv:2401.00000"] > size["paper:arxiv:2401.00030"]


def test_overview_aggregates_over_budget_and_says_so(tmp_path):
    G = typed_graph(400, 5)
    data = page_data(write_overview(G, tmp_path / "graph.html", LABELS, budget=100))
    assert len(data["nodes"]) == 100
    assert "Aggregated" in data["meta"]["aggregated"] and "400 papers" in data["meta"]["aggregated"]
    shown_communities = {G.nodes[n["id"]]["community"] for n in data["nodes"] if n["id"].startswith("paper:")}
    assert shown_communities == {0, 1, 2, 3, 4}
    # the most central paper of the graph is among those kept
    assert "paper:arxiv:2401.00000" in {n["id"] for n in data["nodes"]}


def test_quotas_are_proportional_and_fill_the_budget():
    assert view_select.quotas({0: 600, 1: 300, 2: 100}, 100) == {0: 60, 1: 30, 2: 10}
    split = view_select.quotas({c: 1 for c in range(50)} | {99: 1000}, 20)
    assert sum(split.values()) == 20


def test_links_are_the_induced_relationships(graph, tmp_path):
    data = page_data(write_overview(graph, tmp_path / "graph.html", LABELS))
    names = {e["info"]["name"] for e in data["edges"]}
    assert names == {"related (shared concepts/techniques)", "cites", "uses technique", "subtype of"}
    related = next(e for e in data["edges"] if e["info"]["name"].startswith("related"))
    assert ["shared", "one-step, distillation"] in related["info"]["rows"]


def test_paper_tooltip_has_title_year_terms_and_link(graph, tmp_path):
    data = page_data(write_overview(graph, tmp_path / "graph.html", LABELS))
    node = next(n for n in data["nodes"] if n["id"] == "paper:arxiv:2401.00003")
    info = node["info"]
    rows = dict(info["rows"])
    assert info["name"] == "Paper number 3 on topic 3"
    assert rows["year"] == "2023" and rows["community"] == "3: experts"
    assert rows["top concepts"] and rows["techniques"]
    assert info["url"] == "https://arxiv.org/abs/2401.00003"


def test_focus_on_technique_is_its_ego_network(graph, tmp_path):
    data = page_data(write_focus(graph, tmp_path / "f.html", "technique:lora", radius=1))
    ids = {n["id"] for n in data["nodes"]}
    users = {u for u, _, k in graph.in_edges("technique:lora", keys=True) if k == schema.USES_TECHNIQUE}
    assert ids == users | {"technique:lora"}
    assert "lora" in data["meta"]["title"]


def test_focus_on_paper_by_title_and_radius(graph, tmp_path):
    one = page_data(write_focus(graph, tmp_path / "a.html", "paper:Paper number 5 on topic 5", radius=1))
    two = page_data(write_focus(graph, tmp_path / "b.html", "Paper number 5 on topic 5", radius=2))
    kinds = {n["id"].partition(":")[0] for n in one["nodes"]}
    assert {"concept", "technique", "author"} <= kinds
    assert len(two["nodes"]) > len(one["nodes"])


def test_focus_respects_budget(graph, tmp_path):
    data = page_data(write_focus(graph, tmp_path / "f.html", "concept:one-step", radius=2, budget=20))
    assert len(data["nodes"]) == 20 and data["nodes"][0]["id"] == "concept:one-step"
    assert data["meta"]["aggregated"].startswith("Left out: 14 of the 33 nodes 1 hop from the focus (14 papers)")


def test_unknown_and_ambiguous_focus_names(graph, tmp_path):
    with pytest.raises(NotFoundError, match="no-such-thing"):
        write_focus(graph, tmp_path / "f.html", "technique:no-such-thing")
    with pytest.raises(AmbiguousNameError) as err:
        write_focus(graph, tmp_path / "f.html", "paper:topic 3")
    assert len(err.value.candidates) > 1


def test_community_view(graph, tmp_path):
    data = page_data(write_community(graph, tmp_path / "c.html", 2, LABELS))
    papers = [n for n in data["nodes"] if n["id"].startswith("paper:")]
    assert len(papers) == 15 and all(graph.nodes[n["id"]]["community"] == 2 for n in papers)
    assert any(n["id"].startswith("technique:") for n in data["nodes"])
    assert "2: video" in data["meta"]["title"]
    with pytest.raises(NotFoundError, match="community 9"):
        write_community(graph, tmp_path / "c.html", 9)


def test_technique_map_links_co_used_techniques(graph, tmp_path):
    data = page_data(write_technique_map(graph, tmp_path / "t.html", LABELS))
    assert {n["id"] for n in data["nodes"]} == {n for n in graph if n.startswith("technique:")}
    co = [e for e in data["edges"] if e["info"]["name"].startswith("used together")]
    assert co
    both = {
        p for p in graph if p.startswith("paper:")
        and {"technique:lora", "technique:moe"} <= set(graph.succ[p])
    }  # fmt: skip
    edge = next(e for e in co if {e["from"], e["to"]} == {"technique:lora", "technique:moe"})
    assert dict(edge["info"]["rows"])["papers using both"] == str(len(both))


def test_pages_are_deterministic(graph, tmp_path):
    a = write_overview(graph, tmp_path / "a.html", LABELS).read_text(encoding="utf-8")
    b = write_overview(typed_graph(), tmp_path / "b.html", LABELS).read_text(encoding="utf-8")
    assert a == b


def test_pages_reference_nothing_outside(graph, tmp_path):
    html = write_overview(graph, tmp_path / "graph.html", LABELS).read_text(encoding="utf-8")
    assert not re.search(r"<(script|link|img|iframe)[^>]+(src|href)=", html, re.I)
    for outside in ("node_modules", "cdnjs", "jsdelivr", "unpkg", "fonts.googleapis", "lib/bindings"):
        assert outside not in html
    assert "default-src 'none'" in html
    assert sorted(p.name for p in tmp_path.iterdir()) == ["graph.html"]


def test_script_json_escapes_script_breakers():
    text = script_json({"t": "</script><!--\u2028\u2029&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text) == {"t": "</script><!--\u2028\u2029&"}
    with pytest.raises(ValueError):
        script_json({"x": float("nan")})


def test_hostile_strings_never_reach_markup(tmp_path):
    html = write_overview(hostile_graph(), tmp_path / "x.html").read_text(encoding="utf-8")
    body = html.split('id="pk-data">', 1)[1].split("</script>", 1)[0]
    for payload in XSS_PAYLOADS:
        assert payload not in html
    assert "<" not in body and "javascript:" not in body


def test_view_file_names_and_one_view_per_call(graph, tmp_path):
    assert view_file_name(graph) == "graph.html"
    name = view_file_name(graph, focus="technique:lora")
    assert name.startswith("view-technique-lora-") and name.endswith(".html")
    assert write_view(graph, tmp_path, LABELS, technique_map=True).name == "view-technique-map.html"
    with pytest.raises(ConfigError, match="one of"):
        write_view(graph, tmp_path, LABELS, community=1, technique_map=True)


def test_bad_input_names_the_node_and_field(tmp_path):
    G = nx.MultiDiGraph()
    G.add_node("mystery", kind="gadget")
    with pytest.raises(InputError, match=r"'mystery'.*'kind'"):
        write_overview(G, tmp_path / "g.html")
    with pytest.raises(ConfigError, match="budget"):
        write_overview(typed_graph(5, 1), tmp_path / "g.html", budget=1)
    with pytest.raises(ConfigError, match=r"\.html"):
        write_overview(typed_graph(5, 1), tmp_path / "g.txt")


@pytest.fixture(scope="module")
def built_folder(tmp_path_factory) -> Path:
    """A graph folder as a build leaves it (graph.json, communities.csv), from the real analysis and
    file exporters run on the hand-built graph (no embedding model needed)."""
    from graph.analysis import analyze
    from graph.export.files import write_graph_files

    G = typed_graph(80, 4)
    out = tmp_path_factory.mktemp("built")
    write_graph_files(G, analyze(G), out)
    return out


def paperkg(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "graph", *args], capture_output=True, text=True, cwd=cwd, timeout=120
    )


def test_cli_view_writes_each_view_into_the_folder(built_folder, tmp_path):
    cases = {
        (): "graph.html",
        ("--focus", "technique:lora", "--radius", "1"): "view-technique-lora-",
        ("--community", "1"): "view-community-1.html",
        ("--technique-map",): "view-technique-map.html",
    }
    for args, name in cases.items():
        done = paperkg("view", *args, "--out", str(built_folder), cwd=tmp_path)
        assert done.returncode == 0, done.stderr
        path = Path(done.stdout.strip())
        assert path.parent == built_folder and path.name.startswith(name) and path.exists()
        data = page_data(path)
        assert data["nodes"]
    overview = page_data(built_folder / "graph.html")
    from graph import api
    from graph.access import communities

    records = communities(api.load_graph(built_folder))  # the analysis' labels, stored in the graph
    rows = [c["name"] for c in overview["legend"]["communities"]]
    assert rows and all(row.split(": ", 1)[1].startswith(records[int(row.split(":")[0])]["label"]) for row in rows)
    assert list(tmp_path.iterdir()) == []  # nothing written into the current directory


def test_cli_view_reports_unknown_focus_without_traceback(built_folder, tmp_path):
    done = paperkg("view", "--focus", "technique:no-such-technique", "--out", str(built_folder), cwd=tmp_path)
    assert done.returncode == 1
    assert "no-such-technique" in done.stderr and "Traceback" not in done.stderr


# --- readability: colours, legend, budgets, layout ---------------------------------------------------------


def lab(color: str) -> tuple[float, float, float]:
    """CIELAB of an sRGB hex colour (D65)."""
    rgb = [int(color[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    lin = [c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in rgb]
    xyz = [
        (0.4124 * lin[0] + 0.3576 * lin[1] + 0.1805 * lin[2]) / 0.95047,
        0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2],
        (0.0193 * lin[0] + 0.1192 * lin[1] + 0.9505 * lin[2]) / 1.08883,
    ]
    f = [t ** (1 / 3) if t > 0.008856 else 7.787 * t + 16 / 116 for t in xyz]
    return 116 * f[1] - 16, 500 * (f[0] - f[1]), 200 * (f[1] - f[2])


def test_palette_has_30_clearly_distinct_colours_and_a_neutral_one():
    from itertools import combinations
    from math import dist

    from graph.export.views.items import NEUTRAL, PALETTE

    assert len(set(PALETTE)) == len(PALETTE) == 30
    assert min(dist(lab(a), lab(b)) for a, b in combinations(PALETTE, 2)) >= 30
    assert min(dist(lab(c), lab(other)) for c in PALETTE for other in (NEUTRAL, "#ffffff")) >= 24


def graph_with_communities(n_real: int, small: int) -> nx.MultiDiGraph:
    """``n_real`` communities of 3 papers recorded by the analysis in G.graph, plus ``small`` one-paper
    communities it did not record and 2 unclustered papers (community -1)."""
    G = typed_graph(3 * n_real + small + 2, 1)
    papers = sorted(n for n, kind in G.nodes(data="kind") if kind == "paper")
    for i, nid in enumerate(papers):
        real, one_paper = i < 3 * n_real, i < 3 * n_real + small
        G.nodes[nid]["community"] = i // 3 if real else (n_real + i - 3 * n_real if one_paper else -1)
    G.graph["communities"] = [{"id": c, "label": f"topic {c}", "size": 3} for c in range(n_real)]
    return G


def test_legend_and_colours_only_for_real_communities(tmp_path):
    G = graph_with_communities(35, 4)
    data = page_data(write_overview(G, tmp_path / "g.html"))
    rows = data["legend"]["communities"]
    assert [r["name"] for r in rows[:2]] == ["0: topic 0 (3)", "1: topic 1 (3)"]  # labels from G.graph
    assert len(rows) == 30 and len({r["color"] for r in rows}) == 30  # distinct, no repeats
    assert data["legend"]["others"] == {"name": "no community, or a small one (21)", "color": "#c8c8c8"}
    papers = [n for n in data["nodes"] if n["id"].startswith("paper:")]
    colours = {G.nodes[n["id"]]["community"]: n["color"]["background"] for n in papers}
    assert colours[-1] == colours[36] == colours[34] == "#c8c8c8" and colours[29] != "#c8c8c8"


def test_unknown_community_lists_every_valid_one(tmp_path):
    G = graph_with_communities(35, 0)
    with pytest.raises(NotFoundError, match=r"community 99: .* 35 communities: 0-34$"):
        write_community(G, tmp_path / "c.html", 99)


def test_focus_default_budget_is_readable_and_says_what_was_left_out(tmp_path):
    from graph.export.views.pages import FOCUS_BUDGET

    G = typed_graph(400, 4)
    path = write_view(G, tmp_path, focus="concept:one-step", radius=2)
    data = page_data(path)
    assert len(data["nodes"]) == FOCUS_BUDGET <= 150
    note = data["meta"]["aggregated"]
    assert note.startswith("Left out: ") and "papers" in note and "--budget" in note
    assert [n["id"] for n in data["nodes"] if n["pinned"]] == ["concept:one-step"]


def test_technique_map_places_isolated_techniques_beside_the_main_component(tmp_path):
    from math import hypot

    G = typed_graph()
    G.add_node("technique:lonely", kind="technique", key="lonely", label="lonely", df=1)
    data = page_data(write_technique_map(G, tmp_path / "t.html"))
    where = {n["id"]: (n["x"], n["y"]) for n in data["nodes"]}
    main = [where[t] for t in data["fit"]]
    assert "technique:lonely" in where and "technique:lonely" not in data["fit"] and len(main) == 6
    span = max(hypot(x1 - x2, y1 - y2) for x1, y1 in main for x2, y2 in main)
    nearest = min(hypot(where["technique:lonely"][0] - x, where["technique:lonely"][1] - y) for x, y in main)
    assert nearest < span  # side by side, not flung far away


def test_page_options_start_from_the_installed_pyvis_defaults():
    """The options a page starts from are what a PyVis Network(directed=True) sets with physics off."""
    from pyvis.network import Network

    from graph.export.views.html import PYVIS_DEFAULTS

    net = Network(directed=True)
    net.toggle_physics(False)
    assert json.loads(net.options.to_json()) == PYVIS_DEFAULTS


def test_writing_pages_imports_neither_pyvis_nor_ipython(tmp_path):
    """A build writes graph.html without importing pyvis.network (it imports IPython: ~0.5 s per build)."""
    code = (
        "import sys, pathlib\n"
        "from views_graphs import typed_graph\n"
        "from graph.export.views import write_overview\n"
        f"page = write_overview(typed_graph(), pathlib.Path({str(tmp_path)!r}) / 'graph.html')\n"
        "loaded = sorted(m for m in ('pyvis', 'IPython', 'jinja2') if m in sys.modules)\n"
        "print(loaded, 'vis.Network' in page.read_text())\n"
    )
    tests = str(Path(__file__).parent)
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=tests, check=True)
    assert done.stdout.split() == ["[]", "True"]

"""The HTML views in real headless Chromium with the network switched off: they draw, count right,
log no errors, load nothing but file:// and data:, react to search/hover/physics, and run no injected
script. One browser for the whole module. Select with `pytest -k views`."""

from __future__ import annotations

import json
import shutil
import time
from pathlib import Path
from typing import Any

import pytest
from views_graphs import XSS_PAYLOADS, hostile_graph, typed_graph

from graph.export.views import write_community, write_focus, write_overview, write_technique_map

pytestmark = pytest.mark.slow

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
LABELS = {0: "diffusion · one-step", 1: "vision-language", 2: "video", 3: "experts"}
READY_TIMEOUT_S = 30


def open_page(driver: Any, path: Path) -> dict[str, Any]:
    """Load ``path`` from file://, wait for vis-network's first drawing; return what the page holds."""
    driver.get_log("browser")
    driver.get_log("performance")
    driver.get(path.resolve().as_uri())
    deadline = time.monotonic() + READY_TIMEOUT_S
    while not driver.execute_script("return window.paperkgReady === true"):
        assert time.monotonic() < deadline, f"{path.name} did not draw within {READY_TIMEOUT_S} s"
        time.sleep(0.05)
    state = driver.execute_script(
        "return {nodes: window.paperkg.nodes.length, edges: window.paperkg.edges.length,"
        " drawn: Object.keys(window.paperkg.network.getPositions()).length,"
        " resources: performance.getEntriesByType('resource').map(function (e) { return e.name; }),"
        " pwned: typeof window.__pwned};"
    )
    state["console"] = driver.get_log("browser")
    state["requests"] = [
        message["params"]["request"]["url"]
        for message in (json.loads(entry["message"])["message"] for entry in driver.get_log("performance"))
        if message["method"] == "Network.requestWillBeSent"
    ]
    return state


#: The canvas labels vis-network drew (its own measured boxes), in page pixels, inside the viewport; the
#: pairs that overlap; the smallest label font on screen.
LABEL_BOXES_JS = """
var net = window.paperkg.network, body = net.body.nodes, scale = net.getScale();
var w = net.body.container.clientWidth, h = net.body.container.clientHeight;
var boxes = [], overlaps = [], smallest = 1e9;
window.paperkg.nodes.forEach(function (n) {
  if (!n.label) return;
  var size = body[n.id].labelModule.size;
  var a = net.canvasToDOM({x: size.left, y: size.top});
  var b = net.canvasToDOM({x: size.left + size.width, y: size.top + size.height});
  if (b.x < 0 || a.x > w || b.y < 0 || a.y > h) return;
  boxes.push({id: n.id, l: a.x, t: a.y, r: b.x, b: b.y});
  smallest = Math.min(smallest, body[n.id].labelModule.fontOptions.size * scale);
});
for (var i = 0; i < boxes.length; i++) for (var j = i + 1; j < boxes.length; j++) {
  var p = boxes[i], q = boxes[j];
  if (p.l < q.r - 0.5 && q.l < p.r - 0.5 && p.t < q.b - 0.5 && q.t < p.b - 0.5) overlaps.push([p.id, q.id]);
}
return {ids: boxes.map(function (b) { return b.id; }), overlaps: overlaps, smallest: smallest};
"""


def visible_labels(driver: Any) -> dict[str, Any]:
    """The labels drawn now (see :data:`LABEL_BOXES_JS`)."""
    return driver.execute_script(LABEL_BOXES_JS)


def assert_readable_labels(driver: Any, at_least: int) -> dict[str, Any]:
    """At least ``at_least`` labels drawn, none overlapping another, none smaller than 12 px on screen."""
    labels = visible_labels(driver)
    assert len(labels["ids"]) >= at_least, labels
    assert labels["overlaps"] == [], labels["overlaps"][:5]
    assert labels["smallest"] >= 12, labels["smallest"]
    return labels


def assert_clean(state: dict[str, Any]) -> None:
    """No console messages at warning level or above; nothing fetched but file:// and data:."""
    problems = [entry for entry in state["console"] if entry["level"] in ("SEVERE", "WARNING")]
    assert not problems, problems
    fetched = state["requests"] + state["resources"]
    outside = [url for url in fetched if not url.startswith(("file:", "data:"))]
    assert not outside, outside


@pytest.fixture(scope="module")
def graph():
    return typed_graph()


@pytest.fixture(scope="module")
def overview(graph, tmp_path_factory) -> Path:
    return write_overview(graph, tmp_path_factory.mktemp("views") / "graph.html", LABELS)


def test_overview_draws_every_node_offline(browser, overview):
    state = open_page(browser, overview)
    assert state["nodes"] == state["drawn"] == 66
    assert state["edges"] > 100
    assert_clean(state)
    assert browser.find_element("id", "pk-title").text == "paperkg · overview"
    legend = browser.find_element("id", "pk-legend").text
    assert "0: diffusion · one-step" in legend and "Technique" in legend


def test_search_focuses_and_shows_details(browser, overview):
    open_page(browser, overview)
    box = browser.find_element("id", "pk-search")
    box.clear()
    box.send_keys("Paper number 7 on topic 0\n")
    selected = browser.execute_script("return window.paperkg.network.getSelectedNodes()")
    assert selected == ["paper:arxiv:2401.00007"]
    details = browser.find_element("id", "pk-details")
    assert "Paper number 7 on topic 0" in details.text and "open the paper" in details.text
    link = details.find_element("tag name", "a")
    assert link.get_attribute("href") == "https://arxiv.org/abs/2401.00007"
    box.clear()
    box.send_keys("no such paper anywhere\n")
    assert "No node matches" in browser.find_element("id", "pk-search-status").text


def test_hover_shows_tooltip_for_nodes_and_edges(browser, overview):
    from selenium.webdriver.common.action_chains import ActionChains

    open_page(browser, overview)
    where = browser.execute_script(
        "var net = window.paperkg.network; var id = 'paper:arxiv:2401.00000';"
        "net.moveTo({position: net.getPositions([id])[id], scale: 1.5, animation: false});"
        "var p = net.canvasToDOM(net.getPositions([id])[id]);"
        "var r = document.getElementById('pk-network').getBoundingClientRect();"
        "return [p.x - r.width / 2, p.y - r.height / 2];"
    )
    canvas = browser.find_element("id", "pk-network")
    ActionChains(browser).move_to_element_with_offset(canvas, int(where[0]), int(where[1])).perform()
    deadline = time.monotonic() + 5
    tooltip = browser.find_element("id", "pk-tooltip")
    while not tooltip.is_displayed() and time.monotonic() < deadline:
        time.sleep(0.05)
    assert "Paper number 0 on topic 0" in tooltip.text
    assert "top concepts" in tooltip.text and "techniques" in tooltip.text


def test_physics_toggle_turns_simulation_on(browser, overview):
    open_page(browser, overview)
    assert browser.execute_script("return window.paperkg.network.physics.physicsEnabled") is False
    browser.find_element("id", "pk-physics").click()
    assert browser.execute_script("return window.paperkg.network.physics.physicsEnabled") is True


def test_focused_views_draw(browser, graph, tmp_path):
    pages = {
        write_focus(graph, tmp_path / "f.html", "technique:lora", radius=1, communities=LABELS): None,
        write_community(graph, tmp_path / "c.html", 1, LABELS): None,
        write_technique_map(graph, tmp_path / "t.html", LABELS): 6,
    }
    for path, expected in pages.items():
        state = open_page(browser, path)
        assert_clean(state)
        assert state["nodes"] == state["drawn"] > 0
        if expected is not None:
            assert state["nodes"] == expected


def test_aggregated_overview_says_so_on_the_page(browser, tmp_path):
    path = write_overview(typed_graph(400, 5), tmp_path / "graph.html", LABELS, budget=120)
    state = open_page(browser, path)
    assert_clean(state)
    assert state["nodes"] == 120
    assert "Aggregated" in browser.find_element("id", "pk-aggregated").text


def test_injected_markup_stays_text(browser, tmp_path):
    path = write_overview(hostile_graph(), tmp_path / "hostile.html")
    state = open_page(browser, path)
    assert state["pwned"] == "undefined"
    assert state["nodes"] == 12 + 6
    assert_clean(state)
    for nid in browser.execute_script("return window.paperkg.nodes.getIds()"):
        browser.execute_script("window.paperkg.showDetails(arguments[0])", nid)
    browser.execute_script("window.paperkg.focusNode('Title')")
    time.sleep(0.3)  # give any injected handler (onerror/onload) time to fire
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    details = browser.find_element("id", "pk-details").text
    assert any(payload.strip() in details for payload in XSS_PAYLOADS)
    assert not browser.find_elements("css selector", "#pk-details a")  # javascript: links dropped
    datalist = browser.execute_script(
        "return Array.from(document.querySelectorAll('#pk-names option'))"
        ".map(function (o) { return o.value; })"
    )
    assert XSS_PAYLOADS[1] in " ".join(datalist)
    assert browser.execute_script("return typeof window.__pwned") == "undefined"
    assert not browser.find_elements("css selector", "img, svg")


def test_bundled_sample_overview_screenshot(browser, sample_build):
    """The real build of the bundled sample, drawn and photographed (tests/artifacts/)."""
    from graph import api

    out = sample_build
    G = api.load_graph(out)
    page = out / "graph.html"
    state = open_page(browser, page)
    assert_clean(state)
    shown = sum(1 for _, kind in G.nodes(data="kind") if kind in ("paper", "technique"))
    assert state["nodes"] == state["drawn"] == min(shown, 1500)
    ARTIFACTS.mkdir(exist_ok=True)
    shutil.copy(page, ARTIFACTS / "sample-graph.html")
    assert browser.save_screenshot(str(ARTIFACTS / "sample-overview.png"))


def test_labels_by_importance_never_overlap_and_zooming_in_reveals_more(browser, tmp_path):
    path = write_overview(typed_graph(400, 5), tmp_path / "graph.html", LABELS)
    assert_clean(open_page(browser, path))
    first = assert_readable_labels(browser, 10)
    sizes = browser.execute_script("return window.paperkg.nodes.map(function (n) { return [n.id, n.size]; })")
    biggest = max(sizes, key=lambda item: item[1])[0]
    assert biggest in first["ids"]  # the most important node is labelled first
    browser.execute_script(
        "var net = window.paperkg.network; net.moveTo({scale: net.getScale() * 4, animation: false});"
        "window.paperkg.placeLabels(); net.redraw();"
    )
    zoomed = assert_readable_labels(browser, 5)
    assert set(zoomed["ids"]) - set(first["ids"]), "zooming in showed no label that was hidden before"


def test_focus_centre_is_always_labelled(browser, graph, tmp_path):
    path = write_focus(graph, tmp_path / "f.html", "technique:lora", radius=2, communities=LABELS)
    open_page(browser, path)
    assert "technique:lora" in assert_readable_labels(browser, 5)["ids"]


def test_technique_map_first_shows_its_main_component(browser, graph, tmp_path):
    graph = graph.copy()
    for i in range(5):
        graph.add_node(f"technique:loose-{i}", kind="technique", key=f"loose-{i}", label=f"loose {i}", df=1)
    path = write_technique_map(graph, tmp_path / "t.html", LABELS)
    open_page(browser, path)
    inside = browser.execute_script(
        "var net = window.paperkg.network, c = net.body.container, fit = JSON.parse("
        "document.getElementById('pk-data').textContent).fit;"
        "return fit.map(function (id) { var p = net.canvasToDOM(net.getPositions([id])[id]);"
        "return p.x >= 0 && p.y >= 0 && p.x <= c.clientWidth && p.y <= c.clientHeight; });"
    )
    assert len(inside) == 6 and all(inside)
    assert_readable_labels(browser, 6)


@pytest.mark.parametrize(
    "name, options",
    [
        ("overview", {}),
        ("technique-map", {"technique_map": True}),
        ("community-1", {"community": 1}),
        ("focus-slimflow-radius-2", {"focus": "paper:SlimFlow", "radius": 2}),
    ],
)
def test_bundled_sample_pages_are_readable(browser, sample_build, tmp_path, name, options):
    """Each page of the real sample build: drawn cleanly, labels readable and never overlapping at the
    first zoom; photographed into tests/artifacts/ (look at them)."""
    from graph import api

    out = tmp_path / "out"
    shutil.copytree(sample_build, out)
    page = api.view(out, **options)
    state = open_page(browser, page)
    assert_clean(state)
    labels = assert_readable_labels(browser, 8)
    if "focus" in options:
        assert state["nodes"] <= api.FOCUS_BUDGET
        note = browser.find_element("id", "pk-aggregated").text
        assert note.startswith("Left out: ") if state["nodes"] == api.FOCUS_BUDGET else note == ""
        pinned = browser.execute_script(
            "return window.paperkg.nodes.get({filter: function (n) { return n.pinned; }}).map(function (n) {"
            " return n.id; })"
        )
        assert len(pinned) == 1 and pinned[0] in labels["ids"]  # SlimFlow, the focus, is labelled
    ARTIFACTS.mkdir(exist_ok=True)
    assert browser.save_screenshot(str(ARTIFACTS / f"sample-{name}.png"))

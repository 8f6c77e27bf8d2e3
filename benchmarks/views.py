"""Benchmark of the overview page against plain PyVis, on synthetic typed graphs of 1k, 10k, 100k papers.

Data: synthetic typed graphs generated here (seeded). Needs: ``pip install -e ".[test]"`` (selenium) and
Chromium with chromedriver at /usr/bin (``apt-get install chromium chromium-driver``).

For each size it prints: the overview's write time, HTML size, and the time until vis-network's first
drawing in headless Chromium (offline, from file://); then plain PyVis as users call it
(``Network().from_nx(G)``, default physics, ``write_html``) in a subprocess with a time cap, and its
time until the physics stabilises in the same browser (pages with a CDN reference are written with
``cdn_resources="in_line"`` so they can draw offline).

    python benchmarks/views.py                 # 1k, 10k, 100k papers; PyVis capped at 60 s per step
    python benchmarks/views.py --sizes 1000 --cap 30

Targets (issue): overview written in < 2 s, <= 5 MB, first draw < 3 s at every size.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import random
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))
sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "tests"))  # offline_browser, shared with the tests

from offline_browser import offline_chromium

from graph import schema
from graph.export.views import write_overview

N_TECHNIQUES = 120


def synthetic_graph(n_papers: int, seed: int = 0) -> tuple[nx.MultiDiGraph, dict[int, str]]:
    """A typed graph shaped like a build's output: papers in ~sqrt(n)/2 communities with heavy-tailed
    PageRank, 3 concepts, 2 techniques, 3 RELATED_TO and 1 CITES per paper."""
    rng = random.Random(seed)
    n_communities = max(2, int(n_papers**0.5 / 2))
    n_concepts = max(50, n_papers // 5)
    G = nx.MultiDiGraph()
    G.add_nodes_from(
        (f"technique:t{i}", {"kind": schema.TECHNIQUE, "key": f"t{i}", "label": f"technique {i}", "df": 0})
        for i in range(N_TECHNIQUES)
    )
    G.add_nodes_from(
        (f"concept:c{i}", {"kind": schema.CONCEPT, "key": f"c{i}", "label": f"concept {i}", "df": 0})
        for i in range(n_concepts)
    )
    papers = [f"paper:p{i}" for i in range(n_papers)]
    G.add_nodes_from(
        (
            nid,
            {
                "kind": schema.PAPER, "title": f"Synthetic paper {i} about concept {i % n_concepts}",
                "abstract": "We propose a method. " * 10, "year": 2015 + i % 10, "url": f"https://arxiv.org/abs/{i}",
                "community": i % n_communities, "pagerank": rng.paretovariate(1.5) / n_papers,
            },
        )
        for i, nid in enumerate(papers)
    )  # fmt: skip
    edges = []
    for i, nid in enumerate(papers):
        for rank, c in enumerate(rng.sample(range(n_concepts), 3), start=1):
            data = {"kind": schema.HAS_CONCEPT, "rank": rank}
            edges.append((nid, f"concept:c{c}", schema.HAS_CONCEPT, data))
        for t in rng.sample(range(N_TECHNIQUES), 2):
            edges.append((nid, f"technique:t{t}", schema.USES_TECHNIQUE, {"kind": schema.USES_TECHNIQUE}))
        community = i % n_communities
        for _ in range(3):
            j = rng.randrange(n_papers // n_communities) * n_communities + community
            if j < n_papers and j != i:
                a, b = schema.related_pair(nid, papers[j])
                edges.append((a, b, schema.RELATED_TO, {"kind": schema.RELATED_TO, "weight": rng.random(),
                                                        "shared": ["concept a", "technique b"]}))  # fmt: skip
        if i:
            edges.append((nid, papers[rng.randrange(i)], schema.CITES, {"kind": schema.CITES}))
    G.add_edges_from(edges)
    for _, target, key in G.edges(keys=True):
        if key in (schema.HAS_CONCEPT, schema.USES_TECHNIQUE):
            G.nodes[target]["df"] += 1
    labels = {c: f"topic {c}" for c in range(n_communities)}
    return G, labels


PYVIS_SCRIPT = """
import json, sys, time
import networkx as nx
from pyvis.network import Network
data = json.load(open(sys.argv[1]))
G = nx.node_link_graph(data, directed=True, multigraph=True, edges="links")
t0 = time.perf_counter()
net = Network(cdn_resources="in_line")
net.from_nx(G)
t1 = time.perf_counter()
net.write_html("pyvis.html")
t2 = time.perf_counter()
print(json.dumps({"from_nx_s": t1 - t0, "write_s": t2 - t1, "nodes": len(net.nodes)}))
"""


def plain_pyvis(G: nx.MultiDiGraph, workdir: Path, cap_s: float) -> dict:
    """Plain PyVis on ``G`` in a subprocess (it mutates the graph and writes lib/ into its cwd)."""
    graph_file = workdir / "graph.json"
    graph_file.write_text(json.dumps(nx.node_link_data(G, edges="links")), encoding="utf-8")
    try:
        done = subprocess.run(
            [sys.executable, "-c", PYVIS_SCRIPT, str(graph_file)],
            cwd=workdir, capture_output=True, text=True, timeout=cap_s,
        )  # fmt: skip
    except subprocess.TimeoutExpired:
        return {"capped": True}
    if done.returncode != 0:
        return {"error": done.stderr.strip().splitlines()[-1]}
    result = json.loads(done.stdout)
    result["size"] = (workdir / "pyvis.html").stat().st_size
    result["path"] = workdir / "pyvis.html"
    return result


def browser():
    """Headless Chromium, offline; chromedriver and its browser in their own process group."""
    return offline_chromium(Path(tempfile.mkdtemp(prefix="paperkg-bench-")), own_session=True)


def kill_browser(driver) -> None:
    """Kill the process group of this driver's chromedriver (and the Chromium it started)."""
    with contextlib.suppress(ProcessLookupError):
        os.killpg(driver.service.process.pid, signal.SIGKILL)


def capped_time_until(path: Path, condition: str, cap_s: float) -> float | None:
    """:func:`time_until` in a fresh browser that is killed when the page blocks past ``cap_s``
    (vis-network's layout and stabilisation run on the page's main thread and block the driver)."""
    driver = browser()
    result: dict[str, float | None] = {}

    def measure() -> None:
        try:
            result["s"] = time_until(driver, path, condition, cap_s)
        except Exception:  # the browser was killed under a blocked command
            result["s"] = None

    worker = threading.Thread(target=measure, daemon=True)
    worker.start()
    worker.join(cap_s + 5)
    if worker.is_alive() or result.get("s") is None:
        kill_browser(driver)
        worker.join(10)
        return None
    driver.quit()
    return result["s"]


def time_until(driver, path: Path, condition: str, cap_s: float) -> float | None:
    """Seconds from navigation to ``condition`` (JS expression) being true; None past ``cap_s``."""
    driver.get("about:blank")
    start = time.perf_counter()
    driver.get(path.resolve().as_uri())
    while not driver.execute_script(f"return Boolean({condition})"):
        if time.perf_counter() - start > cap_s:
            return None
        time.sleep(0.02)
    return time.perf_counter() - start


OURS_READY = "window.paperkgReady === true"
PYVIS_READY = (
    "typeof network !== 'undefined' && network !== null && (document.getElementById('loadingBar') === null"
    " || document.getElementById('loadingBar').style.opacity === '0')"
)


def fmt(value: float | None, unit: str = "s", cap: float | None = None) -> str:
    if value is None:
        return f"> {cap:.0f} {unit} (capped)" if cap else "n/a"
    return f"{value:.2f} {unit}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", type=int, nargs="+", default=[1000, 10000, 100000])
    parser.add_argument("--cap", type=float, default=60.0, help="time cap per PyVis step, seconds")
    parser.add_argument("--budget", type=int, default=1500)
    args = parser.parse_args()
    driver = browser()
    try:
        for n in args.sizes:
            work = Path(tempfile.mkdtemp(prefix=f"paperkg-views-{n}-"))
            t = time.perf_counter()
            G, labels = synthetic_graph(n)
            print(f"\n== {n:,} papers: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges "
                  f"(generated in {time.perf_counter() - t:.1f} s)")  # fmt: skip
            t = time.perf_counter()
            page = write_overview(G, work / "graph.html", labels, budget=args.budget)
            write_s = time.perf_counter() - t
            draw_s = time_until(driver, page, OURS_READY, args.cap)
            first_ms, shown = driver.execute_script(
                "return [window.paperkgFirstDrawMs, window.paperkg && window.paperkg.nodes.length]"
            )
            print(f"paperkg overview : write {write_s:.2f} s | {page.stat().st_size / 1e6:.2f} MB | "
                  f"{shown} nodes drawn | first draw {fmt(draw_s, cap=args.cap)} after navigation "
                  f"(page clock at first afterDrawing: {fmt(first_ms and first_ms / 1000)})")  # fmt: skip
            pyvis = plain_pyvis(G, work, args.cap)
            if "capped" in pyvis:
                print(f"plain PyVis      : from_nx + write_html unfinished after {args.cap:.0f} s (capped)")
                continue
            if "error" in pyvis:
                print(f"plain PyVis      : failed: {pyvis['error']}")
                continue
            stable = capped_time_until(pyvis["path"], PYVIS_READY, args.cap)
            print(f"plain PyVis      : from_nx {pyvis['from_nx_s']:.2f} s + write {pyvis['write_s']:.2f} s | "
                  f"{pyvis['size'] / 1e6:.2f} MB | {pyvis['nodes']:,} nodes | "
                  f"drawn after stabilising {fmt(stable, cap=args.cap)}")  # fmt: skip
    finally:
        driver.quit()


if __name__ == "__main__":
    main()

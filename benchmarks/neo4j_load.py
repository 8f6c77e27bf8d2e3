"""Loading throughput into a live Neo4j 5.26: the driver path (rows/s) and the bulk-import path (seconds).

Data: the seeded synthetic graph of ``benchmarks/neo4j_export.py`` (per paper: 8 concepts, 3 techniques,
2 citations, 5 related papers; papers/4 concepts, 200 techniques); nothing to download. Server: the one
``NEO4J_URI`` names (its paperkg labels are wiped), else the Maven-resolved test server of
``tests/neo4j_server/`` started in a temporary home (needs java and mvn). The bulk path always uses that
test server's ``neo4j-admin`` (``database import full`` into a second temporary home, the server stopped).

    python benchmarks/neo4j_load.py --papers 10000 100000
    python benchmarks/neo4j_load.py --papers 100000 --skip-driver    # bulk import only

Prints one line per size and path: rows, seconds, rows/s. Targets (figures, not pass/fail): driver
>= 50,000 rows/s; bulk import of the 100k-paper files <= 120 s.
"""

from __future__ import annotations

import argparse
import os
import shlex
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT / "benchmarks"), str(ROOT / "tests")]

from neo4j_export import synthetic_graph  # noqa: E402
from neo4j_server import server  # noqa: E402

from graph.export.graphdb.bulk import import_command, write_bulk_import  # noqa: E402
from graph.export.graphdb.load import Neo4jSettings, load_graph  # noqa: E402
from graph.export.graphdb.rows import graph_counts  # noqa: E402


@contextmanager
def live_server(home: Path, heap: str) -> Iterator[Neo4jSettings]:
    """``NEO4J_URI``'s server, else a test server started in ``home`` (stopped on exit)."""
    if os.environ.get("NEO4J_URI"):
        yield Neo4jSettings.resolve()
        return
    server.resolve_jars()
    running = server.start(home, heap=heap)
    try:
        yield Neo4jSettings.resolve(uri=running.uri, user=server.USER, password=running.password, env={})
    finally:
        server.stop(running)


def bulk_import_seconds(G: object, work: Path) -> tuple[int, float, float]:
    """Rows, seconds writing the CSVs, seconds of ``neo4j-admin database import full`` into a fresh home."""
    started = time.perf_counter()
    write_bulk_import(G, work / "neo4j")
    written = time.perf_counter() - started
    home = server.make_home(work / "home", server.free_port())
    args = shlex.split(import_command(f"{work / 'neo4j'}/").replace(" \\\n  ", " "))[1:]
    started = time.perf_counter()
    server.admin(home, args, heap="2g", timeout=1800)
    nodes, rels = graph_counts(G)  # type: ignore[arg-type]
    return sum(nodes.values()) + sum(rels.values()), written, time.perf_counter() - started


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--papers", type=int, nargs="+", default=[10000, 100000])
    parser.add_argument("--batch-size", type=int, default=10000, help="rows per driver transaction")
    parser.add_argument("--heap", default="2g", help="the test server's Java heap")
    parser.add_argument("--skip-driver", action="store_true")
    parser.add_argument("--skip-bulk", action="store_true")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="paperkg-neo4j-bench-") as tmp:
        graphs = {n: synthetic_graph(n) for n in args.papers}
        if not args.skip_driver:
            with live_server(Path(tmp) / "server", args.heap) as settings:
                for n, G in graphs.items():
                    report = load_graph(G, settings, batch_size=args.batch_size, wipe=True, progress=False)
                    assert report.complete, report.lines()
                    print(
                        f"driver  {n:>7} papers: {report.rows:>9,} rows in {report.seconds:7.1f} s "
                        f"= {report.rows_per_s:9,.0f} rows/s (batch {args.batch_size})",
                        flush=True,
                    )
        if not args.skip_bulk:
            for n, G in graphs.items():
                work = Path(tmp) / f"bulk-{n}"
                rows, written, imported = bulk_import_seconds(G, work)
                print(
                    f"bulk    {n:>7} papers: {rows:>9,} rows: CSVs written in {written:.1f} s, "
                    f"neo4j-admin import {imported:.1f} s, total {written + imported:.1f} s",
                    flush=True,
                )


if __name__ == "__main__":
    main()

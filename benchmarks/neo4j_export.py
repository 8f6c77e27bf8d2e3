"""Throughput of the Neo4j exports on a synthetic, schema-conformant graph (seeded, so runs compare).

Data: a synthetic graph generated here (seeded); nothing to download. Needs: `pip install -e .`; ``--load``
needs a running Neo4j (``NEO4J_URI``).

    python benchmarks/neo4j_export.py --papers 100000
    NEO4J_URI=bolt://localhost:7687 python benchmarks/neo4j_export.py --papers 20000 --load   # with a server

Prints, per stage, the seconds and rows/s: building loader rows (``plan_load``), writing the
bulk-import CSVs (``write_bulk_import``) and, with ``--load``, loading into Neo4j with the driver.
"""

from __future__ import annotations

import argparse
import random
import tempfile
import time
from pathlib import Path

import networkx as nx

from graph import schema
from graph.export.graphdb.bulk import write_bulk_import
from graph.export.graphdb.load import Neo4jSettings, load_graph, plan_load
from graph.schema import node_id


def synthetic_graph(papers: int, seed: int = 42) -> nx.MultiDiGraph:
    """``papers`` papers, papers/4 concepts, 200 techniques; 8 concepts, 3 techniques, 2 citations, 5 related each."""
    rng = random.Random(seed)
    G = nx.MultiDiGraph()
    concepts = [node_id(schema.CONCEPT, f"concept-{i}") for i in range(max(papers // 4, 10))]
    techniques = [node_id(schema.TECHNIQUE, f"technique-{i}") for i in range(200)]
    ids = [node_id(schema.PAPER, f"arxiv:{2400 + i // 10000}.{i % 10000:05d}") for i in range(papers)]
    for i, nid in enumerate(ids):
        G.add_node(nid, kind=schema.PAPER, id=schema.split_node_id(nid)[1], title=f"Paper {i} on flows",
                   abstract="We study rectified flow distillation. " * 8, year=2018 + i % 8, n_authors=3,
                   upvotes=i % 50, sources=[f"listing.txt:{i}"], pagerank=rng.random(), community=i % 40)
    for nid in concepts:
        key = schema.split_node_id(nid)[1]
        G.add_node(nid, kind=schema.CONCEPT, key=key, label=key.replace("-", " "), aliases=[key], df=1)
    for nid in techniques:
        key = schema.split_node_id(nid)[1]
        G.add_node(nid, kind=schema.TECHNIQUE, key=key, label=key, family="training", df=1)
    for i, nid in enumerate(ids):
        for rank, concept in enumerate(rng.sample(concepts, 8), start=1):
            G.add_edge(nid, concept, key=schema.HAS_CONCEPT, kind=schema.HAS_CONCEPT, score=rng.random(), rank=rank)
        for technique in rng.sample(techniques, 3):
            G.add_edge(nid, technique, key=schema.USES_TECHNIQUE, kind=schema.USES_TECHNIQUE, evidence="flow")
        for other in rng.sample(ids[:i] or [nid], min(2, i)):
            G.add_edge(nid, other, key=schema.CITES, kind=schema.CITES, source=schema.CITES_FROM_REFERENCES)
        for other in rng.sample(ids, 5):
            if other != nid:
                u, v = schema.related_pair(nid, other)
                G.add_edge(u, v, key=schema.RELATED_TO, kind=schema.RELATED_TO, weight=rng.random(), shared=["x"])
    return G


def timed(label: str, rows: int, fn) -> None:  # type: ignore[no-untyped-def]
    start = time.perf_counter()
    fn()
    seconds = time.perf_counter() - start
    print(f"{label:<22} {seconds:8.2f} s  {rows / seconds:12,.0f} rows/s")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--papers", type=int, default=100_000)
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--load", action="store_true", help="also load into Neo4j (NEO4J_* settings); wipes first")
    args = parser.parse_args()
    start = time.perf_counter()
    G = synthetic_graph(args.papers)
    rows = G.number_of_nodes() + G.number_of_edges()
    print(f"graph: {G.number_of_nodes():,} nodes, {G.number_of_edges():,} edges "
          f"({time.perf_counter() - start:.1f} s to generate)")
    timed("plan_load (rows)", rows, lambda: plan_load(G, args.batch_size))
    with tempfile.TemporaryDirectory() as tmp:
        timed("write_bulk_import", rows, lambda: write_bulk_import(G, Path(tmp) / "neo4j"))
        size = sum(p.stat().st_size for p in (Path(tmp) / "neo4j").iterdir())
        print(f"bulk files: {size / 1e6:.1f} MB")
    if args.load:
        settings = Neo4jSettings.resolve()
        timed("neo4j load (driver)", rows,
              lambda: load_graph(G, settings, batch_size=args.batch_size, wipe=True, progress=False))


if __name__ == "__main__":
    main()

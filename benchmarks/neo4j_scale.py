"""The path past one machine's memory, measured: workspace -> streamed bulk files -> neo4j-admin import -> GDS.

Data: the synthetic papers of ``benchmarks/pipeline.py`` (seeded; titles introducing a method name, ~170-word
abstracts with vocabulary techniques and topic-clustered concept phrases, authors, dates, references to
earlier papers), written straight into a workspace with their extractions cached: the concepts the
generator wrote (as that benchmark caches them; filed under the concept extractor's configuration when
step 1 starts) and the vocabulary techniques it wrote (role ``uses``).
Setting up is not measured. Needs ``pip install -e .``; the import and GDS steps need java and mvn (the test
server of ``tests/neo4j_server/``: Neo4j 5.26 Community + GDS + APOC from Maven Central).

For each size N, each step in a fresh process:

1. ``paperkg neo4j bulk --from-workspace``: the files streamed from the workspace (no NetworkX graph):
   wall time and peak resident memory (``VmHWM`` of that process);
2. ``neo4j-admin database import full`` of the files into a new database of the test server;
3. ``paperkg analyze --engine neo4j``: GDS PageRank, Louvain and sampled betweenness, written onto the nodes.

The last lines, one per size, are machine-readable:
``papers=N files_s=… files_peak_rss_gib=… import_s=… gds_s=… nodes=… relationships=…``; with two sizes or
more, a final ``files_kib_per_paper=… projected_1m_gib=…`` line fits the files step's peak memory to a line
(least squares over the sizes) and extrapolates it to 1,000,000 papers.

    python benchmarks/neo4j_scale.py 100000 1000000 --work /tmp/neo4j-scale
    python benchmarks/neo4j_scale.py 2000 --no-mentions        # without inferred (mention) citations
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parent.parent
sys.path[:0] = [str(ROOT), str(ROOT / "tests"), str(Path(__file__).resolve().parent)]

from pipeline import ADDED, _record, _zipf, concept_phrase  # noqa: E402 (benchmarks/pipeline.py's generator)

from graph.extraction import ConceptHit, PaperExtraction, TechniqueHit  # noqa: E402
from graph.store import Workspace  # noqa: E402
from graph.techniques import Vocabulary  # noqa: E402
from loaders.records import Paper  # noqa: E402

CHUNK = 20000

#: The configuration the filled concepts are cached under until the stream step files them under the concept
#: extractor's configuration of that moment (which changes whenever the extractor's code or rules change).
FILLED_CONCEPTS = "benchmark:generated-concepts"


def _vm_hwm_gib() -> float:
    """This process's peak resident memory (``VmHWM``; ``ru_maxrss`` would include a parent's, across exec)."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024**2
    return float("nan")


def fill_workspace(n: int, out: Path, seed: int = 42) -> None:
    """``n`` synthetic papers (the generator of benchmarks/pipeline.py) with cached extractions, into ``out``."""
    from graph.concepts import concept_key
    from graph.pipeline import technique_config

    rng = np.random.default_rng(seed)
    vocabulary = Vocabulary.load()
    named = [(key, t.aliases[0]) for key, t in vocabulary.techniques.items() if t.aliases]
    total = n + ADDED
    n_topics, n_concepts = max(10, total // 500), max(1000, total // 2)
    topics = rng.integers(0, n_topics, size=n)
    papers: list[Paper] = []
    concepts: dict[str, PaperExtraction] = {}
    techniques: dict[str, PaperExtraction] = {}
    for i in range(n):
        t = int(topics[i])
        local = (t * 211 + _zipf(rng, 300, 8, s=1.0)) % n_concepts
        picks = np.where(rng.random(8) < 0.6, local, _zipf(rng, n_concepts, 8))
        written = [concept_phrase(int(k)) for k in picks]
        phrases = list(dict.fromkeys(written))
        used = [named[(t * 7 + int(k)) % len(named)] for k in _zipf(rng, 12, 2)]
        record = _record(i, rng, written, [alias for _, alias in used], i)
        paper = Paper.create(record.pop("title"), arxiv=record.pop("arxiv"), **record)
        papers.append(paper)
        hits = [ConceptHit(concept_key(c), c, round(0.9 - 0.05 * r, 3), r + 1) for r, c in enumerate(phrases)]
        concepts[paper.id] = PaperExtraction(paper.id, hits)
        found = {key: TechniqueHit(key, alias) for key, alias in used}
        techniques[paper.id] = PaperExtraction(paper.id, techniques=list(found.values()))
    configs = {FILLED_CONCEPTS: concepts, technique_config(vocabulary): techniques}
    with Workspace.open(out) as ws:
        ws.replace_corpus(papers)
        for config, found in configs.items():
            for start in range(0, n, CHUNK):
                ws.put_extractions(config, papers[start : start + CHUNK], found)


def stream(out: Path, mentions: bool) -> None:
    """Step 1 in this process: the streamed files of ``out``'s workspace; prints the row counts and VmHWM."""
    from graph.build import BuildOptions
    from graph.export.graphdb.stream import stream_bulk_import
    from graph.pipeline import PipelineOptions, concept_extractor

    options = PipelineOptions(progress=False, graph=BuildOptions(mention_citations=mentions))
    with Workspace.open(out) as ws, ws.transaction() as conn:
        conn.execute("UPDATE extractions SET config = ? WHERE config = ?", (concept_extractor(options).fingerprint,
                                                                            FILLED_CONCEPTS))  # fmt: skip
    _, tally = stream_bulk_import(out, out / "neo4j", options, Vocabulary.load())
    print(json.dumps({"nodes": tally.nodes, "rels": tally.rels, "peak_rss_gib": _vm_hwm_gib()}))


def _child(*args: str, env: dict[str, str] | None = None) -> tuple[float, str]:
    """Run ``python ARGS``; its wall seconds and stdout (stops the benchmark on failure)."""
    start = time.perf_counter()
    proc = subprocess.run([sys.executable, *args], capture_output=True, text=True, env=env)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed ({proc.returncode}):\n{proc.stdout[-2000:]}\n{proc.stderr[-3000:]}")
    return time.perf_counter() - start, proc.stdout


def neo4j_steps(out: Path, home: Path, heap: str) -> dict[str, float]:
    """Steps 2 and 3 on the test server: import time, then ``paperkg analyze --engine neo4j`` time."""
    from neo4j_server import server

    from graph.export.graphdb.bulk import import_command

    server.resolve_jars()
    server.make_home(home, server.free_port())
    args = shlex.split(import_command(f"{out / 'neo4j'}/").replace(" \\\n  ", " "))[1:]
    start = time.perf_counter()
    server.admin(home, args, heap=heap, timeout=7200)
    imported = time.perf_counter() - start
    print(f"  import: {imported:.1f}s", flush=True)
    running = server.start(home, heap=heap)
    try:
        env = {**os.environ, **running.env()}
        gds, report = _child("-m", "graph", "analyze", "--engine", "neo4j", env=env)
    finally:
        server.stop(running)
    print(f"  gds (PageRank, Louvain, betweenness): {gds:.1f}s\n    " + report.strip().replace("\n", "\n    "))
    return {"import_s": imported, "gds_s": gds}


def measure(n: int, work: Path, mentions: bool, with_neo4j: bool, heap: str) -> tuple[str, float]:
    """Every step of one size; the machine-readable line and the files step's peak memory (GiB)."""
    out = work / f"out-{n}"
    if not (out / "paperkg.sqlite").exists():
        took, _ = _child(__file__, "--fill", str(n), str(out))
        print(f"papers={n}: workspace filled in {took:.1f}s (not measured)", flush=True)
    files_s, printed = _child(__file__, "--stream", str(out), *([] if mentions else ["--no-mentions"]))
    result = json.loads(printed.strip().splitlines()[-1])
    nodes, rels = sum(result["nodes"].values()), sum(result["rels"].values())
    size = sum(f.stat().st_size for f in (out / "neo4j").glob("*.csv")) / 1024**3
    print(f"  files: {files_s:.1f}s, peak RSS {result['peak_rss_gib']:.2f} GiB, {size:.2f} GiB of CSV, "
          f"{nodes} nodes {result['nodes']}, {rels} relationships {result['rels']}", flush=True)  # fmt: skip
    figures = {"import_s": float("nan"), "gds_s": float("nan")}
    if with_neo4j:
        home = work / f"neo4j-{n}"
        shutil.rmtree(home, ignore_errors=True)
        figures = neo4j_steps(out, home, heap)
    line = (
        f"papers={n} files_s={files_s:.1f} files_peak_rss_gib={result['peak_rss_gib']:.2f} "
        f"import_s={figures['import_s']:.1f} gds_s={figures['gds_s']:.1f} nodes={nodes} relationships={rels}"
    )
    return line, float(result["peak_rss_gib"])


def memory_fit(sizes: list[int], peaks_gib: list[float]) -> str:
    """The files step's peak memory fitted to ``a + b * papers``: ``b`` in KiB per paper, and ``a + b * 1M``.

    >>> memory_fit([20000, 100000], [0.2, 0.4])
    'files_kib_per_paper=2.62 projected_1m_gib=2.65'
    """
    slope, intercept = np.polyfit(np.array(sizes, dtype=float), np.array(peaks_gib), 1)
    return f"files_kib_per_paper={slope * 1024**2:.2f} projected_1m_gib={intercept + slope * 1_000_000:.2f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[100000, 1000000])
    parser.add_argument("--work", type=Path, help="folder for workspaces, files and databases (default: temporary)")
    parser.add_argument("--no-mentions", action="store_true", help="leave out inferred (mention) citations")
    parser.add_argument("--no-neo4j", action="store_true", help="files only: no import, no GDS")
    parser.add_argument("--heap", default="4g", help="JVM heap of neo4j-admin and the server")
    parser.add_argument("--fill", nargs=2, metavar=("N", "DIR"), help=argparse.SUPPRESS)
    parser.add_argument("--stream", type=Path, metavar="DIR", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.fill:
        fill_workspace(int(args.fill[0]), Path(args.fill[1]))
        return
    if args.stream:
        stream(args.stream, not args.no_mentions)
        return
    work = args.work or Path(tempfile.mkdtemp(prefix="paperkg-neo4j-scale-"))
    work.mkdir(parents=True, exist_ok=True)
    try:
        measured = [measure(n, work, not args.no_mentions, not args.no_neo4j, args.heap) for n in args.sizes]
        print("\n".join(line for line, _ in measured))
        if len(set(args.sizes)) > 1:
            print(memory_fit(args.sizes, [peak for _, peak in measured]))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

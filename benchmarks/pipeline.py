"""End-to-end scale of ``paperkg build``, stage by stage, on real-shaped synthetic listing files.

Data: synthetic JSON Lines listings written here (seeded; nothing downloaded): titles that introduce a method
name, ~170-word abstracts that use real technique names from the shipped vocabulary and topic-clustered
concept phrases (Zipfian), authors, dates, arXiv ids, references to earlier papers, mentions of earlier
papers' method names, and 2% duplicate records (same arXiv id, a DOI added) in another file, so the merge
rule has work to do. Needs: ``pip install -e .``.

For each size N it runs, each in a fresh process, exactly what a user runs:

1. ``paperkg build FILES --out DIR``: every extraction but the concepts is cold. Concept extraction with the
   real model runs at ~30 abstracts/s on 2 CPU cores, so the concepts of the synthetic papers are placed in
   the workspace's cache beforehand (the phrases the generator wrote into each abstract), as a rebuild finds
   them; step 5 measures the cold model separately.
2. the same build again (warm: everything cached, outputs rewritten);
3. ``paperkg add`` of 1,000 new papers;
4. the readers ``paperkg info``, ``top``, ``explain``, ``similar`` on the result;
5. once, first: cold concept extraction with the real model on ``--cold-sample`` abstracts.

Step 2 runs up to ``--rebuild-up-to`` papers (default 10,000): at 100k it repeats step 1's graph stages.

Per stage it prints wall seconds, CPU seconds and peak resident memory (from the run log, which records
them), the read/merge split of the load stage (measured in a child process, which also writes the inputs),
then the growth of each stage from one size to the next. Growth is CPU time: on a shared machine wall time
includes waiting for a core.
The last lines, one per size, are machine-readable:
``papers=N total_s=… peak_rss_gib=… worst_stage_growth=…`` (growth on the larger size's line).

    python benchmarks/pipeline.py 10000 100000
    python benchmarks/pipeline.py 1000 --cold-sample 50 --work /tmp/bench
"""

from __future__ import annotations

import argparse
import itertools
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph.extraction import ConceptHit, PaperExtraction
from graph.pipeline import PipelineOptions, concept_extractor, peak_rss_mib
from graph.store import Workspace
from graph.techniques import Vocabulary
from loaders.detect import load_path
from loaders.records import Paper, merge_all

ADDED = 1000
SHARDS = 4
DUPLICATE_SHARE = 0.02
STAGES = ("load", "ingest", "corpus", "extract", "graph", "analysis", "export")


def _words(text: str) -> tuple[str, ...]:
    return tuple(text.split())


_ADJECTIVES = _words(
    "sparse dense efficient robust scalable adaptive hierarchical multimodal temporal spatial causal neural "
    "probabilistic generative discriminative latent implicit explicit structured unsupervised semi-supervised "
    "few-shot zero-shot long-context low-rank quantized federated differentiable geometric symbolic graph-based "
    "energy-based multilingual cross-lingual visual textual semantic syntactic lexical acoustic molecular "
    "protein medical clinical autonomous robotic interactive incremental online offline distributed parallel "
    "streaming compositional modular recurrent equivariant invariant stochastic deterministic"
)
_NOUNS = _words(
    "representation alignment retrieval segmentation detection tracking generation reasoning planning "
    "summarization translation captioning grounding parsing tokenization compression pruning inference "
    "calibration uncertainty estimation optimization regularization attention memory embedding encoder decoder "
    "policy reward exploration navigation manipulation control forecasting imputation clustering ranking "
    "recommendation localization reconstruction rendering synthesis editing inpainting super-resolution "
    "denoising deblurring registration classification regression matching correspondence interpolation "
    "sampling search indexing verification explanation attribution evaluation benchmark dataset corpus "
    "annotation supervision feedback"
)
_TASKS = _words("images videos text speech graphs molecules proteins tables code documents point-clouds")
_SYLLABLES = _words("ka lo mi ra ve zu ti no sa pe du fi")
_FIRST = _words("Ana Bo Chen David Eva Farid Gita Hiro Ivan Jana Kofi Lena Mei Nora Omar Priya Quinn Rosa Sven Tao")
_LAST = _words("Li Wang Smith Kim Garcia Muller Rossi Sato Novak Singh Okafor Silva Cohen Haddad Larsen Ivanova")


def concept_phrase(k: int) -> str:
    """The ``k``-th phrase of the synthetic concept pool: two words, or three past the two-word pairs.

    >>> concept_phrase(0), concept_phrase(1)
    ('sparse representation', 'dense representation')
    """
    adjective, noun = _ADJECTIVES[k % len(_ADJECTIVES)], _NOUNS[(k // len(_ADJECTIVES)) % len(_NOUNS)]
    extra = k // (len(_ADJECTIVES) * len(_NOUNS))
    return f"{adjective} {_ADJECTIVES[(extra * 7) % len(_ADJECTIVES)]} {noun}" if extra else f"{adjective} {noun}"


def method_name(i: int) -> str:
    """A unique pronounceable method name for paper ``i`` ("Kalo", "Lomira", ...).

    >>> method_name(0), method_name(13)
    ('Ka', 'Kalo')
    """
    syllables, i = [], i + 1
    while i:
        i, digit = divmod(i - 1, len(_SYLLABLES))
        syllables.append(_SYLLABLES[digit])
    return "".join(reversed(syllables)).capitalize()


def arxiv_id(i: int) -> str:
    return f"{2001 + i // 99999}.{i % 99999 + 1:05d}"


@dataclass
class Corpus:
    """A written synthetic corpus: the listing files, the file of papers to add, the concepts per paper."""

    files: list[Path]
    added: Path
    concepts: dict[str, list[str]] = field(default_factory=dict)


def _zipf(rng: np.random.Generator, n: int, size: int, s: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** s
    return rng.choice(n, size=size, p=weights / weights.sum())


def _abstract(name: str, concepts: list[str], techniques: list[str], mention: str | None) -> str:
    c, t = concepts, techniques
    compare = f", including {mention}" if mention else ""
    return (
        f"{c[0].capitalize()} is a central problem in {c[1]} for {_TASKS[len(name) % len(_TASKS)]}. "
        f"Existing approaches based on {t[0]} struggle with {c[2]} and {c[3]}, and they scale poorly. "
        f"In this paper, we propose {name}, a {c[4]} framework that combines {t[-1]} with {c[5]}. "
        f"{name} introduces {c[6]} to improve {c[7]} while reducing the cost of {c[2]}. "
        f"We evaluate {name} on several benchmarks for {c[1]} and show consistent gains over strong "
        f"baselines{compare}. Ablation studies confirm that {c[4]} and {t[0]} contribute most of the "
        f"improvement, and an analysis of {c[3]} explains when the method fails. Code and models are released."
    )


def _record(i: int, rng: np.random.Generator, concepts: list[str], techniques: list[str], n_before: int) -> dict:
    name = method_name(i)
    mention = method_name(int(rng.integers(0, n_before))) if n_before > 10 and rng.random() < 0.1 else None
    day = int(rng.integers(0, 7 * 365))
    cited = rng.integers(0, n_before, size=int(rng.integers(0, 8))) if n_before else []
    refs = sorted({f"arxiv:{arxiv_id(int(j))}" for j in cited})
    return {
        "title": f"{name}: {concepts[4].capitalize()} with {techniques[-1]} for {concepts[1]}",
        "abstract": _abstract(name, concepts, techniques, mention),
        "arxiv": arxiv_id(i),
        "authors": [f"{_FIRST[int(a) % 20]} {_LAST[int(a) // 20 % 16]}" for a in rng.integers(0, 320, size=3)],
        "published": f"{2018 + day // 365}-{day % 365 // 31 + 1:02d}-{day % 28 + 1:02d}",
        "references": refs,
    }


def write_corpus(n: int, folder: Path, seed: int = 42) -> Corpus:
    """Write ``n`` papers in :data:`SHARDS` JSONL files (plus duplicates) and :data:`ADDED` more to add."""
    rng = np.random.default_rng(seed)
    aliases = [t.aliases[0] for t in Vocabulary.load().techniques.values() if t.aliases]
    total = n + ADDED
    n_topics, n_concepts = max(10, total // 500), max(1000, total // 2)
    topics = rng.integers(0, n_topics, size=total)
    corpus = Corpus(files=[folder / f"listing-{s}.jsonl" for s in range(SHARDS)], added=folder / "added.jsonl")
    handles = [path.open("w", encoding="utf-8") for path in [*corpus.files, corpus.added]]
    try:
        for i in range(total):
            t = int(topics[i])
            local = (t * 211 + _zipf(rng, 300, 8, s=1.0)) % n_concepts
            picks = np.where(rng.random(8) < 0.6, local, _zipf(rng, n_concepts, 8))
            concepts = [concept_phrase(int(k)) for k in picks]
            techniques = [aliases[(t * 7 + int(k)) % len(aliases)] for k in _zipf(rng, 12, 2)]
            record = _record(i, rng, concepts, techniques, min(i, n))
            corpus.concepts[f"arxiv:{record['arxiv']}"] = list(dict.fromkeys(concepts))
            handle = handles[-1] if i >= n else handles[i % SHARDS]
            handle.write(json.dumps(record) + "\n")
            if i < n and rng.random() < DUPLICATE_SHARE:
                again = {**record, "doi": f"10.5555/synthetic.{i}", "title": record["title"].upper()}
                handles[(i + 1) % SHARDS].write(json.dumps(again) + "\n")
    finally:
        for handle in handles:
            handle.close()
    return corpus


def _timed(fn: Callable[[], Any]) -> tuple[Any, dict[str, float]]:
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    return result, {"wall_s": time.perf_counter() - wall, "cpu_s": time.process_time() - cpu}


def read_and_merge(corpus: Corpus) -> tuple[list[Paper], dict[str, dict[str, float]]]:
    """The load stage split in two: reading the files, then the loaders' merge rule."""
    records, read = _timed(lambda: [p for path in corpus.files for p in load_path(path).papers])
    papers, merge = _timed(lambda: merge_all(records))
    return papers, {"read": read, "merge": merge}


def prefill_concepts(out: Path, papers: list[Paper], concepts: dict[str, list[str]]) -> None:
    """Cache each paper's generated concepts under the default extractor's configuration."""
    from graph.concepts import concept_key

    config = concept_extractor(PipelineOptions(progress=False)).fingerprint
    found = {
        p.id: PaperExtraction(
            p.id, [ConceptHit(concept_key(c), c, round(0.9 - 0.05 * r, 3), r + 1) for r, c in enumerate(concepts[p.id])]
        )
        for p in papers
    }
    with Workspace.open(out) as ws:
        ws.put_extractions(config, papers, found)


def prepare(n: int, work: Path) -> dict[str, Any]:
    """Write the inputs of size ``n``, time the load split and fill the concept cache (run in a child process,
    so that the processes measured later do not inherit this one's memory)."""
    inputs, out = work / f"inputs-{n}", work / f"out-{n}"
    inputs.mkdir(parents=True)
    corpus, gen = _timed(lambda: write_corpus(n, inputs))
    papers, split = read_and_merge(corpus)
    prefill_concepts(out, [*papers, *load_path(corpus.added).papers], corpus.concepts)
    mb = sum(f.stat().st_size for f in corpus.files) / 1e6
    return {"files": [str(f) for f in corpus.files], "added": str(corpus.added), "papers": len(papers), "mb": mb,
            "written_s": gen["wall_s"], "split": split}  # fmt: skip


@dataclass
class Run:
    """One ``paperkg`` process: wall and CPU seconds, peak RSS (GiB) and, for build/add, the run log's figures."""

    wall_s: float
    cpu_s: float
    peak_rss_gib: float
    stages: dict[str, dict[str, float]] = field(default_factory=dict)
    graph: str = ""


def paperkg(*args: str) -> Run:
    """Run ``paperkg ARGS`` in a fresh process; its wall and CPU time and peak memory (from ``wait4``)."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        [sys.executable, "-m", "graph", *args], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True
    )
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    errors = proc.stderr.read() if proc.stderr else ""
    if proc.returncode != 0:
        raise SystemExit(f"paperkg {' '.join(args)} failed ({proc.returncode}):\n{errors}")
    return Run(wall, usage.ru_utime + usage.ru_stime, usage.ru_maxrss / 1024**2)


def logged(run: Run, out: Path) -> Run:
    """``run`` with the figures its run-log entry recorded (the peak is the run log's, the program's own)."""
    with Workspace.open(out, readonly=True) as ws:
        stats: dict[str, Any] = ws.runs()[-1]["stats"]  # type: ignore[assignment]
    run.stages = stats["stages"]
    run.peak_rss_gib = max((fig["peak_rss_mib"] or 0) for fig in run.stages.values()) / 1024
    run.graph = f"{stats['papers']:,} papers, {stats['nodes']:,} nodes, {stats['edges']:,} edges"
    return run


def _print_stages(label: str, run: Run) -> None:
    print(f"  {label}: wall {run.wall_s:.1f}s, cpu {run.cpu_s:.1f}s (whole process), "
          f"peak RSS {run.peak_rss_gib:.2f} GiB; {run.graph}")  # fmt: skip
    for stage in sorted(run.stages, key=lambda s: STAGES.index(s) if s in STAGES else len(STAGES)):
        fig = run.stages[stage]
        print(f"    {stage:9s} wall {fig['wall_s']:8.2f}s  cpu {fig['cpu_s']:8.2f}s  peak RSS so far "
              f"{(fig['peak_rss_mib'] or 0) / 1024:5.2f} GiB", flush=True)  # fmt: skip


def _child(*args: str) -> str:
    """Run this script with ``args`` in a child process; its standard output."""
    proc = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(args)} failed:\n{proc.stderr}")
    return proc.stdout


def measure(n: int, work: Path, rebuild: bool = True) -> dict[str, Any]:
    """Every figure of one size (see the module docstring); prints them as they come."""
    prepared = json.loads(_child("--prepare", str(n), "--work", str(work)))
    out, files, split = work / f"out-{n}", prepared["files"], prepared["split"]
    print(f"papers={n}: inputs written in {prepared['written_s']:.1f}s ({prepared['mb']:.0f} MB); load split: "
          f"read {split['read']['cpu_s']:.2f}s cpu, merge {split['merge']['cpu_s']:.2f}s cpu "
          f"({prepared['papers']} papers after merging)", flush=True)  # fmt: skip
    cold = logged(paperkg("--quiet", "build", *files, "--out", str(out)), out)
    _print_stages("build (concepts cached, techniques cold)", cold)
    if rebuild:
        _print_stages("build again (all cached)", logged(paperkg("--quiet", "build", *files, "--out", str(out)), out))
    add = logged(paperkg("--quiet", "add", prepared["added"], "--out", str(out)), out)
    _print_stages(f"add {ADDED} new papers", add)
    first, second = f"arxiv:{arxiv_id(0)}", f"arxiv:{arxiv_id(1)}"
    readers = {
        "info": paperkg("info", "--out", str(out)),
        "top": paperkg("top", "--out", str(out)),
        "explain": paperkg("explain", first, second, "--out", str(out)),
        "similar": paperkg("similar", first, "--out", str(out)),
    }
    figures = [f"{k} {r.wall_s:.2f}s wall, {r.cpu_s:.2f}s cpu, {r.peak_rss_gib:.2f} GiB" for k, r in readers.items()]
    print("  readers: " + "; ".join(figures), flush=True)
    return {"split": split, "cold": cold, "add": add, "readers": readers}


def cold_extraction(sample: int, work: Path) -> str:
    """Concept extraction with the real model on ``sample`` abstracts, nothing cached (model load excluded)."""
    from graph.concepts import ConceptExtractor, MemoryEmbeddingCache

    folder = work / "cold"
    folder.mkdir()
    corpus = write_corpus(sample, folder, seed=7)
    papers = [p for path in corpus.files for p in load_path(path).papers][:sample]
    extractor = ConceptExtractor(cache=MemoryEmbeddingCache(), progress=False)
    extractor.extract([("warm-up", "Model loading", "This loads the model before the clock starts.")])
    _, took = _timed(lambda: extractor.extract([(p.id, p.title, p.abstract) for p in papers]))
    return (
        f"cold concept extraction: {len(papers)} abstracts in {took['wall_s']:.1f}s wall, {took['cpu_s']:.1f}s cpu: "
        f"{len(papers) / took['wall_s']:.1f} abstracts/s wall, {len(papers) / took['cpu_s']:.1f} per cpu-second; "
        f"peak RSS {peak_rss_mib()} MiB"
    )


def front_stages(n: int, work: Path) -> dict[str, Any]:
    """The workspace's stages of ``paperkg build`` (load, ingest, corpus, extract: cold techniques, then all
    warm) and the ingest of ``paperkg add``, in-process, on the prepared inputs of size ``n``."""
    from graph.pipeline import extract
    from graph.techniques import Vocabulary
    from loaders.detect import load_paths
    from loaders.records import resolve_references

    files = sorted((work / f"inputs-{n}").glob("listing-*.jsonl"))
    options, vocabulary = PipelineOptions(progress=False), Vocabulary.load()
    figures: dict[str, dict[str, float]] = {}
    with Workspace.open(work / f"out-{n}") as ws:
        loaded, figures["load"] = _timed(lambda: load_paths(files))
        _, figures["ingest"] = _timed(lambda: ws.replace_corpus(loaded.papers))
        papers, figures["corpus"] = _timed(lambda: resolve_references(ws.papers()))
        _, figures["extract"] = _timed(lambda: extract(papers, ws, vocabulary, options))
        _, figures["extract (warm)"] = _timed(lambda: extract(papers, ws, vocabulary, options))
        added = load_paths([work / f"inputs-{n}" / "added.jsonl"]).papers
        _, figures[f"add ingest ({ADDED})"] = _timed(lambda: ws.ingest(added))
    return {"stages": figures, "peak_rss_mib": peak_rss_mib() or 0}


def growth(small: dict[str, Any], large: dict[str, Any]) -> dict[str, float]:
    """CPU time of each stage at the larger size over the smaller (cold build stages and the load split)."""
    ratios = {s: large["cold"].stages[s]["cpu_s"] / max(small["cold"].stages[s]["cpu_s"], 1e-3) for s in STAGES}
    for part in ("read", "merge"):
        ratios[part] = large["split"][part]["cpu_s"] / max(small["split"][part]["cpu_s"], 1e-3)
    return ratios


def workspace_only(sizes: list[int], work: Path) -> None:
    """Print the workspace stages of each size and their CPU growth from one size to the next."""
    found: dict[int, dict[str, dict[str, float]]] = {}
    for n in sizes:
        _child("--prepare", str(n), "--work", str(work))
        front = json.loads(_child("--front", str(n), "--work", str(work)))
        found[n] = front["stages"]
        print(f"papers={n}: workspace stages in one process, peak RSS {front['peak_rss_mib'] / 1024:.2f} GiB")
        for stage, fig in found[n].items():
            print(f"    {stage:18s} wall {fig['wall_s']:8.2f}s  cpu {fig['cpu_s']:8.2f}s")
    for small, large in itertools.pairwise(sizes):
        ratios = {s: found[large][s]["cpu_s"] / max(found[small][s]["cpu_s"], 1e-3) for s in found[large]}
        print(f"growth {small} -> {large} (cpu): " + ", ".join(f"{k} {v:.1f}" for k, v in ratios.items()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10000, 100000])
    parser.add_argument("--cold-sample", type=int, default=200, help="abstracts for the cold extraction figure")
    parser.add_argument("--rebuild-up-to", type=int, default=10000, help="largest size also rebuilt warm")
    parser.add_argument("--work", type=Path, help="folder for inputs and outputs (default: a temporary one)")
    parser.add_argument(
        "--workspace-only", action="store_true", help="only the workspace stages (load, ingest, corpus, extract)"
    )
    parser.add_argument("--front", type=int, help=argparse.SUPPRESS)  # the child process of --workspace-only
    parser.add_argument("--prepare", type=int, help=argparse.SUPPRESS)  # the child process of measure()
    parser.add_argument("--cold-only", type=int, help=argparse.SUPPRESS)  # the child process of cold_extraction()
    args = parser.parse_args()
    work = args.work or Path(tempfile.mkdtemp(prefix="paperkg-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    if args.prepare:
        print(json.dumps(prepare(args.prepare, work)))
        return
    if args.front:
        print(json.dumps(front_stages(args.front, work)))
        return
    if args.workspace_only:
        workspace_only(args.sizes, work)
        return
    if args.cold_only:
        print(cold_extraction(args.cold_only, work))
        return
    results: dict[int, dict[str, Any]] = {}
    try:
        if args.cold_sample:
            print(_child("--cold-only", str(args.cold_sample), "--work", str(work)).strip(), flush=True)
        for n in args.sizes:
            results[n] = measure(n, work, rebuild=n <= args.rebuild_up_to)
        lines = []
        for before, n in zip([None, *args.sizes], args.sizes, strict=False):
            ratios = growth(results[before], results[n]) if before else {}
            if ratios:
                print(f"growth {before} -> {n} (cpu): " + ", ".join(f"{k} {v:.1f}" for k, v in ratios.items()))
            worst = f"{max(ratios.values()):.1f}" if ratios else "n/a"
            cold = results[n]["cold"]
            lines.append(
                f"papers={n} total_s={cold.wall_s:.1f} peak_rss_gib={cold.peak_rss_gib:.2f} worst_stage_growth={worst}"
            )
        print("\n".join(lines))
    finally:
        if not args.work:
            shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()

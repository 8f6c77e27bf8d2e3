"""Keyphrase quality and speed on Inspec and SemEval-2017: plain KeyBERT vs paperkg's extractor (vs YAKE).

Data: the Inspec and SemEval-2017 (ScienceIE) test splits as JSON Lines in ``../shared/bench/`` (beside the
repository, which is not part of it; ``--bench`` picks them, ``--data FILE`` reads one file of the same
shape instead). To make Inspec: the ``data/Inspec`` folder of the public SIFRank repository
(sunyilgdx/SIFRank), each ``.abstr`` (first line = title) and ``.uncontr`` pair as one line
``{"id", "title", "abstract", "keyphrases"}``; SemEval-2017: ``data/test`` of OC-ScienceIE/scienceie17, each
paragraph as ``abstract`` (empty title) with its annotated spans (``../shared/bench/README.md``).
Needs: ``pip install -e ".[test]"`` (nltk for scoring, yake).

Usage (from the repository root)::

    python benchmarks/keyphrases.py                      # both benchmarks, all documents, all extractors
    python benchmarks/keyphrases.py --bench semeval2017 --extractors paperkg
    python benchmarks/keyphrases.py --limit 50 --extractors paperkg,yake
    python benchmarks/keyphrases.py --device cuda

    python benchmarks/keyphrases.py --ablation           # paperkg with each ranking signal dropped

Scoring follows ``../shared/bench/README.md`` (:mod:`graph.concepts.evaluation`). docs/s counts the
extraction itself (wall clock); docs/CPU-s divides by the CPU time this process used (all threads), which
is steadier than wall time on a shared machine; model loading is timed separately ("load s"). paperkg
runs with a fresh in-memory cache, so every phrase and document is embedded (no reuse from a run before).
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from graph.concepts.cache import MemoryEmbeddingCache
from graph.concepts.evaluation import candidate_recall, macro_f1
from graph.concepts.extractors import EXTRACTORS, KeyphraseOptions, make_ranker
from graph.concepts.features import group_candidates
from graph.concepts.model import resolve_device
from graph.concepts.ranking import WEIGHTS, ConceptExtractor

BENCH_DIR = Path(__file__).resolve().parents[2] / "shared" / "bench"
BENCHES = ("inspec", "semeval2017")


def load_bench(path: Path, limit: int | None) -> tuple[list[tuple[str, str, str]], dict[str, list[str]]]:
    """Documents ``(id, title, abstract)`` and gold keyphrases by id."""
    docs, gold = [], {}
    with path.open(encoding="utf-8") as handle:
        for line in handle:
            record = json.loads(line)
            docs.append((record["id"], record["title"], record["abstract"]))
            gold[record["id"]] = record["keyphrases"]
    return docs[:limit], gold


def machine(device: str) -> str:
    """CPU count, torch threads and the device the model runs on."""
    import torch

    gpu = f" ({torch.cuda.get_device_name(0)})" if device == "cuda" else ""
    return (
        f"{os.cpu_count()} CPUs, torch {torch.__version__} with {torch.get_num_threads()} threads, device {device}{gpu}"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--bench", default=",".join(BENCHES), help="comma-separated, of: " + ", ".join(BENCHES))
    parser.add_argument("--data", type=Path, default=None, help="one gold JSON Lines file instead of --bench")
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument("--ablation", action="store_true", help="F1 of paperkg with each ranking signal dropped")
    parser.add_argument(
        "--extractors", default=",".join(EXTRACTORS), help="comma-separated, of: " + ", ".join(EXTRACTORS)
    )
    args = parser.parse_args()
    device = resolve_device(args.device)
    paths = [args.data] if args.data else [BENCH_DIR / f"{name}-test.jsonl" for name in args.bench.split(",")]
    for path in paths:
        run_bench(path, args, device)


def run_bench(path: Path, args: argparse.Namespace, device: str) -> None:
    """Candidate recall, then F1@5/@10 and speed of each extractor (or the ablation) on one gold file."""
    docs, gold = load_bench(path, args.limit)
    golds = [gold[doc_id] for doc_id, _, _ in docs]
    print(f"{path.name}: {len(docs)} documents; {machine(device)}")
    recall = candidate_recall([group_candidates(t, a).labels for _, t, a in docs], golds)
    print(f"paperkg candidate recall of gold (stemmed): {recall:.1f}%")
    if args.ablation:
        ablation(docs, golds, device, args.batch_size)
        return
    print(f"{'extractor':<14} {'F1@5':>6} {'F1@10':>6} {'docs/s':>8} {'docs/CPU-s':>10} {'load s':>7}")
    for name in args.extractors.split(","):
        started = time.perf_counter()
        ranker = make_ranker(KeyphraseOptions(name, 10, device, args.batch_size), cache=MemoryEmbeddingCache())
        loaded, cpu = time.perf_counter(), time.process_time()
        ranked = ranker(docs)
        seconds, cpu_seconds = time.perf_counter() - loaded, time.process_time() - cpu
        predictions = [ranked[doc_id] for doc_id, _, _ in docs]
        f5, f10 = macro_f1(predictions, golds, 5), macro_f1(predictions, golds, 10)
        rates = f"{len(docs) / seconds:8.2f} {len(docs) / cpu_seconds:10.2f}"
        print(f"{name:<14} {f5:6.2f} {f10:6.2f} {rates} {loaded - started:7.1f}", flush=True)


def ablation(docs: list[tuple[str, str, str]], golds: list[list[str]], device: str, batch_size: int) -> None:
    """paperkg's F1 with similarity only, all signals, and all signals but one (embeddings shared)."""
    variants = {"similarity only": {"similarity": 1.0}, "all signals": WEIGHTS}
    variants |= {f"all but {name}": {n: w for n, w in WEIGHTS.items() if n != name} for name in WEIGHTS}
    cache = MemoryEmbeddingCache()
    print(f"{'ranking signals':<22} {'F1@5':>6} {'F1@10':>6}")
    for label, weights in variants.items():
        extractor = ConceptExtractor(device=device, batch_size=batch_size, cache=cache, weights=weights)
        ranked = extractor.extract(docs)
        predictions = [[hit.surface for hit in ranked[doc_id]] for doc_id, _, _ in docs]
        print(f"{label:<22} {macro_f1(predictions, golds, 5):6.2f} {macro_f1(predictions, golds, 10):6.2f}", flush=True)


if __name__ == "__main__":
    main()

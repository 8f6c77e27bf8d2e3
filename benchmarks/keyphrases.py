"""Keyphrase quality and speed on Inspec: plain KeyBERT vs paperkg's extractor (vs YAKE).

Usage (from the repository root)::

    python benchmarks/keyphrases.py                      # all 500 documents, all extractors
    python benchmarks/keyphrases.py --limit 50 --extractors paperkg,yake
    python benchmarks/keyphrases.py --device cuda

Scoring follows ``../shared/bench/README.md`` (:mod:`graph.concepts.evaluation`). docs/s counts the
extraction itself; model loading is timed separately ("load s"). paperkg runs with a fresh in-memory cache, so
every phrase and document is embedded (no reuse from an earlier run).
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
from graph.concepts.extractors import EXTRACTORS, make_ranker
from graph.concepts.features import group_candidates
from graph.concepts.model import resolve_device

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "bench" / "inspec-test.jsonl"


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
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA)
    parser.add_argument("--limit", type=int, default=None, help="only the first N documents")
    parser.add_argument("--device", default="auto", choices=["auto", "cpu", "cuda"])
    parser.add_argument("--batch-size", type=int, default=64)
    parser.add_argument(
        "--extractors", default=",".join(EXTRACTORS), help="comma-separated, of: " + ", ".join(EXTRACTORS)
    )
    args = parser.parse_args()

    docs, gold = load_bench(args.data, args.limit)
    golds = [gold[doc_id] for doc_id, _, _ in docs]
    device = resolve_device(args.device)
    print(f"Inspec test: {len(docs)} documents; {machine(device)}")
    recall = candidate_recall([group_candidates(t, a).labels for _, t, a in docs], golds)
    print(f"paperkg candidate recall of gold (stemmed): {recall:.1f}%")
    print(f"{'extractor':<14} {'F1@5':>6} {'F1@10':>6} {'docs/s':>8} {'load s':>7}")
    for name in args.extractors.split(","):
        started = time.perf_counter()
        ranker = make_ranker(name, 10, device, args.batch_size, cache=MemoryEmbeddingCache())
        loaded = time.perf_counter()
        ranked = ranker(docs)
        seconds = time.perf_counter() - loaded
        predictions = [ranked[doc_id] for doc_id, _, _ in docs]
        f5, f10 = macro_f1(predictions, golds, 5), macro_f1(predictions, golds, 10)
        print(f"{name:<14} {f5:6.2f} {f10:6.2f} {len(docs) / seconds:8.2f} {loaded - started:7.1f}", flush=True)


if __name__ == "__main__":
    main()

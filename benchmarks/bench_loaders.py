"""Loader throughput: the bundled sample, and a synthetic CSV of N papers with duplicates to merge.

Data: the bundled sample and a synthetic CSV generated here (seeded); nothing to download. Needs: `pip install -e .`.

Run: python benchmarks/bench_loaders.py [N]   (default N = 100000). Prints seconds and papers per second.
"""

from __future__ import annotations

import csv
import random
import sys
import tempfile
import time
from pathlib import Path

from loaders.detect import load_paths
from loaders.samples import sample_paths


def write_synthetic_csv(path: Path, n: int, seed: int = 0) -> int:
    """N rows; every tenth row repeats an earlier paper under a re-cased title. Returns distinct papers."""
    rng = random.Random(seed)
    words = ["diffusion", "flow", "one-step", "distillation", "transformer", "vision", "language", "model"]
    titles: list[str] = []
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["title", "abstract", "authors", "arxiv", "year", "references"])
        for i in range(n):
            if i % 10 == 9:
                writer.writerow([rng.choice(titles).upper(), "", "", "", "", ""])
                continue
            title = f"Paper {i}: " + " ".join(rng.sample(words, 4))
            titles.append(title)
            refs = ";".join(f"arxiv:2{rng.randrange(100):03d}.{rng.randrange(100000):05d}" for _ in range(3))
            arxiv = f"2{i // 100000:03d}.{i % 100000:05d}" if i % 2 else ""
            writer.writerow([title, " ".join(rng.choices(words, k=150)), "A. One; B. Two", arxiv, 2024, refs])
    return len(titles)


def timed(label: str, paths: list[Path]) -> None:
    start = time.perf_counter()
    result = load_paths(paths)
    seconds = time.perf_counter() - start
    print(f"{label}: {len(result.papers)} papers in {seconds:.2f} s ({len(result.papers) / seconds:,.0f}/s)")


def main(n: int) -> None:
    timed("bundled sample (5 pages, 494 entries)", sample_paths())
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "synthetic.csv"
        distinct = write_synthetic_csv(path, n)
        print(f"synthetic CSV: {n} rows, {distinct} distinct papers expected after merge")
        timed("synthetic CSV", [path])


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)

"""Throughput of technique matching on synthetic abstracts.

Data: the bundled sample's words (synthetic abstracts generated from them, seeded). Needs: `pip install -e .`.

Synthetic abstracts are drawn (seeded) from the word distribution of the bundled sample, with a few
vocabulary aliases planted in each, so the figures do not depend on how many techniques real text names.

    python benchmarks/techniques.py --abstracts 20000 --words 220
"""

from __future__ import annotations

import argparse
import random
import re
import time

from graph.techniques import Vocabulary
from loaders.detect import load_paths
from loaders.samples import sample_paths


def synthetic_abstracts(vocab: Vocabulary, count: int, words: int, planted: int, seed: int) -> list[str]:
    """``count`` texts of ``words`` words from the sample's vocabulary, each with ``planted`` aliases."""
    rng = random.Random(seed)
    corpus = " ".join(p.abstract or "" for p in load_paths(sample_paths()).papers)
    pool = re.findall(r"\S+", corpus)
    aliases = sorted(a for t in vocab.techniques.values() for a in t.surface_forms)
    texts = []
    for _ in range(count):
        tokens = rng.choices(pool, k=words)
        for alias in rng.sample(aliases, planted):
            tokens.insert(rng.randrange(len(tokens)), alias)
        texts.append(" ".join(tokens))
    return texts


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--abstracts", type=int, default=20000)
    parser.add_argument("--words", type=int, default=220, help="words per abstract (sample median ~200)")
    parser.add_argument("--planted", type=int, default=3, help="aliases planted per abstract")
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()

    start = time.perf_counter()
    vocab = Vocabulary.load()
    load_s = time.perf_counter() - start
    texts = synthetic_abstracts(vocab, args.abstracts, args.words, args.planted, args.seed)
    chars = sum(map(len, texts))

    start = time.perf_counter()
    hits = sum(len(vocab.match_paper("", text)) for text in texts)
    match_s = time.perf_counter() - start

    print(f"vocabulary: {len(vocab)} techniques loaded and compiled in {load_s * 1000:.0f} ms")
    print(f"abstracts: {len(texts)} x {args.words} words ({chars / len(texts):.0f} chars avg), {hits} hits")
    rate = len(texts) / match_s
    print(f"matching: {match_s:.2f} s = {rate:,.0f} abstracts/s = {chars / match_s / 1e6:.1f} MB/s")
    print(f"projected 100k abstracts: {100_000 / rate:.1f} s")


if __name__ == "__main__":
    main()

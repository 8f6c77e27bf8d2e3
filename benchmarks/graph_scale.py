"""Scale of the graph stages on synthetic, real-shaped corpora: build, analysis, exports.

Data: synthetic corpora generated here (seeded); nothing to download. Needs: `pip install -e .`.

Corpora have topics (papers of a topic draw most concepts and techniques from it), Zipfian concept and
technique frequencies, ~60 techniques with parents, dates over 2018-2024, authors, references to earlier
papers and titles introducing names ("Name123: ...") that other abstracts mention. Extractions are
precomputed, so only graph work is timed. Prints wall time and peak resident memory per stage, and the
RELATED_TO edges per paper (should stay flat as the corpus grows).

    python benchmarks/graph_scale.py 10000
    python benchmarks/graph_scale.py 10000 100000
"""

from __future__ import annotations

import argparse
import resource
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from graph import schema
from graph.analysis import analyze
from graph.build import BuildOptions, build_graph
from graph.export.files import write_graph_files
from graph.export.report import write_report
from graph.extraction import ConceptHit, PaperExtraction, TechniqueHit
from loaders.records import Paper

N_TECHNIQUES = 60
CONCEPTS_PER_PAPER = 10


@dataclass
class Technique:
    """A synthetic vocabulary technique."""

    key: str
    label: str
    family: str
    aliases: list[str]
    parent: str | None


def _zipf_choice(rng: np.random.Generator, n: int, size: int, s: float = 1.1) -> np.ndarray:
    weights = 1.0 / np.arange(1, n + 1) ** s
    return rng.choice(n, size=size, p=weights / weights.sum())


def techniques() -> dict[str, Technique]:
    """60 techniques in 6 families; every fifth has the family's first technique as parent."""
    found = {}
    for i in range(N_TECHNIQUES):
        family = i % 6
        parent = f"tech-{family}" if i >= 6 and i % 5 == 0 else None
        found[f"tech-{i}"] = Technique(f"tech-{i}", f"Technique {i}", f"family-{family}", [f"technique {i}"], parent)
    return found


def corpus(n: int, seed: int = 42) -> tuple[list[Paper], dict[str, PaperExtraction]]:
    """``n`` synthetic papers and their extractions (see the module docstring)."""
    rng = np.random.default_rng(seed)
    n_topics = max(10, n // 500)
    n_concepts = max(1000, n // 2)
    topic = rng.integers(0, n_topics, size=n)
    papers, extractions = [], {}
    global_concepts = _zipf_choice(rng, n_concepts, n * CONCEPTS_PER_PAPER)
    local_offsets = _zipf_choice(rng, 200, n * CONCEPTS_PER_PAPER, s=1.0)
    local_pick = rng.random(n * CONCEPTS_PER_PAPER) < 0.6
    days = rng.integers(0, 7 * 365, size=n)
    for i in range(n):
        pid = f"arxiv:{2000 + i // 100000}.{i % 100000:05d}"
        t = int(topic[i])
        span = slice(i * CONCEPTS_PER_PAPER, (i + 1) * CONCEPTS_PER_PAPER)
        keys = np.where(local_pick[span], (t * 200 + local_offsets[span]) % n_concepts, global_concepts[span])
        concepts = list(dict.fromkeys(f"concept {k}" for k in keys))
        hits = [ConceptHit(c, c, round(0.9 - 0.05 * r, 3), r + 1) for r, c in enumerate(concepts)]
        techs = {f"tech-{(t * 7 + j) % N_TECHNIQUES}" for j in range(int(rng.integers(1, 3)))}
        techs |= {f"tech-{k}" for k in _zipf_choice(rng, N_TECHNIQUES, int(rng.integers(0, 3)))}
        tech_hits = [TechniqueHit(k, f"technique {k[5:]}") for k in sorted(techs)]
        named = i % 10 == 0
        mention = f" We compare with Net{int(rng.integers(0, max(i, 1))) // 10 * 10}x." if i > 10 else ""
        refs = [f"arxiv:{2000 + j // 100000}.{j % 100000:05d}" for j in rng.integers(0, max(i, 1), size=3)] if i else []
        year, day = 2018 + int(days[i]) // 365, int(days[i]) % 365
        papers.append(
            Paper(
                id=pid,
                title=(f"Net{i}x: " if named else "") + f"A study of topic {t} number {i}",
                abstract=f"We study {concepts[0]} and {concepts[1]}.{mention}",
                authors=[f"Author {int(a)}" for a in rng.integers(0, n // 3 + 10, size=int(rng.integers(1, 5)))],
                published=f"{year}-{day // 31 + 1:02d}-{day % 28 + 1:02d}",
                references=refs,
            )
        )
        extractions[pid] = PaperExtraction(pid, hits, tech_hits)
    return papers, extractions


def _peak_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _stage(name: str, fn: Callable[[], Any], timings: dict[str, float]) -> Any:
    """Run one stage; print its wall and CPU seconds and the peak RSS so far."""
    wall, cpu = time.perf_counter(), time.process_time()
    result = fn()
    timings[name] = time.perf_counter() - wall
    cpu = time.process_time() - cpu
    print(f"  {name:9s} wall {timings[name]:7.1f}s  cpu {cpu:7.1f}s  peak RSS {_peak_mib():7.0f} MiB", flush=True)
    return result


def run(n: int, out: Path) -> None:
    """Generate, build, analyse and export a corpus of ``n`` papers, printing a line per stage.

    CPU time is printed beside wall time: on a shared machine the wall time includes waiting for a core.
    """
    start = time.perf_counter()
    papers, extractions = corpus(n)
    vocab = techniques()
    print(f"n={n}: corpus generated in {time.perf_counter() - start:.1f}s, peak RSS {_peak_mib():.0f} MiB")
    timings: dict[str, float] = {}
    G = _stage("build", lambda: build_graph(papers, extractions, vocab, None, BuildOptions()), timings)
    result = _stage("analysis", lambda: analyze(G), timings)
    _stage("exports", lambda: (write_graph_files(G, result, out), write_report(G, result, out)), timings)
    related = sum(1 for _, _, k in G.edges(keys=True) if k == schema.RELATED_TO)
    cites = sum(1 for _, _, k in G.edges(keys=True) if k == schema.CITES)
    print(
        f"  total wall {sum(timings.values()):.1f}s; nodes {G.number_of_nodes()}, edges {G.number_of_edges()}, "
        f"RELATED_TO {related} ({related / n:.2f}/paper), CITES {cites}, communities {len(result.communities)} "
        f"(largest {result.communities[0].size if result.communities else 0})",
        flush=True,
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("sizes", nargs="*", type=int, default=[10000])
    args = parser.parse_args()
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as out:
            run(n, Path(out))


if __name__ == "__main__":
    main()

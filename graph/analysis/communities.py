"""Communities of papers that mean something: seeded Louvain on the RELATED_TO links, a resolution chosen
per corpus, no community under :data:`MIN_SIZE` papers, and labels from the most distinctive specific items.

**Resolution.** Louvain runs at the resolutions of :data:`RESOLUTIONS` in increasing order; each partition
is scored by its modularity (at resolution 1) times ``1 - largest share`` (the share of the papers its
largest community holds): modularity alone favours a few huge communities, which are areas, not topics;
higher resolutions spread the sizes but cut real topics apart, losing modularity. The best score wins
(ties: the lower resolution); the search stops at the first resolution that does not score higher than
the one before. Every try (resolution, modularity, communities, largest share, score) is recorded in
``G.graph["analysis"]["communities"]``. Papers without links stay out of Louvain (single communities).

**Leftovers.** Papers of communities under :data:`MIN_SIZE` papers join the community they have the most
RELATED_TO weight into (in rounds, so a paper linked only to a leftover that joined follows it); failing
that, the one whose characteristic items they share most (sum of the items' specificity times the share
of the community's papers using them, counting only specific items, :data:`ATTACH_MIN_SPECIFICITY`, used
by at least two of its papers); failing that, the one whose TF-IDF centroid (titles and abstracts) is
nearest, if the cosine reaches :data:`ATTACH_MIN_TEXT`; else they stay *unclustered* (community
:data:`UNCLUSTERED`). Labels, "about" sentences and top papers come from each community's *core* (the
papers placed by their links), so attached papers never change what a community is said to be about.

**Labels** (class-based TF-IDF weighted by specificity): an item's score in a community is the share of
the community's papers using it times ``log(N / df)`` (how rare it is in the corpus) times its
specificity. Only specific items count: not broad techniques (or concepts naming one), at least
:data:`LABEL_MIN_SPECIFICITY` specific, and used by at least :data:`LABEL_MIN_SHARE` of the community's
papers (and at least two; three for an extracted concept, :data:`LABEL_MIN_CONCEPT_PAPERS`), so neither
a generic phrase nor a one-paper phrase names a community. A
community without any such item is labelled by its most distinctive items of any specificity, marked
"(broad)".
Communities are numbered by size (largest first), ties by their smallest paper id, so the same graph and
seed always give the same numbers.

>>> import networkx as nx
>>> U = nx.Graph()
>>> U.add_weighted_edges_from([("a", "b", 1), ("b", "c", 1), ("a", "c", 1), ("c", "d", 0.2), ("e", "f", 1)])
>>> found = partition(U, seed=1, terms_of={}, specificity={})
>>> found.groups, found.unclustered
([['a', 'b', 'c', 'd']], ['e', 'f'])
"""

from __future__ import annotations

import math
from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass, field
from typing import Any

import networkx as nx
import numpy as np
from scipy import sparse

from graph import schema
from graph.access import display_name, targets
from graph.analysis.couse import uses_of
from graph.analysis.louvain import adjacency, louvain_communities
from graph.analysis.louvain import modularity as louvain_modularity
from graph.relatedness import text_matrix
from graph.specificity import SPECIFIC, specificity

#: Fewest papers a community has.
MIN_SIZE = 3
#: Louvain resolutions tried, in order.
RESOLUTIONS = (1.0, 1.5, 2.0, 3.0, 4.0)
#: A label item is used by at least this share of the community's papers (and at least two).
LABEL_MIN_SHARE = 0.15
#: An unlinked leftover joins a community through items at least this specific (evidence on their own).
ATTACH_MIN_SPECIFICITY = SPECIFIC
#: ... or, failing that, through a TF-IDF cosine of its title and abstract with the community's at least this.
ATTACH_MIN_TEXT = 0.1
#: Label items are at least this specific (with N papers: used by at most ~N**0.7 of them).
LABEL_MIN_SPECIFICITY = 0.3
#: An extracted concept labels a community only when at least this many of its papers use it (two
#: abstracts share phrasings such as "learned classes"; three rarely do by chance).
LABEL_MIN_CONCEPT_PAPERS = 3
#: The community number of papers that belong to none.
UNCLUSTERED = -1
#: Separator of the terms of a community label.
LABEL_SEPARATOR = " · "


@dataclass
class Community:
    """One community: number, label, a sentence on what it is about, size, and what characterises it."""

    id: int
    label: str
    size: int
    about: str = ""
    linked: int = 0
    top_papers: list[str] = field(default_factory=list)
    top_techniques: list[str] = field(default_factory=list)
    top_concepts: list[str] = field(default_factory=list)


@dataclass
class Partition:
    """Communities (each sorted, numbered by size), unclustered papers, and how they were found."""

    groups: list[list[str]]
    unclustered: list[str]
    resolution: float = 1.0
    tried: list[dict[str, float]] = field(default_factory=list)
    attached: dict[str, str] = field(default_factory=dict)

    def core(self, number: int) -> list[str]:
        """The papers of community ``number`` placed by their links (not attached by items or text)."""
        return [p for p in self.groups[number] if self.attached.get(p, "links") == "links"]

    def membership(self) -> dict[str, int]:
        """Paper -> community number (:data:`UNCLUSTERED` for the unclustered)."""
        member = dict.fromkeys(self.unclustered, UNCLUSTERED)
        member.update({p: i for i, group in enumerate(self.groups) for p in group})
        return member

    def summary(self) -> dict[str, Any]:
        """How the communities were found, JSON-ready (``G.graph["analysis"]["communities"]``)."""
        return {
            "algorithm": "louvain",
            "resolution": self.resolution,
            "tried": self.tried,
            "min_size": MIN_SIZE,
            "communities": len(self.groups),
            "attached": dict(sorted(Counter(self.attached.values()).items())),
            "unclustered": len(self.unclustered),
        }


def item_specificity(G: nx.MultiDiGraph, item: str, df: int, n_papers: int) -> float:
    """How specific an item is: 0 when broad (or a concept naming a broad technique), else the node's
    ``specificity`` property, else (citation items, graphs built without one) :func:`graph.specificity.specificity`.

    >>> G = nx.MultiDiGraph(); G.add_node("technique:t", specificity=0.7); G.add_node("technique:u", broad=True)
    >>> item_specificity(G, "technique:t", 5, 100), item_specificity(G, "technique:u", 2, 100)
    (0.7, 0.0)
    >>> round(item_specificity(G, "work:arxiv:1", 10, 100), 2)
    0.5
    """
    data = G.nodes[item] if item in G else {}
    tied = data.get("technique")
    if data.get("broad") or (tied and G.nodes.get(schema.node_id(schema.TECHNIQUE, tied), {}).get("broad")):
        return 0.0
    if data.get("specificity") is not None:
        return float(data["specificity"])
    return specificity(df, n_papers)


def specificities(G: nx.MultiDiGraph, terms_of: Mapping[str, set[str]]) -> dict[str, float]:
    """Item -> :func:`item_specificity`, for every item of ``terms_of`` (paper -> its items)."""
    df = Counter(t for terms in terms_of.values() for t in terms)
    return {t: item_specificity(G, t, d, len(terms_of)) for t, d in sorted(df.items())}


def _louvain(U: nx.Graph, resolution: float, seed: int) -> list[list[str]]:
    """Louvain communities; papers without links are single communities (Louvain is run without them)."""
    # Built in U's own order: a subgraph view of a small node subset iterates a set (hash-seed order), and
    # Louvain's result depends on the order it visits nodes, so two runs would differ.
    found = louvain_communities(adjacency(U.edges(data="weight")), resolution=resolution, seed=seed)
    return [sorted(c) for c in found] + [[n] for n in U if not U.degree(n)]


def choose_resolution(U: nx.Graph, seed: int) -> tuple[float, list[list[str]], list[dict[str, float]]]:
    """(resolution, its Louvain communities, every try) by the rule of the module docstring."""
    tried: list[dict[str, float]] = []
    best: tuple[float, float, list[list[str]]] | None = None
    n = max(U.number_of_nodes(), 1)
    weights = {u: {v: data.get("weight", 1) for v, data in nbrs.items()} for u, nbrs in U.adj.items()}
    for resolution in RESOLUTIONS:
        found = _louvain(U, resolution, seed)
        largest = max(map(len, found), default=0) / n
        modularity = louvain_modularity(weights, found) if U.number_of_edges() else 0.0
        score = modularity * (1.0 - largest)
        tried.append(
            {"resolution": resolution, "modularity": round(modularity, 4), "communities": len(found),
             "largest_share": round(largest, 4), "score": round(score, 4)}
        )  # fmt: skip
        if best is not None and score <= best[0]:
            break
        best = (score, resolution, found)
    assert best is not None
    return best[1], best[2], tried


def _best_by_links(U: nx.Graph, paper: str, home: Mapping[str, int]) -> int | None:
    weight: Counter[int] = Counter()
    for other, data in U[paper].items():
        if other in home:
            weight[home[other]] += data.get("weight", 1.0)
    return min(weight, key=lambda c: (-weight[c], c)) if weight else None


def _attach_by_links(U: nx.Graph, leftovers: Sequence[str], home: Mapping[str, int]) -> dict[str, int]:
    """Leftover -> community, through links; a paper joined makes its leftover neighbours joinable."""
    placed = dict(home)
    joined: dict[str, int] = {}
    pending = list(leftovers)
    while pending:
        found = {}
        for paper in pending:
            best = _best_by_links(U, paper, placed)
            if best is not None:
                found[paper] = best
        if not found:
            break
        joined.update(found)
        placed.update(found)
        pending = [p for p in pending if p not in found]
    return joined


def _best_by_terms(
    terms: set[str], profiles: Mapping[str, Sequence[tuple[int, float]]], specificity: Mapping[str, float]
) -> int | None:
    score: Counter[int] = Counter()
    for t in terms:
        if specificity.get(t, 0.0) >= ATTACH_MIN_SPECIFICITY:
            for community, share in profiles.get(t, ()):
                score[community] += share * specificity[t]
    best = min(score, key=lambda c: (-score[c], c), default=None)
    return best if best is not None and score[best] > 0 else None


def _profiles(groups: Sequence[Sequence[str]], terms_of: Mapping[str, set[str]]) -> dict[str, list[tuple[int, float]]]:
    """Item -> (community, share of its papers using the item), for items at least two of them use."""
    profiles: dict[str, list[tuple[int, float]]] = defaultdict(list)
    for number, members in enumerate(groups):
        counts = Counter(t for p in members for t in terms_of.get(p, ()))
        for t, c in sorted(counts.items()):
            if c >= 2:
                profiles[t].append((number, c / len(members)))
    return profiles


def _attach_by_text(
    groups: Sequence[Sequence[str]], pending: Sequence[str], texts: Mapping[str, str]
) -> dict[str, int]:
    """Leftover -> the community whose papers' TF-IDF centroid is nearest, if the cosine reaches
    :data:`ATTACH_MIN_TEXT`."""
    if not pending or not groups:
        return {}
    papers = [p for g in groups for p in g] + list(pending)
    T = text_matrix([texts.get(p, "") for p in papers])
    owner = np.repeat(np.arange(len(groups)), [len(g) for g in groups])
    member = sparse.csr_matrix((np.ones(len(owner)), (owner, np.arange(len(owner)))), shape=(len(groups), len(papers)))
    centroids = member @ T
    norms = np.sqrt(np.asarray(centroids.multiply(centroids).sum(axis=1)).ravel())
    centroids = sparse.diags(1.0 / np.where(norms > 0, norms, 1.0)) @ centroids
    joined: dict[str, int] = {}
    for start in range(0, len(pending), 1000):
        block = (T[len(owner) + start : len(owner) + start + 1000] @ centroids.T).toarray()
        for i, row in enumerate(block):
            best = int(np.argmax(row))
            if row[best] >= ATTACH_MIN_TEXT:
                joined[pending[start + i]] = best
    return joined


def partition(
    U: nx.Graph,
    seed: int,
    terms_of: Mapping[str, set[str]],
    specificity: Mapping[str, float],
    texts: Mapping[str, str] | None = None,
) -> Partition:
    """Communities of the paper link graph ``U`` (see the module docstring); deterministic for a seed."""
    if U.number_of_nodes() == 0:
        return Partition([], [])
    resolution, found, tried = choose_resolution(U, seed)
    groups = [c for c in found if len(c) >= MIN_SIZE]
    leftovers = sorted(p for c in found if len(c) < MIN_SIZE for p in c)
    home = {p: i for i, group in enumerate(groups) for p in group}
    profiles = _profiles(groups, terms_of)
    joined = _attach_by_links(U, leftovers, home)
    how = dict.fromkeys(joined, "links")
    for paper in leftovers:
        best = None if paper in joined else _best_by_terms(terms_of.get(paper, set()), profiles, specificity)
        if best is not None:
            joined[paper], how[paper] = best, "items"
    by_text = _attach_by_text(groups, [p for p in leftovers if p not in joined], texts or {})
    joined.update(by_text)
    how.update(dict.fromkeys(by_text, "text"))
    for paper, number in joined.items():
        groups[number].append(paper)
    ordered = sorted((sorted(g) for g in groups), key=lambda c: (-len(c), c[0]))
    unclustered = [p for p in leftovers if p not in joined]
    return Partition(ordered, unclustered, resolution, tried, how)


def item_communities(G: nx.MultiDiGraph, member: Mapping[str, int]) -> dict[str, int]:
    """Concept/technique node id -> the community holding most of the papers using it (clustered only)."""
    counts: dict[str, Counter[int]] = defaultdict(Counter)
    for paper, community in member.items():
        if community == UNCLUSTERED:
            continue
        for item in [*uses_of(G, paper), *targets(G, paper, schema.HAS_CONCEPT)]:
            counts[item][community] += 1
    return {item: min(c, key=lambda x: (-c[x], x)) for item, c in counts.items()}


def _distinct(labels: Sequence[str], n: int) -> list[str]:
    """The first ``n`` labels, skipping one contained in (or containing) a label already chosen."""
    chosen: list[str] = []
    for label in labels:
        low = label.lower()
        if not any(low in c.lower() or c.lower() in low for c in chosen):
            chosen.append(label)
        if len(chosen) == n:
            break
    return chosen


def _label(names: Sequence[str], broad: bool) -> str:
    label = LABEL_SEPARATOR.join(names)
    return f"{label} (broad)" if label and broad else label


def _floor(item: str, floor: int) -> int:
    """Papers that must use ``item`` for it to label a community: a concept (an extracted phrase) at
    least :data:`LABEL_MIN_CONCEPT_PAPERS`, a vocabulary technique ``floor``."""
    return max(floor, LABEL_MIN_CONCEPT_PAPERS) if item.startswith(schema.CONCEPT + ":") else floor


def label_terms(
    members: Sequence[str],
    terms_of: Mapping[str, set[str]],
    df: Mapping[str, int],
    specificity: Mapping[str, float],
    min_specificity: float = LABEL_MIN_SPECIFICITY,
) -> list[tuple[str, int]]:
    """(item, papers of the community using it), most distinctive first (see the module docstring)."""
    counts = Counter(t for p in members for t in terms_of.get(p, ()))
    floor = max(2, math.ceil(LABEL_MIN_SHARE * len(members)))
    n_papers = max(len(terms_of), 1)
    score = {
        t: (c / len(members)) * math.log(n_papers / df[t]) * specificity.get(t, 0.0)
        for t, c in counts.items()
        if c >= _floor(t, floor) and df[t] < n_papers and specificity.get(t, 0.0) >= min_specificity
    }
    ranked = sorted((t for t in score if score[t] > 0), key=lambda t: (-score[t], t))
    return [(t, counts[t]) for t in ranked]


def describe(
    G: nx.MultiDiGraph,
    found: Partition,
    paper_rank: Mapping[str, float],
    terms_of: Mapping[str, set[str]],
    n_terms: int = 3,
    n_top: int = 5,
) -> list[Community]:
    """Labelled :class:`Community` records, with a sentence on what each is about and its top papers, both
    from the papers placed by their links (the core; attached papers only add to the size).
    ``terms_of``: paper -> its items; only concept and technique nodes label a community."""
    df = Counter(t for terms in terms_of.values() for t in terms)
    spec = {t: s for t, s in specificities(G, terms_of).items() if t in G}
    loose = {t: float(G.nodes[t].get("specificity") or 0.0) for t in spec}
    result = []
    for number, group in enumerate(found.groups):
        members = found.core(number) or group
        ranked = label_terms(members, terms_of, df, spec)
        broad = not ranked
        if broad:
            ranked = label_terms(members, terms_of, df, loose, min_specificity=0.0)
        names = _distinct([display_name(G, t) for t, _ in ranked], n_terms + 2)
        count = {display_name(G, t): c for t, c in ranked}
        about = ", ".join(f"{name} ({count[name]} of {len(members)} papers)" for name in names)
        if about:
            about = (
                f"No specific item is shared by enough of its papers; broadly: {about}."
                if broad
                else (f"Papers on {about}.")
            )
        techniques = [t for t, _ in ranked if t.startswith(schema.TECHNIQUE + ":")]
        concepts = [t for t, _ in ranked if t.startswith(schema.CONCEPT + ":")]
        papers = sorted(members, key=lambda p: (-paper_rank.get(p, 0.0), p))
        result.append(
            Community(
                id=number,
                label=_label(names[:n_terms], broad) or f"community {number} (no shared item)",
                size=len(group),
                linked=len(found.core(number)),
                about=about or "Its papers share no item often enough.",
                top_papers=papers[:n_top],
                top_techniques=[display_name(G, t) for t in techniques[:n_top]],
                top_concepts=[display_name(G, t) for t in concepts[:n_top]],
            )
        )
    return result


def community_records(communities: Sequence[Community]) -> list[dict[str, Any]]:
    """JSON-ready communities (``G.graph["communities"]``)."""
    return [asdict(c) for c in communities]


def community_labels(G: nx.Graph) -> dict[int, str]:
    """Community number -> label, as the analysis stored them in ``G.graph`` ({} before analysis).

    >>> G = nx.Graph(communities=[{"id": 0, "label": "rectified flow", "size": 4}])
    >>> community_labels(G)
    {0: 'rectified flow'}
    """
    return {int(c["id"]): str(c["label"]) for c in G.graph.get("communities", [])}

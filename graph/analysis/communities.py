"""Communities of papers that mean something: seeded Louvain on the RELATED_TO links, a resolution chosen
per corpus, no community under :data:`MIN_SIZE` papers, and labels from the most distinctive specific items.

**Resolution.** Louvain runs at the resolutions of :data:`RESOLUTIONS` in increasing order; each partition
is scored by its modularity (at resolution 1) times ``1 - largest share`` (the share of the papers its
largest community holds): modularity alone favours a few huge communities, which are areas, not topics;
higher resolutions spread the sizes but cut real topics apart, losing modularity. The best score wins
(ties: the lower resolution); the search stops at the first resolution scoring below the best so far.
Every try (resolution, modularity, communities, largest share, score) is recorded in
``G.graph["analysis"]["communities"]``.

**Leftovers.** Papers of communities under :data:`MIN_SIZE` papers join the community they have the most
RELATED_TO weight into (in rounds, so a paper linked only to a leftover that joined follows it); failing
that, the one whose characteristic items they share most (sum of the items' specificity times the share
of the community's papers using them, counting only specific items, :data:`ATTACH_MIN_SPECIFICITY`, used
by at least two of its papers); else they stay *unclustered* (community :data:`UNCLUSTERED`).

**Labels** (class-based TF-IDF weighted by specificity): an item's score in a community is the share of
the community's papers using it times ``log(N / df)`` (how rare it is in the corpus) times its
specificity. Only specific items count: not broad techniques (or concepts naming one), at least
:data:`LABEL_MIN_SPECIFICITY` specific, and used by at least :data:`LABEL_MIN_SHARE` of the community's
papers (and at least two), so neither a generic phrase nor a one-paper phrase names a community.
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

from graph import schema
from graph.access import display_name, nodes_of_kind, targets
from graph.analysis.couse import uses_of

#: Fewest papers a community has.
MIN_SIZE = 3
#: Louvain resolutions tried, in order.
RESOLUTIONS = (1.0, 1.5, 2.0, 3.0, 4.0)
#: A label item is used by at least this share of the community's papers (and at least two).
LABEL_MIN_SHARE = 0.15
#: An unlinked leftover joins a community only through items at least this specific (graph/specificity.py's
#: SPECIFIC: evidence on its own).
ATTACH_MIN_SPECIFICITY = 0.5
#: Label items are at least this specific (with N papers: used by at most ~N**0.7 of them).
LABEL_MIN_SPECIFICITY = 0.3
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
    top_papers: list[str] = field(default_factory=list)
    top_techniques: list[str] = field(default_factory=list)
    top_concepts: list[str] = field(default_factory=list)


@dataclass
class Partition:
    """Communities (each sorted, numbered by size), unclustered papers, and how they were found."""

    groups: list[list[str]]
    unclustered: list[str]
    resolution: float = 1.0
    attached: int = 0
    tried: list[dict[str, float]] = field(default_factory=list)

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
            "attached": self.attached,
            "unclustered": len(self.unclustered),
        }


def item_specificity(G: nx.MultiDiGraph, item: str, n_papers: int) -> float:
    """How specific a concept/technique is: 0 when broad (or a concept naming a broad technique), else its
    ``specificity`` property, or, for a graph built without one, ``log(N/df) / log(N)`` (1 = one paper).

    >>> G = nx.MultiDiGraph(); G.add_node("technique:t", df=10); G.add_node("technique:u", broad=True)
    >>> round(item_specificity(G, "technique:t", 100), 2), item_specificity(G, "technique:u", 100)
    (0.5, 0.0)
    """
    data = G.nodes[item]
    tied = data.get("technique")
    if data.get("broad") or (tied and G.nodes.get(schema.node_id(schema.TECHNIQUE, tied), {}).get("broad")):
        return 0.0
    if data.get("specificity") is not None:
        return float(data["specificity"])
    df = max(int(data.get("df") or 1), 1)
    return math.log(n_papers / df) / math.log(n_papers) if n_papers > 1 and df < n_papers else 0.0


def paper_terms(G: nx.MultiDiGraph, paper: str) -> set[str]:
    """The techniques a paper uses and its concepts, a concept tied to a technique counting as the technique.

    >>> G = nx.MultiDiGraph(); G.add_node("concept:rf", technique="rectified-flow")
    >>> _ = G.add_edge("paper:p", "concept:rf", key="HAS_CONCEPT")
    >>> paper_terms(G, "paper:p")
    {'technique:rectified-flow'}
    """
    terms = set(uses_of(G, paper))
    for concept in targets(G, paper, schema.HAS_CONCEPT):
        tied = G.nodes[concept].get("technique")
        terms.add(schema.node_id(schema.TECHNIQUE, tied) if tied else concept)
    return terms


def _louvain(U: nx.Graph, resolution: float, seed: int) -> list[list[str]]:
    found = nx.community.louvain_communities(U, weight="weight", resolution=resolution, seed=seed)
    return [sorted(c) for c in found]


def choose_resolution(U: nx.Graph, seed: int) -> tuple[float, list[list[str]], list[dict[str, float]]]:
    """(resolution, its Louvain communities, every try) by the rule of the module docstring."""
    tried: list[dict[str, float]] = []
    best: tuple[float, float, list[list[str]]] | None = None
    n = max(U.number_of_nodes(), 1)
    for resolution in RESOLUTIONS:
        found = _louvain(U, resolution, seed)
        largest = max(map(len, found), default=0) / n
        modularity = nx.community.modularity(U, found, weight="weight") if U.number_of_edges() else 0.0
        score = modularity * (1.0 - largest)
        tried.append(
            {"resolution": resolution, "modularity": round(modularity, 4), "communities": len(found),
             "largest_share": round(largest, 4), "score": round(score, 4)}
        )  # fmt: skip
        if best is None or score > best[0]:
            best = (score, resolution, found)
        elif score < best[0]:
            break
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
    joined: dict[str, int] = {}
    pending = list(leftovers)
    while pending:
        found = {}
        for paper in pending:
            best = _best_by_links(U, paper, {**home, **joined})
            if best is not None:
                found[paper] = best
        if not found:
            break
        joined.update(found)
        pending = [p for p in pending if p not in found]
    return joined


def _best_by_terms(
    terms: set[str], profiles: Sequence[Mapping[str, float]], specificity: Mapping[str, float]
) -> int | None:
    specific = [t for t in terms if specificity.get(t, 0.0) >= ATTACH_MIN_SPECIFICITY]
    score = {c: sum(profile.get(t, 0.0) * specificity[t] for t in specific) for c, profile in enumerate(profiles)}
    best = min(score, key=lambda c: (-score[c], c), default=None)
    return best if best is not None and score[best] > 0 else None


def _profiles(
    groups: Sequence[Sequence[str]], terms_of: Mapping[str, set[str]]
) -> list[dict[str, float]]:
    """Per community: item -> share of its papers using it, for items at least two of them use."""
    profiles = []
    for members in groups:
        counts = Counter(t for p in members for t in terms_of.get(p, ()))
        profiles.append({t: c / len(members) for t, c in counts.items() if c >= 2})
    return profiles


def partition(
    U: nx.Graph, seed: int, terms_of: Mapping[str, set[str]], specificity: Mapping[str, float]
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
    for paper in leftovers:
        best = None if paper in joined else _best_by_terms(terms_of.get(paper, set()), profiles, specificity)
        if best is not None:
            joined[paper] = best
    for paper, number in joined.items():
        groups[number].append(paper)
    ordered = sorted((sorted(g) for g in groups), key=lambda c: (-len(c), c[0]))
    unclustered = [p for p in leftovers if p not in joined]
    return Partition(ordered, unclustered, resolution, len(joined), tried)


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


def label_terms(
    members: Sequence[str],
    terms_of: Mapping[str, set[str]],
    df: Mapping[str, int],
    specificity: Mapping[str, float],
) -> list[tuple[str, int]]:
    """(item, papers of the community using it), most distinctive first (see the module docstring)."""
    counts = Counter(t for p in members for t in terms_of.get(p, ()))
    floor = max(2, math.ceil(LABEL_MIN_SHARE * len(members)))
    n_papers = max(len(terms_of), 1)
    score = {
        t: (c / len(members)) * math.log(n_papers / df[t]) * specificity.get(t, 0.0)
        for t, c in counts.items()
        if c >= floor and df[t] < n_papers and specificity.get(t, 0.0) >= LABEL_MIN_SPECIFICITY
    }
    ranked = sorted((t for t in score if score[t] > 0), key=lambda t: (-score[t], t))
    return [(t, counts[t]) for t in ranked]


def describe(
    G: nx.MultiDiGraph,
    groups: Sequence[Sequence[str]],
    paper_rank: Mapping[str, float],
    n_terms: int = 3,
    n_top: int = 5,
) -> list[Community]:
    """Labelled :class:`Community` records, with a sentence on what each is about and its top papers."""
    terms_of = {p: paper_terms(G, p) for p in nodes_of_kind(G, schema.PAPER)}
    df = Counter(t for terms in terms_of.values() for t in terms)
    spec = {t: item_specificity(G, t, len(terms_of)) for t in df if t in G}
    result = []
    for number, members in enumerate(groups):
        ranked = label_terms(members, terms_of, df, spec)
        names = _distinct([display_name(G, t) for t, _ in ranked], n_terms + 2)
        count = {display_name(G, t): c for t, c in ranked}
        about = ", ".join(f"{name} ({count[name]} of {len(members)} papers)" for name in names)
        techniques = [t for t, _ in ranked if t.startswith(schema.TECHNIQUE + ":")]
        concepts = [t for t, _ in ranked if t.startswith(schema.CONCEPT + ":")]
        papers = sorted(members, key=lambda p: (-paper_rank.get(p, 0.0), p))
        result.append(
            Community(
                id=number,
                label=LABEL_SEPARATOR.join(names[:n_terms]) or f"community {number} (no shared specific item)",
                size=len(members),
                about=f"Papers on {about}." if about else "Its papers share no specific item often enough.",
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

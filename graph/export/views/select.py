"""Which nodes a view shows: the overview (with aggregation over a node budget), an ego network, one
community, and the technique co-use map. Each selection lists node ids most important first and says,
in plain words, what it left out.

>>> quotas({0: 50, 1: 30, 2: 20}, 10)
{0: 5, 1: 3, 2: 2}
"""

from __future__ import annotations

import heapq
import itertools
from collections import Counter, defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from typing import Any

import networkx as nx

from graph import schema
from graph.access import community_of, display_name, importance, node_kind, targets
from graph.analysis.couse import co_use
from graph.errors import ConfigError, NotFoundError
from graph.export.views.items import CO_USED, induced_edges
from graph.questions import resolve_node

#: Relationship types drawn in the overview and community views.
MAP_EDGES = (schema.RELATED_TO, schema.CITES, schema.USES_TECHNIQUE, schema.SUBTYPE_OF)


@dataclass
class Selection:
    """Node ids to draw (most important first), a note on what was left out (or None), and the nodes
    whose label always shows (the focus)."""

    ids: list[str]
    note: str | None = None
    pinned: list[str] = field(default_factory=list)


def check_budget(budget: int) -> None:
    if budget < 2:
        raise ConfigError(f"budget={budget}: a view needs a node budget of at least 2")


def by_kind(G: nx.Graph) -> dict[str, list[str]]:
    """Node ids grouped by kind (each list in graph order); one pass over the nodes."""
    groups: dict[str, list[str]] = defaultdict(list)
    for nid, kind in G.nodes(data="kind"):
        groups[kind if kind in schema.NODES else node_kind(G, nid)].append(nid)
    return groups


def ranked(G: nx.Graph, ids: Iterable[str]) -> list[str]:
    """``ids`` most important first (ties by id, so the order is deterministic)."""
    return sorted(ids, key=lambda nid: (-importance(G, nid), str(nid)))


def top(G: nx.Graph, ids: Iterable[str], n: int) -> list[str]:
    """The ``n`` most important of ``ids``, in :func:`ranked` order, without sorting them all."""
    return heapq.nsmallest(n, ids, key=lambda nid: (-importance(G, nid), str(nid)))


def quotas(sizes: Mapping[Any, int], budget: int) -> dict[Any, int]:
    """Split ``budget`` slots over groups in proportion to their sizes (largest remainders), giving
    small groups a slot while slots remain; groups with no slot are left out of the result."""
    total = sum(sizes.values())
    if total <= budget:
        return dict(sizes)
    order = sorted(sizes, key=lambda g: (-sizes[g], str(g)))
    exact = {g: budget * sizes[g] / total for g in order}
    share = {g: int(exact[g]) for g in order}
    left = budget - sum(share.values())
    for g in sorted(order, key=lambda g: (-(exact[g] - share[g]), -sizes[g], str(g))):
        if left <= 0:
            break
        if share[g] < sizes[g]:
            share[g] += 1
            left -= 1
    return {g: share[g] for g in order if share[g] > 0}


def overview(G: nx.MultiDiGraph, budget: int) -> Selection:
    """Papers and techniques; above ``budget`` nodes, the most central papers of every community
    (slots proportional to community size) plus the most used techniques."""
    check_budget(budget)
    kinds = by_kind(G)
    papers, techniques = kinds.get(schema.PAPER, []), kinds.get(schema.TECHNIQUE, [])
    if len(papers) + len(techniques) <= budget:
        ids = ranked(G, papers) + ranked(G, techniques)
        return Selection(ids)
    kept_techniques = top(G, techniques, max(budget // 4, 1))
    members: dict[int | None, list[str]] = defaultdict(list)
    for nid in papers:
        members[community_of(G.nodes[nid])].append(nid)
    share = quotas({c: len(m) for c, m in members.items()}, budget - len(kept_techniques))
    kept_papers = ranked(G, itertools.chain.from_iterable(top(G, members[c], n) for c, n in share.items()))
    missing = len(members) - len(share)
    note = (
        f"Aggregated: the graph has {len(papers):,} papers and {len(techniques):,} techniques, over the "
        f"{budget:,}-node budget of this page. Shown: the {len(kept_papers):,} most central papers "
        f"(PageRank), spread over communities in proportion to their size, and the "
        f"{len(kept_techniques):,} most used techniques."
    )
    if missing:
        note += f" {missing:,} small communities have no paper shown."
    note += " Open a community or a focus view (paperkg view --community N / --focus ...) for the rest."
    ids = kept_papers + kept_techniques
    return Selection(ids, note)


def resolve(G: nx.MultiDiGraph, name: str) -> str:
    """The node id a user means by ``name``: paperkg's one name resolver,
    :func:`graph.questions.resolve_node` (ids, ``kind:`` + name, titles, labels, title-prefix names).

    Raises NotFoundError (with close candidates) or AmbiguousNameError.
    """
    return resolve_node(G, name)


def ego(G: nx.MultiDiGraph, centre: str, radius: int, budget: int) -> Selection:
    """The nodes within ``radius`` hops of ``centre`` (direction ignored), nearest rings first. A ring
    that does not fit the budget keeps its most important nodes of each kind, in proportion to how many
    of each kind it has, and the note says what was left out.

    >>> G = nx.MultiDiGraph([("paper:a", f"concept:c{i}") for i in range(9)] + [("paper:a", "paper:b")])
    >>> chosen = ego(G, "paper:a", 1, 5)
    >>> len(chosen.ids), chosen.pinned, chosen.note.split(";")[0]
    (5, ['paper:a'], 'Left out: 6 of the 10 nodes 1 hop from the focus (1 paper, 5 concepts)')
    """
    check_budget(budget)
    if radius < 0:
        raise ConfigError(f"radius={radius}: must be 0 or more")
    chosen, frontier, seen = [centre], [centre], {centre}
    note = None
    for hop in range(1, radius + 1):
        ring = {n for node in frontier for n in itertools.chain(G.succ[node], G.pred[node])} - seen
        seen |= ring
        room = budget - len(chosen)
        if len(ring) > room:
            kept = _by_kind_quota(G, ring, room)
            note = _left_out(G, ring, kept, hop, budget)
            chosen += kept
            break
        frontier = ranked(G, ring)
        chosen += frontier
    return Selection(chosen, note, pinned=[centre])


def _by_kind_quota(G: nx.MultiDiGraph, ring: Iterable[str], room: int) -> list[str]:
    """The most important ``room`` nodes of ``ring``, slots shared between kinds by their counts
    (importance is only comparable within a kind: PageRank for papers, paper counts for the rest)."""
    kinds: dict[str, list[str]] = defaultdict(list)
    for nid in ring:
        kinds[node_kind(G, nid)].append(nid)
    share = quotas({kind: len(members) for kind, members in kinds.items()}, room)
    return [nid for kind in schema.NODES if kind in share for nid in top(G, kinds[kind], share[kind])]


def _left_out(G: nx.MultiDiGraph, ring: Iterable[str], kept: Iterable[str], hop: int, budget: int) -> str:
    """What a truncated ring left out, by kind, and how to see more."""
    ring = list(ring)
    dropped = Counter(node_kind(G, nid) for nid in set(ring) - set(kept))
    parts = ", ".join(
        f"{dropped[kind]:,} {schema.LABELS[kind].lower()}{'' if dropped[kind] == 1 else 's'}"
        for kind in schema.NODES
        if dropped[kind]
    )
    return (
        f"Left out: {sum(dropped.values()):,} of the {len(ring):,} nodes {hop} hop{'' if hop == 1 else 's'} "
        f"from the focus ({parts}); this page keeps {budget:,} nodes, the most important of each kind "
        "(PageRank for papers, number of papers for techniques and concepts). Raise --budget, or focus on "
        "one of the nodes shown, to see more."
    )


def community(G: nx.MultiDiGraph, number: int, budget: int) -> Selection:
    """The papers of community ``number`` and the techniques they use (most used first)."""
    check_budget(budget)
    members, sizes = [], Counter()
    for nid in G.nodes:
        if node_kind(G, nid) != schema.PAPER:
            continue
        c = community_of(G.nodes[nid])
        sizes[c] += 1
        if c == number:
            members.append(nid)
    if not members:
        known = sorted(c for c in sizes if c is not None and c >= 0)
        raise NotFoundError(
            f"community {number}: no paper has community={number}; the graph has {len(known)} "
            f"communities: {id_ranges(known) or 'none'}"
        )
    uses: Counter[str] = Counter()
    for nid in members:
        uses.update(targets(G, nid, schema.USES_TECHNIQUE))
    techniques = sorted(uses, key=lambda t: (-uses[t], t))
    tech_room = min(len(techniques), max(budget // 4, 1))
    papers = ranked(G, members)[: budget - tech_room]
    note = None
    if len(papers) < len(members) or tech_room < len(techniques):
        note = (
            f"Aggregated: community {number} has {len(members):,} papers using {len(techniques):,} "
            f"techniques, over the {budget:,}-node budget; shown: the {len(papers):,} most central papers "
            f"and the {tech_room:,} most used techniques."
        )
    return Selection(papers + techniques[:tech_room], note)


def id_ranges(ids: Iterable[int]) -> str:
    """Sorted integers as ranges.

    >>> id_ranges([0, 1, 2, 3, 5, 7, 8])
    '0-3, 5, 7-8'
    """
    runs: list[list[int]] = []
    for i in sorted(ids):
        if runs and i == runs[-1][1] + 1:
            runs[-1][1] = i
        else:
            runs.append([i, i])
    return ", ".join(str(a) if a == b else f"{a}-{b}" for a, b in runs)


def technique_map(
    G: nx.MultiDiGraph, top_links: int
) -> tuple[Selection, list[tuple[str, str, str, dict[str, Any]]], dict[str, int | None]]:
    """Techniques linked by co-use (:func:`graph.analysis.couse.co_use`): an edge per pair used by the
    same papers, weighted by how many; each technique keeps its ``top_links`` strongest links. Also
    returns each technique's dominant community (the analysis's: where most of its papers are)."""
    if top_links < 1:
        raise ConfigError(f"top_links={top_links}: must be 1 or more")
    techniques = by_kind(G).get(schema.TECHNIQUE, [])
    if not techniques:
        raise NotFoundError("the graph has no technique nodes: nothing to map")
    pair_papers = co_use(G)
    strongest: dict[str, list[tuple[int, str, str]]] = defaultdict(list)
    for (a, b), papers in pair_papers.items():
        strongest[a].append((-len(papers), b, a))
        strongest[b].append((-len(papers), a, b))
    kept = set()
    for ranked_links in strongest.values():
        for _, other, me in sorted(ranked_links)[:top_links]:
            kept.add(tuple(sorted((me, other))))
    edges = []
    for a, b in sorted(kept):
        papers = pair_papers[(a, b)]
        examples = sorted(display_name(G, p) for p in ranked(G, papers)[:3])
        edges.append((a, b, CO_USED, {"weight": len(papers), "shared": examples}))
    edges += induced_edges(G, techniques, [schema.SUBTYPE_OF])
    dominant = {t: community_of(G.nodes[t]) for t in techniques}
    return Selection(ranked(G, techniques)), edges, dominant

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
from graph.errors import AmbiguousNameError, ConfigError, NotFoundError
from graph.export.views.items import CO_USED, induced_edges
from loaders.records import normalize_title

#: Relationship types drawn in the overview and community views.
MAP_EDGES = (schema.RELATED_TO, schema.CITES, schema.USES_TECHNIQUE, schema.SUBTYPE_OF)


@dataclass
class Selection:
    """Node ids to draw (most important first) and a note on what was aggregated away (or None)."""

    ids: list[str]
    note: str | None = None
    labelled: list[str] | None = None
    extra: dict[str, Any] = field(default_factory=dict)


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
        return Selection(ids, labelled=_labelled(G, papers, techniques, len(ids)))
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
    return Selection(ids, note, labelled=_labelled(G, kept_papers, kept_techniques, len(ids)))


def _labelled(G: nx.Graph, papers: list[str], others: list[str], total: int) -> list[str] | None:
    """Which nodes get a canvas label: all in small views, else the 30 most central papers + others."""
    if total <= 50:
        return None
    return top(G, papers, 30) + list(others)


def resolve(G: nx.MultiDiGraph, name: str) -> str:
    """The node id a user means by ``name``: a node id (``technique:distillation``), ``paper:<title>``,
    or a bare title/label/key. Exact (normalised) matches win over substring matches.

    Raises NotFoundError (with close candidates) or AmbiguousNameError.
    """
    text = name.strip()
    if text in G:
        return text
    kind, sep, rest = text.partition(":")
    kinds = [kind] if sep and kind in schema.NODES else list(schema.NODES)
    query = normalize_title(rest if sep and kind in schema.NODES else text)
    if sep and kind in schema.NODES and f"{kind}:{rest.strip()}" in G:
        return f"{kind}:{rest.strip()}"
    if not query:
        raise NotFoundError(f"{name!r}: empty name; give a node id like technique:<key> or a paper title")
    exact, partial = [], []
    for nid in G.nodes:
        if node_kind(G, nid) not in kinds:
            continue
        keys = {normalize_title(display_name(G, nid)), normalize_title(str(nid).partition(":")[2])}
        if query in keys:
            exact.append(nid)
        elif any(f" {query} " in f" {key} " for key in keys):
            partial.append(nid)
    for found in (exact, partial):
        if len(found) == 1:
            return found[0]
        if found:
            ranked_found = ranked(G, found)
            raise AmbiguousNameError(name, [f"{nid} ({display_name(G, nid)})" for nid in ranked_found])
    raise NotFoundError(f"{name!r}: no {'/'.join(kinds)} node has this id, title or label")


def ego(G: nx.MultiDiGraph, centre: str, radius: int, budget: int) -> Selection:
    """The nodes within ``radius`` hops of ``centre`` (direction ignored), nearest rings first; a ring
    that does not fit the budget keeps its most important nodes."""
    check_budget(budget)
    if radius < 0:
        raise ConfigError(f"radius={radius}: must be 0 or more")
    chosen, frontier, seen = [centre], [centre], {centre}
    note = None
    for hop in range(1, radius + 1):
        ring = {n for node in frontier for n in itertools.chain(G.succ[node], G.pred[node])} - seen
        seen |= ring
        room = budget - len(chosen)
        ring_ranked = ranked(G, ring)
        if len(ring_ranked) > room:
            note = (
                f"Aggregated: {len(ring_ranked):,} nodes are {hop} hop(s) from the focus, over the "
                f"{budget:,}-node budget; shown: the {room:,} most important (PageRank for papers, "
                "number of papers for techniques and concepts)."
            )
            chosen += ring_ranked[:room]
            break
        chosen += ring_ranked
        frontier = ring_ranked
    others = [n for n in chosen[1:] if node_kind(G, n) != schema.PAPER]
    papers = [n for n in chosen[1:] if node_kind(G, n) == schema.PAPER]
    return Selection(chosen, note, labelled=_labelled_focus(G, centre, papers, others, len(chosen)))


def _labelled_focus(
    G: nx.Graph, centre: str, papers: list[str], others: list[str], total: int
) -> list[str] | None:
    labelled = _labelled(G, papers, others, total)
    return None if labelled is None else [centre, *labelled]


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
        known = ", ".join(str(c) for c in sorted(c for c in sizes if c is not None)[:30]) or "none"
        raise NotFoundError(f"community {number}: no paper has community={number} (communities: {known})")
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
    ids = papers + techniques[:tech_room]
    return Selection(ids, note, labelled=_labelled(G, papers, techniques[:tech_room], len(ids)))


def technique_map(
    G: nx.MultiDiGraph, top_links: int
) -> tuple[Selection, list[tuple[str, str, str, dict[str, Any]]], dict[str, int | None]]:
    """Techniques linked by co-use: an edge per pair used by the same papers, weighted by how many;
    each technique keeps its ``top_links`` strongest links. Also returns each technique's dominant
    community (where most of its papers are)."""
    if top_links < 1:
        raise ConfigError(f"top_links={top_links}: must be 1 or more")
    pair_papers: dict[tuple[str, str], list[str]] = defaultdict(list)
    home: dict[str, Counter[int | None]] = defaultdict(Counter)
    techniques = by_kind(G).get(schema.TECHNIQUE, [])
    if not techniques:
        raise NotFoundError("the graph has no technique nodes: nothing to map")
    for nid in by_kind(G).get(schema.PAPER, []):
        used = sorted(targets(G, nid, schema.USES_TECHNIQUE))
        for t in used:
            home[t][community_of(G.nodes[nid])] += 1
        for a, b in itertools.combinations(used, 2):
            pair_papers[(a, b)].append(nid)
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
    dominant = {t: (home[t].most_common(1)[0][0] if home[t] else None) for t in techniques}
    return Selection(ranked(G, techniques)), edges, dominant

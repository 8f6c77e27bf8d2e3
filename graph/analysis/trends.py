"""Trends over publication dates: technique/concept counts per period and the fastest-growing ones.

Periods are years when the dated papers span several years, else months (``YYYY-MM``). Growth compares
an item's share of the papers of the latest period with its share of all earlier papers; concepts that
name a vocabulary technique are counted once, as the technique.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import networkx as nx

from graph import schema
from graph.access import nodes_of_kind


@dataclass
class Rising:
    """An item whose share of papers grew in the latest period."""

    item: str
    label: str
    latest: int
    share_latest: float
    share_before: float

    @property
    def growth(self) -> float:
        """Share points gained (0.25 = used by 25% more of the papers)."""
        return self.share_latest - self.share_before


@dataclass
class Trends:
    """Counts per period: papers, techniques and concepts; the rising items of the latest period."""

    granularity: str = "none"
    periods: list[str] = field(default_factory=list)
    papers: dict[str, int] = field(default_factory=dict)
    techniques: dict[str, dict[str, int]] = field(default_factory=dict)
    concepts: dict[str, dict[str, int]] = field(default_factory=dict)
    rising: list[Rising] = field(default_factory=list)


def paper_periods(G: nx.MultiDiGraph) -> tuple[str, dict[str, str]]:
    """(granularity, paper node id -> period) for the dated papers (``published`` as ISO partial dates)."""
    dates = {p: str(G.nodes[p]["published"]) for p in nodes_of_kind(G, schema.PAPER) if G.nodes[p].get("published")}
    if len({d[:4] for d in dates.values()}) > 1:
        return "year", {p: d[:4] for p, d in dates.items()}
    monthly = {p: d[:7] for p, d in dates.items() if len(d) >= 7}
    if len(set(monthly.values())) > 1:
        return "month", monthly
    return "none", {}


def _counts(
    G: nx.MultiDiGraph, period_of: Mapping[str, str], edges: Sequence[str]
) -> dict[str, dict[str, Counter[str]]]:
    """Relationship type (of ``edges``) -> item -> period -> how many papers of the period have such an edge to
    the item; one pass over the papers' edges for all the types."""
    counts: dict[str, dict[str, Counter[str]]] = {edge: defaultdict(Counter) for edge in edges}
    for paper, period in period_of.items():
        for _, item, key in G.out_edges(paper, keys=True):
            if key in counts:
                counts[key][item][period] += 1
    return counts


def _rising(
    G: nx.MultiDiGraph, counts: Mapping[str, Counter[str]], papers: Counter[str], periods: list[str], n: int
) -> list[Rising]:
    latest = periods[-1]
    before = sum(papers[p] for p in periods[:-1])
    found = []
    for item, per in counts.items():
        if per[latest] < 2 or G.nodes[item].get("technique"):
            continue
        share_before = sum(per[p] for p in periods[:-1]) / before if before else 0.0
        found.append(
            Rising(item, str(G.nodes[item].get("label", item)), per[latest], per[latest] / papers[latest], share_before)
        )
    return sorted((r for r in found if r.growth > 0), key=lambda r: (-r.growth, r.item))[:n]


def trends(G: nx.MultiDiGraph, n_items: int = 20, n_rising: int = 10) -> Trends:
    """Per-period counts of the ``n_items`` most used techniques and concepts, and the rising items."""
    granularity, period_of = paper_periods(G)
    if not period_of:
        return Trends()
    papers = Counter(period_of.values())
    periods = sorted(papers)
    counts = _counts(G, period_of, (schema.USES_TECHNIQUE, schema.HAS_CONCEPT))
    techniques, concepts = counts[schema.USES_TECHNIQUE], counts[schema.HAS_CONCEPT]

    def table(counts: Mapping[str, Counter[str]]) -> dict[str, dict[str, int]]:
        top = sorted(counts, key=lambda i: (-sum(counts[i].values()), i))[:n_items]
        return {i: {p: counts[i][p] for p in periods if counts[i][p]} for i in top}

    rising = sorted(
        _rising(G, techniques, papers, periods, n_rising) + _rising(G, concepts, papers, periods, n_rising),
        key=lambda r: (-r.growth, r.item),
    )[:n_rising]
    return Trends(granularity, periods, dict(sorted(papers.items())), table(techniques), table(concepts), rising)

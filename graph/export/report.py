"""The report: what the analysed graph says about the corpus, as ``report.md`` and ``report.html``.

Sections: corpus summary, most central papers/techniques/concepts, communities with their labels and
techniques, bridges between communities, trends over time, and how the numbers were computed. The report
is built once as a list of blocks and rendered twice; every text is escaped: in Markdown by :func:`_md_cell`
(one line, every markup character backslash-escaped, so even a renderer allowing raw HTML shows it as
text), in HTML by :func:`html.escape`.
"""

from __future__ import annotations

import html
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path

import networkx as nx

from graph import schema
from graph.access import display_name, edges_of, nodes_of_kind
from graph.analysis import AnalysisResult
from graph.analysis.communities import UNCLUSTERED
from graph.analysis.projection import CITATIONS, LINKS, MIN_CITATION_SHARE
from loaders.atomicio import atomic_write

#: Communities described at most (communities.csv and graph.json have them all).
MAX_COMMUNITIES = 12
#: How leftover papers joined a community (graph.analysis.communities), in words.
WAYS = {
    "links": "their RELATED_TO links",
    "items": "specific items they share with it",
    "text": "title and abstract similarity (TF-IDF)",
}


@dataclass
class Block:
    """One piece of the report: a heading, a paragraph, a bullet list or a table."""

    kind: str
    text: str = ""
    items: list[str] = field(default_factory=list)
    header: list[str] = field(default_factory=list)
    rows: list[list[str]] = field(default_factory=list)


def _year(G: nx.MultiDiGraph, node: str) -> str:
    return str(G.nodes[node].get("year", ""))


def _summary(G: nx.MultiDiGraph) -> list[Block]:
    kinds = Counter(k for _, k in G.nodes(data="kind"))
    rels = Counter(k for _, _, k in G.edges(keys=True))
    cites = Counter(data.get("via") for _, _, _, data in edges_of(G, schema.CITES))
    years = sorted(y for _, y in G.nodes(data="year") if y)
    span = f", published {years[0]}–{years[-1]}" if years else ""
    facts = [
        f"{kinds[schema.PAPER]} papers{span}",
        f"{kinds[schema.TECHNIQUE]} techniques, {kinds[schema.CONCEPT]} concepts, {kinds[schema.AUTHOR]} authors",
        f"{rels[schema.USES_TECHNIQUE]} technique uses, {rels[schema.HAS_CONCEPT]} concept links",
        f"{rels[schema.CITES]} citations inside the corpus ({cites[schema.CITES_FROM_REFERENCES]} from reference "
        f"lists, {cites[schema.CITES_FROM_MENTION]} inferred from a paper naming another's method)",
        f"{rels[schema.RELATED_TO]} RELATED_TO links (papers sharing specific techniques and concepts)",
    ]
    return [Block("h2", "Corpus"), Block("ul", items=facts)]


def _central(G: nx.MultiDiGraph, analysis: AnalysisResult) -> list[Block]:
    labels = analysis.community_labels()
    blocks = [Block("h2", "Most central")]
    papers = analysis.top.get(schema.PAPER, [])
    if papers:
        rows = [
            [str(i), r.label, _year(G, r.node), labels.get(G.nodes[r.node].get("community", -1), ""), f"{r.value:.4f}"]
            for i, r in enumerate(papers, 1)
        ]
        blocks += [
            Block("h3", "Papers"),
            Block("p", _centrality_basis(G)),
            Block("table", header=["#", "paper", "year", "community", "PageRank"], rows=rows),
        ]
    for kind, title in ((schema.TECHNIQUE, "Techniques"), (schema.CONCEPT, "Concepts")):
        ranked = analysis.top.get(kind, [])
        if ranked:
            rows = [
                [str(i), r.label, str(G.nodes[r.node].get("df", 0)), f"{r.value:.4f}"] for i, r in enumerate(ranked, 1)
            ]
            blocks += [Block("h3", title), Block("table", header=["#", kind, "papers", "PageRank"], rows=rows)]
    return blocks


def _centrality_basis(G: nx.MultiDiGraph) -> str:
    """Which graph paper PageRank ran on, and why (from ``G.graph["analysis"]``)."""
    chosen = G.graph.get("analysis", {}).get("centrality", {})
    share = chosen.get("citation_share", 0.0)
    if chosen.get("name") == CITATIONS.name:
        return (
            f"PageRank on {CITATIONS.describe()}: {share:.0%} of the papers cite or are cited inside the corpus "
            f"(at least {MIN_CITATION_SHARE:.0%} needed), so a paper ranks high when papers that rank high "
            "build on it."
        )
    return (
        f"PageRank on {LINKS.describe()}: only {share:.0%} of the papers cite or are cited inside the corpus "
        f"(PageRank runs on citations from {MIN_CITATION_SHARE:.0%}), so a paper ranks high when it shares "
        "specific methods and problems with many papers that rank high."
    )


def _community_intro(G: nx.MultiDiGraph, analysis: AnalysisResult) -> str:
    found = G.graph.get("analysis", {}).get("communities", {})
    papers = len(nodes_of_kind(G, schema.PAPER))
    unclustered = sum(1 for p in nodes_of_kind(G, schema.PAPER) if G.nodes[p].get("community") == UNCLUSTERED)
    tries = ", ".join(
        f"{t['resolution']:g}: {t['communities']} groups, modularity {t['modularity']:.2f}, "
        f"largest {t['largest_share']:.0%}"
        for t in found.get("tried", [])
    )
    ways = found.get("attached", {})
    attached = (
        "; ".join(f"{n} by {WAYS.get(way, way)}" for way, n in ways.items()) + "." if ways else "none."
    )
    return (
        f"{len(analysis.communities)} communities of at least {found.get('min_size', 3)} papers: seeded Louvain "
        f"on the RELATED_TO links at resolution {found.get('resolution', 1.0):g}, the best of modularity × "
        f"(1 − largest community's share) over the resolutions tried ({tries}). "
        f"Papers of smaller groups joined a community: {attached} "
        f"{unclustered} of {papers} papers ({unclustered / max(papers, 1):.0%}) are close to no community and "
        "are unclustered (community -1). Labels, 'papers on' and central papers come from each community's "
        "linked papers: its most distinctive specific techniques and concepts (class-based TF-IDF weighted "
        "by specificity; broad items such as transformers or LLMs label a community only when nothing "
        "specific does, marked '(broad)')."
    )


def _communities(G: nx.MultiDiGraph, analysis: AnalysisResult) -> list[Block]:
    shown = analysis.communities[:MAX_COMMUNITIES]
    blocks = [Block("h2", "Communities"), Block("p", _community_intro(G, analysis))]
    if len(analysis.communities) > len(shown):
        blocks.append(Block("p", f"The {len(shown)} largest are described here; communities.csv lists all."))
    for c in shown:
        items = [
            c.about,
            "central papers: " + "; ".join(display_name(G, p) for p in c.top_papers[:5]),
            f"techniques: {', '.join(c.top_techniques) or '—'}",
            f"distinctive concepts: {', '.join(c.top_concepts) or '—'}",
        ]
        size = f"{c.size} papers" if c.linked in (0, c.size) else f"{c.size} papers, {c.linked} linked"
        blocks += [Block("h3", f"{c.id}. {c.label} ({size})"), Block("ul", items=items)]
    return blocks


def _bridges(G: nx.MultiDiGraph, analysis: AnalysisResult) -> list[Block]:
    labels = analysis.community_labels()
    blocks = [Block("h2", "Bridges between communities")]
    if analysis.bridge_techniques:
        rows = [
            [b.label, "; ".join(f"{labels.get(c, c)} ({n})" for c, n in b.communities.items())]
            for b in analysis.bridge_techniques
        ]
        blocks += [
            Block("h3", "Techniques shared across communities (papers using them per community)"),
            Block("table", header=["technique", "communities"], rows=rows),
        ]
    if analysis.bridge_papers:
        rows = [
            [b.title, ", ".join(str(c) for c in b.communities), f"{b.participation:.2f}", f"{b.betweenness:.4f}"]
            for b in analysis.bridge_papers
        ]
        blocks += [
            Block("h3", "Papers linking communities"),
            Block("table", header=["paper", "communities linked", "participation", "betweenness"], rows=rows),
        ]
    if len(blocks) == 1:
        blocks.append(Block("p", "No technique or paper links two communities."))
    return blocks


def _trends(analysis: AnalysisResult) -> list[Block]:
    t = analysis.trends
    blocks = [Block("h2", "Trends")]
    if not t.periods:
        return [*blocks, Block("p", "Too few dated papers for trends.")]
    counts = ", ".join(f"{p}: {n}" for p, n in t.papers.items())
    blocks.append(Block("p", f"Papers per {t.granularity}: {counts}."))
    if t.rising:
        rows = [
            [r.label, schema.split_node_id(r.item)[0], str(r.latest), f"{r.share_latest:.0%}", f"{r.share_before:.0%}"]
            for r in t.rising
        ]
        blocks += [
            Block("h3", f"Rising in {t.periods[-1]} (share of that {t.granularity}'s papers vs all earlier papers)"),
            Block("table", header=["item", "kind", "papers", f"share {t.periods[-1]}", "share before"], rows=rows),
        ]
    return blocks


def _method(G: nx.MultiDiGraph, analysis: AnalysisResult) -> list[Block]:
    how = "exact" if analysis.betweenness_exact else "estimated from a seeded sample of source papers"
    return [
        Block("h2", "How these numbers were computed"),
        Block(
            "ul",
            items=[
                "Paper PageRank: " + _centrality_basis(G),
                f"Paper betweenness: {how}, on the RELATED_TO links (undirected, unweighted).",
                "Technique PageRank: on the co-use graph (techniques linked by the papers using both; "
                "baselines and negations do not count as uses).",
                "Concept PageRank: each paper's PageRank shared equally among its concepts.",
                "Participation: 0 when a paper's links stay in its community, higher as they spread.",
            ],
        ),
    ]


def report_blocks(G: nx.MultiDiGraph, analysis: AnalysisResult) -> list[Block]:
    """The report's content, before rendering."""
    title = Block("h1", f"paperkg report: {len(nodes_of_kind(G, schema.PAPER))} papers")
    return [
        title,
        *_summary(G),
        *_central(G, analysis),
        *_communities(G, analysis),
        *_bridges(G, analysis),
        *_trends(analysis),
        *_method(G, analysis),
    ]


#: Characters that start Markdown/HTML markup anywhere in a line: raw HTML and entities (``< > &``), links
#: and images (``[ ]``), code, emphasis, strikethrough, maths (`` ` * _ ~ $``), table cells (``|``),
#: heading marks (``#``) and the escape character itself. Each gets a backslash (CommonMark escapes).
_MD_INLINE = re.compile(r"([\\`*_~$<>&\[\]|#])")
#: What makes a line a list item, a thematic break or a setext underline: ``-``, ``+``, ``=`` runs and
#: ``1.``/``1)`` followed by a space or the end. Its last character gets a backslash.
_MD_BLOCK_START = re.compile(r"^(?:[-+=]+|\d{1,9}[.)])(?=\s|$)")


def _md_cell(text: object) -> str:
    r"""``text`` as one line of literal Markdown text: whitespace runs (newlines too) become one space and
    every character a CommonMark renderer could read as markup (raw HTML included) is backslash-escaped.

    >>> print(_md_cell("<img src=x onerror=alert(1)> *a* | [b](javascript:x)"))
    \<img src=x onerror=alert(1)\> \*a\* \| \[b\](javascript:x)
    >>> print(_md_cell("- 1. <style>\n@import url(//x)</style>"), _md_cell("0.1234"))
    \- 1. \<style\> @import url(//x)\</style\> 0.1234
    """
    line = _MD_INLINE.sub(r"\\\1", " ".join(str(text).split()))
    return _MD_BLOCK_START.sub(lambda m: m[0][:-1] + "\\" + m[0][-1], line)


def to_markdown(blocks: Sequence[Block]) -> str:
    """Render blocks as Markdown."""
    out: list[str] = []
    marks = {"h1": "#", "h2": "##", "h3": "###"}
    for b in blocks:
        if b.kind in marks:
            out += [f"{marks[b.kind]} {_md_cell(b.text)}", ""]
        elif b.kind == "p":
            out += [_md_cell(b.text), ""]
        elif b.kind == "ul":
            out += [f"- {_md_cell(i)}" for i in b.items] + [""]
        elif b.kind == "table":
            out.append("| " + " | ".join(_md_cell(h) for h in b.header) + " |")
            out.append("|" + "---|" * len(b.header))
            out += ["| " + " | ".join(_md_cell(c) for c in row) + " |" for row in b.rows]
            out.append("")
    return "\n".join(out)


def to_html(blocks: Sequence[Block]) -> str:
    """Render blocks as a standalone HTML page (all text escaped)."""
    e = html.escape
    body: list[str] = []
    for b in blocks:
        if b.kind in ("h1", "h2", "h3", "p"):
            body.append(f"<{b.kind}>{e(b.text)}</{b.kind}>")
        elif b.kind == "ul":
            body.append("<ul>" + "".join(f"<li>{e(i)}</li>" for i in b.items) + "</ul>")
        elif b.kind == "table":
            head = "".join(f"<th>{e(h)}</th>" for h in b.header)
            rows = "".join("<tr>" + "".join(f"<td>{e(c)}</td>" for c in row) + "</tr>" for row in b.rows)
            body.append(f"<table><thead><tr>{head}</tr></thead><tbody>{rows}</tbody></table>")
    title = e(blocks[0].text) if blocks else "paperkg report"
    style = (
        "body{font-family:system-ui,sans-serif;max-width:60rem;margin:2rem auto;padding:0 1rem;line-height:1.4}"
        "table{border-collapse:collapse;margin:.5rem 0}td,th{border:1px solid #ccc;padding:.2rem .5rem;"
        "text-align:left;vertical-align:top}th{background:#f3f3f3}"
    )
    return (
        f'<!DOCTYPE html>\n<html lang="en"><head><meta charset="utf-8"><title>{title}</title>'
        f"<style>{style}</style></head><body>\n" + "\n".join(body) + "\n</body></html>\n"
    )


def write_report(G: nx.MultiDiGraph, analysis: AnalysisResult, out_dir: str | Path) -> Path:
    """Write ``report.md`` and ``report.html`` into ``out_dir``; returns the Markdown path."""
    out = Path(out_dir)
    blocks = report_blocks(G, analysis)
    atomic_write(out / "report.html", to_html(blocks))
    return atomic_write(out / "report.md", to_markdown(blocks))

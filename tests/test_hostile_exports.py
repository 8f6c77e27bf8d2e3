"""Hostile text from the inputs (titles, author names, concepts) reaches no spreadsheet formula, no markup.

Each payload below is put at the start of titles, author names and concept labels of the small test
corpus; then every spreadsheet CSV is read back cell by cell, ``report.md`` is rendered by a CommonMark
renderer that lets raw HTML through (markdown-it-py, ``html=True``) and ``report.html`` is parsed.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from dataclasses import replace
from html.parser import HTMLParser
from pathlib import Path

import networkx as nx
import pytest
from build_fixtures import SMALL, extractions, papers, vocabulary
from markdown_it import MarkdownIt

from graph.analysis import analyze
from graph.build import build_graph
from graph.export.files import CSV_COLUMNS, FORMULA_STARTS, write_graph_files
from graph.export.graphdb.bulk import write_bulk_import
from graph.export.report import write_report

FORMULAS = [
    '=HYPERLINK("http://evil.example/x","open")',
    "=cmd|' /C calc'!A0",
    "@SUM(1)",
    "+1+2 plus",
    "-2+3 minus",
    "\t=1+1 tab",
    "\r=1+1 cr",
]
MARKUP = [
    "<script>alert(1)</script>",
    "<img src=x onerror=alert(1)>",
    "<style>@import url(http://evil.example/x.css)</style>",
    '<a href="javascript:alert(1)">click</a>',
    "[click](javascript:alert(1))",
    "![pixel](http://evil.example/p.png)",
    "&lt;script&gt;alert(1)&lt;/script&gt;",
    "<!-- hidden --> <iframe src=//evil.example>",
    "`code` *em* _em_ ~~del~~ | pipe",
    "- 1. list",
]
PAYLOADS = FORMULAS + MARKUP


def hostile_title(i: int, title: str) -> str:
    """Paper ``i``'s title with a formula and a markup payload in front."""
    return f"{FORMULAS[i % len(FORMULAS)]} {MARKUP[i % len(MARKUP)]} {title}"


def hostile_graph() -> nx.MultiDiGraph:
    """The test corpus with payloads in front of every title, author name and concept label."""
    records = [
        replace(p, title=hostile_title(i, p.title), authors=[f"{FORMULAS[-i % len(FORMULAS)]} {a}" for a in p.authors])
        for i, p in enumerate(papers())
    ]
    found = extractions()
    in_lists = [m for m in MARKUP if ";" not in m]  # ';' separates list elements in Neo4j bulk files
    for i, extraction in enumerate(found.values()):
        payload = in_lists[-i % len(in_lists)]
        extraction.concepts = [replace(hit, surface=f"{payload} {hit.surface}") for hit in extraction.concepts]
    vocab = vocabulary()
    return build_graph(records, found, vocab.techniques, vocab.technique_for_phrase, SMALL)


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[nx.MultiDiGraph, Path]:
    G = hostile_graph()
    result = analyze(G)
    out = tmp_path_factory.mktemp("hostile")
    write_graph_files(G, result, out)
    write_report(G, result, out)
    write_bulk_import(G, out / "neo4j")
    return G, out


def cells(path: Path) -> Iterator[str]:
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.reader(fh):
            yield from row


def is_number(cell: str) -> bool:
    """A cell a spreadsheet reads as a number (``-1``, ``-0.25``), which is no formula."""
    try:
        float(cell)
    except ValueError:
        return False
    return True


def formula_cells(path: Path) -> list[str]:
    """Cells, and ``"; "``-joined list items, that a spreadsheet would read as a formula."""
    texts = [c for c in cells(path) if not is_number(c)]
    return [t for c in texts for t in {c, *c.split("; ")} if t.startswith(FORMULA_STARTS) and not is_number(t)]


def test_no_spreadsheet_csv_has_a_formula_cell(written: tuple[nx.MultiDiGraph, Path]) -> None:
    _, out = written
    assert {name: formula_cells(out / name) for name in CSV_COLUMNS} == {name: [] for name in CSV_COLUMNS}


def test_the_payload_text_is_kept_behind_the_quote(written: tuple[nx.MultiDiGraph, Path]) -> None:
    _, out = written
    titles = {row["title"] for row in csv.DictReader((out / "papers.csv").open(encoding="utf-8", newline=""))}
    expected = {"'" + hostile_title(i, p.title).replace("\r", "\n") for i, p in enumerate(papers())}
    assert titles == expected
    names = {row["name"] for row in csv.DictReader((out / "authors.csv").open(encoding="utf-8", newline=""))}
    assert {"'" + FORMULAS[0] + " Sangyun Lee", "'" + FORMULAS[-1].strip() + " Yuanzhi Zhu"} <= names


def test_neo4j_bulk_files_keep_values_exact(written: tuple[nx.MultiDiGraph, Path]) -> None:
    _, out = written
    bulk = set(cells(out / "neo4j" / "nodes_Paper.csv"))
    titles = {hostile_title(i, p.title) for i, p in enumerate(papers())}
    assert {t for t in titles if "\r" not in t} <= bulk  # (a bare CR ends a row for Python's csv reader)


class Tags(HTMLParser):
    """Every start tag with its attributes, and the text."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: list[tuple[str, list[tuple[str, str | None]]]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.tags.append((tag, attrs))

    def handle_data(self, data: str) -> None:
        self.text.append(data)

    def handle_comment(self, data: str) -> None:
        self.tags.append(("!--", []))


def parsed(html: str) -> Tags:
    parser = Tags()
    parser.feed(html)
    parser.close()
    return parser


#: The only elements the report's structure produces.
REPORT_TAGS = {"h1", "h2", "h3", "p", "ul", "li", "table", "thead", "tbody", "tr", "th", "td"}


def test_report_md_rendered_with_raw_html_allowed_has_no_markup_from_the_data(
    written: tuple[nx.MultiDiGraph, Path],
) -> None:
    _, out = written
    renderer = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    page = parsed(renderer.render((out / "report.md").read_text(encoding="utf-8")))
    assert {tag for tag, _ in page.tags} <= REPORT_TAGS
    assert [attrs for _, attrs in page.tags if attrs] == []
    text = " ".join("".join(page.text).split())
    shown = [i for i, p in enumerate(papers()) if p.title in text]
    assert len(shown) >= 3
    for i in shown:  # every title in the report is shown literally, payloads included
        assert " ".join(hostile_title(i, papers()[i].title).split()) in text


def test_report_html_has_no_markup_from_the_data(written: tuple[nx.MultiDiGraph, Path]) -> None:
    _, out = written
    page = parsed((out / "report.html").read_text(encoding="utf-8"))
    tags = [tag for tag, _ in page.tags]
    assert set(tags) <= REPORT_TAGS | {"html", "head", "meta", "title", "style", "body"}
    assert tags.count("style") == 1 and "script" not in tags
    assert "<script>alert(1)</script>" in " ".join("".join(page.text).split())

"""The report tells a reader true things about the corpus, in Markdown and escaped HTML."""

from __future__ import annotations

import pytest
from build_fixtures import build

from graph.analysis import analyze
from graph.export.report import to_html, to_markdown, write_report


@pytest.fixture(scope="module")
def report(tmp_path_factory):
    G = build()
    result = analyze(G)
    out = tmp_path_factory.mktemp("report")
    path = write_report(G, result, out)
    return G, result, path.read_text(encoding="utf-8"), (out / "report.html").read_text(encoding="utf-8")


def test_report_summarises_the_corpus(report):
    _, _, md, _ = report
    assert "9 papers, published 2019–2024" in md
    assert "3 citations inside the corpus (1 from reference lists, 2 inferred" in md


def test_report_names_the_communities_and_their_techniques(report):
    _, result, md, _ = report
    for community in result.communities:
        assert f"{community.label} ({community.size} papers" in md
        assert community.about in md
    assert "Vision-language pre-training" in md
    assert "unclustered (community -1)" in md


def test_report_says_which_graph_pagerank_ran_on(report):
    G, _, md, _ = report
    chosen = G.graph["analysis"]["centrality"]
    assert chosen["name"] == "citations" and chosen["citation_share"] >= 0.5  # 5 of the 9 papers cite or are cited
    assert "PageRank on citations (CITES, citing → cited, unweighted): 56% of the papers" in md


def test_report_lists_central_papers_and_rising_items(report):
    G, result, md, _ = report
    assert G.nodes[result.top["paper"][0].node]["title"] in md
    assert "Rising in 2024" in md


def test_html_escapes_text_from_the_data():
    from graph.export.report import Block

    blocks = [Block("h1", "<script>alert(1)</script>"), Block("table", header=["a|b"], rows=[["x|y"]])]
    page = to_html(blocks)
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert "x\\|y" in to_markdown(blocks)


def test_html_report_has_the_same_sections(report):
    _, _, md, html = report
    headings = [line.lstrip("#").strip() for line in md.splitlines() if line.startswith("## ")]
    for heading in headings:
        assert f"<h2>{heading}</h2>" in html

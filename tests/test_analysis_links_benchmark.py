"""benchmarks/links.py scores a graph folder against judgements the way docs/links.md describes."""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from test_analysis_communities import corpus

from graph import schema
from graph.analysis import analyze
from graph.export.files import write_graph_files

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def links():
    spec = importlib.util.spec_from_file_location("links_benchmark", ROOT / "benchmarks" / "links.py")
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up
    spec.loader.exec_module(module)
    return module


@pytest.fixture(scope="module")
def folder(tmp_path_factory):
    G = corpus()
    out = tmp_path_factory.mktemp("graph")
    write_graph_files(G, analyze(G), out)
    judged = tmp_path_factory.mktemp("judged")
    pairs = [
        {"a": "t0p0", "b": "t0p1", "related": True, "why": "same topic"},
        {"a": "t0p0", "b": "t1p0", "related": False, "why": "only transformers"},
    ]
    queries = [{"query": "t1p0", "related": [f"t1p{j}" for j in range(1, 6)], "maybe": ["lone-kv"], "note": ""}]
    (judged / "pairs.jsonl").write_text("".join(json.dumps(p) + "\n" for p in pairs), encoding="utf-8")
    (judged / "queries.jsonl").write_text("".join(json.dumps(q) + "\n" for q in queries), encoding="utf-8")
    return out, judged


def test_judged_links_count_pairs_and_every_link_of_a_query_paper(links, folder):
    out, judged = folder
    G = links.api.load_graph(out)
    pairs, queries = links.read_judged(judged)
    judged_links, right, unjudged = links.judge_links(G, pairs, queries)
    # t0p0-t0p1 (pair, related) + t1p0's 5 links to its topic (query, related); t0p0-t1p0 is not a link
    assert (judged_links, right) == (6, 6)
    assert unjudged == sum(1 for _ in links.edges_of(G, schema.RELATED_TO)) - 6


def test_similar_scores_count_maybe_neither_way(links):
    q = links.Query("paper:q", {"paper:a", "paper:b"}, {"paper:m"})
    scores = links.Scores()
    scores.add(q, ["paper:a", "paper:m", "paper:x"], k=10)
    assert (scores.right, scores.answered, scores.found, scores.reachable) == (1, 2, 1, 2)
    assert "precision 0.50 (1/2)" in scores.line("x") and "recall 0.50 (1/2)" in scores.line("x")


def test_report_prints_every_figure(links, folder, capsys):
    out, judged = folder
    links.report(out, judged, k=10, minilm=False)
    printed = capsys.readouterr().out
    assert "only broad shared items: 0.0%" in printed
    assert "communities: 3 (0 under 3 papers), sizes [8, 7, 7]; unclustered 3 (12.0%)" in printed
    assert "label words: " in printed and "RELATED_TO precision on judged links: 1.00 (6/6)" in printed
    assert "paperkg similar" in printed and "TF-IDF cosine" in printed

"""Citation evidence (issue 11 item 7): bibliographic coupling and co-citation on a corpus loaded from a
Semantic Scholar search response (the API's shape: ``data`` of papers with ``references``), through the
real loader, build, ``similar`` and ``explain``."""

from __future__ import annotations

import json
from pathlib import Path

import networkx as nx
import pytest

from graph import schema
from graph.build import BuildOptions, build_graph
from graph.extraction import PaperExtraction
from graph.questions import explain, similar
from graph.relatedness import ItemCut, evidence_from_graph, item_specificities
from graph.techniques import Vocabulary
from loaders.detect import load_paths
from loaders.records import resolve_references

CLASSIC = "0000000000000000000000000000000000c1a551"


def _ref(pid: str, title: str = "") -> dict:
    return {"paperId": pid, "externalIds": {}, "title": title}


def _paper(pid: str, title: str, abstract: str, refs: list[str]) -> dict:
    """One paper as the S2 Graph API returns it (fields=title,abstract,year,externalIds,authors,references)."""
    return {
        "paperId": pid,
        "externalIds": {"CorpusId": int(pid[-6:], 16)},
        "url": f"https://www.semanticscholar.org/paper/{pid}",
        "title": title,
        "abstract": abstract,
        "year": 2023,
        "publicationDate": "2023-05-01",
        "authors": [{"authorId": "1", "name": "A. Author"}],
        "references": [_ref(r) for r in [CLASSIC, *refs]],
    }


def _pid(n: int) -> str:
    return f"{n:040x}"


TOPICS = [
    "protein folding",
    "galaxy surveys",
    "crop yields",
    "river flooding",
    "bird migration",
    "glacier melting",
    "ocean acidity",
    "urban traffic",
]


@pytest.fixture(scope="module")
def graph(tmp_path_factory: pytest.TempPathFactory) -> nx.MultiDiGraph:
    coupled = [_pid(0xA1), _pid(0xA2)]
    shared_refs = [_pid(0xE1), _pid(0xE2), _pid(0xE3)]
    data = [
        _paper(_pid(0xC0), "Deep Residual Learning", "A classic every paper cites.", []),
        _paper(coupled[0], "Sparse solvers for elliptic problems", "We study sparse solvers.", shared_refs),
        _paper(coupled[1], "Preconditioning in practice", "A practical study of preconditioners.", shared_refs),
        _paper(_pid(0xD1), "A review of reviews", "Reviews two papers.", [_pid(0xF1), _pid(0xF2)]),
        _paper(_pid(0xD2), "Another review", "Reviews the same two papers.", [_pid(0xF1), _pid(0xF2)]),
        _paper(_pid(0xF1), "Tidal energy", "Harvesting tides.", []),
        _paper(_pid(0xF2), "Wave energy converters", "Harvesting waves.", []),
    ]
    data += [
        _paper(_pid(0x100 + i), f"Notes on {t}", f"We observe {t}.", [_pid(0x200 + i)]) for i, t in enumerate(TOPICS)
    ]
    # every paper cites the classic (also in the corpus under its own id): too common to relate anyone
    data[0]["paperId"] = CLASSIC
    data[0]["references"] = []
    path = tmp_path_factory.mktemp("s2") / "s2_search.json"
    path.write_text(json.dumps({"total": len(data), "offset": 0, "data": data}), encoding="utf-8")
    papers = resolve_references(load_paths([path]).papers)
    vocab = Vocabulary.load()
    extractions = {p.id: PaperExtraction(p.id, [], vocab.match_paper(p.title, p.abstract)) for p in papers}
    return build_graph(papers, extractions, vocab.techniques, options=BuildOptions(max_concept_df=0.25))


def _node(G: nx.MultiDiGraph, title: str) -> str:
    return next(n for n, d in G.nodes(data=True) if d.get("title") == title)


def _linked(G: nx.MultiDiGraph, a: str, b: str) -> dict | None:
    u, v = schema.related_pair(_node(G, a), _node(G, b))
    return G.get_edge_data(u, v, key=schema.RELATED_TO)


def test_bibliographic_coupling_links_papers_citing_the_same_specific_works(graph):
    edge = _linked(graph, "Sparse solvers for elliptic problems", "Preconditioning in practice")
    assert edge is not None
    assert sum(s.startswith("cites: ") for s in edge["shared"]) == 3


def test_co_citation_links_papers_cited_together(graph):
    edge = _linked(graph, "Tidal energy", "Wave energy converters")
    assert edge is not None
    assert {"cited by: A review of reviews", "cited by: Another review"} <= set(edge["shared"])


def test_a_reference_everyone_cites_links_nobody(graph):
    evidence = evidence_from_graph(graph)
    spec = item_specificities(evidence, ItemCut.of_graph(graph).for_corpus(len(evidence.items_of)))
    classic = schema.split_node_id(_node(graph, "Deep Residual Learning"))[1]
    assert f"work:{classic}" not in spec  # capped: not even a candidate, so no quadratic blow-up
    for a in TOPICS[:3]:
        for b in TOPICS[3:6]:
            assert _linked(graph, f"Notes on {a}", f"Notes on {b}") is None


def test_similar_and_explain_name_the_shared_references(graph):
    found = similar(graph, "Sparse solvers for elliptic problems", k=3)
    assert found and found[0].title == "Preconditioning in practice"
    assert found[0].linked and any(s.startswith("cites: ") for s in found[0].shared)
    why = explain(graph, "Tidal energy", "Wave energy converters")
    assert "cited by: A review of reviews" in why.evidence_shared
    assert "cited by: A review of reviews" in why.to_text()


def test_references_survive_on_paper_nodes(graph):
    refs = graph.nodes[_node(graph, "Sparse solvers for elliptic problems")]["references"]
    assert len(refs) == 4 and all(isinstance(r, str) for r in refs)


def test_loader_fixture_is_s2_shaped():
    """The fixture shape matches the loader's own Semantic Scholar fixture (a real API response)."""
    real = json.loads((Path(__file__).parent / "fixtures/loaders/s2_paper.json").read_text(encoding="utf-8"))
    assert {"paperId", "externalIds", "title", "abstract", "authors", "references"} <= set(real)
    assert set(_paper(_pid(1), "t", "a", [])) >= {"paperId", "externalIds", "title", "abstract", "references"}


def _random_texts(seed: int, n: int) -> list[str]:
    import random

    rng = random.Random(seed)
    words = [f"w{j}" for j in range(300)] + ["the", "of", "flow", "flows"]
    texts = [" ".join(rng.choices(words, k=rng.randint(0, 60))) for _ in range(n)]
    return [*texts, texts[0], "", "the of and"]  # a duplicate text, an empty one, stop words only


def test_text_counts_rebuild_the_tfidf_bit_for_bit():
    """The compact TF-IDF of 1M-paper runs gives text_matrix's exact floats (the thresholds were set on them)."""
    import numpy as np

    from graph.textsim import text_counts, text_matrix

    texts = _random_texts(3, 400)
    T = text_matrix(texts)
    rng = np.random.default_rng(5)
    left, right = rng.integers(0, len(texts), 3000), rng.integers(0, len(texts), 3000)
    expected = [(T[[r]] @ T[[i]].T).toarray()[0, 0] for i, r in zip(left, right, strict=True)]
    for keep_values in (False, True):  # the compact form (streamed files) and the one holding values (the build)
        C = text_counts(iter(texts), keep_values=keep_values)
        rows = C.rows(np.arange(len(texts)))
        assert np.array_equal(rows.indptr, T.indptr) and np.array_equal(rows.indices, T.indices)
        assert np.array_equal(rows.data, T.data)
        assert np.array_equal(C.cosines(left, right), np.array(expected))


def test_numbered_items_link_the_same_pairs_as_lists_of_ids():
    """The streamed files' ItemTable and the in-memory build's dict of lists are one rule: same links."""
    import random

    from graph.relatedness import Evidence, ItemTable, related_pairs

    rng = random.Random(11)
    items = [f"technique:t{j}" for j in range(30)] + [f"concept:c{j}" for j in range(60)] + ["work:x", "work:y"]
    items_of = {f"paper:p{i:03d}": rng.sample(items, 6) for i in range(150)}
    texts = dict(zip(items_of, _random_texts(4, 150), strict=False))
    cut = ItemCut().for_corpus(len(items_of))
    listed = related_pairs(Evidence(items_of, {}, texts=texts), cut, k=4)
    table = ItemTable.of(items_of)
    numbered = related_pairs(Evidence(table, {}, texts=texts), cut, k=4)
    assert listed and listed == numbered
    assert table["paper:p007"] == list(dict.fromkeys(items_of["paper:p007"]))


def test_citation_rows_follow_the_citation_rule():
    from graph.relatedness import citation_items, citation_rows

    references = {"a": ["b", "x", "a", "b"], "b": ["c"], "c": [], "d": ["x", "c"]}
    assert citation_items(references) == {
        "a": ["work:a", "work:b", "work:x"],  # never citing itself; a repeated reference counts once
        "b": ["citedby:a", "work:b", "work:c"],
        "c": ["citedby:b", "citedby:d", "work:c"],
        "d": ["work:c", "work:d", "work:x"],
    }
    assert list(citation_rows(references, sorted(references))) == list(citation_items(references).values())

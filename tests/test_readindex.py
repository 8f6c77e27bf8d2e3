"""The reader index: `paperkg top/explain/similar` answer from DIR/readers.sqlite exactly as from the graph."""

from __future__ import annotations

import itertools
import json
import os
import subprocess
import sys
from pathlib import Path

import networkx as nx
import numpy as np
import pytest
from build_fixtures import build

from graph import api, questions, schema
from graph.analysis import analyze
from graph.errors import PaperkgError, WorkspaceError
from graph.outfolder import MANIFEST_FILE, finish_outputs, manifest, writer_lock
from graph.pipeline import write_outputs
from graph.readindex import INDEX_FILE, open_index
from graph.relatedness import _cosines, evidence_from_graph

ROOT = Path(__file__).resolve().parent.parent
NAMES = ["SlimFlow", "rectified flow", "ViLT", "vision", "arxiv:2407.12718", "Attention Is All", "no such paper", "!!"]


@pytest.fixture(scope="module")
def built(tmp_path_factory: pytest.TempPathFactory) -> tuple[nx.MultiDiGraph, Path]:
    """The hand-made corpus, analysed and written like a build (every output file, the manifest)."""
    G = build()
    result = analyze(G)
    out = tmp_path_factory.mktemp("out")
    with writer_lock(out):
        write_outputs(G, result, out)
    return api.load_graph(out), out


def _answer(ask, *args):
    """An answer, or the error a user would read."""
    try:
        return ask(*args)
    except PaperkgError as exc:
        return f"{type(exc).__name__}: {exc}"


def _papers(G: nx.MultiDiGraph) -> list[str]:
    return sorted(schema.split_node_id(n)[1] for n, kind in G.nodes(data="kind") if kind == schema.PAPER)


def assert_same_answers(G: nx.MultiDiGraph, out: Path, papers: list[str], pairs: list[tuple[str, str]]) -> None:
    """Every reader answers the same through the index (api, from ``out``) as through the graph in memory."""
    graph = questions.GraphSource(G)
    with open_index(out) as index:
        assert isinstance(index, questions.Source)
        for paper in papers:
            assert api.similar(paper, 10, out) == questions.similar(graph, paper, 10)
        for a, b in pairs:
            assert api.explain(a, b, out) == questions.explain(graph, a, b)
        for kind, by in itertools.product(schema.NODES, questions.TOP_MEASURES):
            assert _answer(api.top, kind, by, 25, out) == _answer(questions.top, graph, kind, by, 25)
        for name in NAMES + papers[:5]:
            assert _answer(questions.resolve_paper, index, name) == _answer(questions.resolve_paper, graph, name)


def test_a_build_writes_the_index_and_its_manifest_lists_it(built):
    G, out = built
    record = manifest(out)
    assert INDEX_FILE in record["files"] and (out / INDEX_FILE).exists()
    with open_index(out) as index:
        assert index.n_papers() == len(_papers(G))


def test_every_answer_from_the_index_is_the_graphs(built):
    G, out = built
    papers = _papers(G)
    assert_same_answers(G, out, papers, list(itertools.permutations(papers, 2)))


def test_text_cosines_are_scipys_numbers_to_the_bit(built):
    G, out = built
    evidence = evidence_from_graph(G)
    papers = sorted(evidence.items_of)
    with open_index(out) as index:
        for i, paper in enumerate(papers):
            assert np.array_equal(index._cosines(i), _cosines(evidence, papers, paper))


def _copied(out: Path, dest: Path, leave_out: str = "") -> Path:
    """``dest``: a recorded output folder holding ``out``'s top-level files (but ``leave_out``)."""
    dest.mkdir()
    files = [name for name in manifest(out)["files"] if "/" not in name and name != leave_out]
    for name in files:
        (dest / name).write_bytes((out / name).read_bytes())
    finish_outputs(dest, [dest / name for name in files])
    return dest


def test_a_folder_without_an_index_is_read_from_its_graph(built, tmp_path):
    """An output folder of an older paperkg (no index in its manifest) still answers, from graph.json."""
    G, out = built
    old = _copied(out, tmp_path / "old", leave_out=INDEX_FILE)
    assert open_index(old) is None
    paper = _papers(G)[0]
    assert api.similar(paper, 10, old) == api.similar(paper, 10, out)


def test_an_index_made_from_another_graph_is_not_read(built, tmp_path):
    _, out = built
    other = _copied(out, tmp_path / "other")
    graph = json.loads((other / "graph.json").read_text())
    graph["graph"]["note"] = "edited"
    (other / "graph.json").write_text(json.dumps(graph))
    names = [name for name in manifest(out)["files"] if "/" not in name]
    finish_outputs(other, [other / name for name in names])  # recorded, but the index is of the old graph
    assert open_index(other) is None
    assert api.top("paper", "pagerank", 3, other) == api.top("paper", "pagerank", 3, out)


def test_a_changed_index_is_refused_like_any_changed_output(built, tmp_path):
    _, out = built
    changed = _copied(out, tmp_path / "changed")
    data = bytearray((changed / INDEX_FILE).read_bytes())
    data[-1] ^= 0xFF
    (changed / INDEX_FILE).write_bytes(bytes(data))
    with pytest.raises(WorkspaceError, match="changed since build"):
        api.top("paper", "pagerank", 3, changed)
    (changed / MANIFEST_FILE).write_text(json.dumps({"state": "writing"}))
    with pytest.raises(WorkspaceError, match="stopped while writing"):
        api.similar("SlimFlow", 3, changed)


def test_the_evidence_path_is_a_cheapest_path_and_the_same_in_every_run(built):
    """networkx's search (used before) chose among equally cheap paths by hash order, so the same question
    got another path from run to run; the path now depends on nothing but the graph."""
    G, out = built
    graph = questions.GraphSource(G)
    view = nx.subgraph_view(G, filter_edge=lambda u, v, k: k in questions.PATH_EDGES).to_undirected(as_view=True)

    def cost(u, v, _):
        return 1.0 + np.log1p(float(G.nodes[v].get("df", 0)) + float(G.nodes[u].get("df", 0)))

    papers = [schema.node_id(schema.PAPER, p) for p in _papers(G)]
    for a, b in itertools.permutations(papers, 2):
        path = questions._evidence_path(graph, a, b)
        expected = nx.dijkstra_path_length(view, a, b, weight=cost)
        assert sum(cost(u, v, None) for u, v in itertools.pairwise(path)) == pytest.approx(expected)
    script = (
        "import sys; from graph import api; "
        "print([api.explain(a, b, sys.argv[1]).path for a in sys.argv[2:] for b in sys.argv[2:] if a != b])"
    )
    runs = {
        subprocess.run(
            [sys.executable, "-c", script, str(out), *_papers(G)],
            env={**os.environ, "PYTHONHASHSEED": seed},
            capture_output=True,
            text=True,
            check=True,
        ).stdout
        for seed in ("1", "2", "3")
    }
    assert len(runs) == 1


def test_readers_start_without_the_graph_stage_or_networkx(built):
    """`paperkg info/top` import no graph stage, loaders, Cypher or networkx; explain/similar no scipy."""
    _, out = built
    script = (
        "import json, sys; from graph import cli; from graph import api; "
        "api.top('paper', 'pagerank', 3, sys.argv[1]); before = sorted(sys.modules); "
        "api.similar('SlimFlow', 3, sys.argv[1]); api.explain('SlimFlow', 'ViLT', sys.argv[1]); "
        "print(json.dumps([before, sorted(sys.modules)]))"
    )
    found = subprocess.run([sys.executable, "-c", script, str(out)], capture_output=True, text=True, check=True)
    top_modules, all_modules = (set(names) for names in json.loads(found.stdout))
    heavy = {"networkx", "scipy", "graph.build", "graph.analysis", "graph.pipeline", "loaders.detect"}
    assert not heavy & top_modules
    assert not {"scipy", "graph.build", "graph.analysis", "graph.pipeline", "torch"} & all_modules


@pytest.mark.slow
def test_the_sample_answers_the_same_from_its_index(sample_build):
    G = api.load_graph(sample_build)
    papers = _papers(G)
    pairs = [(papers[i], papers[(i * 7 + 3) % len(papers)]) for i in range(0, len(papers), 8)]
    assert_same_answers(G, sample_build, papers[::8], [(a, b) for a, b in pairs if a != b])

"""The workspace keeps the corpus consistent: merges, caches, atomic ingest, survival of kill -9."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import numpy as np
import pytest

from graph.errors import WorkspaceError
from graph.extraction import ConceptHit, PaperExtraction
from graph.store import Workspace
from loaders.records import Paper, Source


def _paper(i: int, **kw: object) -> Paper:
    return Paper.create(f"Paper number {i}", abstract=f"Abstract {i}.", sources=[Source("a.txt", i)], **kw)


def test_add_reports_new_merged_unchanged(tmp_path: Path) -> None:
    with Workspace.open(tmp_path) as ws:
        assert str(ws.ingest([_paper(1), _paper(2)])) == "2 new, 0 merged, 0 unchanged"
        richer = Paper.create(
            "PAPER number 1!", abstract="A much longer abstract of paper one.", sources=[Source("b.txt", 7)]
        )
        report = ws.ingest([richer, _paper(2), _paper(3)])
        assert (report.new, report.merged, report.unchanged) == (1, 1, 1)
        first = ws.papers()[0]
        assert first.abstract == "A much longer abstract of paper one."
        assert {str(s) for s in first.sources} == {"a.txt:1", "b.txt:7"}
        assert [p.title for p in ws.papers()] == ["Paper number 1", "Paper number 2", "Paper number 3"]


def test_title_record_merges_into_arxiv_record(tmp_path: Path) -> None:
    with Workspace.open(tmp_path) as ws:
        ws.ingest([_paper(1)])
        ws.ingest([_paper(1, arxiv="2401.00001")])
        (paper,) = ws.papers()
        assert paper.id == "arxiv:2401.00001"
        assert len(paper.sources) == 1


def test_failed_ingest_leaves_previous_state(tmp_path: Path) -> None:
    def papers_then_crash():
        yield _paper(10)
        yield _paper(11)
        raise RuntimeError("disk on fire")

    with Workspace.open(tmp_path) as ws:
        ws.ingest([_paper(1)])
        with pytest.raises(RuntimeError):
            ws.ingest(papers_then_crash())
        assert [p.title for p in ws.papers()] == ["Paper number 1"]


_KILLER = textwrap.dedent(
    """
    import os, signal, sys
    from graph.store import Workspace
    from loaders.records import Paper

    def papers():
        for i in range(100, 400):
            if i == 250:
                os.kill(os.getpid(), signal.SIGKILL)
            yield Paper.create(f"Paper number {i}", abstract="x")

    ws = Workspace.open(sys.argv[1])
    ws.ingest(papers())
    """
)


def test_kill_9_mid_ingest_then_rerun_equals_uninterrupted(tmp_path: Path) -> None:
    killed, clean = tmp_path / "killed", tmp_path / "clean"
    batch = [Paper.create(f"Paper number {i}", abstract="x") for i in range(100, 400)]
    for folder in (killed, clean):
        with Workspace.open(folder) as ws:
            ws.ingest([_paper(1)])
    proc = subprocess.run([sys.executable, "-c", _KILLER, str(killed)], cwd=Path(__file__).parent.parent)
    assert proc.returncode == -9
    with Workspace.open(killed) as ws:
        assert [p.title for p in ws.papers()] == ["Paper number 1"]
        ws.ingest(batch)
        after_rerun = [p.to_dict() for p in ws.papers()]
    with Workspace.open(clean) as ws:
        ws.ingest(batch)
        assert [p.to_dict() for p in ws.papers()] == after_rerun


def test_extraction_cache_invalidated_by_changed_text(tmp_path: Path) -> None:
    paper = _paper(1)
    extraction = PaperExtraction(paper.id, [ConceptHit("paper", "paper", 0.5, 1)])
    with Workspace.open(tmp_path) as ws:
        ws.put_extractions("cfg", [paper], {paper.id: extraction})
        assert ws.cached_extractions("cfg", [paper]) == {paper.id: extraction}
        assert ws.cached_extractions("other-config", [paper]) == {}
        changed = Paper.from_dict({**paper.to_dict(), "abstract": "New text."})
        assert ws.cached_extractions("cfg", [changed]) == {}


def test_embedding_cache_round_trip(tmp_path: Path) -> None:
    vectors = {"one-step": np.arange(4, dtype=np.float32), "dual-stream": np.ones(4, dtype=np.float32)}
    with Workspace.open(tmp_path) as ws:
        ws.put_many("m", vectors)
    with Workspace.open(tmp_path) as ws:
        got = ws.get_many("m", ["one-step", "dual-stream", "missing"])
        assert set(got) == {"one-step", "dual-stream"}
        np.testing.assert_array_equal(got["one-step"], vectors["one-step"])
        assert ws.get_many("other-model", ["one-step"]) == {}


def test_missing_or_corrupt_workspace_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no paperkg workspace"):
        Workspace.open(tmp_path / "nothing", create=False)
    (tmp_path / "bad").mkdir()
    (tmp_path / "bad" / "paperkg.sqlite").write_bytes(b"this is not sqlite at all" * 100)
    with pytest.raises(WorkspaceError, match="not a usable paperkg workspace"):
        Workspace.open(tmp_path / "bad")


def test_same_title_different_arxiv_ids_stay_two_papers(tmp_path: Path) -> None:
    with Workspace.open(tmp_path) as ws:
        ws.ingest([_paper(1, arxiv="2401.00001")])
        report = ws.ingest([_paper(1, arxiv="2401.99999")])
        assert report.new == 1
        assert sorted(p.id for p in ws.papers()) == ["arxiv:2401.00001", "arxiv:2401.99999"]


def test_rebuild_reports_against_the_corpus_before(tmp_path: Path) -> None:
    with Workspace.open(tmp_path) as ws:
        assert str(ws.replace_corpus([_paper(1), _paper(2)])) == "2 new, 0 merged, 0 unchanged"
        assert str(ws.replace_corpus([_paper(1), _paper(2)])) == "0 new, 0 merged, 2 unchanged"
        richer = Paper.create("Paper number 2", abstract="A longer abstract.", sources=[Source("a.txt", 2)])
        report = ws.replace_corpus([richer, _paper(3)])
        assert str(report) == "1 new, 1 merged, 0 unchanged, 1 removed"
        assert [p.title for p in ws.papers()] == ["Paper number 2", "Paper number 3"]

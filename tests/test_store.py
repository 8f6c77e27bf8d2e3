"""The workspace keeps the corpus consistent: merges, caches, atomic ingest, survival of kill -9."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import numpy as np
import pytest

from graph.errors import WorkspaceError
from graph.extraction import ConceptHit, PaperExtraction
from graph.store import Workspace
from loaders.records import Paper, Source, match_keys, merge_all


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


def test_add_merges_by_the_loaders_rule(tmp_path: Path) -> None:
    stored = [_paper(1, arxiv="2401.00001"), Paper.create("A title only paper", abstract="Short.")]
    added = [
        Paper.create("A Title-Only Paper!", arxiv="2401.00001", abstract="A longer abstract."),
        Paper.create("A title only paper", abstract="Short.", doi="10.1000/xyz"),
        _paper(2),
    ]
    with Workspace.open(tmp_path) as ws:
        ws.ingest(stored)
        report = ws.ingest(added)
        assert [p.to_dict() for p in ws.papers()] == [p.to_dict() for p in merge_all([*stored, *added])]
        assert report.new + report.merged + report.unchanged == len(added)
        assert ws.papers()[0].abstract == "A longer abstract."
        assert report.new == len(ws.papers()) - len(stored)


def test_add_writes_only_new_rows_without_a_query_per_paper(tmp_path: Path) -> None:
    with Workspace.open(tmp_path) as ws:
        ws.ingest([_paper(i) for i in range(500)])
        statements: list[str] = []
        ws.conn.set_trace_callback(statements.append)
        report = ws.ingest([_paper(i) for i in range(490, 510)])
        ws.conn.set_trace_callback(None)
    assert (report.new, report.unchanged) == (10, 10)
    assert sum(s.startswith("INSERT OR REPLACE INTO papers") for s in statements) == 10
    assert sum(s.lstrip().upper().startswith("SELECT") for s in statements) <= 3


_V1_LAYOUT = """
CREATE TABLE meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE papers (id TEXT PRIMARY KEY, seq INTEGER NOT NULL, data TEXT NOT NULL, text_hash TEXT NOT NULL);
CREATE TABLE paper_keys (key TEXT PRIMARY KEY, paper_id TEXT NOT NULL);
CREATE INDEX paper_keys_by_paper ON paper_keys(paper_id);
CREATE TABLE extractions (paper_id TEXT NOT NULL, config TEXT NOT NULL, text_hash TEXT NOT NULL,
    data TEXT NOT NULL, PRIMARY KEY (paper_id, config));
CREATE TABLE embeddings (model TEXT NOT NULL, text TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL,
    PRIMARY KEY (model, text));
CREATE TABLE runs (id INTEGER PRIMARY KEY AUTOINCREMENT, started REAL NOT NULL, command TEXT NOT NULL,
    inputs TEXT NOT NULL, stats TEXT NOT NULL);
INSERT INTO meta VALUES ('schema_version', '1');
"""


def _v1_workspace(folder: Path, paper: Paper) -> None:
    """A workspace as paperkg 0.1.0 wrote it (schema version 1): one paper, one embedding, one run."""
    folder.mkdir()
    with sqlite3.connect(folder / "paperkg.sqlite") as conn:
        conn.executescript(_V1_LAYOUT)
        data = json.dumps(paper.to_dict(), ensure_ascii=False, sort_keys=True)  # as paperkg 0.1.0 wrote it
        conn.execute("INSERT INTO papers VALUES (?, 1, ?, ?)", (paper.id, data, "h"))
        conn.executemany("INSERT INTO paper_keys VALUES (?, ?)", [(k, paper.id) for k in match_keys(paper)])
        conn.execute("INSERT INTO embeddings VALUES ('m', 'one-step', 2, ?)", (np.ones(2, np.float32).tobytes(),))
        conn.execute("INSERT INTO runs(started, command, inputs, stats) VALUES (1.0, 'build', '[]', '{}')")


def test_older_schema_migrates_in_place_and_keeps_the_embedding_cache(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    _v1_workspace(folder, _paper(1, arxiv="2401.00001"))
    with Workspace.open(folder) as ws:
        assert [p.id for p in ws.papers()] == ["arxiv:2401.00001"]
        np.testing.assert_array_equal(ws.get_many("m", ["one-step"])["one-step"], np.ones(2, np.float32))
        assert ws.runs()[0]["settings"] == {}
        assert str(ws.ingest([_paper(1, arxiv="2401.00001"), _paper(2)])) == "1 new, 0 merged, 1 unchanged"
    with Workspace.open(folder, readonly=True) as ws:
        assert ws.count_papers() == 2


def test_reader_refuses_an_older_schema_without_touching_it(tmp_path: Path) -> None:
    folder = tmp_path / "old"
    _v1_workspace(folder, _paper(1))
    before = (folder / "paperkg.sqlite").read_bytes()
    with pytest.raises(WorkspaceError, match="upgrades it in place"):
        Workspace.open(folder, readonly=True)
    assert (folder / "paperkg.sqlite").read_bytes() == before


def test_newer_schema_is_refused(tmp_path: Path) -> None:
    with Workspace.open(tmp_path) as ws:
        ws.conn.execute("UPDATE meta SET value = '99' WHERE key = 'schema_version'")
    for readonly in (False, True):
        with pytest.raises(WorkspaceError, match=r"schema version 99.*upgrade paperkg"):
            Workspace.open(tmp_path, readonly=readonly)


def test_reader_creates_nothing(tmp_path: Path) -> None:
    with pytest.raises(WorkspaceError, match="no paperkg workspace"):
        Workspace.open(tmp_path / "absent", readonly=True)
    assert not (tmp_path / "absent").exists()


def test_reader_neither_blocks_nor_waits_for_a_writer(tmp_path: Path) -> None:
    with Workspace.open(tmp_path) as ws:
        ws.ingest([_paper(1)])
    with Workspace.open(tmp_path) as writer:
        writer.conn.execute("BEGIN IMMEDIATE")
        writer.conn.execute("DELETE FROM papers")
        start = time.perf_counter()
        with Workspace.open(tmp_path, readonly=True) as reader:
            assert reader.count_papers() == 1  # the last committed state
            assert reader.source_files() == {"a.txt": 1}
            writer.conn.execute("COMMIT")  # a writer commits while a reader is open
            assert reader.count_papers() == 0
        assert time.perf_counter() - start < 1.0


def test_run_log_keeps_the_settings(tmp_path: Path) -> None:
    with Workspace.open(tmp_path) as ws:
        ws.log_run("build", ["a.txt"], {"papers": 1}, {"seed": 7, "model": "m"})
    with Workspace.open(tmp_path, readonly=True) as ws:
        (run,) = ws.runs()
    assert (run["inputs"], run["stats"], run["settings"]) == (["a.txt"], {"papers": 1}, {"seed": 7, "model": "m"})

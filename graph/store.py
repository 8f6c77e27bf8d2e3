"""The workspace: one SQLite file (``DIR/paperkg.sqlite``) per graph.

It holds the corpus (merged paper records and the keys they are matched by), cached extractions,
the embedding cache and a log of runs. Every write that changes the corpus happens in one
transaction: a failure, or a kill -9, mid-ingest leaves the previous state intact (SQLite's journal
rolls the half-written transaction back on the next open).

>>> import tempfile
>>> from loaders.records import Paper
>>> with Workspace.open(tempfile.mkdtemp()) as ws:
...     report = ws.ingest([Paper.create("A paper", arxiv="2401.00001", abstract="x")])
...     (report.new, report.merged, report.unchanged, len(ws.papers()))
(1, 0, 0, 1)
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
import time
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType

import numpy as np

from graph.errors import WorkspaceError
from graph.extraction import PaperExtraction
from loaders.records import Paper, conflicting_ids, match_keys, merge

#: Bump when the table layout changes; an older file is refused with a clear message.
SCHEMA_VERSION = 1
FILENAME = "paperkg.sqlite"

_SCHEMA = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS papers (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, data TEXT NOT NULL, text_hash TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS paper_keys (key TEXT PRIMARY KEY, paper_id TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS paper_keys_by_paper ON paper_keys(paper_id);
CREATE TABLE IF NOT EXISTS extractions (
    paper_id TEXT NOT NULL, config TEXT NOT NULL, text_hash TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (paper_id, config));
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL, text TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL,
    PRIMARY KEY (model, text));
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, started REAL NOT NULL, command TEXT NOT NULL,
    inputs TEXT NOT NULL, stats TEXT NOT NULL);
"""

#: SQLite allows at most 999 host parameters per statement on old builds.
_CHUNK = 500


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did: papers new to the workspace, merged into an existing one, or unchanged."""

    new: int
    merged: int
    unchanged: int
    removed: int = 0

    def __str__(self) -> str:
        text = f"{self.new} new, {self.merged} merged, {self.unchanged} unchanged"
        return f"{text}, {self.removed} removed" if self.removed else text


def _marks(n: int) -> str:
    """``?, ?, ?`` placeholders for an ``IN (...)`` list of ``n`` values."""
    return ",".join("?" * n)


def text_hash(paper: Paper) -> str:
    """Hash of the text extraction reads (title + abstract): a changed text invalidates the cache."""
    return hashlib.sha1(f"{paper.title}\n{paper.abstract}".encode()).hexdigest()


def _paper_json(paper: Paper) -> str:
    return json.dumps(paper.to_dict(), ensure_ascii=False, sort_keys=True)


class Workspace:
    """An open workspace. Use :meth:`open` (a context manager) rather than the constructor."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, directory: str | Path, *, create: bool = True) -> Workspace:
        """Open (or create) the workspace of the graph folder ``directory``."""
        directory = Path(directory)
        path = directory / FILENAME
        if not path.exists() and not create:
            raise WorkspaceError(f"{directory}: no paperkg workspace here (run `paperkg build --out {directory}`)")
        try:
            directory.mkdir(parents=True, exist_ok=True)
            conn = sqlite3.connect(path, isolation_level=None, timeout=30)
            conn.execute("PRAGMA journal_mode=WAL")
            conn.execute("PRAGMA synchronous=NORMAL")
            workspace = cls(conn, path)
            workspace._init_schema()
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"{path}: not a usable paperkg workspace ({exc})") from exc
        return workspace

    def _init_schema(self) -> None:
        self.conn.executescript(_SCHEMA)  # idempotent DDL; executescript commits on its own
        with self.transaction():
            row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
            if row is None:
                self.conn.execute("INSERT INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))
            elif int(row[0]) != SCHEMA_VERSION:
                raise WorkspaceError(
                    f"{self.path}: workspace schema version {row[0]}, this paperkg reads {SCHEMA_VERSION}; "
                    "rebuild it with `paperkg build` into a new folder"
                )

    def close(self) -> None:
        self.conn.close()

    def __enter__(self) -> Workspace:
        return self

    def __exit__(
        self, exc_type: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One atomic unit of work: committed on success, rolled back on any exception."""
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.conn
        except BaseException:
            self.conn.execute("ROLLBACK")
            raise
        self.conn.execute("COMMIT")

    # -- corpus -----------------------------------------------------------------------------------

    def papers(self) -> list[Paper]:
        """Every paper, in ingest order (deterministic)."""
        rows = self.conn.execute("SELECT data FROM papers ORDER BY seq").fetchall()
        return [Paper.from_dict(json.loads(data)) for (data,) in rows]

    def count_papers(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0])

    def replace_corpus(self, papers: Sequence[Paper]) -> IngestReport:
        """Make the corpus exactly ``papers`` (``paperkg build``); caches are kept.

        The report compares with the corpus before: a paper is unchanged when its record is identical,
        merged when it updates a record of the same paper, new otherwise; removed counts the papers gone.
        """
        with self.transaction() as conn:
            before = dict(conn.execute("SELECT id, data FROM papers"))
            old_keys = dict(conn.execute("SELECT key, paper_id FROM paper_keys"))
            conn.execute("DELETE FROM papers")
            conn.execute("DELETE FROM paper_keys")
            self._ingest(papers)
            after = dict(conn.execute("SELECT id, data FROM papers"))
            old_ids_of: dict[str, set[str]] = {pid: set() for pid in after}
            for key, pid in conn.execute("SELECT key, paper_id FROM paper_keys"):
                if key in old_keys:
                    old_ids_of[pid].add(old_keys[key])
        unchanged = sum(before.get(pid) == data for pid, data in after.items())
        updated = {pid for pid, data in after.items() if before.get(pid) != data and old_ids_of[pid]}
        kept = set().union(*old_ids_of.values())
        return IngestReport(
            new=len(after) - unchanged - len(updated),
            merged=len(updated),
            unchanged=unchanged,
            removed=len(set(before) - kept),
        )

    def ingest(self, papers: Iterable[Paper]) -> IngestReport:
        """Add papers, merging each into the record of the same paper when there is one (``paperkg add``)."""
        with self.transaction():
            return self._ingest(papers)

    def _ingest(self, papers: Iterable[Paper]) -> IngestReport:
        new = merged = unchanged = 0
        for paper in papers:
            existing_ids = self._ids_matching(paper)
            if not existing_ids:
                self._put_paper(paper, self._next_seq())
                new += 1
                continue
            current, seq = self._get_paper(existing_ids[0])
            combined = merge(current, paper)
            for other_id in existing_ids[1:]:
                other, _ = self._get_paper(other_id)
                combined = merge(combined, other)
            if len(existing_ids) == 1 and _paper_json(combined) == _paper_json(current):
                unchanged += 1
                continue
            for old_id in existing_ids:
                self._delete_paper(old_id)
            self._put_paper(combined, seq)
            merged += 1
        return IngestReport(new, merged, unchanged)

    def _ids_matching(self, paper: Paper) -> list[str]:
        """Stored papers that are this one: a shared external id, or the same title without conflicting ids.

        The rule is :func:`loaders.records.merge_all`'s, so ``add`` merges exactly as ``build`` does.
        """
        keys = [*match_keys(paper), paper.id]
        rows = self.conn.execute(
            f"SELECT key, paper_id FROM paper_keys WHERE key IN ({_marks(len(keys))})", keys
        ).fetchall()
        by_id = {pid for key, pid in rows if not key.startswith("title:")}
        by_title = {pid for key, pid in rows if key.startswith("title:")} - by_id
        by_id |= {pid for pid in by_title if not conflicting_ids(self._get_paper(pid)[0], paper)}
        ids = sorted(by_id)
        seqs = dict(self.conn.execute(f"SELECT id, seq FROM papers WHERE id IN ({_marks(len(ids))})", ids))
        return sorted(ids, key=lambda pid: seqs.get(pid, 0))

    def _next_seq(self) -> int:
        return int(self.conn.execute("SELECT COALESCE(MAX(seq), 0) + 1 FROM papers").fetchone()[0])

    def _get_paper(self, paper_id: str) -> tuple[Paper, int]:
        data, seq = self.conn.execute("SELECT data, seq FROM papers WHERE id = ?", (paper_id,)).fetchone()
        return Paper.from_dict(json.loads(data)), int(seq)

    def _put_paper(self, paper: Paper, seq: int) -> None:
        self.conn.execute(
            "INSERT INTO papers(id, seq, data, text_hash) VALUES (?, ?, ?, ?)",
            (paper.id, seq, _paper_json(paper), text_hash(paper)),
        )
        self.conn.executemany(
            "INSERT OR REPLACE INTO paper_keys(key, paper_id) VALUES (?, ?)",
            [(key, paper.id) for key in [*match_keys(paper), paper.id]],
        )

    def _delete_paper(self, paper_id: str) -> None:
        self.conn.execute("DELETE FROM papers WHERE id = ?", (paper_id,))
        self.conn.execute("DELETE FROM paper_keys WHERE paper_id = ?", (paper_id,))

    # -- extraction cache -------------------------------------------------------------------------

    def cached_extractions(self, config: str, papers: Sequence[Paper]) -> dict[str, PaperExtraction]:
        """Extractions made with ``config`` for these papers whose text has not changed since."""
        wanted = {p.id: text_hash(p) for p in papers}
        found: dict[str, PaperExtraction] = {}
        ids = list(wanted)
        for start in range(0, len(ids), _CHUNK):
            chunk = ids[start : start + _CHUNK]
            rows = self.conn.execute(
                "SELECT paper_id, text_hash, data FROM extractions "
                f"WHERE config = ? AND paper_id IN ({_marks(len(chunk))})",
                [config, *chunk],
            )
            for paper_id, digest, data in rows:
                if wanted[paper_id] == digest:
                    found[paper_id] = PaperExtraction.from_dict(json.loads(data))
        return found

    def put_extractions(self, config: str, papers: Sequence[Paper], extractions: dict[str, PaperExtraction]) -> None:
        """Store extractions made with ``config`` (one transaction)."""
        rows = [
            (p.id, config, text_hash(p), json.dumps(extractions[p.id].to_dict(), sort_keys=True))
            for p in papers
            if p.id in extractions
        ]
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO extractions(paper_id, config, text_hash, data) VALUES (?, ?, ?, ?)",
                rows,
            )

    # -- embedding cache (the EmbeddingCache protocol of graph.concepts) ---------------------------

    def get_many(self, model: str, texts: list[str]) -> dict[str, np.ndarray]:
        """Cached embeddings of ``texts`` under ``model`` (texts not cached are absent)."""
        found: dict[str, np.ndarray] = {}
        unique = list(dict.fromkeys(texts))
        for start in range(0, len(unique), _CHUNK):
            chunk = unique[start : start + _CHUNK]
            rows = self.conn.execute(
                f"SELECT text, vector FROM embeddings WHERE model = ? AND text IN ({_marks(len(chunk))})",
                [model, *chunk],
            )
            for text, blob in rows:
                found[text] = np.frombuffer(blob, dtype=np.float32)
        return found

    def put_many(self, model: str, vectors: dict[str, np.ndarray]) -> None:
        """Cache embeddings under ``model`` (one transaction)."""
        rows = []
        for text, vector in vectors.items():
            array = np.asarray(vector, dtype=np.float32)
            rows.append((model, text, int(array.shape[-1]), array.tobytes()))
        with self.transaction() as conn:
            conn.executemany("INSERT OR REPLACE INTO embeddings(model, text, dim, vector) VALUES (?, ?, ?, ?)", rows)

    def count_embeddings(self, model: str | None = None) -> int:
        if model is None:
            return int(self.conn.execute("SELECT COUNT(*) FROM embeddings").fetchone()[0])
        return int(self.conn.execute("SELECT COUNT(*) FROM embeddings WHERE model = ?", (model,)).fetchone()[0])

    # -- runs -------------------------------------------------------------------------------------

    def log_run(self, command: str, inputs: Sequence[str], stats: dict[str, object]) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO runs(started, command, inputs, stats) VALUES (?, ?, ?, ?)",
                (time.time(), command, json.dumps(list(inputs)), json.dumps(stats, sort_keys=True)),
            )

    def runs(self) -> list[dict[str, object]]:
        rows = self.conn.execute("SELECT started, command, inputs, stats FROM runs ORDER BY id").fetchall()
        return [{"started": s, "command": c, "inputs": json.loads(i), "stats": json.loads(st)} for s, c, i, st in rows]

    def source_files(self) -> dict[str, int]:
        """How many papers each source file contributed."""
        counts: dict[str, int] = {}
        for paper in self.papers():
            for file in {s.file for s in paper.sources}:
                counts[file] = counts.get(file, 0) + 1
        return dict(sorted(counts.items()))

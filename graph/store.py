"""The workspace: one SQLite file (``DIR/paperkg.sqlite``) per graph.

It holds the corpus (merged paper records and the keys they are matched by), cached extractions,
the embedding cache and a log of runs. Every write that changes the corpus happens in one
transaction: a failure, or a kill -9, mid-ingest leaves the previous state intact (SQLite's journal
rolls the half-written transaction back on the next open). Readers (``paperkg info``, ...) open it
read-only: in WAL mode they never block a writer nor wait for one.

Papers merge by ONE rule, :class:`loaders.records.PaperIndex`: ``add`` seeds an index with the stored corpus
and places the new records in it, so ``add`` merges, and reports merges and conflicts, exactly as ``build``
does. Only the rows that changed are written.

>>> import tempfile
>>> from loaders.records import Paper
>>> folder = tempfile.mkdtemp()
>>> with Workspace.open(folder) as ws:
...     report = ws.ingest([Paper.create("A paper", arxiv="2401.00001", abstract="x")])
...     (report.new, report.merged, report.unchanged, len(ws.papers()))
(1, 0, 0, 1)
>>> with Workspace.open(folder, readonly=True) as ws:
...     ws.count_papers()
1
"""

from __future__ import annotations

import gc
import hashlib
import json
import sqlite3
import time
from collections import Counter
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from types import TracebackType
from typing import TYPE_CHECKING

from graph.errors import WorkspaceError
from graph.extraction import PaperExtraction
from loaders.records import Paper, PaperIndex, match_keys

if TYPE_CHECKING:  # numpy is imported by the embedding cache's methods only: readers never need it
    import numpy as np

    from loaders.result import LoadResult

#: Bump when the table layout changes, and add the step from the previous version to :data:`_MIGRATIONS`.
SCHEMA_VERSION = 2
FILENAME = "paperkg.sqlite"

_TABLES = """
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS papers (
    id TEXT PRIMARY KEY, seq INTEGER NOT NULL, data TEXT NOT NULL, text_hash TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS papers_by_seq ON papers(seq);
CREATE TABLE IF NOT EXISTS paper_keys (key TEXT NOT NULL, paper_id TEXT NOT NULL, PRIMARY KEY (key, paper_id));
CREATE INDEX IF NOT EXISTS paper_keys_by_paper ON paper_keys(paper_id);
CREATE TABLE IF NOT EXISTS extractions (
    paper_id TEXT NOT NULL, config TEXT NOT NULL, text_hash TEXT NOT NULL, data TEXT NOT NULL,
    PRIMARY KEY (paper_id, config));
CREATE TABLE IF NOT EXISTS embeddings (
    model TEXT NOT NULL, text TEXT NOT NULL, dim INTEGER NOT NULL, vector BLOB NOT NULL,
    PRIMARY KEY (model, text));
CREATE TABLE IF NOT EXISTS runs (
    id INTEGER PRIMARY KEY AUTOINCREMENT, started REAL NOT NULL, command TEXT NOT NULL,
    inputs TEXT NOT NULL, stats TEXT NOT NULL, settings TEXT NOT NULL DEFAULT '{}')
"""

#: Version N -> the statements that turn a version-N file into version N+1, in place (caches kept).
_MIGRATIONS: dict[int, str] = {
    # 1 -> 2: a key may belong to several papers (two papers sharing a title); papers indexed by seq;
    # the run log records the settings that determine the graph.
    1: """
ALTER TABLE runs ADD COLUMN settings TEXT NOT NULL DEFAULT '{}';
ALTER TABLE paper_keys RENAME TO paper_keys_v1;
DROP INDEX IF EXISTS paper_keys_by_paper;
CREATE TABLE paper_keys (key TEXT NOT NULL, paper_id TEXT NOT NULL, PRIMARY KEY (key, paper_id));
INSERT INTO paper_keys(key, paper_id) SELECT key, paper_id FROM paper_keys_v1;
DROP TABLE paper_keys_v1;
CREATE INDEX paper_keys_by_paper ON paper_keys(paper_id);
CREATE INDEX papers_by_seq ON papers(seq)
""",
}

#: SQLite allows at most 999 host parameters per statement on old builds.
_CHUNK = 500


@dataclass(frozen=True)
class IngestReport:
    """What an ingest did: papers new to the workspace, merged into an existing one, or unchanged.

    ``paperkg add`` also gets the merge rule's report on the stored papers, worded as a build words it:
    ``merges`` (a given record merged into a stored paper), ``warnings`` (one kept apart from a stored paper
    for conflicting ids) and ``merged_from`` (per merged record, the files it came from).
    """

    new: int
    merged: int
    unchanged: int
    removed: int = 0
    merges: tuple[str, ...] = ()
    warnings: tuple[str, ...] = ()
    merged_from: tuple[tuple[str, ...], ...] = ()

    def __str__(self) -> str:
        text = f"{self.new} new, {self.merged} merged, {self.unchanged} unchanged"
        return f"{text}, {self.removed} removed" if self.removed else text

    def report_into(self, loaded: LoadResult) -> None:
        """Add this report on the stored papers to the inputs' account ``loaded``, as a build of all the
        inputs would have it: the warnings and merges, and each record merged into a stored paper counted
        as "merged into others" for the first of its files (the one that counted it as a paper).

        >>> from loaders.result import FileReport, LoadResult
        >>> loaded = LoadResult(files=[FileReport("a.bib", "bibtex", papers=2), FileReport("b.bib", "bibtex")])
        >>> report = IngestReport(0, 1, 0, merges=("a.bib:2 merged into ...",), merged_from=(("b.bib", "a.bib"),))
        >>> report.report_into(loaded)
        >>> for line in [*loaded.files, *loaded.merges]:
        ...     print(line)
        a.bib (bibtex): 2 records: 1 papers, 1 merged into others, 0 skipped
        b.bib (bibtex): 0 records: 0 papers, 0 merged into others, 0 skipped
        a.bib:2 merged into ...
        """
        loaded.warnings.extend(self.warnings)
        loaded.merges.extend(self.merges)
        order = {report.file: i for i, report in enumerate(loaded.files)}
        for files in self.merged_from:
            known = [order[f] for f in files if f in order]
            if known:
                first = loaded.files[min(known)]
                first.papers -= 1
                first.merged += 1


def _marks(n: int) -> str:
    """``?, ?, ?`` placeholders for an ``IN (...)`` list of ``n`` values."""
    return ",".join("?" * n)


def _statements(script: str) -> list[str]:
    """The statements of a DDL script (no ``;`` inside them), for running inside one transaction."""
    return [s.strip() for s in script.split(";") if s.strip()]


def _chunks(values: Sequence[str]) -> Iterator[Sequence[str]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def text_hash(paper: Paper) -> str:
    """Hash of the text extraction reads (title + abstract): a changed text invalidates the cache."""
    return hashlib.sha1(f"{paper.title}\n{paper.abstract}".encode()).hexdigest()


def _paper_json(paper: Paper) -> str:
    return json.dumps(paper.to_dict(), ensure_ascii=False, sort_keys=True)


@contextmanager
def _collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector while building many objects that all stay alive.

    Each full collection scans every live object, so creating 100k records in a big process collects
    over and over for nothing (a third to a half of the time at 100k papers); nothing is leaked, the
    collector runs again afterwards.
    """
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.enable()


def _keys(paper: Paper) -> list[str]:
    """Every key a stored paper is found by: its match keys and its own id."""
    return list(dict.fromkeys([*match_keys(paper), paper.id]))


def _place(index: PaperIndex, papers: Sequence[Paper]) -> tuple[list[str], list[str], list[tuple[str, ...]]]:
    """Add ``papers`` to ``index`` (seeded with the stored corpus) and return the report lines about stored
    papers: the merges into them, the warnings about records kept apart from them, and the files of each
    record merged into one. Lines about two given records are left out: loading them reported those.

    >>> from loaders.records import Source
    >>> index = PaperIndex([Paper.create("GAN", arxiv="1706.03762", sources=[Source("a", 3)])])
    >>> merges, warnings, merged_from = _place(index, [
    ...     Paper.create("GAN.", arxiv="1706.03762", doi="10.1000/x", sources=[Source("c", 1)]),
    ...     Paper.create("GAN", doi="10.1000/y", sources=[Source("b", 7)]),
    ... ])
    >>> merges, merged_from
    (["c:1 merged into arxiv:1706.03762 'GAN' (a:3) (same arxiv 1706.03762)"], [('c',)])
    >>> print(*warnings)
    b:7: kept apart from arxiv:1706.03762 'GAN' (a:3): same title but different doi ids (10.1000/x and 10.1000/y)
    """
    stored = {paper.id for paper in index.papers()}  # ids of the records that hold a stored paper
    merges: list[str] = []
    warnings: list[str] = []
    merged_from: list[tuple[str, ...]] = []
    for paper in papers:
        placed = index.add(paper)
        warnings += [line for line, other in zip(placed.warnings, placed.kept_apart, strict=True) if other in stored]
        into_stored = [line for line, old in zip(placed.merges, placed.absorbed, strict=True) if old in stored]
        if into_stored:
            merges += into_stored
            merged_from.append(tuple(dict.fromkeys(source.file for source in paper.sources)))
            stored.difference_update(placed.absorbed)
            stored.add(placed.paper.id)
    return merges, warnings, merged_from


class Workspace:
    """An open workspace. Use :meth:`open` (a context manager) rather than the constructor."""

    def __init__(self, conn: sqlite3.Connection, path: Path) -> None:
        self.conn = conn
        self.path = path

    @classmethod
    def open(cls, directory: str | Path, *, create: bool = True, readonly: bool = False) -> Workspace:
        """Open (or create) the workspace of the graph folder ``directory``.

        ``readonly=True`` (what ``info``/``top``/... use) never creates, migrates or locks anything:
        it reads the last committed state while a writer may be running.
        """
        directory = Path(directory)
        path = directory / FILENAME
        if not path.exists() and (readonly or not create):
            raise WorkspaceError(f"{directory}: no paperkg workspace here (run `paperkg build --out {directory}`)")
        try:
            workspace = cls._open_reader(path) if readonly else cls._open_writer(directory, path)
        except sqlite3.DatabaseError as exc:
            raise WorkspaceError(f"{path}: not a usable paperkg workspace ({exc})") from exc
        return workspace

    @classmethod
    def _open_reader(cls, path: Path) -> Workspace:
        conn = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True, isolation_level=None, timeout=5)
        workspace = cls(conn, path)
        version = workspace._version()
        if version != SCHEMA_VERSION:
            conn.close()
            raise WorkspaceError(workspace._version_message(version))
        return workspace

    @classmethod
    def _open_writer(cls, directory: Path, path: Path) -> Workspace:
        directory.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(path, isolation_level=None, timeout=30)
        conn.execute("PRAGMA journal_mode=WAL")
        conn.execute("PRAGMA synchronous=NORMAL")
        workspace = cls(conn, path)
        workspace._init_schema()
        return workspace

    def _version(self) -> int | None:
        """The schema version of the file, None for a new (empty) file."""
        has_meta = self.conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='meta'").fetchone()
        if not has_meta:
            return None
        row = self.conn.execute("SELECT value FROM meta WHERE key='schema_version'").fetchone()
        return int(row[0]) if row else None

    def _version_message(self, version: int | None) -> str:
        if version is None or version > SCHEMA_VERSION:
            return (
                f"{self.path}: workspace schema version {version}, this paperkg reads {SCHEMA_VERSION}; "
                "upgrade paperkg, or rebuild with `paperkg build` into a new folder"
            )
        return (
            f"{self.path}: workspace schema version {version}, this paperkg reads {SCHEMA_VERSION}; "
            "`paperkg build` or `paperkg add` on this folder upgrades it in place (caches are kept)"
        )

    def _init_schema(self) -> None:
        """Create the tables of a new file, or migrate an older one in place, in one transaction."""
        with self.transaction() as conn:
            version = self._version()
            if version is not None and version > SCHEMA_VERSION:
                raise WorkspaceError(self._version_message(version))
            if version is not None and version < SCHEMA_VERSION:
                for step in range(version, SCHEMA_VERSION):
                    for statement in _statements(_MIGRATIONS[step]):
                        conn.execute(statement)
            for statement in _statements(_TABLES):
                conn.execute(statement)
            conn.execute("INSERT OR REPLACE INTO meta(key, value) VALUES ('schema_version', ?)", (str(SCHEMA_VERSION),))

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
        with _collector_paused():
            return [Paper.from_dict(json.loads(data)) for (data,) in rows]

    def count_papers(self) -> int:
        return int(self.conn.execute("SELECT COUNT(*) FROM papers").fetchone()[0])

    def replace_corpus(self, papers: Sequence[Paper]) -> IngestReport:
        """Make the corpus exactly ``papers`` (``paperkg build``), as :func:`~loaders.records.merge_all`
        merged them; caches are kept.

        The report compares with the corpus before: a paper is unchanged when its record is identical,
        merged when it updates a record of the same paper, new otherwise; removed counts the papers gone.
        """
        with self.transaction():
            return self._store(list(papers))

    def ingest(self, papers: Iterable[Paper]) -> IngestReport:
        """Add papers, merging each into the record of the same paper when there is one (``paperkg add``).

        The report counts the given records: new, merged into a stored record, or changing nothing; and
        holds the merge rule's report lines about the stored papers (see :class:`IngestReport`).
        """
        with self.transaction(), _collector_paused():
            given = list(papers)
            rows = self.conn.execute("SELECT id, seq, data FROM papers ORDER BY seq").fetchall()
            stored = [Paper.from_dict(json.loads(data)) for _, _, data in rows]
            index = PaperIndex(stored)
            merges, warnings, merged_from = _place(index, given)
            report = self._store(index.papers(), rows, stored)
        changed = report.new + report.merged
        return IngestReport(
            new=report.new,
            merged=report.merged,
            unchanged=max(0, len(given) - changed),
            merges=tuple(merges),
            warnings=tuple(warnings),
            merged_from=tuple(merged_from),
        )

    def _store(
        self, papers: list[Paper], stored: Sequence[tuple[str, int, str]] | None = None, read: Sequence[Paper] = ()
    ) -> IngestReport:
        """Write the corpus ``papers`` (in this order), touching only the rows that differ; the report.

        ``stored``: the rows (id, seq, JSON) the caller read (else read here); ``read``: the records it decoded
        from them, in the same order. A record of ``read`` that is still in ``papers`` as the same object with
        the same id was not changed, so its stored JSON is reused instead of encoding it again (most of an
        ``add``'s time in a big workspace went to encoding every record only to find it unchanged).
        """
        twice = sorted(pid for pid, n in Counter(p.id for p in papers).items() if n > 1)
        if twice:
            raise WorkspaceError(f"{self.path}: paper ids {twice[:3]} occur twice in the corpus to store; merge first")
        if stored is None:
            stored = self.conn.execute("SELECT id, seq, data FROM papers").fetchall()
        before = {pid: (seq, data) for pid, seq, data in stored}
        known = {id(paper): (pid, data) for paper, (pid, _, data) in zip(read, stored, strict=False)}
        after = {p.id for p in papers}
        rows, changed = [], []
        unchanged = 0
        for seq, paper in enumerate(papers, start=1):
            hit = known.get(id(paper))
            data = hit[1] if hit is not None and hit[0] == paper.id else _paper_json(paper)
            old = before.get(paper.id)
            if old is not None and old[1] == data:
                unchanged += 1
                if old[0] != seq:
                    rows.append((paper.id, seq, data, text_hash(paper)))
                continue
            rows.append((paper.id, seq, data, text_hash(paper)))
            changed.append(paper)
        owners = self._owners({key for paper in changed for key in _keys(paper)})
        kept = after & before.keys()
        new = merged = 0
        for paper in changed:
            # the records this one updates: its own id, or one it absorbed (gone now, a key in common)
            old_ids = {q for key in _keys(paper) for q in owners.get(key, ()) if q == paper.id or q not in after}
            kept |= old_ids
            merged += bool(old_ids)
            new += not old_ids
        self._write(rows, changed, sorted(set(before) - after))
        return IngestReport(new=new, merged=merged, unchanged=unchanged, removed=len(set(before) - kept))

    def _owners(self, keys: Iterable[str]) -> dict[str, set[str]]:
        """The stored papers found by each of ``keys`` (read in batches)."""
        owners: dict[str, set[str]] = {}
        for chunk in _chunks(sorted(keys)):
            query = f"SELECT key, paper_id FROM paper_keys WHERE key IN ({_marks(len(chunk))})"
            for key, pid in self.conn.execute(query, list(chunk)):
                owners.setdefault(key, set()).add(pid)
        return owners

    def _write(self, rows: list[tuple[str, int, str, str]], changed: list[Paper], gone: list[str]) -> None:
        """Delete the papers ``gone``, upsert ``rows`` and re-key the ``changed`` papers (batched)."""
        stale = [(pid,) for pid in [*gone, *(p.id for p in changed)]]
        self.conn.executemany("DELETE FROM papers WHERE id = ?", [(pid,) for pid in gone])
        self.conn.executemany("DELETE FROM paper_keys WHERE paper_id = ?", stale)
        self.conn.executemany("INSERT OR REPLACE INTO papers(id, seq, data, text_hash) VALUES (?, ?, ?, ?)", rows)
        self.conn.executemany(
            "INSERT OR IGNORE INTO paper_keys(key, paper_id) VALUES (?, ?)",
            [(key, p.id) for p in changed for key in _keys(p)],
        )

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
        import numpy as np

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
        import numpy as np

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

    def log_run(
        self, command: str, inputs: Sequence[str], stats: dict[str, object], settings: dict[str, object] | None = None
    ) -> None:
        """Record a run: its command, input files, what it produced (``stats``) and what determined it
        (``settings``: version, model, vocabulary, options, seed)."""
        with self.transaction() as conn:
            conn.execute(
                "INSERT INTO runs(started, command, inputs, stats, settings) VALUES (?, ?, ?, ?, ?)",
                (
                    time.time(),
                    command,
                    json.dumps(list(inputs)),
                    json.dumps(stats, sort_keys=True),
                    json.dumps(settings or {}, sort_keys=True),
                ),
            )

    def runs(self) -> list[dict[str, object]]:
        """The run log, oldest first."""
        rows = self.conn.execute("SELECT started, command, inputs, stats, settings FROM runs ORDER BY id").fetchall()
        return [
            {"started": s, "command": c, "inputs": json.loads(i), "stats": json.loads(st), "settings": json.loads(se)}
            for s, c, i, st, se in rows
        ]

    def source_files(self) -> dict[str, int]:
        """How many papers each source file contributed (read by SQLite's JSON functions, no record decoded)."""
        rows = self.conn.execute(
            "SELECT json_extract(source.value, '$.file') AS file, COUNT(DISTINCT papers.id) "
            "FROM papers, json_each(papers.data, '$.sources') AS source GROUP BY file ORDER BY file"
        )
        return {file: int(count) for file, count in rows}

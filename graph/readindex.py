"""The reader index: what ``paperkg top``, ``explain`` and ``similar`` read, in one SQLite file that a build
writes beside ``graph.json`` (``DIR/readers.sqlite``), so that a question reads the rows it needs instead of
the whole graph (a 100k-paper ``graph.json`` is hundreds of MB, and parsing it takes minutes).

It holds inputs of the rules and values computed by the functions the graph path uses, never a second rule:

- ``nodes``: id, kind, display title, name entry (:func:`graph.questions.name_entry`), ``df``, the technique
  a concept is tied to, and the analysis values ``top`` ranks by (NULL where the node has none);
- ``edges``: the edges a shortest-path explanation walks (:data:`graph.questions.PATH_EDGES`);
  ``related``: the RELATED_TO links with their weight and shared labels;
- ``items``, ``paper_items``/``item_papers`` (both ways): each paper's items that may link, with their
  specificity, label, broad and method flags (:func:`graph.relatedness.item_specificities` under the build's cut);
- ``vectors``/``postings``: the TF-IDF rows of the papers' titles + abstracts (:func:`graph.textsim.text_matrix`,
  as :mod:`graph.relatedness` computes them), by paper and by term, so one paper's cosines with every other
  are summed from the postings of its own terms (in the order scipy sums them: the same numbers).

:class:`ReaderIndex` is a :class:`graph.questions.Source`: the questions are decided in :mod:`graph.questions`
whichever source answers. Freshness: the build's manifest lists the index, whose SHA-256 is checked like
any output's, and the index records the SHA-256 of the ``graph.json`` it was made from.
:func:`open_index` returns None (the caller reads ``graph.json``) for a folder without a manifest (written by
an older paperkg), whose manifest does not list an index, or whose index was made from another
``graph.json``; a folder being written, or mixing builds, raises as :func:`graph.outfolder.read_output` does.

>>> import networkx as nx, tempfile, pathlib
>>> from graph import questions
>>> out = pathlib.Path(tempfile.mkdtemp())
>>> G = nx.MultiDiGraph()
>>> G.add_node("paper:a", kind="paper", title="SlimFlow: one step", pagerank=0.2)
>>> G.add_node("paper:b", kind="paper", title="Rectified flow", pagerank=0.8)
>>> _ = (out / "graph.json").write_text("{}")
>>> index = open_index_file(write_index(G, out))
>>> questions.top(index, "paper", "pagerank", 1), questions.resolve_paper(index, "SlimFlow")
([Ranked(node='paper:b', label='Rectified flow', value=0.8)], 'paper:a')
"""

from __future__ import annotations

import itertools
import json
import os
import sqlite3
import tempfile
from array import array
from collections.abc import Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph import schema
from graph.outfolder import check_outputs, file_fingerprint, manifest
from graph.questions import PATH_EDGES, TOP_MEASURES, NameEntry, Source, name_entry

if TYPE_CHECKING:
    import networkx as nx
    import numpy as np

    from graph.relatedness import Evidence, Link

__all__ = ["FORMAT", "INDEX_FILE", "ReaderIndex", "open_index", "open_index_file", "write_index"]

#: The index's file name in the output folder.
INDEX_FILE = "readers.sqlite"
#: The layout version; an index of another version is not read (the graph is, until the next build).
FORMAT = "1"
#: The graph file the index is made from.
GRAPH_FILE = "graph.json"
#: Node properties stored in columns of ``nodes`` (what ``top`` ranks by, and what explanations read).
_VALUES = (*TOP_MEASURES, "technique")
#: Rows per ``IN (...)`` list of a query (under SQLite's limit on parameters).
_CHUNK = 500

_SCHEMA = """
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE nodes(num INTEGER PRIMARY KEY, id TEXT NOT NULL, kind TEXT NOT NULL, title TEXT NOT NULL,
    key_title TEXT NOT NULL, key_id TEXT NOT NULL, prefix TEXT NOT NULL, methods TEXT NOT NULL,
    importance REAL NOT NULL, pagerank REAL, degree REAL, betweenness REAL, df REAL, technique TEXT, pos INTEGER);
CREATE TABLE edges(src INTEGER NOT NULL, rel TEXT NOT NULL, dst INTEGER NOT NULL);
CREATE TABLE related(u INTEGER NOT NULL, v INTEGER NOT NULL, weight REAL NOT NULL, shared TEXT NOT NULL);
CREATE TABLE items(num INTEGER PRIMARY KEY, id TEXT NOT NULL, label TEXT NOT NULL, spec REAL NOT NULL,
    broad INTEGER NOT NULL, method INTEGER NOT NULL);
CREATE TABLE paper_items(paper INTEGER PRIMARY KEY, items BLOB NOT NULL);
CREATE TABLE item_papers(item INTEGER PRIMARY KEY, papers BLOB NOT NULL);
CREATE TABLE vectors(paper INTEGER PRIMARY KEY, terms BLOB NOT NULL, vals BLOB NOT NULL);
CREATE TABLE postings(term INTEGER PRIMARY KEY, rows BLOB NOT NULL, places BLOB NOT NULL, vals BLOB NOT NULL);
"""
#: Made once the rows are in (faster than keeping them up to date row by row).
_INDEXES = """
CREATE UNIQUE INDEX nodes_id ON nodes(id);
CREATE INDEX nodes_kind ON nodes(kind);
CREATE UNIQUE INDEX nodes_pos ON nodes(pos);
CREATE INDEX edges_src ON edges(src, rel);
CREATE INDEX edges_dst ON edges(dst, rel);
CREATE UNIQUE INDEX related_pair ON related(u, v);
"""


def write_index(G: nx.MultiDiGraph, out: str | Path) -> Path:
    """Write the reader index of ``G`` (whose ``graph.json`` is already in ``out``) to ``out/readers.sqlite``,
    atomically (a temporary file renamed when complete); returns its path."""
    out = Path(out)
    final = out / INDEX_FILE
    fd, tmp = tempfile.mkstemp(dir=out, prefix=f".{INDEX_FILE}.", suffix=".tmp")  # loaders.atomicio's naming
    try:
        conn = sqlite3.connect(tmp, isolation_level=None)
        try:
            conn.executescript("PRAGMA journal_mode=OFF; PRAGMA synchronous=OFF;" + _SCHEMA)
            conn.execute("BEGIN")
            _write(conn, G, file_fingerprint(out / GRAPH_FILE)["sha256"])
            conn.execute("COMMIT")
            conn.executescript(_INDEXES)
        finally:
            conn.close()
        os.fsync(fd)
        os.chmod(tmp, 0o644)
        os.replace(tmp, final)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    finally:
        os.close(fd)
    return final


def _write(conn: sqlite3.Connection, G: nx.MultiDiGraph, graph_sha256: str) -> None:
    from graph.access import nodes_of_kind
    from graph.relatedness import ItemCut, evidence_from_graph, item_specificities, text_matrix

    papers = sorted(nodes_of_kind(G, schema.PAPER))
    pos = {p: i for i, p in enumerate(papers)}
    num = {n: i for i, n in enumerate(sorted(G.nodes))}
    conn.executemany(
        "INSERT INTO nodes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (_node_row(G, n, i, pos.get(n)) for n, i in num.items()),
    )
    edges = list(G.edges(keys=True, data=True))
    conn.executemany(
        "INSERT INTO edges VALUES (?,?,?)", ((num[u], key, num[v]) for u, v, key, _ in edges if key in PATH_EDGES)
    )
    conn.executemany(
        "INSERT INTO related VALUES (?,?,?,?)",
        (
            (num[u], num[v], float(data["weight"]), json.dumps(list(data["shared"])))
            for u, v, key, data in edges
            if key == schema.RELATED_TO
        ),
    )
    evidence = evidence_from_graph(G)
    spec = item_specificities(evidence, ItemCut.of_graph(G).for_corpus(len(evidence.items_of)))
    item_num = {item: i for i, item in enumerate(spec)}
    conn.executemany(
        "INSERT INTO items VALUES (?,?,?,?,?,?)",
        (
            (i, item, evidence.label(item), spec[item], item in evidence.broad, item in evidence.methods)
            for item, i in item_num.items()
        ),
    )
    numbers = [sorted(item_num[item] for item in set(evidence.items_of[p]) if item in item_num) for p in papers]
    conn.executemany("INSERT INTO paper_items VALUES (?,?)", ((i, _ints(found)) for i, found in enumerate(numbers)))
    having: list[list[int]] = [[] for _ in item_num]
    for i, found in enumerate(numbers):
        for x in found:
            having[x].append(i)
    conn.executemany("INSERT INTO item_papers VALUES (?,?)", ((x, _ints(found)) for x, found in enumerate(having)))
    _write_text(conn, text_matrix([evidence.texts.get(p, "") for p in papers]))
    meta = {"format": FORMAT, "graph_sha256": graph_sha256, "papers": str(len(papers))}
    conn.executemany("INSERT INTO meta VALUES (?,?)", meta.items())


def _ints(values: list[int]) -> bytes:
    """A list of non-negative numbers as the bytes of an int32 array (how the index stores lists of numbers)."""
    return array("i", values).tobytes()


def _node_row(G: nx.MultiDiGraph, node: str, num: int, pos: int | None) -> tuple[Any, ...]:
    entry, attrs = name_entry(G, node), G.nodes[node]
    numbers = [float(attrs[name]) if isinstance(attrs.get(name), (int, float)) else None for name in TOP_MEASURES]
    technique = attrs.get("technique")
    return (
        num,
        node,
        entry.kind,
        entry.title,
        *entry.keys,
        entry.prefix,
        json.dumps(entry.methods) if entry.methods else "[]",
        entry.importance,
        *numbers,
        None if technique is None else str(technique),
        pos,
    )


def _write_text(conn: sqlite3.Connection, T: Any) -> None:
    """The TF-IDF rows by paper (terms and values in stored order) and by term (rows, place in the row, value)."""
    import numpy as np

    indptr, terms, vals = T.indptr, T.indices.astype(np.int32), T.data.astype(np.float64)
    conn.executemany(
        "INSERT INTO vectors VALUES (?,?,?)",
        ((r, terms[indptr[r] : indptr[r + 1]].tobytes(), vals[indptr[r] : indptr[r + 1]].tobytes())
         for r in range(len(indptr) - 1)),
    )  # fmt: skip
    rows = np.repeat(np.arange(len(indptr) - 1, dtype=np.int32), np.diff(indptr))
    places = (np.arange(len(terms)) - np.repeat(indptr[:-1], np.diff(indptr))).astype(np.int32)
    order = np.argsort(terms, kind="stable")
    bounds = np.r_[0, np.cumsum(np.bincount(terms, minlength=T.shape[1]))]
    conn.executemany(
        "INSERT INTO postings VALUES (?,?,?,?)",
        (
            (t, rows[sel].tobytes(), places[sel].tobytes(), vals[sel].tobytes())
            for t in range(T.shape[1])
            if (sel := order[bounds[t] : bounds[t + 1]]).size
        ),
    )


def open_index(out: str | Path) -> ReaderIndex | None:
    """The reader index of the build in ``out``, or None when the folder has none made from its graph.json
    (then read the graph). Raises :class:`~graph.errors.WorkspaceError` for a folder being written, left
    half-written, or whose index differs from the one the build recorded."""
    out = Path(out)
    check_outputs(out, [])  # a folder being written or left half-written is refused, as for graph.json
    record = manifest(out)
    if record is None or INDEX_FILE not in record["files"] or GRAPH_FILE not in record["files"]:
        return None
    check_outputs(out, [INDEX_FILE])
    index = open_index_file(out / INDEX_FILE)
    if index.meta.get("format") != FORMAT or index.meta.get("graph_sha256") != record["files"][GRAPH_FILE]["sha256"]:
        index.close()
        return None
    return index


def open_index_file(path: str | Path) -> ReaderIndex:
    """The index in file ``path``, read-only, without the checks of :func:`open_index`."""
    conn = sqlite3.connect(f"{Path(path).resolve().as_uri()}?mode=ro&immutable=1", uri=True)
    return ReaderIndex(conn)


def _numbers(blob: bytes) -> list[int]:
    """The numbers of an int32 array stored by :func:`_ints`."""
    found = array("i")
    found.frombytes(blob)
    return found.tolist()


def _chunks(values: Sequence[Any]) -> Iterator[Sequence[Any]]:
    for start in range(0, len(values), _CHUNK):
        yield values[start : start + _CHUNK]


def _marks(values: Sequence[Any]) -> str:
    return ",".join("?" * len(values))


class ReaderIndex(Source):
    """A reader index opened read-only: the facts :mod:`graph.questions` reads, queried row by row."""

    def __init__(self, conn: sqlite3.Connection) -> None:
        self.db = conn
        self.meta = dict(conn.execute("SELECT key, value FROM meta"))
        self.df: dict[str, float | None] = {}  # df of the nodes read so far

    def close(self) -> None:
        self.db.close()

    def _one(self, sql: str, *params: Any) -> Any:
        row = self.db.execute(sql, params).fetchone()
        return row[0] if row else None

    def kind_of(self, node: str) -> str | None:
        return self._one("SELECT kind FROM nodes WHERE id = ?", node)

    def names(self, kinds: Sequence[str]) -> Iterator[NameEntry]:
        rows = self.db.execute(
            "SELECT id, kind, title, key_title, key_id, prefix, methods, importance FROM nodes "
            f"WHERE kind IN ({_marks(kinds)})",
            tuple(kinds),
        )
        for node, kind, title, key_title, key_id, prefix, methods, weight in rows:
            found = tuple(json.loads(methods)) if methods != "[]" else ()
            yield NameEntry(node, kind, title, (key_title, key_id), prefix, found, weight)

    def title(self, node: str) -> str:
        return str(self._one("SELECT title FROM nodes WHERE id = ?", node))

    def n_papers(self) -> int:
        return int(self.meta["papers"])

    def _linked(self, node: str, relations: Sequence[str], forward: bool) -> set[str]:
        near, far = ("src", "dst") if forward else ("dst", "src")
        rows = self.db.execute(
            f"SELECT n.id, n.df FROM edges e JOIN nodes n ON n.num = e.{far} "
            f"WHERE e.{near} = (SELECT num FROM nodes WHERE id = ?) AND e.rel IN ({_marks(relations)})",
            (node, *relations),
        ).fetchall()
        self.df.update(rows)  # a path search asks for the df of every neighbour next
        return {found for found, _ in rows}

    def targets(self, node: str, relation: str) -> set[str]:
        return self._linked(node, (relation,), forward=True)

    def sources(self, node: str, relation: str) -> set[str]:
        return self._linked(node, (relation,), forward=False)

    def neighbours(self, node: str) -> set[str]:
        return self._linked(node, PATH_EDGES, forward=True) | self._linked(node, PATH_EDGES, forward=False)

    def value(self, node: str, name: str) -> Any:
        if name not in _VALUES:
            raise KeyError(f"the reader index holds no node property {name!r}")
        if name == "df" and node in self.df:
            return self.df[node]
        return self._one(f"SELECT {name} FROM nodes WHERE id = ?", node)

    def related(self, a: str, b: str) -> tuple[float, list[str]] | None:
        u, v = schema.related_pair(a, b)
        row = self.db.execute(
            "SELECT weight, shared FROM related WHERE u = (SELECT num FROM nodes WHERE id = ?) "
            "AND v = (SELECT num FROM nodes WHERE id = ?)",
            (u, v),
        ).fetchone()
        return (row[0], json.loads(row[1])) if row else None

    def measures(self, kind: str, by: str) -> list[tuple[str, float | None]]:
        if by not in TOP_MEASURES:
            raise KeyError(f"the reader index holds no measure {by!r}")
        return list(self.db.execute(f"SELECT id, {by} FROM nodes WHERE kind = ?", (kind,)))

    def _numbers(self, table: str, column: str, key: str, value: int) -> list[int]:
        blob = self._one(f"SELECT {column} FROM {table} WHERE {key} = ?", value)
        return _numbers(blob) if blob is not None else []

    def _position(self, paper: str) -> int:
        return int(self._one("SELECT pos FROM nodes WHERE id = ?", paper))

    def _vector(self, pos: int) -> tuple[np.ndarray, np.ndarray]:
        import numpy as np

        terms, vals = self.db.execute("SELECT terms, vals FROM vectors WHERE paper = ?", (pos,)).fetchone()
        return np.frombuffer(terms, dtype=np.int32), np.frombuffer(vals, dtype=np.float64)

    def _evidence(self) -> tuple[Evidence, _Items]:
        from graph.relatedness import Evidence

        items = _Items(self)
        flags = {
            flag: frozenset(found for (found,) in self.db.execute(f"SELECT id FROM items WHERE {flag}"))
            for flag in ("broad", "method")
        }
        return Evidence(items_of=items, labels=items.labels, broad=flags["broad"], methods=flags["method"]), items

    def pair(self, a: str, b: str) -> Link:
        """The cosine is row ``b`` of the TF-IDF times row ``a``, summed in row ``b``'s order (as scipy does)."""
        from graph.relatedness import score_known

        evidence, items = self._evidence()
        terms_a, vals_a = self._vector(self._position(a))
        terms_b, vals_b = self._vector(self._position(b))
        query = dict(zip(terms_a.tolist(), vals_a.tolist(), strict=True))
        cosine = 0.0
        for term, value in zip(terms_b.tolist(), vals_b.tolist(), strict=True):
            if term in query:
                cosine += value * query[term]
        items.load({self._position(a): a, self._position(b): b})
        return score_known(evidence, items.spec, a, b, cosine)

    def scored(self, paper: str) -> list[tuple[str, Link]]:
        from graph.relatedness import score_candidates

        evidence, items = self._evidence()
        pos = self._position(paper)
        sharing = sorted({
            found
            for (blob,) in self.db.execute(
                "SELECT papers FROM item_papers WHERE item IN (SELECT value FROM json_each(?))",
                (json.dumps(self._numbers("paper_items", "items", "paper", pos)),),
            )
            for found in _numbers(blob)
        })  # fmt: skip
        papers = _Papers(self)
        items.load(dict(zip([pos, *sharing], [paper, *papers.ids(sharing)], strict=True)))
        return score_candidates(evidence, items.spec, paper, papers, self._cosines(pos), sharing)

    def _cosines(self, pos: int) -> np.ndarray:
        """The TF-IDF cosine of paper ``pos`` with every paper: ``(T @ T[pos].T)`` with the numbers scipy
        gives (each row's products summed in the row's stored order, one place of the row at a time)."""
        import numpy as np

        terms, vals = self._vector(pos)
        rows, places, products = [np.empty(0, np.int32)], [np.empty(0, np.int32)], [np.empty(0, np.float64)]
        for chunk_terms, chunk_vals in zip(_chunks(terms.tolist()), _chunks(vals.tolist()), strict=True):
            weight = dict(zip(chunk_terms, chunk_vals, strict=True))
            found = self.db.execute(
                f"SELECT term, rows, places, vals FROM postings WHERE term IN ({_marks(chunk_terms)})", chunk_terms
            )
            for term, r, p, v in found:
                rows.append(np.frombuffer(r, dtype=np.int32))
                places.append(np.frombuffer(p, dtype=np.int32))
                products.append(np.frombuffer(v, dtype=np.float64) * weight[term])
        row, place, product = np.concatenate(rows), np.concatenate(places), np.concatenate(products)
        cosine = np.zeros(self.n_papers())
        order = np.argsort(place.astype(np.int16) if place.max(initial=0) < 2**15 else place, kind="stable")  # radix
        bounds = np.r_[0, np.cumsum(np.bincount(place))] if len(place) else np.zeros(1, np.int64)
        for lo, hi in itertools.pairwise(bounds.tolist()):
            step = order[lo:hi]  # the products at one place of their rows: at most one a row
            cosine[row[step]] += product[step]
        return cosine


class _Papers(Sequence[str]):
    """Paper ids by position (sorted id order), read from the index as they are asked for."""

    def __init__(self, index: ReaderIndex) -> None:
        self.index, self.known = index, {}

    def ids(self, positions: Sequence[int]) -> list[str]:
        """The ids at ``positions``, read in bulk (and remembered)."""
        missing = [p for p in positions if p not in self.known]
        for chunk in _chunks(missing):
            query = f"SELECT pos, id FROM nodes WHERE pos IN ({_marks(chunk)})"
            self.known.update(self.index.db.execute(query, tuple(chunk)))
        return [self.known[p] for p in positions]

    def __getitem__(self, position: int) -> str:  # type: ignore[override]
        return self.ids([position])[0]

    def __len__(self) -> int:
        return self.index.n_papers()


class _Items(Mapping[str, list[str]]):
    """Each paper's items that may link, read from the index when first asked for; fills ``spec`` (item ->
    specificity) and ``labels`` with the items read, which is all the relatedness rule looks up."""

    def __init__(self, index: ReaderIndex) -> None:
        self.index = index
        self.items: dict[str, list[str]] = {}
        self.names: dict[int, str] = {}
        self.spec: dict[str, float] = {}
        self.labels: dict[str, str] = {}

    def load(self, papers: Mapping[int, str]) -> None:
        """Read the items of ``papers`` (position -> id) not read yet."""
        missing = [pos for pos, paper in papers.items() if paper not in self.items]
        numbers: dict[int, list[int]] = {}
        for chunk in _chunks(missing):
            query = f"SELECT paper, items FROM paper_items WHERE paper IN ({_marks(chunk)})"
            numbers.update((pos, _numbers(blob)) for pos, blob in self.index.db.execute(query, tuple(chunk)))
        unknown = sorted({x for found in numbers.values() for x in found} - self.names.keys())
        for chunk in _chunks(unknown):
            query = f"SELECT num, id, label, spec FROM items WHERE num IN ({_marks(chunk)})"
            for x, item, label, spec in self.index.db.execute(query, tuple(chunk)):
                self.names[x], self.labels[item], self.spec[item] = item, label, spec
        for pos in missing:
            self.items[papers[pos]] = [self.names[x] for x in numbers.get(pos, [])]

    def __getitem__(self, paper: str) -> list[str]:
        if paper not in self.items:
            self.load({self.index._position(paper): paper})
        return self.items[paper]

    def __iter__(self) -> Iterator[str]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

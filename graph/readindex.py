"""The reader index: what ``paperkg top``, ``explain`` and ``similar`` read, in one SQLite file that a build
writes beside ``graph.json`` (``DIR/readers.sqlite``), so that a question reads the rows it needs instead of
the whole graph (a 100k-paper ``graph.json`` is hundreds of MB, and parsing it takes minutes).

It holds inputs of the rules and values computed by the functions the graph path uses, never a second rule:

- ``nodes``: id, kind, display title, name entry (:func:`graph.questions.name_entry`), ``df``, the technique
  a concept is tied to, and the analysis values ``top`` ranks by (NULL where the node has none);
- ``edges``: the edges a shortest-path explanation walks (:data:`graph.questions.PATH_EDGES`);
  ``related``: the RELATED_TO links with their weight and shared labels;
- ``items``/``paper_items``: each paper's items that may link, with their specificity, label, broad and
  method flags (:func:`graph.relatedness.item_specificities` under the build's cut);
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

import hashlib
import json
import os
import sqlite3
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

from graph import schema
from graph.outfolder import check_outputs, manifest
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
CREATE TABLE nodes(num INTEGER PRIMARY KEY, id TEXT NOT NULL UNIQUE, kind TEXT NOT NULL, title TEXT NOT NULL,
    keys TEXT NOT NULL, prefix TEXT NOT NULL, methods TEXT NOT NULL, importance REAL NOT NULL,
    pagerank REAL, degree REAL, betweenness REAL, df REAL, technique TEXT, pos INTEGER);
CREATE INDEX nodes_kind ON nodes(kind);
CREATE UNIQUE INDEX nodes_pos ON nodes(pos);
CREATE TABLE edges(src INTEGER NOT NULL, rel TEXT NOT NULL, dst INTEGER NOT NULL);
CREATE INDEX edges_src ON edges(src, rel);
CREATE INDEX edges_dst ON edges(dst, rel);
CREATE TABLE related(u INTEGER NOT NULL, v INTEGER NOT NULL, weight REAL NOT NULL, shared TEXT NOT NULL,
    PRIMARY KEY(u, v)) WITHOUT ROWID;
CREATE TABLE items(num INTEGER PRIMARY KEY, id TEXT NOT NULL, label TEXT NOT NULL, spec REAL NOT NULL,
    broad INTEGER NOT NULL, method INTEGER NOT NULL);
CREATE TABLE paper_items(paper INTEGER NOT NULL, item INTEGER NOT NULL);
CREATE INDEX paper_items_paper ON paper_items(paper);
CREATE INDEX paper_items_item ON paper_items(item);
CREATE TABLE vectors(paper INTEGER PRIMARY KEY, terms BLOB NOT NULL, vals BLOB NOT NULL);
CREATE TABLE postings(term INTEGER PRIMARY KEY, rows BLOB NOT NULL, places BLOB NOT NULL, vals BLOB NOT NULL);
"""


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(2**20):
            digest.update(block)
    return digest.hexdigest()


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
            _write(conn, G, _sha256(out / GRAPH_FILE))
            conn.execute("COMMIT")
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
        "INSERT INTO nodes VALUES (?,?,?,?,?,?,?,?,?,?,?,?,?,?)",
        (_node_row(G, n, i, pos.get(n)) for n, i in num.items()),
    )
    conn.executemany(
        "INSERT INTO edges VALUES (?,?,?)",
        ((num[u], key, num[v]) for u, v, key in G.edges(keys=True) if key in PATH_EDGES),
    )
    conn.executemany(
        "INSERT INTO related VALUES (?,?,?,?)",
        (
            (num[u], num[v], float(data["weight"]), json.dumps(list(data["shared"])))
            for u, v, key, data in G.edges(keys=True, data=True)
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
    conn.executemany(
        "INSERT INTO paper_items VALUES (?,?)",
        ((pos[p], item_num[item]) for p in papers for item in sorted(set(evidence.items_of[p])) if item in item_num),
    )
    _write_text(conn, text_matrix([evidence.texts.get(p, "") for p in papers]))
    meta = {"format": FORMAT, "graph_sha256": graph_sha256, "papers": str(len(papers))}
    conn.executemany("INSERT INTO meta VALUES (?,?)", meta.items())


def _node_row(G: nx.MultiDiGraph, node: str, num: int, pos: int | None) -> tuple[Any, ...]:
    entry, attrs = name_entry(G, node), G.nodes[node]
    numbers = [float(attrs[name]) if isinstance(attrs.get(name), (int, float)) else None for name in TOP_MEASURES]
    technique = attrs.get("technique")
    return (
        num,
        node,
        entry.kind,
        entry.title,
        json.dumps(entry.keys),
        entry.prefix,
        json.dumps(entry.methods),
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

    def close(self) -> None:
        self.db.close()

    def _one(self, sql: str, *params: Any) -> Any:
        row = self.db.execute(sql, params).fetchone()
        return row[0] if row else None

    def kind_of(self, node: str) -> str | None:
        return self._one("SELECT kind FROM nodes WHERE id = ?", node)

    def names(self, kinds: Sequence[str]) -> Iterator[NameEntry]:
        rows = self.db.execute(
            f"SELECT id, kind, title, keys, prefix, methods, importance FROM nodes WHERE kind IN ({_marks(kinds)})",
            tuple(kinds),
        )
        for node, kind, title, keys, prefix, methods, weight in rows:
            yield NameEntry(node, kind, title, tuple(json.loads(keys)), prefix, tuple(json.loads(methods)), weight)

    def title(self, node: str) -> str:
        return str(self._one("SELECT title FROM nodes WHERE id = ?", node))

    def n_papers(self) -> int:
        return int(self.meta["papers"])

    def _linked(self, node: str, relations: Sequence[str], forward: bool) -> set[str]:
        near, far = ("src", "dst") if forward else ("dst", "src")
        rows = self.db.execute(
            f"SELECT n.id FROM edges e JOIN nodes n ON n.num = e.{far} "
            f"WHERE e.{near} = (SELECT num FROM nodes WHERE id = ?) AND e.rel IN ({_marks(relations)})",
            (node, *relations),
        )
        return {found for (found,) in rows}

    def targets(self, node: str, relation: str) -> set[str]:
        return self._linked(node, (relation,), forward=True)

    def sources(self, node: str, relation: str) -> set[str]:
        return self._linked(node, (relation,), forward=False)

    def neighbours(self, node: str) -> set[str]:
        return self._linked(node, PATH_EDGES, forward=True) | self._linked(node, PATH_EDGES, forward=False)

    def value(self, node: str, name: str) -> Any:
        if name not in _VALUES:
            raise KeyError(f"the reader index holds no node property {name!r}")
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
        items.load([a, b])
        return score_known(evidence, items.spec, a, b, cosine)

    def scored(self, paper: str) -> list[tuple[str, Link]]:
        from graph.relatedness import score_candidates

        evidence, items = self._evidence()
        pos = self._position(paper)
        sharing = [
            found
            for (found,) in self.db.execute(
                "SELECT DISTINCT paper FROM paper_items WHERE item IN (SELECT item FROM paper_items WHERE paper = ?)",
                (pos,),
            )
        ]
        papers = _Papers(self)
        items.load([paper, *papers.ids(sharing)])
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
        order = np.lexsort((place, row))
        row, product = row[order], product[order]
        starts = np.flatnonzero(np.r_[True, row[1:] != row[:-1]]) if len(row) else np.empty(0, np.int64)
        rank = np.arange(len(row)) - np.repeat(starts, np.diff(np.r_[starts, len(row)]))
        cosine = np.zeros(self.n_papers())
        by_rank = np.argsort(rank, kind="stable")
        at = 0
        for count in np.bincount(rank) if len(rank) else []:
            step = by_rank[at : at + count]
            cosine[row[step]] += product[step]  # one product per row a step: the rows' sums, term by term
            at += count
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
        self.spec: dict[str, float] = {}
        self.labels: dict[str, str] = {}

    def load(self, papers: Iterable[str]) -> None:
        missing = [p for p in dict.fromkeys(papers) if p not in self.items]
        for chunk in _chunks(missing):
            for paper in chunk:
                self.items[paper] = []
            rows = self.index.db.execute(
                "SELECT n.id, i.id, i.label, i.spec FROM nodes n JOIN paper_items pi ON pi.paper = n.pos "
                f"JOIN items i ON i.num = pi.item WHERE n.id IN ({_marks(chunk)})",
                tuple(chunk),
            )
            for paper, item, label, spec in rows:
                self.items[paper].append(item)
                self.labels[item], self.spec[item] = label, spec

    def __getitem__(self, paper: str) -> list[str]:
        if paper not in self.items:
            self.load([paper])
        return self.items[paper]

    def __iter__(self) -> Iterator[str]:
        return iter(self.items)

    def __len__(self) -> int:
        return len(self.items)

"""Graph files and CSV tables: node-link JSON, GraphML (Gephi, yEd), GEXF (Gephi) and documented CSVs.

``graph.json`` is networkx node-link data with the field names of :data:`NODE_LINK_NAMES` (nodes under
``nodes`` with their id in ``node_id``; edges under ``links`` with ``start``, ``end`` and ``type``, the
relationship type); :func:`read_graph_json` reads it back.

Every file is written to a temporary name in its folder and renamed into place (:func:`atomic_open`), so a
reader never sees half a file. Output is deterministic: the same graph gives byte-identical files.

GraphML and GEXF cannot hold lists or missing values: list properties (``aliases``, ``shared``,
``sources``) are written as JSON strings (``'["a", "b"]'``). In GEXF the paper property ``id`` is written
as ``paper_id`` and ``key`` as ``node_key`` (networkx reserves both), and every node gets a ``label``
(title, name or label), as Gephi displays it.

CSV columns (list cells are ``"; "``-joined; empty = missing):

- ``papers.csv``: id, title, published, year, n_authors, upvotes, url, code_url, community,
  community_label, pagerank, betweenness, degree, techniques (keys), concepts (keys, best first)
- ``concepts.csv``: key, label, aliases, df, technique, community, pagerank, degree
- ``techniques.csv``: key, label, family, parent, aliases, df, community, pagerank, betweenness, degree
- ``authors.csv``: key, name, papers (ids, sorted)
- ``edges.csv``: start, end, type, weight, shared, score, rank, evidence, cites_source, position
  (node ids; ``cites_source`` is ``references`` or ``mention``)
- ``communities.csv``: id, label, size, top_papers, top_techniques, top_concepts
"""

from __future__ import annotations

import csv
import json
import os
import tempfile
from collections.abc import Iterable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import IO, Any

import networkx as nx

from graph import schema
from graph.analysis import AnalysisResult

__all__ = ["CSV_COLUMNS", "atomic_open", "atomic_write", "flat_graph", "read_graph_json", "write_graph_files"]

#: Column order of every CSV table.
CSV_COLUMNS: dict[str, list[str]] = {
    "papers.csv": [
        "id", "title", "published", "year", "n_authors", "upvotes", "url", "code_url", "community",
        "community_label", "pagerank", "betweenness", "degree", "techniques", "concepts",
    ],
    "concepts.csv": ["key", "label", "aliases", "df", "technique", "community", "pagerank", "degree"],
    "techniques.csv": [
        "key", "label", "family", "parent", "aliases", "df", "community", "pagerank", "betweenness", "degree",
    ],
    "authors.csv": ["key", "name", "papers"],
    "edges.csv": [
        "start", "end", "type", "weight", "shared", "score", "rank", "evidence", "cites_source", "position",
    ],
    "communities.csv": ["id", "label", "size", "top_papers", "top_techniques", "top_concepts"],
}  # fmt: skip


@contextmanager
def atomic_open(path: str | Path, mode: str = "w", **kwargs: Any) -> Iterator[IO[Any]]:
    """Open ``path`` for writing through a temporary file in the same folder, renamed on success.

    >>> import tempfile, pathlib
    >>> folder = pathlib.Path(tempfile.mkdtemp())
    >>> with atomic_open(folder / "a.txt") as fh:
    ...     _ = fh.write("done")
    >>> (folder / "a.txt").read_text(), sorted(p.name for p in folder.iterdir())
    ('done', ['a.txt'])
    """
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    if "b" not in mode:
        kwargs.setdefault("encoding", "utf-8")
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, mode, **kwargs) as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def atomic_write(path: str | Path, data: str | bytes) -> Path:
    """Write ``data`` (text as UTF-8) to ``path`` atomically; returns the path."""
    with atomic_open(path, "wb" if isinstance(data, bytes) else "w") as fh:
        fh.write(data)
    return Path(path)


def _flat(value: Any) -> Any:
    """A list as a JSON string; anything else unchanged."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, tuple)) else value


def flat_graph(G: nx.MultiDiGraph, gexf: bool = False) -> nx.MultiDiGraph:
    """A copy of ``G`` with list properties as JSON strings (and, for GEXF, ``paper_id`` and ``label``)."""
    F = nx.MultiDiGraph()
    for node, data in G.nodes(data=True):
        attrs = {k: _flat(v) for k, v in data.items()}
        if gexf:
            if "id" in attrs:
                attrs["paper_id"] = attrs.pop("id")
            if "key" in attrs:
                attrs["node_key"] = attrs.pop("key")
            attrs.setdefault("label", str(data.get("title") or data.get("name") or node))
        F.add_node(node, **attrs)
    for u, v, key, data in G.edges(keys=True, data=True):
        F.add_edge(u, v, key=key, **{k: _flat(val) for k, val in data.items()})
    return F


#: Field names of graph.json. networkx's defaults (``id``, ``source``, ``target``) would overwrite the
#: paper property ``id`` and the CITES property ``source``.
NODE_LINK_NAMES = {"name": "node_id", "source": "start", "target": "end", "key": "type", "edges": "links"}


def _write_json(G: nx.MultiDiGraph, path: Path) -> Path:
    data = nx.node_link_data(G, **NODE_LINK_NAMES)
    return atomic_write(path, json.dumps(data, ensure_ascii=False, sort_keys=True, indent=1) + "\n")


def read_graph_json(path: str | Path) -> nx.MultiDiGraph:
    """The graph a :func:`write_graph_files` call saved as ``graph.json``, with every property."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return nx.node_link_graph(data, directed=True, multigraph=True, **NODE_LINK_NAMES)


def _write_graphml(G: nx.MultiDiGraph, path: Path) -> Path:
    with atomic_open(path, "wb") as fh:
        nx.write_graphml(flat_graph(G), fh)
    return path


def _write_gexf(G: nx.MultiDiGraph, path: Path) -> Path:
    with atomic_open(path, "wb") as fh:
        nx.write_gexf(flat_graph(G, gexf=True), fh)
    return path


def _cell(value: Any) -> Any:
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        return "; ".join(str(v) for v in value)
    return value


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Path:
    with atomic_open(path, "w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        for row in rows:
            writer.writerow([_cell(row.get(c)) for c in columns])
    return path


def _targets(G: nx.MultiDiGraph, node: str, edge: str) -> list[str]:
    return [v for _, v, k in G.out_edges(node, keys=True) if k == edge]


def _paper_rows(G: nx.MultiDiGraph, labels: Mapping[int, str]) -> Iterator[dict[str, Any]]:
    for node, data in G.nodes(data=True):
        if data["kind"] != schema.PAPER:
            continue
        concepts = sorted(
            (G.edges[node, c, schema.HAS_CONCEPT].get("rank", 0), c) for c in _targets(G, node, schema.HAS_CONCEPT)
        )
        yield {
            **data,
            "community_label": labels.get(data["community"]) if "community" in data else None,
            "techniques": [schema.split_node_id(t)[1] for t in _targets(G, node, schema.USES_TECHNIQUE)],
            "concepts": [schema.split_node_id(c)[1] for _, c in concepts],
        }


def _kind_rows(G: nx.MultiDiGraph, kind: str) -> Iterator[dict[str, Any]]:
    return (data for _, data in G.nodes(data=True) if data["kind"] == kind)


def _author_rows(G: nx.MultiDiGraph) -> Iterator[dict[str, Any]]:
    for node, data in _kind_nodes(G, schema.AUTHOR):
        yield {**data, "papers": [schema.split_node_id(p)[1] for p in sorted(_targets(G, node, schema.AUTHORED))]}


def _kind_nodes(G: nx.MultiDiGraph, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    return ((n, d) for n, d in G.nodes(data=True) if d["kind"] == kind)


def _edge_rows(G: nx.MultiDiGraph) -> Iterator[dict[str, Any]]:
    for u, v, key, data in G.edges(keys=True, data=True):
        row = {**data, "start": u, "end": v, "type": key}
        row["cites_source"] = row.pop("source", None) if key == schema.CITES else None
        yield row


def _community_rows(analysis: AnalysisResult) -> Iterator[dict[str, Any]]:
    for c in analysis.communities:
        yield {
            "id": c.id,
            "label": c.label,
            "size": c.size,
            "top_papers": [schema.split_node_id(p)[1] for p in c.top_papers],
            "top_techniques": c.top_techniques,
            "top_concepts": c.top_concepts,
        }


def write_graph_files(G: nx.MultiDiGraph, analysis: AnalysisResult, out_dir: str | Path) -> list[Path]:
    """Write graph.json, graph.graphml, graph.gexf and the CSV tables into ``out_dir``; returns the paths."""
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    labels = analysis.community_labels()
    tables = {
        "papers.csv": _paper_rows(G, labels),
        "concepts.csv": _kind_rows(G, schema.CONCEPT),
        "techniques.csv": _kind_rows(G, schema.TECHNIQUE),
        "authors.csv": _author_rows(G),
        "edges.csv": _edge_rows(G),
        "communities.csv": _community_rows(analysis),
    }
    written = [
        _write_json(G, out / "graph.json"),
        _write_graphml(G, out / "graph.graphml"),
        _write_gexf(G, out / "graph.gexf"),
    ]
    written += [_write_csv(out / name, CSV_COLUMNS[name], rows) for name, rows in tables.items()]
    return written

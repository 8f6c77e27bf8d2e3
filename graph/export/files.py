"""Graph files and CSV tables: node-link JSON, GraphML (Gephi, yEd), GEXF (Gephi) and documented CSVs.

``graph.json`` is networkx node-link data with networkx's default field names, one node or edge per line:
nodes under ``nodes`` (node id in ``id``), edges under ``edges`` with ``source``, ``target`` and ``key`` (the
relationship type), so ``nx.node_link_graph(json.load(f))`` reads it; :func:`read_graph_json` also puts
back each paper's ``id`` property (its node id without ``paper:``).

Every file is written to a temporary name in its folder and renamed into place
(:func:`loaders.atomicio.atomic_open`), so a reader never sees half a file. Output is deterministic: the
same graph gives byte-identical files.

GraphML and GEXF cannot hold lists or missing values: list properties (``aliases``, ``shared``,
``sources``) are written as JSON strings (``'["a", "b"]'``). In GEXF the paper property ``id`` is written
as ``paper_id`` and ``key`` as ``node_key`` (networkx reserves both), and every node gets a ``label``
(title, name or label), as Gephi displays it.

The CSV tables are meant for spreadsheets, so they are spreadsheet-safe (OWASP "CSV injection"): a text
cell, or an item of a list cell, that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return
gets a leading ``'`` (:func:`spreadsheet_safe`), so Excel, LibreOffice and Google Sheets show it as text
instead of running it as a formula. Numbers are written as they are. The Neo4j bulk-import CSVs
(``neo4j/``) go to a database, not a spreadsheet, and keep every value exact.

CSV columns (list cells are ``"; "``-joined; empty = missing):

- ``papers.csv``: id, title, published, year, n_authors, upvotes, url, code_url, community,
  community_label, pagerank, betweenness, degree, techniques (keys), concepts (labels, best first)
- ``concepts.csv``: key, label, aliases, df, technique, community, pagerank, degree
- ``techniques.csv``: key, label, family, parent, aliases, df, community, pagerank, betweenness, degree
- ``authors.csv``: key, name, papers (ids, sorted)
- ``edges.csv``: start, end, type, weight, shared, score, rank, evidence, via, position
  (node ids; ``via`` is ``references`` or ``mention`` on CITES rows)
- ``communities.csv``: id, label, size, top_papers, top_techniques, top_concepts
"""

from __future__ import annotations

import csv
import itertools
import json
import re
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any

import networkx as nx

from graph import schema
from graph.access import display_name, targets
from graph.analysis import AnalysisResult
from loaders.atomicio import atomic_open, atomic_write

__all__ = [
    "CSV_COLUMNS", "atomic_open", "atomic_write", "parse_graph_json", "read_graph_json", "spreadsheet_safe",
    "write_graph_files",
]  # fmt: skip

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
        "start", "end", "type", "weight", "shared", "score", "rank", "evidence", "via", "position",
    ],
    "communities.csv": ["id", "label", "size", "top_papers", "top_techniques", "top_concepts"],
}  # fmt: skip


def _flat(value: Any) -> Any:
    """A list as a JSON string; anything else unchanged."""
    return json.dumps(value, ensure_ascii=False) if isinstance(value, (list, tuple)) else value


#: graph.json uses networkx's default node-link field names, so ``nx.node_link_graph(json.load(f))`` reads
#: it. No property is named ``source``/``target``/``key`` (schema.py sees to that); a paper's ``id``
#: property is its node id without the ``paper:`` prefix, so it is not repeated in the file.
NODE_LINK_NAMES = {"name": "id", "source": "source", "target": "target", "key": "key", "edges": "edges"}


def _write_json(G: nx.MultiDiGraph, path: Path) -> Path:
    """Stream node-link JSON, one node or link per line (keys sorted), without building it in memory."""
    names = NODE_LINK_NAMES
    encode = json.JSONEncoder(ensure_ascii=False, sort_keys=True).encode  # what json.dumps(...) makes per call

    def lines(rows: Iterable[dict[str, Any]]) -> Iterator[str]:
        for i, row in enumerate(rows):
            yield ("" if i == 0 else ",\n") + encode(row)

    with atomic_open(path) as fh:
        fh.write(f'{{"directed": true, "multigraph": true, "graph": {json.dumps(G.graph, sort_keys=True)},\n')
        fh.write('"nodes": [\n')
        _write_lines(fh, lines({**d, names["name"]: n} for n, d in G.nodes(data=True)))  # paper "id": the node id
        fh.write(f'\n],\n"{names["edges"]}": [\n')
        source, target, key = names["source"], names["target"], names["key"]
        _write_lines(fh, lines({**d, source: u, target: v, key: k} for u, v, k, d in G.edges(keys=True, data=True)))
        fh.write("\n]}\n")
    return path


def read_graph_json(path: str | Path) -> nx.MultiDiGraph:
    """The graph a :func:`write_graph_files` call saved as ``graph.json``, with every property."""
    return parse_graph_json(Path(path).read_bytes())


def parse_graph_json(text: str | bytes) -> nx.MultiDiGraph:
    """The graph in the text of a ``graph.json`` (as :func:`read_graph_json`, for bytes already read)."""
    G = nx.node_link_graph(json.loads(text), directed=True, multigraph=True, **NODE_LINK_NAMES)
    for node, attrs in G.nodes(data=True):
        if attrs.get("kind") == schema.PAPER:
            attrs["id"] = schema.split_node_id(node)[1]
    return G


#: Characters XML 1.0 forbids: dropped from every value.
_XML_INVALID = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\ufffe\uffff]")
#: Whitespace an attribute value keeps only as a character reference (as ``xml.sax.saxutils.quoteattr``).
_ATTR_WHITESPACE = (("\n", "&#10;"), ("\r", "&#13;"), ("\t", "&#9;"))
_GRAPHML_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
_GEXF_TYPES = {str: "string", int: "long", float: "double", bool: "boolean"}
#: Value types written as they print (``str``: digits, sign, ``.``, ``e``, ``inf``, ``nan``; nothing to escape).
_NUMBERS = frozenset({int, float})
#: GEXF/Gephi reserve ``id`` and networkx ``key``: node properties renamed in GEXF.
_GEXF_RENAMED = {"id": "paper_id", "key": "node_key"}
#: Elements written per ``write`` call (a batch of lines, not the whole file, is held in memory).
_BATCH = 2000


def _text(value: Any) -> str:
    """A value as XML text content: lists as JSON, characters XML 1.0 forbids dropped, ``& < >`` escaped
    (what ``xml.sax.saxutils.escape`` gives, without its per-call dictionary work).

    >>> _text("a<b & c\x01"), _text(["x>", 1]), _text(0.5), _text(True)
    ('a&lt;b &amp; c', '["x&gt;", 1]', '0.5', 'True')
    """
    kind = type(value)
    if kind in _NUMBERS:
        return str(value)
    text = value if kind is str else str(_flat(value))
    if not text.isprintable() and _XML_INVALID.search(text):  # isprintable: a fast test for the common case
        text = _XML_INVALID.sub("", text)
    if "&" in text:
        text = text.replace("&", "&amp;")
    if ">" in text:
        text = text.replace(">", "&gt;")
    if "<" in text:
        text = text.replace("<", "&lt;")
    return text


def _attr(value: Any) -> str:
    r"""A value as a quoted XML attribute value, exactly as ``xml.sax.saxutils.quoteattr(_text(value))``.

    >>> print(_attr("a"), _attr('say "hi"'), _attr("it's \"x\"\n"))
    "a" 'say "hi"' "it's &quot;x&quot;&#10;"
    """
    text = _text(value)
    for raw, reference in _ATTR_WHITESPACE:
        if raw in text:
            text = text.replace(raw, reference)
    if '"' in text:
        if "'" in text:
            return '"' + text.replace('"', "&quot;") + '"'
        return "'" + text + "'"
    return '"' + text + '"'


def _one_type(kinds: set[type]) -> type:
    """The type all values of a property are written as: their own when all agree, ``float`` for ints
    mixed with floats, otherwise ``str``."""
    if len(kinds) == 1:
        return next(iter(kinds))
    return float if kinds == {int, float} else str


Shape = tuple[tuple[str, ...], tuple[type, ...]]


def _shapes(rows: Iterable[Mapping[str, Any]]) -> set[Shape]:
    """The distinct shapes (property names, value types) of ``rows``: all :func:`_attr_types` needs to know."""
    return {(tuple(row), tuple(map(type, row.values()))) for row in rows}


def _attr_types(shapes: Iterable[Shape], rename: Mapping[str, str] | None = None) -> dict[str, type]:
    """Property name (after ``rename``) -> one Python type for all its values, sorted by name: lists are
    written as text (``str``), ints mixed with floats as ``float``, any other mix as ``str``.

    The rows are read as their :func:`_shapes`, so the types are merged once per distinct shape, not once
    per value.

    >>> rows = [{"b": 1, "a": "x"}, {"b": 0.5}, {"a": ["y"]}, {"c": True}, {"c": 2}, {"id": 1}]
    >>> _attr_types(_shapes(rows), {"id": "i"})
    {'a': <class 'str'>, 'b': <class 'float'>, 'c': <class 'str'>, 'i': <class 'int'>}
    """
    names = rename or {}
    found: dict[str, set[type]] = {}
    for keys, kinds in shapes:
        for name, kind in zip(keys, kinds, strict=True):
            found.setdefault(names.get(name, name), set()).add(str if issubclass(kind, (list, tuple)) else kind)
    return {name: _one_type(found[name]) for name in sorted(found)}


class _Once(dict[Any, Any]):
    """``make(key)`` for each key asked for, made once, when first asked for (node ids quoted for XML or made
    CSV cells: every edge names two nodes).

    >>> quoted = _Once(_attr)
    >>> print(quoted['say "hi"'], quoted["plain"], quoted["plain"], len(quoted))
    'say "hi"' "plain" "plain" 2
    """

    def __init__(self, make: Callable[[Any], Any]) -> None:
        super().__init__()
        self.make = make

    def __missing__(self, key: Any) -> Any:
        self[key] = made = self.make(key)
        return made


@dataclass
class _XmlPlan:
    """What the GraphML and GEXF writers share, read from the graph once: the shapes of node and edge
    properties and the quoted node ids (and relationship types), each quoted once."""

    node_shapes: set[Shape]
    edge_shapes: set[Shape]
    quoted: _Once = field(default_factory=lambda: _Once(_attr))

    @classmethod
    def of(cls, G: nx.MultiDiGraph) -> _XmlPlan:
        return cls(_shapes(d for _, d in G.nodes(data=True)), _shapes(d for _, _, d in G.edges(data=True)))


def _write_lines(fh: IO[str], lines: Iterable[str]) -> None:
    """Write ``lines`` in batches of :data:`_BATCH` (a few ``write`` calls, never the whole file as one string)."""
    pending = iter(lines)
    while batch := list(itertools.islice(pending, _BATCH)):
        fh.write("".join(batch))


def _write_graphml(G: nx.MultiDiGraph, path: Path, plan: _XmlPlan) -> Path:
    """Stream GraphML (the XML networkx, Gephi, yEd and Cytoscape read), one element per line."""
    node_types = _attr_types(plan.node_shapes)
    edge_types = _attr_types(plan.edge_shapes)
    quoted = plan.quoted
    ids = {("node", name): f"n{i}" for i, name in enumerate(node_types)}
    ids.update({("edge", name): f"e{i}" for i, name in enumerate(edge_types)})
    keys = [
        f'<key id="{ids[(domain, name)]}" for="{domain}" attr.name={_attr(name)} '
        f'attr.type="{_GRAPHML_TYPES[kind]}" />\n'
        for domain, types in (("node", node_types), ("edge", edge_types))
        for name, kind in types.items()
    ]
    node_data = {name: f'<data key="{ids[("node", name)]}">' for name in node_types}
    edge_data = {name: f'<data key="{ids[("edge", name)]}">' for name in edge_types}
    nodes = (
        f"<node id={quoted[node]}>"
        f"{''.join([f'{node_data[k]}{v if type(v) in _NUMBERS else _text(v)}</data>' for k, v in data.items()])}"
        "</node>\n"
        for node, data in G.nodes(data=True)
    )
    edges = (
        f"<edge id={quoted[key]} source={quoted[u]} target={quoted[v]}>"
        f"{''.join([f'{edge_data[k]}{x if type(x) in _NUMBERS else _text(x)}</data>' for k, x in data.items()])}"
        "</edge>\n"
        for u, v, key, data in G.edges(keys=True, data=True)
    )
    with atomic_open(path) as fh:
        fh.write(
            "<?xml version='1.0' encoding='utf-8'?>\n"
            '<graphml xmlns="http://graphml.graphdrawing.org/xmlns" '
            'xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://graphml.graphdrawing.org/xmlns '
            'http://graphml.graphdrawing.org/xmlns/1.0/graphml.xsd">\n'
        )
        fh.write("".join(keys) + '<graph edgedefault="directed">\n')
        _write_lines(fh, nodes)
        _write_lines(fh, edges)
        fh.write("</graph>\n</graphml>\n")
    return path


def _gexf_attributes(domain: str, types: Mapping[str, type]) -> str:
    rows = "".join(
        f'<attribute id="{i}" title={_attr(n)} type="{_GEXF_TYPES[t]}" />\n' for i, (n, t) in enumerate(types.items())
    )
    return f'<attributes class="{domain}" mode="static">\n{rows}</attributes>\n'


def _attvalues(data: Mapping[str, Any], prefixes: Mapping[str, str], skip: str) -> str:
    """``<attvalues>`` of one element (property ``skip`` left out: it is written as an XML attribute);
    ``prefixes``: property name -> its ``<attvalue for="N" value=``."""
    cells = "".join(
        [
            f'{prefixes[k]}"{v}" />' if type(v) in _NUMBERS else f"{prefixes[k]}{_attr(v)} />"
            for k, v in data.items()
            if k != skip
        ]
    )
    return f"<attvalues>{cells}</attvalues>" if cells else ""


def _write_gexf(G: nx.MultiDiGraph, path: Path, plan: _XmlPlan) -> Path:
    """Stream GEXF 1.2 for Gephi: node labels are titles/names/labels; RELATED_TO weight is the edge weight."""
    node_types = _attr_types(plan.node_shapes, _GEXF_RENAMED)
    node_types.pop("label", None)
    edge_types = _attr_types(plan.edge_shapes)
    quoted = plan.quoted
    edge_types.pop("weight", None)
    node_ids = {n: i for i, n in enumerate(node_types)}
    node_names = {name for names, _ in plan.node_shapes for name in names} - {"label"}
    node_values = {n: f'<attvalue for="{node_ids[_GEXF_RENAMED.get(n, n)]}" value=' for n in node_names}
    edge_values = {n: f'<attvalue for="{i}" value=' for i, n in enumerate(edge_types)}
    nodes = (
        f"<node id={quoted[node]} label={_attr(display_name(G, node))}>"
        f"{_attvalues(data, node_values, 'label')}</node>\n"
        for node, data in G.nodes(data=True)
    )
    edges = (
        f'<edge id="{i}" source={quoted[u]} target={quoted[v]}{_weight(data)}>'
        f"{_attvalues(data, edge_values, 'weight')}</edge>\n"
        for i, (u, v, data) in enumerate(G.edges(data=True))
    )
    with atomic_open(path) as fh:
        fh.write(
            "<?xml version='1.0' encoding='utf-8'?>\n"
            '<gexf xmlns="http://www.gexf.net/1.2draft" xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" '
            'xsi:schemaLocation="http://www.gexf.net/1.2draft http://www.gexf.net/1.2draft/gexf.xsd" '
            'version="1.2">\n<meta><creator>paperkg</creator></meta>\n'
            '<graph defaultedgetype="directed" mode="static">\n'
        )
        fh.write(_gexf_attributes("node", node_types) + _gexf_attributes("edge", edge_types) + "<nodes>\n")
        _write_lines(fh, nodes)
        fh.write("</nodes>\n<edges>\n")
        _write_lines(fh, edges)
        fh.write("</edges>\n</graph>\n</gexf>\n")
    return path


def _weight(data: Mapping[str, Any]) -> str:
    return f" weight={_attr(data['weight'])}" if "weight" in data else ""


#: First characters a spreadsheet reads as the start of a formula (OWASP's list).
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def spreadsheet_safe(text: str) -> str:
    """``text`` with a ``'`` in front when a spreadsheet would read it as a formula.

    >>> spreadsheet_safe("=cmd|' /C calc'!A0"), spreadsheet_safe("@SUM(1)"), spreadsheet_safe("Fine")
    ("'=cmd|' /C calc'!A0", "'@SUM(1)", 'Fine')
    """
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def _cell(value: Any) -> Any:
    r"""One spreadsheet CSV cell: missing as empty, lists ``"; "``-joined, every text :func:`spreadsheet_safe`,
    line breaks as ``\n`` (the csv module quotes a cell holding ``\n`` but not one holding a bare ``\r``).

    >>> _cell(None), _cell(-0.5), _cell(["-1 trick", "ok"]), _cell("+cmd"), _cell("\ra\r\nb")
    ('', -0.5, "'-1 trick; ok", "'+cmd", "'\na\nb")
    """
    if value is None:
        return ""
    if isinstance(value, (list, tuple)):
        value = "; ".join(spreadsheet_safe(str(v)) for v in value)
    if not isinstance(value, str):
        return value
    return spreadsheet_safe(value).replace("\r\n", "\n").replace("\r", "\n")


def _write_csv(path: Path, columns: Sequence[str], rows: Iterable[Sequence[Any]]) -> Path:
    """The table ``columns`` with ``rows`` of cells (:func:`_cells`) as a spreadsheet CSV."""
    with atomic_open(path, "w", newline="") as fh:
        writer = csv.writer(fh, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows(rows)
    return path


def _cells(columns: Sequence[str], rows: Iterable[Mapping[str, Any]]) -> Iterator[list[Any]]:
    """Each row's :func:`_cell` of each column (missing values and numbers without a call)."""
    return (
        ["" if (v := row.get(c)) is None else v if type(v) in _NUMBERS else _cell(v) for c in columns] for row in rows
    )


def _paper_rows(G: nx.MultiDiGraph, labels: Mapping[int, str]) -> Iterator[dict[str, Any]]:
    for node, data in G.nodes(data=True):
        if data["kind"] != schema.PAPER:
            continue
        concepts = sorted(
            (G.get_edge_data(node, c, schema.HAS_CONCEPT).get("rank", 0), c)
            for c in targets(G, node, schema.HAS_CONCEPT)
        )
        yield {
            **data,
            "community_label": labels.get(data["community"]) if "community" in data else None,
            "techniques": [schema.split_node_id(t)[1] for t in targets(G, node, schema.USES_TECHNIQUE)],
            "concepts": [G.nodes[c].get("label") or schema.split_node_id(c)[1] for _, c in concepts],
        }


def _kind_rows(G: nx.MultiDiGraph, kind: str) -> Iterator[dict[str, Any]]:
    return (data for _, data in G.nodes(data=True) if data["kind"] == kind)


def _author_rows(G: nx.MultiDiGraph) -> Iterator[dict[str, Any]]:
    for node, data in _kind_nodes(G, schema.AUTHOR):
        yield {**data, "papers": [schema.split_node_id(p)[1] for p in sorted(targets(G, node, schema.AUTHORED))]}


def _kind_nodes(G: nx.MultiDiGraph, kind: str) -> Iterator[tuple[str, dict[str, Any]]]:
    return ((n, d) for n, d in G.nodes(data=True) if d["kind"] == kind)


def _edge_cells(G: nx.MultiDiGraph) -> Iterator[list[Any]]:
    """The cells of edges.csv: start, end and type (each node id's cell made once), then the properties."""
    ends = _Once(_cell)
    columns = CSV_COLUMNS["edges.csv"][3:]  # after start, end, type
    for u, v, key, data in G.edges(keys=True, data=True):
        yield [
            ends[u],
            ends[v],
            ends[key],
            *["" if (x := data.get(c)) is None else x if type(x) in _NUMBERS else _cell(x) for c in columns],
        ]


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
        "papers.csv": _cells(CSV_COLUMNS["papers.csv"], _paper_rows(G, labels)),
        "concepts.csv": _cells(CSV_COLUMNS["concepts.csv"], _kind_rows(G, schema.CONCEPT)),
        "techniques.csv": _cells(CSV_COLUMNS["techniques.csv"], _kind_rows(G, schema.TECHNIQUE)),
        "authors.csv": _cells(CSV_COLUMNS["authors.csv"], _author_rows(G)),
        "edges.csv": _edge_cells(G),
        "communities.csv": _cells(CSV_COLUMNS["communities.csv"], _community_rows(analysis)),
    }
    plan = _XmlPlan.of(G)
    written = [
        _write_json(G, out / "graph.json"),
        _write_graphml(G, out / "graph.graphml", plan),
        _write_gexf(G, out / "graph.gexf", plan),
    ]
    written += [_write_csv(out / name, CSV_COLUMNS[name], rows) for name, rows in tables.items()]
    return written

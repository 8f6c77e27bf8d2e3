"""Files for ``neo4j-admin database import full``: the fastest way to put a large graph into Neo4j.

One CSV per node label (``nodes_Paper.csv`` ...) and per relationship type (``rels_CITES.csv`` ...),
with admin-import headers: an id space per label (``id:ID(Paper)``, ``key:ID(Concept)``), ``:LABEL``,
``:START_ID(<Label>)`` / ``:END_ID(<Label>)`` / ``:TYPE``, and typed properties (``year:int``,
``pagerank:float``, ``aliases:string[]`` with ``;`` between elements). Next to them, ``schema.cypher``
(constraints and indexes, for ``cypher-shell -f``) and a ``README.md`` with the exact commands.
Every file is written atomically (:mod:`loaders.atomicio`) at a stable path, so ``DIR/neo4j`` can stay mounted.
Only properties declared in :mod:`graph.schema` are written; empty cells are absent properties.
"""

from __future__ import annotations

import csv
import math
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path
from typing import IO, Any

import networkx as nx

from graph.errors import InputError
from graph.export.graphdb import cypher
from graph.export.graphdb.rows import GraphRows, convert
from graph.schema import FLOAT, INT, NODES, RELATIONSHIPS, STRING, STRING_LIST
from loaders.atomicio import atomic_open, atomic_write

#: Between the items of a list property. The ASCII unit separator: the loaders strip control characters
#: from every text, so no title, alias or name holds it, whereas ";" turns up in aliases and file names.
ARRAY_DELIMITER = "\x1f"

#: How ``neo4j-admin --array-delimiter`` names it (it takes one character, or ``U+XXXX``).
ARRAY_DELIMITER_OPTION = "U+001F"


def _typed(prop: str, typ: str) -> str:
    """A header field: ``year:int``, ``aliases:string[]``; plain strings carry no suffix."""
    return prop if typ == STRING else f"{prop}:{typ}"


def node_header(kind: str) -> list[str]:
    """``[<key>:ID(<Label>), <typed properties>..., :LABEL]`` for one node kind.

    >>> node_header("author")
    ['key:ID(Author)', 'name', ':LABEL']
    """
    spec = NODES[kind]
    props = [_typed(p, t) for p, t in spec.properties.items() if p != spec.key]
    return [f"{spec.key}:ID({spec.label})", *props, ":LABEL"]


def relationship_header(rel_type: str) -> list[str]:
    """``[:START_ID(<Label>), :END_ID(<Label>), <typed properties>..., :TYPE]`` for one type.

    >>> relationship_header("HAS_CONCEPT")
    [':START_ID(Paper)', ':END_ID(Concept)', 'score:float', 'rank:int', ':TYPE']
    """
    spec = RELATIONSHIPS[rel_type]
    props = [_typed(p, t) for p, t in spec.properties.items()]
    return [f":START_ID({NODES[spec.start].label})", f":END_ID({NODES[spec.end].label})", *props, ":TYPE"]


def cell(value: Any, typ: str, where: str, prop: str) -> str:
    r"""One CSV cell: empty for a missing value, :data:`ARRAY_DELIMITER`-joined lists, ``repr`` for floats.

    >>> cell(["a;b", "c"], "string[]", "concept:x", "aliases"), cell(0.25, "float", "paper:x", "pagerank")
    ('a;b\x1fc', '0.25')
    """
    if value is None:
        return ""
    if typ == STRING_LIST:
        clashing = [item for item in value if ARRAY_DELIMITER in item]
        if clashing:
            raise InputError(
                f"list element {clashing[0]!r} contains the array delimiter {ARRAY_DELIMITER!r}", file=where, field=prop
            )
        return ARRAY_DELIMITER.join(value)
    if type(value) is str:
        return value
    if isinstance(value, float):
        return repr(value)
    return str(value)


def csv_writer(handle: IO[str]) -> Any:
    r"""The CSV writer of every bulk file. CRLF row ends (RFC 4180, which neo4j-admin reads) make the csv module
    quote each cell holding a CR or LF, so a bare carriage return in a title stays inside its cell.

    >>> import io
    >>> buffer = io.StringIO()
    >>> _ = csv_writer(buffer).writerow(["a\rb", "c"])
    >>> buffer.getvalue()
    '"a\rb",c\r\n'
    """
    return csv.writer(handle, lineterminator="\r\n")


def write_csv(path: Path, header: list[str], rows: Iterable[list[str]]) -> Path:
    """Write ``header`` and ``rows`` to ``path`` atomically (rows may be a generator: streamed)."""
    with atomic_open(path, "w", newline="") as handle:
        writer = csv_writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def node_cells(kind: str, key: str, props: Mapping[str, Any]) -> list[str]:
    """One node row of ``kind`` from its schema-typed ``props`` (:func:`graph.export.graphdb.rows.schema_props`).

    >>> node_cells("author", "a1", {"name": "Ada"})
    ['a1', 'Ada', 'Author']
    """
    spec = NODES[kind]
    where = f"{kind}:{key}"
    cells = [cell(props.get(p), t, where, p) for p, t in spec.properties.items() if p != spec.key]
    return [key, *cells, spec.label]


def relationship_cells(rel_type: str, start: str, end: str, props: Mapping[str, Any]) -> list[str]:
    """One relationship row of ``rel_type`` between the keys ``start`` and ``end``, from its typed ``props``.

    >>> relationship_cells("AUTHORED", "a1", "arxiv:1", {"position": 2})
    ['a1', 'arxiv:1', '2', 'AUTHORED']
    """
    spec = RELATIONSHIPS[rel_type]
    where = f"{rel_type} {start} -> {end}"
    cells = [cell(props.get(p), t, where, p) for p, t in spec.properties.items()]
    return [start, end, *cells, rel_type]


def typed_cells(attrs: Mapping[str, Any], columns: Sequence[tuple[str, str]], where: str) -> list[str]:
    """The cells of ``columns`` (``(property, schema type)`` pairs) for one node or edge with attributes
    ``attrs``: :func:`cell` of :func:`~graph.export.graphdb.rows.convert` of each, what :func:`node_cells` and
    :func:`relationship_cells` give from :func:`~graph.export.graphdb.rows.schema_props`, with the values
    already of their schema type (nearly all) written without a call per value.

    >>> columns = [("title", "string"), ("year", "int"), ("pagerank", "float"), ("aliases", "string[]")]
    >>> typed_cells({"title": "A", "year": 2024.0, "pagerank": 0.5, "extra": 1}, columns, "paper:p")
    ['A', '2024', '0.5', '']
    """
    cells = []
    for prop, typ in columns:
        value = attrs.get(prop)
        kind = type(value)
        if value is None:
            cells.append("")
        elif kind is str and typ == STRING:
            cells.append(value)
        elif kind is float and typ == FLOAT and math.isfinite(value):
            cells.append(repr(value))
        elif kind is int and typ == INT:
            cells.append(str(value))
        else:
            cells.append(cell(convert(value, typ, where, prop), typ, where, prop))
    return cells


def _node_cells(rows: GraphRows, kind: str) -> Iterator[list[str]]:
    spec = NODES[kind]
    columns = [(p, t) for p, t in spec.properties.items() if p != spec.key]
    keys, attrs = rows.keys, rows.attrs
    for nid in rows.by_kind[kind]:
        yield [keys[nid], *typed_cells(attrs[nid], columns, nid), spec.label]


def _relationship_cells(rows: GraphRows, rel_type: str) -> Iterator[list[str]]:
    columns = list(RELATIONSHIPS[rel_type].properties.items())
    keys = rows.keys
    for u, v, attrs in rows.by_type[rel_type]:
        yield [keys[u], keys[v], *typed_cells(attrs, columns, f"{rel_type} {u} -> {v}"), rel_type]


def node_file(label_name: str) -> str:
    return f"nodes_{cypher.label(label_name)}.csv"


def relationship_file(rel_type: str) -> str:
    return f"rels_{cypher.rel_type(rel_type)}.csv"


def import_command(prefix: str = "") -> str:
    """The ``neo4j-admin`` command for the files (paths prefixed by ``prefix``), into database ``neo4j``."""
    parts = ["neo4j-admin database import full --overwrite-destination"]
    parts += [f"--nodes={prefix}{node_file(spec.label)}" for spec in NODES.values()]
    parts += [f"--relationships={prefix}{relationship_file(rel)}" for rel in RELATIONSHIPS]
    parts += [f"--array-delimiter={ARRAY_DELIMITER_OPTION}", "--multiline-fields=true", "neo4j"]
    return " \\\n  ".join(parts)


def _readme(nodes: Mapping[str, int], rels: Mapping[str, int]) -> str:
    counts = [f"| `{node_file(label)}` | {label} nodes | {n} |" for label, n in nodes.items()]
    counts += [f"| `{relationship_file(rel)}` | {rel} relationships | {n} |" for rel, n in rels.items()]
    return "\n".join(
        [
            "# Neo4j bulk-import files (written by paperkg)",
            "",
            "| file | holds | rows |",
            "|---|---|---|",
            *counts,
            "",
            "`neo4j-admin database import full` builds a new database from these files, much faster than",
            "`paperkg neo4j load`; the database must be stopped and is replaced (`--overwrite-destination`).",
            "",
            "## With a local Neo4j 5 installation (run in this folder, Neo4j stopped)",
            "",
            "```sh",
            "neo4j stop",
            import_command(),
            "neo4j start",
            'cypher-shell -u neo4j -p "$NEO4J_PASSWORD" -f schema.cypher   # constraints and indexes',
            "```",
            "",
            "## With the project's docker-compose.yml (run in the project folder)",
            "",
            "docker-compose.yml mounts `${PAPERKG_OUT:-./paperkg-out}/neo4j` at `/import` in the container.",
            "",
            "```sh",
            "docker compose stop neo4j",
            "docker compose run --rm neo4j " + import_command("/import/"),
            "docker compose start neo4j",
            'docker compose exec neo4j cypher-shell -u neo4j -p "${NEO4J_PASSWORD:-paperkg-local}" '
            "-f /import/schema.cypher",
            "```",
            "",
        ]
    )


def _schema_script() -> str:
    return "".join(f"{statement.text};\n" for statement in cypher.schema_statements())


def write_bulk_import(G: nx.MultiDiGraph, out_dir: str | Path) -> list[Path]:
    """Write the node and relationship CSVs, ``schema.cypher`` and ``README.md`` into ``out_dir``.

    Returns the written paths (CSVs in schema order, then the script and the README).
    """
    rows = GraphRows.of(G)
    out = Path(out_dir)
    out.mkdir(parents=True, exist_ok=True)
    written = [
        write_csv(out / node_file(spec.label), node_header(kind), _node_cells(rows, kind))
        for kind, spec in NODES.items()
    ]
    written += [
        write_csv(out / relationship_file(rel), relationship_header(rel), _relationship_cells(rows, rel))
        for rel in RELATIONSHIPS
    ]
    return [*written, *write_import_guide(out, *rows.counts())]


def write_import_guide(out: Path, nodes: Mapping[str, int], rels: Mapping[str, int]) -> list[Path]:
    """``schema.cypher`` and ``README.md`` (the import commands and the row counts ``nodes``/``rels``)."""
    script = atomic_write(out / "schema.cypher", _schema_script())
    return [script, atomic_write(out / "README.md", _readme(nodes, rels))]

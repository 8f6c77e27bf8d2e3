"""Text in and out of the ``paperkg query`` command: ``--param`` values, presets' parameters, result tables.

Pure functions (no driver): the CLI imports them without loading the Neo4j driver.

>>> parse_param("limit=5"), parse_param("paper=SlimFlow"), parse_param("ids=[1, 2]")
(('limit', 5), ('paper', 'SlimFlow'), ('ids', [1, 2]))
>>> print(render(["a", "b"], [[1, "x"], [22, None]], "table"))
a   b
--  -
1   x
22
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Iterable
from typing import Any

from graph.errors import ConfigError
from graph.export.graphdb.cypher import PRESETS

FORMATS = ("table", "json", "csv")


def parse_param(text: str) -> tuple[str, Any]:
    """``"k=v"`` -> ``(k, v)``; ``v`` is read as JSON when it parses (numbers, lists...), else kept as text."""
    name, sep, raw = text.partition("=")
    if not sep or not name.strip():
        raise ConfigError(f"--param {text!r}: expected NAME=VALUE")
    try:
        value = json.loads(raw)
    except json.JSONDecodeError:
        value = raw
    return name.strip(), value


def parse_params(texts: Iterable[str]) -> dict[str, Any]:
    """Several ``--param`` values as one dict (a later NAME wins)."""
    return dict(parse_param(text) for text in texts)


def preset_lines() -> list[str]:
    """One entry per preset: name, what it answers, and its parameters with defaults."""
    lines = []
    for chosen in sorted(PRESETS.values(), key=lambda p: p.name):
        shown = {k: v for k, v in chosen.params.items() if not k.endswith("projection")}
        params = ", ".join(f"{k}={'(required)' if v is None else json.dumps(v)}" for k, v in shown.items())
        lines += [chosen.name, f"    {chosen.description}", f"    params: {params or 'none'}"]
    return lines


def _cell(value: Any) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, sort_keys=True)


def render(columns: list[str], rows: list[list[Any]], fmt: str = "table") -> str:
    """``rows`` as an aligned text table, a JSON list of objects, or CSV (header first)."""
    if fmt == "json":
        return json.dumps([dict(zip(columns, row, strict=True)) for row in rows], ensure_ascii=False, indent=2)
    if fmt == "csv":
        buffer = io.StringIO()
        writer = csv.writer(buffer, lineterminator="\n")
        writer.writerow(columns)
        writer.writerows([[_cell(value) for value in row] for row in rows])
        return buffer.getvalue().rstrip("\n")
    if fmt != "table":
        raise ConfigError(f"unknown output format {fmt!r}; use one of {', '.join(FORMATS)}")
    cells = [[_cell(value) for value in row] for row in rows]
    widths = [max([len(c)] + [len(row[i]) for row in cells]) for i, c in enumerate(columns)]
    lines = ["  ".join(c.ljust(w) for c, w in zip(columns, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(v.ljust(w) for v, w in zip(row, widths, strict=True)).rstrip() for row in cells]
    return "\n".join(lines)

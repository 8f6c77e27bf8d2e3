"""JSON and JSON Lines input with located errors, and the line on which each record starts.

>>> text = '{"total": 2, "data": [\\n  {"title": "A"},\\n  {"title": "B"}\\n]}'
>>> [(line, item["title"]) for line, item in located_items(text, load_json(text, "s2.json"), "data")]
[(2, 'A'), (3, 'B')]
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from typing import Any

from loaders.errors import InputError

_DECODER = json.JSONDecoder()
_WHITESPACE = re.compile(r"[ \t\r\n]*")


def load_json(text: str, file: str) -> Any:
    """Parse a JSON document; a syntax error (truncated file included) names the file and line.

    >>> load_json('[{"title": "A"', "cut.json")
    Traceback (most recent call last):
    ...
    loaders.errors.InputError: cut.json:1: invalid JSON (truncated file?): Expecting ',' delimiter (column 15)
    """
    try:
        return json.loads(text)
    except json.JSONDecodeError as exc:
        at_end = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        truncated = " (truncated file?)" if at_end else ""
        raise InputError(
            f"invalid JSON{truncated}: {exc.msg} (column {exc.colno})", file=file, line=exc.lineno
        ) from exc


def iter_jsonl(text: str, file: str) -> Iterator[tuple[int, Any]]:
    """``(line, value)`` for each non-blank line of a JSON Lines document."""
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        try:
            yield number, json.loads(line)
        except json.JSONDecodeError as exc:
            raise InputError(
                f"invalid JSON Lines record: {exc.msg} (column {exc.colno})", file=file, line=number
            ) from exc


def located_items(text: str, data: Any, key: str | None = None) -> list[tuple[int | None, Any]]:
    """The items of the top-level list (or of the list under top-level ``key``), each with its start line.

    Lines are found by re-reading the document's text; when that is not possible (the list is not
    where expected) the items come back with ``None`` lines rather than wrong ones.
    """
    items = data if key is None else data[key]
    start = _list_start(text, key)
    if start is None:
        return [(None, item) for item in items]
    located: list[tuple[int | None, Any]] = []
    pos = start + 1
    for item in items:
        pos = _skip(text, pos, ",")
        try:
            value, end = _DECODER.raw_decode(text, pos)
        except json.JSONDecodeError:
            return [(None, item) for item in items]
        if value != item:
            return [(None, item) for item in items]
        located.append((text.count("\n", 0, pos) + 1, item))
        pos = end
    return located


def _list_start(text: str, key: str | None) -> int | None:
    """Offset of the ``[`` that opens the top-level list (or the list under top-level ``key``)."""
    if key is None:
        pos = _skip(text, 0, "")
        return pos if text.startswith("[", pos) else None
    match = re.search(r'"' + re.escape(key) + r'"\s*:\s*\[', text)
    return match.end() - 1 if match else None


def _skip(text: str, pos: int, separators: str) -> int:
    """Skip whitespace and any of ``separators`` from ``pos``."""
    while True:
        pos = _WHITESPACE.match(text, pos).end()  # type: ignore[union-attr]
        if pos < len(text) and text[pos] in separators:
            pos += 1
            continue
        return pos


def json_records(text: str, file: str, wrapper: str | None, expected: str) -> list[tuple[int | None, Any]]:
    """The records of a saved API response, each with its line: ``{wrapper: [...]}``, a list, or one object.

    ``expected`` says what the file should have held; it is the error message for anything else.
    """
    data = load_json(text, file)
    if wrapper and isinstance(data, dict) and isinstance(data.get(wrapper), list):
        return located_items(text, data, wrapper)
    if isinstance(data, list):
        return located_items(text, data)
    if isinstance(data, dict):
        return [(1, data)]
    raise InputError(expected, file=file)

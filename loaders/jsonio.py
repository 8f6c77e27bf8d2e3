"""JSON and JSON Lines input with located errors, and the line on which each record starts.

>>> text = '{"total": 2, "data": [\\n  {"title": "A"},\\n  {"title": "B"}\\n]}'
>>> [(line, item["title"]) for line, item in located_items(text, load_json(text, "s2.json"), "data")]
[(2, 'A'), (3, 'B')]
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Iterator
from typing import Any

from loaders.errors import InputError
from loaders.records import Paper
from loaders.result import LoadResult, read_records

#: Integers with more digits stay text: Python refuses to convert huge ones, and no count is that large.
_MAX_INT_DIGITS = 30
#: Keys of an API response's envelope: such an object without a record list is an empty page.
_ENVELOPE_KEYS = frozenset({"total", "offset", "next", "token", "meta", "count", "message"})


def _int_or_text(digits: str) -> int | str:
    return int(digits) if len(digits) <= _MAX_INT_DIGITS else digits


_DECODER = json.JSONDecoder(parse_int=_int_or_text)
_WHITESPACE = re.compile(r"[ \t\r\n]*")


def load_json(text: str, file: str) -> Any:
    """Parse a JSON document; a syntax error (truncated file included) names the file and line.

    >>> load_json('[{"title": "A"', "cut.json")
    Traceback (most recent call last):
    ...
    loaders.errors.InputError: cut.json:1: invalid JSON (truncated file?): Expecting ',' delimiter (column 15)
    """
    try:
        return _DECODER.decode(text)
    except RecursionError as exc:
        raise InputError("JSON nested too deeply to read", file=file) from exc
    except json.JSONDecodeError as exc:
        at_end = exc.pos >= len(text.rstrip()) or exc.msg.startswith("Unterminated string")
        truncated = " (truncated file?)" if at_end else ""
        raise InputError(
            f"invalid JSON{truncated}: {exc.msg} (column {exc.colno})", file=file, line=exc.lineno
        ) from exc


def iter_jsonl(text: str, file: str, result: LoadResult) -> Iterator[tuple[int, Any]]:
    """``(line, value)`` for each non-blank line of a JSON Lines document; a bad line is skipped into ``result``.

    Lines end at a line feed only: U+2028 or U+0085 inside a JSON string is text, not a line break.

    >>> r = LoadResult()
    >>> list(iter_jsonl('{"title": "A\\u2028B"}\\n{"title": \\n', "t.jsonl", r)), r.warnings
    ([(1, {'title': 'A\\u2028B'})], ['t.jsonl:2: invalid JSON Lines record: Expecting value (column 11); skipped'])
    """
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.strip():
            continue
        try:
            yield number, _DECODER.decode(line)
        except RecursionError:
            result.skip("JSON nested too deeply to read", file=file, line=number)
        except json.JSONDecodeError as exc:
            result.skip(f"invalid JSON Lines record: {exc.msg} (column {exc.colno})", file=file, line=number)


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
            differs = value != item
        except (json.JSONDecodeError, RecursionError):
            return [(None, item) for item in items]
        if differs:
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


def json_records(text: str, file: str, wrappers: tuple[str, ...], expected: str) -> list[tuple[int | None, Any]]:
    """The records of a saved API response, each with its line: ``{wrapper: [...]}``, a list, or one object.

    An envelope without records (``{"total": 0, "offset": 0}``, ``{"meta": {...}, "results": []}``) is an
    empty page: no records. ``expected`` says what the file should have held; it is the error otherwise.

    >>> json_records('{"total": 0, "offset": 0}', "s2.json", ("data",), "?")
    []
    """
    data = load_json(text, file)
    if isinstance(data, dict):
        key = next((w for w in wrappers if isinstance(data.get(w), list)), None)
        if key is not None:
            return located_items(text, data, key)
        if data.keys() <= _ENVELOPE_KEYS | set(wrappers):
            return []
        return [(1, data)]
    if isinstance(data, list):
        return located_items(text, data)
    raise InputError(expected, file=file)


def read_json_objects(
    records: Iterable[tuple[int | None, Any]],
    file: str,
    read: Callable[[dict[str, Any], str, int | None, LoadResult], Paper | None],
) -> LoadResult:
    """:func:`~loaders.result.read_records` for the items of an API response: an item that is not a JSON
    object is skipped as such, every other one goes to ``read``.

    >>> r = read_json_objects([(2, [1]), (3, {"title": "A"})], "w.json", lambda item, f, line, res: None)
    >>> r.warnings
    ['w.json:2: item is not a JSON object; skipped']
    """

    def read_object(item: Any, file: str, line: int | None, result: LoadResult) -> Paper | None:
        if not isinstance(item, dict):
            result.skip("item is not a JSON object", file=file, line=line)
            return None
        return read(item, file, line, result)

    return read_records(records, file, read_object)

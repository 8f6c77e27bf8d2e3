"""Typed reads of one record's fields, and the size limits every record must meet.

A field of the wrong type (an abstract that is a list, an author name that is a number, a 5,000-digit
integer) raises :class:`~loaders.errors.RecordError` naming the field; the loader skips that record with
a located warning and reads on. Every loader's records pass :func:`check_limits`.

>>> text({"title": "UNITER"}, "title"), whole_number({"upvotes": "12"}, "upvotes")
('UNITER', 12)
>>> text({"abstract": ["a", "b"]}, "abstract")
Traceback (most recent call last):
...
loaders.errors.RecordError: field 'abstract': expected text, found a list
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from loaders.errors import RecordError
from loaders.records import Paper

#: Longest title kept (real titles stay under 500 characters; a longer one is a misread file).
MAX_TITLE_CHARS = 3000
#: Longest abstract kept.
MAX_ABSTRACT_CHARS = 100_000
#: Longest author name kept.
MAX_NAME_CHARS = 1000
#: Counts (upvotes, authors) at or above this lose precision in JSON readers and Neo4j's tools.
MAX_COUNT = 2**53

_TYPE_NAMES = {dict: "an object", list: "a list", bool: "a boolean", int: "a number", float: "a number"}


def _type(value: Any) -> str:
    return _TYPE_NAMES.get(type(value), type(value).__name__)


def text(record: Mapping[str, Any], key: str, *, field: str | None = None) -> str:
    """The text under ``key`` ("" when absent or null); numbers count as text (ids often are numbers)."""
    value = record.get(key)
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, int | float) and not isinstance(value, bool):
        return str(value)
    raise RecordError(f"expected text, found {_type(value)}", field=field or key)


def mapping(record: Mapping[str, Any], key: str, *, field: str | None = None) -> Mapping[str, Any]:
    """The object under ``key`` ({} when absent or null)."""
    value = record.get(key)
    if value is None:
        return {}
    if isinstance(value, Mapping):
        return value
    raise RecordError(f"expected an object, found {_type(value)}", field=field or key)


def items(record: Mapping[str, Any], key: str, *, field: str | None = None) -> list[Any]:
    """The list under ``key`` ([] when absent or null)."""
    value = record.get(key)
    if value is None:
        return []
    if isinstance(value, list):
        return value
    raise RecordError(f"expected a list, found {_type(value)}", field=field or key)


def names(record: Mapping[str, Any], key: str, name_key: str = "name") -> list[str]:
    """Author names from a list of ``{name_key: "..."}`` objects (or of plain strings).

    >>> names({"authors": [{"name": "Ada"}, "Bo", {"name": None}]}, "authors")
    ['Ada', 'Bo']
    """
    found = []
    for entry in items(record, key):
        value = entry.get(name_key) or "" if isinstance(entry, Mapping) else entry
        if not isinstance(value, str):
            raise RecordError(f"an author must be a name, found {_type(value)}", field=key)
        if value.strip():
            found.append(value)
    return found


def whole_number(record: Mapping[str, Any], key: str, *, field: str | None = None) -> int | None:
    """A count from ``key``: a whole number (or digits) from 0 to :data:`MAX_COUNT`; None when absent."""
    value = record.get(key)
    if value is None or value == "":
        return None
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 16:
        value = int(value.strip())
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < MAX_COUNT:
        return value
    raise RecordError(f"expected a whole number from 0 to 2^53, found {_shown(value)}", field=field or key)


def _shown(value: Any) -> str:
    shown = repr(value)
    return shown if len(shown) <= 40 else f"{_type(value)} of {len(shown)} characters"


def check_limits(paper: Paper) -> None:
    """Raise :class:`RecordError` when a field of ``paper`` is longer than its limit.

    >>> check_limits(Paper.create("t" * 5000))
    Traceback (most recent call last):
    ...
    loaders.errors.RecordError: field 'title': 5000 characters, more than 3000 (not a title: a misread file?)
    """
    if len(paper.title) > MAX_TITLE_CHARS:
        raise RecordError(
            f"{len(paper.title)} characters, more than {MAX_TITLE_CHARS} (not a title: a misread file?)",
            field="title",
        )
    if len(paper.abstract) > MAX_ABSTRACT_CHARS:
        raise RecordError(f"{len(paper.abstract)} characters, more than {MAX_ABSTRACT_CHARS}", field="abstract")
    if any(len(name) > MAX_NAME_CHARS for name in paper.authors):
        raise RecordError(f"an author name longer than {MAX_NAME_CHARS} characters", field="authors")

"""``paperkg concepts``: keyphrases for a JSON Lines file of documents.

Input: one object a line with ``id``, ``title`` and ``abstract`` (blank lines are skipped). Output: one
``{"id": ..., "keyphrases": [best first]}`` a line, in input order.

>>> import io, tempfile, pathlib
>>> path = pathlib.Path(tempfile.mkdtemp()) / "docs.jsonl"
>>> _ = path.write_text('{"id": "d1", "title": "Rectified flow", "abstract": "We train rectified flows."}\\n')
>>> read_documents(path)
[('d1', 'Rectified flow', 'We train rectified flows.')]
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import TextIO

from graph.concepts.extractors import KeyphraseOptions, make_ranker
from graph.concepts.ranking import Doc
from graph.errors import InputError

FIELDS = ("id", "title", "abstract")


def parse_line(line: str, file: str, number: int) -> Doc:
    """One ``(id, title, abstract)`` from a JSON line; bad input names the file, line and field.

    >>> parse_line('{"id": 7, "title": "T", "abstract": "A"}', "x.jsonl", 1)
    ('7', 'T', 'A')
    >>> parse_line('{"id": "a", "title": "T"}', "x.jsonl", 3)
    Traceback (most recent call last):
    ...
    loaders.errors.InputError: x.jsonl:3: field 'abstract': is missing
    """
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise InputError(f"not valid JSON ({exc.msg} at column {exc.colno})", file=file, line=number) from exc
    if not isinstance(record, dict):
        raise InputError(f"expected a JSON object, got {type(record).__name__}", file=file, line=number)
    for field in FIELDS:
        if field not in record:
            raise InputError("is missing", file=file, line=number, field=field)
    doc_id = record["id"]
    if isinstance(doc_id, bool) or not isinstance(doc_id, str | int) or str(doc_id).strip() == "":
        raise InputError("must be a non-empty string or an integer", file=file, line=number, field="id")
    for field in ("title", "abstract"):
        if not isinstance(record[field], str):
            kind = type(record[field]).__name__
            raise InputError(f"must be a string, got {kind}", file=file, line=number, field=field)
    return str(doc_id), record["title"], record["abstract"]


def read_documents(path: Path) -> list[Doc]:
    """All documents of a JSON Lines file; a repeated id is an error."""
    docs: list[Doc] = []
    seen: dict[str, int] = {}
    try:
        handle = path.open(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from exc
    with handle:
        for number, line in enumerate(handle, start=1):
            if not line.strip():
                continue
            doc = parse_line(line, str(path), number)
            if doc[0] in seen:
                raise InputError(
                    f"id {doc[0]!r} already used on line {seen[doc[0]]}", file=str(path), line=number, field="id"
                )
            seen[doc[0]] = number
            docs.append(doc)
    return docs


def write_keyphrases(in_path: Path, out: TextIO, options: KeyphraseOptions) -> int:
    """Write the ranked keyphrases of every document of ``in_path`` to ``out``; returns the document count."""
    docs = read_documents(in_path)
    ranked = make_ranker(options)(docs) if docs else {}
    for doc_id, _, _ in docs:
        out.write(json.dumps({"id": doc_id, "keyphrases": ranked[doc_id]}, ensure_ascii=False) + "\n")
    return len(docs)

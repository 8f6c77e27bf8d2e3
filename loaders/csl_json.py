"""CSL-JSON (Zotero's and Mendeley's "CSL JSON" export, citeproc data, DOI content negotiation).

A list of items (or one item). Read per item: ``title``, ``abstract``, ``author`` (``family``/``given``,
``non-dropping-particle``, or ``literal``), ``issued`` (``date-parts``, else ``raw``/``literal``),
``DOI``, ``URL`` (an arXiv URL gives the arXiv id, as does ``arXiv: <id>`` in ``note``), and ``number``
when the item is an arXiv preprint. There is no maintained CSL-JSON reader on PyPI beyond citeproc
renderers, and the format is plain JSON, so the typed field reads of :mod:`loaders.fields` do the work.

>>> item = '[{"type": "article", "title": "SlimFlow", "author": [{"family": "Zhu", "given": "Yuanzhi"},'
>>> item += ' {"literal": "OpenAI"}], "issued": {"date-parts": [[2024, 7]]}, "URL": "https://arxiv.org/abs/2407.12718"}]'
>>> p = parse_json(item, "zotero.json").papers[0]
>>> p.id, p.authors, p.published
('arxiv:2407.12718', ['Yuanzhi Zhu', 'OpenAI'], '2024-07')
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from loaders import fields
from loaders.dates import iso_date, parse_date
from loaders.errors import RecordError, locate
from loaders.jsonio import json_records, read_json_objects
from loaders.records import Paper, Source, clean_text, normalize_arxiv
from loaders.result import LoadResult
from loaders.textio import load_text_file

_ARXIV_NOTE = re.compile(r"arxiv[:\s]*(?:abs/)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_NAME_PARTS = ("given", "dropping-particle", "non-dropping-particle", "family", "suffix")


def load(path: Path) -> LoadResult:
    """Read a CSL-JSON file."""
    return load_text_file(path, parse_json)


def parse_json(text: str, file: str) -> LoadResult:
    """Parse a list of CSL items (or ``{"items": [...]}``, or one item)."""
    items = json_records(text, file, ("items",), "expected a CSL-JSON list of items")
    return read_json_objects(items, file, _paper)


def _paper(item: dict[str, Any], file: str, line: int | None, result: LoadResult) -> Paper | None:
    title = clean_text(fields.text(item, "title"))
    if not title:
        result.skip("CSL item without a title", file=file, line=line, field="title")
        return None
    url = fields.text(item, "URL")
    note = _ARXIV_NOTE.search(fields.text(item, "note"))
    arxiv = normalize_arxiv(url) if "arxiv.org/" in url else (note[1] if note else None)
    if arxiv is None and "arxiv" in fields.text(item, "publisher").lower():
        arxiv = normalize_arxiv(fields.text(item, "number"))
    return Paper.create(
        title,
        arxiv=arxiv,
        doi=fields.text(item, "DOI"),
        abstract=clean_text(fields.text(item, "abstract")),
        authors=[_name(a) for a in fields.items(item, "author") if _name(a)],
        published=_issued(item, file, line, result.warnings),
        urls={"paper": url} if url else {},
        sources=[Source(file, line)],
    )


def _name(author: Any) -> str:
    """``{"family": "Oord", "given": "Aäron", "non-dropping-particle": "van den"}`` -> ``Aäron van den Oord``."""
    if not isinstance(author, Mapping):
        raise RecordError("an author must be an object", field="author")
    literal = fields.text(author, "literal", field="author")
    if literal:
        return literal
    return " ".join(p for p in (fields.text(author, k, field="author").strip() for k in _NAME_PARTS) if p)


def _issued(item: dict[str, Any], file: str, line: int | None, warnings: list[str]) -> str | None:
    if isinstance(item.get("issued"), str | int):  # not CSL, but some tools write the date as text
        item = {"issued": {"raw": str(item["issued"])}}
    issued = fields.mapping(item, "issued")
    parts = fields.items(issued, "date-parts", field="issued")
    try:
        if parts and isinstance(parts[0], list) and parts[0]:
            numbers = [int(p) for p in parts[0][:3]]
            return iso_date(*numbers, original=str(parts[0]))  # type: ignore[misc]
        return parse_date(fields.text(issued, "raw", field="issued") or fields.text(issued, "literal", field="issued"))
    except (ValueError, TypeError) as exc:
        warnings.append(locate(f"bad date ({exc}); date skipped", file=file, line=line, field="issued"))
        return None

"""RIS files (Zotero, Mendeley, EndNote, Scopus, Web of Science, IEEE exports), parsed with ``rispy``.

Read per record: the title (``TI``, else ``T1``/``CT``), abstract (``AB``, else ``N2``), authors (``AU``,
else ``A1``; ``Last, First`` becomes ``First Last``), the date (``DA``/``PY``/``Y1``: ``2024/07/17/``,
``2024///``), ``DO``, ``UR`` (an arXiv URL gives the arXiv id, as does ``arXiv: <id>`` in ``N1``/``M1``).
A record without a title is skipped with a warning naming its line.

>>> ris_text = "TY  - JOUR\\nTI  - SlimFlow\\nAU  - Zhu, Yuanzhi\\nPY  - 2024/07//\\n"
>>> ris_text += "UR  - https://arxiv.org/abs/2407.12718\\nER  - \\n"
>>> p = parse_ris(ris_text, "refs.ris").papers[0]
>>> p.id, p.authors, p.published, str(p.sources[0])
('arxiv:2407.12718', ['Yuanzhi Zhu'], '2024-07', 'refs.ris:1')
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import rispy

from loaders.dates import iso_date, parse_date
from loaders.errors import InputError, locate
from loaders.records import Paper, Source, clean_text, first_name_first, normalize_arxiv
from loaders.result import LoadResult, read_records
from loaders.textio import load_text_file

_RECORD_START = re.compile(r"^[ \t]*TY {2}- ", re.MULTILINE)
_ARXIV_NOTE = re.compile(r"arxiv[:\s]*(?:abs/)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_LAST_TAG = re.compile(r"^([A-Z][A-Z0-9]) {2}-", re.MULTILINE)
_RIS_DATE = re.compile(r"^(\d{4})(?:/(\d{0,2})(?:/(\d{0,2}))?)?")


def load(path: Path) -> LoadResult:
    """Read a ``.ris`` file."""
    return load_text_file(path, parse_ris)


def parse_ris(text: str, file: str) -> LoadResult:
    """Parse RIS text; a record without a title (or with a bad field) is skipped with a warning."""
    if _LAST_TAG.findall(text)[-1:] not in ([], ["ER"]):
        text += "\nER  - \n"  # a last record without its end tag: rispy would drop it silently
    try:
        records = rispy.loads(text)
    except (OSError, ValueError, KeyError) as exc:  # rispy reports a malformed file with these
        raise InputError(f"not a readable RIS file: {exc}", file=file) from exc
    starts = [text.count("\n", 0, m.start()) + 1 for m in _RECORD_START.finditer(text)]
    lines: list[int | None] = list(starts) if len(starts) == len(records) else [None] * len(records)
    return read_records(zip(lines, records, strict=True), file, _paper)


def _first(record: dict[str, Any], *keys: str) -> str:
    for key in keys:
        value = record.get(key)
        if isinstance(value, list):
            value = " ".join(str(v) for v in value)
        if value:
            return str(value)
    return ""


def _paper(record: dict[str, Any], file: str, line: int | None, result: LoadResult) -> Paper | None:
    title = clean_text(_first(record, "title", "primary_title", "caption"))
    if not title:
        result.skip("RIS record without a title (TI/T1)", file=file, line=line, field="TI")
        return None
    authors = record.get("authors") or record.get("first_authors") or []
    urls = [u for u in record.get("urls") or [] if isinstance(u, str)]
    arxiv = next((normalize_arxiv(u) for u in urls if "arxiv.org/" in u), None)
    note = _ARXIV_NOTE.search(_first(record, "notes", "note"))
    return Paper.create(
        title,
        arxiv=arxiv or (note[1] if note else None),
        doi=_first(record, "doi"),
        abstract=clean_text(_first(record, "abstract", "notes_abstract")),
        authors=[first_name_first(str(a)) for a in authors],
        published=_published(record, file, line, result.warnings),
        urls={"paper": urls[0]} if urls else {},
        sources=[Source(file, line)],
    )


def _published(record: dict[str, Any], file: str, line: int | None, warnings: list[str]) -> str | None:
    """``2024/07/17/``, ``2024///``, ``2024``: RIS dates keep what is filled in."""
    for key, tag in (("date", "DA"), ("year", "PY"), ("publication_year", "Y1")):
        value = _first(record, key).strip()
        if not value:
            continue
        match = _RIS_DATE.match(value)
        try:
            if match:
                year, month, day = match.groups()
                return iso_date(int(year), int(month) if month else None, int(day) if day and month else None, value)
            return parse_date(value)
        except ValueError as exc:
            warnings.append(locate(f"{exc}; date skipped", file=file, line=line, field=tag))
    return None

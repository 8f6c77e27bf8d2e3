"""BibTeX / BibLaTeX files (Zotero, Google Scholar, arXiv exports), parsed with bibtexparser v2.

Read per entry: title and abstract (LaTeX decoded), ``author`` (``Last, First and ...`` or
``First Last and ...``), the arXiv id (``eprint`` with ``archivePrefix = arXiv``, an ``arxiv``/``arxivid``
field, an arXiv URL or DOI, or ``arXiv:<id>`` in ``journal``/``note``), ``doi``, ``url``, and the date
(``date``, else ``year`` + ``month``). An entry with a syntax error is skipped with a warning that names
its key and line; a file with no readable entry raises :class:`InputError`.

>>> bib = '@article{zhu2024,\\n title = {{SlimFlow}: One-Step},\\n author = {Zhu, Yuanzhi and Liu, X.},\\n'
>>> bib += ' year = 2024, month = jul, eprint = {2407.12718}, archivePrefix = {arXiv}}'
>>> p = parse_bibtex(bib, "refs.bib").papers[0]
>>> p.id, p.title, p.authors, p.published, str(p.sources[0])
('arxiv:2407.12718', 'SlimFlow: One-Step', ['Yuanzhi Zhu', 'X. Liu'], '2024-07', 'refs.bib:1')
"""

from __future__ import annotations

import logging
import re
from pathlib import Path
from typing import Any

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import Entry, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text

from loaders.dates import iso_date, month_number, parse_date
from loaders.errors import InputError, locate
from loaders.records import Paper, Source, clean_text, normalize_arxiv
from loaders.result import LoadResult
from loaders.textio import load_text_file

_ENTRY_KEY = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s]*)")
_ARXIV_MENTION = re.compile(r"arxiv[:\s]*(?:abs/)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_LATEX = LatexNodes2Text()


def load(path: Path) -> LoadResult:
    """Read a ``.bib`` file."""
    return load_text_file(path, parse_bibtex)


def parse_bibtex(text: str, file: str) -> LoadResult:
    """Parse BibTeX text; entries with syntax errors become warnings."""
    library = _quiet_parse(text)
    result = LoadResult()
    for block in library.failed_blocks:
        result.warnings.append(_failed_block_warning(block, file))
    for entry in library.entries:
        result.add(_paper(entry, file, result.warnings))
    if not result.papers:
        detail = f" ({len(library.failed_blocks)} entries could not be parsed)" if library.failed_blocks else ""
        raise InputError(f"no BibTeX entry with a title found{detail}", file=file)
    return result


def _quiet_parse(text: str) -> bibtexparser.Library:
    """Parse with bibtexparser, whose own log lines are replaced by this module's located warnings."""
    parser_logger = logging.getLogger("bibtexparser")
    level = parser_logger.level
    parser_logger.setLevel(logging.CRITICAL)
    try:
        return bibtexparser.parse_string(text)
    finally:
        parser_logger.setLevel(level)


def _failed_block_warning(block: ParsingFailedBlock, file: str) -> str:
    match = _ENTRY_KEY.search(block.raw or "")
    what = f"BibTeX entry {match[2]!r}" if match and match[2] else "BibTeX block"
    error = block.error
    reason = getattr(error, "abort_reason", None) or getattr(error, "message", None) or str(error)
    detail = " ".join(reason.split()) or type(error).__name__
    line = block.start_line + 1 if block.start_line is not None else None
    return locate(f"{what} skipped: {detail}", file=file, line=line)


def _paper(entry: Entry, file: str, warnings: list[str]) -> Paper | None:
    fields = {f.key.lower(): f.value for f in entry.fields if isinstance(f.value, str)}
    line = entry.start_line + 1 if entry.start_line is not None else None
    title = latex_to_text(fields.get("title", ""))
    if not title:
        warnings.append(
            locate(f"BibTeX entry {entry.key!r} has no title; skipped", file=file, line=line, field="title")
        )
        return None
    url = fields.get("url", "").strip()
    return Paper.create(
        title,
        arxiv=_arxiv_id(fields),
        doi=fields.get("doi"),
        abstract=latex_to_text(fields.get("abstract", "")),
        authors=split_authors(fields.get("author", "")),
        published=_published(fields, file, line, warnings),
        urls={"paper": url} if url else {},
        sources=[Source(file, line)],
    )


def latex_to_text(value: str) -> str:
    """LaTeX markup to plain text, whitespace folded.

    >>> latex_to_text("Learning with {M}{\\\\\\"u}ller's {\\\\em noisy} labels")
    "Learning with Müller's noisy labels"
    """
    if not value:
        return ""
    try:
        return clean_text(_LATEX.latex_to_text(value))
    except Exception:  # pylatexenc raises assorted errors on malformed markup: keep the raw text
        return clean_text(value.replace("{", "").replace("}", ""))


def split_authors(value: str) -> list[str]:
    """``"Last, First and First Last"`` -> ``["First Last", "First Last"]``.

    >>> split_authors("Zhu, Yuanzhi and Xingchao Liu and {OpenAI Team}")
    ['Yuanzhi Zhu', 'Xingchao Liu', 'OpenAI Team']
    """
    names = []
    for raw in split_multiple_persons_names(value) if value.strip() else []:
        parts = parse_single_name_into_parts(raw, strict=False)
        names.append(latex_to_text(parts.merge_first_name_first))
    return [n for n in names if n]


def _arxiv_id(fields: dict[str, str]) -> str | None:
    prefix = (fields.get("archiveprefix") or fields.get("eprinttype") or "").lower()
    if fields.get("eprint") and prefix in ("arxiv", ""):
        found = normalize_arxiv(fields["eprint"])
        if found:
            return found
    for key in ("arxiv", "arxivid"):
        if fields.get(key):
            return normalize_arxiv(fields[key])
    if "arxiv.org/" in fields.get("url", ""):
        return normalize_arxiv(fields["url"])
    for key in ("journal", "note", "howpublished", "volume"):
        match = _ARXIV_MENTION.search(fields.get(key, ""))
        if match:
            return match[1]
    return None


def _published(fields: dict[str, Any], file: str, line: int | None, warnings: list[str]) -> str | None:
    try:
        if fields.get("date"):
            return parse_date(fields["date"])
        year = parse_date(fields.get("year"))
        if year and len(year) == 4 and fields.get("month"):
            return iso_date(int(year), month_number(fields["month"]))
        return year
    except ValueError as exc:
        field = "date" if fields.get("date") else "year"
        warnings.append(locate(f"{exc}; date skipped", file=file, line=line, field=field))
        return None

"""BibTeX / BibLaTeX files as reference managers write them (Zotero, Better BibTeX, Mendeley, JabRef,
EndNote, Google Scholar, arXiv), parsed with bibtexparser v2.

bibtexparser splits the file into blocks (its parse stack is left empty, so values arrive raw); this
module then evaluates each value, because v2 has no middleware for ``#`` concatenation (its
``ResolveStringReferencesMiddleware`` replaces whole-value macros only) nor for ``crossref`` (a TODO in
its ``interpolate`` module):

* ``#`` concatenation of braced, quoted, numeric and macro parts; ``@string`` macros and the standard
  month macros (``aug`` -> ``August``);
* every entry is kept: an empty key (``@article{,``), a repeated key (bibtexparser's
  ``DuplicateBlockKeyBlock`` still holds the entry) and a missing key (the block is read again with a
  placeholder key); paperkg never uses citation keys as ids;
* a raw ``%`` is text, not a LaTeX comment; ``\\-`` and LaTeX spacing commands are removed;
* authors: ``Last, First`` and ``First Last`` forms, and BibLaTeX's extended name format
  (``family=Oord, given=Aaron, prefix=van den, useprefix=true``);
* ``crossref``: an entry without a date inherits the date of the entry it cross-references;
* the date is ``date``, else ``year`` + ``month``; a month that does not parse keeps the year, with a
  warning naming the ``month`` field;
* the arXiv id: ``eprint`` with ``archivePrefix = arXiv``, an ``arxiv``/``arxivid`` field, an arXiv URL
  or DOI, or ``arXiv:<id>`` in ``journal``/``note``; also ``doi`` and ``url``.

An entry without a title, or whose block cannot be parsed, is skipped with a warning naming its line.

>>> bib = '@string{mcd = "Drew McDermott"}\\n@article{,\\n title = {{SlimFlow}: 50% smaller},\\n'
>>> bib += ' author = mcd # { and Sussman, Gerald J.},\\n year = 2024, month = jul, eprint = {2407.12718}}'
>>> p = parse_bibtex(bib, "refs.bib").papers[0]
>>> p.id, p.title, p.authors, p.published, str(p.sources[0])
('arxiv:2407.12718', 'SlimFlow: 50% smaller', ['Drew McDermott', 'Gerald J. Sussman'], '2024-07', 'refs.bib:2')
"""

from __future__ import annotations

import logging
import re
from pathlib import Path

import bibtexparser
from bibtexparser.middlewares.names import parse_single_name_into_parts, split_multiple_persons_names
from bibtexparser.model import Entry, ParsingFailedBlock
from pylatexenc.latex2text import LatexNodes2Text

from loaders.dates import iso_date, month_number, parse_date
from loaders.errors import excerpt, locate
from loaders.records import Paper, Source, clean_text, normalize_arxiv
from loaders.result import LoadResult
from loaders.textio import load_text_file

_ENTRY_KEY = re.compile(r"@\s*(\w+)\s*[{(]\s*([^,\s]*)")
_MISSING_KEY = re.compile(r"(@\s*\w+\s*[{(])(\s*\w+\s*=)")
_ARXIV_MENTION = re.compile(r"arxiv[:\s]*(?:abs/)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_RAW_PERCENT = re.compile(r"(?<!\\)%")
_SPACING = re.compile(r"\\[hv]space\*?\s*\{[^{}]*\}|\\q?quad\b|\\[,;:!>]")
_MONTH_DAY = re.compile(r"^([A-Za-z]+)\.?[\s~]+(\d{1,2})$")
_EXTENDED_NAME = re.compile(r"^\s*(family|given|prefix|suffix|useprefix)\s*=", re.IGNORECASE)
#: BibTeX's predefined month macros, by their three-letter names.
MONTH_MACROS = {
    name[:3].lower(): name
    for name in (
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
    )
}
_LATEX = LatexNodes2Text()
#: Fields a cross-referencing entry takes from its parent when it has none of them.
_INHERITED_DATE = ("date", "year", "month")


def load(path: Path) -> LoadResult:
    """Read a ``.bib`` file."""
    return load_text_file(path, parse_bibtex)


def parse_bibtex(text: str, file: str) -> LoadResult:
    """Parse BibTeX text: every entry becomes a paper or a located skip."""
    library = _quiet_parse(text)
    result = LoadResult()
    entries: list[Entry] = list(library.entries)
    lines = text.split("\n")
    for block in library.failed_blocks:
        entry = _recover(block, _block_text(lines, block.start_line), len(entries))
        if entry is None:
            result.skip(_failure(block), file=file, line=_line(block.start_line))
        else:
            entries.append(entry)
    macros = {**MONTH_MACROS, **{key.lower(): s.value for key, s in library.strings_dict.items()}}
    records = [(entry, _fields(entry, macros)) for entry in sorted(entries, key=lambda e: e.start_line or 0)]
    by_key = {entry.key.lower(): fields for entry, fields in records if entry.key}
    for entry, fields in records:
        _inherit_date(fields, by_key)
        result.add(_paper(entry, fields, file, result))
    return result


def _quiet_parse(text: str) -> bibtexparser.Library:
    """Split with bibtexparser (no middleware: values stay raw), its own log lines silenced."""
    parser_logger = logging.getLogger("bibtexparser")
    level = parser_logger.level
    parser_logger.setLevel(logging.CRITICAL)
    try:
        return bibtexparser.parse_string(text, parse_stack=[])
    finally:
        parser_logger.setLevel(level)


def _block_text(lines: list[str], start_line: int | None) -> str:
    """The text of a block from its first line to the next line starting with ``@``."""
    if start_line is None:
        return ""
    end = next((i for i in range(start_line + 1, len(lines)) if lines[i].lstrip().startswith("@")), len(lines))
    return "\n".join(lines[start_line:end])


def _recover(block: ParsingFailedBlock, raw: str, n: int) -> Entry | None:
    """The entry inside a block bibtexparser refused for a reason paperkg does not care about.

    Repeated keys and repeated fields: the parser kept the entry. No key at all: the block is parsed
    again with a placeholder key.
    """
    kept = block.ignore_error_block
    if isinstance(kept, Entry):
        return kept
    if not _MISSING_KEY.match(raw.lstrip()):
        return None
    again = _quiet_parse(_MISSING_KEY.sub(rf"\g<1>paperkg-no-key-{n},\g<2>", raw.lstrip(), count=1))
    if len(again.entries) != 1:
        return None
    parsed = again.entries[0]
    return Entry(parsed.entry_type, "", parsed.fields, start_line=block.start_line, raw=raw)


def _failure(block: ParsingFailedBlock) -> str:
    match = _ENTRY_KEY.search(block.raw or "")
    what = f"BibTeX entry {excerpt(match[2])}" if match and match[2] else "BibTeX block"
    error = block.error
    reason = getattr(error, "abort_reason", None) or getattr(error, "message", None) or str(error)
    return f"{what} could not be parsed: {' '.join(reason.split()) or type(error).__name__}"


def _line(start_line: int | None) -> int | None:
    return start_line + 1 if start_line is not None else None


def _fields(entry: Entry, macros: dict[str, str]) -> dict[str, str]:
    """Field name (lower case) -> evaluated value; the first of repeated fields wins."""
    found: dict[str, str] = {}
    for f in entry.fields:
        if isinstance(f.value, str) and f.key.lower() not in found:
            found[f.key.lower()] = evaluate(f.value, macros)
    return found


def evaluate(value: str, macros: dict[str, str]) -> str:
    """A raw BibTeX value with ``#`` concatenation, quotes, braces and macros resolved.

    >>> evaluate('aug # "~13"', MONTH_MACROS), evaluate('mcd # { and Gerald}', {"mcd": '"Drew"'})
    ('August~13', 'Drew and Gerald')
    """
    return "".join(_part(part.strip(), macros, depth=0) for part in _split_concatenation(value))


def _part(part: str, macros: dict[str, str], depth: int) -> str:
    if len(part) >= 2 and (part[0], part[-1]) in (("{", "}"), ('"', '"')):
        return part[1:-1]
    if part.lower() in macros and depth < 10:
        return "".join(_part(p.strip(), macros, depth + 1) for p in _split_concatenation(macros[part.lower()]))
    return part


def _split_concatenation(value: str) -> list[str]:
    """Split at ``#`` outside braces and quotes."""
    parts, depth, quoted, start = [], 0, False, 0
    for i, ch in enumerate(value):
        if ch == "{":
            depth += 1
        elif ch == "}":
            depth = max(depth - 1, 0)
        elif ch == '"' and depth == 0 and (i == 0 or value[i - 1] != "\\"):
            quoted = not quoted
        elif ch == "#" and depth == 0 and not quoted:
            parts.append(value[start:i])
            start = i + 1
    parts.append(value[start:])
    return parts


def _inherit_date(fields: dict[str, str], by_key: dict[str, dict[str, str]]) -> None:
    parent = by_key.get(fields.get("crossref", "").strip().lower())
    if parent is not None and not any(fields.get(k) for k in _INHERITED_DATE):
        fields.update({k: parent[k] for k in _INHERITED_DATE if parent.get(k)})


def _paper(entry: Entry, fields: dict[str, str], file: str, result: LoadResult) -> Paper | None:
    line = _line(entry.start_line)
    title = _decoded(fields, "title", file, line, result.warnings)
    if not title:
        result.skip(f"BibTeX entry {excerpt(entry.key)} has no title", file=file, line=line, field="title")
        return None
    url = fields.get("url", "").strip()
    return Paper.create(
        title,
        arxiv=_arxiv_id(fields),
        doi=fields.get("doi"),
        abstract=_decoded(fields, "abstract", file, line, result.warnings),
        authors=split_authors(fields.get("author", "")),
        published=_published(fields, file, line, result.warnings),
        urls={"paper": url} if url else {},
        sources=[Source(file, line)],
    )


def latex_to_text(value: str) -> str:
    """LaTeX markup to plain text, whitespace folded; a raw ``%`` is text, spacing commands are spaces.

    Markup pylatexenc cannot decode is kept as written, braces dropped (:func:`_decoded` warns about it).

    >>> latex_to_text("Learning with {M}{\\\\\\"u}ller's {\\\\em noisy} labels: 50% less, Trans\\\\-former")
    "Learning with Müller's noisy labels: 50% less, Transformer"
    """
    try:
        return _decode_latex(value)
    except Exception:  # pylatexenc raises assorted errors on malformed markup
        return clean_text(value.replace("{", "").replace("}", ""))


def _decode_latex(value: str) -> str:
    if not value:
        return ""
    return clean_text(_LATEX.latex_to_text(_SPACING.sub(" ", _RAW_PERCENT.sub(r"\\%", value))))


def _decoded(fields: dict[str, str], key: str, file: str, line: int | None, warnings: list[str]) -> str:
    """A text field decoded from LaTeX; when that fails, the text as written, with a warning."""
    try:
        return _decode_latex(fields.get(key, ""))
    except Exception:  # pylatexenc raises assorted errors on malformed markup
        warnings.append(locate("LaTeX markup could not be decoded; kept as written", file=file, line=line, field=key))
        return latex_to_text(fields.get(key, ""))


def split_authors(value: str) -> list[str]:
    """``"Last, First and First Last"`` (and BibLaTeX's extended names) -> ``["First Last", ...]``.

    >>> split_authors("Zhu, Yuanzhi and Xingchao Liu and {OpenAI Team}")
    ['Yuanzhi Zhu', 'Xingchao Liu', 'OpenAI Team']
    >>> split_authors("family=Oord, given=Aäron, prefix=van den, useprefix=true and given=Ada, family=Lovelace")
    ['Aäron van den Oord', 'Ada Lovelace']
    """
    names = []
    for raw in split_multiple_persons_names(value) if value.strip() else []:
        if _EXTENDED_NAME.match(raw):
            names.append(latex_to_text(_extended_name(raw)))
            continue
        parts = parse_single_name_into_parts(raw, strict=False)
        names.append(latex_to_text(parts.merge_first_name_first))
    return [n for n in names if n]


def _extended_name(raw: str) -> str:
    """BibLaTeX's ``key=value`` name parts in reading order: given, prefix, family, suffix."""
    parts: dict[str, str] = {}
    for piece in raw.split(","):
        key, _, val = piece.partition("=")
        parts[key.strip().lower()] = val.strip().strip("{}").strip('"')
    return " ".join(parts[k] for k in ("given", "prefix", "family", "suffix") if parts.get(k))


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


def _published(fields: dict[str, str], file: str, line: int | None, warnings: list[str]) -> str | None:
    """``date``, else ``year`` (+ ``month``); what is valid is kept, what is not is a warning on its field."""
    if fields.get("date"):
        try:
            return parse_date(fields["date"].split("/")[0])
        except ValueError as exc:
            warnings.append(locate(f"{exc}; trying year", file=file, line=line, field="date"))
    try:
        year = parse_date(latex_to_text(fields.get("year", "")))
    except ValueError as exc:
        warnings.append(locate(f"{exc}; date skipped", file=file, line=line, field="year"))
        return None
    month = latex_to_text(fields.get("month", ""))
    if not (year and len(year) == 4 and month):
        return year
    day_match = _MONTH_DAY.match(month)
    try:
        if day_match:
            return iso_date(int(year), month_number(day_match[1]), int(day_match[2]), month)
        return iso_date(int(year), month_number(month))
    except ValueError as exc:
        warnings.append(locate(f"{exc}; kept the year {year}", file=file, line=line, field="month"))
        return year

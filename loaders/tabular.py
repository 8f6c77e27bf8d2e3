"""CSV / TSV, JSON and JSON Lines tables of papers, with a fixed, documented column mapping.

Column names are matched case-insensitively (spaces, dots and hyphens count as underscores); unknown
columns are ignored. The aliases cover the CSV exports of Zotero (``Abstract Note``, ``Extra``), Scopus
(``Author full names``), Web of Science (``TI``/``AF``/``AB``/``PY``/``DI`` tab-delimited, or ``Article
Title``), IEEE Xplore (``Document Title``), ACM (``container-title``, ``issued``) and OpenAlex
(``display_name``, ``authorships.author.display_name``); when two columns give one field, the first alias
listed wins. A title column is required. List values (``authors``, ``references``) are JSON lists or
``;``-separated (``|``-separated in OpenAlex exports) strings; ``Last, First`` names become ``First Last``.
arXiv ids are also read from ``Extra`` (``arXiv: 2407.12718``) and arXiv URLs.

A bad value skips its row with a warning naming file, line and column; a bad date keeps what is valid
(a year without its month) with a warning.

>>> head = 'title,authors,arxiv,year,references\\n'
>>> p = parse_csv(head + '"Deep Model Assembling","Li, Z.; Ni, Z.",2212.04129,2022,2104.00001', "t.csv").papers[0]
>>> p.id, p.authors, p.published, p.references, str(p.sources[0])
('arxiv:2212.04129', ['Z. Li', 'Z. Ni'], '2022', ['arxiv:2104.00001'], 't.csv:2')
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import Any

from loaders.dates import iso_date, month_number, parse_date
from loaders.errors import InputError, RecordError, excerpt, locate
from loaders.jsonio import iter_jsonl, json_records, load_json
from loaders.records import (
    ID_SCHEMES,
    Paper,
    Source,
    clean_text,
    external_ids,
    first_name_first,
    normalize_arxiv,
    paper_id,
)
from loaders.result import LoadResult, read_records
from loaders.textio import load_text_file

#: Accepted column names (lower-cased; spaces, dots, hyphens -> underscores) for each field, preferred first.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title", "document_title", "article_title", "ti", "display_name"),
    "abstract": ("abstract", "abstract_note", "summary", "ab"),
    "authors": ("author_full_names", "af", "authors", "author", "au", "authorships_author_display_name"),
    "n_authors": ("n_authors", "num_authors"),
    "id": ("id",),
    "arxiv": ("arxiv", "arxiv_id", "eprint", "ids_arxiv"),
    "doi": ("doi", "di", "ids_doi"),
    "s2": ("s2", "s2_id", "paperid", "semantic_scholar_id"),
    "openalex": ("openalex", "openalex_id", "ids_openalex"),
    "published": ("published", "date", "publication_date", "published_at", "publishedat", "issued"),
    "year": ("year", "publication_year", "py"),
    "month": ("month",),
    "upvotes": ("upvotes",),
    "url": ("url", "paper_url", "link", "landing_page_url"),
    "pdf": ("pdf", "pdf_url", "pdf_link"),
    "code": ("code", "code_url", "github", "github_repo", "githubrepo"),
    "references": ("references", "refs", "cites", "referenced_works"),
    "extra": ("extra", "note", "notes"),
}
LIST_SEPARATORS = (";", "|")
#: Keys under which a JSON document may wrap its list of rows.
JSON_WRAPPERS = ("papers", "records", "items", "data", "results")
#: csv's default cell limit (128 KiB) would make one long Zotero note an unreadable file; over-long titles and
#: abstracts are skipped records instead (:func:`loaders.fields.check_limits`).
MAX_CELL_CHARS = 64 * 1024 * 1024
_ALIAS = {alias: (name, rank) for name, aliases in COLUMNS.items() for rank, alias in enumerate(aliases)}
_ARXIV_MENTION = re.compile(r"arxiv[:\s]*(?:abs/)?(\d{4}\.\d{4,5}|[a-z\-]+(?:\.[A-Z]{2})?/\d{7})", re.IGNORECASE)
_AUTHOR_ID = re.compile(r"\s*\(\d+\)\s*$")  # Scopus: "Zhu, Yuanzhi (57212345678)"
_INITIALS_NAME = re.compile(r"^[^,]+ (?:[A-Z]\.-?)+$")  # Scopus "Authors": "Zhu Y., Liu X."
_INITIALS = re.compile(r"^(?:[A-Z]\.-?\s*)+$")  # older Scopus "Authors": "Zhu, Y., Liu, X."
#: Delimiters a CSV export may use (Excel in many European locales writes ';'); the header decides.
_DELIMITERS = (",", "\t", ";")


def load(path: Path) -> LoadResult:
    """Read a ``.csv``/``.tsv``, ``.json`` or ``.jsonl`` table of papers (chosen by content)."""
    return load_text_file(path, parse_table)


def has_title_column(names: Iterable[str]) -> bool:
    """Whether a header names a title column (used by format detection).

    >>> has_title_column(["Key", "Item Type", "Title"]), has_title_column(["PT", "AU", "TI"])
    (True, True)
    """
    return any((_column(name) or ("", 0))[0] == "title" for name in names)


def csv_delimiter(header_line: str) -> str:
    """The delimiter that splits ``header_line`` into the most cells, one of them a title column.

    >>> csv_delimiter("Key;Item Type;Title"), csv_delimiter("PT\\tAU\\tTI"), csv_delimiter("title,year")
    (';', '\\t', ',')
    """
    best, most = ",", 0
    for delimiter in _DELIMITERS:
        cells = next(csv.reader([header_line], delimiter=delimiter), [])
        if len(cells) > most and has_title_column(cells):
            best, most = delimiter, len(cells)
    return best


def parse_table(text: str, file: str) -> LoadResult:
    """A JSON, JSON Lines or CSV/TSV table, told apart by its first characters."""
    stripped = text.lstrip()
    if stripped.startswith(("[", "{")) and not _is_jsonl(stripped):
        return parse_json(text, file)
    if stripped.startswith("{"):
        return parse_jsonl(text, file)
    return parse_csv(text, file)


def parse_csv(text: str, file: str) -> LoadResult:
    """Rows of a CSV (or, when the header has tabs and no commas, TSV) table."""
    delimiter = csv_delimiter(text.lstrip("\ufeff").split("\n", 1)[0])
    csv.field_size_limit(max(csv.field_size_limit(), MAX_CELL_CHARS))
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise InputError("empty CSV file", file=file, line=1) from exc
    if not has_title_column(header):
        raise InputError(f"no title column (columns: {', '.join(header)})", file=file, line=1, field="title")
    result = LoadResult()
    rows = []
    previous_end = reader.line_num
    try:
        for values in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(header) and any(v.strip() for v in values[len(header) :]):
                result.skip(f"{len(values)} values for {len(header)} columns", file=file, line=start)
                continue
            rows.append((start, dict(zip(header, values, strict=False))))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=file, line=reader.line_num) from exc
    return papers_from_rows(rows, file, result)


def parse_json(text: str, file: str) -> LoadResult:
    """Rows of a JSON table: a list of objects, one object, or ``{"papers": [...]}`` (or another wrapper of
    :data:`JSON_WRAPPERS`); an API envelope with no rows (``{"total": 0, "data": []}``) has no records."""
    items = json_records(text, file, JSON_WRAPPERS, "expected a JSON list of paper objects")
    return papers_from_rows(items, file, LoadResult())


def parse_jsonl(text: str, file: str) -> LoadResult:
    """Rows of a JSON Lines table: one paper object per line (a line that is not JSON is skipped)."""
    result = LoadResult()
    return papers_from_rows(list(iter_jsonl(text, file, result)), file, result)


def _is_jsonl(text: str) -> bool:
    first, _, rest = text.partition("\n")
    if not rest.strip() or not first.strip().startswith("{"):
        return False
    try:
        load_json(first, "")
    except InputError:
        return False
    return True


def _row(pairs: Iterable[tuple[str, Any]]) -> dict[str, Any]:
    """Field -> value from (column, value) pairs: the most preferred alias with a value wins."""
    best: dict[str, tuple[int, Any]] = {}
    for key, value in pairs:
        found = _column(key)
        if found is None or value is None or (isinstance(value, str | list) and not value):
            continue
        if isinstance(value, str) and not value.strip():
            continue
        name, rank = found
        if name not in best or rank < best[name][0]:
            best[name] = (rank, value)
    return {name: value for name, (_, value) in best.items()}


@lru_cache(maxsize=4096)
def _column(name: str) -> tuple[str, int] | None:
    key = name.strip().lstrip("\ufeff").strip('"').lower()
    return _ALIAS.get(re.sub(r"[\s.\-]+", "_", key))


def papers_from_rows(rows: Iterable[tuple[int | None, Any]], file: str, result: LoadResult) -> LoadResult:
    """Papers from ``(line, {column: value})`` rows, columns mapped by :data:`COLUMNS`; a bad row is skipped."""
    return read_records(rows, file, _row_paper, result)


def _row_paper(row: Any, file: str, line: int | None, result: LoadResult) -> Paper:
    if not isinstance(row, dict):
        raise RecordError(f"expected a JSON object for a paper, found {type(row).__name__}")
    return _paper(_row(row.items()), file, line, result.warnings)


def _paper(row: dict[str, Any], file: str, line: int | None, warnings: list[str]) -> Paper:
    title = row.get("title")
    if not isinstance(title, str) or not title.strip():
        raise RecordError("missing or empty title (required)", field="title")
    ids = {k: _text(row, k) for k in ("arxiv", "doi", "s2", "openalex") if k in row}
    if "id" in row:
        ids = {**(parse_reference(_text(row, "id")) or {}), **ids}
    if "arxiv" not in ids:
        ids["arxiv"] = _arxiv_mention(row)
    urls = {key: _text(row, col) for key, col in (("paper", "url"), ("pdf", "pdf"), ("code", "code")) if col in row}
    return Paper.create(
        title,
        abstract=clean_text(_text(row, "abstract")) if "abstract" in row else "",
        authors=[first_name_first(a) for a in _authors(row)],
        n_authors=_int(row, "n_authors"),
        published=_published(row, file, line, warnings),
        upvotes=_int(row, "upvotes"),
        urls=urls,
        references=[_reference(value) for value in _list(row, "references")],
        sources=[Source(file, line)],
        **{k: v for k, v in ids.items() if v},
    )


def _arxiv_mention(row: dict[str, Any]) -> str | None:
    """An arXiv id in Zotero's ``Extra`` (``arXiv: 2407.12718``) or an arXiv URL."""
    match = _ARXIV_MENTION.search(_text(row, "extra")) if "extra" in row else None
    if match:
        return match[1]
    for key in ("url", "pdf"):
        if "arxiv.org/" in str(row.get(key, "")):
            return normalize_arxiv(_text(row, key))
    return None


def parse_reference(value: str) -> dict[str, str] | None:
    """Ids from one reference cell: ``arxiv:2310.01234``, ``doi:10.1/x``, or a bare arXiv id / DOI / W-id.

    >>> parse_reference("doi:10.1000/ABC"), parse_reference("2310.01234v2")
    ({'doi': '10.1000/ABC'}, {'arxiv': '2310.01234v2'})
    """
    text = value.strip()
    prefix, sep, rest = text.partition(":")
    if sep and prefix.lower() in ID_SCHEMES[:-1]:
        return {prefix.lower(): rest.strip()}
    for candidate in ("doi", "arxiv", "openalex"):
        if external_ids(**{candidate: text}):
            return {candidate: text}
    return None


def _reference(value: Any) -> str:
    if not isinstance(value, str):
        raise RecordError(f"a reference must be a string id, found {excerpt(value)}", field="references")
    found = parse_reference(value)
    ids = external_ids(**found) if found else {}
    if not ids:
        raise RecordError(
            f"not a paper id: {excerpt(value)} (use arxiv:, doi:, s2: or openalex: ids)", field="references"
        )
    return paper_id(ids, "")


def _text(row: dict[str, Any], key: str) -> str:
    value = row.get(key, "")
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise RecordError(f"expected text, found {type(value).__name__}", field=key)
    return str(value).strip()


def _list(row: dict[str, Any], key: str) -> list[Any]:
    value = row.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        separator = next((s for s in LIST_SEPARATORS if s in value), LIST_SEPARATORS[0])
        return [part.strip() for part in value.split(separator) if part.strip()]
    if isinstance(value, list):
        return value if key == "references" else [_name(v, key) for v in value]
    raise RecordError(
        f"expected a list or a '{LIST_SEPARATORS[0]}'-separated string, found {type(value).__name__}", field=key
    )


def _authors(row: dict[str, Any]) -> list[str]:
    """Author names of a row, whichever way the exporting tool separated them.

    >>> _authors({"authors": "Zhu Y., Liu X."}), _authors({"authors": "Zhu, Y., Liu, X."})
    (['Zhu Y.', 'Liu X.'], ['Zhu, Y.', 'Liu, X.'])
    """
    value = row.get("authors")
    if isinstance(value, str) and not any(s in value for s in LIST_SEPARATORS):
        parts = [p.strip() for p in value.split(",")]
        if len(parts) > 1 and all(_INITIALS_NAME.match(p) for p in parts):
            return parts
        if len(parts) > 2 and len(parts) % 2 == 0 and all(_INITIALS.match(p) for p in parts[1::2]):
            return [f"{family}, {given}" for family, given in zip(parts[::2], parts[1::2], strict=True)]
        if " and " in value:
            return [p.strip() for p in value.split(" and ") if p.strip()]
    return [_AUTHOR_ID.sub("", name) for name in _list(row, "authors")]


def _name(value: Any, key: str) -> str:
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return value["name"]
    if isinstance(value, str):
        return value
    raise RecordError(f"an author must be a name string, found {excerpt(value)}", field=key)


def _int(row: dict[str, Any], key: str) -> int | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 2**53:
        return value
    if isinstance(value, str) and value.strip().isdigit() and len(value.strip()) <= 15:
        return int(value.strip())
    shown = repr(value) if len(repr(value)) <= 40 else f"{len(repr(value))} characters"
    raise RecordError(f"expected a whole number from 0 to 2^53, found {shown}", field=key)


def _published(row: dict[str, Any], file: str, line: int | None, warnings: list[str]) -> str | None:
    """The date; when ``published`` does not parse the year is used, when ``month`` does not, the year alone."""
    year = None
    if "year" in row:
        try:
            year = parse_date(_text(row, "year"))
        except ValueError as exc:
            warnings.append(locate(f"{exc}; date skipped", file=file, line=line, field="year"))
    if "published" in row:
        try:
            return parse_date(_text(row, "published")) or year
        except ValueError as exc:
            kept = f"kept the year {year}" if year else "date skipped"
            warnings.append(locate(f"{exc}; {kept}", file=file, line=line, field="published"))
    if year and len(year) == 4 and "month" in row:
        try:
            return iso_date(int(year), month_number(_text(row, "month")))
        except ValueError as exc:
            warnings.append(locate(f"{exc}; kept the year {year}", file=file, line=line, field="month"))
    return year

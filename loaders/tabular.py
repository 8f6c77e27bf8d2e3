"""CSV / TSV, JSON and JSON Lines tables of papers, with a fixed, documented column mapping.

Column names are matched case-insensitively (spaces and hyphens count as underscores); unknown
columns are ignored. ``title`` is required. List values (``authors``, ``references``) are JSON lists
or ``;``-separated strings. Any bad value raises :class:`InputError` naming file, line and column.

>>> head = 'title,authors,arxiv,year,references\\n'
>>> p = parse_csv(head + '"Deep Model Assembling","Li, Z.; Ni, Z.",2212.04129,2022,2104.00001', "t.csv").papers[0]
>>> p.id, p.authors, p.published, p.references, str(p.sources[0])
('arxiv:2212.04129', ['Li, Z.', 'Ni, Z.'], '2022', ['arxiv:2104.00001'], 't.csv:2')
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from pathlib import Path
from typing import Any

from loaders.dates import iso_date, month_number, parse_date
from loaders.errors import InputError
from loaders.jsonio import iter_jsonl, load_json, located_items
from loaders.records import ID_SCHEMES, Paper, Source, clean_text, external_ids, paper_id
from loaders.result import LoadResult
from loaders.textio import load_text_file

#: Accepted column names (after lower-casing, spaces/hyphens -> underscores) for each Paper field.
COLUMNS: dict[str, tuple[str, ...]] = {
    "title": ("title",),
    "abstract": ("abstract", "summary"),
    "authors": ("authors", "author"),
    "n_authors": ("n_authors", "num_authors"),
    "id": ("id",),
    "arxiv": ("arxiv", "arxiv_id", "eprint"),
    "doi": ("doi",),
    "s2": ("s2", "s2_id", "paperid", "semantic_scholar_id"),
    "openalex": ("openalex", "openalex_id"),
    "published": ("published", "date", "publication_date", "published_at", "publishedat"),
    "year": ("year",),
    "month": ("month",),
    "upvotes": ("upvotes",),
    "url": ("url", "paper_url"),
    "pdf": ("pdf", "pdf_url"),
    "code": ("code", "code_url", "github", "github_repo", "githubrepo"),
    "references": ("references", "refs", "cites"),
}
LIST_SEPARATOR = ";"
#: Keys under which a JSON document may wrap its list of rows.
JSON_WRAPPERS = ("papers", "records", "items")
_ALIAS = {alias: name for name, aliases in COLUMNS.items() for alias in aliases}


def load(path: Path) -> LoadResult:
    """Read a ``.csv``/``.tsv``, ``.json`` or ``.jsonl`` table of papers (chosen by content)."""
    return load_text_file(path, parse_table)


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
    header_line = text.lstrip("\ufeff").split("\n", 1)[0]
    delimiter = "\t" if "\t" in header_line and "," not in header_line else ","
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    try:
        header = next(reader)
    except StopIteration as exc:
        raise InputError("empty CSV file", file=file, line=1) from exc
    names = [_column(name) for name in header]
    if "title" not in names:
        raise InputError(f"no 'title' column (columns: {', '.join(header)})", file=file, line=1, field="title")
    rows = []
    previous_end = reader.line_num
    try:
        for values in reader:
            start, previous_end = previous_end + 1, reader.line_num
            if not any(v.strip() for v in values):
                continue
            if len(values) > len(names):
                raise InputError(f"{len(values)} values for {len(names)} columns", file=file, line=start)
            row = {n: v for n, v in zip(names, values, strict=False) if n and v.strip()}
            rows.append((start, row))
    except csv.Error as exc:
        raise InputError(f"malformed CSV: {exc}", file=file, line=reader.line_num) from exc
    return _papers(rows, file)


def parse_json(text: str, file: str) -> LoadResult:
    """Rows of a JSON table: a list of objects, one object, or ``{"papers": [...]}``."""
    data = load_json(text, file)
    if isinstance(data, dict):
        key = next((k for k in JSON_WRAPPERS if isinstance(data.get(k), list)), None)
        items = located_items(text, data, key) if key else [(1, data)]
    elif isinstance(data, list):
        items = located_items(text, data)
    else:
        raise InputError("expected a JSON list of paper objects", file=file)
    return _papers(((line, _object(item, file, line)) for line, item in items), file)


def parse_jsonl(text: str, file: str) -> LoadResult:
    """Rows of a JSON Lines table: one paper object per line."""
    return _papers(((line, _object(item, file, line)) for line, item in iter_jsonl(text, file)), file)


def _is_jsonl(text: str) -> bool:
    first, _, rest = text.partition("\n")
    if not rest.strip() or not first.strip().startswith("{"):
        return False
    try:
        load_json(first, "")
    except InputError:
        return False
    return True


def _object(item: Any, file: str, line: int | None) -> dict[str, Any]:
    if not isinstance(item, dict):
        raise InputError(f"expected a JSON object for a paper, found {type(item).__name__}", file=file, line=line)
    row = {}
    for key, value in item.items():
        name = _column(key)
        if name and value not in (None, "", []):
            row[name] = value
    return row


def _column(name: str) -> str | None:
    return _ALIAS.get(name.strip().lstrip("\ufeff").lower().replace(" ", "_").replace("-", "_"))


def _papers(rows: Iterable[tuple[int | None, dict[str, Any]]], file: str) -> LoadResult:
    result = LoadResult()
    for line, row in rows:
        result.papers.append(_paper(row, file, line))
    if not result.papers:
        raise InputError("no rows", file=file)
    return result


def _paper(row: dict[str, Any], file: str, line: int | None) -> Paper:
    def fail(field: str, message: str) -> InputError:
        return InputError(message, file=file, line=line, field=field)

    title = row.get("title")
    if not isinstance(title, str) or not title.strip():
        raise fail("title", "missing or empty title (required)")
    ids = {k: _text(row, k, fail) for k in ("arxiv", "doi", "s2", "openalex") if k in row}
    if "id" in row:
        ids = {**(parse_reference(_text(row, "id", fail)) or {}), **ids}
    urls = {
        key: _text(row, col, fail) for key, col in (("paper", "url"), ("pdf", "pdf"), ("code", "code")) if col in row
    }
    return Paper.create(
        title,
        abstract=clean_text(_text(row, "abstract", fail)) if "abstract" in row else "",
        authors=_list(row, "authors", fail),
        n_authors=_int(row, "n_authors", fail),
        published=_published(row, fail),
        upvotes=_int(row, "upvotes", fail),
        urls=urls,
        references=[_reference(value, fail) for value in _list(row, "references", fail)],
        sources=[Source(file, line)],
        **ids,
    )


def parse_reference(value: str) -> dict[str, str] | None:
    """Ids from one reference cell: ``arxiv:2310.01234``, ``doi:10.1/x``, or a bare arXiv id / DOI / W-id.

    >>> parse_reference("doi:10.1000/ABC"), parse_reference("2310.01234v2")
    ({'doi': '10.1000/ABC'}, {'arxiv': '2310.01234v2'})
    """
    text = value.strip()
    prefix, sep, rest = text.partition(":")
    if sep and prefix.lower() in ID_SCHEMES[:-1]:
        return {prefix.lower(): rest.strip()}
    for candidate in ("arxiv", "doi", "openalex"):
        if external_ids(**{candidate: text}):
            return {candidate: text}
    return None


def _reference(value: Any, fail: Any) -> str:
    if not isinstance(value, str):
        raise fail("references", f"a reference must be a string id, found {value!r}")
    found = parse_reference(value)
    ids = external_ids(**found) if found else {}
    if not ids:
        raise fail("references", f"not a paper id: {value!r} (use arxiv:, doi:, s2: or openalex: ids)")
    return paper_id(ids, "")


def _text(row: dict[str, Any], key: str, fail: Any) -> str:
    value = row[key]
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        raise fail(key, f"expected text, found {type(value).__name__}")
    return str(value).strip()


def _list(row: dict[str, Any], key: str, fail: Any) -> list[Any]:
    value = row.get(key)
    if value is None:
        return []
    if isinstance(value, str):
        return [part.strip() for part in value.split(LIST_SEPARATOR) if part.strip()]
    if isinstance(value, list):
        return value if key == "references" else [_name(v, key, fail) for v in value]
    raise fail(key, f"expected a list or a '{LIST_SEPARATOR}'-separated string, found {type(value).__name__}")


def _name(value: Any, key: str, fail: Any) -> str:
    if isinstance(value, dict) and isinstance(value.get("name"), str):
        return value["name"]
    if isinstance(value, str):
        return value
    raise fail(key, f"an author must be a name string, found {value!r}")


def _int(row: dict[str, Any], key: str, fail: Any) -> int | None:
    value = row.get(key)
    if value is None:
        return None
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str) and value.strip().isdigit():
        return int(value.strip())
    raise fail(key, f"expected a whole number, found {value!r}")


def _published(row: dict[str, Any], fail: Any) -> str | None:
    key = "published" if "published" in row else "year"
    try:
        published = parse_date(row.get(key))
        if key == "year" and published and len(published) == 4 and "month" in row:
            return iso_date(int(published), month_number(row["month"]))
        return published
    except ValueError as exc:
        raise fail("month" if "not a month" in str(exc) else key, str(exc)) from exc

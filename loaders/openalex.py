"""OpenAlex works JSON: a single work or ``{"results": [...]}`` (a list of works is accepted too).

The abstract is rebuilt from ``abstract_inverted_index``; ``referenced_works`` become references
(``openalex:W…`` ids); the DOI, ``ids.arxiv`` (or an arXiv DOI / landing page) and ``authorships`` are read.

>>> rebuild_abstract({"Flow": [0], "matching": [1, 3], "beats": [2]})
'Flow matching beats matching'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loaders import fields
from loaders.dates import parse_date
from loaders.errors import RecordError, excerpt, locate
from loaders.jsonio import json_records, read_json_objects
from loaders.records import Paper, Source, normalize_arxiv, reference_id
from loaders.result import LoadResult
from loaders.textio import load_text_file


def load(path: Path) -> LoadResult:
    """Read a saved OpenAlex works response."""
    return load_text_file(path, parse_json)


def parse_json(text: str, file: str) -> LoadResult:
    """Parse a single work, ``{"results": [...]}`` or a list of works (a bad record is skipped, with a warning)."""
    items = json_records(text, file, ("results",), 'expected an OpenAlex work or {"results": [...]}')
    return read_json_objects(items, file, _paper)


def rebuild_abstract(index: Any) -> str:
    """The abstract text from OpenAlex's inverted index (word -> positions).

    >>> rebuild_abstract({"a": [0], "b": None})
    Traceback (most recent call last):
    ...
    loaders.errors.RecordError: field 'abstract_inverted_index': positions of 'b' are not a list of numbers
    """
    if not index:
        return ""
    if not isinstance(index, dict):
        raise RecordError("expected an object of word positions", field="abstract_inverted_index")
    positions: dict[int, str] = {}
    for word, places in index.items():
        if not isinstance(places, list) or not all(isinstance(p, int) and 0 <= p < 10**6 for p in places):
            raise RecordError(
                f"positions of {excerpt(word)} are not a list of numbers", field="abstract_inverted_index"
            )
        positions.update((pos, word) for pos in places)
    return " ".join(positions[pos] for pos in sorted(positions))


def _paper(item: dict[str, Any], file: str, line: int | None, result: LoadResult) -> Paper | None:
    title = fields.text(item, "title") or fields.text(item, "display_name")
    if not title.strip():
        result.skip("work without a title", file=file, line=line, field="title")
        return None
    ids = fields.mapping(item, "ids")
    try:
        published = parse_date(fields.text(item, "publication_date")) or parse_date(
            fields.text(item, "publication_year")
        )
    except ValueError as exc:
        result.warnings.append(locate(f"{exc}; date skipped", file=file, line=line, field="publication_date"))
        published = None
    return Paper.create(
        title,
        arxiv=fields.text(ids, "arxiv", field="ids") or _arxiv_location(item),
        doi=fields.text(item, "doi") or fields.text(ids, "doi", field="ids"),
        openalex=fields.text(item, "id"),
        abstract=rebuild_abstract(item.get("abstract_inverted_index")),
        authors=[name for a in fields.items(item, "authorships") if (name := _author_name(a))],
        published=published,
        urls=_urls(item),
        references=_references(fields.items(item, "referenced_works")),
        sources=[Source(file, line)],
    )


def _references(works: list[Any]) -> list[str]:
    found = (reference_id(openalex=w) for w in works if isinstance(w, str))
    return [r for r in found if r]


def _author_name(authorship: Any) -> str:
    if not isinstance(authorship, dict):
        return ""
    author = fields.mapping(authorship, "author", field="authorships")
    return fields.text(author, "display_name", field="authorships") or fields.text(
        authorship, "raw_author_name", field="authorships"
    )


def _locations(item: dict[str, Any]) -> list[dict[str, Any]]:
    found = [item.get("primary_location"), item.get("best_oa_location"), *fields.items(item, "locations")]
    return [loc for loc in found if isinstance(loc, dict)]


def _arxiv_location(item: dict[str, Any]) -> str | None:
    for loc in _locations(item):
        url = fields.text(loc, "landing_page_url", field="locations")
        if "arxiv.org/" in url and normalize_arxiv(url):
            return url
    return None


def _urls(item: dict[str, Any]) -> dict[str, str]:
    urls: dict[str, str] = {}
    for loc in _locations(item):
        landing = fields.text(loc, "landing_page_url", field="locations")
        pdf = fields.text(loc, "pdf_url", field="locations")
        if landing and "paper" not in urls:
            urls["paper"] = landing
        if pdf and "pdf" not in urls:
            urls["pdf"] = pdf
    return urls

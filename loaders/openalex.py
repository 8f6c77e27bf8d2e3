"""OpenAlex works JSON: a single work or ``{"results": [...]}`` (a list of works is accepted too).

The abstract is rebuilt from ``abstract_inverted_index``; ``referenced_works`` become references
(``openalex:W…`` ids); the DOI, ``ids.arxiv`` (or an arXiv DOI / landing page) and ``authorships`` are read.

>>> rebuild_abstract({"Flow": [0], "matching": [1, 3], "beats": [2]})
'Flow matching beats matching'
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loaders.dates import parse_date
from loaders.errors import locate
from loaders.jsonio import json_records
from loaders.records import Paper, Source, normalize_arxiv, reference_id
from loaders.result import LoadResult
from loaders.textio import load_text_file

_OPENALEX_PREFIX = "https://openalex.org/"


def load(path: Path) -> LoadResult:
    """Read a saved OpenAlex works response."""
    return load_text_file(path, parse_json)


def parse_json(text: str, file: str) -> LoadResult:
    """Parse a single work, ``{"results": [...]}`` or a list of works."""
    items = json_records(text, file, "results", 'expected an OpenAlex work or {"results": [...]}')
    result = LoadResult()
    for line, item in items:
        result.add(_paper(item, file, line, result.warnings))
    return result


def is_work(item: Any) -> bool:
    """Whether a JSON object is an OpenAlex work (used by format detection)."""
    return isinstance(item, dict) and str(item.get("id", "")).startswith(_OPENALEX_PREFIX)


def rebuild_abstract(index: dict[str, list[int]] | None) -> str:
    """The abstract text from OpenAlex's inverted index (word -> positions)."""
    if not index:
        return ""
    positions = {pos: word for word, places in index.items() for pos in places}
    return " ".join(positions[pos] for pos in sorted(positions))


def _paper(item: Any, file: str, line: int | None, warnings: list[str]) -> Paper | None:
    if not isinstance(item, dict):
        warnings.append(locate("item is not a JSON object; skipped", file=file, line=line))
        return None
    title = item.get("title") or item.get("display_name")
    if not isinstance(title, str) or not title.strip():
        warnings.append(locate("work without a title; skipped", file=file, line=line, field="title"))
        return None
    ids = item.get("ids") or {}
    doi = item.get("doi") or ids.get("doi")
    try:
        published = parse_date(item.get("publication_date")) or parse_date(item.get("publication_year"))
    except ValueError as exc:
        warnings.append(locate(f"{exc}; date skipped", file=file, line=line, field="publication_date"))
        published = None
    return Paper.create(
        title,
        arxiv=ids.get("arxiv") or _arxiv_location(item),
        doi=doi,
        openalex=item.get("id"),
        abstract=rebuild_abstract(item.get("abstract_inverted_index")),
        authors=[_author_name(a) for a in item.get("authorships") or [] if _author_name(a)],
        published=published,
        urls=_urls(item),
        references=[r for r in (reference_id(openalex=w) for w in item.get("referenced_works") or []) if r],
        sources=[Source(file, line)],
    )


def _author_name(authorship: Any) -> str:
    if not isinstance(authorship, dict):
        return ""
    author = authorship.get("author") or {}
    return author.get("display_name") or authorship.get("raw_author_name") or ""


def _locations(item: dict[str, Any]) -> list[dict[str, Any]]:
    found = [item.get("primary_location"), item.get("best_oa_location"), *(item.get("locations") or [])]
    return [loc for loc in found if isinstance(loc, dict)]


def _arxiv_location(item: dict[str, Any]) -> str | None:
    for loc in _locations(item):
        url = loc.get("landing_page_url") or ""
        if "arxiv.org/" in url and normalize_arxiv(url):
            return url
    return None


def _urls(item: dict[str, Any]) -> dict[str, str]:
    urls: dict[str, str] = {}
    for loc in _locations(item):
        if loc.get("landing_page_url") and "paper" not in urls:
            urls["paper"] = loc["landing_page_url"]
        if loc.get("pdf_url") and "pdf" not in urls:
            urls["pdf"] = loc["pdf_url"]
    return urls

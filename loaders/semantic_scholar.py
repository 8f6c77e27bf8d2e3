"""Semantic Scholar Graph API JSON: a single paper, a list (``/paper/batch``) or ``{"data": [...]}``.

``externalIds.ArXiv`` / ``externalIds.DOI`` / ``paperId`` give the ids (``paperId`` becomes ``s2:<id>``).
A paper's ``references`` become its references. Each entry of its ``citations`` is a paper that cites it:
it is emitted as a record of its own (title and ids only) whose references hold the cited paper, so the
citation survives the merge with that paper's full record when the corpus has it.

>>> p = parse_json('{"paperId": "abc", "title": "UNITER", "year": 2019, "externalIds": {"ArXiv": "1909.11740"},'
...                '"references": [{"paperId": "def", "externalIds": {"DOI": "10.1000/X"}}]}', "s2.json").papers[0]
>>> p.id, p.external_ids["s2"], p.published, p.references
('arxiv:1909.11740', 'abc', '2019', ['doi:10.1000/x'])
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from loaders.dates import parse_date
from loaders.errors import locate
from loaders.jsonio import json_records
from loaders.records import Paper, Source, clean_text, reference_id
from loaders.result import LoadResult
from loaders.textio import load_text_file

#: Wrappers used by the ``/paper/{id}/citations`` and ``/references`` endpoints.
_WRAPPERS = ("citingPaper", "citedPaper")


def load(path: Path) -> LoadResult:
    """Read a saved Semantic Scholar Graph API response."""
    return load_text_file(path, parse_json)


def parse_json(text: str, file: str) -> LoadResult:
    """Parse any of the Graph API's paper shapes."""
    expected = 'expected a Semantic Scholar paper, a list of papers or {"data": [...]}'
    items = json_records(text, file, "data", expected)
    result = LoadResult()
    for line, item in items:
        result.extend(_item(item, file, line))
    return result


def is_paper(item: Any) -> bool:
    """Whether a JSON object looks like a Graph API paper (used by format detection)."""
    if isinstance(item, dict):
        item = next((item[w] for w in _WRAPPERS if isinstance(item.get(w), dict)), item)
    return isinstance(item, dict) and "paperId" in item


def _item(item: Any, file: str, line: int | None) -> LoadResult:
    result = LoadResult()
    if isinstance(item, dict):
        item = next((item[w] for w in _WRAPPERS if isinstance(item.get(w), dict)), item)
    if item is None:
        result.warnings.append(locate("null item (paper not found by the API); skipped", file=file, line=line))
        return result
    if not isinstance(item, dict):
        result.warnings.append(locate("item is not a JSON object; skipped", file=file, line=line))
        return result
    paper = _paper(item, file, line, result.warnings)
    if paper is None:
        return result
    result.papers.append(paper)
    for citing in item.get("citations") or []:
        if isinstance(citing, dict):
            result.add(_paper(citing, file, line, result.warnings, cites=paper.id))
    return result


def _paper(
    item: dict[str, Any], file: str, line: int | None, warnings: list[str], cites: str | None = None
) -> Paper | None:
    title = item.get("title")
    if not isinstance(title, str) or not title.strip():
        if cites is None:
            warnings.append(locate("paper without a title; skipped", file=file, line=line, field="title"))
        return None
    ids = item.get("externalIds") or {}
    urls = {"paper": item["url"]} if isinstance(item.get("url"), str) else {}
    pdf = item.get("openAccessPdf")
    if isinstance(pdf, dict) and pdf.get("url"):
        urls["pdf"] = pdf["url"]
    return Paper.create(
        title,
        arxiv=_string(ids.get("ArXiv")),
        doi=_string(ids.get("DOI")),
        s2=_string(item.get("paperId")),
        abstract=clean_text(item.get("abstract")),
        authors=[a["name"] for a in item.get("authors") or [] if isinstance(a, dict) and a.get("name")],
        published=_published(item, file, line, warnings),
        urls=urls,
        references=[cites] if cites else _references(item.get("references") or []),
        sources=[Source(file, line)],
    )


def _published(item: dict[str, Any], file: str, line: int | None, warnings: list[str]) -> str | None:
    try:
        return parse_date(item.get("publicationDate")) or parse_date(item.get("year"))
    except ValueError as exc:
        warnings.append(locate(f"{exc}; date skipped", file=file, line=line, field="publicationDate"))
        return None


def _references(refs: list[Any]) -> list[str]:
    found = []
    for ref in refs:
        if not isinstance(ref, dict):
            continue
        ids = ref.get("externalIds") or {}
        rid = reference_id(arxiv=_string(ids.get("ArXiv")), doi=_string(ids.get("DOI")), s2=_string(ref.get("paperId")))
        if rid:
            found.append(rid)
    return found


def _string(value: Any) -> str | None:
    return str(value) if value not in (None, "") else None

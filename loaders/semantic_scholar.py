"""Semantic Scholar API JSON: a single paper, a list (``/paper/batch``), ``{"data": [...]}`` (search; an
empty search ``{"total": 0, "offset": 0}`` has no records), ``{"recommendedPapers": [...]}``, or an author
(``/author/{id}``, author search) whose ``papers`` are read.

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

from loaders import fields
from loaders.dates import parse_date
from loaders.errors import locate
from loaders.jsonio import json_records
from loaders.records import Paper, Source, clean_text, reference_id
from loaders.result import LoadResult, read_records
from loaders.textio import load_text_file

#: Wrappers used by the ``/paper/{id}/citations`` and ``/references`` endpoints.
_WRAPPERS = ("citingPaper", "citedPaper")
#: Keys under which a response lists its papers (search and batch: ``data``; recommendations API).
_LISTS = ("data", "recommendedPapers", "papers")


def load(path: Path) -> LoadResult:
    """Read a saved Semantic Scholar Graph API response."""
    return load_text_file(path, parse_json)


def parse_json(text: str, file: str) -> LoadResult:
    """Parse any of the Graph API's paper shapes (a wrong-typed field skips its record, with a warning)."""
    expected = 'expected a Semantic Scholar paper, a list of papers, {"data": [...]} or {"recommendedPapers": [...]}'
    return read_records(json_records(text, file, _LISTS, expected), file, _item)


def _item(item: Any, file: str, line: int | None, result: LoadResult) -> None:
    if isinstance(item, dict):
        item = next((item[w] for w in _WRAPPERS if isinstance(item.get(w), dict)), item)
    if item is None:
        result.skip("null item (paper not found by the API)", file=file, line=line)
        return
    if not isinstance(item, dict):
        result.skip("item is not a JSON object", file=file, line=line)
        return
    if "authorId" in item and "title" not in item:  # an author (/author/{id}, author search): their papers
        for authored in fields.items(item, "papers"):
            _item(authored, file, line, result)
        return
    paper = _paper(item, file, line, result.warnings)
    if paper is None:
        result.skip("paper without a title", file=file, line=line, field="title")
        return
    result.papers.append(paper)
    for citing in fields.items(item, "citations"):
        if isinstance(citing, dict):
            result.add(_paper(citing, file, line, result.warnings, cites=paper.id))


def _paper(
    item: dict[str, Any], file: str, line: int | None, warnings: list[str], cites: str | None = None
) -> Paper | None:
    title = fields.text(item, "title")
    if not title.strip():
        return None
    ids = fields.mapping(item, "externalIds")
    urls = {"paper": item["url"]} if isinstance(item.get("url"), str) else {}
    pdf = fields.mapping(item, "openAccessPdf")
    if fields.text(pdf, "url", field="openAccessPdf"):
        urls["pdf"] = fields.text(pdf, "url", field="openAccessPdf")
    return Paper.create(
        title,
        arxiv=fields.text(ids, "ArXiv", field="externalIds"),
        doi=fields.text(ids, "DOI", field="externalIds"),
        s2=fields.text(item, "paperId"),
        abstract=clean_text(fields.text(item, "abstract")),
        authors=fields.names(item, "authors"),
        published=_published(item, file, line, warnings),
        urls=urls,
        references=[cites] if cites else _references(fields.items(item, "references")),
        sources=[Source(file, line)],
    )


def _published(item: dict[str, Any], file: str, line: int | None, warnings: list[str]) -> str | None:
    try:
        return parse_date(fields.text(item, "publicationDate")) or parse_date(fields.text(item, "year"))
    except ValueError as exc:
        warnings.append(locate(f"{exc}; date skipped", file=file, line=line, field="publicationDate"))
        return None


def _references(refs: list[Any]) -> list[str]:
    found = []
    for ref in refs:
        if not isinstance(ref, dict):
            continue
        ids = fields.mapping(ref, "externalIds", field="references")
        rid = reference_id(
            arxiv=fields.text(ids, "ArXiv", field="references"),
            doi=fields.text(ids, "DOI", field="references"),
            s2=fields.text(ref, "paperId", field="references"),
        )
        if rid:
            found.append(rid)
    return found

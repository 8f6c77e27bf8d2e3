"""Hugging Face papers: listing pages saved as text (the seeds' three layouts) and the papers API JSON.

A saved listing page is a header (``new``, ``Get trending papers in your email inbox!``, ``Subscribe``,
``Daily Papers``, ``byAK and the research community``, the listing date) followed by entries. Each entry is
a title line and an abstract line, with or without blank lines between them, optionally followed by
``• N authors`` / ``·`` / ``Dec 13, 2021 5`` (date, then upvotes) lines. In one layout the first title is
glued to the header: ``SubscribeMeDSLIP: ...``.

A title with no abstract is kept with an empty abstract and reported as a warning naming file and line.

>>> page = "new\\n\\nSubscribe\\n\\nApr 3\\n\\nSlimFlow: Training Smaller Models\\n\\n" + "Diffusion. " * 30
>>> [(p.title, str(p.sources[0])) for p in parse_listing(page, "page.txt").papers]
[('SlimFlow: Training Smaller Models', 'page.txt:7')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from loaders import fields
from loaders.dates import iso_date, month_number, parse_date
from loaders.errors import excerpt, locate
from loaders.jsonio import json_records, read_json_objects
from loaders.records import Paper, Source, clean_text
from loaders.result import LoadResult
from loaders.textio import load_text_file

#: Lines of the page chrome that never belong to an entry (compared after stripping).
BOILERPLATE = frozenset(
    {
        "new",
        "Get trending papers in your email inbox!",
        "Get trending papers in your email inbox once a day!",
        "Subscribe",
        "Daily Papers",
        "byAK and the research community",
    }
)
GLUED_HEADER = "Subscribe"
HF_PAPER_URL = "https://huggingface.co/papers/"

_MONTH = r"(?:Jan|Feb|Mar|Apr|May|Jun|Jul|Aug|Sep|Oct|Nov|Dec)"
_DATE_LINE = re.compile(rf"^({_MONTH}) (\d{{1,2}})(?:, (\d{{4}}))?(?: (\d+))?$")
_AUTHORS_LINE = re.compile(r"^•\s*(\d+) authors?$")
_DOT_LINE = "·"
_SENTENCE_END = (".", "!", "?")
#: An abstract is longer than any title; shorter lines count as abstracts only by context.
_ABSTRACT_MIN_CHARS = 300
_SHORT_ABSTRACT_MIN_CHARS = 150


@dataclass(frozen=True)
class _Line:
    """A non-blank line of a listing: its 1-based number, stripped text and kind."""

    number: int
    text: str
    kind: str  # "content", "authors", "dot" or "date"


@dataclass
class _Meta:
    """What the optional lines after an entry say."""

    n_authors: int | None = None
    published: str | None = None
    upvotes: int | None = None


def load_listing(path: Path) -> LoadResult:
    """Read a saved Hugging Face papers listing page."""
    return load_text_file(path, parse_listing)


def parse_listing(text: str, file: str) -> LoadResult:
    """Parse the text of a listing page; ``file`` names it in sources and warnings."""
    lines = classify_lines(text)
    result = LoadResult()
    i = 0
    while i < len(lines):
        line = lines[i]
        if line.kind != "content":
            if result.papers:
                result.warnings.append(
                    locate(f"stray {line.kind} line {excerpt(line.text)} skipped", file=file, line=line.number)
                )
            i += 1
            continue
        abstract = lines[i + 1] if i + 1 < len(lines) else None
        after = lines[i + 2] if i + 2 < len(lines) else None
        if abstract is not None and _is_abstract(abstract, after):
            i += 2
        else:
            abstract = None
            result.warnings.append(
                locate(
                    f"title {excerpt(line.text)} has no abstract; kept with an empty abstract",
                    file=file,
                    line=line.number,
                    field="abstract",
                )
            )
            i += 1
        meta = _Meta()
        while i < len(lines) and lines[i].kind != "content":
            _read_meta(lines[i], meta, file, result.warnings)
            i += 1
        result.papers.append(_paper(line, abstract, meta, file))
    return result


def classify_lines(text: str) -> list[_Line]:
    """The non-blank, non-boilerplate lines of a page, with the glued ``Subscribe`` header removed."""
    lines: list[_Line] = []
    header_seen = False
    content_seen = False
    for number, raw in enumerate(text.splitlines(), start=1):
        stripped = raw.strip()
        if not stripped:
            continue
        if stripped in BOILERPLATE:
            header_seen = header_seen or stripped == GLUED_HEADER
            continue
        if not content_seen and not header_seen and stripped.startswith(GLUED_HEADER):
            stripped = stripped[len(GLUED_HEADER) :].strip()
            header_seen = True
        line = _Line(number, stripped, _kind(stripped))
        content_seen = content_seen or line.kind == "content"
        lines.append(line)
    return lines


def looks_like_listing(text: str) -> bool:
    """Whether ``text`` reads like a saved listing page (used by format detection)."""
    head = [line.strip() for line in text.splitlines()[:20]]
    glued = any(line.startswith(GLUED_HEADER) for line in head[:5])
    return glued or any(line in BOILERPLATE for line in head)


def _kind(text: str) -> str:
    if text == _DOT_LINE:
        return "dot"
    if _AUTHORS_LINE.match(text):
        return "authors"
    if _DATE_LINE.match(text):
        return "date"
    return "content"


def _looks_like_abstract(line: _Line) -> bool:
    """Long, or several sentences ending with a full stop: no title in the seeds is either."""
    if line.kind != "content":
        return False
    text = line.text
    if len(text) >= _ABSTRACT_MIN_CHARS:
        return True
    return len(text) >= _SHORT_ABSTRACT_MIN_CHARS and text.endswith(_SENTENCE_END) and ". " in text


def _is_abstract(candidate: _Line, after: _Line | None) -> bool:
    """Whether ``candidate``, the line after a title, is that title's abstract.

    A long line is an abstract. A short one is a short abstract only when it ends a sentence with a full
    stop and the line after it is not an abstract; otherwise it is the next title (titles do not end
    with a full stop), so a title without an abstract never takes the next title as its abstract.
    """
    if candidate.kind != "content":
        return False
    if _looks_like_abstract(candidate):
        return True
    short_abstract = candidate.text.endswith(".") and not candidate.text.endswith("et al.")
    return short_abstract and not (after is not None and _looks_like_abstract(after))


def _read_meta(line: _Line, meta: _Meta, file: str, warnings: list[str]) -> None:
    if line.kind == "authors":
        meta.n_authors = int(_AUTHORS_LINE.match(line.text)[1])  # type: ignore[index]
    elif line.kind == "date":
        match = _DATE_LINE.match(line.text)
        assert match is not None
        month, day, year, upvotes = match.groups()
        try:
            meta.published = iso_date(int(year), month_number(month), int(day), line.text) if year else None
        except ValueError as exc:
            warnings.append(locate(f"{exc}; date skipped", file=file, line=line.number, field="published"))
        meta.upvotes = int(upvotes) if upvotes else meta.upvotes


def _paper(title: _Line, abstract: _Line | None, meta: _Meta, file: str) -> Paper:
    return Paper.create(
        title.text,
        abstract=abstract.text if abstract else "",
        n_authors=meta.n_authors,
        published=meta.published,
        upvotes=meta.upvotes,
        sources=[Source(file, title.number)],
    )


def load_api(path: Path) -> LoadResult:
    """Read a saved response of the HF papers API (``/api/daily_papers``, ``/api/papers/search``)."""
    return load_text_file(path, parse_api)


def parse_api(text: str, file: str) -> LoadResult:
    """Parse HF papers API JSON: a list of ``{"paper": {...}, ...}`` items, or of paper objects."""
    items = json_records(text, file, (), "expected a JSON list of papers from the Hugging Face papers API")
    return read_json_objects(items, file, _api_paper)


def _api_paper(item: dict[str, Any], file: str, line: int | None, result: LoadResult) -> Paper | None:
    paper = item.get("paper") if isinstance(item.get("paper"), dict) else item
    title = fields.text(paper, "title") or fields.text(item, "title")
    if not title.strip():
        result.skip("paper without a title", file=file, line=line, field="title")
        return None
    arxiv_id = fields.text(paper, "id")
    try:
        published = parse_date(fields.text(paper, "publishedAt") or fields.text(item, "publishedAt"))
    except ValueError as exc:
        result.warnings.append(locate(f"{exc}; date skipped", file=file, line=line, field="publishedAt"))
        published = None
    urls = {"paper": HF_PAPER_URL + arxiv_id} if arxiv_id else {}
    if fields.text(paper, "githubRepo"):
        urls["code"] = fields.text(paper, "githubRepo")
    return Paper.create(
        title,
        arxiv=arxiv_id,
        abstract=clean_text(fields.text(paper, "summary") or fields.text(item, "summary")),
        authors=fields.names(paper, "authors"),
        published=published,
        upvotes=fields.whole_number(paper, "upvotes"),
        urls=urls,
        sources=[Source(file, line)],
    )

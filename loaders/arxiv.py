"""arXiv API responses (Atom feeds): id, title, summary, authors, dates, links (pdf), DOI.

>>> feed = '''<feed xmlns="http://www.w3.org/2005/Atom"><entry>
... <id>http://arxiv.org/abs/2407.12718v2</id><published>2024-07-17T15:00:00Z</published>
... <title>SlimFlow: Training Smaller
...   One-Step Diffusion Models</title><summary> Diffusion models excel. </summary>
... <author><name>Yuanzhi Zhu</name></author></entry></feed>'''
>>> p = parse_feed(feed, "q.xml").papers[0]
>>> p.id, p.title, p.authors, p.published, p.sources[0].line
('arxiv:2407.12718', 'SlimFlow: Training Smaller One-Step Diffusion Models', ['Yuanzhi Zhu'], '2024-07-17', 1)
"""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from pathlib import Path

from loaders.dates import parse_date
from loaders.errors import InputError, locate
from loaders.records import Paper, Source, clean_text
from loaders.result import LoadResult
from loaders.textio import load_text_file

NS = {
    "atom": "http://www.w3.org/2005/Atom",
    "arxiv": "http://arxiv.org/schemas/atom",
    "opensearch": "http://a9.com/-/spec/opensearch/1.1/",
}
_ERROR_ID = "api/errors"
#: Entity declarations can expand a small file into gigabytes; arXiv feeds never declare any.
_DOCTYPE = re.compile(r"<!\s*(?:DOCTYPE|ENTITY)", re.IGNORECASE)


def load(path: Path) -> LoadResult:
    """Read a saved arXiv API response (one Atom feed)."""
    return load_text_file(path, parse_feed)


def parse_feed(text: str, file: str) -> LoadResult:
    """Parse an Atom feed from the arXiv API; an API error entry raises :class:`InputError`."""
    root = _parse_xml(text, file)
    entry_lines = _entry_lines(text)
    result = LoadResult()
    for index, entry in enumerate(root.findall("atom:entry", NS)):
        line = entry_lines[index] if index < len(entry_lines) else None
        entry_id = _text(entry, "atom:id")
        if _ERROR_ID in entry_id:
            raise InputError(f"the arXiv API returned an error: {_text(entry, 'atom:summary')}", file=file, line=line)
        result.add(_paper(entry, file, line, result))
    return result


def _parse_xml(text: str, file: str) -> ET.Element:
    declaration = _DOCTYPE.search(text)
    if declaration:
        line = text.count("\n", 0, declaration.start()) + 1
        raise InputError(
            "XML with a <!DOCTYPE> or <!ENTITY> declaration is not read (arXiv feeds have none)", file=file, line=line
        )
    try:
        root = ET.fromstring(text)
    except ET.ParseError as exc:
        raise InputError(f"invalid XML ({exc})", file=file, line=exc.position[0]) from exc
    if root.tag != f"{{{NS['atom']}}}feed":
        raise InputError(f"expected an Atom <feed> from the arXiv API, found <{root.tag}>", file=file, line=1)
    return root


def _entry_lines(text: str) -> list[int]:
    """1-based line of each ``<entry`` start tag, in document order."""
    lines = []
    for number, line in enumerate(text.split("\n"), start=1):
        lines.extend([number] * _count_entry_tags(line))
    return lines


def _count_entry_tags(line: str) -> int:
    return line.count("<entry>") + line.count("<entry ") + line.count("<atom:entry")


def _paper(entry: ET.Element, file: str, line: int | None, result: LoadResult) -> Paper | None:
    title = clean_text(_text(entry, "atom:title"))
    if not title:
        result.skip("entry without a title", file=file, line=line, field="title")
        return None
    entry_id = _text(entry, "atom:id")
    urls = {"paper": entry_id} if entry_id else {}
    for link in entry.findall("atom:link", NS):
        if link.get("title") == "pdf" or link.get("type") == "application/pdf":
            urls["pdf"] = link.get("href", "")
        elif link.get("rel") == "alternate" and link.get("href"):
            urls["paper"] = link.get("href", "")
    try:
        published = parse_date(_text(entry, "atom:published"))
    except ValueError as exc:
        result.warnings.append(locate(f"{exc}; date skipped", file=file, line=line, field="published"))
        published = None
    return Paper.create(
        title,
        arxiv=entry_id,
        doi=_text(entry, "arxiv:doi") or None,
        abstract=clean_text(_text(entry, "atom:summary")),
        authors=[_text(a, "atom:name") for a in entry.findall("atom:author", NS)],
        published=published,
        urls={k: v for k, v in urls.items() if v},
        sources=[Source(file, line)],
    )


def _text(element: ET.Element, path: str) -> str:
    found = element.find(path, NS)
    return (found.text or "").strip() if found is not None else ""

"""Web of Science "Plain text" exports (``savedrecs.txt``): tagged records, ``FN`` … ``ER`` … ``EF``.

Each line is a two-letter tag, a space and a value; a line starting with spaces continues the previous tag
(``AU``/``AF`` list one author a line, ``TI``/``AB`` wrap long text). A record ends at ``ER``. The tags are
the column names of the tab-delimited export, so the rows go through :mod:`loaders.tabular`'s one mapping
(``TI`` title, ``AF``/``AU`` authors, ``AB`` abstract, ``PY`` year, ``DI`` DOI).

>>> text = "FN Clarivate Analytics Web of Science\\nVR 1.0\\nPT J\\nAU He, KM\\n   Sun, J\\nAF He, Kaiming\\n"
>>> text += "   Sun, Jian\\nTI Deep Residual Learning for Image\\n   Recognition\\nPY 2016\\n"
>>> text += "DI 10.1109/CVPR.2016.90\\nER\\n\\nEF"
>>> p = parse_wos(text, "savedrecs.txt").papers[0]
>>> p.id, p.title, str(p.sources[0])
('doi:10.1109/cvpr.2016.90', 'Deep Residual Learning for Image Recognition', 'savedrecs.txt:3')
>>> p.authors
['Kaiming He', 'Jian Sun']
"""

from __future__ import annotations

import re
from pathlib import Path

from loaders.result import LoadResult
from loaders.tabular import papers_from_rows
from loaders.textio import load_text_file

#: The first line of a Web of Science plain-text export.
HEADER = re.compile(r"\AFN (?:Clarivate Analytics|Thomson Reuters)? ?Web of Science", re.IGNORECASE)
_TAG = re.compile(r"^([A-Z][A-Z0-9]) ?(.*)$")
#: Tags whose continuation lines are list items (joined with ';'); the others are wrapped text.
_LIST_TAGS = frozenset({"AU", "AF", "CR", "C1", "BE", "BF", "DE", "ID"})
_FILE_TAGS = frozenset({"FN", "VR", "EF"})


def load(path: Path) -> LoadResult:
    """Read a Web of Science plain-text export."""
    return load_text_file(path, parse_wos)


def parse_wos(text: str, file: str) -> LoadResult:
    """Parse the records of a plain-text export; a record without ``TI`` is skipped with its line."""
    rows: list[tuple[int | None, dict[str, str]]] = []
    record: dict[str, list[str]] = {}
    start, tag = 0, ""
    for number, line in enumerate(text.split("\n"), start=1):
        line = line.rstrip("\r")
        if line.startswith(" ") and tag:
            record.setdefault(tag, []).append(line.strip())
            continue
        match = _TAG.match(line)
        if not match or match[1] in _FILE_TAGS:
            continue
        tag, value = match[1], match[2].strip()
        if tag == "ER":
            rows.append((start, _row(record)))
            record, tag = {}, ""
            continue
        if not record:
            start = number
        record.setdefault(tag, []).append(value)
    if record:  # the last record without its ER line
        rows.append((start, _row(record)))
    return papers_from_rows(rows, file, LoadResult())


def _row(record: dict[str, list[str]]) -> dict[str, str]:
    return {tag: ("; " if tag in _LIST_TAGS else " ").join(v for v in values if v) for tag, values in record.items()}

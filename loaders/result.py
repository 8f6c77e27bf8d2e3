"""What every loader returns: the records it read, the records it skipped (and why), and its warnings.

Every record a user gives ends as a paper, a merge or a :class:`Skip`; :class:`FileReport` is the
one-line account of one input file.

>>> r = LoadResult()
>>> r.skip("paper without a title", file="a.json", line=3, field="title")
>>> r.warnings
["a.json:3: field 'title': paper without a title; skipped"]
>>> r.skipped[0].to_dict()
{'file': 'a.json', 'line': 3, 'field': 'title', 'reason': 'paper without a title'}
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any

from loaders.atomicio import atomic_write
from loaders.errors import RecordError, locate
from loaders.records import Paper

#: The file of an output folder that lists the records the last build/add skipped, one JSON object a line.
SKIPPED_FILE = "skipped.jsonl"


@dataclass(frozen=True)
class Skip:
    """One input record that did not become a paper: where it is and why."""

    file: str
    line: int | None
    reason: str
    field: str | None = None

    def __str__(self) -> str:
        return locate(f"{self.reason}; skipped", file=self.file, line=self.line, field=self.field)

    def to_dict(self) -> dict[str, str | int | None]:
        """The ``skipped.jsonl`` record: file, line, field, reason."""
        data = asdict(self)
        return {key: data[key] for key in ("file", "line", "field", "reason")}


@dataclass
class FileReport:
    """The account of one input file: ``records`` = ``papers`` + ``merged`` + ``skipped``.

    >>> print(FileReport("refs.bib", "bibtex", papers=12, merged=1, skipped=1))
    refs.bib (bibtex): 14 records: 12 papers, 1 merged into others, 1 skipped
    >>> print(FileReport("x.bin", "?", error="x.bin: binary file"))
    x.bin: binary file
    """

    file: str
    format: str
    papers: int = 0
    merged: int = 0
    skipped: int = 0
    error: str | None = None

    @property
    def records(self) -> int:
        """Records read from the file."""
        return self.papers + self.merged + self.skipped

    def __str__(self) -> str:
        if self.error is not None:
            return self.error if self.error.startswith(self.file) else f"{self.file}: {self.error}"
        return (
            f"{self.file} ({self.format}): {self.records} records: {self.papers} papers, "
            f"{self.merged} merged into others, {self.skipped} skipped"
        )


@dataclass
class LoadResult:
    """Papers read from one or more inputs, the records skipped, one-line warnings naming file, line and
    field, and (from :func:`loaders.detect.load_paths`) the per-file reports and the merge report."""

    papers: list[Paper] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    skipped: list[Skip] = field(default_factory=list)
    files: list[FileReport] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)

    def add(self, paper: Paper | None) -> None:
        """Keep ``paper``; ``None`` means the parser skipped a record (and already called :meth:`skip`)."""
        if paper is not None:
            self.papers.append(paper)

    def skip(self, reason: str, *, file: str, line: int | None = None, field: str | None = None) -> None:
        """Record that one input record was skipped, and warn about it."""
        entry = Skip(file, line, reason, field)
        self.skipped.append(entry)
        self.warnings.append(str(entry))

    def extend(self, other: LoadResult) -> None:
        """Append another result's papers, skips, warnings, file reports and merges to this one."""
        self.papers.extend(other.papers)
        self.warnings.extend(other.warnings)
        self.skipped.extend(other.skipped)
        self.files.extend(other.files)
        self.merges.extend(other.merges)


def read_records(
    records: Iterable[tuple[int | None, Any]],
    file: str,
    read: Callable[[Any, str, int | None, LoadResult], Paper | None],
    result: LoadResult | None = None,
) -> LoadResult:
    """Every loader's record loop: ``read(record, file, line, result)`` for each ``(line, record)`` of ``file``.

    The paper ``read`` returns is kept (``None``: it skipped the record itself); a
    :class:`~loaders.errors.RecordError` it raises skips that record with its reason and field.

    >>> def titled(record, file, line, result):
    ...     if not record.get("title"):
    ...         raise RecordError("missing title", field="title")
    ...     return Paper.create(record["title"])
    >>> r = read_records([(1, {"title": "A"}), (2, {})], "p.json", titled)
    >>> [p.title for p in r.papers], r.warnings
    (['A'], ["p.json:2: field 'title': missing title; skipped"])
    """
    result = LoadResult() if result is None else result
    for line, record in records:
        try:
            result.add(read(record, file, line, result))
        except RecordError as exc:
            result.skip(exc.message, file=file, line=line, field=exc.field)
    return result


def write_skipped(skipped: Iterable[Skip], folder: Path) -> Path:
    """Write ``folder/skipped.jsonl`` (atomically; empty when nothing was skipped) and return its path.

    >>> import tempfile
    >>> path = write_skipped([Skip("a.bib", 7, "no title", "title")], Path(tempfile.mkdtemp()))
    >>> path.read_text()
    '{"file": "a.bib", "line": 7, "field": "title", "reason": "no title"}\\n'
    """
    lines = [json.dumps(skip.to_dict(), ensure_ascii=False) + "\n" for skip in skipped]
    return atomic_write(folder / SKIPPED_FILE, "".join(lines))

"""What every loader returns: the records it read and the warnings about what it skipped or guessed."""

from __future__ import annotations

from dataclasses import dataclass, field

from loaders.records import Paper


@dataclass
class LoadResult:
    """Papers read from one or more inputs, plus one-line warnings naming file, line and field.

    >>> r = LoadResult([], ["a.txt:3: field 'abstract': missing"])
    >>> r.extend(LoadResult([], ["b.txt:1: empty"]))
    >>> r.warnings
    ["a.txt:3: field 'abstract': missing", 'b.txt:1: empty']
    """

    papers: list[Paper] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    def add(self, paper: Paper | None) -> None:
        """Keep ``paper``; ``None`` means the parser skipped a record (and already said why in a warning)."""
        if paper is not None:
            self.papers.append(paper)

    def extend(self, other: LoadResult) -> None:
        """Append another result's papers and warnings to this one."""
        self.papers.extend(other.papers)
        self.warnings.extend(other.warnings)

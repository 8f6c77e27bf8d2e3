"""The root of paperkg's exception family.

It lives here, at the bottom of the import graph, because ``loaders`` may not import ``graph``
while ``graph.errors`` re-exports and extends it: one family, importable from both layers.
"""

from __future__ import annotations


class PaperkgError(Exception):
    """Base class of every error paperkg reports to a user (printed without a traceback)."""


class InputError(PaperkgError):
    """Bad input data, located as precisely as the source allows.

    >>> print(InputError("title is empty", file="a.json", line=3, field="title"))
    a.json:3: field 'title': title is empty
    """

    def __init__(
        self, message: str, *, file: str | None = None, line: int | None = None, field: str | None = None
    ) -> None:
        self.message = message
        self.file = file
        self.line = line
        self.field = field
        super().__init__(self._render())

    def _render(self) -> str:
        where = ""
        if self.file:
            where = self.file if self.line is None else f"{self.file}:{self.line}"
            where += ": "
        what = f"field {self.field!r}: " if self.field else ""
        return f"{where}{what}{self.message}"

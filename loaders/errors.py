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
        return locate(self.message, file=self.file, line=self.line, field=self.field)


class RecordError(InputError):
    """One record of an input cannot be read (a wrong-typed or over-long field): the record is skipped
    with a located warning, the rest of the file is read."""


class FetchError(PaperkgError):
    """An online source could not be fetched (network down, HTTP error after all retries)."""


def excerpt(value: object, limit: int = 80) -> str:
    """``repr`` of a value, cut to ``limit`` characters, for messages that quote input.

    >>> excerpt("x" * 100, 12)
    "'xxxxxxx…' (100 characters)"
    """
    shown = repr(value)
    if len(shown) <= limit:
        return shown
    size = f" ({len(value)} characters)" if isinstance(value, str) else ""
    return shown[: limit - 4] + "…" + shown[0] + size


def locate(message: str, *, file: str | None = None, line: int | None = None, field: str | None = None) -> str:
    """Prefix ``message`` with where it happened, as every loader error and warning does.

    >>> locate("no abstract; kept with an empty abstract", file="page.txt", line=12, field="abstract")
    "page.txt:12: field 'abstract': no abstract; kept with an empty abstract"
    """
    where = ""
    if file:
        where = file if line is None else f"{file}:{line}"
        where += ": "
    what = f"field {field!r}: " if field else ""
    return f"{where}{what}{message}"

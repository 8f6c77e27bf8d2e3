"""Publication dates from the many shapes sources give them in, as ISO (partial) dates.

``2023-08-19``, ``2023-08`` and ``2023`` are the three precisions a :class:`~loaders.records.Paper`
stores; anything else is a :class:`ValueError` the loader turns into a located error or warning.
"""

from __future__ import annotations

import re
from datetime import date

from loaders.errors import excerpt

MONTHS = {
    name: number
    for number, names in enumerate(
        [
            ("jan", "january"),
            ("feb", "february"),
            ("mar", "march"),
            ("apr", "april"),
            ("may",),
            ("jun", "june"),
            ("jul", "july"),
            ("aug", "august"),
            ("sep", "sept", "september"),
            ("oct", "october"),
            ("nov", "november"),
            ("dec", "december"),
        ],
        start=1,
    )
    for name in names
}

_ISO = re.compile(r"^(\d{4})(?:-(\d{1,2})(?:-(\d{1,2}))?)?(?:[T ].*)?$")
_MONTH_DAY_YEAR = re.compile(r"^([A-Za-z]+)\.? (\d{1,2}),? (\d{4})$")
_DAY_MONTH_YEAR = re.compile(r"^(\d{1,2}) ([A-Za-z]+)\.?,? (\d{4})$")
_MONTH_YEAR = re.compile(r"^([A-Za-z]+)\.?,? (\d{4})$")


def parse_date(value: str | int | None) -> str | None:
    """An ISO (partial) date from a date-like value; None when the value is empty.

    >>> [parse_date(v) for v in ("2023-08-19T17:59:01.000Z", "Dec 13, 2021", "2021", 2020, "May 2019", "")]
    ['2023-08-19', '2021-12-13', '2021', '2020', '2019-05', None]
    >>> parse_date("yesterday")
    Traceback (most recent call last):
    ...
    ValueError: not a date: 'yesterday'
    """
    if value is None:
        return None
    text = str(value).strip()
    if not text:
        return None
    match = _ISO.match(text)
    if match:
        year, month, day = match.groups()
        return iso_date(int(year), int(month) if month else None, int(day) if day else None, text)
    match = _MONTH_DAY_YEAR.match(text)
    if match:
        return iso_date(int(match[3]), month_number(match[1], text), int(match[2]), text)
    match = _DAY_MONTH_YEAR.match(text)
    if match:
        return iso_date(int(match[3]), month_number(match[2], text), int(match[1]), text)
    match = _MONTH_YEAR.match(text)
    if match:
        return iso_date(int(match[2]), month_number(match[1], text), None, text)
    raise ValueError(f"not a date: {excerpt(text)}")


def month_number(value: str | int, original: str | None = None) -> int:
    """``"Aug"``, ``"august"``, ``"8"`` or ``8`` -> 8.

    >>> month_number("Sept")
    9
    """
    text = str(value).strip().lower().rstrip(".")
    if text.isdigit() and 1 <= int(text) <= 12:
        return int(text)
    if text in MONTHS:
        return MONTHS[text]
    raise ValueError(f"not a month: {excerpt(original or value)}")


def iso_date(year: int, month: int | None = None, day: int | None = None, original: str = "") -> str:
    """Validate and format a (partial) date.

    >>> iso_date(2024, 2, 29), iso_date(2024, 2), iso_date(2024)
    ('2024-02-29', '2024-02', '2024')
    """
    shown = original or f"{year}-{month}-{day}"
    if not 1000 <= year <= 9999:
        raise ValueError(f"not a date: {excerpt(shown)} (year out of range)")
    if month is None:
        return f"{year:04d}"
    try:
        date(year, month, day or 1)
    except ValueError as exc:
        raise ValueError(f"not a date: {excerpt(shown)} ({exc})") from exc
    return f"{year:04d}-{month:02d}" if day is None else f"{year:04d}-{month:02d}-{day:02d}"

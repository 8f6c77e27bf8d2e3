"""Reading an input file as text: empty, binary and non-UTF-8 files are reported, never guessed silently.

Decoding rules (documented in docs/inputs.md):

* UTF-8 (a BOM is allowed and dropped); UTF-16 only with its BOM.
* Not valid UTF-8: decoded as Windows-1252 (Latin-1 for the five bytes cp1252 leaves undefined),
  with a warning naming the file and the line of the first undecodable byte.
* Empty (or whitespace-only) files and binary files (NUL bytes in the first 8 KB, no UTF-16 BOM) raise
  :class:`InputError`; NUL characters further on are removed, with a warning naming the line of the first.
"""

from __future__ import annotations

import codecs
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from loaders.errors import InputError, locate
from loaders.result import LoadResult

_SNIFF_BYTES = 8192


@dataclass
class DecodedText:
    """The text of a file and the warnings its decoding produced."""

    text: str
    warnings: list[str] = field(default_factory=list)


def read_text(path: Path) -> DecodedText:
    """Read ``path`` as text following the module's decoding rules."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from exc
    return decode_bytes(data, str(path))


def load_text_file(path: Path, parse: Callable[[str, str], LoadResult]) -> LoadResult:
    """Read ``path`` as text and ``parse(text, file)`` it; the decoding warnings come first."""
    decoded = read_text(path)
    result = parse(decoded.text, str(path))
    result.warnings[:0] = decoded.warnings
    return result


def decode_bytes(data: bytes, file: str) -> DecodedText:
    """Decode the bytes of ``file``.

    >>> decode_bytes("Fünf".encode("utf-8"), "a.txt").text
    'Fünf'
    >>> decoded = decode_bytes("Fünf".encode("cp1252"), "a.txt")
    >>> decoded.text, decoded.warnings
    ('Fünf', ['a.txt:1: not valid UTF-8 (byte 0xfc); decoded as Windows-1252'])
    >>> decode_bytes(b"x" * 9000 + b"\\nA\\x00B", "a.txt").warnings
    ['a.txt:2: 1 NUL characters removed']
    """
    warnings: list[str] = []
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        text = _decode_utf16(data, file)
    elif b"\x00" in data[:_SNIFF_BYTES]:
        raise InputError("binary file (contains NUL bytes); expected a text, JSON or BibTeX file", file=file)
    else:
        try:
            text = data.decode("utf-8-sig")
        except UnicodeDecodeError as exc:
            line = data.count(b"\n", 0, exc.start) + 1
            text = data.decode("cp1252", errors="replace")
            text = _restore_undefined_cp1252(data, text)
            message = f"not valid UTF-8 (byte 0x{data[exc.start]:02x}); decoded as Windows-1252"
            warnings.append(locate(message, file=file, line=line))
    if "\x00" in text:
        line = text.count("\n", 0, text.index("\x00")) + 1
        warnings.append(locate(f"{text.count(chr(0))} NUL characters removed", file=file, line=line))
        text = text.replace("\x00", "")
    if not text.strip():
        raise InputError("file is empty", file=file)
    return DecodedText(text, warnings)


def _decode_utf16(data: bytes, file: str) -> str:
    try:
        return data.decode("utf-16")
    except UnicodeDecodeError as exc:
        raise InputError(
            f"starts with a UTF-16 byte-order mark but is not valid UTF-16: {exc.reason}", file=file
        ) from exc


def _restore_undefined_cp1252(data: bytes, text: str) -> str:
    """cp1252 leaves 0x81, 0x8D, 0x8F, 0x90, 0x9D undefined: map them as Latin-1 does (one char per byte)."""
    if "\ufffd" not in text:
        return text
    return "".join(chr(b) if ch == "\ufffd" else ch for b, ch in zip(data, text, strict=True))

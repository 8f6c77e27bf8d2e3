"""Pick the loader for a path by its content (the extension only breaks ties), and load it.

Formats: ``hf-listing`` (saved HF papers page), ``hf-api`` (HF papers API JSON), ``arxiv`` (Atom feed),
``semantic-scholar``, ``openalex``, ``bibtex``, ``csv`` (also TSV), ``json`` and ``jsonl`` (tables).

>>> from loaders.samples import sample_paths
>>> detect_format(sample_paths()[2])
'hf-listing'
>>> result = load_paths(sample_paths())
>>> len(result.papers), result.warnings
(483, [])
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from loaders import arxiv, bibtex, hf_papers, openalex, semantic_scholar, tabular
from loaders.errors import InputError
from loaders.records import merge_all, resolve_references
from loaders.result import LoadResult
from loaders.textio import decode_bytes

LOADERS: dict[str, Callable[[Path], LoadResult]] = {
    "hf-listing": hf_papers.load_listing,
    "hf-api": hf_papers.load_api,
    "arxiv": arxiv.load,
    "semantic-scholar": semantic_scholar.load,
    "openalex": openalex.load,
    "bibtex": bibtex.load,
    "csv": tabular.load,
    "json": tabular.load,
    "jsonl": tabular.load,
}
FORMATS = tuple(LOADERS)

_SNIFF_BYTES = 65536
_EXTENSIONS = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".csv": "csv",
    ".tsv": "csv",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".json": "json",
    ".xml": "arxiv",
    ".atom": "arxiv",
    ".txt": "hf-listing",
}
_BIBTEX_ENTRY = re.compile(r"^\s*@\s*[A-Za-z]+\s*[{(]", re.MULTILINE)
_JSON_MARKERS = (
    ("semantic-scholar", re.compile(r'"paperId"\s*:')),
    ("openalex", re.compile(r'"id"\s*:\s*"https://openalex\.org/W|"abstract_inverted_index"\s*:|"authorships"\s*:')),
    ("hf-api", re.compile(r'"upvotes"\s*:[^{}]*"summary"\s*:|"summary"\s*:[^{}]*"upvotes"\s*:|"paper"\s*:\s*\{')),
)


def detect_format(path: Path) -> str:
    """The format name of ``path``, sniffed from its first 64 KB; the extension only breaks ties.

    Raises :class:`InputError` for a missing, empty, binary or unrecognisable file.
    """
    head = _head_text(path)
    stripped = head.lstrip()
    if stripped.startswith("<"):
        if re.search(r"<(?:\w+:)?feed[\s>]", head[:4096]):
            return "arxiv"
        raise InputError("XML but not an Atom <feed> (only arXiv API responses are read)", file=str(path), line=1)
    if stripped.startswith(("[", "{")):
        return _json_format(stripped, path)
    if _BIBTEX_ENTRY.search(head[:4096]) and not hf_papers.looks_like_listing(head):
        return "bibtex"
    if hf_papers.looks_like_listing(head):
        return "hf-listing"
    if _looks_like_csv(stripped):
        return "csv"
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension in ("hf-listing", "bibtex", "csv"):
        return by_extension
    raise InputError(f"cannot tell the format of this file; pass one of: {', '.join(FORMATS)}", file=str(path))


def load_path(path: Path, fmt: str | None = None) -> LoadResult:
    """Load one file with the loader for ``fmt`` (detected from the content when None)."""
    path = Path(path)
    if fmt is not None and fmt not in LOADERS:
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}", file=str(path), field="format")
    return LOADERS[fmt or detect_format(path)](path)


def load_paths(paths: Iterable[Path], fmt: str | None = None) -> LoadResult:
    """Load several files (directories are read file by file, in name order), merge duplicates across
    all of them and resolve references to corpus ids."""
    combined = LoadResult()
    for path in expand_paths(paths):
        combined.extend(load_path(path, fmt))
    return LoadResult(resolve_references(merge_all(combined.papers)), combined.warnings)


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named by ``paths``: files as given, directories as their non-hidden files in name order."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")))
        else:
            found.append(path)
    return found


def _head_text(path: Path) -> str:
    try:
        with path.open("rb") as handle:
            head = handle.read(_SNIFF_BYTES)
    except OSError as exc:
        raise InputError(f"cannot read file: {exc.strerror or exc}", file=str(path)) from exc
    if len(head) == _SNIFF_BYTES and b"\n" in head:
        head = head[: head.rindex(b"\n")]
    return decode_bytes(head, str(path)).text


def _json_format(head: str, path: Path) -> str:
    first_line, _, rest = head.partition("\n")
    if first_line.strip().startswith("{") and rest.lstrip().startswith("{") and first_line.strip().endswith("}"):
        return "jsonl"
    return _api_marker(head) or "json"


def _api_marker(head: str) -> str | None:
    for name, pattern in _JSON_MARKERS:
        if pattern.search(head):
            return name
    return None


def _looks_like_csv(text: str) -> bool:
    header = text.split("\n", 1)[0].lower()
    cells = [c.strip().strip('"') for c in re.split(r"[,\t]", header)]
    return len(cells) > 1 and "title" in cells

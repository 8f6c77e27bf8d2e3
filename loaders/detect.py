"""Pick the loader for a path by its content (the extension only breaks ties), load it, account for it.

Formats: ``hf-listing`` (saved HF papers page), ``hf-api`` (HF papers API JSON), ``arxiv`` (Atom feed),
``semantic-scholar``, ``openalex``, ``bibtex``, ``ris``, ``csl-json``, ``wos`` (Web of Science plain
text), ``csv`` (also TSV and the CSV exports of Zotero, Scopus, Web of Science, IEEE Xplore, ACM,
OpenAlex), ``json`` and ``jsonl`` (tables).

The error policy: a bad record is skipped with a ``file:line`` warning (:class:`~loaders.result.Skip`);
only a file that cannot be read or parsed at all is an error, and :func:`load_paths` still reads and
reports every other file before raising it. A file with no records is a warning (0 papers), not an error.

>>> from loaders.samples import sample_paths
>>> detect_format(sample_paths()[2])
'hf-listing'
>>> result = load_paths(sample_paths())
>>> len(result.papers), result.warnings, str(result.files[0]).split(": ", 1)[1]
(483, [], '38 records: 38 papers, 0 merged into others, 0 skipped')
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from loaders import arxiv, bibtex, csl_json, hf_papers, openalex, ris, semantic_scholar, tabular, wos
from loaders.errors import InputError, RecordError
from loaders.fields import check_limits
from loaders.records import PaperIndex
from loaders.result import FileReport, LoadResult
from loaders.textio import decode_bytes

LOADERS: dict[str, Callable[[Path], LoadResult]] = {
    "hf-listing": hf_papers.load_listing,
    "hf-api": hf_papers.load_api,
    "arxiv": arxiv.load,
    "semantic-scholar": semantic_scholar.load,
    "openalex": openalex.load,
    "bibtex": bibtex.load,
    "ris": ris.load,
    "csl-json": csl_json.load,
    "wos": wos.load,
    "csv": tabular.load,
    "json": tabular.load,
    "jsonl": tabular.load,
}
FORMATS = tuple(LOADERS)

_SNIFF_BYTES = 65536
_EXTENSIONS = {
    ".bib": "bibtex",
    ".bibtex": "bibtex",
    ".ris": "ris",
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
_RIS_START = re.compile(r"^TY {2}- ", re.MULTILINE)
_JSON_MARKERS = (
    ("semantic-scholar", re.compile(r'"paperId"\s*:|"recommendedPapers"\s*:|\A\{\s*"total"\s*:\s*\d+\s*,\s*"offset"')),
    (
        "openalex",
        re.compile(
            r'"id"\s*:\s*"https://openalex\.org/W|"abstract_inverted_index"\s*:|"authorships"\s*:'
            r'|\A\{\s*"meta"\s*:\s*\{[^{}]*"count"'
        ),
    ),
    ("hf-api", re.compile(r'"upvotes"\s*:[^{}]*"summary"\s*:|"summary"\s*:[^{}]*"upvotes"\s*:|"paper"\s*:\s*\{')),
    ("csl-json", re.compile(r'"date-parts"\s*:|"container-title"\s*:|"family"\s*:\s*"')),
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
    if _RIS_START.search(head[:4096]):
        return "ris"
    if wos.HEADER.match(stripped):
        return "wos"
    if hf_papers.looks_like_listing(head):
        return "hf-listing"
    if _looks_like_csv(stripped):
        return "csv"
    by_extension = _EXTENSIONS.get(path.suffix.lower())
    if by_extension in ("hf-listing", "bibtex", "ris", "csv"):
        return by_extension
    raise InputError(
        f"cannot tell the format of this file; name it with --format, one of: {', '.join(FORMATS)}", file=str(path)
    )


def load_path(path: Path, fmt: str | None = None) -> LoadResult:
    """Load one file with the loader for ``fmt`` (detected from the content when None).

    Records over the size limits of :func:`loaders.fields.check_limits` are skipped with a warning.
    """
    path = Path(path)
    if fmt is not None and fmt not in LOADERS:
        raise InputError(f"unknown format {fmt!r}; choose one of: {', '.join(FORMATS)}", file=str(path), field="format")
    loaded = LOADERS[fmt or detect_format(path)](path)
    result = LoadResult(warnings=loaded.warnings, skipped=loaded.skipped)
    for paper in loaded.papers:
        try:
            check_limits(paper)
        except RecordError as exc:
            where = paper.sources[0] if paper.sources else None
            result.skip(exc.message, file=str(path), line=where.line if where else None, field=exc.field)
            continue
        result.papers.append(paper)
    return result


def load_paths(paths: Iterable[Path], fmt: str | None = None) -> LoadResult:
    """Load every file (folders recursively, see :func:`expand_paths`) and merge duplicates across all of them.

    The result has one :class:`~loaders.result.FileReport` per file and the merge report. References are
    left as the sources give them: :func:`loaders.records.resolve_references` runs once, on the final corpus.
    When files cannot be read, the others are still read, and one :class:`InputError` lists every failed
    file and the report of every other file.
    """
    combined = LoadResult()
    index = PaperIndex()
    for path in expand_paths(paths):
        report = FileReport(str(path), fmt or "?")
        combined.files.append(report)
        try:
            report.format = fmt or detect_format(path)
            loaded = load_path(path, report.format)
        except InputError as exc:
            report.error = str(exc)
            continue
        combined.warnings.extend(loaded.warnings)
        combined.skipped.extend(loaded.skipped)
        report.skipped = len(loaded.skipped)
        for paper in loaded.papers:
            placement = index.add(paper)
            report.merged += bool(placement.absorbed)
            combined.merges.extend(placement.merges)
            combined.warnings.extend(placement.warnings)
        report.papers = len(loaded.papers) - report.merged
        if not report.records:
            combined.warnings.append(f"{path}: no records in this file (an empty response or export?); 0 papers")
    combined.papers = index.papers()
    failed = [r for r in combined.files if r.error is not None]
    if failed:
        others = [f"  {r}" for r in combined.files if r.error is None]
        if others:
            others.insert(0, f"nothing was built; the other {len(others)} input files read fine:")
        raise InputError("\n".join([str(r) for r in failed] + others))
    return combined


def expand_paths(paths: Iterable[Path]) -> list[Path]:
    """Files named by ``paths``: files as given; folders as every non-hidden file under them, recursively,
    sorted by path (hidden files and folders, whose names start with ``.``, are left out)."""
    found: list[Path] = []
    for path in map(Path, paths):
        if path.is_dir():
            found.extend(sorted(p for p in path.rglob("*") if p.is_file() and not _hidden(p.relative_to(path))))
        else:
            found.append(path)
    return found


def _hidden(relative: Path) -> bool:
    return any(part.startswith(".") for part in relative.parts)


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
    header = text.split("\n", 1)[0]
    cells = header.split(tabular.csv_delimiter(header))
    return len(cells) > 1 and tabular.has_title_column(c.strip().strip('"') for c in cells)

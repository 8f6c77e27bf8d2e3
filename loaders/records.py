"""The Paper record, its id rules, title normalisation and the merge of duplicates.

Every loader produces :class:`Paper` objects; everything after ingest reads them.

>>> p = Paper.create(title="SlimFlow: Training Smaller One-Step Diffusion Models", arxiv="2407.12718")
>>> p.id
'arxiv:2407.12718'
>>> title_key("  SlimFlow:  training smaller ONE-STEP diffusion models ") == title_key(p.title)
True
"""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from functools import lru_cache
from typing import Any

_ARXIV_NEW = re.compile(r"(\d{4}\.\d{4,5})(v\d+)?", re.ASCII)
_ARXIV_OLD = re.compile(r"([a-z\-]+(?:\.[A-Z]{2})?/\d{7})(v\d+)?", re.ASCII)
_DOI = re.compile(r"(10\.\d{4,9}/\S+)", re.IGNORECASE)
_NON_WORD = re.compile(r"[\W_]+", re.UNICODE)
_ARXIV_DOI_PREFIX = "10.48550/arxiv."
#: Terminal escape sequences, other control characters and soft hyphens: never part of a title's text.
_INVISIBLE = re.compile(r"\x1b\[[0-9;?]*[ -/]*[@-~]|[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f\xad]")
_INITIAL = re.compile(r"^(?:\w\.?-?)+\.$|^\w$")  # "J.", "K.-M.", "J": initials, not family names
_INVISIBLE_CHAR = re.compile(r"[\x00-\x08\x0e-\x1f\x7f\x80-\x84\x86-\x9f\xad]")

#: Prefixes of stable paper ids, most trusted first.
ID_SCHEMES = ("arxiv", "doi", "s2", "openalex", "title")


@dataclass(frozen=True, order=True)
class Source:
    """Where a record came from: a file (or URL) and, when known, a 1-based line number."""

    file: str
    line: int | None = None

    def __str__(self) -> str:
        return self.file if self.line is None else f"{self.file}:{self.line}"


@dataclass
class Paper:
    """One paper, as merged from every source that mentions it (DESIGN.md §4)."""

    id: str
    title: str
    abstract: str = ""
    authors: list[str] = field(default_factory=list)
    n_authors: int | None = None
    published: str | None = None
    upvotes: int | None = None
    urls: dict[str, str] = field(default_factory=dict)
    references: list[str] = field(default_factory=list)
    sources: list[Source] = field(default_factory=list)
    external_ids: dict[str, str] = field(default_factory=dict)

    @classmethod
    def create(
        cls,
        title: str,
        *,
        arxiv: str | None = None,
        doi: str | None = None,
        s2: str | None = None,
        openalex: str | None = None,
        **fields: Any,
    ) -> Paper:
        """Build a record, normalising external ids and choosing the stable :attr:`id`."""
        ids = external_ids(arxiv=arxiv, doi=doi, s2=s2, openalex=openalex)
        title = clean_text(title)
        authors = [clean_text(a) for a in fields.pop("authors", []) or [] if clean_text(a)]
        n_authors = fields.pop("n_authors", None)
        if n_authors is None and authors:
            n_authors = len(authors)
        return cls(
            id=paper_id(ids, title),
            title=title,
            authors=authors,
            n_authors=n_authors,
            external_ids=ids,
            **fields,
        )

    def to_dict(self) -> dict[str, Any]:
        """A JSON-ready dict (sources as ``{"file", "line"}`` objects)."""
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Paper:
        """Inverse of :meth:`to_dict`."""
        data = dict(data)
        data["sources"] = [Source(**s) for s in data.get("sources", [])]
        return cls(**data)

    @property
    def year(self) -> int | None:
        """The publication year, when the date is known."""
        return int(self.published[:4]) if self.published else None


def clean_text(text: str | None) -> str:
    """NFC-normalise and collapse whitespace; drop control characters, terminal escapes and soft hyphens.

    Every other character is kept (Unicode titles survive).

    >>> clean_text("\\x1b[31mRed\\x1b[0m  hy\\xadphen\\u2028ated\\x07")
    'Red hyphen ated'
    """
    if not text:
        return ""
    text = unicodedata.normalize("NFC", text)
    if _INVISIBLE_CHAR.search(text):
        text = _INVISIBLE.sub("", text)
    return " ".join(text.split())


def normalize_title(title: str) -> str:
    """Fold case, Unicode compatibility forms (NFKC), punctuation and whitespace.

    >>> normalize_title("Merlin:Empowering  Multimodal LLMs — with Foresight Minds!")
    'merlin empowering multimodal llms with foresight minds'
    """
    folded = unicodedata.normalize("NFKC", title).casefold()
    return " ".join(_NON_WORD.sub(" ", folded).split())


@lru_cache(maxsize=1 << 17)
def title_key(title: str) -> str:
    """A short stable hash of the normalised title: the id of a paper with no external id."""
    return hashlib.sha1(normalize_title(title).encode("utf-8")).hexdigest()[:16]


def normalize_arxiv(value: str | None) -> str | None:
    """``https://arxiv.org/abs/2310.01234v2`` -> ``2310.01234``; None when it is not an arXiv id."""
    if not value:
        return None
    value = value.strip()
    for pattern in (_ARXIV_NEW, _ARXIV_OLD):
        match = pattern.search(value)
        if match:
            return match.group(1)
    return None


def normalize_doi(value: str | None) -> str | None:
    """``https://doi.org/10.1000/XYZ`` -> ``10.1000/xyz`` (DOIs are case-insensitive)."""
    if not value:
        return None
    match = _DOI.search(value.strip())
    return match.group(1).rstrip(".").lower() if match else None


def normalize_openalex(value: str | None) -> str | None:
    """``https://openalex.org/W2741809807`` -> ``W2741809807``."""
    if not value:
        return None
    match = re.search(r"(W\d+)", value.strip(), re.IGNORECASE)
    return match.group(1).upper() if match else None


def arxiv_from_doi(doi: str | None) -> str | None:
    """The arXiv id inside an arXiv-issued DOI (``10.48550/arXiv.<id>``), else None.

    >>> arxiv_from_doi("10.48550/arxiv.2310.01234")
    '2310.01234'
    """
    if doi and doi.lower().startswith(_ARXIV_DOI_PREFIX):
        return normalize_arxiv(doi[len(_ARXIV_DOI_PREFIX) :])
    return None


def external_ids(
    *, arxiv: str | None = None, doi: str | None = None, s2: str | None = None, openalex: str | None = None
) -> dict[str, str]:
    """Normalised external ids, only those that are present and valid."""
    doi_norm = normalize_doi(doi)
    found = {
        "arxiv": normalize_arxiv(arxiv) or arxiv_from_doi(doi_norm),
        "doi": doi_norm,
        "s2": s2.strip() if s2 and s2.strip() else None,
        "openalex": normalize_openalex(openalex),
    }
    return {k: v for k, v in found.items() if v}


def paper_id(ids: dict[str, str], title: str) -> str:
    """The stable id: the most trusted external id, else ``title:<hash of normalised title>``."""
    for scheme in ID_SCHEMES[:-1]:
        if scheme in ids:
            return f"{scheme}:{ids[scheme]}"
    return f"title:{title_key(title)}"


def reference_id(**ids: str | None) -> str | None:
    """The id a citation points to, from whatever external ids the source gives for it."""
    found = external_ids(**ids)
    return paper_id(found, "") if found else None


def _richer(a: Any, b: Any) -> Any:
    """The richer of two field values: the longer text, the larger count, the more precise date."""
    if a in (None, "", [], {}):
        return b
    if b in (None, "", [], {}):
        return a
    if isinstance(a, str) and isinstance(b, str):
        return b if len(b) > len(a) else a
    if isinstance(a, int) and isinstance(b, int):
        return max(a, b)
    if isinstance(a, list):
        return b if len(b) > len(a) else a
    return a


def _union(a: Iterable[Any], b: Iterable[Any]) -> list[Any]:
    seen: dict[Any, None] = dict.fromkeys(a)
    seen.update(dict.fromkeys(b))
    return list(seen)


def merge(a: Paper, b: Paper) -> Paper:
    """Merge two records of one paper, keeping the richest value of each field and all sources.

    The merged id is the most trusted id either record has; the first record's title is kept
    (titles of one paper differ only in case and punctuation, and the first seen is the user's).
    """
    ids = {**b.external_ids, **a.external_ids}
    title = a.title or b.title
    return Paper(
        id=paper_id(ids, title) if ids else a.id,
        title=title,
        abstract=_richer(a.abstract, b.abstract),
        authors=_richer(a.authors, b.authors),
        n_authors=_richer(a.n_authors, b.n_authors),
        published=_richer_date(a.published, b.published),
        upvotes=_richer(a.upvotes, b.upvotes),
        urls={**b.urls, **a.urls},
        references=_union(a.references, b.references),
        sources=sorted(set(a.sources) | set(b.sources), key=lambda s: (s.file, s.line or 0)),
        external_ids=ids,
    )


def _richer_date(a: str | None, b: str | None) -> str | None:
    """The more precise of two ISO (partial) dates: ``2023-08-19`` beats ``2023``."""
    if not a or not b:
        return a or b
    return b if len(b) > len(a) else a


def match_keys(paper: Paper) -> list[str]:
    """The keys under which two records may be the same paper: each external id and the title."""
    keys = [f"{scheme}:{value}" for scheme, value in sorted(paper.external_ids.items())]
    if normalize_title(paper.title):
        keys.append(f"title:{title_key(paper.title)}")
    return keys


#: Records with the same title but no author in common, or (when one lacks authors) years further
#: apart than this, are different works; a preprint and its journal version are a year or two apart.
MAX_YEARS_APART = 3


@dataclass(frozen=True)
class Verdict:
    """Whether two records are one paper, and why (the words go into the merge report and warnings)."""

    same: bool
    reason: str
    conflict: bool = False  # their ids disagree (one scheme, two values): kept apart with a warning


def compare(existing: Paper, incoming: Paper) -> Verdict:
    """THE merge rule: is ``incoming`` the paper ``existing`` already holds?

    * a shared external id merges, unless the two records carry different ids of one scheme
      (a conflict: they stay apart and the caller warns);
    * the same normalised title merges unless the ids conflict (they stay apart and the caller warns),
      both have authors and share none, or one lacks authors and their years are more than
      :data:`MAX_YEARS_APART` apart.

    >>> book = Paper.create("Counterfactuals", authors=["David Lewis"], published="1973")
    >>> compare(book, Paper.create("Counterfactuals", authors=["Ginsberg, Matthew"], published="1986"))
    Verdict(same=False, reason='same title but no author in common', conflict=False)
    >>> compare(book, Paper.create("Counterfactuals.", authors=["D. Lewis"], published="1975")).same
    True
    >>> compare(Paper.create("Attention", doi="10.1000/aa"), Paper.create("Attention", doi="10.1000/bb"))
    Verdict(same=False, reason='same title but different doi ids (10.1000/aa and 10.1000/bb)', conflict=True)
    """
    a, b = _comparable_ids(existing), _comparable_ids(incoming)
    differing = sorted(s for s in a.keys() & b.keys() if a[s] != b[s])
    shared = sorted(s for s in a.keys() & b.keys() if a[s] == b[s])
    if differing:
        scheme = differing[0]
        reason = f"different {scheme} ids ({a[scheme]} and {b[scheme]})"
        if shared:
            return Verdict(False, f"same {shared[0]} {a[shared[0]]} but {reason}", conflict=True)
        return Verdict(False, f"same title but {reason}", conflict=True)
    if shared:
        return Verdict(True, f"same {shared[0]} {a[shared[0]]}")
    if not normalize_title(existing.title) or normalize_title(existing.title) != normalize_title(incoming.title):
        return Verdict(False, "nothing in common")
    if existing.authors and incoming.authors:
        if not surnames(existing.authors) & surnames(incoming.authors):
            return Verdict(False, "same title but no author in common")
    elif existing.year and incoming.year and abs(existing.year - incoming.year) > MAX_YEARS_APART:
        return Verdict(False, f"same title but years {existing.year} and {incoming.year}")
    return Verdict(True, "same title")


def _comparable_ids(paper: Paper) -> dict[str, str]:
    """External ids minus an arXiv-issued DOI (the arXiv id says the same; a journal DOI is no conflict)."""
    ids = dict(paper.external_ids)
    if arxiv_from_doi(ids.get("doi")):
        del ids["doi"]
    return ids


def first_name_first(name: str) -> str:
    """``"Zhu, Yuanzhi"`` -> ``"Yuanzhi Zhu"``; other forms are kept.

    >>> first_name_first("Zhu, Yuanzhi"), first_name_first("Y. Zhu"), first_name_first("King, Jr., Martin")
    ('Yuanzhi Zhu', 'Y. Zhu', 'King, Jr., Martin')
    """
    if name.count(",") != 1:
        return name
    family, given = (part.strip() for part in name.split(","))
    return f"{given} {family}" if family and given else name


def surnames(authors: Iterable[str]) -> set[str]:
    """Folded family names: ``"Lewis, David"`` and ``"David Lewis"`` both give ``lewis``.

    >>> sorted(surnames(["Lewis, David", "M. L. Ginsberg", "Müller, J.", "Ho J.", "K.-M. He"]))
    ['ginsberg', 'he', 'ho', 'lewis', 'muller']
    """
    found = set()
    for name in authors:
        words = [w for w in name.split() if not _INITIAL.match(w)] or name.split() or [""]
        family = name.split(",", 1)[0] if "," in name else words[-1]
        decomposed = unicodedata.normalize("NFKD", family)
        folded = normalize_title("".join(c for c in decomposed if not unicodedata.combining(c)))
        if folded:
            found.add(folded)
    return found


@dataclass
class Placement:
    """What :meth:`PaperIndex.add` did with one record.

    ``paper`` is the record now held for it: the record itself when new, else the merge. ``absorbed``
    lists the ids of earlier records ``paper`` replaces (empty when new). ``merges`` names each merge
    (for the merge report), one per ``absorbed`` id, in that order; ``warnings`` names each earlier record
    kept apart for conflicting ids, whose id ``kept_apart`` lists in the same order (so a caller can tell
    which earlier records a report line is about).
    """

    paper: Paper
    absorbed: list[str] = field(default_factory=list)
    merges: list[str] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    kept_apart: list[str] = field(default_factory=list)


class PaperIndex:
    """The ONE merge rule, applied incrementally: an index of merged records over their match keys.

    ``add(paper)`` finds the earlier records sharing a match key (:func:`match_keys`) with ``paper``,
    asks :func:`compare` about each, merges with the first that is the same paper (then with any other
    sharing an external id), and returns a :class:`Placement`. Ids stay unique: a record kept apart
    whose id is taken gets its next external id, else ``<id>~<n>``. Seed it with stored records
    (``PaperIndex(workspace_papers)``) to merge new input into a corpus exactly as a build would.

    >>> index = PaperIndex([Paper.create("Counterfactuals", authors=["David Lewis"], published="1973")])
    >>> index.add(Paper.create("Counterfactuals", authors=["M. Ginsberg"], published="1986")).absorbed
    []
    >>> placed = index.add(Paper.create("Counterfactuals", authors=["Lewis, D."], sources=[Source("b.bib", 4)]))
    >>> placed.absorbed, placed.merges
    (['title:a1c13beb94fb1993'], ["b.bib:4 merged into title:a1c13beb94fb1993 'Counterfactuals' (same title)"])
    >>> [p.id for p in index.papers()]
    ['title:a1c13beb94fb1993', 'title:a1c13beb94fb1993~2']
    """

    def __init__(self, papers: Iterable[Paper] = ()) -> None:
        self._slots: list[Paper | None] = []
        self._by_key: dict[str, list[int]] = {}
        self._slot_of_id: dict[str, int] = {}
        for paper in papers:
            self.add(paper)

    def papers(self) -> list[Paper]:
        """The merged records, in order of first appearance."""
        return [p for p in self._slots if p is not None]

    def __len__(self) -> int:
        return len(self._slot_of_id)

    def add(self, paper: Paper) -> Placement:
        """Merge ``paper`` into the record of the same paper, or keep it as a new one."""
        placement = Placement(paper)
        target: int | None = None
        for slot in self._candidates(paper):
            current = self._held(slot)
            verdict = compare(current, placement.paper)
            first = target is None
            if verdict.same and (first or not verdict.reason.startswith("same title")):
                placement.merges.append(f"{_where(paper)} merged into {_named(current)} ({verdict.reason})")
                placement.absorbed.append(current.id)
                placement.paper = merge(current, placement.paper) if first else merge(placement.paper, current)
                target = slot if first else self._retire(slot, target)
            elif verdict.conflict:
                placement.warnings.append(f"{_where(paper)}: kept apart from {_named(current)}: {verdict.reason}")
                placement.kept_apart.append(current.id)
        if target is None:
            target = len(self._slots)
            self._slots.append(None)
        self._store(target, placement)
        return placement

    def _candidates(self, paper: Paper) -> list[int]:
        slots = {slot for key in match_keys(paper) for slot in self._by_key.get(key, [])}
        return sorted(slots)

    def _held(self, slot: int) -> Paper:
        paper = self._slots[slot]
        if paper is None:
            raise RuntimeError("PaperIndex lost track of a merged record")
        return paper

    def _retire(self, slot: int, target: int | None) -> int:
        """Empty ``slot`` (merged into ``target``): its keys now lead to ``target``."""
        assert target is not None
        old = self._held(slot)
        self._slots[slot] = None
        self._slot_of_id.pop(old.id, None)
        for key in match_keys(old):
            self._by_key[key] = [s for s in self._by_key.get(key, []) if s != slot]
        return target

    def _store(self, slot: int, placement: Placement) -> None:
        old = self._slots[slot]
        if old is not None:
            self._slot_of_id.pop(old.id, None)
        paper = placement.paper
        paper.id = self._free_id(paper)
        self._slots[slot] = paper
        self._slot_of_id[paper.id] = slot
        for key in match_keys(paper):
            holders = self._by_key.setdefault(key, [])
            if slot not in holders:
                holders.append(slot)

    def _free_id(self, paper: Paper) -> str:
        """``paper.id`` unless another record holds it: then its next external id, else ``<id>~<n>``."""
        base = paper_id(paper.external_ids, paper.title) if paper.external_ids else paper.id.split("~")[0]
        options = [f"{s}:{paper.external_ids[s]}" for s in ID_SCHEMES[:-1] if s in paper.external_ids]
        for candidate in [base, *options]:
            if candidate not in self._slot_of_id:
                return candidate
        n = 2
        while f"{base}~{n}" in self._slot_of_id:
            n += 1
        return f"{base}~{n}"


def _where(paper: Paper) -> str:
    return ", ".join(str(s) for s in paper.sources) or paper.id


def _named(paper: Paper) -> str:
    """``id 'title' (first source)``: how the merge report names a record."""
    title = paper.title if len(paper.title) <= 60 else paper.title[:57] + "..."
    where = f" ({paper.sources[0]})" if paper.sources else ""
    return f"{paper.id} {title!r}{where}"


def merge_all(papers: Iterable[Paper]) -> list[Paper]:
    """Merge duplicates with :class:`PaperIndex`; order is that of first appearance, deterministic.

    >>> a = Paper.create("Deep Model Assembling", sources=[Source("a.txt", 3)])
    >>> b = Paper.create("Deep model assembling.", abstract="Large models...", sources=[Source("b.txt", 9)])
    >>> [(p.abstract, [str(s) for s in p.sources]) for p in merge_all([a, b])]
    [('Large models...', ['a.txt:3', 'b.txt:9'])]
    """
    return PaperIndex(papers).papers()


def resolve_references(papers: list[Paper]) -> list[Paper]:
    """Rewrite each reference to the corpus id of the cited paper when it is in the corpus.

    References to papers outside the corpus keep their external id; self-references are dropped.
    """
    alias: dict[str, str] = {}
    for paper in papers:
        for key in match_keys(paper):
            alias.setdefault(key, paper.id)
        alias.setdefault(paper.id, paper.id)
    for paper in papers:
        resolved = (alias.get(ref, ref) for ref in paper.references)
        paper.references = [r for r in dict.fromkeys(resolved) if r != paper.id]
    return papers

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
    """NFC-normalise and collapse whitespace; keeps every character (Unicode titles survive)."""
    if not text:
        return ""
    return " ".join(unicodedata.normalize("NFC", text).split())


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
    """The keys under which two records count as the same paper: each external id and the title."""
    keys = [f"{scheme}:{value}" for scheme, value in sorted(paper.external_ids.items())]
    if normalize_title(paper.title):
        keys.append(f"title:{title_key(paper.title)}")
    return keys


def merge_all(papers: Iterable[Paper]) -> list[Paper]:
    """Merge duplicates (same arXiv id/DOI/S2/OpenAlex id, else same normalised title).

    Order is that of first appearance; the result is deterministic for a given input order.
    Linear in the number of records: each match key is remembered with the slot it points to.

    >>> a = Paper.create("Deep Model Assembling", sources=[Source("a.txt", 3)])
    >>> b = Paper.create("Deep model assembling.", abstract="Large models...", sources=[Source("b.txt", 9)])
    >>> [(p.abstract, [str(s) for s in p.sources]) for p in merge_all([a, b])]
    [('Large models...', ['a.txt:3', 'b.txt:9'])]
    """
    merged: list[Paper | None] = []
    slot_of: dict[str, int] = {}
    keys_of: list[list[str]] = []
    for paper in papers:
        slots = _matching_slots(paper, slot_of, merged)
        if not slots:
            merged.append(paper)
            keys_of.append([])
            target = len(merged) - 1
        else:
            target = slots[0]
            current = merge(_present(merged[target]), paper)
            for other in slots[1:]:
                current = merge(current, _present(merged[other]))
                merged[other] = None
                for key in keys_of[other]:
                    slot_of[key] = target
                keys_of[target].extend(keys_of[other])
                keys_of[other] = []
            merged[target] = current
        for key in match_keys(_present(merged[target])) + match_keys(paper):
            if key not in slot_of or (slot_of[key] != target and not key.startswith("title:")):
                slot_of[key] = target
                keys_of[target].append(key)
    return [p for p in merged if p is not None]


def _matching_slots(paper: Paper, slot_of: dict[str, int], merged: list[Paper | None]) -> list[int]:
    """Slots holding the same paper: any shared external id, or the same title without conflicting ids."""
    slots = set()
    for key in match_keys(paper):
        slot = slot_of.get(key)
        if slot is None:
            continue
        if key.startswith("title:") and conflicting_ids(_present(merged[slot]), paper):
            continue
        slots.add(slot)
    return sorted(slots)


def conflicting_ids(a: Paper, b: Paper) -> bool:
    """True when two records carry different ids of the same scheme (two papers sharing a title)."""
    return any(a.external_ids[s] != b.external_ids[s] for s in a.external_ids.keys() & b.external_ids.keys())


def _present(paper: Paper | None) -> Paper:
    """A slot of :func:`merge_all` that is known to hold a record."""
    if paper is None:
        raise RuntimeError("merge_all lost track of a merged record")
    return paper


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

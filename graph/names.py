"""Names a paper introduces (its own method or model), acronym definitions, and the citations they imply.

A paper introduces a name when its title starts with it ("SlimFlow: Training ...") or its abstract
proposes it ("we propose Flash-VStream", "a method called DEVA", "Distribution Matching Distillation
(DMD)" after "we propose"). A name is only evidence when it is distinctive: not an English word, and
long or marked as a name (mixed case, digits, hyphen).

Citations are inferred from these names only: paper P cites Q when P's abstract mentions a name Q
introduces, or defines an acronym ("distribution matching distillation (DMD)") that Q introduces or
whose successor Q names in its title (DMD2 in "Improved Distribution Matching Distillation ...").
Names that many corpus papers mention without introducing (ChatGPT, GPT-4) are tools, never evidence.

>>> introduced_names("SlimFlow: Training Smaller One-Step Diffusion Models",
...                  "We propose SlimFlow, a method. It beats InstaFlow.")
['SlimFlow']
>>> introduced_names("Improved Distribution Matching Distillation for Fast Image Synthesis",
...                  "Distribution Matching Distillation (DMD) works. We introduce DMD2, a set of techniques.")
['DMD2']
>>> acronym_definitions("We extend distribution matching distillation (DMD) to videos.")
{'DMD': 'distribution matching distillation'}
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping, Sequence

from loaders.records import Paper

__all__ = [
    "DICTIONARY_ZIPF",
    "acronym_definitions",
    "introduced_name",
    "introduced_names",
    "is_distinctive_name",
    "mention_citations",
    "name_like",
    "widely_mentioned",
]

#: Words at least this frequent in English (wordfreq's Zipf scale: 3 = once per million words) are
#: dictionary words, never method names.
DICTIONARY_ZIPF = 3.0

#: A part of a hyphenated compound this frequent is an English word ("modality", "grained").
COMPOUND_PART_ZIPF = 2.0

#: A name mentioned (not introduced) by more than this many corpus papers, and by more than
#: :data:`WIDE_SHARE` of them, is a widely used tool or product: it implies no citation.
WIDE_MIN_PAPERS = 5
WIDE_SHARE = 0.02

_TITLE_NAME = re.compile(r"^\s*[\"'“‘`]?([^\s:\"'“”‘’`]+)[\"'”’`]?\s*:\s+\S")
_TOKEN = re.compile(r"\w+(?:[-.]\w+)*")
_NAME = r"[\"'“‘]?([A-Za-z][\w]*(?:[-.][\w]+)*)"
_PROPOSAL_VERBS = ("propose", "introduce", "present", "develop")
_PROPOSING_VERBS = (*_PROPOSAL_VERBS, "release", "unveil", "build", "design")
_NAMING_WORDS = ("called", "dubbed", "named", "termed", "coined", "namely")
_PROPOSES = re.compile(
    r"\b(?:we|this (?:paper|work|study)|the paper)\s+(?:also\s+)?(?:" + "|".join(_PROPOSING_VERBS) + r")s?"
    r"(?:\s+(?:a|an|the))?\s+" + _NAME,
    re.IGNORECASE,
)
_CALLED = re.compile(r"\b(?:" + "|".join(_NAMING_WORDS) + r")\s+" + _NAME, re.IGNORECASE)
_PROPOSAL_SENTENCE = re.compile(
    r"\b(?:we|this (?:paper|work|study))\s+(?:also\s+)?(?:" + "|".join(_PROPOSAL_VERBS) + ")", re.IGNORECASE
)
#: "long form (ACRONYM)": up to 8 words, then the acronym in parentheses. The look-behind skips starts inside a
#: word, which give the same match as the word's first letter (so the matches are those without it).
_ACRONYM = re.compile(r"(?<![A-Za-z])((?:[A-Za-z][\w-]*\s+){1,8})\(([A-Z][A-Za-z0-9-]{1,11})\)")
#: What :data:`_ACRONYM` ends with, and the characters none of its matches spans: where to look for one.
_ACRONYM_END = re.compile(r"\s\([A-Z][A-Za-z0-9-]{1,11}\)")
_ACRONYM_BREAK = re.compile(r"[^\w\s-]")
_SENTENCE = re.compile(r"(?<=[.!?])\s+")
_SPLIT_WORDS = re.compile(r"[\s-]+")
_WORD_PART = re.compile(r"[^\s-]+")
_PLURAL_ACRONYM = re.compile(r"[A-Z]+s")
_VERSION_SUFFIX = re.compile(r"[-_ ]?(?:v?\d+|\+\+|XL|Pro|Plus)")


def is_distinctive_name(name: str) -> bool:
    """Whether a name is specific enough to infer a citation from a mention of it.

    Distinctive: not an English dictionary word, and at least 4 characters long or marked as a name by
    mixed case (``ViT``), digits or a hyphen; a short all-caps acronym (``VLM``) is too generic.

    >>> names = ["SlimFlow", "UNITER", "LLaVA-Med", "ViT", "UNIT", "VLM", "Flow", "Cross-modality"]
    >>> [is_distinctive_name(n) for n in names]
    [True, True, True, True, False, False, False, False]
    """
    from wordfreq import zipf_frequency

    if len(name) < 3 or not any(c.isalpha() for c in name):
        return False
    mixed_case = any(c.isupper() for c in name[1:]) and any(c.islower() for c in name)
    marked = mixed_case or "-" in name or any(c.isdigit() for c in name)
    if len(name) < 4 and not marked:
        return False
    if not marked and not name[0].isupper():
        return False
    words = [w for w in name.lower().split("-") if w]
    if (
        "-" in name
        and not (mixed_case or any(c.isdigit() for c in name))
        and all(zipf_frequency(w, "en") >= COMPOUND_PART_ZIPF for w in words)
    ):
        return False  # a compound of English words ("Cross-modality", "fine-grained")
    return zipf_frequency(name.lower(), "en") < DICTIONARY_ZIPF


def introduced_name(title: str) -> str | None:
    """The method/model name a title introduces in its prefix ("SlimFlow: Training ..."), if distinctive.

    >>> introduced_name("SlimFlow: Training Smaller One-Step Diffusion Models with Rectified Flow")
    'SlimFlow'
    >>> introduced_name("Monitoring: A Survey") is None, introduced_name("Improving Rectified Flows") is None
    (True, True)
    """
    match = _TITLE_NAME.match(title)
    if match is None:
        return None
    name = match.group(1)
    return name if is_distinctive_name(name) else None


_DESCRIPTIVE = re.compile(r"-(?:based|like|driven|free|aware|guided|specific|level|wise|style|scale)$", re.IGNORECASE)


def name_like(name: str) -> bool:
    """Whether a word is written as a name: inner capitals, digits or a hyphen (``Flash-VStream``, ``DMD2``,
    ``UNITER``), and not a descriptive compound (``LLM-based``). A capitalised word (``Annealing``) is not.

    >>> [name_like(n) for n in ["Flash-VStream", "DEVA", "DMD2", "Annealing", "LLM-based"]]
    [True, True, True, False, False]
    """
    marked = any(c.isupper() for c in name[1:]) or any(c.isdigit() for c in name) or "-" in name
    return marked and _DESCRIPTIVE.search(name) is None


def _proposed(abstract: str) -> list[str]:
    """Names the abstract proposes: "we propose NAME", "called NAME", and "Title Case Long Form (ACRONYM)"
    in a proposal sentence; only words written as names (:func:`name_like`), never plural acronyms."""
    found: list[str] = []
    for sentence in _SENTENCE.split(abstract):
        for regex, words in ((_PROPOSES, _PROPOSING_VERBS), (_CALLED, _NAMING_WORDS)):
            if _may_contain(sentence, words):
                found += [m.group(1).rstrip(".") for m in regex.finditer(sentence)]
        if _may_contain(sentence, _PROPOSAL_VERBS) and _PROPOSAL_SENTENCE.search(sentence):
            found += [
                m.group(2)
                for m in _acronym_matches(sentence)
                if _is_acronym_of(m.group(2), m.group(1)) and _title_case_tail(m.group(1), m.group(2))
            ]
    return [name for name in found if name_like(name) and not _PLURAL_ACRONYM.fullmatch(name)]


def _may_contain(sentence: str, words: Sequence[str]) -> bool:
    """Whether ``sentence`` may contain one of the lower-case ``words`` in any case: a quick test that lets most
    sentences skip the case-insensitive regexes (always True outside ASCII, where they match more than
    ``str.lower`` finds, such as "ſ" for "s").

    >>> _may_contain("We PROPOSE X.", ["propose"]), _may_contain("It works.", ["propose"])
    (True, False)
    """
    if not sentence.isascii():
        return True
    lower = sentence.lower()
    return any(word in lower for word in words)


def _title_case_tail(words: str, acronym: str) -> bool:
    """Whether the long form of ``acronym`` is written in Title Case (a name, not a generic term)."""
    letters = sum(c.isupper() for c in acronym)
    return all(w[:1].isupper() for w in _SPLIT_WORDS.split(words.strip())[-letters:])


def introduced_names(title: str, abstract: str) -> list[str]:
    """The distinctive names a paper introduces: its title prefix, then those its abstract proposes."""
    names = [introduced_name(title) or "", *_proposed(abstract)]
    return [n for n in dict.fromkeys(names) if n and is_distinctive_name(n)]


def _is_acronym_of(acronym: str, words: str) -> bool:
    """Whether the capitals of ``acronym`` are the initials of the last words of ``words``."""
    letters = [c for c in acronym if c.isupper()]
    tail = _SPLIT_WORDS.split(words.strip())[-len(letters) :] if letters else []
    return len(tail) == len(letters) and all(w[:1].upper() == c for w, c in zip(tail, letters, strict=True))


def _acronym_matches(text: str) -> Iterator[re.Match[str]]:
    """The matches of :data:`_ACRONYM` in ``text`` (those of ``finditer``), found from each "(ACRONYM)" back
    to the last character no match spans: linear in the text instead of trying every position.

    >>> [m.groups() for m in _acronym_matches("We use low-rank adaptation (LoRA), then X (Y) (NO)")]
    [('We use low-rank adaptation ', 'LoRA')]
    """
    end = start = scanned = 0
    for close in _ACRONYM_END.finditer(text):
        paren = close.start() + 1
        for cut in _ACRONYM_BREAK.finditer(text, scanned, paren):
            start = cut.end()
        scanned = paren
        match = _ACRONYM.search(text, max(start, end), close.end())
        if match is not None:
            end = match.end()
            yield match


def acronym_definitions(text: str) -> dict[str, str]:
    """Acronyms defined in ``text`` ("long form (ACR)") -> their long form in lowercase."""
    found: dict[str, str] = {}
    for match in _acronym_matches(text):
        acronym = match.group(2)
        letters = sum(c.isupper() for c in acronym)
        if letters >= 2 and _is_acronym_of(acronym, match.group(1)):
            words = match.group(1).rstrip()
            start = [m.start() for m in _WORD_PART.finditer(words)][-letters]
            found.setdefault(acronym, words[start:].lower())
    return found


def _mentioned(text: str, names: Mapping[str, object]) -> set[str]:
    """Names (case-sensitive, whole words; ``SlimFlow-based`` mentions ``SlimFlow``) found in ``text``."""
    tokens = set(_TOKEN.findall(text))
    hits = {token for token in tokens if token in names}
    for token in tokens - hits:
        head = token.split("-", 1)[0].rstrip(".")
        if head in names:
            hits.add(head)
    return hits


def widely_mentioned(mentions: Mapping[str, int], n_papers: int) -> set[str]:
    """Names mentioned by so many papers that they are tools or products, not one paper's contribution.

    >>> sorted(widely_mentioned({"ChatGPT": 61, "SlimFlow": 2}, 1000))
    ['ChatGPT']
    """
    cap = max(WIDE_MIN_PAPERS, WIDE_SHARE * n_papers)
    return {name for name, count in mentions.items() if count > cap}


def _successor(acronym: str, name: str) -> bool:
    """Whether ``name`` is ``acronym`` or a later version of it (DMD2, DMD-v2, DMD++)."""
    return name == acronym or (name.startswith(acronym) and _VERSION_SUFFIX.fullmatch(name, len(acronym)) is not None)


def _by_acronym(names: Mapping[str, str]) -> dict[str, list[tuple[str, str]]]:
    """``(name, paper id)`` of each introduced name, under every acronym it is (a successor of), so an
    acronym definition finds its papers by one look-up instead of a scan of every name.

    >>> _by_acronym({"DMD2": "p1", "DMD": "p0", "SlimFlow": "p2"})["DMD"]
    [('DMD', 'p0'), ('DMD2', 'p1')]
    """
    index: dict[str, list[tuple[str, str]]] = defaultdict(list)
    for name, pid in sorted(names.items()):
        for end in range(1, len(name) + 1):
            if _successor(name[:end], name):
                index[name[:end]].append((name, pid))
    return dict(index)


def mention_citations(
    papers: Sequence[Paper], introduced: Mapping[str, Sequence[str]] | None = None
) -> list[tuple[str, str, str]]:
    """Inferred citations ``(citing id, cited id, name)``: an abstract names what another paper introduces.

    Never a paper citing itself, never one published after the citing paper (when both dates exist), never
    through a name two papers introduce or that many papers mention without introducing. ``introduced``:
    paper id -> :func:`introduced_names` of the paper, when the caller has them already (else computed).
    """
    introducers: dict[str, list[str]] = defaultdict(list)
    titles: dict[str, str] = {}
    for paper in papers:
        titles[paper.id] = paper.title.lower()
        names_of = introduced[paper.id] if introduced is not None else introduced_names(paper.title, paper.abstract)
        for name in names_of:
            introducers[name].append(paper.id)
    names = {name: ids[0] for name, ids in introducers.items() if len(ids) == 1}
    if not names:
        return []
    mentioned = {p.id: _mentioned(f"{p.title} {p.abstract}", names) for p in papers}
    counts: dict[str, int] = defaultdict(int)
    for pid, found in mentioned.items():
        for name in found:
            counts[name] += names[name] != pid
    wide = widely_mentioned(counts, len(papers))
    names = {n: pid for n, pid in names.items() if n not in wide}
    by_acronym = _by_acronym(names)
    by_id = {p.id: p for p in papers}
    found: set[tuple[str, str, str]] = set()
    for paper in papers:
        targets = [(names[n], n) for n in mentioned[paper.id] if n in names]
        for acronym, long_form in acronym_definitions(paper.abstract).items():
            targets += [
                (pid, name) for name, pid in by_acronym.get(acronym, ()) if name == acronym or long_form in titles[pid]
            ]
        for cited_id, name in targets:
            cited = by_id[cited_id]
            if cited.id == paper.id:
                continue
            if paper.published and cited.published and cited.published[:10] > paper.published[:10]:
                continue
            found.add((paper.id, cited.id, name))
    return sorted(found)

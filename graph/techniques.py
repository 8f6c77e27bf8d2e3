"""The technique vocabulary: load the shipped YAML (plus user files) and find techniques in text.

A :class:`Vocabulary` compiles every alias, acronym and pattern into ONE regular expression, so a
text is scanned once whatever the vocabulary size. Matching is on normalised text (Unicode NFKC,
every dash variant read as ``-``), whole words only; the evidence kept is the exact source text.

>>> vocab = Vocabulary.load()
>>> for hit in vocab.match("A One–Step Diffusion Model via Knowledge Distillation"):
...     print(hit.key, "<-", hit.evidence)
one-step <- One–Step Diffusion
diffusion-models <- Diffusion Model
distillation <- Knowledge Distillation
>>> vocab.technique_for_phrase("consistency distillation"), vocab.ancestors("consistency-distillation")
('consistency-distillation', ['distillation'])

Rules a vocabulary entry's ``aliases`` follow (``acronyms`` are the same but exact-case):

* a space in an alias matches a space or a hyphen; a hyphen matches a hyphen, a space or nothing
  (``pre-training`` finds "pre-training", "pre training", "pretraining");
* the last word may take a plural ``s``/``es``; other inflections are listed as aliases;
* a match inside a longer match is dropped ("self-distillation" is only ``self-distillation``).
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from graph.defaults import env_paths
from graph.errors import NotFoundError, VocabularyError
from graph.extraction import ROLES, TechniqueHit

__all__ = ["ENV_VAR", "Technique", "Vocabulary", "default_vocabulary_path", "normalize_text", "technique_role"]

#: Environment variable: extra vocabulary files, separated by ``os.pathsep``, loaded after the default.
ENV_VAR = "PAPERKG_TECHNIQUES"

_KEY_RE = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")
_DASHES = "\u2010\u2011\u2012\u2013\u2014\u2015\u2212\ufe58\ufe63\uff0d"
_DROPPED = "\u00ad\u200b\u200c\u200d\u2060\ufeff"  # soft hyphen and zero-width characters
_TRANSLATION = {**dict.fromkeys(map(ord, _DASHES), "-"), **dict.fromkeys(map(ord, _DROPPED), None)}
_SEP = r"(?:\s*-\s*|\s+)"
_SEP_UNIT = "\x00"  # the trie unit of a separator (hyphen or whitespace)
_END = ""  # trie marker: an alias ends here
_TEXT_FIELDS = ("key", "label", "family", "parent")
_LIST_FIELDS = ("aliases", "acronyms", "patterns")
_FLAG_FIELDS = ("extend", "remove", "broad")
_FIELDS = (*_TEXT_FIELDS, *_LIST_FIELDS, *_FLAG_FIELDS)


@dataclass
class Technique:
    """One vocabulary entry.

    ``aliases`` are case-insensitive phrases, ``acronyms`` exact-case forms, ``patterns`` regexes;
    ``parent`` is the key of the more general technique (a ``SUBTYPE_OF`` edge) or ``None``; ``broad``
    marks an umbrella technique (transformers, LLMs, fine-tuning): too common to relate two papers alone.
    """

    key: str
    label: str
    family: str
    aliases: list[str] = field(default_factory=list)
    parent: str | None = None
    acronyms: list[str] = field(default_factory=list)
    patterns: list[str] = field(default_factory=list)
    broad: bool = False

    @property
    def surface_forms(self) -> list[str]:
        """Every literal name of the technique (aliases, then acronyms), e.g. for display."""
        return [*self.aliases, *self.acronyms]


@dataclass(frozen=True)
class _Origin:
    """Where an entry was defined, for error messages."""

    file: str
    line: int | None
    fields: Mapping[str, int] = field(default_factory=dict)

    def error(self, key: str, message: str, field_name: str | None = None) -> VocabularyError:
        line = self.fields.get(field_name, self.line) if field_name else self.line
        return VocabularyError(f"technique {key!r}: {message}", file=self.file, line=line, field=field_name)


@dataclass(frozen=True)
class _Span:
    start: int
    end: int
    key: str


def default_vocabulary_path() -> Path:
    """The vocabulary shipped with paperkg (``graph/techniques.yaml``)."""
    return Path(str(resources.files("graph").joinpath("techniques.yaml")))


def normalize_text(text: str) -> tuple[str, list[int] | None]:
    """NFKC-normalise ``text``, read dashes as ``-``, drop soft hyphens; map back to source offsets.

    Returns the normalised text and, for each of its characters, the index of the source character
    it came from (``None`` when the text is ASCII and therefore unchanged).

    >>> normalize_text("one\u2013step")
    ('one-step', [0, 1, 2, 3, 4, 5, 6, 7])
    """
    if text.isascii():
        return text, None
    pieces: list[str] = []
    offsets: list[int] = []
    for index, char in enumerate(text):
        normal = char if char.isascii() else unicodedata.normalize("NFKC", char).translate(_TRANSLATION)
        pieces.append(normal)
        offsets.extend([index] * len(normal))
    return "".join(pieces), offsets


def _lower_keeping_length(text: str) -> str:
    """Lowercase one character at a time, keeping the length ("İ" -> "i"), as the regex engine compares."""
    return "".join(char.lower()[:1] for char in text)


def _canonical(form: str, case_sensitive: bool) -> str:
    """The lookup form of an alias or of the text it matched: separators removed, case folded."""
    joined = re.sub(r"[\s\-]+", "", form)
    return joined if case_sensitive else _lower_keeping_length(joined)


def _variants(form: str, case_sensitive: bool) -> list[list[str]]:
    """The unit sequences (characters and separators) an alias can be written as.

    A space is a required separator; a hyphen is a separator or nothing, so each hyphen doubles the
    variants. Separators and characters never match the same text, which keeps the trie's branches
    disjoint: the regex then always prefers the longest alias.

    >>> ["".join(u.replace(_SEP_UNIT, "_") for u in v) for v in _variants("pre-training set", False)]
    ['pre_training_set', 'pretraining_set']
    """
    variants: list[list[str]] = [[]]
    for part in re.split(r"(\s*-\s*|\s+)", form.strip()):
        if not part:
            continue
        if part.isspace():
            variants = [[*v, _SEP_UNIT] for v in variants]
        elif part.strip() == "-":
            variants = [[*v, _SEP_UNIT] for v in variants] + [list(v) for v in variants]
        else:
            chars = list(part if case_sensitive else _lower_keeping_length(part))
            variants = [[*v, *chars] for v in variants]
    return variants


def _trie_regex(forms: Iterable[list[str]]) -> str:
    """One regex matching exactly the given unit sequences, factored as a prefix tree."""
    trie: dict[str, Any] = {}
    for units in forms:
        node = trie
        for unit in units:
            node = node.setdefault(unit, {})
        node[_END] = {}
    return _node_regex(trie)


def _node_regex(node: dict[str, Any]) -> str:
    branches = [_unit_regex(unit) + _node_regex(child) for unit, child in sorted(node.items()) if unit]
    if not branches:
        return ""
    body = branches[0] if len(branches) == 1 else "(?:" + "|".join(branches) + ")"
    if _END not in node:
        return body
    return f"(?:{body})?" if len(branches) > 1 or len(body) > 1 else f"{body}?"


def _unit_regex(unit: str) -> str:
    return _SEP if unit == _SEP_UNIT else re.escape(unit)


class _Matcher:
    """The compiled vocabulary: one regex, found spans resolved to technique keys."""

    def __init__(self, techniques: Mapping[str, Technique]) -> None:
        self.by_alias: dict[str, str] = {}
        self.by_acronym: dict[str, str] = {}
        self.pattern_keys: list[str] = []
        alternatives = []
        for technique in techniques.values():
            for alias in technique.aliases:
                self.by_alias[_canonical(alias, False)] = technique.key
            for acronym in technique.acronyms:
                self.by_acronym[_canonical(acronym, True)] = technique.key
        self.by_acronym_any_case: dict[str, str] = {}
        for acronym, key in sorted(self.by_acronym.items()):
            self.by_acronym_any_case.setdefault(_lower_keeping_length(acronym), key)
            self.by_acronym_any_case.setdefault(_lower_keeping_length(acronym) + "s", key)
        if self.by_alias:
            forms = [v for t in techniques.values() for a in t.aliases for v in _variants(a, False)]
            alternatives.append(f"(?P<ci>(?P<cib>{_trie_regex(forms)})(?:e?s)?)")
        if self.by_acronym:
            forms = [v for t in techniques.values() for a in t.acronyms for v in _variants(a, True)]
            alternatives.append(f"(?-i:(?P<cs>(?P<csb>{_trie_regex(forms)})s?))")
        for technique in techniques.values():
            for pattern in technique.patterns:
                alternatives.append(f"(?P<p{len(self.pattern_keys)}>{pattern})")
                self.pattern_keys.append(technique.key)
        body = "|".join(alternatives) or "(?!)"
        self.regex = re.compile(rf"(?<!\w)(?=(?:{body})(?!\w))", re.IGNORECASE)

    def spans(self, text: str) -> list[_Span]:
        """Maximal technique spans of ``text`` (already normalised), in text order."""
        found = [span for span in map(self._resolve, self.regex.finditer(text)) if span is not None]
        return _drop_contained(found)

    def _resolve(self, match: re.Match[str]) -> _Span | None:
        """The technique of one match; ``None`` for a rare letter the engine folds but our lowercasing does not."""
        if self.by_alias and match.group("ci") is not None:
            key = self.by_alias.get(_canonical(match.group("cib"), False))
            return None if key is None else _Span(*match.span("ci"), key)
        if self.by_acronym and match.group("cs") is not None:
            return _Span(*match.span("cs"), self.by_acronym[_canonical(match.group("csb"), True)])
        name = match.lastgroup or ""
        return _Span(*match.span(name), self.pattern_keys[int(name[1:])])


def _drop_contained(spans: list[_Span]) -> list[_Span]:
    """Drop spans lying inside an earlier, longer one.

    ``finditer`` yields at most one span per start position, in order, so a span is inside another
    exactly when it ends no later than some earlier span.
    """
    kept: list[_Span] = []
    reach = -1
    for span in spans:
        if span.end > reach:
            kept.append(span)
            reach = span.end
    return kept


class Vocabulary:
    """A validated set of techniques and the compiled matcher for them."""

    def __init__(self, techniques: Mapping[str, Technique]) -> None:
        """Use :meth:`load`; this takes already validated techniques."""
        self.techniques: dict[str, Technique] = {k: techniques[k] for k in sorted(techniques)}
        self._matcher = _Matcher(self.techniques)

    def __len__(self) -> int:
        return len(self.techniques)

    def __contains__(self, key: object) -> bool:
        return key in self.techniques

    @classmethod
    def load(cls, extra: Sequence[Path | str] = (), include_default: bool = True) -> Vocabulary:
        """Load the shipped vocabulary, then the files in ``$PAPERKG_TECHNIQUES``, then ``extra``.

        A later entry with an existing key replaces it; with ``extend: true`` it adds its aliases,
        acronyms and patterns to it (and overrides the other fields it sets); ``remove: true``
        drops it. Raises :class:`~graph.errors.VocabularyError` naming file, line and entry.
        """
        files: list[Path] = [default_vocabulary_path()] if include_default else []
        files += env_paths(ENV_VAR)
        files += [Path(p) for p in extra]
        entries: dict[str, tuple[Technique, _Origin]] = {}
        for path in files:
            for data, origin in _read_entries(path):
                _apply(entries, data, origin)
        _validate(entries)
        return cls({key: technique for key, (technique, _) in entries.items()})

    def match(self, text: str, with_ancestors: bool = False) -> list[TechniqueHit]:
        """Techniques named in ``text``: one hit per technique, its first evidence, in text order.

        A specific technique does not imply its parent; ``with_ancestors=True`` adds each
        ancestor not named itself, right after its first descendant, with that descendant's evidence.
        """
        hits = self._first_hits(text)
        return self._with_ancestors(hits) if with_ancestors else hits

    def match_paper(self, title: str, abstract: str, with_ancestors: bool = False) -> list[TechniqueHit]:
        """:meth:`match` over a paper: title hits first, then those only the abstract names."""
        hits = self._first_hits(title or "")
        seen = {hit.key for hit in hits}
        hits += [hit for hit in self._first_hits(abstract or "") if hit.key not in seen]
        return self._with_ancestors(hits) if with_ancestors else hits

    def technique_for_phrase(self, phrase: str) -> str | None:
        """The technique a whole phrase names (a concept that IS a technique), else ``None``.

        Acronyms are accepted in any case here ("lora"), as concept keys are usually lowercased.

        >>> Vocabulary.load().technique_for_phrase("Knowledge Distillation")
        'distillation'
        """
        normal = " ".join(normalize_text(phrase or "")[0].split())
        for candidate in (normal, normal.replace(" ", "-")):
            keys = {s.key for s in self._matcher.spans(candidate) if (s.start, s.end) == (0, len(candidate))}
            if keys:
                return min(keys)
        return self._matcher.by_acronym_any_case.get(_canonical(normal, False))

    def ancestors(self, key: str) -> list[str]:
        """Parent, grandparent, ... of ``key`` (nearest first).

        >>> Vocabulary.load().ancestors("lora")
        ['peft', 'fine-tuning']
        """
        if key not in self.techniques:
            raise NotFoundError(f"unknown technique {key!r}")
        chain: list[str] = []
        parent = self.techniques[key].parent
        while parent is not None:
            chain.append(parent)
            parent = self.techniques[parent].parent
        return chain

    def subtypes(self) -> list[tuple[str, str]]:
        """``(child, parent)`` key pairs, sorted: the ``SUBTYPE_OF`` edges of the graph."""
        return sorted((t.key, t.parent) for t in self.techniques.values() if t.parent is not None)

    def _first_hits(self, text: str) -> list[TechniqueHit]:
        """One hit per technique in text order: its strongest role over all mentions, with that evidence."""
        normal, offsets = normalize_text(text)
        hits: dict[str, TechniqueHit] = {}
        for span in self._matcher.spans(normal):
            role = technique_role(normal, span.start, span.end)
            known = hits.get(span.key)
            if known is not None and ROLES.index(known.role) <= ROLES.index(role):
                continue
            start, end = (span.start, span.end) if offsets is None else (offsets[span.start], offsets[span.end - 1] + 1)
            hits[span.key] = TechniqueHit(span.key, text[start:end], role)
        return list(hits.values())

    def _with_ancestors(self, hits: list[TechniqueHit]) -> list[TechniqueHit]:
        named = {hit.key for hit in hits}
        result: list[TechniqueHit] = []
        added: set[str] = set()
        for hit in hits:
            result.append(hit)
            for ancestor in self.ancestors(hit.key):
                if ancestor not in named and ancestor not in added:
                    result.append(TechniqueHit(ancestor, hit.evidence))
                    added.add(ancestor)
        return result


# ---------------------------------------------------------------- roles

#: Words before a technique (same clause, at most :data:`ROLE_WINDOW` words back) that make it a baseline.
_COMPARES = re.compile(
    r"\b(?:compar(?:e|es|ed|ing) (?:favou?rably )?(?:with|to|against)|comparisons? (?:with|to|against)|"
    r"in comparison (?:with|to)|"
    r"outperform(?:s|ing|ed)?|surpass(?:es|ing|ed)?|than|versus|vs|baselines?|relative to|"
    r"improves? (?:up)?on|beats?|competitive with)\b",
    re.IGNORECASE,
)
#: Words before a technique that negate it: the paper does without it.
_NEGATES = re.compile(
    r"\b(?:without|unlike|no|instead of|rather than|no need (?:for|of)|free of|eliminat(?:es|ing|ed) the need for|"
    r"(?:does|do|did) not (?:require|need|use|rely on)|avoid(?:s|ing)?|replac(?:es|ing|ed)|"
    r"in contrast to|as opposed to|alternative to|dispens(?:es|ing) with)\b",
    re.IGNORECASE,
)
_ASIDE = re.compile(r"\([^()]*\)")  # "(23.4)", "(Liu et al., 2023)": read through them
_AFTER_NEGATES = re.compile(r"-(?:free|less)\b", re.IGNORECASE)
_CLAUSE_END = re.compile(r"[.;:!?,()]|\b(?:but|while|whereas|we|our|using|via|by|through)\b", re.IGNORECASE)

#: How many words before a technique name are read for its role.
ROLE_WINDOW = 6


def technique_role(text: str, start: int, end: int) -> str:
    """The role of the technique named at ``text[start:end]``: ``uses``, ``compares`` or ``mentions``.

    Read from the words just before it in the same clause ("compared with X", "outperforms X",
    "unlike X", "without X") and the suffix right after it ("X-free").

    >>> t = "SCott uses consistency distillation without GANs, surpassing that (23.4) of the 1-step InstaFlow."
    >>> [technique_role(t, t.index(w), t.index(w) + len(w)) for w in ("InstaFlow", "consistency", "GANs")]
    ['compares', 'uses', 'mentions']
    """
    if _AFTER_NEGATES.match(text, end):
        return "mentions"
    before = _ASIDE.sub(" ", text[max(0, start - 100) : start])
    clause = _CLAUSE_END.split(before)[-1]
    window = " ".join(clause.split()[-ROLE_WINDOW:])
    if _NEGATES.search(window):
        return "mentions"
    if _COMPARES.search(window):
        return "compares"
    return "uses"


# ---------------------------------------------------------------- reading and validating files


def _read_entries(path: Path) -> Iterator[tuple[dict[str, Any], _Origin]]:
    """Parse one vocabulary file into (entry fields, origin) pairs, checking shapes and types."""
    name = str(path)
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise VocabularyError(f"cannot read vocabulary file: {exc}", file=name) from exc
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise VocabularyError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=name, line=line) from exc
    if root is None:
        return
    items = _mapping(root, name, "the file")
    unknown = sorted(set(items) - {"techniques", "version"})
    if unknown:
        raise VocabularyError(f"unknown top-level key {unknown[0]!r}", file=name, line=_line(items[unknown[0]]))
    if "techniques" not in items:
        raise VocabularyError("no 'techniques' list", file=name, line=_line(root))
    entries = items["techniques"]
    if not isinstance(entries, yaml.SequenceNode):
        raise VocabularyError("'techniques' must be a list", file=name, line=_line(entries), field="techniques")
    for index, node in enumerate(entries.value, start=1):
        yield _entry(node, name, index)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


def _mapping(node: yaml.Node, file: str, what: str) -> dict[str, yaml.Node]:
    """The items of a YAML mapping node, refusing duplicate or non-string keys."""
    if not isinstance(node, yaml.MappingNode):
        raise VocabularyError(f"{what} must be a mapping", file=file, line=_line(node))
    items: dict[str, yaml.Node] = {}
    for key_node, value_node in node.value:
        key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
        if not isinstance(key, str) or key in items:
            problem = f"{key!r} appears twice" if key in items else f"key {key!r} is not a string"
            raise VocabularyError(f"{what}: {problem}", file=file, line=_line(key_node))
        items[key] = value_node
    return items


def _entry(node: yaml.Node, file: str, index: int) -> tuple[dict[str, Any], _Origin]:
    """One entry's fields, constructed and type-checked, with its origin."""
    items = _mapping(node, file, f"entry {index}")
    origin = _Origin(file, _line(node), {name: _line(value) for name, value in items.items()})
    constructor = yaml.constructor.SafeConstructor()
    data = {name: constructor.construct_object(value, deep=True) for name, value in items.items()}
    key = data.get("key")
    label = key if isinstance(key, str) and key else f"entry {index}"
    unknown = sorted(set(data) - set(_FIELDS))
    if unknown:
        raise origin.error(label, f"unknown field (expected one of: {', '.join(_FIELDS)})", unknown[0])
    _check_types(data, origin, label)
    return data, origin


def _check_types(data: dict[str, Any], origin: _Origin, label: str) -> None:
    if not isinstance(data.get("key"), str) or not data["key"].strip():
        raise origin.error(label, "missing or empty 'key'", "key")
    if not _KEY_RE.fullmatch(data["key"]):
        raise origin.error(label, "key must be lowercase words joined by '-' (e.g. 'flow-matching')", "key")
    modifying = data.get("extend") is True or data.get("remove") is True
    for name in _TEXT_FIELDS[1:]:
        value = data.get(name)
        if value is None and (modifying or name == "parent"):
            continue
        if not isinstance(value, str) or not value.strip():
            raise origin.error(label, f"'{name}' must be a non-empty string", name)
    for name in _LIST_FIELDS:
        value = data.get(name, [])
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise origin.error(label, f"'{name}' must be a list of non-empty strings", name)
    for name in _FLAG_FIELDS:
        if not isinstance(data.get(name, False), bool):
            raise origin.error(label, f"'{name}' must be true or false", name)
    if not modifying and not any(data.get(name) for name in _LIST_FIELDS):
        raise origin.error(label, "needs at least one of 'aliases', 'acronyms', 'patterns'", "aliases")


def _apply(entries: dict[str, tuple[Technique, _Origin]], data: dict[str, Any], origin: _Origin) -> None:
    """Add, replace, extend or remove one entry in the merged vocabulary."""
    key = data["key"]
    if data.get("remove"):
        if key not in entries:
            raise origin.error(key, "cannot remove: no such technique", "remove")
        del entries[key]
        return
    if data.get("extend"):
        if key not in entries:
            raise origin.error(key, "cannot extend: no such technique", "extend")
        base, _ = entries[key]
        merged = {name: getattr(base, name) for name in ("label", "family", "parent", "broad")}
        merged.update({name: data[name] for name in ("label", "family", "parent", "broad") if name in data})
        lists = {name: _unique([*getattr(base, name), *data.get(name, [])]) for name in _LIST_FIELDS}
        entries[key] = (Technique(key=key, **merged, **lists), origin)
        return
    if key in entries and entries[key][1].file == origin.file:
        raise origin.error(key, f"defined twice in this file (first at line {entries[key][1].line})", "key")
    lists = {name: _unique(data.get(name, [])) for name in _LIST_FIELDS}
    technique = Technique(
        key=key,
        label=data["label"],
        family=data["family"],
        parent=data.get("parent"),
        broad=data.get("broad", False),
        **lists,
    )
    entries[key] = (technique, origin)


def _unique(values: Iterable[str]) -> list[str]:
    return list(dict.fromkeys(v.strip() for v in values))


def _validate(entries: Mapping[str, tuple[Technique, _Origin]]) -> None:
    """Cross-entry checks: parents exist and form no cycle, aliases are unambiguous, regexes compile."""
    for key, (technique, origin) in entries.items():
        if technique.parent is not None and technique.parent not in entries:
            raise origin.error(key, f"unknown parent {technique.parent!r}", "parent")
        _check_no_cycle(key, entries)
        for pattern in technique.patterns:
            _check_pattern(pattern, key, origin)
        for form in technique.surface_forms:
            if not re.search(r"\w", form):
                raise origin.error(key, f"alias {form!r} has no letter or digit", "aliases")
    _check_unambiguous(entries, "aliases", case_sensitive=False)
    _check_unambiguous(entries, "acronyms", case_sensitive=True)


def _check_no_cycle(key: str, entries: Mapping[str, tuple[Technique, _Origin]]) -> None:
    seen = [key]
    parent = entries[key][0].parent
    while parent is not None:
        if parent in seen:
            chain = " -> ".join([*seen, parent])
            raise entries[key][1].error(key, f"parent cycle: {chain}", "parent")
        seen.append(parent)
        parent = entries[parent][0].parent


def _check_pattern(pattern: str, key: str, origin: _Origin) -> None:
    try:
        compiled = re.compile(f"(?:{pattern})", re.IGNORECASE)
    except re.error as exc:
        raise origin.error(key, f"invalid regex {pattern!r}: {exc}", "patterns") from exc
    if compiled.groupindex:
        raise origin.error(key, f"regex {pattern!r} may not use named groups", "patterns")
    if compiled.fullmatch(""):
        raise origin.error(key, f"regex {pattern!r} matches the empty string", "patterns")


def _check_unambiguous(entries: Mapping[str, tuple[Technique, _Origin]], kind: str, case_sensitive: bool) -> None:
    """Two techniques may not share an alias (compared as matched: separators and case ignored)."""
    owner: dict[str, tuple[str, str]] = {}
    for key, (technique, origin) in entries.items():
        for form in getattr(technique, kind):
            canonical = _canonical(form, case_sensitive)
            other = owner.setdefault(canonical, (key, form))
            if other[0] != key:
                noun = "alias" if kind == "aliases" else "acronym"
                message = f"{noun} {form!r} is already technique {other[0]!r}'s {noun} {other[1]!r}"
                raise origin.error(key, message, kind)

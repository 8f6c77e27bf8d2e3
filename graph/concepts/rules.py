"""The user-editable concept rules: a stoplist of generic words and phrases, and an alias list.

Shipped as ``graph/concepts/stoplist.yaml`` and ``graph/concepts/aliases.yaml``; files of the same
shape named in ``$PAPERKG_CONCEPT_STOPLIST`` / ``$PAPERKG_CONCEPT_ALIASES`` (or passed to
:meth:`ConceptRules.load`) extend them. Everything is compared by canonical key
(:func:`graph.concepts.normalize.concept_key`).

>>> rules = ConceptRules.load()
>>> rules.is_stopped("high computational cost"), rules.is_stopped("computational cost of attention")
(True, False)
>>> rules.canonical(concept_key("online streaming videos")), rules.label("online video stream")
('online video stream', 'online video stream')
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any

import yaml

from graph.concepts.duplicates import is_common
from graph.concepts.lexicon import COUNT_WORDS, FUNCTION_WORDS, GENERIC_ADJECTIVES
from graph.concepts.normalize import concept_key
from graph.defaults import env_paths
from graph.errors import InputError

STOPLIST_ENV = "PAPERKG_CONCEPT_STOPLIST"
ALIASES_ENV = "PAPERKG_CONCEPT_ALIASES"
_STOPLIST_FIELDS = ("generic", "evaluative", "phrases")


def shipped_path(name: str) -> Path:
    """A rules file shipped with paperkg (``stoplist.yaml`` or ``aliases.yaml``).

    >>> shipped_path("stoplist.yaml").name
    'stoplist.yaml'
    """
    return Path(str(resources.files("graph.concepts").joinpath(name)))


@dataclass(frozen=True)
class ConceptRules:
    """Generic words, stopped phrases (as keys) and aliases (variant key -> canonical key, and its label)."""

    generic: frozenset[str] = frozenset()
    phrases: frozenset[str] = frozenset()
    evaluative: frozenset[str] = frozenset()
    aliases: Mapping[str, str] = field(default_factory=dict)
    labels: Mapping[str, str] = field(default_factory=dict)

    @classmethod
    def load(cls, stoplists: Sequence[Path | str] = (), aliases: Sequence[Path | str] = ()) -> ConceptRules:
        """The shipped rules, then the files in the environment variables, then the files given."""
        lists: dict[str, set[str]] = {name: set() for name in _STOPLIST_FIELDS}
        for path in [shipped_path("stoplist.yaml"), *env_paths(STOPLIST_ENV), *map(Path, stoplists)]:
            for name, entries in _read_stoplist(path).items():
                lists[name] |= entries
        alias_map: dict[str, str] = {}
        labels: dict[str, str] = {}
        for path in [shipped_path("aliases.yaml"), *env_paths(ALIASES_ENV), *map(Path, aliases)]:
            for label, variants in _read_aliases(path).items():
                canonical = concept_key(label)
                labels[canonical] = label
                alias_map.update({concept_key(v): canonical for v in variants if concept_key(v) != canonical})
        generic, evaluative, phrases = (frozenset(lists[name]) for name in _STOPLIST_FIELDS)
        return cls(generic, phrases, evaluative, alias_map, labels)

    def canonical(self, key: str) -> str:
        """The key a concept key stands for (itself unless the alias list names it as a variant)."""
        return self.aliases.get(key, key)

    def label(self, key: str) -> str | None:
        """The display label the alias list gives a canonical key, if any."""
        return self.labels.get(key)

    def is_stopped(self, key: str) -> bool:
        """``True`` for a stopped phrase, a phrase made only of generic words (the stoplist's, and the
        lexicon's generic adjectives, count words and function words), or an evaluative head whose
        modifiers are all common English words.

        >>> rules = ConceptRules(generic=frozenset({"cost", "high", "experiment"}), evaluative=frozenset({"quality"}))
        >>> rules.is_stopped("high cost"), rules.is_stopped("extensive experiment"), rules.is_stopped("kv cache")
        (True, True, False)
        >>> rules.is_stopped("translation quality"), rules.is_stopped("mesh quality")
        (True, False)
        """
        words = key.split()
        if key in self.phrases or all(_is_generic_word(w, self.generic) for w in words):
            return True
        return words[-1] in self.evaluative and all(is_common(w) for w in words[:-1])

    @property
    def fingerprint(self) -> str:
        """A short hash of the rules' content (part of the extraction cache key)."""
        content = [
            sorted(self.generic),
            sorted(self.phrases),
            sorted(self.evaluative),
            sorted(self.aliases.items()),
            sorted(self.labels.items()),
        ]
        return hashlib.sha256(json.dumps(content).encode()).hexdigest()[:16]


def _is_generic_word(word: str, generic: frozenset[str]) -> bool:
    """A word that says nothing on its own: the stoplist's generic words and the lexicon's closed classes."""
    return word in generic or word in COUNT_WORDS or word in FUNCTION_WORDS or word in GENERIC_ADJECTIVES


def _load_yaml(path: Path) -> Any:
    """A YAML file's content; unreadable or invalid files are located errors."""
    try:
        text = path.read_text(encoding="utf-8")
    except OSError as exc:
        raise InputError(f"cannot read: {exc.strerror}", file=str(path)) from exc
    try:
        return yaml.safe_load(text) or {}
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 1 if mark is not None else None
        raise InputError(f"not valid YAML: {getattr(exc, 'problem', exc)}", file=str(path), line=line) from exc


def _strings(value: Any, path: Path, name: str) -> list[str]:
    """A list of non-empty strings, else a located error naming the field."""
    if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
        raise InputError("must be a list of non-empty strings", file=str(path), field=name)
    return value


def _read_stoplist(path: Path) -> dict[str, set[str]]:
    """The generic words, evaluative heads and stopped phrases (as keys) of one stoplist file, by field."""
    data = _load_yaml(path)
    if not isinstance(data, dict) or set(data) - set(_STOPLIST_FIELDS):
        unknown = sorted(set(data) - set(_STOPLIST_FIELDS)) if isinstance(data, dict) else []
        raise InputError(f"expected a mapping with only {', '.join(_STOPLIST_FIELDS)}; got {unknown}", file=str(path))
    return {name: {concept_key(w) for w in _strings(data.get(name, []), path, name)} for name in _STOPLIST_FIELDS}


def _read_aliases(path: Path) -> dict[str, list[str]]:
    """The ``canonical label -> variants`` entries of one alias file."""
    data = _load_yaml(path)
    if not isinstance(data, dict):
        raise InputError("expected a mapping of canonical label to a list of variants", file=str(path))
    return {str(label): _strings(variants, path, str(label)) for label, variants in data.items()}

"""Candidate keyphrases: noun-phrase-like spans that are real phrases of the text.

A candidate is a maximal run of content words: it never crosses punctuation (so never a sentence or
clause boundary) nor a breaker word (function word, common verb form, adverb, generic adjective: see
:mod:`graph.concepts.lexicon`); hyphenated and slash terms are single words ("one-step", "text-to-image",
"input/output"); a phrase does not end on an adjective-looking word. Acronyms defined in the text
("vision-language pre-training (VLP)") are tied to their expansion.

>>> [c.surface for c in candidates("We propose a one-step text-to-image model, trained quickly.")]
['one-step text-to-image model']
>>> find_acronyms("We study vision-language pre-training (VLP) at scale.")
[AcronymTie(acronym='VLP', expansion='vision-language pre-training')]
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from graph.concepts.lexicon import COUNT_WORDS, is_breaker, looks_adjectival, readings, word_set
from graph.concepts.normalize import singular

_TOKEN = re.compile(r"[^\W_]+(?:['’][^\W_]+)*(?:[-/][^\W_]+(?:['’][^\W_]+)*)*|\S")
_NUMBER = re.compile(r"^(?:[\d.,/-]+|\d+(?:[.,]\d+)*[x×])$")
MAX_WORDS = 5


@dataclass(frozen=True)
class Token:
    """One token of a text: a word (hyphen/slash compounds included) or a punctuation mark."""

    text: str
    start: int
    is_word: bool


@dataclass(frozen=True)
class Occurrence:
    """One occurrence of a candidate phrase: its text as written and the index of its first token."""

    surface: str
    position: int
    n_words: int


@dataclass(frozen=True)
class AcronymTie:
    """An acronym and the expansion the text defines for it."""

    acronym: str
    expansion: str


def tokenize(text: str) -> list[Token]:
    """Split a text into word and punctuation tokens; compounds stay whole; numbers ("12", "2x") are no words.

    >>> [t.text for t in tokenize("Dual-stream (I/O) nets.")]
    ['Dual-stream', '(', 'I/O', ')', 'nets', '.']
    >>> [t.is_word for t in tokenize("a 2x saving in 3D")]
    [True, False, True, True, True]
    """
    return [
        Token(m.group(), m.start(), m.group()[0].isalnum() and not _NUMBER.match(m.group()))
        for m in _TOKEN.finditer(text)
    ]


_DETERMINERS = word_set("the a an this these that those its their our his her each every all any")
_SUBJECTS = word_set("we they i he she")
_PREPOSITIONS = word_set("for by of in on with without to from when while after before through via into at towards")


def _is_content(tokens: list[Token], index: int) -> bool:
    """A token that may be part of a candidate phrase.

    Four context rules catch verbs the lexicon cannot: a word right after a subject pronoun ("we study"),
    an "-s", "-ed" or "-ing" word directly followed by a determiner ("...guaranteeing the flexibility"),
    a verb-only "-ing" word right after a preposition ("for interpreting complex data"), and a noun-or-verb
    word that agrees with the noun before it as a verb (:func:`_agrees_as_verb`).
    """
    token = tokens[index]
    if not token.is_word:
        return False
    word = token.text.lower()
    if token.text.isupper() and len(word) > 1:
        return True
    if len(word) < 2 or is_breaker(word):
        return False
    following = tokens[index + 1].text.lower() if index + 1 < len(tokens) else ""
    previous = tokens[index - 1].text.lower() if index else ""
    if previous in _SUBJECTS or (word.endswith(("s", "ed", "ing")) and following in _DETERMINERS):
        return False
    if previous in _PREPOSITIONS and word.endswith("ing") and readings(word) == frozenset({"VERB"}):
        return False  # a gerund with its object: "for interpreting complex medical data"
    return not _agrees_as_verb(tokens, index)


def _agrees_as_verb(tokens: list[Token], index: int) -> bool:
    """``True`` when a noun-or-verb word reads as the verb of the noun before it.

    A base form after a plural noun ("NAS methods train"), or an "-s" form after a singular noun that is
    followed by more words or a number ("methodology yields 2x saving"); "video streams." stays a noun.

    >>> toks = tokenize("the methodology yields 2x saving; online video streams.")
    >>> _agrees_as_verb(toks, 2), _agrees_as_verb(toks, 9)
    (True, False)
    """
    word = tokens[index].text.lower()
    previous = tokens[index - 1] if index else None
    if previous is None or not previous.is_word or previous.text.isupper() or "VERB" not in readings(word):
        return False
    before = previous.text.lower()
    if "ADJ" in readings(before) or readings(before) - {"NOUN", "PROPN", "VERB"}:
        return False
    if not word.endswith("s"):
        return before.endswith("s") and singular(before) != before and singular(word) == word
    following = tokens[index + 1] if index + 1 < len(tokens) else None
    if following is None or before.endswith("s") or singular(before) != before:
        return False
    after = following.text.lower()
    return (
        after[0].isdigit()
        or after in COUNT_WORDS
        or after in _DETERMINERS
        or (following.is_word and not is_breaker(after))
    )


def chunks(tokens: list[Token]) -> list[list[int]]:
    """Maximal runs of content tokens (as token indices), trimmed so they do not end on an adjective.

    >>> toks = tokenize("the rectified flow is efficient; fast sampling")
    >>> [[toks[i].text for i in c] for c in chunks(toks)]
    [['rectified', 'flow'], ['fast', 'sampling']]
    """
    runs: list[list[int]] = []
    current: list[int] = []
    for index in range(len(tokens)):
        if _is_content(tokens, index):
            current.append(index)
            continue
        if current:
            runs.append(current)
        current = []
    if current:
        runs.append(current)
    trimmed = [_trim(run, tokens) for run in runs]
    return [run for run in trimmed if run]


def _trim(run: list[int], tokens: list[Token]) -> list[int]:
    """Drop the trailing adjective-looking words of a run."""
    end = len(run)
    while end and looks_adjectival(tokens[run[end - 1]].text.lower()):
        end -= 1
    return run[:end]


def candidates(text: str, max_words: int = MAX_WORDS) -> list[Occurrence]:
    """Every candidate occurrence of ``text`` in text order: one per chunk, its last ``max_words`` words.

    Candidates are maximal phrases ("adaptive state feedback control", not also "state feedback"): on the
    Inspec benchmark this ranks far better than adding their sub-spans (see ``docs/concepts.md``).

    >>> [c.surface for c in candidates("Diffusion models; the fast sampling steps.")]
    ['Diffusion models', 'fast sampling steps']
    """
    tokens = tokenize(text)
    found: list[Occurrence] = []
    for run in chunks(tokens):
        span = run[-max_words:]
        surface = text[tokens[span[0]].start : tokens[span[-1]].start + len(tokens[span[-1]].text)]
        found.append(Occurrence(surface, span[0], len(span)))
    return found


def _is_acronym(word: str) -> bool:
    """``True`` for acronym-like words: "VLP", "GANs", "LoRA", "T2I".

    >>> _is_acronym("VLP"), _is_acronym("LoRA"), _is_acronym("Flow"), _is_acronym("A")
    (True, True, False, False)
    """
    return 2 <= len(word) <= 10 and sum(c.isupper() for c in word) >= 2 and word[0].isalnum()


def _long_form(acronym: str, words: list[str]) -> str | None:
    """Schwartz & Hearst (2003): the shortest tail of ``words`` whose letters spell ``acronym``.

    >>> _long_form("VLP", ["strong", "vision-language", "pre-training"])
    'vision-language pre-training'
    >>> _long_form("GAN", ["a", "new", "model"]) is None
    True
    """
    short = acronym[:-1] if acronym.endswith("s") and acronym[:-1].isupper() else acronym
    long = " ".join(words)
    s_index, l_index = len(short) - 1, len(long) - 1
    while s_index >= 0:
        char = short[s_index].lower()
        if not char.isalnum():
            s_index -= 1
            continue
        while (l_index >= 0 and long[l_index].lower() != char) or (
            s_index == 0 and l_index > 0 and long[l_index - 1].isalnum()
        ):
            l_index -= 1
        if l_index < 0:
            return None
        l_index -= 1
        s_index -= 1
    start = long.rfind(" ", 0, l_index + 1) + 1
    expansion = long[start:]
    n_words = len(expansion.split())
    return expansion if n_words + expansion.count("-") >= 2 and n_words <= len(short) + 2 else None


def find_acronyms(text: str) -> list[AcronymTie]:
    """Acronyms the text defines as "expansion (ACRONYM)", with their expansions, in text order.

    >>> find_acronyms("Generative adversarial networks (GANs) and low-rank adaptation (LoRA).")
    [AcronymTie(acronym='GANs', expansion='Generative adversarial networks'), \
AcronymTie(acronym='LoRA', expansion='low-rank adaptation')]
    """
    tokens = tokenize(text)
    ties: list[AcronymTie] = []
    for index in range(1, len(tokens) - 2):
        if tokens[index].text != "(" or tokens[index + 2].text != ")" or not _is_acronym(tokens[index + 1].text):
            continue
        words: list[str] = []
        back = index - 1
        while back >= 0 and tokens[back].is_word and len(words) < 2 * len(tokens[index + 1].text):
            words.insert(0, tokens[back].text)
            back -= 1
        expansion = _long_form(tokens[index + 1].text, words)
        if expansion:
            ties.append(AcronymTie(tokens[index + 1].text, expansion))
    return ties

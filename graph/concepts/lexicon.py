"""The closed-class lexicon behind candidate chunking (no tagger model needed).

A candidate phrase never contains a *breaker*: a function word (determiner, pronoun, preposition,
conjunction, auxiliary, modal...), a count word ("three", "hundreds"), a common verb form of scientific
prose, a word that English only uses as a verb or an adverb (by the part-of-speech lexicon of the
``lemminflect`` package: "adhere", "align", "again"), an adverb, or a generic evaluative adjective. The
word lists are written for paperkg; no model or data is downloaded.

>>> is_breaker("the"), is_breaker("proposes"), is_breaker("efficiently"), is_breaker("diffusion")
(True, True, True, False)
>>> is_breaker("family"), is_breaker("training"), is_breaker("adhere"), is_breaker("three")
(False, False, True, True)
"""

from __future__ import annotations

from functools import lru_cache

import lemminflect


def word_set(text: str) -> frozenset[str]:
    """The whitespace-separated words of ``text`` as a set (how the word lists below are written).

    >>> sorted(word_set(" b a  b "))
    ['a', 'b']
    """
    return frozenset(text.split())


FUNCTION_WORDS = word_set(
    """
    a about above across after afterwards against along alongside also although always am among amongst an
    and another any anybody anyhow anyone anything anyway anywhere are around as at be became because become
    becomes becoming been before beforehand behind being below beside besides between beyond both but by can
    cannot could did do does doing done down due during each either else elsewhere enough etc even ever every
    everyone everything everywhere except few for former formerly from further furthermore had has have having
    he hence her here hereafter hereby herein hers herself him himself his how however i ie eg if in indeed
    instead into is it its itself just last latter latterly least less many may me meanwhile might mine more
    moreover most mostly much must my myself namely neither never nevertheless next no nobody none nonetheless
    noone nor not nothing now nowhere of off often on once one ones only onto or other others otherwise our
    ours ourselves out over own per perhaps please quite rather really same seem seemed seeming seems several
    she should since so some somehow someone something sometime sometimes somewhere still such than that the
    their theirs them themselves then thence there thereafter thereby therefore therein thereupon these they
    this those though through throughout thru thus to together too toward towards under unless until up upon
    us very via was we well were what whatever when whence whenever where whereafter whereas whereby wherein
    whereupon wherever whether which while whither who whoever whole whom whose why will with within without
    would yet you your yours yourself yourselves versus vs i.e e.g cf can't don't doesn't isn't aren't won't
    let lets almost already very whereas upto onto amid amidst beneath underneath unlike like et al
    """
)

COUNT_WORDS = word_set(
    """
    two three four five six seven eight nine ten eleven twelve fifteen twenty thirty fifty hundred thousand
    million billion trillion hundreds thousands millions billions dozens dozen tens couple twice thrice
    half double triple fold
    """
)

GENERIC_ADJECTIVES = word_set(
    """
    novel new various several different existing recent current previous certain particular main major
    important significant good better best great greater greatest key useful possible available typical
    usual common overall respective corresponding appropriate relevant suitable proper additional further
    many numerous own whole entire initial final previous latter former simple easy difficult hard
    able unable likely unlikely necessary sufficient interesting promising powerful successful superior
    competitive strong weak remarkable impressive extensive comprehensive considerable substantial
    first second third fourth fifth last state-of-the-art
    """
)

# Verbs of scientific prose whose inflected forms are (almost) never part of a keyphrase. Verbs whose
# participles or -s forms are common in terms ("distributed", "results", "learning") are left out on purpose.
_VERB_BASES = """
    accept achieve acquire act adapt add address adopt affect allow alleviate analyze analyse apply
    argue arise assess assume attain attempt avoid become begin believe benefit bring build calculate
    capture carry cause choose claim combine compare complete comprise concern conclude conduct confirm
    consider consist constitute construct contain continue contribute create deal decrease define
    demonstrate depend derive describe determine develop devise differ discuss discover eliminate emerge
    employ enable encounter enhance ensure establish evaluate examine exceed excel exhibit exist expect explain
    exploit explore express extend facilitate find follow formulate get give go grow guarantee
    handle happen help highlight identify illustrate implement imply improve include incorporate increase
    indicate introduce investigate involve keep know lack lead leverage look maintain make manage maximize minimize
    meet mitigate motivate note obtain occur offer outperform overcome perform permit pose
    possess prefer prepare present prevent produce propose prove provide reach realize receive reduce
    refer reflect regard relate rely remain remove render replace represent require reveal run
    satisfy say see seek seem serve show solve specify suggest suffer surpass take tend think
    treat try turn undergo understand use utilize utilise validate verify want yield
"""

_NOUN_LIKE_FORMS = word_set(
    """
    acts adds aims benefits claims concerns contributes costs findings needs reports supports turns
    offers yields limits deals runs leads notes gains help keeps looks means tries building
    meaning meanings understanding findings
    """
)

_IRREGULAR = word_set(
    """
    arose arisen became begun began brought built chose chosen dealt did done found gave given gone got
    gotten grew grown held kept knew known led made meant met ran said saw seen sought shown showed
    taken took thought underwent undergone went based proposed occurred occurring permitted permitting
    referred referring preferred preferring running omitted omitting learns
    """
)


def _inflections(base: str) -> set[str]:
    """Regular inflected forms of a verb base.

    >>> sorted(_inflections("propose"))
    ['propose', 'proposed', 'proposes', 'proposing']
    >>> sorted(_inflections("apply"))
    ['applied', 'applies', 'apply', 'applying']
    """
    forms = {base}
    if base.endswith("ee"):
        forms |= {base + "s", base + "d", base + "ing"}
    elif base.endswith("e"):
        forms |= {base + "s", base + "d", base[:-1] + "ing"}
    elif base.endswith("y") and base[-2] not in "aeiou":
        forms |= {base[:-1] + "ies", base[:-1] + "ied", base + "ing"}
    elif base.endswith(("s", "sh", "ch", "x", "z")):
        forms |= {base + "es", base + "ed", base + "ing"}
    else:
        forms |= {base + "s", base + "ed", base + "ing"}
    return forms


VERB_FORMS = (
    frozenset({form for base in _VERB_BASES.split() for form in _inflections(base)} - _NOUN_LIKE_FORMS) | _IRREGULAR
)

# Words ending in "-ly" that are not adverbs.
_LY_NOUNS = word_set(
    """
    anomaly assembly family supply reply monopoly poly italy july fly ally rally belly bully jelly
    oligopoly apply imply comply multiply butterfly homily melancholy doily holy lily tally
    """
)


def is_adverb(word: str) -> bool:
    """``True`` for "-ly" adverbs ("efficiently"), not for "-ly" nouns ("family").

    >>> is_adverb("rapidly"), is_adverb("assembly"), is_adverb("only")
    (True, False, True)
    """
    return (len(word) > 4 and word.endswith("ly") and word not in _LY_NOUNS) or word == "only"


@lru_cache(maxsize=65536)
def readings(word: str) -> frozenset[str]:
    """The parts of speech English uses a (lower-case) word as, per lemminflect's lexicon (empty if unknown).

    >>> sorted(readings("streams")), sorted(readings("adhere")), sorted(readings("vstream"))
    (['NOUN', 'VERB'], ['VERB'], [])
    """
    return frozenset(lemminflect.getAllLemmas(word))


def is_verb_or_adverb_only(word: str) -> bool:
    """``True`` for a word the lexicon knows only as a verb or only as an adverb ("align", "again").

    Participles ("-ed", "-ing") are left to :func:`looks_adjectival`: they head or modify many terms
    ("distributed systems", "sampling").

    >>> is_verb_or_adverb_only("align"), is_verb_or_adverb_only("again"), is_verb_or_adverb_only("saving")
    (True, True, False)
    """
    if "-" in word or "/" in word or word.endswith(("ed", "ing")):
        return False
    found = readings(word)
    return found in (frozenset({"VERB"}), frozenset({"ADV"}), frozenset({"VERB", "AUX"}))


def is_breaker(word: str) -> bool:
    """``True`` when a (lower-cased) word can never be part of a candidate phrase."""
    return (
        word in FUNCTION_WORDS
        or word in COUNT_WORDS
        or word in VERB_FORMS
        or word in GENERIC_ADJECTIVES
        or is_adverb(word)
        or is_verb_or_adverb_only(word)
    )


# Endings of adjectives: a phrase does not end on such a word ("learning-based", "efficient").
_ADJECTIVE_ENDINGS = ("ous", "ful", "able", "ible", "less", "ive", "ical", "ary", "ent", "ant", "based")
_NOUNS_WITH_ADJECTIVE_ENDINGS = word_set(
    """
    objective derivative alternative initiative representative directive incentive detective executive
    perspective narrative archive drive motive locomotive primitive explosive adhesive additive
    cable table variable vegetable syllable label enable timetable
    dictionary library boundary summary vocabulary secretary glossary commentary itinerary salary
    agent component gradient coefficient client content element environment experiment agreement
    argument assessment department development document equipment government instrument investment
    management measurement movement payment requirement segment statement student treatment event
    patent percent point constant variant assistant consultant participant descendant applicant
    restaurant plant quadrant merchant tenant accent current parent talent
    student intent extent moment fragment sentiment settlement deployment alignment enhancement
    embedment refinement replacement placement displacement employment enrollment entertainment
    procurement recruitment reinforcement engagement arrangement adjustment attachment commitment
    improvement achievement advertisement announcement appointment establishment impairment increment
    supplement complement implement comment compartment apartment garment ointment pigment torment
    """
)


_ED_NOUNS = word_set("speed need seed feed bed red shed hundred bred creed breed reed weed greed deed")


def looks_adjectival(word: str) -> bool:
    """``True`` when a word probably is an adjective or participle, so a noun phrase should not end on it.

    >>> looks_adjectival("efficient"), looks_adjectival("gradient"), looks_adjectival("diffusion")
    (True, False, False)
    >>> looks_adjectival("trained"), looks_adjectival("speed")
    (True, False)
    """
    if word in _NOUNS_WITH_ADJECTIVE_ENDINGS or word.endswith("ment"):
        return False
    last = word.rsplit("-", 1)[-1]
    if last.endswith("ed") and len(last) > 4:
        return last not in _ED_NOUNS
    return last.endswith(_ADJECTIVE_ENDINGS) and last not in _NOUNS_WITH_ADJECTIVE_ENDINGS

"""Speech cues and the people they name: speech verbs, "according to", name runs, pronouns.

English first; other languages add their lists (``CUES``) and projects extend them in their
settings (``RuleConfig``). Everything works on the document's tokens (``tokenize``).
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import accumulate
from typing import NamedTuple

TOKEN = re.compile(r"[A-Z](?:\.[A-Z])+\.?|\w+(?:['’]\w+)*")

_VERBS = """say says said saying tell tells told add adds added state states stated declare declares
declared announce announces announced explain explains explained note notes noted insist insists
insisted argue argues argued warn warns warned claim claims claimed assert asserts asserted write
writes wrote ask asks asked reply replies replied continue continues continued stress stresses
stressed emphasise emphasises emphasised emphasize emphasizes emphasized acknowledge acknowledges
acknowledged admit admits admitted remark remarks remarked observe observes observed comment
comments commented urge urges urged suggest suggests suggested vow vows vowed pledge pledges
pledged promise promises promised concede concedes conceded conclude concludes concluded tweet
tweets tweeted recall recalls recalled predict predicts predicted deny denies denied confirm
confirms confirmed"""

CUES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    # language: (speech verbs, "according to" phrases)
    "en": (tuple(_VERBS.split()), ("according to", "in the words of")),
}

PRONOUNS = frozenset({"he", "she", "they", "He", "She", "They"})
TITLES = frozenset(
    [
        "President",
        "Minister",
        "Secretary",
        "State",
        "Chief",
        "Chancellor",
        "Senator",
        "Sen",
        "Mayor",
        "Governor",
        "Gov",
        "General",
        "Gen",
        "Director",
        "Spokesman",
        "Spokeswoman",
        "Spokesperson",
        "Ambassador",
        "Deputy",
        "Vice",
        "Prime",
        "Foreign",
        "Defence",
        "Defense",
        "Finance",
        "Interior",
        "Justice",
        "Health",
        "Trade",
        "Economy",
        "Affairs",
        "Commissioner",
        "Chairman",
        "Chairwoman",
        "Chair",
        "Leader",
        "Representative",
        "Rep",
        "Mr",
        "Mrs",
        "Ms",
        "Dr",
        "Prof",
        "Professor",
        "Judge",
        "King",
        "Queen",
        "Prince",
        "Pope",
        "Officer",
        "Commander",
        "Colonel",
        "Captain",
        "Premier",
        "Councillor",
        "Councilor",
        "CEO",
        "Sheikh",
        "Lord",
        "Lady",
        "Sir",
        "Dame",
    ]
)
NOT_NAMES = frozenset(
    [
        "The",
        "A",
        "An",
        "In",
        "On",
        "At",
        "But",
        "And",
        "Or",
        "If",
        "It",
        "Its",
        "We",
        "I",
        "You",
        "This",
        "That",
        "These",
        "Those",
        "There",
        "Here",
        "When",
        "While",
        "As",
        "After",
        "Before",
        "Then",
        "So",
        "Yet",
        "For",
        "Of",
        "To",
        "By",
        "With",
        "From",
        "Monday",
        "Tuesday",
        "Wednesday",
        "Thursday",
        "Friday",
        "Saturday",
        "Sunday",
        "January",
        "February",
        "March",
        "April",
        "May",
        "June",
        "July",
        "August",
        "September",
        "October",
        "November",
        "December",
        "Today",
        "Yesterday",
        "Tomorrow",
    ]
)
_SKIP = frozenset(
    [
        "had",
        "has",
        "have",
        "was",
        "is",
        "also",
        "previously",
        "later",
        "then",
        "earlier",
        "again",
        "repeatedly",
        "once",
        "further",
        "had",
        "already",
        "recently",
        "has",
    ]
)
DETERMINERS = frozenset({"the", "a", "an", "The", "A", "An"})


class Tokens(NamedTuple):
    """A document's words as two parallel lists, made by the regular expression engine without
    a Python object per word (issue 19: the rules run over whole corpora): each word's text and
    the offset where it starts."""

    words: list[str]
    starts: list[int]

    def end(self, i: int) -> int:
        return self.starts[i] + len(self.words[i])


_SPLIT = re.compile("(" + TOKEN.pattern + ")")


def tokenize(text: str) -> Tokens:
    """``TOKEN.finditer(text)`` as ``Tokens``: the text split around its words (gap, word, gap,
    ..., gap), each word's start the running sum of the lengths before it."""
    parts = _SPLIT.split(text)
    return Tokens(parts[1::2], list(accumulate(map(len, parts), initial=0))[1:-1:2])


def _capital(word: str) -> bool:
    return word[0].isupper() and word.rstrip(".") not in NOT_NAMES and word not in PRONOUNS


def _joined(text: str, tokens: Tokens, left: int) -> bool:
    """Token ``left`` and the next are of one name: only a space or a hyphen between them."""
    words, starts = tokens
    return text[starts[left] + len(words[left]) : starts[left + 1]] in (" ", "-")


def name_before(text: str, tokens: Tokens, i: int) -> tuple[int, int] | None:
    """The name (or pronoun) ending just before token ``i``, allowing a few auxiliaries and adverbs
    between ("Lavrov had previously told"); titles before the name are left out."""
    words, starts = tokens  # (ends inline: ``Tokens.end`` is a call per word)
    j = i - 1
    while j >= 0 and i - j <= 3 and words[j] in _SKIP:
        j -= 1
    if j < 0:
        return None
    if words[j] in PRONOUNS:
        return (starts[j], starts[j] + len(words[j]))
    if not _capital(words[j]) or words[j] in TITLES:
        return None
    first = j
    while first > 0 and _capital(words[first - 1]) and _joined(text, tokens, first - 1):
        if words[first - 1].rstrip(".") in TITLES:
            break
        first -= 1
    if j - first >= 4:  # a long capitalised run is a headline, not a name: keep its last word
        first = j
    return (starts[first], starts[j] + len(words[j]))


def name_after(text: str, tokens: Tokens, i: int) -> tuple[int, int] | None:
    """The person named just after token ``i`` ("said Blinken", "said Foreign Minister Ana Ruiz",
    "according to a Western official present"): a name after any titles, else a short noun phrase
    that starts with a determiner and ends at punctuation."""
    words, starts, n = tokens.words, tokens.starts, len(tokens.words)
    j = i + 1
    if j >= n:
        return None
    if words[j] in PRONOUNS:
        return (starts[j], starts[j] + len(words[j]))
    if words[j] in DETERMINERS:
        last = j
        while (
            last + 1 < n and last - j < 5 and text[starts[last] + len(words[last]) : starts[last + 1]] == " "
        ):
            last += 1
        return (starts[j], starts[last] + len(words[last]))
    while j < n and words[j].rstrip(".") in TITLES:
        j += 1
    if j >= n or not _capital(words[j]):
        return None
    last = j
    while last + 1 < n and _capital(words[last + 1]) and _joined(text, tokens, last):
        last += 1
    return (starts[j], starts[last] + len(words[last]))


def phrase_at(tokens: Tokens, i: int, phrases: tuple[str, ...]) -> int:
    """How many tokens an "according to" phrase starting at token ``i`` has (0: none)."""
    index = _by_first_word(phrases)
    candidates = index.get(tokens.words[i].lower(), ()) if index is not None else map(str.split, phrases)
    for words in candidates:  # in the phrases' order
        if [w.lower() for w in tokens.words[i : i + len(words)]] == words:
            return len(words)
    return 0


def first_words(phrases: tuple[str, ...]) -> dict[str, list[list[str]]] | None:
    """The words "according to" phrases start with (None: a blank phrase starts anywhere)."""
    return _by_first_word(phrases)


@lru_cache(maxsize=16)
def _by_first_word(phrases: tuple[str, ...]) -> dict[str, list[list[str]]] | None:
    """The phrases as word lists by their first word (most tokens start none: one lookup);
    None when a phrase is blank (it matches anywhere, so every phrase is tried in order)."""
    out: dict[str, list[list[str]]] = {}
    for phrase in phrases:
        words = phrase.split()
        if not words:
            return None
        out.setdefault(words[0], []).append(words)
    return out

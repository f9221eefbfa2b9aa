"""Speech cues and the people they name: speech verbs, "according to", name runs, pronouns.

English first; other languages add their lists (``CUES``) and projects extend them in their
settings (``RuleConfig``). Everything works on a token list of the document (``tokenize``).
"""

from __future__ import annotations

import re
from functools import lru_cache
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


class Token(NamedTuple):
    """A word of the document (a tuple: made by the thousand per document, so made cheaply)."""

    start: int
    end: int
    text: str


def tokenize(text: str) -> list[Token]:
    new = tuple.__new__  # Token(...) without the named tuple's own __new__ on top: same tuples
    return [new(Token, (m.start(), m.end(), m.group())) for m in TOKEN.finditer(text)]


def _capital(token: Token) -> bool:
    word = token.text.rstrip(".")
    return token.text[0].isupper() and word not in NOT_NAMES and token.text not in PRONOUNS


def _joined(text: str, left: Token, right: Token) -> bool:
    """Two tokens of one name: only a space or a hyphen between them."""
    return text[left.end : right.start] in (" ", "-")


def name_before(text: str, tokens: list[Token], i: int) -> tuple[int, int] | None:
    """The name (or pronoun) ending just before token ``i``, allowing a few auxiliaries and adverbs
    between ("Lavrov had previously told"); titles before the name are left out."""
    j = i - 1
    while j >= 0 and i - j <= 3 and tokens[j].text in _SKIP:
        j -= 1
    if j < 0:
        return None
    if tokens[j].text in PRONOUNS:
        return (tokens[j].start, tokens[j].end)
    if not _capital(tokens[j]) or tokens[j].text in TITLES:
        return None
    first = j
    while first > 0 and _capital(tokens[first - 1]) and _joined(text, tokens[first - 1], tokens[first]):
        if tokens[first - 1].text.rstrip(".") in TITLES:
            break
        first -= 1
    if j - first >= 4:  # a long capitalised run is a headline, not a name: keep its last word
        first = j
    return (tokens[first].start, tokens[j].end)


def name_after(text: str, tokens: list[Token], i: int) -> tuple[int, int] | None:
    """The person named just after token ``i`` ("said Blinken", "said Foreign Minister Ana Ruiz",
    "according to a Western official present"): a name after any titles, else a short noun phrase
    that starts with a determiner and ends at punctuation."""
    j = i + 1
    if j >= len(tokens):
        return None
    if tokens[j].text in PRONOUNS:
        return (tokens[j].start, tokens[j].end)
    if tokens[j].text in DETERMINERS:
        last = j
        while (
            last + 1 < len(tokens) and last - j < 5 and text[tokens[last].end : tokens[last + 1].start] == " "
        ):
            last += 1
        return (tokens[j].start, tokens[last].end)
    while j < len(tokens) and tokens[j].text.rstrip(".") in TITLES:
        j += 1
    if j >= len(tokens) or not _capital(tokens[j]):
        return None
    last = j
    while (
        last + 1 < len(tokens)
        and _capital(tokens[last + 1])
        and _joined(text, tokens[last], tokens[last + 1])
    ):
        last += 1
    return (tokens[j].start, tokens[last].end)


def phrase_at(tokens: list[Token], i: int, phrases: tuple[str, ...]) -> int:
    """How many tokens an "according to" phrase starting at token ``i`` has (0: none)."""
    index = _by_first_word(phrases)
    candidates = index.get(tokens[i].text.lower(), ()) if index is not None else map(str.split, phrases)
    for words in candidates:  # in the phrases' order
        if [t.text.lower() for t in tokens[i : i + len(words)]] == words:
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

"""Built-in attribution rules that need no training data: direct quotes, cues, speakers.

Pure functions over a document's text (no database): the caller stores what they return as
suggestions with source ``rules@VERSION``. Offsets are code points, end exclusive.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import lru_cache
from itertools import compress, count
from typing import NamedTuple

from annotator.suggest.cues import (
    CUES,
    DETERMINERS,
    PRONOUNS,
    TITLES,
    first_words,
    name_after,
    name_before,
    phrase_at,
    tokenize,
)
from annotator.suggest.quotes import Quote, find_quotes

VERSION = "1"


class SpanSuggestion(NamedTuple):
    """A span the rules propose; ``label`` is a label *name* (QUOTE, ACTOR, ...). A named tuple:
    worker processes send thousands of them back (``annotator.learn.batch``), and tuples travel
    several times faster than dataclass instances."""

    start: int
    end: int
    label: str
    score: float


class RelationSuggestion(NamedTuple):
    """A relation between two of the spans proposed (indices into ``Suggestions.spans``)."""

    source: int
    target: int
    type: str
    score: float


@dataclass
class Suggestions:
    spans: list[SpanSuggestion] = field(default_factory=list)
    relations: list[RelationSuggestion] = field(default_factory=list)


@dataclass(frozen=True)
class RuleConfig:
    """What the rules emit and look for; projects extend the cue lists in their settings.

    Empty cue lists mean the built-in ones of ``language``; ``pronoun_sources`` makes "he" in
    "he said" the speaker mention (as attribution corpora annotate it) instead of linking the
    quote to the person the pronoun stands for.
    """

    quote_label: str = "QUOTE"
    actor_label: str = "ACTOR"
    speaker_type: str = "speaker"
    language: str = "en"
    speech_verbs: tuple[str, ...] = ()
    according_to: tuple[str, ...] = ()
    pronoun_sources: bool = False


def suggest(text: str, gazetteer: Iterable[str] = (), config: RuleConfig | None = None) -> Suggestions:
    """Quotes, actor mentions and speaker links for ``text``; ``gazetteer`` holds names already
    labelled as actors in the project (each found everywhere as an actor mention)."""
    names = gazetteer if type(gazetteer) is frozenset else frozenset(gazetteer)  # (no copy per document)
    return _Run(text, config or _DEFAULT).run(names)


Range = tuple[int, int]
_DEFAULT = RuleConfig()
_END = re.compile(r"[.!?][\"'”’»]*\s+|\n\s*\n")
_FOUR_WORDS = re.compile(r"\w+\W+\w+\W+\w+\W+\w")  # at least four words (runs of \w) in a quote
_BLANK_LINE = re.compile(r"\n\s*\n")
_new = tuple.__new__  # a named tuple without its __new__'s Python call (one per suggestion)


class _Run:
    """One document's pass: cues and their subjects first, then each quote's speaker."""

    def __init__(self, text: str, config: RuleConfig) -> None:
        self.text, self.config = text, config
        self.verbs, self.phrases, self.cue_words, self.starts = _cue_words(config)
        self.tokens = tokenize(text)
        self.quotes = find_quotes(text)
        self._quote_starts = [q.start for q in self.quotes]
        self._quote_ends = [q.end for q in self.quotes]
        self.out = Suggestions()
        self.mentions: dict[Range, int] = {}
        self._names: dict[Range, bool] = {}

    def run(self, gazetteer: frozenset[str]) -> Suggestions:
        text, label, add = self.text, self.config.quote_label, self.out.spans.append
        for q in self.quotes:
            add(
                _new(
                    SpanSuggestion,
                    (
                        q.start,
                        q.end,
                        label,
                        0.9 if _FOUR_WORDS.search(text, q.inner_start, q.inner_end) else 0.6,
                    ),
                )
            )
        cues = self._cues()
        named = [(pos, who) for pos, who in cues if self._is_name(who)]
        speakers: list[tuple[int, float] | None] = []
        for n, q in enumerate(self.quotes):
            found = self._speaker(q, cues, named)
            if found is None and n and speakers[-1] is not None and self._continues(self.quotes[n - 1], q):
                found = (self._mention_range(speakers[-1][0]), 0.7)
            if found is None:
                speakers.append(None)
                continue
            who, score = found
            index = self._mention(who, 0.8 if self._is_name(who) else 0.5)
            speakers.append((index, score))
            self.out.relations.append(_new(RelationSuggestion, (n, index, self.config.speaker_type, score)))
        self._gazetteer(gazetteer, {self.text[a:b] for _pos, (a, b) in named})
        return self.out

    def _inside(self, pos: int) -> bool:
        i = bisect_right(self._quote_starts, pos) - 1
        return i >= 0 and pos < self._quote_ends[i]

    def _cues(self) -> list[tuple[int, Range]]:
        """Each speech cue outside quotes with the person it names: (the cue's offset, mention)."""
        found = []
        tokens = self.tokens
        words, at = tokens
        verbs, starts = self.verbs, self.starts
        quote_starts, quote_ends = self._quote_starts, self._quote_ends  # (``_inside``, inline)
        # the tokens a cue can start at, picked out without a Python step per token
        maybe = compress(count(), map(self.cue_words.__contains__, map(str.lower, words)))
        for i in maybe if starts is not None else range(len(words)):
            word = words[i]
            low = word.lower()
            verb = low in verbs and (word.islower() or self._headline(at[i]))
            if not verb and starts is not None and low not in starts:  # no cue starts here
                continue
            k = bisect_right(quote_starts, at[i]) - 1
            if k >= 0 and at[i] < quote_ends[k]:
                continue
            who: Range | None = None
            if verb:
                who = name_before(self.text, tokens, i) or name_after(self.text, tokens, i)
            elif n := phrase_at(tokens, i, self.phrases):
                who = name_after(self.text, tokens, i + n - 1)
            if who is not None and not self._inside(who[0]):
                found.append((at[i], who))
        return found

    def _headline(self, pos: int) -> bool:
        """A capitalised verb is a cue only in a headline ("Minister Says ..."), where every word
        is capitalised; elsewhere "State" or "Says" starts a name or a sentence."""
        return self.text.startswith("#", self.text.rfind("\n", 0, pos) + 1)  # (no copy of the rest)

    def _is_name(self, who: Range) -> bool:
        """Not a pronoun or a determiner's phrase (asked several times per mention: kept)."""
        known = self._names.get(who)
        if known is None:
            first = self.text[who[0] : who[1]].split()[0]
            known = self._names[who] = first not in PRONOUNS and first not in DETERMINERS
        return known

    def _clause_clear(self, a: int, b: int) -> bool:
        """Nothing between offsets ``a`` and ``b`` ends a sentence or opens another quote."""
        if bisect_left(self._quote_starts, a) < bisect_left(self._quote_starts, b):
            return False
        return all(self._abbreviation(m.start()) for m in _END.finditer(self.text, a, b))

    def _abbreviation(self, pos: int) -> bool:
        """The full stop of "U.S." or "Mr." ends no sentence."""
        i = bisect_right(self.tokens.starts, pos) - 1
        if i < 0 or self.text[pos] != "." or pos > self.tokens.end(i):
            return False
        token = self.tokens.words[i]
        return "." in token[:-1] or token.rstrip(".") in TITLES

    def _speaker(
        self, q: Quote, cues: list[tuple[int, Range]], named: list[tuple[int, Range]]
    ) -> tuple[Range, float] | None:
        lo, hi = bisect_left(cues, (q.start - 200,)), bisect_left(cues, (q.end + 41,))
        near = cues[lo:hi]
        # the first clear cue after the quote, else the last clear one before it (each looked at
        # only until one is found: the clause checks are most of a quote's cost)
        cue = next((c for c in near if q.end <= c[0] and self._clause_clear(q.end, c[0])), None)
        if cue is None:
            cue = next(
                (c for c in reversed(near) if c[0] < q.start and self._clause_clear(c[0], q.start)), None
            )
        if cue is None:
            return None
        who = cue[1]
        if self._is_name(who) or self.config.pronoun_sources:
            return who, 0.85
        if self.text[who[0] : who[1]].split()[0] in PRONOUNS:
            i = bisect_left(named, (q.start,))
            return (named[i - 1][1], 0.6) if i else None
        return who, 0.5  # "according to a Western official"

    def _continues(self, previous: Quote, q: Quote) -> bool:
        """``q`` opens its paragraph with no cue of its own, the paragraph right after the one
        where ``previous`` (whose speaker is known) stood: the same person goes on speaking."""
        line_start = self.text.rfind("\n", 0, q.start) + 1
        if self.text[line_start : q.start].strip():
            return False
        return len(_BLANK_LINE.findall(self.text, previous.end, q.start)) == 1

    def _mention_range(self, index: int) -> Range:
        span = self.out.spans[index]
        return (span.start, span.end)

    def _mention(self, who: Range, score: float) -> int:
        if who not in self.mentions:
            self.mentions[who] = len(self.out.spans)
            self.out.spans.append(_new(SpanSuggestion, (who[0], who[1], self.config.actor_label, score)))
        return self.mentions[who]

    def _gazetteer(self, project: frozenset[str], found: set[str]) -> None:
        """Every occurrence of a name the project labelled, or the rules found as a speaker here
        (with its surname alone), becomes an actor mention; the longest name wins where they
        overlap, and a speaker mention already made stays."""
        local = set(found)
        for name in found:
            words = name.split()
            last = words[-1]
            if len(words) > 1 and len(last) > 2 and last[0].isupper():
                local.add(last)
        taken = sorted(self.mentions)
        hits = (  # no gazetteer: no scan of the text for a pattern that matches nothing
            [(m.start(), m.end(), 0.85) for m in _names_pattern(project).finditer(self.text)]
            if project
            else []
        )
        hits += [(start, end, 0.7) for start, end in _occurrences(self.text, local - project)]
        for start, end, score in sorted(hits, key=lambda h: (h[0], -h[1])):
            i = bisect_left(taken, (end,))
            if i and taken[i - 1][1] > start:
                continue
            insort(taken, (start, end))
            self._mention((start, end), score)


_CueWords = tuple[frozenset[str], tuple[str, ...], frozenset[str], dict[str, list[list[str]]] | None]
_last: list[tuple[RuleConfig | None, _CueWords | None]] = [(None, None)]


def _cue_words(config: RuleConfig) -> _CueWords:
    """``_cue_words_of(config)``, the same configuration as the last document's found by
    identity (hashing a configuration costs more than a whole cue lookup); one read and one
    write of the pair: threads running jobs side by side see a whole pair."""
    last, words = _last[0]
    if last is config and words is not None:
        return words
    words = _cue_words_of(config)
    _last[0] = (config, words)
    return words


@lru_cache(maxsize=16)
def _cue_words_of(config: RuleConfig) -> _CueWords:
    """The speech verbs (lower case) and "according to" phrases of ``config``, every word
    (lower case) a cue can start with, and the phrases by first word (``first_words``), made once."""
    verbs, phrases = CUES.get(config.language, CUES["en"])
    lower = frozenset(v.lower() for v in (*verbs, *config.speech_verbs))
    according = tuple(p.lower() for p in (*phrases, *config.according_to))
    starts = first_words(according)
    return lower, according, lower | set(starts or ()), starts


def _occurrences(text: str, names: set[str]) -> list[Range]:
    """What ``_names_pattern(names).finditer(text)`` finds, without compiling a pattern for each
    document's few names: leftmost first, the longest name at a place, whole words, no overlaps."""
    found: dict[int, int] = {}
    size = len(text)
    for name in names:
        if not name.strip():
            continue
        i, n = text.find(name), len(name)
        while i >= 0:
            end = i + n  # a word on neither side: not a letter or digit of any script, nor _ (\w)
            left = text[i - 1] if i else " "
            right = text[end] if end < size else " "
            if not (left.isalnum() or left == "_") and not (right.isalnum() or right == "_"):
                found[i] = max(found.get(i, 0), end)
            i = text.find(name, i + 1)
    out: list[Range] = []
    after = 0
    for start in sorted(found):
        if start >= after:
            out.append((start, found[start]))
            after = found[start]
    return out


@lru_cache(maxsize=8)
def _names_pattern(names: frozenset[str]) -> re.Pattern[str]:
    """One pattern for a whole gazetteer, longest names first (compiled once per project)."""
    alternatives = "|".join(
        re.escape(n) for n in sorted((n for n in names if n.strip()), key=len, reverse=True)
    )
    return re.compile(r"(?<!\w)(?:" + alternatives + r")(?!\w)") if alternatives else re.compile(r"(?!x)x")

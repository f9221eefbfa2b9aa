"""Boundary fixes of predicted spans, applied after linking (``Model.predict``).

The tagger and the source pass often find the right person with the wrong edges. Three
conventions of the annotation guidelines, checked on the PolNeAR train layer, are cheap to
restore by rule:

- ``comma``: a source holding an apposition ("NAME, a lawyer for X") ends with the comma that
  closes it (997 train sources against 117 that leave it out);
- ``names``: a source starts at its honorific ("Mr.", "Sen.") and the first names and initials
  before a surname ("Mark Z." Barabak), not inside the name;
- ``time``: a source does not end with a time phrase the tagger ran on ("on Tuesday", "now",
  "in 2010").

And one for contents:

- ``close``: a content that opens a quotation mark ends with its closing mark (and the stop or
  comma before it) when the mark follows right after it: '"We will win' -> '"We will win."'.

A model records the rules it decodes with as a ``bounds`` entry of ``model.json`` (sources) and
a ``content_bounds`` entry (contents); models without them decode as before. The rules are
conventions of some guidelines (English ones, for sources): ``annotator train`` keeps only
those that make more of its held-out spans exactly right (``choose_on``), so a project whose
people label otherwise, or in another language, is not taught them.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Collection, Iterable, Sequence

from annotator.records import DocRecord
from annotator.suggest.rules import SpanSuggestion, Suggestions

BOUNDS = "bounds"  # the model.json entry: {"label": "ACTOR", "rules": [...]}
CONTENT_BOUNDS = "content_bounds"  # the same for contents: {"label": "QUOTE", "rules": ["close"]}
RULES = ("comma", "names", "time")
CONTENT_RULES = ("close",)
Span = tuple[int, int, str]


def _words(spaced: str) -> frozenset[str]:
    return frozenset(spaced.split())


HONORIFICS = _words("mr. mrs. ms. dr. sen. rep. gov. del. gen. lt. col. sgt. prof. rev. st. jr. sr.")
# capitalised words that open clauses rather than names (a name is never extended over them)
FUNCTION = _words(
    "as but because and did if when while after before so then the a an in on at by for with "
    "that this yes no also even now why how what where said says or nor of to from according "
    "meanwhile however still yet i he she they we it you his her their its our my who which"
)
_NAME = re.compile(r"[A-Z][a-z]+|[A-Z]\.")
_INITIAL = re.compile(r"[a-z]\.")  # "K." (lowered): an initial, not a sentence's end
_WORD_BEFORE = re.compile(r"(?:^|(?<=[\s“\"(]))(\S+) +$")
_TIME = re.compile(r" (?:on (?:Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)|now|also|in \d{4})$")


def comma(text: str, start: int, end: int) -> tuple[int, int]:
    """Close an apposition with its comma: "NAME, a lawyer" + "," -> "NAME, a lawyer,"."""
    inner = text[start:end]
    if "," in inner and not inner.endswith(",") and text[end : end + 1] == ",":
        return start, end + 1
    return start, end


def names(text: str, start: int, end: int) -> tuple[int, int]:
    """Extend a capitalised source left over honorifics, first names and initials on its line
    (never over a clause word or across a sentence start)."""
    words = text[start:end].split()
    if not words or not words[0][:1].isupper() or words[0].lower() in FUNCTION:
        return start, end
    while (m := _WORD_BEFORE.search(text[max(0, start - 40) : start])) is not None:
        word, at = m.group(1), start - len(m.group(0))
        before = text[:at].rstrip(" ")
        last = before.split()[-1].lower() if before.split() else ""
        opens = not before or (
            before[-1] in '.!?\n“":' and last not in HONORIFICS and not _INITIAL.fullmatch(last)
        )
        if word.lower() in HONORIFICS or (
            _NAME.fullmatch(word) and word.lower() not in FUNCTION and not opens
        ):
            start = at
        else:
            break
    return start, end


def time(text: str, start: int, end: int) -> tuple[int, int]:
    """Drop a trailing time phrase: "Sanders on Tuesday" -> "Sanders"."""
    m = _TIME.search(text[start:end])
    return (start, start + m.start()) if m and m.start() > 0 else (start, end)


# (opening, closing) quotation marks; the straight double quote closes itself
_MARKS = (("“", "”"), ("«", "»"), ("„", "“"), ("``", "''"), ("‹", "›"))
_CLOSING = re.compile(r"[.,?!…]?(?:[”»“›\"]|'')")


def close(text: str, start: int, end: int) -> tuple[int, int]:
    """End a content that leaves a quotation mark open with the closing mark right after it (and
    the stop or comma before that mark): '"We will win' + '."' -> '"We will win."'."""
    inner = text[start:end]
    # “ opens in English and closes in German („…“): where „ is used, “ is its closing mark
    marks = [m for m in _MARKS if m[0] != "“"] if "„" in inner else _MARKS
    open_ = (
        inner.count('"') % 2 == 1
        or (inner.count("''") - inner.count("``")) % 2 == 1  # '' opens as well as closes in some papers
        or any(inner.count(a) > inner.count(b) for a, b in marks)
    )
    m = _CLOSING.match(text, end) if open_ else None
    return (start, m.end()) if m is not None else (start, end)


_BY_NAME = {"comma": comma, "names": names, "time": time, "close": close}


def fix(text: str, start: int, end: int, rules: Sequence[str]) -> tuple[int, int]:
    """``start, end`` after each of ``rules`` in order (unknown names are refused by ``entry``)."""
    for rule in rules:
        start, end = _BY_NAME[rule](text, start, end)
    return start, end


def entry(label: str = "ACTOR", rules: Sequence[str] = RULES) -> dict[str, object]:
    """The ``bounds`` entry of ``model.json``."""
    unknown = [r for r in rules if r not in _BY_NAME]
    if unknown:
        raise ValueError(f"unknown boundary rules: {', '.join(unknown)}")
    return {"label": label, "rules": list(rules)}


def fix_spans(
    text: str, spans: Sequence[SpanSuggestion], label: str, rules: Sequence[str], given: Collection[Span] = ()
) -> list[SpanSuggestion]:
    """``spans`` with the edges of each of ``label`` moved by ``rules``, in the same order (links
    point at indices). A span is left alone when its new edges are another span's, or when it
    was ``given`` (a person's own label)."""
    out = list(spans)
    if not rules:
        return out
    taken = {(s.start, s.end, s.label) for s in out}
    for i, span in enumerate(out):
        if span.label != label or (span.start, span.end, span.label) in given:
            continue
        start, end = fix(text, span.start, span.end, rules)
        if (start, end, label) not in taken:
            taken.add((start, end, label))
            out[i] = SpanSuggestion(start, end, label, span.score)
    return out


def choose(
    found: Iterable[tuple[str, Sequence[SpanSuggestion], Iterable[Span]]],
    label: str,
    rules: Sequence[str] = RULES,
) -> list[str]:
    """The ``rules`` (in order) that make more of ``label``'s spans exactly right: ``found`` holds,
    for each document a model did not train on, its text, the model's spans decoded without
    rules, and the reference spans. Greedy: a rule is kept when, after those kept before it, it
    adds exact matches (the number of spans does not change, so this is what raises exact F1)."""
    docs = [
        (text, list(spans), {(a, b) for a, b, name in ref if name == label}) for text, spans, ref in found
    ]

    def right(chosen: Sequence[str]) -> int:
        return sum(
            len({(s.start, s.end) for s in fix_spans(text, spans, label, chosen) if s.label == label} & ref)
            for text, spans, ref in docs
        )

    kept: list[str] = []
    best = right(kept)
    for rule in rules:
        score = right([*kept, rule])
        if score > best:
            kept, best = [*kept, rule], score
    return kept


def choose_on(
    records: Iterable[DocRecord],
    predict: Callable[[str], Suggestions],
    wanted: Sequence[tuple[str, Sequence[str]]],
) -> dict[str, list[str]]:
    """``choose`` for each (label, candidate rules) of ``wanted``, on documents a model did not
    train on, each decoded once: ``predict`` is that model's, decoding without rules (the rules
    are conventions of some guidelines, in English for sources, and people may label otherwise)."""
    found = [(r.text, predict(r.text).spans, [(s.start, s.end, s.label) for s in r.spans]) for r in records]
    return {label: choose(found, label, rules) for label, rules in wanted}

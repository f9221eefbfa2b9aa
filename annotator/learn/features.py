"""Tokens, sequences and the features a sequence tagger sees for each token.

Attribution is signalled by quotation marks, speech verbs and titles around names, so besides the
word itself each token carries whether it stands inside a quote (found by the rules' quote
finder), how far the nearest speech cue is, and its neighbours' words.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass

from annotator.learn.basics import CUE_RATE, Tok
from annotator.learn.context import add_context
from annotator.suggest.cues import CUES, PRONOUNS, TITLES
from annotator.suggest.quotes import find_quotes

# A clitic ("Obama|’s", "she|’ll") is a token of its own: attribution corpora end a source
# before it ("[Trump]’s lawyer said").
TOKEN = re.compile(r"\w+(?:(?:[.\-]|['’](?!(?:s|ll|d|re|ve|m)\b))\w+)*|['’](?:s|ll|d|re|ve|m)\b|[^\w\s]")
_BREAK = re.compile(r"\n\s*\n")
QUOTE_MARKS = frozenset("\"'“”„‘’«»‹›‚")
_ENDS = frozenset(".!?")
VERBS = frozenset(CUES["en"][0])
_PERSONAL = frozenset(["i", "we", "you", "he", "she", "they", "it", "who", "one"])
MAX_SEQUENCE = 250

_GAP = 40  # characters: longer gaps between linked spans are not a cue's
Span = tuple[int, int, str]
Lexicon = dict[str, float]


def tokenize(text: str) -> list[Tok]:
    return [(m.start(), m.end()) for m in TOKEN.finditer(text)]


def sequences(text: str, toks: list[Tok]) -> list[tuple[int, int]]:
    """Token index ranges the tagger sees one at a time: runs cut after a sentence end once
    ``MAX_SEQUENCE`` tokens long, and at a paragraph break only where whitespace ends the line
    before it ("end. \n\n"; ``bisect_right`` counts a break that starts right at a token's end as
    before it). That last rule began as a slip, but every model was trained and measured with it,
    and cutting at every paragraph is worse: on PolNeAR (session 17) ACTOR exact F1 0.667 → 0.634,
    QUOTE overlap 0.832 → 0.826 (the chain across paragraphs carries who is speaking). So it stays,
    and ``paragraphs`` gives true paragraphs where they are wanted."""
    breaks = [m.start() for m in _BREAK.finditer(text)]
    out: list[tuple[int, int]] = []
    lo = 0
    for i in range(1, len(toks) + 1):
        para_end = i == len(toks) or bisect_right(breaks, toks[i - 1][1]) != bisect_right(breaks, toks[i][0])
        long_end = i - lo >= MAX_SEQUENCE and text[toks[i - 1][0] : toks[i - 1][1]] in _ENDS
        if para_end or long_end or i - lo >= 2 * MAX_SEQUENCE:
            out.append((lo, i))
            lo = i
    return out


def paragraphs(text: str, toks: list[Tok]) -> list[tuple[int, int]]:
    """Token index ranges of the text's paragraphs (split at blank lines)."""
    breaks = [m.start() for m in _BREAK.finditer(text)]
    out: list[tuple[int, int]] = []
    lo = 0
    for i in range(1, len(toks) + 1):
        if i == len(toks) or bisect_left(breaks, toks[i - 1][1]) != bisect_left(breaks, toks[i][0]):
            out.append((lo, i))
            lo = i
    return out


def shape(word: str) -> str:
    shape = re.sub(r"[A-Z]", "X", word)
    shape = re.sub(r"[a-z]", "x", shape)
    shape = re.sub(r"\d", "d", shape)
    return re.sub(r"(.)\1+", r"\1\1", shape)


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8-15" if n < 16 else "16+"


def learn_lexicon(docs: Iterable[tuple[str, Iterable[tuple[Span, Span]]]], min_count: int = 3) -> Lexicon:
    """Cue words learnt from the training layer: for each word, how often it stands in the short
    gap between the two ends of a relation ("Varga *told reporters* the plan ...").

    Real corpora attribute with far more words than the rules' speech verbs ("mocked", "figures",
    "according to"); the linked spans mark them without any cue label being needed."""
    seen: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for text, pairs in docs:
        seen.update(w.lower() for w in TOKEN.findall(text))
        at: dict[int, str] = {}  # each word in a gap once, however many links share the gap
        for a, b in pairs:
            lo, hi = (a[1], b[0]) if a[1] <= b[0] else (b[1], a[0])
            if 0 <= hi - lo <= _GAP:
                at.update((lo + m.start(), m.group().lower()) for m in TOKEN.finditer(text[lo:hi]))
        inside.update(at.values())
    rates = {w: n / seen[w] for w, n in inside.items() if seen[w] >= min_count}
    return {w: round(r, 3) for w, r in rates.items() if r >= 0.05}


_DETERMINERS = frozenset(
    ["the", "a", "an", "this", "that", "these", "those", "his", "her", "their", "its", "our"]
)


def cap_runs(words: list[str]) -> tuple[list[str], list[int], list[int]]:
    """Each token's place in its run of capitalised words ("B", "I", "E", "S" or "-"), and for
    every token of a run (a determiner before one included) the index of the first token after
    the run and of the last one before it: a name's whole phrase sees the verb that governs it
    ("Senate Majority Leader Mitch McConnell *said*"), however long the name."""
    n = len(words)
    cap = [w[:1].isupper() and w[:1].isalpha() for w in words]
    place = ["-"] * n
    after = list(range(1, n + 1))
    before = list(range(-1, n - 1))
    i = 0
    while i < n:
        if not cap[i]:
            i += 1
            continue
        j = i
        while j < n and cap[j]:
            j += 1
        lo = i - 1 if i and words[i - 1].lower() in _DETERMINERS else i
        for k in range(lo, j):
            place[k] = "S" if j - i == 1 and k == i else "B" if k == i else "E" if k == j - 1 else "I"
            after[k], before[k] = j, lo - 1
        i = j
    return place, after, before


@dataclass(frozen=True)
class Extras:
    """Features added after the first models (the ``tagger`` entry of ``model.json``; a model
    without one sees none of them). ``context``: where the token stands in its paragraph and
    document, the cue words of its sentence, the quote state at the sentence's ends (``context.py``).
    ``clusters``: word clusters learnt from the training text (``clusters.py``)."""

    context: bool = False
    clusters: dict[str, tuple[int, ...]] | None = None


def document_features(
    text: str, toks: list[Tok], lexicon: Lexicon | None = None, extras: Extras | None = None
) -> list[dict[str, float | str]]:
    """One feature dict per token of the document (sequences are slices of it). ``lexicon``:
    the cue words learnt in training (``learn_lexicon``); without one, the rules' speech verbs."""
    words = [text[a:b] for a, b in toks]
    lower = [w.lower() for w in words]
    quotes = find_quotes(text)
    starts = [q.start for q in quotes]
    rate = [lexicon.get(w, 0.0) for w in lower] if lexicon else [float(w in VERBS) for w in lower]
    cues = [i for i, r in enumerate(rate) if r >= CUE_RATE]
    sentence_start = [
        i == 0 or words[i - 1] in _ENDS or "\n" in text[toks[i - 1][1] : toks[i][0]] for i in range(len(toks))
    ]
    # Sentence by sentence: is there a speech cue before / after this token in its sentence?
    cue_before: list[bool] = []
    seen = False
    for i in range(len(lower)):
        seen = (seen and not sentence_start[i]) or False
        cue_before.append(seen)
        seen = seen or rate[i] >= CUE_RATE
    cue_after = [False] * len(lower)
    seen = False
    for i in range(len(lower) - 1, -1, -1):
        cue_after[i] = seen
        seen = (seen or rate[i] >= CUE_RATE) and not sentence_start[i]
    place, after, before = cap_runs(words)
    position = 0
    feats: list[dict[str, float | str]] = []
    for i, (w, lw) in enumerate(zip(words, lower, strict=True)):
        q = bisect_right(starts, toks[i][0]) - 1
        inside = q >= 0 and toks[i][1] <= quotes[q].end
        j = bisect_right(cues, i)
        left = i - cues[j - 1] if j else 99
        right = cues[j] - i if j < len(cues) else 99
        position = 0 if sentence_start[i] else position + 1
        nxt, prv = after[i], before[i]
        f: dict[str, float | str] = {
            "w": lw,
            "run": place[i],
            "sent_pos": _bucket(position),
            "shape": shape(w),
            "p3": lw[:3],
            "s3": lw[-3:],
            "title": float(w[:1].isupper()),
            "quote_mark": float(w in QUOTE_MARKS),
            "in_quote": float(inside),
            "cue": rate[i],
            "pron": float(w in PRONOUNS or lw in _PERSONAL),
            "title_word": float(w.rstrip(".") in TITLES),
            "cue_left": _bucket(left),
            "cue_right": _bucket(right),
            "sent_start": float(sentence_start[i]),
            "cue_before_in_sentence": float(cue_before[i]),
            "cue_after_in_sentence": float(cue_after[i]),
            "bi-": f"{lower[i - 1] if i else '<s>'}|{lw}",
            "bi+": f"{lw}|{lower[i + 1] if i + 1 < len(lower) else '</s>'}",
        }
        if place[i] != "-":
            f["run_next"] = lower[nxt] if nxt < len(lower) else "</s>"
            f["run_prev"] = lower[prv] if prv >= 0 else "<s>"
            f["run_next_cue"] = rate[nxt] if nxt < len(lower) else 0.0
        for k in (-3, -2, -1, 1, 2, 3):
            n = i + k
            if 0 <= n < len(words):
                f[f"w{k}"] = lower[n]
                f[f"cue{k}"] = rate[n]
                f[f"title{k}"] = float(words[n][:1].isupper())
                f[f"q{k}"] = float(words[n] in QUOTE_MARKS)
            else:
                f[f"w{k}"] = "<s>" if n < 0 else "</s>"
        feats.append(f)
    if extras is not None and extras.context:
        add_context(text, toks, lower, rate, sentence_start, feats)
    if extras is not None and extras.clusters:
        add_clusters(lower, after, place, extras.clusters, feats)
    return feats


def add_clusters(
    lower: list[str],
    after: list[int],
    place: list[str],
    clusters: dict[str, tuple[int, ...]],
    feats: list[dict[str, float | str]],
) -> None:
    """Each token's word clusters, its neighbours' and those of the word after its capitalised
    run (the verb that governs a name)."""
    none: tuple[int, ...] = ()
    ids = [clusters.get(w, none) for w in lower]
    for i, f in enumerate(feats):
        for k in (-1, 0, 1):
            n = i + k
            if 0 <= n < len(ids):
                for size, c in enumerate(ids[n]):
                    f[f"c{size}{k:+d}"] = str(c)
        if place[i] != "-" and after[i] < len(ids):
            for size, c in enumerate(ids[after[i]]):
                f[f"run_next_c{size}"] = str(c)

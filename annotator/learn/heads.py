"""Cutting a content's head: "NAME cue-verb ..." or "NAME: ..." tagged as one content.

The token tagger gives each token one label, and in headlines, leads and transcripts it runs
the source, its cue and the content together as one content ("Mayor Ruiz vows to ...",
"RUIZ: Well, ..."), although in an attribution corpus a source is never inside its own content.
This decoding step looks at the first tokens of each predicted content: a source-like run (a
capitalised name or title phrase, a pronoun, or a short "the official"-type noun phrase)
followed by a learnt cue word (and "that"), or a capitalised run followed by a colon. The
content then starts after the cue, and the run becomes its source.

A head opening a sentence inside a content splits it too (a transcript's "RUIZ: ... LIND: ...").
The cue words are learnt from the training layer's own cue spans (``learn_head_cues``) and kept
when they cut rightly at the training text's sentence openings (``learn_heads``); which forms
cut is ``DEFAULT_FORMS`` (chosen on a development split). A model trained before this step has
no ``heads`` entry in its ``model.json`` and decodes as before.
"""

from __future__ import annotations

from bisect import bisect_left
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from annotator.learn.features import QUOTE_MARKS, TOKEN, Tok, tokenize
from annotator.learn.sources import _ABBREVIATIONS, Context
from annotator.suggest.cues import PRONOUNS, TITLES

Span = tuple[int, int, str]
MAX_RUN = 6  # tokens of a source-like run at a content's start
MAX_PHRASE = 4  # tokens of a "the official"-type phrase, its determiner included
MIN_REST = 2  # tokens the content keeps after its head
_DETERMINERS = frozenset(["the", "a", "an", "his", "her", "their", "its", "our"])
_CONNECTORS = frozenset(["of", "the", "for", "and", "de", "von", "van"])
_SKIP = frozenset(["that", ":", ","])
# capitalised at a sentence's start, but no one's name: closed-class words
_NOT_NAMES = frozenset(
    [
        "i",
        "you",
        "we",
        "it",
        "this",
        "that",
        "these",
        "those",
        "there",
        "here",
        "nobody",
        "everyone",
        "everybody",
        "someone",
        "my",
        "your",
        "our",
    ]
)
_PRONOUNS = frozenset(p.lower() for p in PRONOUNS)
FORMS = ("name", "pronoun", "phrase", "colon")


@dataclass(frozen=True)
class Head:
    """A cut: the source run's characters and where the content now starts."""

    source_start: int
    source_end: int
    content_start: int
    form: str  # "name", "pronoun", "phrase" (followed by a cue) or "colon"
    cue: str  # the cue's first word (lower case), or ":"


def learn_head_cues(
    docs: Iterable[tuple[str, Iterable[tuple[int, int]]]], min_count: int = 3, min_rate: float = 0.3
) -> list[str]:
    """The words that stand inside the training layer's cue spans in at least ``min_rate`` of
    their occurrences (seen at least ``min_count`` times): the verbs a head's source uses."""
    seen: Counter[str] = Counter()
    inside: Counter[str] = Counter()
    for text, cues in docs:
        seen.update(w.lower() for w in TOKEN.findall(text))
        at: dict[int, str] = {}
        for a, b in cues:
            at.update((a + m.start(), m.group().lower()) for m in TOKEN.finditer(text[a:b]))
        inside.update(at.values())
    return sorted(w for w, n in inside.items() if seen[w] >= min_count and n / seen[w] >= min_rate)


def _capital(word: str) -> bool:
    return word[:1].isupper() and word[:1].isalpha()


def _name_goes_on(words: Sequence[str], k: int) -> bool:
    """Does the capitalised run go on at token ``k``: a capitalised word, a connector between
    two ("Secretary of State"), or the period of an abbreviation ("Mr. Stone", "J. Doe")?"""
    w = words[k]
    if _capital(w):
        return True
    nxt = k + 1 < len(words) and _capital(words[k + 1])
    if w in _CONNECTORS:
        return nxt
    return w == "." and nxt and (words[k - 1].lower() in _ABBREVIATIONS or len(words[k - 1]) == 1)


def _run(words: Sequence[str], lo: int) -> tuple[int, str] | None:
    """The end (exclusive) and form of a source-like run starting at token ``lo``, if any:
    its longest version, the caller trying shorter ones for the cue."""
    first = words[lo]
    if first.lower() in _PRONOUNS:
        return lo + 1, "pronoun"
    if _capital(first) and first.lower() not in _DETERMINERS and first.lower() not in _NOT_NAMES:
        k = lo + 1
        while k < len(words) and k - lo < MAX_RUN and _name_goes_on(words, k):
            k += 1
        return k, "name"
    if first.lower() in _DETERMINERS:
        k = lo + 1
        while k < len(words) and k - lo < MAX_PHRASE and words[k].isalpha():
            k += 1
        return (k, "phrase") if k > lo + 1 else None
    return None


def find_head(
    text: str, toks: Sequence[Tok], lo: int, hi: int, cues: frozenset[str], forms: frozenset[str]
) -> Head | None:
    """The head to cut from the content of tokens [lo, hi), if it starts with one."""
    words = [text[a:b] for a, b in toks[lo:hi]]
    first = 0
    while first < len(words) and words[first] in QUOTE_MARKS:
        first += 1
    if len(words) - first < MIN_REST + 2:
        return None
    found = _run(words, first)
    if found is None:
        return None
    end, form = found
    # "NAME: ..." (a transcript's speaker): a colon right after a short capitalised run
    if form == "name" and end < len(words) and words[end] == ":" and end - first <= 4:
        return _cut(toks, words, lo, first, end, end + 1, "colon", ":", forms)
    # "SOURCE cue ...": the longest source-like prefix followed by a cue word
    for k in range(end, first, -1):
        if k < len(words) and words[k].lower() in cues:
            if form == "name" and k == first + 1 and words[first] in TITLES:
                continue  # a lone title word ("President urges") is no name
            after = k + 1  # a cue of several words ("also said", "told reporters") goes whole
            while after < min(len(words), k + 3) and words[after].lower() in cues:
                after += 1
            return _cut(toks, words, lo, first, k, after, form, words[k].lower(), forms)
    return None


def _cut(
    toks: Sequence[Tok],
    words: Sequence[str],
    lo: int,
    first: int,
    run_end: int,
    after: int,
    form: str,
    cue: str,
    forms: frozenset[str],
) -> Head | None:
    """The head whose run is the content's tokens [first, run_end) and whose content starts at
    token ``after`` (past a "that", colon or comma), if its form is one to cut and the content
    keeps some words."""
    if form not in forms:
        return None
    start = after
    while start < len(words) and start - after < 2 and words[start].lower() in _SKIP:
        start += 1
    if len(words) - start < MIN_REST:
        return None
    return Head(toks[lo + first][0], toks[lo + run_end - 1][1], toks[lo + start][0], form, cue)


def _opens(text: str, toks: Sequence[Tok]) -> list[bool]:
    """Which tokens open a sentence (or follow a colon: "Latest: NAME urges ..."), a quote mark
    before one included: where a content with no source before it can start."""
    words = [text[a:b] for a, b in toks]
    out = list(Context(text, None, list(toks)).starts_sentence)
    for i in range(1, len(out)):
        out[i] = out[i] or words[i - 1] == ":" or (words[i - 1] in QUOTE_MARKS and out[i - 1])
    return out


Piece = tuple[int, int, "Head | None"]  # a content's piece (characters) and the head cut from it


def cut_heads(
    text: str,
    toks: Sequence[Tok],
    spans: list[Span],
    content_label: str,
    cues: frozenset[str],
    forms: frozenset[str],
) -> dict[Span, list[Piece]]:
    """The contents of ``spans`` that hold a head, each with the pieces it becomes: a head
    opens a sentence inside the content or the content itself ("RUIZ: Yes. LIND: No." is two
    contents and two sources). Only at a sentence's opening: a content inside a sentence ("Lind
    said *he fears ...*") has its source before it, and its "he fears" is part of what was said."""
    contents = [s for s in spans if s[2] == content_label]
    if not contents:
        return {}
    opens = _opens(text, toks)
    starts = [a for a, _b in toks]
    out: dict[Span, list[Piece]] = {}
    for span in contents:
        lo, hi = bisect_left(starts, span[0]), bisect_left(starts, span[1])
        pieces: list[Piece] = []
        begin, current = span[0], None
        for i in range(lo, hi):
            if not opens[i] or text[toks[i][0] : toks[i][1]] in QUOTE_MARKS or toks[i][0] < begin:
                continue
            head = find_head(text, toks, i, hi, cues, forms)
            if head is None:
                continue
            end = _end_before(text, toks, i, lo)
            if end is not None and end > begin:
                pieces.append((begin, end, current))
            begin, current = head.content_start, head
        if current is not None:
            out[span] = [*pieces, (begin, span[1], current)]
    return out


def _end_before(text: str, toks: Sequence[Tok], i: int, lo: int) -> int | None:
    """Where the piece before token ``i`` ends: before the quote marks that open ``i``'s sentence."""
    q = i - 1
    while (
        q >= lo
        and text[toks[q][0] : toks[q][1]] in QUOTE_MARKS
        and text[toks[q][0] - 1 : toks[q][0]].isspace()
    ):
        q -= 1
    return toks[q][1] if q >= lo else None


def learn_heads(
    docs: Iterable[tuple[str, Sequence[tuple[int, int]], Sequence[tuple[int, int]]]],
    min_count: int = 3,
    min_precision: float = 0.5,
) -> dict[str, Any]:
    """The cue words and head forms to cut with, learnt from the training layer (each document's
    text, its cue spans, its source spans): every sentence is taken for a content, and a cue
    word or form is kept when the head it cuts is a source in at least ``min_precision`` of the
    sentences it cuts (and cuts at least ``min_count``). The words come from the cue spans."""
    docs = list(docs)
    candidates = frozenset(learn_head_cues((text, cues) for text, cues, _s in docs))
    every = frozenset(FORMS)
    cut: Counter[str] = Counter()
    right: Counter[str] = Counter()
    for text, _cues, sources in docs:
        toks = tokenize(text)
        if not toks:
            continue
        starts = [i for i, yes in enumerate(_opens(text, toks)) if yes]
        for lo, hi in zip(starts, [*starts[1:], len(toks)], strict=True):
            head = find_head(text, toks, lo, hi, candidates, every)
            if head is None:
                continue
            hit = any(a < head.source_end and head.source_start < b for a, b in sources)
            for key in (f"form:{head.form}", f"cue:{head.cue}"):
                cut[key] += 1
                right[key] += hit
    kept = [k for k, n in cut.items() if n >= min_count and right[k] / n >= min_precision]
    return {
        "cues": sorted(k[4:] for k in kept if k.startswith("cue:") and k != "cue::"),
        "forms": [f for f in FORMS if f"form:{f}" in kept],
        # what the forms cut in training, and how often rightly (for the record)
        "seen": {f: [cut[f"form:{f}"], right[f"form:{f}"]] for f in FORMS},
    }


# Chosen on PolNeAR's dev split (base model of 2026-12-05, ACTOR exact 0.663 without cuts): the
# colon form alone 0.666 (end-to-end speaker 0.594 -> 0.599, content exact 0.445 -> 0.447); the
# cue forms as learnt from train (name, pronoun, phrase) 0.662, with the colon 0.666. Train has
# no "NAME:" transcripts, so the colon form cannot be learnt there; it is the one kept.
DEFAULT_FORMS = ("colon",)
CUE_LABEL = "CUE"  # the label of the training layer's cue spans (the brat readers' "Cue")


def heads_entry(
    docs: Iterable[tuple[str, Sequence[tuple[int, int, str]], Sequence[tuple[int, int]]]],
    kind: tuple[str, str, str],
    forms: Sequence[str] = DEFAULT_FORMS,
) -> dict[str, object]:
    """The ``heads`` entry of a new model's ``model.json``: the relation type, content and source
    labels it cuts for, the forms it cuts, the cue words learnt from the training documents
    (their text, spans and cue spans) and what each form cut there."""
    rtype, content, source = kind
    learnt = learn_heads(
        (text, cues, [(a, b) for a, b, label in spans if label == source]) for text, spans, cues in docs
    )
    return {"type": rtype, "content": content, "source": source, **learnt, "forms": list(forms)}

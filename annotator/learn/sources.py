"""A second, cue-anchored pass: the source of a content the tagger left without one.

PolNeAR-style corpora attribute beliefs and actions as well as speech ("Republicans *fear*
that ..."), so many sources stand beside no speech verb the token tagger knows, and the tagger
misses them. Here each content is its own short sequence: the rest of its sentence before it and
after it, every token described relative to that content (side, distance, the cue words between
them, the word after its capitalised phrase). A small CRF trained on the corpus's own linked
sources tags that window; its best span is the content's source, boundaries included (a CRF
learns "the", titles like "Secretary of State" and where a name ends from the spans themselves).

A second feature set (``FEATURES``, recorded per model; older models decode with the first) adds
what lies between a token and the content (a quote mark, a sentence end, how many names), the
anchoring cue's stem and the nearest cue on either side: on PolNeAR's dev split the pass finds
the exact source of 68.3 % of the gold contents instead of 67.0 %. Where its span overlaps an
actor the tagger is unsure of (``own_below``), the pass's boundaries win (``model.py``).

With a parser (``syntax.py``; a model records which), every window token also carries its
dependency path to the content and whether it is in the subject of the content's verb: on
PolNeAR's dev split, the exact source of 73.3 % of the gold contents instead of 68.3 %.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path

import pycrfsuite

from annotator.learn.features import (
    _DETERMINERS,
    CUE_RATE,
    QUOTE_MARKS,
    Lexicon,
    Tok,
    cap_runs,
    shape,
    tokenize,
)
from annotator.learn.syntax import Parse, Tree, load_parser
from annotator.suggest.cues import PRONOUNS, TITLES
from annotator.suggest.quotes import find_quotes

Span = tuple[int, int, str]
BEFORE = 50  # tokens before a content looked at (at most: the window stops at its sentence's start)
AFTER = 20  # tokens after it (the window stops at the next sentence)
_ENDS = frozenset(".!?")
# A period after these ends no sentence ("Mr. Trump said", "Sen. Warren"): a window cut there
# would lose the source's first words.
_ABBREVIATIONS = frozenset(
    [
        "mr",
        "mrs",
        "ms",
        "dr",
        "sen",
        "rep",
        "gov",
        "gen",
        "lt",
        "col",
        "sgt",
        "st",
        "jr",
        "sr",
        "prof",
        "rev",
        "hon",
        "pres",
        "sec",
        "atty",
        "dept",
        "corp",
        "inc",
        "co",
        "no",
        "vs",
    ]
)
_TAG = "SRC"
# The feature set new models are trained with (``model.json``'s ``features``); models without
# the entry were trained with the first and decode with it.
FEATURES = 2
_DETS = _DETERMINERS | {"some", "many", "two", "three"}  # before a "the NOUN" source


def _lemma(word: str) -> str:
    """A crude stem, so "warned" / "warns" / "warning" anchor alike."""
    for end in ("ing", "ed", "es", "s"):
        if word.endswith(end) and len(word) - len(end) >= 3:
            return word[: -len(end)]
    return word


class Context:
    """What every content of one document shares: its tokens, words and sentence starts."""

    def __init__(
        self,
        text: str,
        lexicon: Lexicon | None,
        toks: Sequence[Tok] | None = None,
        version: int = 1,
        parse: Parse | None = None,
    ) -> None:
        self.text, self.version = text, version
        self.toks = list(toks) if toks is not None else tokenize(text)
        self.tree = Tree(parse, self.toks) if parse is not None else None
        self.words = [text[a:b] for a, b in self.toks]
        self.lower = [w.lower() for w in self.words]
        lex = lexicon or {}
        self.rate = [lex.get(w, 0.0) for w in self.lower]
        self.cue = [r >= CUE_RATE for r in self.rate]
        self.starts_sentence = [
            i == 0
            or "\n" in text[self.toks[i - 1][1] : self.toks[i][0]]
            or (
                self.words[i - 1] in _ENDS
                and self.words[i] not in QUOTE_MARKS
                and not w[:1].islower()
                and not (i > 1 and self.words[i - 1] == "." and _abbreviation(self.words[i - 2]))
            )
            for i, w in enumerate(self.words)
        ]
        self.place, self.after_run, _before = cap_runs(self.words)
        self._starts = [a for a, _b in self.toks]
        self.inside_quote = [False] * len(self.toks)
        if version >= 2:  # a source seldom stands inside a quotation
            for q in find_quotes(text):
                a, b = self.tokens_of(q.start, q.end)
                self.inside_quote[a:b] = [True] * (b - a)

    def tokens_of(self, start: int, end: int) -> tuple[int, int]:
        """The token range [lo, hi) a character span covers."""
        from bisect import bisect_left, bisect_right

        lo = bisect_right(self._starts, start) - 1
        if lo < 0 or self.toks[lo][1] <= start:
            lo += 1
        return lo, max(lo, bisect_left(self._starts, end))

    def window(self, lo: int, hi: int) -> list[int]:
        """Token indices around the content [lo, hi): its sentence before it, the rest after."""
        j = lo
        while j > 0 and not self.starts_sentence[j] and lo - j < BEFORE:
            j -= 1
        k = hi
        while k < len(self.toks) and not self.starts_sentence[k] and k - hi < AFTER:
            k += 1
        return [*range(j, lo), *range(hi, k)]

    def features(self, lo: int, hi: int, window: list[int]) -> list[dict[str, float | str]]:
        """Each window token's features relative to the content [lo, hi)."""
        lw, rate, cue, n = self.lower, self.rate, self.cue, len(self.toks)
        out: list[dict[str, float | str]] = []
        # the nearest cue between each token and the content, counted from the content outwards
        for i in window:
            before = i < lo
            between = range(i + 1, lo) if before else range(hi, i)
            cues_between = [k for k in between if cue[k]]
            commas = sum(lw[k] == "," for k in between)
            dist = lo - i if before else i - hi + 1
            nxt = self.after_run[i]
            f: dict[str, float | str] = {
                "w": lw[i],
                "shape": shape(self.words[i]),
                "s3": lw[i][-3:],
                "title": float(self.words[i][:1].isupper()),
                "pron": float(self.words[i] in PRONOUNS),
                "title_word": float(self.words[i].rstrip(".") in TITLES),
                "cue": rate[i],
                "side": "B" if before else "A",
                "dist": _bucket(dist),
                "side_dist": f"{'B' if before else 'A'}{_bucket(dist)}",
                "cues_between": min(len(cues_between), 2),
                "commas": min(commas, 2),
                "quote": float(self.words[i] in QUOTE_MARKS),
                "run": self.place[i],
                "sent_start": float(self.starts_sentence[i]),
                "bi-": f"{lw[i - 1] if i else '<s>'}|{lw[i]}",
                "bi+": f"{lw[i]}|{lw[i + 1] if i + 1 < n else '</s>'}",
                "side_w": f"{'B' if before else 'A'}|{lw[i]}",
            }
            if cues_between:  # the cue that anchors this token to the content, by its word
                f["anchor"] = lw[cues_between[-1] if before else cues_between[0]]
            if self.place[i] != "-":
                f["run_next"] = lw[nxt] if nxt < n else "</s>"
                f["run_next_cue"] = rate[nxt] if nxt < n else 0.0
                f["run_next_is_content"] = float(nxt == lo)
            for k in (-3, -2, -1, 1, 2, 3):
                m = i + k
                f[f"w{k}"] = lw[m] if 0 <= m < n else "<s>" if m < 0 else "</s>"
                f[f"cue{k}"] = rate[m] if 0 <= m < n else 0.0
            f["next_is_content"] = float(i + 1 == lo)
            if self.version >= 2:
                self._more(f, i, before, cues_between, between)
            out.append(f)
        if self.tree is not None and hi > lo:
            content = (self.toks[lo][0], self.toks[hi - 1][1])
            for f, more in zip(out, self.tree.source_features(self.text, content, window), strict=True):
                f.update(more)
        return out

    def _more(
        self,
        f: dict[str, float | str],
        i: int,
        before: bool,
        cues_between: list[int],
        between: range,
    ) -> None:
        """The second feature set: what lies between a token and the content (a quote mark, a
        sentence end, the anchoring cue's stem and distance, how many names or pronouns), the
        token's shape on its side, a determiner before it, the nearest cue on either side of it."""
        lw, words, side, n = self.lower, self.words, "B" if before else "A", len(self.toks)
        f["q_between"] = float(any(words[k] in QUOTE_MARKS for k in between))
        f["end_between"] = float(any(words[k] in _ENDS for k in between))
        if cues_between:
            a = cues_between[-1] if before else cues_between[0]
            f["anchor_side"] = f"{side}|{_lemma(lw[a])}"
            f["anchor_dist"] = _bucket(abs(a - i))
            f["anchor_rel"] = "L" if a < i else "R"
        runs = sum(self.place[k] in ("B", "S") or words[k] in PRONOUNS for k in between)
        f["runs_between"] = f"{side}{min(runs, 3)}"
        f["side_shape"] = f"{side}|{shape(words[i])}"
        f["side_pron"] = f"{side}|{words[i] in PRONOUNS}"
        f["side_run"] = f"{side}|{self.place[i]}|{_bucket(len(between))}"
        prev = lw[i - 1] if i else "<s>"
        f["prev_det"] = float(prev in _DETS)
        f["det_noun"] = float(prev in _DETS and words[i][:1].islower())
        f["title_run"] = float(words[i].rstrip(".") in TITLES and self.place[i] != "-")
        right = next((k for k in range(i + 1, min(n, i + 8)) if self.cue[k]), None)
        left = next((k for k in range(i - 1, max(-1, i - 8), -1) if self.cue[k]), None)
        f["cue_r"] = _bucket(right - i) if right is not None else "-"
        f["cue_l"] = _bucket(i - left) if left is not None else "-"
        if right is not None:
            f["cue_r_w"] = _lemma(lw[right])
        f["in_quote"] = float(self.inside_quote[i])


def _abbreviation(word: str) -> bool:
    return word.lower() in _ABBREVIATIONS or (len(word) == 1 and word.isupper())


def _bucket(n: int) -> str:
    return str(n) if n < 4 else "4-7" if n < 8 else "8-15" if n < 16 else "16+"


def _tags(ctx: Context, window: list[int], source: Span | None) -> list[str]:
    tags = ["O"] * len(window)
    if source is None:
        return tags
    a, b = ctx.tokens_of(source[0], source[1])
    first = True
    for p, i in enumerate(window):
        if a <= i < b:
            tags[p] = f"B-{_TAG}" if first else f"I-{_TAG}"
            first = False
    return tags


Example = tuple[str, list[tuple[Span, Span | None]]]  # a text, its contents and each one's source


def train_sources(
    examples: Iterable[Example],
    path: Path,
    *,
    lexicon: Lexicon | None,
    seconds: float,
    clock: Callable[[], float] = time.monotonic,
    max_iterations: int = 60,
    version: int = 1,
    parses: Sequence[Parse] | None = None,
) -> int:
    """Train the pass's CRF into ``path``: one sequence per content (its window, its source).
    ``parses``: each example's parse, in order (a pass with syntax features)."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for n, (text, contents) in enumerate(examples):
        ctx = Context(text, lexicon, version=version, parse=parses[n] if parses is not None else None)
        for content, source in contents:
            lo, hi = ctx.tokens_of(content[0], content[1])
            window = ctx.window(lo, hi)
            if window:
                trainer.append(ctx.features(lo, hi, window), _tags(ctx, window, source))
    trainer.set_params({"c1": 0.05, "c2": 0.01, "max_iterations": 3, "feature.possible_transitions": True})
    began = clock()
    trainer.train(str(path))
    per_iteration = max((clock() - began) / 3, 1e-3)
    iterations = min(max_iterations, int(max(10, (seconds - (clock() - began)) / per_iteration)))
    trainer.set_params({"max_iterations": iterations})
    trainer.train(str(path))
    return len(trainer.logparser.iterations) or iterations


class SourcePass:
    """A trained pass: ``find`` proposes the source of one content. ``parser``: the pipeline
    its syntax features come from (``context`` parses with it)."""

    def __init__(
        self,
        path: Path,
        lexicon: Lexicon | None,
        label: str,
        *,
        min_score: float = 0.0,
        min_start: float = 1.0,
        override: float = 2.0,
        version: int = 1,
        own_below: float = 0.0,
        parser: str | None = None,
    ) -> None:
        self.lexicon, self.label, self.version, self.own_below = lexicon, label, version, own_below
        self.parser = load_parser(parser) if parser else None
        self._parsed: tuple[str, Parse] | None = None
        self.min_score, self.min_start, self.override = min_score, min_start, override
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(path))

    def context(self, text: str, toks: Sequence[Tok]) -> Context:
        """What the contents of ``text`` share, parsed if the pass was trained with a parser."""
        parse = None
        if self.parser is not None:  # one text's parse kept: ``evaluate`` decodes each text twice
            if self._parsed is None or self._parsed[0] != text:
                self._parsed = (text, self.parser.parse(text))
            parse = self._parsed[1]
        return Context(text, self.lexicon, toks, self.version, parse)

    def find(self, ctx: Context, content: Span) -> tuple[int, int, float] | None:
        """The best source span (start, end, mean marginal) of ``content`` in its window, if any."""
        lo, hi = ctx.tokens_of(content[0], content[1])
        window = ctx.window(lo, hi)
        if not window:
            return None
        self.tagger.set(ctx.features(lo, hi, window))
        tags = self.tagger.tag()
        best: tuple[int, int, float] | None = None
        p = 0
        while p < len(tags):
            if tags[p] == "O":
                p += 1
                continue
            q = p + 1
            while q < len(tags) and tags[q] == f"I-{_TAG}" and window[q] == window[q - 1] + 1:
                q += 1
            score = sum(self.tagger.marginal(tags[k], k) for k in range(p, q)) / (q - p)
            if best is None or score > best[2]:
                best = (ctx.toks[window[p]][0], ctx.toks[window[q - 1]][1], score)
            p = q
        if best is None:  # no source on the best path: the likeliest start, if likely enough
            best = self._likeliest(ctx, window)
        return best if best is not None and best[2] >= self.min_score else None

    def _likeliest(self, ctx: Context, window: list[int]) -> tuple[int, int, float] | None:
        starts = [self.tagger.marginal(f"B-{_TAG}", k) for k in range(len(window))]
        p = max(range(len(window)), key=starts.__getitem__)
        if starts[p] < self.min_start:
            return None
        q = p + 1
        while (
            q < len(window) and window[q] == window[q - 1] + 1 and self.tagger.marginal(f"I-{_TAG}", q) >= 0.5
        ):
            q += 1
        return ctx.toks[window[p]][0], ctx.toks[window[q - 1]][1], starts[p]


def examples_of(
    text: str, spans: Sequence[Span], links: Sequence[tuple[Span, Span]], content_label: str
) -> Example:
    """A document's contents (of ``content_label``) with the source each is linked to, or None."""
    source = {a: b for a, b in links}
    return text, [(s, source.get(s)) for s in spans if s[2] == content_label]

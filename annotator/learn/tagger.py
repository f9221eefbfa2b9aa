"""BIO sequence tagging with a linear-chain CRF (python-crfsuite), one CRF per tier of labels.

A CRF tags each token with one tag, so labels whose spans overlap (an ACTOR inside a QUOTE) go
to different tiers; labels that never overlap share one, which is faster and lets them compete.
Span scores are the mean marginal probability of their tags: the uncertainty active learning
reads.
"""

from __future__ import annotations

import json
import time
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

import pycrfsuite

from annotator.learn.clusters import load_clusters
from annotator.learn.features import Extras, Lexicon, Tok, document_features, paragraphs, sequences, tokenize

Span = tuple[int, int, str]


@dataclass(frozen=True)
class Tagged:
    start: int
    end: int
    label: str
    score: float


def tiers(docs: Iterable[Sequence[Span]], labels: Sequence[str], tolerance: float = 0.01) -> list[list[str]]:
    """Group labels so that no two in a group overlap in more than ``tolerance`` of their spans."""
    count = dict.fromkeys(labels, 0)
    clash: dict[frozenset[str], int] = {}
    for spans in docs:
        ordered = sorted(s for s in spans if s[2] in count)
        for i, (_start, end, label) in enumerate(ordered):
            count[label] += 1
            for other in ordered[i + 1 :]:
                if other[0] >= end:
                    break
                if other[2] != label:
                    pair = frozenset((label, other[2]))
                    clash[pair] = clash.get(pair, 0) + 1

    def fits(label: str, group: list[str]) -> bool:
        limit = tolerance * min(count[label], *(count[g] for g in group))
        return all(clash.get(frozenset((label, g)), 0) <= limit for g in group)

    groups: list[list[str]] = []
    for label in labels:
        home = next((g for g in groups if fits(label, g)), None)
        if home is None:
            groups.append([label])
        else:
            home.append(label)
    return groups


def encode(toks: Sequence[Tok], spans: Iterable[Span], labels: Sequence[str]) -> list[str]:
    """BIO tags of the tokens; a token belongs to the first span (by start) that covers it."""
    tags = ["O"] * len(toks)
    starts = [t[0] for t in toks]
    for start, end, label in sorted(s for s in spans if s[2] in labels):
        lo = bisect_right(starts, start) - 1
        if lo < 0 or toks[lo][1] <= start:
            lo += 1
        hi = bisect_left(starts, end)
        if lo >= hi or any(t != "O" for t in tags[lo:hi]):
            continue
        tags[lo] = f"B-{label}"
        for i in range(lo + 1, hi):
            tags[i] = f"I-{label}"
    return tags


def decode(toks: Sequence[Tok], tags: Sequence[str], marginals: Sequence[float]) -> list[Tagged]:
    out: list[Tagged] = []
    i = 0
    while i < len(tags):
        if tags[i] == "O":
            i += 1
            continue
        label = tags[i][2:]
        j = i + 1
        while j < len(tags) and tags[j] == f"I-{label}":
            j += 1
        score = sum(marginals[i:j]) / (j - i)
        out.append(Tagged(toks[i][0], toks[j - 1][1], label, round(score, 4)))
        i = j
    return out


def train_tier(
    docs: Iterable[tuple[str, Sequence[Span]]],
    labels: Sequence[str],
    path: Path,
    *,
    seconds: float,
    progress: Callable[[str], None] | None = None,
    lexicon: Lexicon | None = None,
    clock: Callable[[], float] = time.monotonic,
    max_iterations: int = 150,
    extras: Extras | None = None,
    params: dict[str, float | bool] | None = None,
    empty: Iterable[tuple[str, Sequence[tuple[int, int]]]] = (),
) -> int:
    """Train one tier's CRF into ``path`` within about ``seconds``; returns the iterations run.

    ``empty``: texts and the character ranges of paragraphs known to hold none of the tier's
    labels (``empty_paragraphs``: rejected suggestions where the layer has no labels); they train
    as outside every label.

    crfsuite cannot stop mid-training, so a 3-iteration probe measures the cost of one iteration
    and the real run gets as many as the time allows (at most ``max_iterations``). ``clock``: wall time, or
    ``time.process_time`` for a budget of CPU time that does not shrink on a busy machine."""
    trainer = pycrfsuite.Trainer(verbose=False)
    for text, spans in docs:
        toks = tokenize(text)
        feats = document_features(text, toks, lexicon, extras)
        tags = encode(toks, spans, labels)
        for lo, hi in sequences(text, toks):
            trainer.append(feats[lo:hi], tags[lo:hi])
    for text, ranges in empty:
        wanted = set(ranges)
        toks = tokenize(text)
        feats = document_features(text, toks, lexicon, extras)
        for lo, hi in paragraphs(text, toks):
            if (toks[lo][0], toks[hi - 1][1]) in wanted:
                trainer.append(feats[lo:hi], ["O"] * (hi - lo))
    trainer.set_params({**PARAMS, **(params or {}), "max_iterations": 3})
    began = clock()
    trainer.train(str(path))
    per_iteration = max((clock() - began) / 3, 1e-3)
    iterations = min(max_iterations, int(max(10, (seconds - (clock() - began)) / per_iteration)))
    if progress:
        progress(f"training {'/'.join(labels)}: {iterations} iterations (~{per_iteration:.2f} s each)")
    trainer.set_params({"max_iterations": iterations})
    trainer.train(str(path))
    return len(trainer.logparser.iterations) or iterations


def empty_paragraphs(
    text: str, rejected: Iterable[Span], kept: Iterable[Span], labels: Sequence[str]
) -> list[tuple[int, int]]:
    """The character ranges of the paragraphs that hold a rejected span
    of ``labels`` and no kept one (a suggestion left open or accepted: maybe right)."""
    toks = tokenize(text)
    no = [(s, e) for s, e, label in rejected if label in labels]
    maybe = [(s, e) for s, e, label in kept if label in labels]
    out = []
    for lo, hi in paragraphs(text, toks):
        a, b = toks[lo][0], toks[hi - 1][1]
        if any(s < b and a < e for s, e in no) and not any(s < b and a < e for s, e in maybe):
            out.append((a, b))
    return out


PARAMS: dict[str, float | bool] = {"c1": 0.05, "c2": 0.01, "feature.possible_transitions": True}
TAGGER = "tagger"  # the model.json entry of the features added after the first models
CLUSTERS = "clusters.json"


def tagger_entry(extras: Extras) -> dict[str, bool | str]:
    """What ``model.json`` records of the extras (the clusters go to their own file)."""
    return {"context": extras.context, **({"clusters": CLUSTERS} if extras.clusters else {})}


def folder_extras(folder: Path) -> Extras | None:
    """The extras a model folder's tiers were trained with; None for models from before them."""
    meta = folder / "model.json"
    entry = json.loads(meta.read_text(encoding="utf-8")).get(TAGGER) if meta.is_file() else None
    if not entry:
        return None
    clusters = load_clusters(folder / entry["clusters"]) if entry.get("clusters") else None
    return Extras(context=bool(entry.get("context")), clusters=clusters)


class CrfTier:
    """A trained tier, ready to tag documents; it reads the features it was trained with from
    its folder's ``model.json`` unless given them."""

    def __init__(self, path: Path, lexicon: Lexicon | None = None, extras: Extras | None = None) -> None:
        self.lexicon = lexicon
        self.extras = extras if extras is not None else folder_extras(path.parent)
        self.tagger = pycrfsuite.Tagger()
        self.tagger.open(str(path))

    def tag(self, text: str, toks: Sequence[Tok] | None = None) -> list[Tagged]:
        toks = list(toks) if toks is not None else tokenize(text)
        feats = document_features(text, toks, self.lexicon, self.extras)
        out: list[Tagged] = []
        for lo, hi in sequences(text, toks):
            self.tagger.set(feats[lo:hi])
            tags = self.tagger.tag()
            marginals = [self.tagger.marginal(t, i) for i, t in enumerate(tags)]
            out.extend(decode(toks[lo:hi], tags, marginals))
        return out


RECALL = "recall"  # the model.json entry of the second content tier (``add_missing``)


def add_missing(
    tagged: Sequence[Tagged], extra: Iterable[Tagged], label: str, min_score: float
) -> list[Tagged]:
    """``tagged`` and the spans of ``label`` in ``extra`` (a second tier's) that score at least
    ``min_score`` and overlap none of ``label`` in ``tagged``: a tier trained otherwise finds
    contents the first misses (its own are kept where both find one), sorted by offsets."""
    mine = [t for t in tagged if t.label == label]
    added = [
        t
        for t in extra
        if t.label == label
        and t.score >= min_score
        and not any(m.start < t.end and t.start < m.end for m in mine)
    ]
    return sorted([*tagged, *added], key=lambda t: (t.start, t.end))

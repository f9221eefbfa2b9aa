"""Who said it: a classifier over (quote, candidate actor) pairs, one per relation type.

Attribution systems anchor the speaker on the cue ("..., Varga said"), so the pair features are
about position: after or before the quote, how near (and nearest or not), in the same sentence
or paragraph, a speech verb between them or beside the candidate, a pronoun, inside another
quote. A small logistic regression (numpy) scores each pair; a quote takes its best candidate.
"""

from __future__ import annotations

import math
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from annotator.learn.features import VERBS
from annotator.suggest.cues import PRONOUNS

Span = tuple[int, int, str]
WINDOW = 600  # characters either side of a quote where its speaker is looked for
_SENTENCE_END = re.compile(r"[.!?][\"'”’»]*\s+[\"'“‘«]?[A-Z]")
_WORD = re.compile(r"\w+")


def _bucket(n: int, edges: Sequence[int]) -> int:
    return next((i for i, e in enumerate(edges) if n < e), len(edges))


def pair_features(
    text: str, quote: Span, cand: Span, rank: int, side_rank: int, inside: bool
) -> dict[str, float]:
    after = cand[0] >= quote[1]
    a, b = (quote[1], cand[0]) if after else (cand[1], quote[0])
    between = text[a:b] if b > a else ""
    words = [w.lower() for w in _WORD.findall(between)]
    near = [w.lower() for w in _WORD.findall(text[max(0, cand[0] - 30) : cand[1] + 30])]
    f = {
        "bias": 1.0,
        "after": float(after),
        f"dist{_bucket(len(words), (1, 2, 4, 8, 16, 32))}": 1.0,
        f"rank{min(rank, 3)}": 1.0,
        f"side_rank{'A' if after else 'B'}{min(side_rank, 2)}": 1.0,
        "same_sentence": float(_SENTENCE_END.search(between) is None),
        "same_paragraph": float("\n\n" not in between and "\n \n" not in between),
        "cue_between": float(any(w in VERBS for w in words)),
        "cue_near": float(any(w in VERBS for w in near)),
        "according": float("according" in near),
        "pronoun": float(text[cand[0] : cand[1]] in PRONOUNS),
        "in_quote": float(inside),
        "capital": float(text[cand[0] : cand[0] + 1].isupper()),
    }
    f[f"after_cue_between{int(after)}{int(f['cue_between'])}"] = 1.0
    return f


def candidates(
    text: str, quote: Span, actors: Sequence[Span], quotes: Sequence[Span]
) -> list[tuple[Span, dict[str, float]]]:
    """The actor spans near ``quote`` (not inside it) with their pair features."""
    near = [
        c
        for c in actors
        if not (quote[0] <= c[0] and c[1] <= quote[1])
        and c[0] < quote[1] + WINDOW
        and c[1] > quote[0] - WINDOW
    ]
    dist = [(c[0] - quote[1]) if c[0] >= quote[1] else (quote[0] - c[1]) for c in near]
    order = sorted(range(len(near)), key=lambda i: dist[i])
    rank = {i: r for r, i in enumerate(order)}
    side: dict[int, int] = {}
    for flag in (True, False):
        same = sorted(
            (i for i in range(len(near)) if (near[i][0] >= quote[1]) == flag), key=lambda i: dist[i]
        )
        side.update({i: r for r, i in enumerate(same)})
    out = []
    for i, c in enumerate(near):
        inside = any(q[0] <= c[0] and c[1] <= q[1] for q in quotes if q != quote)
        out.append((c, pair_features(text, quote, c, rank[i], side[i], inside)))
    return out


@dataclass
class Linker:
    """Weights of one relation type's pair classifier (from ``source_label`` to ``target_label``)."""

    type: str
    source_label: str
    target_label: str
    weights: dict[str, float] = field(default_factory=dict)
    threshold: float = 0.2

    def score(self, feats: dict[str, float]) -> float:
        z = sum(self.weights.get(k, 0.0) * v for k, v in feats.items())
        return 1 / (1 + math.exp(-max(-30.0, min(30.0, z))))

    def link(
        self, text: str, quote: Span, actors: Sequence[Span], quotes: Sequence[Span]
    ) -> tuple[Span, float] | None:
        scored = [(self.score(f), c) for c, f in candidates(text, quote, actors, quotes)]
        if not scored:
            return None
        best, cand = max(scored, key=lambda s: (s[0], -s[1][0]))
        return (cand, best) if best >= self.threshold else None

    def fit(self, pairs: list[tuple[dict[str, float], int]], epochs: int = 300, l2: float = 1e-3) -> None:
        """Logistic regression by full-batch gradient descent (pairs are few: thousands)."""
        if not pairs:
            return
        names = sorted({k for f, _y in pairs for k in f})
        index = {k: i for i, k in enumerate(names)}
        x = np.zeros((len(pairs), len(names)))
        for row, (f, _y) in enumerate(pairs):
            for k, v in f.items():
                x[row, index[k]] = v
        y = np.array([label for _f, label in pairs], dtype=float)
        w = np.zeros(len(names))
        for _ in range(epochs):
            p = 1 / (1 + np.exp(-np.clip(x @ w, -30, 30)))
            w -= 0.5 * (x.T @ (p - y) / len(y) + l2 * w)
        self.weights = {k: float(w[i]) for k, i in index.items()}

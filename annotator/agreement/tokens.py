"""Token-level chance-corrected agreement: Cohen's κ (two annotators) and Krippendorff's α
(nominal, any number of annotators, missing data allowed).

Each token gets one value per annotator who annotated its document:

* a token belongs to a span when it lies entirely within it (``span.start <= token.start`` and
  ``token.end <= span.end``); spans snapped to word boundaries always contain whole tokens;
* when several spans contain a token, the shortest (innermost) one gives the label, and between
  equally long spans the label that sorts first; a token in no span is ``OUTSIDE`` ("O").

Per label, the same coefficient is computed on the binary coding "this label / anything else"
(including "O"), for the labels that occur. A coefficient with no variation to explain (e.g. every
token "O" for everybody, or fewer than two values per token) is NaN, as in scikit-learn.
"""

from __future__ import annotations

import math
from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations

import numpy as np
import numpy.typing as npt

from annotator.agreement.data import (
    OVERALL,
    Annotated,
    Span,
    SpanTable,
    TokenMap,
    TokenTable,
    expand_ranges,
)
from annotator.agreement.parts import as_parts

__all__ = ["Coefficient", "TokenGrid", "nominal_alpha", "pairwise_token_kappa", "token_alpha", "token_kappa"]

FloatArray = npt.NDArray[np.float64]
Tokens = TokenMap | TokenTable


@dataclass(frozen=True)
class Coefficient:
    """A chance-corrected coefficient overall and per label, with the number of units it rests on."""

    name: str
    annotators: tuple[str, ...]
    overall: float
    by_label: Mapping[str, float]
    units: int
    """Tokens compared: shared tokens for κ, tokens with at least two values for α."""

    def value(self, label: str = OVERALL) -> float:
        return self.overall if label == OVERALL else self.by_label.get(label, math.nan)


def _kappa(confusion: FloatArray) -> float:
    n = confusion.sum()
    if n == 0:
        return math.nan
    observed = np.trace(confusion) / n
    chance = float((confusion.sum(axis=1) / n) @ (confusion.sum(axis=0) / n))
    return math.nan if chance >= 1.0 else float((observed - chance) / (1.0 - chance))


def _alpha(counts: FloatArray, weights: FloatArray) -> float:
    """Nominal α from a units × values count table (each row weighted, for identical units):
    α = 1 − (n − 1) Σ_u (m_u² − Σ_c n_uc²)/(m_u − 1) / (n² − Σ_c n_c²), over units with m_u >= 2."""
    m = counts.sum(axis=1)
    keep = m >= 2
    counts, weights, m = counts[keep], weights[keep], m[keep]
    n = float(weights @ m)
    totals = weights @ counts
    expected = n * n - float(totals @ totals)
    if n < 2 or expected <= 0:
        return math.nan
    observed = float(weights @ ((m * m - (counts * counts).sum(axis=1)) / (m - 1.0)))
    return 1.0 - (n - 1.0) * observed / expected


def nominal_alpha(data: Sequence[Sequence[Hashable | None]]) -> float:
    """Krippendorff's nominal α of a coders × units table, ``None`` marking a missing value;
    the same computation the token-level α uses, for reliability data of any other kind."""
    if not data:
        return math.nan
    values = sorted({v for row in data for v in row if v is not None}, key=repr)
    code = {v: i for i, v in enumerate(values)}
    units = len(data[0])
    if any(len(row) != units for row in data):
        raise ValueError("every coder needs one entry per unit")
    counts = np.zeros((units, len(values)))
    for row in data:
        for u, v in enumerate(row):
            if v is not None:
                counts[u, code[v]] += 1
    return _alpha(counts, np.ones(units))


class TokenGrid:
    """Every annotator's token labels over the documents of a span table (built once, reused by
    κ for each pair and by α). ``codes[a, i]`` is 0 for "O" or 1 + label index; ``present[a, i]``
    says whether annotator a annotated token i's document."""

    def __init__(self, table: SpanTable, tokens: Tokens) -> None:
        t = as_parts(table)  # a multi-part span covers the union of its parts' tokens
        tt = TokenTable.of(tokens)
        missing = [d for d in t.docs if d not in tt.index]
        if missing:
            raise ValueError(f"no tokens for document(s) {missing[:5]!r}")
        where = np.array([tt.index[d] for d in t.docs], dtype=np.int64)
        to_table = np.full(len(tt.docs), -1, dtype=np.int64)
        to_table[where] = np.arange(len(t.docs))
        # Clip spans to their document's last token end so that none reaches the next document.
        base, extent = tt.base[where][t.doc], tt.extent[where][t.doc]
        first = np.searchsorted(tt.start, base + np.minimum(t.start, extent), "left")
        stop = np.searchsorted(tt.end, base + np.minimum(t.end, extent), "right")
        n_labels = len(t.labels)
        longest = int((t.end - t.start).max()) if len(t.start) else 0
        # Higher rank wins: shorter span first, then the label that sorts first.
        rank = (longest - (t.end - t.start)) * n_labels + (n_labels - 1 - t.label)
        self.table = t
        self.codes = np.zeros((len(t.annotators), len(tt.owner)), dtype=np.int16)
        # Column -1 (documents outside the table) is nobody's.
        covered = np.concatenate([t.covered, np.zeros((len(t.annotators), 1), dtype=np.bool_)], axis=1)
        self.present = covered[:, to_table[tt.owner]]
        best = np.empty(len(tt.owner), dtype=np.int64)
        for a in range(len(t.annotators)):
            rows = np.nonzero(t.ann == a)[0]
            owner, index = expand_ranges(first[rows], stop[rows])
            best.fill(-1)
            np.maximum.at(best, index, rank[rows[owner]])
            hit = np.nonzero(best >= 0)[0]
            self.codes[a, hit] = n_labels - best[hit] % n_labels

    def kappa(self, a: int, b: int) -> Coefficient:
        """Cohen's κ over the tokens of the documents both annotated."""
        t = self.table
        both = self.present[a] & self.present[b]
        size = len(t.labels) + 1
        cells = self.codes[a].astype(np.int64) * size + self.codes[b]
        cells[~both] = size * size
        confusion = np.bincount(cells, minlength=size * size + 1)[:-1].reshape(size, size).astype(np.float64)
        n = confusion.sum()
        rows, cols = confusion.sum(axis=1), confusion.sum(axis=0)
        by_label = {}
        for c in range(1, size):
            if rows[c] or cols[c]:
                hit = confusion[c, c]
                binary = np.array([[hit, rows[c] - hit], [cols[c] - hit, n - rows[c] - cols[c] + hit]])
                by_label[t.labels[c - 1]] = _kappa(binary)
        names = (t.annotators[a], t.annotators[b])
        return Coefficient("token_kappa", names, _kappa(confusion), by_label, int(both.sum()))

    def patterns(self) -> tuple[FloatArray, FloatArray]:
        """Distinct tokens by their value counts: (patterns × values count table, multiplicity).
        Tokens that look alike to α (same values from the same annotators) are counted once."""
        size = len(self.table.labels) + 1
        values = np.where(self.present, self.codes, size)
        raters = len(values)
        if (size + 1) ** raters < 2**62:
            key = np.zeros(values.shape[1], dtype=np.int64)
            for row in values:
                key = key * (size + 1) + row
            if (size + 1) ** raters <= 1 << 20:
                weights = np.bincount(key, minlength=(size + 1) ** raters)
                keys = np.nonzero(weights)[0]
                weights = weights[keys]
            else:
                keys, weights = np.unique(key, return_counts=True)
            digits = np.array([(keys // (size + 1) ** (raters - 1 - a)) % (size + 1) for a in range(raters)])
        else:
            rows, weights = np.unique(values.T, axis=0, return_counts=True)
            digits = rows.T
        counts = np.zeros((len(weights), size + 1))
        for row in digits:
            counts[np.arange(len(weights)), row] += 1
        return counts[:, :size], weights.astype(np.float64)

    def alpha(self) -> Coefficient:
        """Krippendorff's nominal α over all tokens; each annotator who annotated a token's
        document contributes one value, the others none."""
        t = self.table
        counts, weights = self.patterns()
        m = counts.sum(axis=1)
        by_label = {}
        for c in range(1, len(t.labels) + 1):
            if weights @ counts[:, c]:
                binary = np.stack([counts[:, c], m - counts[:, c]], axis=1)
                by_label[t.labels[c - 1]] = _alpha(binary, weights)
        units = int(weights[m >= 2].sum())
        return Coefficient("token_alpha", t.annotators, _alpha(counts, weights), by_label, units)


def token_kappa(
    spans: Iterable[Span] | SpanTable, tokens: Tokens, a: str, b: str, *, annotated: Annotated | None = None
) -> Coefficient:
    """Token-level Cohen's κ between two annotators; ``tokens`` gives every document's token
    boundaries (e.g. from ``annotator.text.tokenize``), so the caller chooses the tokenisation."""
    t = SpanTable.of(spans, annotated)
    return TokenGrid(t, tokens).kappa(t.code(a), t.code(b))


def pairwise_token_kappa(
    spans: Iterable[Span] | SpanTable, tokens: Tokens, *, annotated: Annotated | None = None
) -> dict[tuple[str, str], Coefficient]:
    """Token-level κ for every pair of annotators, labelling the tokens only once."""
    t = SpanTable.of(spans, annotated)
    grid = TokenGrid(t, tokens)
    return {
        (t.annotators[a], t.annotators[b]): grid.kappa(a, b)
        for a, b in combinations(range(len(t.annotators)), 2)
    }


def token_alpha(
    spans: Iterable[Span] | SpanTable, tokens: Tokens, *, annotated: Annotated | None = None
) -> Coefficient:
    """Token-level Krippendorff's α (nominal) over all annotators, with missing data."""
    return TokenGrid(SpanTable.of(spans, annotated), tokens).alpha()

"""Krippendorff's unitizing α (αU) on character offsets, as DKPro Agreement's
``KrippendorffAlphaUnitizingAgreement`` computes it (used by INCEpTION).

References: Krippendorff, K. (1995) "On the reliability of unitizing contiguous data", Sociological
Methodology 25:47–76; Krippendorff, K. (2004) Content Analysis, 2nd ed., Sage, pp. 251–256.

For each label separately, every annotator's characters form a continuum of units (their spans
with that label) and gaps (everything else). Observed disagreement sums, over annotator pairs, the
squared boundary differences of overlapping units (Δstart² + Δend²) plus length² for each unit
that lies wholly inside the other annotator's gap; expected disagreement is that of all possible
arrangements of the same units and gaps (DKPro's formula). Per label αU = 1 − D_o/D_e; the overall
αU is 1 − mean(D_o)/mean(D_e) over the labels, as in DKPro.

Conventions:

* The continuum is the selected documents laid end to end; gaps end at document boundaries, so the
  result does not depend on document order. With one document this is exactly DKPro's study.
* αU has no notion of missing data: only documents annotated by every annotator are used; the
  others are counted in ``docs_excluded``.
* An annotator's overlapping spans with the same label are merged into their union (DKPro requires
  non-overlapping units per annotator and label); spans that merely touch stay separate units.
* NaN when it is undefined: fewer than two annotators, no usable documents, or D_e = 0.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from itertools import combinations

import numpy as np

from annotator.agreement.data import (
    OVERALL,
    Annotated,
    BoolArray,
    DocLengths,
    IntArray,
    Span,
    SpanTable,
    expand_ranges,
)
from annotator.agreement.parts import as_parts

__all__ = ["UnitizingAlpha", "unitizing_alpha"]


@dataclass(frozen=True)
class UnitizingAlpha:
    """αU overall and per label, with the disagreements behind each value."""

    annotators: tuple[str, ...]
    by_label: Mapping[str, float]
    observed: Mapping[str, float]
    expected: Mapping[str, float]
    length: int
    """Characters in the continuum (sum of the used documents' lengths)."""
    docs_used: int
    docs_excluded: int

    @property
    def overall(self) -> float:
        d_o, d_e = sum(self.observed.values()), sum(self.expected.values())
        return 1.0 - d_o / d_e if d_e > 0 else math.nan

    def value(self, label: str = OVERALL) -> float:
        return self.overall if label == OVERALL else self.by_label.get(label, math.nan)


def _merged(starts: IntArray, ends: IntArray) -> tuple[IntArray, IntArray]:
    """Union of intervals: sorted, pairwise non-overlapping (touching ones kept apart)."""
    if len(starts) == 0:
        return starts, ends
    order = np.lexsort((ends, starts))
    starts, ends = starts[order], ends[order]
    reach = np.maximum.accumulate(ends)
    new = np.ones(len(starts), dtype=np.bool_)
    new[1:] = starts[1:] >= reach[:-1]
    last = np.append(np.nonzero(new)[0][1:] - 1, len(starts) - 1)
    return starts[new], reach[last]


def _pair_disagreement(s1: IntArray, e1: IntArray, s2: IntArray, e2: IntArray) -> float:
    """Σ δ² between two annotators' units of one label: overlapping pairs contribute
    Δstart² + Δend², a unit overlapping nothing of the other contributes its length²."""
    lo = np.searchsorted(e2, s1, "right")
    hi = np.searchsorted(s2, e1, "left")
    i, j = expand_ranges(lo, hi)
    total = float(np.sum((s1[i] - s2[j]).astype(np.float64) ** 2 + (e1[i] - e2[j]).astype(np.float64) ** 2))
    alone1 = hi <= lo
    alone2 = np.searchsorted(s1, e2, "left") <= np.searchsorted(e1, s2, "right")
    total += float(np.sum((e1 - s1)[alone1].astype(np.float64) ** 2))
    total += float(np.sum((e2 - s2)[alone2].astype(np.float64) ** 2))
    return total


def _gaps(starts: IntArray, ends: IntArray, doc_starts: IntArray, doc_ends: IntArray) -> IntArray:
    """Lengths of the stretches between one annotator's units, bounded by document edges."""
    gap_starts = np.sort(np.concatenate([doc_starts, ends]))
    gap_ends = np.sort(np.concatenate([starts, doc_ends]))
    lengths = gap_ends - gap_starts
    return lengths[lengths > 0]


def _expected_sum(lengths: IntArray, gaps: IntArray) -> float:
    """Σ over units of (N − 1)(2l³ − 3l² + l)/3 + l² Σ_{gaps g >= l} (g − l + 1)."""
    g = np.sort(gaps).astype(np.float64)
    suffix = np.concatenate([np.cumsum(g[::-1])[::-1], [0.0]])
    at = np.searchsorted(g, lengths, "left")
    fits = len(g) - at
    lf = lengths.astype(np.float64)
    placements = suffix[at] - fits * (lf - 1.0)
    n = len(lengths)
    return float(np.sum((n - 1) * (2 * lf**3 - 3 * lf**2 + lf) / 3.0 + lf * lf * placements))


def unitizing_alpha(
    spans: Iterable[Span] | SpanTable, doc_lengths: DocLengths, *, annotated: Annotated | None = None
) -> UnitizingAlpha:
    """Krippendorff's αU per label and overall; ``doc_lengths`` are the texts' lengths in code
    points (ValueError when a used document has none, or a span runs past its end)."""
    t = as_parts(SpanTable.of(spans, annotated))  # a multi-part span: the union of its parts
    raters = len(t.annotators)
    everyone: BoolArray = np.asarray(t.covered.all(axis=0), dtype=np.bool_) & (raters >= 2)
    used = np.nonzero(everyone)[0]
    excluded = int((t.covered.any(axis=0) & ~everyone).sum())
    missing = [t.docs[d] for d in used if t.docs[d] not in doc_lengths]
    if missing:
        raise ValueError(f"no length for document(s) {missing[:5]!r}")
    lengths = np.array([int(doc_lengths[t.docs[d]]) for d in used], dtype=np.int64)
    base = np.full(len(t.docs), -1, dtype=np.int64)
    base[used] = np.concatenate([[0], np.cumsum(lengths)[:-1]]) if len(used) else []
    total = int(lengths.sum())
    rows = np.nonzero(everyone[t.doc])[0]
    too_long = rows[t.end[rows] > lengths[np.searchsorted(used, t.doc[rows])]] if len(rows) else rows
    if len(too_long):
        r = int(too_long[0])
        raise ValueError(
            f"span {int(t.start[r])}-{int(t.end[r])} runs past the end of document {t.docs[t.doc[r]]!r}"
        )
    observed: dict[str, float] = {}
    expected: dict[str, float] = {}
    by_label: dict[str, float] = {}
    doc_starts, doc_ends = base[used], base[used] + lengths
    for c, name in enumerate(t.labels):
        mine = rows[t.label[rows] == c]
        if len(mine) == 0:
            continue
        units = [
            _merged(base[t.doc[r]] + t.start[r], base[t.doc[r]] + t.end[r])
            for r in (mine[t.ann[mine] == a] for a in range(raters))
        ]
        pairs = sum(_pair_disagreement(*units[a], *units[b]) for a, b in combinations(range(raters), 2))
        d_o = 2.0 * pairs / (raters * (raters - 1) * float(total) ** 2)
        unit_lengths = np.concatenate([e - s for s, e in units])
        gaps = np.concatenate([_gaps(s, e, doc_starts, doc_ends) for s, e in units])
        squares = float(np.sum(unit_lengths * (unit_lengths - 1.0)))
        denominator = float(raters * total * (raters * total - 1)) - squares
        d_e = 2.0 / total * _expected_sum(unit_lengths, gaps) / denominator
        observed[name], expected[name] = d_o, d_e
        by_label[name] = 1.0 - d_o / d_e if d_e > 0 else math.nan
    return UnitizingAlpha(t.annotators, by_label, observed, expected, total, len(used), excluded)

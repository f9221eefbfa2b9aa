"""Span and relation agreement as precision/recall/F1 between annotators, and the label confusion.

Conventions (shared by spans and relations):

* A pair ``(a, b)`` is compared only on documents both annotated (see ``data`` on coverage).
* ``a`` is the reference: precision is the share of ``b``'s items that ``a`` also has, recall the
  share of ``a``'s items that ``b`` also has; swapping the two swaps P and R, F1 is symmetric.
  A ratio whose denominator is 0 is NaN (e.g. F1 when neither annotator has any item).
* Exact match: same document, start, end and label (and parts: ``agreement.parts``). Matching is one-to-one, so duplicates count
  as often as both annotators have them.
* Overlap match: same document and label and at least one shared character. Pairs are matched
  one-to-one, greedily by largest shared character count; ties go to the smaller boundary shift
  ``|Δstart| + |Δend|``, then to the earlier positions, so the result does not depend on input order.
* Relations: same type and matched endpoints, where endpoints match either exactly
  (start, end, label) or through the one-to-one overlap alignment of the two annotators' spans.
* Per label (or relation type) counts, plus ``OVERALL``: the micro sum over all labels.
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from itertools import combinations, repeat
from operator import itemgetter
from typing import Literal

import numpy as np

from annotator.agreement.data import (
    NO_SPAN,
    OVERALL,
    Annotated,
    IntArray,
    Match,
    Rel,
    Span,
    SpanTable,
    expand_ranges,
    group_ids,
)
from annotator.agreement.parts import part_key, shared_by_parts

__all__ = [
    "ConfusionMatrix",
    "Counts",
    "PairF1",
    "PairwiseF1",
    "label_confusion",
    "pairwise_relation_f1",
    "pairwise_span_f1",
    "relation_f1",
    "span_f1",
]


def _ratio(num: int, den: int) -> float:
    return num / den if den else math.nan


@dataclass(frozen=True, slots=True)
class Counts:
    """Matched (tp), only-in-b (fp) and only-in-a (fn) items, ``a`` being the reference."""

    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def precision(self) -> float:
        return _ratio(self.tp, self.tp + self.fp)

    @property
    def recall(self) -> float:
        return _ratio(self.tp, self.tp + self.fn)

    @property
    def f1(self) -> float:
        return _ratio(2 * self.tp, 2 * self.tp + self.fp + self.fn)

    def __add__(self, other: Counts) -> Counts:
        return Counts(self.tp + other.tp, self.fp + other.fp, self.fn + other.fn)


@dataclass(frozen=True)
class PairF1:
    """F1 between two annotators, per label (or relation type) and ``OVERALL`` (micro)."""

    kind: Literal["span", "relation"]
    match: Match
    a: str
    b: str
    by_label: Mapping[str, Counts]
    docs: int
    """Documents compared (annotated by both)."""

    @property
    def overall(self) -> Counts:
        return sum(self.by_label.values(), Counts())

    def counts(self, label: str = OVERALL) -> Counts:
        """Counts for one label, ``OVERALL`` for all; an unused label has all-zero counts."""
        return self.overall if label == OVERALL else self.by_label.get(label, Counts())


@dataclass(frozen=True)
class PairwiseF1:
    """F1 for every pair of annotators; the summary is the mean over pairs."""

    kind: Literal["span", "relation"]
    match: Match
    annotators: tuple[str, ...]
    pairs: Mapping[tuple[str, str], PairF1]

    @property
    def labels(self) -> tuple[str, ...]:
        return tuple(sorted({lab for p in self.pairs.values() for lab in p.by_label}))

    def mean_f1(self, label: str = OVERALL) -> float:
        """Mean F1 over the pairs where it is defined; NaN when it is defined for none."""
        values = [f for p in self.pairs.values() if not math.isnan(f := p.counts(label).f1)]
        return sum(values) / len(values) if values else math.nan

    def matrix(self, label: str = OVERALL) -> list[list[float]]:
        """Symmetric F1 matrix in ``annotators`` order, NaN on the diagonal (for the GUI's grid)."""
        index = {name: i for i, name in enumerate(self.annotators)}
        grid = [[math.nan] * len(self.annotators) for _ in self.annotators]
        for (a, b), pair in self.pairs.items():
            grid[index[a]][index[b]] = grid[index[b]][index[a]] = pair.counts(label).f1
        return grid


def _check_match(match: str) -> None:
    if match not in ("exact", "overlap"):
        raise ValueError(f"match must be 'exact' or 'overlap', not {match!r}")


def _intersection(a_keys: IntArray, b_keys: IntArray, a_class: IntArray, classes: int) -> IntArray:
    """Per class, the size of the multiset intersection of a's and b's keys (dense ids, each key
    belonging to one class)."""
    size = int(max(a_keys.max(initial=-1), b_keys.max(initial=-1))) + 1
    both = np.minimum(np.bincount(a_keys, minlength=size), np.bincount(b_keys, minlength=size))
    class_of = np.zeros(size, dtype=np.int64)
    class_of[a_keys] = a_class
    return np.bincount(class_of, weights=both, minlength=classes).astype(np.int64)


def _exact_tp(t: SpanTable, ra: IntArray, rb: IntArray) -> IntArray:
    """Per label, how many of a's spans b has too, with the same (doc, start, end, label)."""
    rows = np.concatenate([ra, rb])
    keys = group_ids(t.doc[rows], t.label[rows], t.start[rows], t.end[rows], part_key(t, rows))
    return _intersection(keys[: len(ra)], keys[len(ra) :], t.label[ra], len(t.labels))


def _overlap_match(t: SpanTable, ra: IntArray, rb: IntArray, same_label: bool) -> tuple[IntArray, IntArray]:
    """One-to-one greedy overlap matching (see module doc); returns matched table rows of a and b."""
    if len(ra) == 0 or len(rb) == 0:
        return np.empty(0, dtype=np.int64), np.empty(0, dtype=np.int64)
    # Lay each comparison group (a document, or a document × label) out on one line, far apart.
    width = int(max(t.end[ra].max(), t.end[rb].max())) + 1

    def place(r: IntArray) -> tuple[IntArray, IntArray, IntArray]:
        group = (t.doc[r] * len(t.labels) + t.label[r] if same_label else t.doc[r]) * width
        return group, group + t.start[r], group + t.end[r]

    rb = rb[np.argsort(place(rb)[1], kind="stable")]
    a_g, a_s, a_e = place(ra)
    _, b_s, b_e = place(rb)
    # b can only overlap a if it starts after a's start minus the longest b; never before a's group.
    reach = int((t.end[rb] - t.start[rb]).max())
    lo = np.maximum(np.searchsorted(b_s, a_s - reach, "right"), np.searchsorted(b_s, a_g, "left"))
    i, j = expand_ranges(lo, np.searchsorted(b_s, a_e, "left"))
    shared = np.minimum(a_e[i], b_e[j]) - np.maximum(a_s[i], b_s[j])
    keep = shared > 0
    ai, bj, shared = ra[i[keep]], rb[j[keep]], shared[keep]
    shared = shared_by_parts(t, ai, bj, shared)  # multi-part spans: any part overlapping counts
    ai, bj, shared = ai[shared > 0], bj[shared > 0], shared[shared > 0]
    # A pair that is the only candidate of both its spans is matched whatever the order; only the
    # contested rest needs the greedy walk.
    size = len(t.start)
    alone = (np.bincount(ai, minlength=size)[ai] == 1) & (np.bincount(bj, minlength=size)[bj] == 1)
    sure_a, sure_b = ai[alone], bj[alone]
    ai, bj, shared = ai[~alone], bj[~alone], shared[~alone]
    shift = np.abs(t.start[ai] - t.start[bj]) + np.abs(t.end[ai] - t.end[bj])
    order = np.lexsort(
        (
            bj,
            ai,
            t.label[bj],
            t.label[ai],
            t.end[bj],
            t.start[bj],
            t.end[ai],
            t.start[ai],
            shift,
            t.label[ai] != t.label[bj],
            -shared,
        )
    )
    used_a = bytearray(size)
    used_b = bytearray(size)
    out_a: list[int] = []
    out_b: list[int] = []
    for x, y in zip(ai[order].tolist(), bj[order].tolist(), strict=True):
        if not used_a[x] and not used_b[y]:
            used_a[x] = used_b[y] = 1
            out_a.append(x)
            out_b.append(y)
    return (
        np.concatenate([sure_a, np.array(out_a, dtype=np.int64)]),
        np.concatenate([sure_b, np.array(out_b, dtype=np.int64)]),
    )


def _pair_match(t: SpanTable, a: int, b: int, same_label: bool) -> tuple[IntArray, IntArray]:
    """The overlap matching of two annotators on their shared documents, computed once per table."""
    key = (a, b, same_label)
    if key not in t.matches:
        docs = t.shared(a, b)
        t.matches[key] = _overlap_match(t, t.rows(a, docs), t.rows(b, docs), same_label)
    return t.matches[key]


def _pair_f1(t: SpanTable, a: int, b: int, match: Match) -> PairF1:
    docs = t.shared(a, b)
    ra, rb = t.rows(a, docs), t.rows(b, docs)
    n = len(t.labels)
    in_a = np.bincount(t.label[ra], minlength=n)
    in_b = np.bincount(t.label[rb], minlength=n)
    if match == "exact":
        tp = _exact_tp(t, ra, rb)
    else:
        tp = np.bincount(t.label[_pair_match(t, a, b, same_label=True)[0]], minlength=n)
    by_label = {
        t.labels[c]: Counts(int(tp[c]), int(in_b[c] - tp[c]), int(in_a[c] - tp[c]))
        for c in range(n)
        if in_a[c] or in_b[c]
    }
    return PairF1("span", match, t.annotators[a], t.annotators[b], by_label, int(docs.sum()))


def span_f1(
    spans: Iterable[Span] | SpanTable,
    a: str,
    b: str,
    *,
    match: Match = "exact",
    annotated: Annotated | None = None,
) -> PairF1:
    """Span F1 of ``b`` against ``a`` with exact or overlap matching."""
    _check_match(match)
    t = SpanTable.of(spans, annotated)
    return _pair_f1(t, t.code(a), t.code(b), match)


def pairwise_span_f1(
    spans: Iterable[Span] | SpanTable, *, match: Match = "exact", annotated: Annotated | None = None
) -> PairwiseF1:
    """Span F1 for every pair of annotators (in name order: the first of a pair is the reference)."""
    _check_match(match)
    t = SpanTable.of(spans, annotated)
    pairs = {
        (t.annotators[a], t.annotators[b]): _pair_f1(t, a, b, match)
        for a, b in combinations(range(len(t.annotators)), 2)
    }
    return PairwiseF1("span", match, t.annotators, pairs)


@dataclass(frozen=True)
class ConfusionMatrix:
    """Label of a's span (row) against label of b's overlap-matched span (column); ``NO_SPAN``
    stands for no counterpart. Spans are matched one-to-one by overlap regardless of label."""

    a: str
    b: str
    labels: tuple[str, ...]
    """Row and column order; ends with ``NO_SPAN``."""
    counts: tuple[tuple[int, ...], ...]

    def get(self, a_label: str, b_label: str) -> int:
        return self.counts[self.labels.index(a_label)][self.labels.index(b_label)]

    def table(self) -> str:
        """Plain-text grid, rows = a, columns = b."""
        corner = f"{self.a} \\ {self.b}"
        cells = [[corner, *self.labels]] + [
            [lab, *map(str, row)] for lab, row in zip(self.labels, self.counts, strict=True)
        ]
        widths = [max(len(r[k]) for r in cells) for k in range(len(cells[0]))]
        return "\n".join(
            "  ".join(
                c.ljust(w) if k == 0 else c.rjust(w) for k, (c, w) in enumerate(zip(r, widths, strict=True))
            )
            for r in cells
        )

    def as_dict(self) -> dict[str, object]:
        return {
            "a": self.a,
            "b": self.b,
            "labels": list(self.labels),
            "counts": [list(r) for r in self.counts],
        }


def label_confusion(
    spans: Iterable[Span] | SpanTable, a: str, b: str, *, annotated: Annotated | None = None
) -> ConfusionMatrix:
    """Which labels two annotators gave to the same stretches of text (for the GUI's matrix)."""
    t = SpanTable.of(spans, annotated)
    ca, cb = t.code(a), t.code(b)
    docs = t.shared(ca, cb)
    ra, rb = t.rows(ca, docs), t.rows(cb, docs)
    ma, mb = _pair_match(t, ca, cb, same_label=False)
    none = len(t.labels)
    size = none + 1
    only_a = np.setdiff1d(ra, ma, assume_unique=True)
    only_b = np.setdiff1d(rb, mb, assume_unique=True)
    cells = np.concatenate(
        [t.label[ma] * size + t.label[mb], t.label[only_a] * size + none, none * size + t.label[only_b]]
    )
    grid = np.bincount(cells, minlength=size * size).reshape(size, size)
    return ConfusionMatrix(a, b, (*t.labels, NO_SPAN), tuple(tuple(int(x) for x in row) for row in grid))


@dataclass(frozen=True, eq=False)
class _Relations:
    """Relations as columns. Endpoints and span-table rows share one id space: equal ids mean
    the same (doc, start, end, label)."""

    types: tuple[str, ...]
    doc: IntArray
    """Span-table document code; -1 for a document the table does not know."""
    ann: IntArray
    type: IntArray
    source: IntArray
    target: IntArray
    row_id: IntArray
    """Id of each span-table row."""


def _relations(t: SpanTable, rels: Sequence[Rel]) -> _Relations:
    n = len(rels)
    doc_pos = {d: i for i, d in enumerate(t.docs)}
    ann_pos = {a: i for i, a in enumerate(t.annotators)}
    doc = np.fromiter(map(doc_pos.get, map(itemgetter(0), rels), repeat(-1)), dtype=np.int64, count=n)
    ann = np.fromiter(map(ann_pos.get, map(itemgetter(4), rels), repeat(-1)), dtype=np.int64, count=n)
    types = tuple(sorted(set(map(itemgetter(3), rels))))
    type_pos = {x: i for i, x in enumerate(types)}
    type_code = np.fromiter(map(type_pos.__getitem__, map(itemgetter(3), rels)), dtype=np.int64, count=n)
    ends = list(map(itemgetter(1), rels)) + list(map(itemgetter(2), rels))
    end_labels = list(map(itemgetter(3), ends))
    label_pos = {x: i for i, x in enumerate((*t.labels, *sorted(set(end_labels) - set(t.labels))))}
    ids = group_ids(
        np.concatenate([t.doc, doc, doc]),
        np.concatenate([t.label, np.fromiter(map(label_pos.__getitem__, end_labels), np.int64, 2 * n)]),
        np.concatenate([t.start, np.fromiter(map(itemgetter(1), ends), np.int64, 2 * n)]),
        np.concatenate([t.end, np.fromiter(map(itemgetter(2), ends), np.int64, 2 * n)]),
    )
    rows = len(t.start)
    return _Relations(types, doc, ann, type_code, ids[rows : rows + n], ids[rows + n :], ids[:rows])


def _relation_pair(t: SpanTable, r: _Relations, a: int, b: int, match: Match) -> PairF1:
    docs = t.shared(a, b)
    inside = np.append(docs, False)[r.doc]
    ia = np.nonzero((r.ann == a) & inside)[0]
    ib = np.nonzero((r.ann == b) & inside)[0]
    src_b, tgt_b, type_b = r.source[ib], r.target[ib], r.type[ib]
    if match == "overlap":
        ma, mb = _pair_match(t, a, b, same_label=True)
        to_a = np.full(
            int(max(r.row_id.max(initial=-1), r.source.max(initial=-1), r.target.max(initial=-1))) + 1, -1
        )
        to_a[r.row_id[mb]] = r.row_id[ma]
        src_b, tgt_b = to_a[src_b], to_a[tgt_b]
        aligned = (src_b >= 0) & (tgt_b >= 0)
        src_b, tgt_b, type_b = src_b[aligned], tgt_b[aligned], type_b[aligned]
    keys = group_ids(
        np.concatenate([r.type[ia], type_b]),
        np.concatenate([r.source[ia], src_b]),
        np.concatenate([r.target[ia], tgt_b]),
    )
    n = len(r.types)
    tp = _intersection(keys[: len(ia)], keys[len(ia) :], r.type[ia], n)
    in_a = np.bincount(r.type[ia], minlength=n)
    in_b = np.bincount(r.type[ib], minlength=n)
    by_type = {
        r.types[c]: Counts(int(tp[c]), int(in_b[c] - tp[c]), int(in_a[c] - tp[c]))
        for c in range(n)
        if in_a[c] or in_b[c]
    }
    return PairF1("relation", match, t.annotators[a], t.annotators[b], by_type, int(docs.sum()))


def _relation_table(
    rels: Sequence[Rel], spans: Iterable[Span] | SpanTable | None, annotated: Annotated | None
) -> SpanTable:
    if spans is not None:
        return SpanTable.of(spans, annotated)
    ends = [Span(r.doc, s.start, s.end, s.label, r.annotator) for r in rels for s in (r.source, r.target)]
    return SpanTable.build(ends, annotated)


def relation_f1(
    relations: Iterable[Rel],
    a: str,
    b: str,
    *,
    spans: Iterable[Span] | SpanTable | None = None,
    match: Match = "exact",
    annotated: Annotated | None = None,
) -> PairF1:
    """Relation F1 of ``b`` against ``a``. ``spans`` (all spans of both annotators) feed the overlap
    alignment and the coverage; without them, the relations' endpoints are used instead."""
    _check_match(match)
    rels = list(relations)
    t = _relation_table(rels, spans, annotated)
    return _relation_pair(t, _relations(t, rels), t.code(a), t.code(b), match)


def pairwise_relation_f1(
    relations: Iterable[Rel],
    *,
    spans: Iterable[Span] | SpanTable | None = None,
    match: Match = "exact",
    annotated: Annotated | None = None,
) -> PairwiseF1:
    """Relation F1 for every pair of annotators; see ``relation_f1``."""
    _check_match(match)
    rels = list(relations)
    t = _relation_table(rels, spans, annotated)
    return _pairwise_relations(t, _relations(t, rels), match)


def _pairwise_relations(t: SpanTable, r: _Relations, match: Match) -> PairwiseF1:
    pairs = {
        (t.annotators[a], t.annotators[b]): _relation_pair(t, r, a, b, match)
        for a, b in combinations(range(len(t.annotators)), 2)
    }
    return PairwiseF1("relation", match, t.annotators, pairs)

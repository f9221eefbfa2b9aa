"""Multi-part spans in agreement: the parts of a span are one unit.

* Exact match needs every part equal (the same hull with other parts, or no parts, is no match).
* Overlap match: two spans overlap when any part of one shares a character with any part of the
  other; the characters they share (which rank contested matches) are summed over the parts.
* Token-level measures (κ, α) and unitizing α read the union of the parts: a token between two
  parts (the "he said" of an interrupted quote) is not in the span.

Most tables hold no multi-part span; then each of these returns its input unchanged.
"""

from __future__ import annotations

import numpy as np

from annotator.agreement.data import IntArray, SpanTable


def part_key(t: SpanTable, rows: IntArray) -> IntArray:
    """Per row, an id of its parts (0: one part), for the exact match's key."""
    if not t.pieces:
        return np.zeros(len(rows), dtype=np.int64)
    ids: dict[tuple[tuple[int, int], ...], int] = {}
    return np.fromiter(
        (ids.setdefault(t.pieces[r], len(ids) + 1) if r in t.pieces else 0 for r in rows.tolist()),
        dtype=np.int64,
        count=len(rows),
    )


def shared_by_parts(t: SpanTable, ai: IntArray, bj: IntArray, shared: IntArray) -> IntArray:
    """``shared`` (characters the hulls of pairs ``ai``/``bj`` share) counted over the parts instead,
    for the pairs with a multi-part span."""
    if not t.pieces:
        return shared
    out = shared.copy()
    for k, (x, y) in enumerate(zip(ai.tolist(), bj.tolist(), strict=True)):
        if x in t.pieces or y in t.pieces:
            first = t.pieces.get(x) or ((int(t.start[x]), int(t.end[x])),)
            second = t.pieces.get(y) or ((int(t.start[y]), int(t.end[y])),)
            out[k] = sum(max(0, min(b1, b2) - max(a1, a2)) for a1, b1 in first for a2, b2 in second)
    return out


def as_parts(t: SpanTable) -> SpanTable:
    """The table with each multi-part span replaced by its parts (same document, label, annotator)."""
    if not t.pieces:
        return t
    rows = np.arange(len(t.start))
    counts = np.array([len(t.pieces.get(r, (0,))) for r in rows.tolist()], dtype=np.int64)
    source = np.repeat(rows, counts)
    start, end = t.start[source].copy(), t.end[source].copy()
    at = 0
    for r, n in zip(rows.tolist(), counts.tolist(), strict=True):
        if r in t.pieces:
            for k, (a, b) in enumerate(t.pieces[r]):
                start[at + k], end[at + k] = a, b
        at += n
    return SpanTable(
        t.docs, t.labels, t.annotators, t.doc[source], start, end, t.label[source], t.ann[source], t.covered
    )

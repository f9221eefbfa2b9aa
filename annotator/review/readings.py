"""Which gold span stands for an annotator's reading (pure functions, no database).

Annotators mark the same quote with slightly different boundaries; the reviewer puts one reading
into gold. Every later decision about that quote (accept another reading, accept or reject a
relation drawn on alice's boundaries) must find *that* gold span, not add a second copy. The gold
span that stands for a reading (start, end, label) is the gold span with exactly those offsets
and label, else the gold span of the same label that overlaps it most (intersection over union;
ties: the earlier, then the older one). The adjudication ops and the review view both ask here,
so what the view shows as accepted is what the ops treat as accepted.
"""

from __future__ import annotations

from bisect import bisect_left, insort
from collections.abc import Iterable

SpanKey = tuple[int, int, int]  # start, end, label id
GoldRow = tuple[int, int, int, int]  # start, end, id, label id


def jaccard(a_start: int, a_end: int, b_start: int, b_end: int) -> float:
    """How much two ranges overlap: 1 for the same range, 0 for disjoint ones."""
    inter = min(a_end, b_end) - max(a_start, b_start)
    if inter <= 0:
        return 0.0
    return inter / (max(a_end, b_end) - min(a_start, b_start))


class GoldIndex:
    """The gold spans of one document by label, sorted by start, kept up to date by the caller."""

    def __init__(self, rows: Iterable[GoldRow] = ()) -> None:
        self._by_label: dict[int, list[tuple[int, int, int]]] = {}
        self._longest: dict[int, int] = {}
        self._key: dict[int, SpanKey] = {}
        for start, end, span_id, label in rows:
            self.add(start, end, span_id, label)

    def __len__(self) -> int:
        return len(self._key)

    def add(self, start: int, end: int, span_id: int, label: int) -> None:
        insort(self._by_label.setdefault(label, []), (start, end, span_id))
        self._longest[label] = max(self._longest.get(label, 0), end - start)
        self._key[span_id] = (start, end, label)

    def remove(self, span_id: int) -> None:
        start, end, label = self._key.pop(span_id)
        self._by_label[label].remove((start, end, span_id))

    def key_of(self, span_id: int) -> SpanKey | None:
        return self._key.get(span_id)

    def exact(self, key: SpanKey) -> int | None:
        start, end, label = key
        rows = self._by_label.get(label, [])
        i = bisect_left(rows, (start, end, -1))
        if i < len(rows) and rows[i][:2] == (start, end):
            return rows[i][2]
        return None

    def overlapping(self, key: SpanKey) -> list[tuple[int, int, int]]:
        """Gold spans of the key's label that overlap it, as (start, end, id)."""
        start, end, label = key
        rows = self._by_label.get(label, [])
        lo = bisect_left(rows, (start - self._longest.get(label, 0), -1, -1))
        hi = bisect_left(rows, (end, -1, -1))
        return [r for r in rows[lo:hi] if r[1] > start]

    def representative(self, key: SpanKey) -> int | None:
        """The gold span that stands for the reading ``key`` (see the module's docstring)."""
        found = self.exact(key)
        if found is not None:
            return found
        start, end, _label = key
        best: tuple[float, int, int, int] | None = None
        for s, e, span_id in self.overlapping(key):
            score = (jaccard(s, e, start, end), -s, -e, -span_id)
            if best is None or score > best:
                best = score
        return -best[3] if best is not None else None

"""The spans of one document, indexed by text block (paragraph) for the highlighter.

Qt lays text out and highlights it block by block, so the index answers "which spans overlap
block n" in O(1): one pass at load builds per-block lists (spans arrive sorted by start, so the
block pointer only moves forward), and every change touches only the blocks of that span. The
index also keeps all spans in text order for the span list and Tab navigation.

Plain Python, no Qt: offsets here are code points, exactly as stored in the database.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right, insort
from collections import Counter
from collections.abc import Iterable
from operator import itemgetter

from annotator.queries import SpanTuple

# Characters QTextDocument turns into a block break; display_text() leaves only these two.
_BLOCK_BREAK = re.compile("[\n\u2029]")
# Characters QTextDocument would swallow, merge or treat as frame markers, and lone surrogates
# (which a QString cannot take from Python): replaced one-for-one so offsets stay valid.
_UNSAFE = re.compile("[\ufdd0\ufdd1\ud800-\udfff]")

START, END, ID, LABEL, ANNOTATOR, VERSION = range(6)


def display_text(text: str) -> str:
    """The text as handed to Qt: same length in code points and UTF-16 units as ``text``.

    Qt merges CR LF into one break and treats a lone CR as a break, which would shift every offset
    after it; a CR becomes a space before LF (invisible) or LF on its own.
    """
    if "\r" in text:
        text = text.replace("\r\n", " \n").replace("\r", "\n")
    if not text.isascii():
        text = _UNSAFE.sub("\ufffd", text)
    return text


def block_starts(text: str) -> list[int]:
    """Code point offset where each Qt text block of ``display_text(text)`` starts."""
    return [0, *(m.end() for m in _BLOCK_BREAK.finditer(text))]


class SpanIndex:
    """Spans by id, in text order, and per text block of ``text`` (the text as Qt shows it, from
    display_text: the same length as the stored text, with Qt's block breaks)."""

    __slots__ = ("_blocks", "block_starts", "label_counts", "order", "spans")

    def __init__(self, text: str, spans: Iterable[SpanTuple] = ()) -> None:
        self.block_starts: list[int] = block_starts(text)
        self.order: list[SpanTuple] = sorted(spans)
        self.spans: dict[int, SpanTuple] = dict(zip(map(itemgetter(ID), self.order), self.order, strict=True))
        self.label_counts: Counter[int] = Counter(map(itemgetter(LABEL), self.order))
        self._blocks: dict[int, list[int]] = self._per_block()

    def _per_block(self) -> dict[int, list[int]]:
        """One forward pass: spans arrive sorted by start, so the block pointer never goes back."""
        starts = self.block_starts
        count = len(starts)
        blocks: dict[int, list[int]] = {}
        b = 0
        next_start = starts[1] if count > 1 else 1 << 62
        current: list[int] = []
        for span in self.order:
            start = span[0]
            if start >= next_start:
                if current:
                    blocks[b] = current
                b = bisect_right(starts, start) - 1
                next_start = starts[b + 1] if b + 1 < count else 1 << 62
                current = blocks.get(b, [])
            current.append(span[2])
            if span[1] > next_start:  # runs on into later blocks
                k = b + 1
                while k < count and starts[k] < span[1]:
                    blocks.setdefault(k, []).append(span[2])
                    k += 1
        if current:
            blocks[b] = current
        return blocks

    def __len__(self) -> int:
        return len(self.order)

    @property
    def block_count(self) -> int:
        return len(self.block_starts)

    def block_of(self, cp: int) -> int:
        return bisect_right(self.block_starts, cp) - 1

    def blocks_of(self, start: int, end: int) -> range:
        """Blocks that the span ``start``–``end`` touches."""
        return range(self.block_of(start), self.block_of(max(start, end - 1)) + 1)

    def block_spans(self, block: int) -> list[SpanTuple]:
        ids = self._blocks.get(block)
        if not ids:
            return []
        spans = self.spans
        return [spans[i] for i in ids]

    def row_of(self, span: SpanTuple) -> int:
        return bisect_left(self.order, span)

    def add(self, span: SpanTuple) -> range:
        """Insert a span; returns the blocks to re-highlight."""
        self.spans[span[ID]] = span
        insort(self.order, span)
        self.label_counts[span[LABEL]] += 1
        blocks = self.blocks_of(span[START], span[END])
        for b in blocks:
            self._blocks.setdefault(b, []).append(span[ID])
        return blocks

    def remove(self, span_id: int) -> range:
        """Drop a span; returns the blocks to re-highlight."""
        span = self.spans.pop(span_id)
        del self.order[self.row_of(span)]
        self.label_counts[span[LABEL]] -= 1
        blocks = self.blocks_of(span[START], span[END])
        for b in blocks:
            lst = self._blocks[b]
            lst.remove(span_id)
            if not lst:
                del self._blocks[b]
        return blocks

    def at(self, cp: int) -> list[SpanTuple]:
        """Spans covering the character at ``cp``, innermost (shortest) first."""
        if not cp >= 0:
            return []
        hits = [s for s in self.block_spans(self.block_of(cp)) if s[START] <= cp < s[END]]
        hits.sort(key=lambda s: (s[END] - s[START], s[START], s[ID]))
        return hits

    def overlapping(self, start: int, end: int) -> list[SpanTuple]:
        """Spans that share at least one character with ``start``–``end``, in text order."""
        found: dict[int, SpanTuple] = {}
        for b in self.blocks_of(start, end):
            for s in self.block_spans(b):
                if s[START] < end and s[END] > start:
                    found[s[ID]] = s
        return sorted(found.values())

    def neighbour(self, span_id: int | None, cp: int, step: int) -> SpanTuple | None:
        """The span after (``step`` = 1) or before (-1) ``span_id``, or else after/before ``cp``."""
        if not self.order:
            return None
        if span_id is not None and span_id in self.spans:
            row = self.row_of(self.spans[span_id]) + step
        elif step > 0:
            row = bisect_left(self.order, (cp,))
        else:
            row = bisect_left(self.order, (cp,)) - 1
        if 0 <= row < len(self.order):
            return self.order[row]
        return None

"""Token boundaries that respect span edges, and the one-label-per-token choice of IOB and ents.

A tokenizer glues a quote mark to a word or a period to a claim's last word; a span edge inside
such a token would put characters outside the span into its tokens. ``split_at`` cuts tokens at
every span edge, so each token lies wholly inside or wholly outside each span.
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable, Sequence

from annotator.records import SpanRecord

DUPLICATE = "spans with the same offsets and label as another span"
OVERLAPPING = "spans overlapping another span (kept the outermost, then the leftmost)"


def split_at(tokens: Sequence[tuple[int, int]], cuts: Iterable[int]) -> list[tuple[int, int]]:
    """``tokens`` (sorted ``(start, end)``, not overlapping) with each one cut at the ``cuts`` inside it."""
    edges = sorted(set(cuts))
    out: list[tuple[int, int]] = []
    for start, end in tokens:
        i = bisect_right(edges, start)
        while i < len(edges) and edges[i] < end:
            out.append((start, edges[i]))
            start = edges[i]
            i += 1
        out.append((start, end))
    return out


def edges(spans: Iterable[SpanRecord]) -> set[int]:
    return {edge for s in spans for edge in (s.start, s.end)}


def outermost(spans: Sequence[SpanRecord]) -> tuple[list[SpanRecord], int, int]:
    """The spans one label per position can hold: ``(kept, duplicates, overlapping)``.

    Rule: longest-first among spans starting at the same place, earliest start first; a span that
    overlaps one already kept is left out (so nested spans give way to the span around them). A
    span with the same offsets and label as a kept one is counted as a duplicate, not an overlap.
    """
    kept: list[SpanRecord] = []
    duplicates = overlapping = 0
    reach = -1
    for span in sorted(spans, key=lambda s: (s.start, -s.end, s.label)):
        if span.start >= reach:
            kept.append(span)
            reach = span.end
        elif kept and (kept[-1].start, kept[-1].end, kept[-1].label) == (span.start, span.end, span.label):
            duplicates += 1
        else:
            overlapping += 1
    return kept, duplicates, overlapping

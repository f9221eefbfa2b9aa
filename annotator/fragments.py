"""Multi-part spans: a quote interrupted by "he said" is one span of several parts (fragments).

A span's parts live in ``annotation.fragments`` as ``[[start, end], ...]``: code points, end
exclusive, sorted, neither overlapping nor touching, at least two of them; NULL for an ordinary
one-part span. ``start``/``end`` stay the hull (first start, last end), so every reader that knows
nothing of parts still sees where the span is, and the ``text`` column keeps the hull's text
(``document[start:end]``, what importers, checks and exports compare against). What a person reads
as the span's words is ``joined_text``: the parts' texts joined by " … " (brat joins them with one
space; its reader and writer do that themselves).

These are pure functions over offsets; the operations that store parts are in
``annotator.fragments_ops``.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterable, Sequence

from annotator.errors import ValidationError

Part = tuple[int, int]
SEPARATOR = " … "  # between the parts' texts in what a person reads (span list, CSV)


def _whole(value: object) -> bool:
    return type(value) is int


def check(parts: Iterable[Sequence[int]], length: int, where: str = "") -> list[Part]:
    """Parts as sorted tuples, touching ones merged; refused (naming the part, nothing written)
    when one is not two whole numbers, lies outside the text (0–``length``), is empty, or
    overlaps another."""
    found: list[Part] = []
    for n, part in enumerate(parts, start=1):
        if not (isinstance(part, (list, tuple)) and len(part) == 2 and all(_whole(v) for v in part)):
            raise ValidationError(f"{where}fragment {n} must be [start, end] (whole numbers), got {part!r}")
        a, b = int(part[0]), int(part[1])
        if a < 0 or b > length:
            raise ValidationError(f"{where}fragment {n} ({a}–{b}) lies outside the text (0–{length})")
        if b <= a:
            raise ValidationError(f"{where}fragment {n} ({a}–{b}) is empty or reversed (end must be > start)")
        found.append((a, b))
    if not found:
        raise ValidationError(f"{where}a span needs at least one fragment")
    found.sort()
    for (a1, b1), (a2, b2) in itertools.pairwise(found):
        if a2 < b1:
            raise ValidationError(f"{where}fragments {a1}–{b1} and {a2}–{b2} overlap")
    return merge_touching(found)


def merge_touching(parts: Sequence[Part]) -> list[Part]:
    """Sorted parts with those that touch or overlap made one (``0–5`` and ``5–9`` are ``0–9``)."""
    out: list[Part] = []
    for a, b in sorted(parts):
        if out and a <= out[-1][1]:
            out[-1] = (out[-1][0], max(out[-1][1], b))
        else:
            out.append((a, b))
    return out


def stored(parts: Sequence[Part]) -> list[list[int]] | None:
    """The column's value: None for one part (an ordinary span)."""
    return [[a, b] for a, b in parts] if len(parts) > 1 else None


def hull(parts: Sequence[Part]) -> Part:
    return parts[0][0], parts[-1][1]


def parts_of(start: int, end: int, fragments: Sequence[Sequence[int]] | None) -> list[Part]:
    """A span's parts, whatever it is: its fragments, or its one range."""
    if not fragments:
        return [(start, end)]
    return [(int(a), int(b)) for a, b in fragments]


def joined_text(text: str, parts: Sequence[Part], separator: str = SEPARATOR) -> str:
    """The words of a span as a person reads them: each part's text, joined."""
    return separator.join(text[a:b] for a, b in parts)


def add(parts: Sequence[Part], new: Part) -> list[Part]:
    """The parts with ``new`` added; a part overlapping or touching it grows into one with it.
    Refused when ``new`` lies wholly inside the span's parts already."""
    a, b = new
    if any(x <= a and b <= y for x, y in parts):
        raise ValidationError(f"{a}–{b} is already part of this span")
    return merge_touching([*parts, new])


def remove(parts: Sequence[Part], index: int) -> list[Part]:
    """The parts without the ``index``-th (0-based); the last part cannot go (delete the span)."""
    if not 0 <= index < len(parts):
        raise ValidationError(f"this span has no fragment {index + 1} (it has {len(parts)})")
    if len(parts) == 1:
        raise ValidationError("a span's only fragment cannot be removed (delete the span instead)")
    return [p for i, p in enumerate(parts) if i != index]


def clip(parts: Sequence[Part], start: int, end: int) -> list[Part]:
    """The parts fitted to a new hull (a span resized at its edges): parts outside it go, the
    first starts at ``start`` and the last ends at ``end``."""
    kept = [(max(a, start), min(b, end)) for a, b in parts if b > start and a < end]
    if not kept:
        return [(start, end)]
    kept[0] = (start, kept[0][1])
    kept[-1] = (kept[-1][0], end)
    return merge_touching(kept)


def tokens_in(parts: Sequence[Part], tokens: Iterable[Part]) -> set[Part]:
    """The tokens that lie in any part: token-level measures count the union of the parts."""
    return {t for t in tokens if any(a < t[1] and t[0] < b for a, b in parts)}


def overlaps(first: Sequence[Part], second: Sequence[Part]) -> bool:
    """Whether any part of one span overlaps any part of the other (overlap matching)."""
    return any(a1 < b2 and a2 < b1 for a1, b1 in first for a2, b2 in second)

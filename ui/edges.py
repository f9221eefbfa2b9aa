"""Moving a span's edge by one word (or one character) in the article and the review panes."""

from __future__ import annotations

from annotator.text import tokenize

WINDOW = 300  # characters looked at around a span edge when stepping by words


def _token_edges(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    lo, hi = max(0, lo), min(len(text), hi)
    return [(a + lo, b + lo) for a, b in tokenize(text[lo:hi])]


def step_edge(text: str, start: int, end: int, edge: str, direction: int, words: bool) -> tuple[int, int]:
    """New (start, end) after moving one edge a word (or a character) left or right.

    The span never becomes empty; at the text's ends nothing moves.
    """
    if not words:
        if edge == "end":
            end = min(len(text), max(start + 1, end + direction))
        else:
            start = max(0, min(end - 1, start + direction))
        return start, end
    if edge == "end":
        if direction > 0:
            after = _token_edges(text, end, end + WINDOW)
            return start, after[0][1] if after else end
        inside = _token_edges(text, max(start, end - WINDOW), end)
        return start, inside[-2][1] if len(inside) >= 2 else end
    if direction < 0:
        before = _token_edges(text, start - WINDOW, start)
        return before[-1][0] if before else start, end
    inside = _token_edges(text, start, min(end, start + WINDOW))
    return inside[1][0] if len(inside) >= 2 else start, end

"""From a rough selection to the span meant, including the project's rule for quotation marks.

``snap_to_words`` (annotator.text) takes whole words and trims spaces and stray punctuation. For
quote spans one more rule makes two annotators' quotes identical whenever they mean the same
quote: the project says whether a quote includes its quotation marks (``quote-marks`` setting),
and a selection that covers a quotation's words is bounded by that rule, whichever pixel the drag
started or ended on (on the opening mark or the first letter, on the last letter, the comma
before the closing mark or after it).

Quotation marks are paired per paragraph with a stack: straight ``"`` and ``'``, English “ ” ‘ ’,
German „ “ ‚ ‘, Swedish ” ”, French « » and ‹ › (with or without the spaces French puts inside),
Danish » «, nested to any depth. An apostrophe inside a word (don't, don’t) is no mark, and a
straight or ambiguous mark counts as opening only before a non-space and after a non-letter, as
closing only before a non-letter, so ``"no" and "yes"`` pairs the way a reader pairs it.
"""

from __future__ import annotations

import unicodedata
from typing import Literal

from annotator.text.words import _PAIRS, _is_joiner_at, snap_to_words

QuoteMarks = Literal["include", "exclude"]

# Opening mark → the marks that close it: the quotation marks of the word snapper's pairs (German
# and Danish reuse English closers as openers), and Swedish ’…’.
QUOTE_PAIRS: dict[str, str] = {
    opening: closing
    for opening, closing in _PAIRS.items()
    if opening in "\"'\u201c\u201e\u201d\u2018\u201a\u00ab\u00bb\u2039\u203a"
} | {"\u2019": "\u2019"}
_MARKS = frozenset(QUOTE_PAIRS) | frozenset("".join(QUOTE_PAIRS.values()))
# Marks that are openers in every convention: no context needed to open with them.
_SURE_OPENERS = frozenset("\u201c\u201e\u2018\u201a\u00ab\u2039")
# What may stand between a quotation's last word and its closing mark ("… signs," she said).
_CLOSING_PUNCT = frozenset(".,;:!?\u2026")
PARAGRAPH_WINDOW = 20000  # characters searched either side in a paragraph without line breaks


def _is_alnum(c: str) -> bool:
    return unicodedata.category(c)[0] in "LNM"


def _can_open(text: str, i: int) -> bool:
    if i > 0 and _is_alnum(text[i - 1]):
        return False
    if text[i] in _SURE_OPENERS:
        return True
    return i + 1 < len(text) and not text[i + 1].isspace()


def _can_close(text: str, i: int) -> bool:
    return i + 1 >= len(text) or not _is_alnum(text[i + 1])


def quote_pairs(text: str, lo: int, hi: int) -> list[tuple[int, int]]:
    """Matched quotation marks in ``text[lo:hi]``: (opening index, closing index), inner pairs first."""
    pairs: list[tuple[int, int]] = []
    stack: list[int] = []
    for i in range(lo, hi):
        c = text[i]
        if c not in _MARKS or (c in "'\u2019" and _is_joiner_at(text, i)):
            continue
        depth = next((d for d in range(len(stack) - 1, -1, -1) if c in QUOTE_PAIRS[text[stack[d]]]), None)
        if depth is not None and _can_close(text, i):
            pairs.append((stack[depth], i))
            del stack[depth:]  # marks left open inside it were apostrophes or strays
        elif c in QUOTE_PAIRS and _can_open(text, i):
            stack.append(i)
    return pairs


def _paragraph(text: str, start: int, end: int) -> tuple[int, int]:
    lo = text.rfind("\n", max(0, start - PARAGRAPH_WINDOW), start) + 1
    hi = text.find("\n", end, end + PARAGRAPH_WINDOW)
    if lo == 0 and start > PARAGRAPH_WINDOW:
        lo = start - PARAGRAPH_WINDOW
    return lo, hi if hi != -1 else min(len(text), end + PARAGRAPH_WINDOW)


def _gap(text: str, lo: int, hi: int, closing: bool) -> bool:
    """Whether only spaces (and, before a closing mark, final punctuation) lie in ``text[lo:hi]``."""
    return all(c.isspace() or (closing and c in _CLOSING_PUNCT) for c in text[lo:hi])


def snap_span(
    text: str, start: int, end: int, *, words: bool = True, quote: QuoteMarks | None = None
) -> tuple[int, int]:
    """The span an annotator meant by selecting ``text[start:end]``.

    ``words``: snap to whole words (``snap_to_words``). ``quote``: the span is a quotation and
    the project's rule applies: a selection that is a quotation's words, with or without any of
    its marks, becomes the quotation with its marks ("include") or its words alone ("exclude").
    A selection of part of a quotation, or of a quotation and more, is left as it is.
    Returns ``(start, start)`` when nothing is left to label.
    """
    s, e = snap_to_words(text, start, end) if words else (start, end)
    if quote is None or s >= e:
        return s, e
    pairs = quote_pairs(text, *_paragraph(text, s, e))
    wrapping = {(o, c + 1): (o + 1, c) for o, c in pairs}
    while (s, e) in wrapping:  # the selection is a whole quotation: take its words
        inner = wrapping[(s, e)]
        inner = snap_to_words(text, *inner) if words else inner
        if inner[0] >= inner[1]:
            break
        s, e = inner
    if quote == "include":
        grown = True
        while grown:
            grown = False
            for o, c in pairs:  # inner pairs first: the nearest marks around the words
                if o < s and c >= e and _gap(text, o + 1, s, False) and _gap(text, e, c, True):
                    s, e, grown = o, c + 1, True
                    break
    return s, e

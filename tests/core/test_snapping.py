"""Quote spans are bounded by the project's rule whatever pixel a drag starts or ends on."""

from __future__ import annotations

import itertools

import pytest

from annotator.snapping import quote_pairs, snap_span

# (opening mark, closing mark, spaces inside as French typography has them)
STYLES = [
    ('"', '"', ""),
    ("'", "'", ""),
    ("\u201c", "\u201d", ""),  # “ ”
    ("\u2018", "\u2019", ""),  # ‘ ’
    ("\u201e", "\u201c", ""),  # „ “ German
    ("\u201a", "\u2018", ""),  # ‚ ‘ German single
    ("\u201d", "\u201d", ""),  # ” ” Swedish
    ("\u00ab", "\u00bb", ""),  # « »
    ("\u00ab", "\u00bb", "\u00a0"),  # « » French, no-break spaces inside
    ("\u00bb", "\u00ab", ""),  # » « Danish
    ("\u2039", "\u203a", ""),  # ‹ ›
    ("\u203a", "\u2039", ""),  # › ‹
]
WORDS = "We saw no signs, none at all"


def _sentence(opening: str, closing: str, pad: str, last: str = ",") -> tuple[str, int, int]:
    """A sentence with one quotation; returns it and where the quotation's marks are."""
    text = f"The mayor said: {opening}{pad}{WORDS}{last}{pad}{closing} and left the hall."
    o = text.index(opening + pad + "We")
    c = text.index(closing, o + 1 + len(WORDS))
    return text, o, c


def _drags(text: str, o: int, c: int) -> list[tuple[int, int]]:
    """Every way a reader drags over the quotation: from the space before the mark, the mark or the
    first letters, to the last letters, the comma, the closing mark or the space after it."""
    first = text.index("We", o)
    last = text.index("all", o) + len("all")
    starts = [o - 1, o, o + 1, first, first + 1]
    ends = [last - 1, last, last + 1, c, c + 1, c + 2]
    return [(s, e) for s, e in itertools.product(starts, ends) if s < e]


@pytest.mark.parametrize(("opening", "closing", "pad"), STYLES)
def test_include_gives_one_span_with_its_marks_for_every_drag(opening: str, closing: str, pad: str) -> None:
    text, o, c = _sentence(opening, closing, pad)
    results = {snap_span(text, s, e, quote="include") for s, e in _drags(text, o, c)}
    assert results == {(o, c + 1)}, [text[a:b] for a, b in results]


@pytest.mark.parametrize(("opening", "closing", "pad"), STYLES)
def test_exclude_gives_one_span_of_the_words_for_every_drag(opening: str, closing: str, pad: str) -> None:
    text, o, c = _sentence(opening, closing, pad)
    results = {snap_span(text, s, e, quote="exclude") for s, e in _drags(text, o, c)}
    assert {text[a:b] for a, b in results} == {WORDS}


@pytest.mark.parametrize("last", ["", ".", "?!", "…"])
def test_final_punctuation_inside_the_marks_belongs_to_the_quote(last: str) -> None:
    text, o, c = _sentence("\u201c", "\u201d", "", last)
    assert snap_span(text, text.index("We"), text.index("all") + 3, quote="include") == (o, c + 1)


def test_nested_quotes_take_the_nearest_marks() -> None:
    text = "He wrote: \u201cShe told me \u2018don\u2019t go\u2019 twice.\u201d Then he left."
    inner = text.index("don")
    assert text[slice(*snap_span(text, inner, inner + 9, quote="include"))] == "\u2018don\u2019t go\u2019"
    outer = text.index("She")
    whole = snap_span(text, outer, text.index("twice") + 5, quote="include")
    assert text[slice(*whole)] == "\u201cShe told me \u2018don\u2019t go\u2019 twice.\u201d"
    assert snap_span(text, whole[0], whole[1], quote="include") == whole  # idempotent
    assert (
        text[slice(*snap_span(text, *whole, quote="exclude"))]
        == "She told me \u2018don\u2019t go\u2019 twice"
    )


def test_straight_quotes_pair_as_a_reader_pairs_them() -> None:
    text = 'He said "no" and "yes" to it, and \'maybe\' to the rest; it isn\'t "over".'
    pairs = {text[o : c + 1] for o, c in quote_pairs(text, 0, len(text))}
    assert pairs == {'"no"', '"yes"', "'maybe'", '"over"'}
    between = text.index("and")  # between two quotations: not itself quoted
    assert snap_span(text, between, between + 3, quote="include") == (between, between + 3)


def test_part_of_a_quote_or_a_quote_and_more_stay_as_selected() -> None:
    text, _o, c = _sentence("\u201c", "\u201d", "")
    part = text.index("saw no")
    assert snap_span(text, part, part + 6, quote="include") == (part, part + 6)
    attribution = text.index("said")
    assert snap_span(text, attribution, c + 1, quote="exclude") == (attribution, c + 1)


def test_other_labels_and_unmatched_marks_are_unaffected() -> None:
    text, _o, _c = _sentence("\u201c", "\u201d", "")
    first = text.index("We")
    assert snap_span(text, first, first + len(WORDS)) == (first, first + len(WORDS))
    lone = "The sign read \u201cclosed and nothing more."
    at = lone.index("closed")
    assert snap_span(lone, at - 1, at + 6, quote="include") == (at, at + 6)

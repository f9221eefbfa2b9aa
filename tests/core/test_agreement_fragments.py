"""Agreement treats a multi-part span as one unit: exact needs every part, overlap any part,
token measures read the union of the parts."""

from __future__ import annotations

from annotator.agreement.data import Span, SpanTable
from annotator.agreement.spans import span_f1
from annotator.agreement.tokens import TokenGrid

QUOTE = ((0, 5), (16, 23))  # "Taxes, he said, go down": the quote without "he said"


def test_exact_match_needs_every_part() -> None:
    same = [Span(1, 0, 23, "QUOTE", "a", QUOTE), Span(1, 0, 23, "QUOTE", "b", QUOTE)]
    assert span_f1(same, "a", "b").overall.tp == 1
    other_parts = [Span(1, 0, 23, "QUOTE", "a", QUOTE), Span(1, 0, 23, "QUOTE", "b", ((0, 5), (10, 23)))]
    assert span_f1(other_parts, "a", "b").overall.tp == 0
    hull = [Span(1, 0, 23, "QUOTE", "a", QUOTE), Span(1, 0, 23, "QUOTE", "b")]
    assert span_f1(hull, "a", "b").overall.tp == 0
    assert span_f1(hull, "a", "b", match="overlap").overall.tp == 1


def test_overlap_needs_a_part_to_overlap_not_the_hull() -> None:
    between = [Span(1, 0, 23, "QUOTE", "a", QUOTE), Span(1, 6, 15, "QUOTE", "b")]  # only "he said"
    assert span_f1(between, "a", "b", match="overlap").overall.tp == 0
    touching = [Span(1, 0, 23, "QUOTE", "a", QUOTE), Span(1, 12, 18, "QUOTE", "b")]
    assert span_f1(touching, "a", "b", match="overlap").overall.tp == 1


def test_token_measures_read_the_union_of_the_parts() -> None:
    tokens = {1: [(0, 5), (7, 9), (10, 14), (16, 18), (19, 23)]}
    table = SpanTable.build([Span(1, 0, 23, "QUOTE", "a", QUOTE), Span(1, 0, 23, "QUOTE", "b")])
    grid = TokenGrid(table, tokens)
    assert grid.codes[0].tolist() == [1, 0, 0, 1, 1]  # "he said" is not in a's quote
    assert grid.codes[1].tolist() == [1, 1, 1, 1, 1]


def test_review_units_agree_only_on_the_same_parts() -> None:
    from annotator.review.compare import Kind, Mark, compare

    same = [Mark(1, "a", 0, 23, "QUOTE", parts=QUOTE), Mark(2, "b", 0, 23, "QUOTE", parts=QUOTE)]
    assert [u.kind for u in compare(same, [], ["a", "b"])] == [Kind.AGREED]
    other = [Mark(1, "a", 0, 23, "QUOTE", parts=QUOTE), Mark(2, "b", 0, 23, "QUOTE")]
    assert [u.kind for u in compare(other, [], ["a", "b"])] == [Kind.BOUNDARIES]

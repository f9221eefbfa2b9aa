"""The interval index and the text handed to Qt, against brute force and against QTextDocument."""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.text import OffsetMap
from ui.article.index import SpanIndex, display_text
from ui.qt import QTextCursor, QTextDocument

ALPHABET = st.sampled_from(list("ab \n\r\u2029\u2028\t😀👍🏽北京é\ufdd0\ufdd1\ufffc\ud800"))


@st.composite
def text_and_spans(draw: st.DrawFn) -> tuple[str, list[tuple[int, int, int, int, int, int]]]:
    text = "".join(draw(st.lists(ALPHABET, min_size=1, max_size=120)))
    spans = []
    for sid in range(draw(st.integers(0, 25))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        spans.append((start, end, sid + 1, draw(st.integers(1, 3)), 1, 1))
    return text, spans


@given(text_and_spans())
@settings(max_examples=300, deadline=None)
def test_index_matches_brute_force(case: tuple[str, list[tuple[int, int, int, int, int, int]]]) -> None:
    text, spans = case
    index = SpanIndex(display_text(text), spans)
    starts = index.block_starts
    for n in range(index.block_count):
        bs, be = starts[n], starts[n + 1] if n + 1 < len(starts) else len(text) + 1
        want = sorted(s for s in spans if s[0] < be and s[1] > bs)
        assert sorted(index.block_spans(n)) == want
    for cp in range(len(text)):
        assert {s[2] for s in index.at(cp)} == {s[2] for s in spans if s[0] <= cp < s[1]}
    # Removing and adding back keeps every block list right.
    for span in spans[::2]:
        index.remove(span[2])
    for span in spans[::2]:
        index.add(span)
    assert index.order == sorted(spans)
    for n in range(index.block_count):
        bs, be = starts[n], starts[n + 1] if n + 1 < len(starts) else len(text) + 1
        assert sorted(index.block_spans(n)) == sorted(s for s in spans if s[0] < be and s[1] > bs)


@given(st.text(ALPHABET, min_size=0, max_size=80))
@settings(max_examples=300, deadline=None)
def test_qt_sees_the_same_blocks_and_utf16_length(text: str) -> None:
    """What Qt gets has the blocks the index assumes, at the UTF-16 positions OffsetMap gives."""
    shown = display_text(text)
    assert len(shown) == len(text)
    offsets = OffsetMap(text)
    doc = QTextDocument()
    QTextCursor(doc).insertText(shown)
    index = SpanIndex(shown)
    assert doc.blockCount() == index.block_count
    assert doc.characterCount() - 1 == offsets.utf16_length
    for n, start in enumerate(index.block_starts):
        assert doc.findBlockByNumber(n).position() == offsets.to_utf16(start)


def test_neighbour_and_overlapping() -> None:
    text = "one two three four"
    spans = [(0, 3, 1, 1, 1, 1), (4, 13, 2, 1, 1, 1), (8, 13, 3, 2, 1, 1)]
    index = SpanIndex(text, spans)
    assert index.neighbour(1, 0, 1) == spans[1]
    assert index.neighbour(None, 5, 1) == spans[2]
    assert index.neighbour(None, 5, -1) == spans[1]
    assert index.neighbour(3, 0, 1) is None
    assert [s[2] for s in index.overlapping(9, 10)] == [2, 3]
    assert [s[2] for s in index.at(9)] == [3, 2]  # innermost first
    assert index.label_counts[1] == 2

"""The highlighter formats the right UTF-16 ranges, touches only the blocks a change touches, and
a long document is shown before all its spans are read."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.ops.annotations import create_span
from annotator.queries import span_table
from annotator.store import Store
from tests.ui.helpers import label_id, select_with_keys, stored_spans
from ui.article import highlighter as highlighting
from ui.article.view import ArticleView
from ui.main_window import MainWindow
from ui.qt import QColor, Qt, QTextBlock, QTextCharFormat
from ui.session import HEAD_CHARS

Open = Callable[..., MainWindow]


def _background_at(view: ArticleView, qt_pos: int) -> QColor | None:
    """The highlighter's background at a Qt (UTF-16) position, or None."""
    block = view.document().findBlock(qt_pos)
    offset = qt_pos - block.position()
    for fmt in block.layout().formats():
        if (
            fmt.start <= offset < fmt.start + fmt.length
            and fmt.format.background().style() != Qt.BrushStyle.NoBrush
        ):
            return fmt.format.background().color()
    return None


def test_formats_land_on_the_utf16_range_of_the_span(qtbot: QtBot, open_window: Open, store: Store) -> None:
    text = "😀👍🏽 北京 🇩🇪 the minister 😀 said."
    window = open_window(text)
    view = window.pane.view
    start = text.index("minister")
    select_with_keys(qtbot, view, start, len("minister"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    u0, u1 = view.to_qt(start), view.to_qt(start + len("minister"))
    assert u0 == start + 5  # five astral code points before it: 😀 👍 🏽 and the flag’s two
    assert _background_at(view, u0 - 1) is None
    assert _background_at(view, u0) is not None
    assert _background_at(view, u1 - 1) is not None
    assert _background_at(view, u1) is None


def test_a_change_rehighlights_only_the_blocks_it_touches(
    qtbot: QtBot, open_window: Open, monkeypatch: pytest.MonkeyPatch
) -> None:
    paragraphs = [f"Paragraph {i} says the minister spoke." for i in range(12)]
    window = open_window("\n".join(paragraphs))
    view = window.pane.view
    touched: list[int] = []
    highlighter = view.highlighter
    real = highlighter.rehighlightBlock
    highlighter.rehighlightBlock = lambda block: (touched.append(block.blockNumber()), real(block))  # type: ignore[method-assign]
    formatted = highlighting.reformat  # an edit re-formats a laid-out block in place

    def spy(block: QTextBlock, ranges: list[tuple[int, int, QTextCharFormat]]) -> bool:
        done = formatted(block, ranges)
        if done:
            touched.append(block.blockNumber())
        return done

    monkeypatch.setattr(highlighting, "reformat", spy)
    third = sum(len(p) + 1 for p in paragraphs[:3])
    select_with_keys(qtbot, view, third + paragraphs[3].index("minister"), len("minister"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert touched == [3]
    touched.clear()
    qtbot.keyClick(view, Qt.Key.Key_Q)  # relabel
    assert touched == [3]
    touched.clear()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert touched == [3]
    assert _background_at(view, view.to_qt(third + paragraphs[3].index("minister"))) is None


def test_overlapping_spans_keep_the_innermost_background(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    text = "Mayor Elena Varga said the bridge is unsafe."
    window = open_window(text)
    view = window.pane.view
    select_with_keys(qtbot, view, 0, len("Mayor Elena Varga said the bridge is unsafe"))
    qtbot.keyClick(view, Qt.Key.Key_C)
    view.place_caret(0)
    select_with_keys(qtbot, view, 0, len("Mayor Elena Varga"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    inner = _background_at(view, 2)
    outer = _background_at(view, text.index("bridge"))
    assert inner is not None and outer is not None and inner != outer
    view.viewport().repaint()  # the overlay draws the outer span's underline; it must not fail


def test_long_document_paints_first_then_reads_all_spans(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    text = "\n".join(f"Line {i:05d}: the minister said something quotable." for i in range(2000))
    assert len(text) > 10 * HEAD_CHARS
    window = open_window()
    from tests.ui.conftest import add_docs

    (doc,) = add_docs(store, project.id, text)
    actor = label_id(store, project.id, "ACTOR")
    with store.transaction() as tx:
        alice = window.project.annotator_id  # type: ignore[union-attr]
        for i in range(0, 2000, 10):
            start = text.index(f"Line {i:05d}")
            create_span(tx, doc, start, start + 10, actor, alice)
    window.open_document(doc)
    session = window.session
    assert len(session.index) < 200  # only the first screen's spans so far
    qtbot.waitUntil(lambda: session.complete, timeout=5000)
    assert len(session.index) == 200
    assert window.spans.model().rowCount() == 200
    # Editing while incomplete would read everything first; here it is complete: add one far down.
    far = text.index("Line 01995")
    view = window.pane.view
    view.scroll_to(far, far + 10)
    select_with_keys(qtbot, view, far, 4)
    qtbot.keyClick(view, Qt.Key.Key_Q)
    with store.session() as s:
        assert len(span_table(s, doc)) == 201
    assert _background_at(view, view.to_qt(far)) is not None  # highlighted once visible


def test_edit_before_the_background_read_completes_first(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    text = "\n".join(f"Row {i:04d} with words." for i in range(1500))
    window = open_window()
    from tests.ui.conftest import add_docs

    (doc,) = add_docs(store, project.id, text)
    window.open_document(doc)
    assert not window.session.complete
    view = window.pane.view
    select_with_keys(qtbot, view, 0, 3)  # keys and clicks read the rest synchronously first
    assert window.session.complete
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert len(stored_spans(store, doc)) == 1

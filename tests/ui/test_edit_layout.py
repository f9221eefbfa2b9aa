"""An edit re-tints its paragraphs without Qt laying the document out again (issue 19: that
re-layout moved every paragraph after the edited one, ~5 ms a key near the top of a long text).
What it leaves on screen must be what Qt's own layout of the new formats draws."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.store import Store
from tests.ui.helpers import select_with_keys, stored_spans
from tests.ui.test_edit_repaint import _fully_repainted, _on_screen
from ui.main_window import MainWindow
from ui.qt import Qt

Open = Callable[..., MainWindow]
# Long paragraphs that wrap over several lines, with astral characters and a right-to-left word.
PARAGRAPH = (
    "The minister 😀 said on Monday that the harbour bridge would open in spring, and the mayor "
    "replied that the city شمال had not been asked about it. Critics 👍🏽 argued that the plan was "
    "rushed, that the costs were hidden and that the public hearing came far too late for anyone."
)
TEXT = "\n".join(f"{n}. {PARAGRAPH}" for n in range(1, 7))


def _lines(window: MainWindow, number: int) -> list[tuple[int, int, float, float, float]]:
    block = window.pane.view.document().findBlockByNumber(number)
    layout = block.layout()
    out = []
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        out.append((line.textStart(), line.textLength(), line.x(), line.y(), line.height()))
    return out


def _laid_out_by_qt(window: MainWindow, number: int) -> None:
    """Make Qt lay the paragraph out again from scratch, as the old edit path did."""
    doc = window.pane.view.document()
    block = doc.findBlockByNumber(number)
    doc.markContentsDirty(block.position(), block.length())


def test_an_edit_does_not_relayout_the_document_and_draws_what_qt_would(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    window = open_window(TEXT)
    view, doc_id = window.pane.view, window.session.doc_id
    assert doc_id is not None
    changes: list[object] = []  # what Qt's document layout reports after laying text out
    view.document().documentLayout().update.connect(lambda *args: changes.append(args))
    third = TEXT.index("3. ")
    assert len(_lines(window, 2)) >= 2  # the paragraph wraps
    start = TEXT.index("harbour bridge", third)
    select_with_keys(qtbot, view, start, len("harbour bridge"))
    qtbot.keyClick(view, Qt.Key.Key_C)  # add
    assert len(stored_spans(store, doc_id)) == 1
    qtbot.keyClick(view, Qt.Key.Key_Q)  # relabel
    other = TEXT.index("Critics", third)
    select_with_keys(qtbot, view, other, len("Critics 👍🏽 argued"))
    qtbot.keyClick(view, Qt.Key.Key_A)  # a second span, across the astral characters
    assert len(stored_spans(store, doc_id)) == 2
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the delete
    assert len(stored_spans(store, doc_id)) == 2
    assert changes == []  # no edit told the document: nothing was laid out again
    lines, shown = _lines(window, 2), _on_screen(window)
    assert shown == _fully_repainted(window)
    _laid_out_by_qt(window, 2)
    assert _lines(window, 2) == lines
    assert _on_screen(window) == _fully_repainted(window) == shown

"""An edit repaints only its paragraphs and the selected span's (ui/article/repaint.py): what is
on screen afterwards must be exactly what a full repaint draws. Real key events; the window's
pixels are read back from the screen (the backing store), not re-rendered."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.store import Store
from tests.ui.helpers import select_with_keys, stored_spans
from ui.main_window import MainWindow
from ui.qt import QApplication, QImage, Qt

Open = Callable[..., MainWindow]
PARAGRAPH = (
    "The minister said on Monday that the harbour bridge would open in spring, and the mayor "
    "replied that the city had not been asked. Critics argued the plan was rushed."
)
TEXT = "\n".join(f"{n}. {PARAGRAPH}" for n in range(1, 9))


def _on_screen(window: MainWindow) -> QImage:
    """The article's pixels as last drawn (the screen's copy of the window, not a new paint),
    once what follows an edit's frame (the actor picker, the panels) has been drawn too."""
    QApplication.processEvents()
    window.pane.view.after_paint.run()  # what follows the edit's frame, if it did not yet
    QApplication.processEvents()  # and the frame that draws it
    viewport = window.pane.view.viewport()
    screen = window.screen()
    assert screen is not None
    origin = viewport.mapTo(window, viewport.rect().topLeft())
    shot = screen.grabWindow(window.winId(), origin.x(), origin.y(), viewport.width(), viewport.height())
    return shot.toImage().convertToFormat(QImage.Format.Format_RGB32)


def _fully_repainted(window: MainWindow) -> QImage:
    window.pane.view.viewport().repaint()
    return _on_screen(window)


def test_edits_leave_the_screen_as_a_full_repaint_draws_it(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    view = window.pane.view
    qtbot.waitExposed(window)
    start = TEXT.index("harbour bridge", TEXT.index("3. "))
    select_with_keys(qtbot, view, start, len("harbour bridge"))
    qtbot.keyClick(view, Qt.Key.Key_C)  # add a CLAIM: its paragraph repaints
    assert len(stored_spans(store, doc)) == 1
    assert _on_screen(window) == _fully_repainted(window)
    qtbot.keyClick(view, Qt.Key.Key_Q)  # relabel it
    assert _on_screen(window) == _fully_repainted(window)
    other = TEXT.index("the mayor", TEXT.index("6. "))
    select_with_keys(qtbot, view, other, len("the mayor"))  # a click elsewhere: the outline moves
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert len(stored_spans(store, doc)) == 2
    assert _on_screen(window) == _fully_repainted(window)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert len(stored_spans(store, doc)) == 1
    assert _on_screen(window) == _fully_repainted(window)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo brings it back
    assert len(stored_spans(store, doc)) == 2
    assert _on_screen(window) == _fully_repainted(window)


def test_nested_and_wrapped_spans_repaint_their_lines_as_a_full_repaint_draws_them(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    """Only the lines of the edited spans are repainted: a quote wrapped over lines, a claim
    inside it (stacked underlines), a span at a line's end; each edit leaves a full repaint's screen."""
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    view = window.pane.view
    qtbot.waitExposed(window)
    third = TEXT.index("3. ")
    start = TEXT.index("said on Monday", third)
    end = TEXT.index("Critics", third)
    select_with_keys(qtbot, view, start, end - start)  # across the paragraph's lines
    qtbot.keyClick(view, Qt.Key.Key_Q)
    assert len(stored_spans(store, doc)) == 1
    assert _on_screen(window) == _fully_repainted(window)
    inner = TEXT.index("harbour bridge would open", third)
    select_with_keys(qtbot, view, inner, len("harbour bridge would open"))
    qtbot.keyClick(view, Qt.Key.Key_C)  # inside the quote: a second underline row
    assert len(stored_spans(store, doc)) == 2
    assert _on_screen(window) == _fully_repainted(window)
    qtbot.keyClick(view, Qt.Key.Key_A)  # relabel the inner span
    assert _on_screen(window) == _fully_repainted(window)
    select_with_keys(qtbot, view, TEXT.index("rushed", third), len("rushed"))  # the paragraph's end
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert _on_screen(window) == _fully_repainted(window)
    qtbot.keyClick(view, Qt.Key.Key_Tab)  # the selection moves: old and new outlines
    assert _on_screen(window) == _fully_repainted(window)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert _on_screen(window) == _fully_repainted(window)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _on_screen(window) == _fully_repainted(window)
    assert len(stored_spans(store, doc)) == 3

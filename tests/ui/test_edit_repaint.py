"""An edit repaints only its paragraphs and the selected span's (ui/article/repaint.py): what is
on screen afterwards must be exactly what a full repaint draws. Real key events; the window's
pixels are read back from the screen (the backing store), not re-rendered."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.store import Store
from tests.ui.helpers import select_with_keys, stored_spans
from ui.article import highlighter as highlighting
from ui.main_window import MainWindow
from ui.qt import QApplication, QImage, Qt, QTextBlock

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


def _break_early(block: QTextBlock) -> bool:
    """Lay the block out with its first line one word shorter, at the same places: the lines a
    format boundary leaves when it changes an advance (kerning) and so where a line breaks.
    False (and the block left as it was) when the word would not fit on the other lines."""
    layout = block.layout()
    old = [layout.lineAt(i) for i in range(layout.lineCount())]
    places = [(line.width(), line.position(), line.leadingIncluded()) for line in old]
    first = block.text()[: old[0].textLength()].rstrip()
    shorter = first.rindex(" ") + 1
    for attempt in (shorter, None):  # None: the lines as they were
        layout.beginLayout()
        for i, (width, position, leading) in enumerate(places):
            line = layout.createLine()
            line.setLeadingIncluded(leading)
            if i == 0 and attempt is not None:
                line.setNumColumns(attempt, width)
            else:
                line.setLineWidth(width)
            line.setPosition(position)
        fits = not layout.createLine().isValid()
        layout.endLayout()
        if fits:
            return attempt is not None
    raise AssertionError("the block could not be laid out again")


def test_a_line_break_moved_by_an_edit_repaints_its_whole_paragraph_and_moves_nothing_below(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """When new formats make a paragraph's text break elsewhere in the same lines (kerning across
    a format boundary), the paragraph is laid out in place: nothing below it moves, and every row
    of it is repainted, not only the edited span's."""
    text = "\n".join(f"{n}. {PARAGRAPH}" + " Yes." * n for n in range(1, 9))  # last lines of all lengths
    window = open_window(text)
    doc = window.session.doc_id
    assert doc is not None
    view = window.pane.view
    qtbot.waitExposed(window)
    block = view.document().firstBlock()
    while not (block.layout().lineCount() >= 2 and _break_early(block)):
        block = block.next()
        assert block.isValid(), "no paragraph has room for a word more on its other lines"
    window.pane.view.viewport().repaint()
    layout = view.document().documentLayout()
    below = layout.blockBoundingRect(block.next())
    outcomes: list[highlighting.Reformat] = []
    real = highlighting.reformat
    monkeypatch.setattr(highlighting, "reformat", lambda b, r: outcomes.append(real(b, r)) or outcomes[-1])
    start = block.position() + block.text().index("Critics")  # on a later line than the moved word
    select_with_keys(qtbot, view, start, len("Critics"))
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert len(stored_spans(store, doc)) == 1
    assert outcomes == [highlighting.Reformat.MOVED]
    assert layout.blockBoundingRect(block.next()) == below
    assert _on_screen(window) == _fully_repainted(window)

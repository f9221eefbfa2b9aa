"""Ctrl+PgDn/PgUp highlight exactly the open document in the list (issue 20, point 5).

The list allows extended selection (several documents for agreement or deletion); moving the
current row while Ctrl is held used to toggle rows into the selection instead of replacing it.
"""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from ui.qt import QApplication, Qt

Open = Callable[..., MainWindow]


def _highlighted(window: MainWindow) -> list[int]:
    view = window.documents.view
    return sorted(index.row() for index in view.selectionModel().selectedRows())


def test_ctrl_pgdn_and_pgup_highlight_only_the_open_document(qtbot: QtBot, open_window: Open) -> None:
    window = open_window("First text.", "Second text.", "Third text.", "Fourth text.")
    model = window.documents.model
    for key in (Qt.Key.Key_PageDown, Qt.Key.Key_PageDown, Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
        before = window.session.doc_id
        qtbot.keyClick(window.pane.view, key, Qt.KeyboardModifier.ControlModifier)
        qtbot.waitUntil(lambda b=before: window.session.doc_id != b)
        current = model.row_of(window.session.doc_id)
        assert _highlighted(window) == [current]
        assert window.documents.view.currentIndex().row() == current


def test_ctrl_pgdn_while_ctrl_is_held_in_the_application_state(qtbot: QtBot, open_window: Open) -> None:
    """The same with Ctrl held as the platform reports it (as it is under a real keyboard)."""
    window = open_window("First text.", "Second text.", "Third text.")
    model = window.documents.model
    original = QApplication.keyboardModifiers
    QApplication.keyboardModifiers = staticmethod(lambda: Qt.KeyboardModifier.ControlModifier)  # type: ignore[method-assign]
    try:
        window.step_document(1)
        window.step_document(1)
    finally:
        QApplication.keyboardModifiers = original  # type: ignore[method-assign]
    assert _highlighted(window) == [model.row_of(window.session.doc_id)]

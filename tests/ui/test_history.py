"""Span history (issue 6): Ctrl+H on the selected span lists its audit entries with the actor,
from the article, from the span list's context menu and from the review view's gold pane."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.store import Store
from tests.ui.helpers import select_with_keys
from tests.ui.test_review import TEXT, make_review_doc
from ui.main_window import MainWindow
from ui.qt import QApplication, QMenu, Qt, QTimer


def test_history_lists_create_then_relabel_with_the_actor(
    open_window: Callable[..., MainWindow], store: Store, project: Project, qtbot: QtBot
) -> None:
    make_review_doc(store, project.id)
    window = open_window(annotator="alice")
    view = window.pane.view
    select_with_keys(qtbot, view, 0, len("Mayor"))
    qtbot.keyClick(view, "a")  # ACTOR
    qtbot.keyClick(view, "c")  # relabel the new span as CLAIM
    assert window.session.selected is not None
    qtbot.keyClick(view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.review.history_dialog
    assert dialog is not None and dialog.isVisible()
    rows = [[dialog.table.item(i, j).text() for j in range(1, 5)] for i in range(dialog.table.rowCount())]
    assert rows == [["alice", "created", "", "0–5 ACTOR"], ["alice", "changed", "0–5 ACTOR", "0–5 CLAIM"]]
    dialog.close()
    # An imported span: its first row is the import that brought it in.
    window.review.history(window.session.index.order[1][2])
    imported = window.review.history_dialog
    assert imported is not None and imported.table.item(0, 5).text() == "import or merge"
    imported.close()


def test_history_from_the_span_lists_context_menu(
    open_window: Callable[..., MainWindow], store: Store, project: Project, qtbot: QtBot
) -> None:
    make_review_doc(store, project.id)
    window = open_window(annotator="alice")
    spans = window.spans
    rect = spans.visualRect(spans.model().index(0, 1))

    def choose() -> None:
        menu = QApplication.activePopupWidget()
        assert isinstance(menu, QMenu)
        action = next(a for a in menu.actions() if a.text().startswith("Span &history"))
        assert action.isEnabled()
        action.trigger()
        menu.close()

    QTimer.singleShot(100, choose)
    spans.customContextMenuRequested.emit(rect.center())
    qtbot.waitUntil(lambda: window.review.history_dialog is not None)
    dialog = window.review.history_dialog
    assert dialog is not None and dialog.table.rowCount() == 1
    dialog.close()


def test_history_of_a_gold_span_names_the_reviewer(
    open_window: Callable[..., MainWindow], store: Store, project: Project, qtbot: QtBot
) -> None:
    doc = make_review_doc(store, project.id)
    window = open_window(annotator="riley")
    window.open_document(doc)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
    review = window.review.view
    qtbot.waitUntil(lambda: review.doc is not None)
    review.accept_agreed()
    review.select_gold(review.gold.session.index.order[0][2])
    qtbot.keyClick(review.gold.view, Qt.Key.Key_H, Qt.KeyboardModifier.ControlModifier)
    dialog = window.review.history_dialog
    assert dialog is not None
    row = [dialog.table.item(0, j).text() for j in range(1, 6)]
    start = TEXT.index("Ana Ruiz")
    assert row == ["riley", "created", "", f"{start}–{start + 8} ACTOR", "accepted into gold from alice, bob"]
    dialog.close()

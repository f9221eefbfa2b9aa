"""Driving the article with real key and mouse events, and reading back what the database holds."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.queries import SpanTuple, label_rows, relations_of, span_table
from annotator.store import Store
from ui.article.view import ArticleView
from ui.qt import QApplication, QMessageBox, QPoint, Qt, QTextCursor, QTimer


def point_of(view: ArticleView, cp: int) -> QPoint:
    """A point inside the character at code point ``cp`` (viewport coordinates)."""
    cursor = QTextCursor(view.document())
    cursor.setPosition(view.to_qt(cp))
    rect = view.cursorRect(cursor)
    return QPoint(rect.x() + 2, rect.center().y())


def click(qtbot: QtBot, view: ArticleView, cp: int) -> None:
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, cp))


def select_with_keys(qtbot: QtBot, view: ArticleView, start: int, moves: int) -> None:
    """Click just before ``start``, then Shift+Right ``moves`` times (Qt moves by whole graphemes).

    A click on a span selects the span, and Shift+arrows would then resize it: Esc first.
    """
    click(qtbot, view, start)
    if view.session.selected is not None:
        qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert view.caret_cp() == start
    for _ in range(moves):
        qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)


def stored_spans(store: Store, doc_id: int) -> list[SpanTuple]:
    with store.session() as session:
        return span_table(session, doc_id)


def stored_relations(store: Store, doc_id: int) -> list[tuple[int, int, int]]:
    with store.session() as session:
        return [(r.source_id, r.target_id, r.type_id) for r in relations_of(session, doc_id)]


def label_id(store: Store, project_id: int, name: str) -> int:
    with store.session() as session:
        return next(lab.id for lab in label_rows(session, project_id) if lab.name == name)


def answer_question(qtbot: QtBot, button_text: str, seen: list[str]) -> None:
    """Answer the next question box (a modal QMessageBox) with a mouse click on the button named
    ``button_text``; its text goes into ``seen``."""

    def answer() -> None:
        box = QApplication.activeModalWidget()
        if not isinstance(box, QMessageBox):
            QTimer.singleShot(20, answer)
            return
        seen.append(box.text())
        button = next(b for b in box.buttons() if b.text().replace("&", "") == button_text)
        qtbot.mouseClick(button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, answer)

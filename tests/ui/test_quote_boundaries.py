"""Quote boundaries follow the project's rule for real mouse drags, and a selection across
paragraphs asks first (issue 11 section 4). Everything is checked against the database."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.settings_project import load_settings, set_setting
from annotator.store import Store
from tests.ui.helpers import label_id, point_of, select_with_keys, stored_spans
from ui.article.view import ArticleView
from ui.main_window import MainWindow
from ui.qt import (
    QApplication,
    QComboBox,
    QDialog,
    QEvent,
    QMessageBox,
    QMouseEvent,
    QPoint,
    QPointF,
    Qt,
    QTimer,
)

Open = Callable[..., MainWindow]

QUOTE = "\u201cThe ferry will run again in May, and nobody will pay more,\u201d"
TEXT = f"The harbour master spoke on Monday. {QUOTE} she told reporters at the pier."
SECOND = "Residents were not convinced.\n\nSeveral of them wrote to the council the same evening."


def _mouse(view: ArticleView, kind: QEvent.Type, at: QPoint, button: Qt.MouseButton) -> None:
    """One mouse event as the window system delivers it (QTest's move carries no held button, and
    its presses in quick succession turn into double clicks)."""
    viewport = view.viewport()
    held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else Qt.MouseButton.LeftButton
    event = QMouseEvent(
        kind, QPointF(at), QPointF(viewport.mapToGlobal(at)), button, held, Qt.KeyboardModifier.NoModifier
    )
    QApplication.sendEvent(viewport, event)


def drag(view: ArticleView, start_cp: int, end_cp: int, end_right: bool = False) -> None:
    """Press on the character at ``start_cp``, move and release on the one at ``end_cp`` (on its
    right half with ``end_right``), as a hand does."""
    begin, finish = point_of(view, start_cp), point_of(view, end_cp)
    if end_right:
        finish.setX(finish.x() + 4)
    left = Qt.MouseButton.LeftButton
    _mouse(view, QEvent.Type.MouseButtonPress, begin, left)
    _mouse(view, QEvent.Type.MouseMove, finish, Qt.MouseButton.NoButton)
    _mouse(view, QEvent.Type.MouseButtonRelease, finish, left)


def _quote_spans(store: Store, project: Project, doc: int) -> set[str]:
    quote = label_id(store, project.id, "QUOTE")
    return {TEXT[s[0] : s[1]] for s in stored_spans(store, doc) if s[3] == quote}


def _drags() -> list[tuple[int, int, bool]]:
    """On the opening mark or the first letter; to the last letter, the comma or past the mark."""
    o = TEXT.index("\u201c")
    c = TEXT.index("\u201d")
    return [
        (o, c - 2, True),  # opening mark .. last letter
        (o + 1, c - 2, False),  # first letter .. into the last letter
        (o + 1, c + 1, False),  # first letter .. just after the closing mark
        (o, c, True),  # opening mark .. closing mark
        (o + 2, c - 1, False),  # inside the first word .. the comma
    ]


def _window(
    open_window: Open, store: Store, project: Project, text: str, **settings: str
) -> tuple[MainWindow, ArticleView, int]:
    """A window on ``text`` in a project with ``settings`` (keys with _ for -) stored first."""
    with store.transaction() as tx:
        for key, value in settings.items():
            set_setting(tx, project.id, key.replace("_", "-"), value)
    window = open_window(text)
    assert window.session.doc_id is not None
    return window, window.pane.view, window.session.doc_id


@pytest.mark.parametrize("rule", ["include", "exclude"])
def test_every_drag_over_a_quote_gives_the_same_span(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, rule: str
) -> None:
    window, view, doc = _window(open_window, store, project, TEXT, quote_marks=rule)
    for start, end, right in _drags():
        drag(view, start, end, right)
        assert view.textCursor().hasSelection()
        qtbot.keyClick(view, Qt.Key.Key_Q)
        drag(view, 0, 0)  # a click outside: pressing inside a selection would drag the text away
    expected = QUOTE if rule == "include" else QUOTE[1:-2]
    assert _quote_spans(store, project, doc) == {expected}
    assert window.statusBar().currentMessage() == "That span is labelled already"


def test_the_rule_changed_in_the_settings_dialog_applies_to_the_next_drag(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, view, doc = _window(open_window, store, project, TEXT)

    def choose_exclude() -> None:
        dialog = QApplication.activeModalWidget()
        assert isinstance(dialog, QDialog)
        combo = dialog.findChild(QComboBox, "quote-marks")
        assert combo is not None
        combo.setFocus()
        qtbot.keyClick(combo, Qt.Key.Key_Down)  # include → exclude
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    QTimer.singleShot(0, choose_exclude)
    window.actions_by_name["project_settings"].trigger()
    with store.session() as session:
        assert load_settings(session, project.id).quote_marks == "exclude"
    o, c = TEXT.index("\u201c"), TEXT.index("\u201d")
    drag(view, o, c + 1)
    qtbot.keyClick(view, Qt.Key.Key_Q)
    assert _quote_spans(store, project, doc) == {QUOTE[1:-2]}


def _answer(qtbot: QtBot, button: QMessageBox.StandardButton, asked: list[str]) -> None:
    def press() -> None:
        box = QApplication.activeModalWidget()
        assert isinstance(box, QMessageBox)
        asked.append(box.text())
        found = box.button(button)
        assert found is not None
        qtbot.mouseClick(found, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, press)


def test_a_selection_across_paragraphs_asks_before_it_becomes_a_span(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    _win, view, doc = _window(open_window, store, project, SECOND)
    start = SECOND.index("were")
    moves = SECOND.index("wrote") + 5 - start
    asked: list[str] = []

    select_with_keys(qtbot, view, start, moves)
    _answer(qtbot, QMessageBox.StandardButton.No, asked)
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert asked and "2 paragraphs" in asked[0]
    assert stored_spans(store, doc) == []
    assert view.textCursor().hasSelection()  # still there to adjust

    _answer(qtbot, QMessageBox.StandardButton.Yes, asked)
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert [(s[0], s[1]) for s in stored_spans(store, doc)] == [(start, start + moves)]
    assert len(asked) == 2

    within = SECOND.index("Several")  # one paragraph: no question
    select_with_keys(qtbot, view, within, len("Several"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert len(asked) == 2 and len(stored_spans(store, doc)) == 2


@pytest.mark.parametrize("rule", ["refuse", "allow"])
def test_refuse_and_allow_need_no_answer(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, rule: str
) -> None:
    window, view, doc = _window(open_window, store, project, SECOND, cross_paragraph=rule)
    start = SECOND.index("were")
    select_with_keys(qtbot, view, start, SECOND.index("wrote") + 5 - start)
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert len(stored_spans(store, doc)) == (0 if rule == "refuse" else 1)
    if rule == "refuse":
        assert "across 2 paragraphs" in window.statusBar().currentMessage()

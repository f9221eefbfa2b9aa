"""Multi-part spans in the article, with real mouse and key events: Ctrl+drag adds a part to the
selected span (or gathers parts for the next label key), Alt+P does it from the keyboard, Ctrl+Z
takes a part back, Delete takes the whole span; the parts are tinted, the words between are not.
Every result is read back from the database."""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.model import Annotation
from annotator.store import Store
from tests.ui.helpers import click, point_of, select_with_keys
from ui.article.view import ArticleView
from ui.main_window import MainWindow
from ui.qt import QApplication, QEvent, QImage, QMouseEvent, QPoint, QPointF, Qt

Open = Callable[..., MainWindow]

TEXT = "Taxes will go down, the mayor said, and prices will fall next year. Critics doubt it."
FIRST = "Taxes will go down"
SECOND = "and prices will fall next year"
CTRL = Qt.KeyboardModifier.ControlModifier


def _mouse(view: ArticleView, kind: QEvent.Type, at: QPoint, mods: Qt.KeyboardModifier) -> None:
    """One mouse event as the window system delivers it (QTest's move carries no held button)."""
    viewport = view.viewport()
    left = Qt.MouseButton.LeftButton
    held = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseButtonRelease else left
    button = Qt.MouseButton.NoButton if kind == QEvent.Type.MouseMove else left
    event = QMouseEvent(kind, QPointF(at), QPointF(viewport.mapToGlobal(at)), button, held, mods)
    QApplication.sendEvent(viewport, event)


def drag(view: ArticleView, words: str, mods: Qt.KeyboardModifier = CTRL) -> None:
    """Press on the first letter of ``words``, move to its last letter and release there."""
    start = TEXT.index(words)
    begin, finish = point_of(view, start), point_of(view, start + len(words) - 1)
    finish.setX(finish.x() + 3)
    _mouse(view, QEvent.Type.MouseButtonPress, begin, mods)
    _mouse(view, QEvent.Type.MouseMove, finish, mods)
    _mouse(view, QEvent.Type.MouseButtonRelease, finish, mods)


def _range(words: str) -> list[int]:
    start = TEXT.index(words)
    return [start, start + len(words)]


def _spans(store: Store) -> list[tuple[int, int, list[list[int]] | None]]:
    with store.session() as s:
        return [(a.start, a.end, a.fragments) for a in s.scalars(select(Annotation).order_by(Annotation.id))]


def _open(open_window: Open) -> tuple[MainWindow, ArticleView]:
    window = open_window(TEXT)
    return window, window.pane.view


def test_ctrl_drag_adds_a_part_and_ctrl_z_takes_it_back(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    window, view = _open(open_window)
    drag(view, FIRST, Qt.KeyboardModifier.NoModifier)
    qtbot.keyClick(view, Qt.Key.Key_Q)
    assert _spans(store) == [(*_range(FIRST), None)]
    assert window.session.selected is not None
    drag(view, SECOND)  # Ctrl+drag with the quote selected: one more part of it
    qtbot.waitUntil(lambda: _spans(store)[0][2] is not None)
    hull = [_range(FIRST)[0], _range(SECOND)[1]]
    assert _spans(store) == [(*hull, [_range(FIRST), _range(SECOND)])]
    assert view.parts.by_span == {window.session.selected: [tuple(_range(FIRST)), tuple(_range(SECOND))]}
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _spans(store) == [(*_range(FIRST), None)]
    assert view.parts.by_span == {}
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert _spans(store) == [(*hull, [_range(FIRST), _range(SECOND)])]
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # the whole span goes, every part of it
    assert _spans(store) == []


def test_ctrl_drags_without_a_span_gather_parts_for_the_label_key(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    _window, view = _open(open_window)
    drag(view, FIRST)
    drag(view, SECOND)
    assert view.parts.gathering == [tuple(_range(FIRST)), tuple(_range(SECOND))]
    assert _spans(store) == []  # nothing stored before the label key
    qtbot.keyClick(view, Qt.Key.Key_Q)
    assert _spans(store) == [(_range(FIRST)[0], _range(SECOND)[1], [_range(FIRST), _range(SECOND)])]
    assert view.parts.gathering == []
    drag(view, "Critics")
    qtbot.keyClick(view, Qt.Key.Key_Escape)  # Esc drops gathered parts
    assert view.parts.gathering == []


def test_keyboard_adds_and_removes_a_part(qtbot: QtBot, open_window: Open, store: Store) -> None:
    window, view = _open(open_window)
    select_with_keys(qtbot, view, TEXT.index(FIRST), len(FIRST))
    qtbot.keyClick(view, Qt.Key.Key_Q)
    span = window.session.selected
    select_with_keys(qtbot, view, TEXT.index(SECOND), len(SECOND))  # Esc'd the span: select it again
    window.session.select(span)
    qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier)
    assert _spans(store)[0][2] == [_range(FIRST), _range(SECOND)]
    click(qtbot, view, TEXT.index("prices"))
    window.session.select(span)
    qtbot.keyClick(view, Qt.Key.Key_P, Qt.KeyboardModifier.AltModifier | Qt.KeyboardModifier.ShiftModifier)
    assert _spans(store) == [(*_range(FIRST), None)]


def test_the_words_between_the_parts_are_not_tinted(qtbot: QtBot, open_window: Open, store: Store) -> None:
    window, view = _open(open_window)
    drag(view, FIRST)
    drag(view, SECOND)
    qtbot.keyClick(view, Qt.Key.Key_Q)
    assert window.session.selected is not None
    row = window.spans.model().index(0, 1)  # the span list reads the parts, joined
    assert row.data() == f"{FIRST} … {SECOND}"
    block = view.document().firstBlock()
    tinted = {
        r.start + k
        for r in block.layout().formats()
        if r.format.background().style() != Qt.BrushStyle.NoBrush
        for k in range(r.length)
    }
    assert view.to_qt(TEXT.index("Taxes")) in tinted and view.to_qt(TEXT.index("prices")) in tinted
    assert view.to_qt(TEXT.index("mayor")) not in tinted
    image: QImage = view.viewport().grab().toImage()
    assert not image.isNull()
    shot = os.environ.get("ANNOTATOR_SCREENSHOT_DIR")
    if shot:  # the README's picture of a drawn multi-part quote
        window.grab().save(str(Path(shot) / "multi-part-quote.png"))

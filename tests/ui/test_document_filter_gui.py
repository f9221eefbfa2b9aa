"""Typing in the document list's filter box: words through the full-text index, any text safe."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

import ui.documents
from ui.main_window import MainWindow
from ui.qt import Qt

Open = Callable[..., MainWindow]


def _type(qtbot: QtBot, window: MainWindow, typed: str) -> None:
    box = window.documents.filter
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClick(box, Qt.Key.Key_Delete)
    qtbot.keyClicks(box, typed)


def test_typed_words_filter_the_list_and_query_syntax_is_plain_text(qtbot: QtBot, open_window: Open) -> None:
    window = open_window(
        "The harbour bridge reopened on Monday.",
        'Fishermen said "no deal" to the council.',
        "Council votes on the budget.",
    )
    model = window.documents.model
    assert model.total == 3

    def titles_shown() -> list[str]:
        return [model.doc_at(r).title or "" for r in range(model.rowCount())]  # type: ignore[union-attr]

    _type(qtbot, window, "harbour bri")
    qtbot.waitUntil(lambda: model.total == 1, timeout=3000)
    assert model.doc_at(0).id == window.project.documents()[0].id  # type: ignore[union-attr]
    _type(qtbot, window, "counc")
    qtbot.waitUntil(lambda: model.total == 2, timeout=3000)
    assert len(titles_shown()) == 2
    _type(qtbot, window, '"no deal" t')  # quotes are ordinary characters
    qtbot.waitUntil(lambda: model.total == 1, timeout=3000)
    assert model.doc_at(0).id == window.project.documents()[1].id  # type: ignore[union-attr]
    _type(qtbot, window, "NEAR(a*")  # FTS5 syntax too: nothing matches, nothing raises
    qtbot.waitUntil(lambda: model.total == 0, timeout=3000)
    _type(qtbot, window, "the")
    qtbot.waitUntil(lambda: model.total == 3, timeout=3000)
    _type(qtbot, window, "ridge")  # words from their start: not inside "bridge"
    qtbot.waitUntil(lambda: model.total == 0, timeout=3000)
    window.documents.filter.clear()
    qtbot.waitUntil(lambda: model.total == 3, timeout=3000)


def test_a_filter_with_more_matches_than_counted_still_lists_them_all(
    qtbot: QtBot, open_window: Open, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(ui.documents, "PAGE", 2)
    monkeypatch.setattr(ui.documents, "COUNTED", 3)  # counting stops at 3 of the 7 matches
    window = open_window(*[f"Harbour news {n}." for n in range(7)], "Other news.")
    model = window.documents.model
    _type(qtbot, window, "harbour")
    qtbot.waitUntil(lambda: model.text == "harbour", timeout=3000)
    model.reload()  # no events until the asserts: the view cannot fetch pages meanwhile
    assert (model.total, model.rowCount()) == (3, 2) and model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == 7 and model.total == 7
    assert not model.canFetchMore()

"""Preferences persist: annotator name, text size, window layout, last document, recent projects."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from ui.app import ask_name_once, stored_name
from ui.main_window import MainWindow
from ui.projects_ui import recent
from ui.qt import QInputDialog, QSettings, Qt

Open = Callable[..., MainWindow]


def test_name_is_asked_once_and_kept(monkeypatch: pytest.MonkeyPatch, settings: QSettings) -> None:
    settings.remove("annotator/name")
    asked: list[str] = []

    def fake(*_args: object, **_kwargs: object) -> tuple[str, bool]:
        asked.append("asked")
        return "  dana ", True

    monkeypatch.setattr(QInputDialog, "getText", staticmethod(fake))
    assert ask_name_once() == "dana"
    assert ask_name_once() == "dana"
    assert asked == ["asked"]
    assert stored_name() == "dana"


def test_changing_the_annotator_from_the_menu(
    qtbot: QtBot, open_window: Open, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window("Some article.")
    monkeypatch.setattr(QInputDialog, "getText", staticmethod(lambda *a, **k: ("bob", True)))
    window.change_annotator()
    assert window.project is not None and window.project.actor.name == "bob"
    assert "bob" in window.who.text()
    assert QSettings().value("annotator/name") == "bob"


def test_text_size_layout_and_last_document_persist(qtbot: QtBot, open_window: Open) -> None:
    window = open_window("One.", "Two.", "Three.", restore=True)
    window.resize(760, 560)  # within the offscreen screen (800 × 600), which restoreGeometry respects
    qtbot.keyClick(window.pane.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    doc = window.session.doc_id
    size = window.pane.view.point_size
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Equal, Qt.KeyboardModifier.ControlModifier)
    assert window.pane.view.point_size == size + 1
    window.docks[0].hide()
    window.close()

    again = open_window(restore=True)
    assert again.pane.view.point_size == size + 1
    assert again.session.doc_id == doc
    assert again.width() == 760 and abs(again.height() - 560) <= 30  # minimum height of the docks
    assert not again.docks[0].isVisible()
    assert recent() and recent()[0].project == "Test"

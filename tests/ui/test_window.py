"""Window-level behaviour: hover tooltips, relation removal undo, choosing projects, the Keys dialog."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.store import Store
from tests.ui.helpers import click, select_with_keys, stored_relations
from ui import window_projects
from ui.help import KeysDialog, key_rows
from ui.main_window import MainWindow
from ui.project import new_project
from ui.projects_ui import Location, NewProjectDialog
from ui.qt import Qt, QTableWidget

Open = Callable[..., MainWindow]
TEXT = 'Obi said: "No money for the bridge."'


def _linked(qtbot: QtBot, window: MainWindow) -> None:
    view = window.pane.view
    select_with_keys(qtbot, view, 0, 3)
    qtbot.keyClick(view, Qt.Key.Key_A)
    select_with_keys(qtbot, view, TEXT.index('"'), len('"No money for the bridge."'))
    qtbot.keyClick(view, Qt.Key.Key_Q)
    qtbot.keyClick(view, Qt.Key.Key_R)
    click(qtbot, view, 1)


def test_hover_tooltip_names_label_annotator_time_and_links(qtbot: QtBot, open_window: Open) -> None:
    window = open_window(TEXT)
    _linked(qtbot, window)
    tip = window.pane.controller.tooltip(TEXT.index("money"))
    assert "<b>QUOTE</b>" in tip and "alice" in tip
    assert "speaker" in tip and "Obi" in tip
    assert any(
        month in tip
        for month in ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
    )
    assert window.pane.controller.tooltip(TEXT.index(":")) == ""


def test_deleting_a_relation_from_the_list_is_undoable(qtbot: QtBot, open_window: Open, store: Store) -> None:
    window = open_window(TEXT)
    _linked(qtbot, window)
    doc = window.session.doc_id
    assert doc is not None
    before = stored_relations(store, doc)
    relations = window.relations
    relations.setCurrentIndex(relations.model().index(0, 0))
    qtbot.keyClick(relations, Qt.Key.Key_Delete)
    assert stored_relations(store, doc) == []
    window.stack.undo()
    assert stored_relations(store, doc) == before
    assert relations.model().rowCount() == 1


def test_open_location_asks_which_project(
    qtbot: QtBot, open_window: Open, backend_url: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window("An article.")
    new_project(backend_url, "Second")
    monkeypatch.setattr(window_projects, "ask_project", lambda _parent, names: "Second")
    assert window.open_location(Location(backend_url))
    assert window.project is not None and window.project.name == "Second"
    assert window.session.doc is None  # the new project has no documents yet
    assert window.open_location(Location(backend_url, "Test"))
    assert window.project.name == "Test" and window.session.doc is not None


def test_keys_dialog_lists_label_keys_and_commands(qtbot: QtBot, open_window: Open) -> None:
    window = open_window("An article.")
    rows = key_rows(window.project)
    assert rows[0] == ("C or 1", "Label CLAIM")
    assert any(key.startswith("R") for key, _ in rows)
    dialog = KeysDialog(window.project, window)
    qtbot.addWidget(dialog)
    table = dialog.findChild(QTableWidget)
    assert table is not None and table.rowCount() == len(rows)


def test_new_project_in_a_new_sqlite_file(
    qtbot: QtBot, open_window: Open, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window("An article.")
    target = tmp_path / "fresh" / "newsroom.db"

    class Filled(NewProjectDialog):
        def exec(self) -> int:
            self.name.setText("Newsroom")
            self.where.setCurrentIndex(self.where.findData("file"))
            self.path.setText(str(target))
            return 1

    monkeypatch.setattr(window_projects, "NewProjectDialog", Filled)
    assert window.new_project()
    assert target.exists()
    assert window.project is not None and window.project.name == "Newsroom"
    assert [lab.name for lab in window.project.labels] == ["CLAIM", "QUOTE", "ACTOR", "CUE"]
    assert window.session.doc is None and window.documents.model.total == 0

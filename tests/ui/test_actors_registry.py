"""The actor registry dock with real key and mouse events: filter, jump to mentions, edit, merge,
split, CSV import and export, each an undoable step; the database is checked."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.actors import add_actor, link_many
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Project
from annotator.ops.annotations import create_span
from annotator.store import Store
from tests.ui.helpers import label_id
from ui.actors_dialogs import ActorForm, SplitForm
from ui.main_window import MainWindow
from ui.qt import QApplication, QMessageBox, QPoint, Qt

Open = Callable[..., MainWindow]
FIRST = "Mayor Ida Berg opened the bridge. Berg said it was safe."
SECOND = "Critics doubted Ida Berg, and the mayor answered them."
CTRL = Qt.KeyboardModifier.ControlModifier


def _mentions(store: Store, project: Project, window: MainWindow) -> tuple[int, int, list[int]]:
    """Two actors: Ida Berg (three mentions in two documents) and "the mayor" (one)."""
    docs = window.documents.model
    first, second = (docs.doc_at(r).id for r in range(2))  # type: ignore[union-attr]
    actor = label_id(store, project.id, "ACTOR")
    who = window.project.annotator_id  # type: ignore[union-attr]
    with store.transaction() as tx:
        spans = [
            create_span(tx, first, 6, 14, actor, who).id,
            create_span(tx, first, FIRST.index("Berg said"), FIRST.index("Berg said") + 4, actor, who).id,
            create_span(tx, second, SECOND.index("Ida"), SECOND.index("Ida") + 8, actor, who).id,
        ]
        mayor_span = create_span(
            tx, second, SECOND.index("the mayor"), SECOND.index("the mayor") + 9, actor, who
        )
        berg = add_actor(tx, project.id, "Ida Berg", ["Berg"], "person", "Q1").id
        mayor = add_actor(tx, project.id, "The mayor").id
        link_many(tx, berg, spans)
        link_many(tx, mayor, [mayor_span.id])
    return berg, mayor, [*spans, mayor_span.id]


def _actor_of(store: Store, span_id: int) -> int | None:
    with store.session() as s:
        return s.scalar(select(Annotation.actor_id).where(Annotation.id == span_id))


def _registry(store: Store, project: Project) -> dict[str, tuple[int, list[str], int | None]]:
    with store.session() as s:
        rows = s.scalars(select(RegistryActor).where(RegistryActor.project_id == project.id))
        return {a.name: (a.id, list(a.aliases or []), a.merged_into_id) for a in rows}


def _row_point(panel: Any, row: int | None) -> QPoint:
    assert row is not None
    return panel.table.visualRect(panel.model.index(row, 0)).center()


def _open_registry(qtbot: QtBot, window: MainWindow) -> Any:
    qtbot.keyClick(window.pane.view, Qt.Key.Key_K, CTRL | Qt.KeyboardModifier.ShiftModifier)
    panel = window.actors.panel
    qtbot.waitUntil(panel.isVisible)
    assert panel.filter.hasFocus()
    return panel


def click_actor(qtbot: QtBot, panel: Any, actor_id: int, button: str) -> None:
    """Click the actor's row in the registry, then the button ``button`` ("edit", "split")."""
    qtbot.mouseClick(
        panel.table.viewport(), Qt.MouseButton.LeftButton, pos=_row_point(panel, panel.model.row_of(actor_id))
    )
    panel.buttons[button].click()


def edit_aliases(qtbot: QtBot, panel: Any, actor_id: int, aliases: str) -> None:
    """Open the actor's edit form, type ``aliases`` over its own and press Return."""
    click_actor(qtbot, panel, actor_id, "edit")
    form = QApplication.activeModalWidget()
    assert isinstance(form, ActorForm)
    form.aliases.clear()
    qtbot.keyClicks(form.aliases, aliases)
    qtbot.keyClick(form.aliases, Qt.Key.Key_Return)


def test_registry_lists_counts_filters_and_enter_jumps_to_each_mention(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(FIRST, SECOND)
    berg, _mayor, spans = _mentions(store, project, window)
    panel = _open_registry(qtbot, window)
    model = panel.model
    assert [model.index(r, 0).data() for r in range(model.rowCount())] == ["Ida Berg", "The mayor"]
    assert [model.index(0, c).data() for c in range(7)] == ["Ida Berg", "Berg", "person", "Q1", 3, 0, 0]
    qtbot.keyClicks(panel.filter, "q1")  # by external id
    assert model.rowCount() == 1
    qtbot.keyClick(panel.filter, Qt.Key.Key_Return)  # the first mention: first document, first span
    docs = window.documents.model
    assert window.session.doc_id == docs.doc_at(0).id
    assert window.session.selected == spans[0]
    qtbot.keyClick(panel.filter, Qt.Key.Key_Down)  # into the list
    assert panel.table.hasFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # the next one
    assert window.session.selected == spans[1]
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # in the other document
    assert window.session.doc_id == docs.doc_at(1).id
    assert window.session.selected == spans[2]
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)  # and round again
    assert window.session.selected == spans[0]
    here = _row_point(panel, 0)
    qtbot.mouseClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=here)
    qtbot.mouseDClick(panel.table.viewport(), Qt.MouseButton.LeftButton, pos=here)
    assert window.session.selected == spans[1]  # a double-click does the same
    assert berg == model.actor_at(0).id


def test_merge_from_the_view_then_undo(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(FIRST, SECOND)
    berg, mayor, spans = _mentions(store, project, window)
    panel = _open_registry(qtbot, window)
    table = panel.table
    table.setFocus()
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=_row_point(panel, 1))
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, CTRL, _row_point(panel, 0))
    assert [a.name for a in panel.selected()] == ["Ida Berg", "The mayor"]  # the last clicked is kept
    panel.buttons["merge"].click()
    box = QApplication.activeModalWidget()
    assert isinstance(box, QMessageBox) and "Merge The mayor" in box.text()
    qtbot.keyClick(box, Qt.Key.Key_Return)
    assert _actor_of(store, spans[3]) == berg
    registry = _registry(store, project)
    assert registry["The mayor"][2] == berg and "The mayor" in registry["Ida Berg"][1]
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)  # the view follows the change bus
    assert panel.model.index(0, 0).data() == "Ida Berg" and panel.model.index(0, 4).data() == 4
    window.activateWindow()  # the merge's question was the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, CTRL)
    assert _actor_of(store, spans[3]) == mayor
    assert _registry(store, project)["The mayor"][2] is None
    qtbot.waitUntil(lambda: panel.model.rowCount() == 2)


def test_edit_and_split_through_their_forms(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(FIRST, SECOND)
    berg, _mayor, spans = _mentions(store, project, window)
    panel = _open_registry(qtbot, window)
    edit_aliases(qtbot, panel, berg, "Berg; Mayor Berg")
    assert _registry(store, project)["Ida Berg"][1] == ["Berg", "Mayor Berg"]

    click_actor(qtbot, panel, berg, "split")
    split = QApplication.activeModalWidget()
    assert isinstance(split, SplitForm)
    split.list.setFocus()
    split.list.setCurrentRow(2)  # the mention in the second document names someone else
    qtbot.keyClick(split.list, Qt.Key.Key_Space)
    qtbot.keyClicks(split.name, "Ida Berg (critic)")
    qtbot.keyClick(split.name, Qt.Key.Key_Return)
    other = _registry(store, project)["Ida Berg (critic)"][0]
    assert _actor_of(store, spans[2]) == other
    assert _actor_of(store, spans[0]) == berg


def test_csv_export_then_import_into_another_project_state(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, tmp_path: Path
) -> None:
    window = open_window(FIRST, SECOND)
    _mentions(store, project, window)
    ctx = window.edit_context()
    assert ctx is not None
    files = window.actors.edits.files
    out = tmp_path / "actors.csv"
    assert files.export_file(ctx, out) == 2
    assert "Ida Berg" in out.read_text(encoding="utf-8")
    extra = tmp_path / "more.csv"
    extra.write_text("name,aliases,kind,external_id\nOla Nordmann,Nordmann,person,Q9\nIda Berg,Dr Berg,,\n")
    assert files.import_file(ctx, extra)
    registry = _registry(store, project)
    assert "Ola Nordmann" in registry and "Dr Berg" in registry["Ida Berg"][1]
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, CTRL)  # the import is one step
    registry = _registry(store, project)
    assert "Ola Nordmann" not in registry and registry["Ida Berg"][1] == ["Berg"]
    bad = tmp_path / "bad.csv"
    bad.write_text('name,attributes\nSomeone,"[1, 2]"\n')
    assert not files.import_file(ctx, bad)
    assert "bad.csv" in window.statusBar().currentMessage() and "2" in window.statusBar().currentMessage()
    assert "Someone" not in _registry(store, project)


def test_registry_follows_another_process(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    """Another process adds an actor: the open registry shows it after the poll."""
    window = open_window(FIRST)
    panel = _open_registry(qtbot, window)
    assert panel.model.rowCount() == 0
    with store.transaction() as tx:
        add_actor(tx, project.id, "Per Ek")
    window._poll_store()
    qtbot.waitUntil(lambda: panel.model.rowCount() == 1)

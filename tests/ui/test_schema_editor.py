"""File ▸ Label schema…: every edit through real clicks and keys lands in the database, the palette
follows at once, and Ctrl+Z (in the dialog or the window) takes it back through the core log."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.model import Label, Project, RelationType
from annotator.store import Store
from tests.ui.helpers import label_id, select_with_keys, stored_spans
from ui.main_window import MainWindow
from ui.qt import (
    QAction,
    QColor,
    QColorDialog,
    QComboBox,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    Qt,
)
from ui.schema_editor import SchemaDialog
from ui.schema_editor_tabs import SchemaTab

Open = Callable[..., MainWindow]
TEXT = "Mayor Elena Varga said the bridge is unsafe. Councillor Obi disagreed with her."
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier


def labels(store: Store, project: Project) -> dict[str, tuple[str, str | None, bool, int]]:
    with store.session() as s:
        rows = s.scalars(select(Label).where(Label.project_id == project.id))
        return {lab.name: (lab.color, lab.hotkey, lab.retired, lab.position) for lab in rows}


def palette(window: MainWindow) -> list[str]:
    """The label names the window's palette offers, in order."""
    buttons = sorted(window.palette_panel.buttons.values(), key=lambda b: b.number)
    return [b.label.name for b in buttons]


def labelled(qtbot: QtBot, open_window: Open) -> tuple[MainWindow, int]:
    """A window on TEXT where alice labelled "Mayor Elena Varga" ACTOR with the A key."""
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    select_with_keys(qtbot, window.pane.view, 0, len("Mayor Elena Varga"))
    qtbot.keyClick(window.pane.view, Qt.Key.Key_A)
    return window, doc


def open_editor(qtbot: QtBot, window: MainWindow) -> SchemaDialog:
    action = window.findChild(QAction, "label_schema")
    assert action is not None and action.text() == "&Label schema…"
    action.trigger()  # File ▸ Label schema…
    dialog = window.findChild(SchemaDialog, "schema_editor")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    return dialog


def pick(qtbot: QtBot, tab: SchemaTab, name: str) -> None:
    """Click the row of ``name`` in the tab's list."""
    lst = tab.findChild(QListWidget, "list")
    assert lst is not None
    row = next(i for i in range(lst.count()) if lst.item(i).text().startswith(name + " "))
    rect = lst.visualItemRect(lst.item(row))
    qtbot.mouseClick(lst.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert tab.current() is not None and tab.current().name == name  # type: ignore[union-attr]


def type_into(qtbot: QtBot, tab: SchemaTab, field: str, text: str) -> None:
    edit = tab.findChild(QLineEdit, field)
    assert edit is not None
    edit.setFocus()
    edit.selectAll()
    qtbot.keyClick(edit, Qt.Key.Key_Backspace)
    qtbot.keyClicks(edit, text)
    qtbot.keyClick(edit, Qt.Key.Key_Return)


def press(qtbot: QtBot, tab: SchemaTab, button: str) -> None:
    found = tab.findChild(QPushButton, button)
    assert found is not None
    qtbot.mouseClick(found, Qt.MouseButton.LeftButton)


def undo_in(qtbot: QtBot, widget: object, redo: bool = False) -> None:
    qtbot.keyClick(widget, Qt.Key.Key_Z, CTRL | SHIFT if redo else CTRL)  # type: ignore[arg-type]


def test_adding_a_label_shows_in_the_palette_and_ctrl_z_takes_it_back(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    dialog = open_editor(qtbot, window)
    type_into(qtbot, dialog.labels, "new_name", "PLACE")
    assert "PLACE" in labels(store, project)
    assert palette(window)[-1] == "PLACE"
    assert dialog.labels.current().name == "PLACE"  # type: ignore[union-attr]
    lst = dialog.labels.findChild(QListWidget, "list")
    undo_in(qtbot, lst)
    assert "PLACE" not in labels(store, project) and "PLACE" not in palette(window)
    undo_in(qtbot, lst, redo=True)
    assert "PLACE" in labels(store, project) and palette(window)[-1] == "PLACE"


def test_rename_keeps_the_spans_and_the_main_windows_ctrl_z_undoes_it(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, doc = labelled(qtbot, open_window)
    actor = label_id(store, project.id, "ACTOR")
    dialog = open_editor(qtbot, window)
    pick(qtbot, dialog.labels, "ACTOR")
    type_into(qtbot, dialog.labels, "name", "PERSON")
    assert "PERSON" in labels(store, project) and "ACTOR" not in labels(store, project)
    assert [s[3] for s in stored_spans(store, doc)] == [actor]  # the span keeps its label (by id)
    assert "PERSON" in palette(window)
    assert dialog.labels.current().name == "PERSON"  # type: ignore[union-attr]
    window.activateWindow()
    qtbot.waitUntil(lambda: window.isActiveWindow())
    undo_in(qtbot, window.pane.view)
    assert "ACTOR" in labels(store, project) and "ACTOR" in palette(window)
    assert dialog.labels.current().name == "ACTOR"  # type: ignore[union-attr]  # the dialog follows


def test_a_key_another_label_has_is_refused_naming_it(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    dialog = open_editor(qtbot, window)
    before = labels(store, project)
    pick(qtbot, dialog.labels, "QUOTE")
    type_into(qtbot, dialog.labels, "key", "a")
    assert labels(store, project) == before
    assert "hotkey 'a' is taken by label ACTOR" in dialog.message.text()
    type_into(qtbot, dialog.labels, "key", "k")
    assert labels(store, project)["QUOTE"][1] == "k"
    assert window.project is not None and window.project.label_for_key("k").name == "QUOTE"  # type: ignore[union-attr]


def test_deleting_a_label_in_use_offers_to_retire_it(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window, doc = labelled(qtbot, open_window)
    dialog = open_editor(qtbot, window)
    pick(qtbot, dialog.labels, "ACTOR")
    press(qtbot, dialog.labels, "delete")
    box = dialog.labels.findChild(QMessageBox, "in_use")
    assert box is not None and box.isVisible()
    assert "used by 1 span(s)" in box.text() and "relation type speaker" in box.text()
    retire = box.findChild(QPushButton, "retire_instead")
    qtbot.mouseClick(retire, Qt.MouseButton.LeftButton)
    assert labels(store, project)["ACTOR"][2] is True
    assert len(stored_spans(store, doc)) == 1  # its span keeps it
    assert "ACTOR" not in palette(window)
    assert window.project is not None and window.project.label_for_key("a") is None
    # the A key makes no span now
    select_with_keys(qtbot, window.pane.view, len("Mayor Elena Varga said the "), len("bridge"))
    qtbot.keyClick(window.pane.view, Qt.Key.Key_A)
    assert len(stored_spans(store, doc)) == 1
    undo_in(qtbot, dialog.labels.findChild(QListWidget, "list"))
    assert labels(store, project)["ACTOR"][2] is False and "ACTOR" in palette(window)


def test_recolour_and_reorder(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window(TEXT)
    dialog = open_editor(qtbot, window)
    monkeypatch.setattr(QColorDialog, "getColor", staticmethod(lambda *_a, **_k: QColor("#112233")))
    pick(qtbot, dialog.labels, "ACTOR")
    press(qtbot, dialog.labels, "color")
    assert labels(store, project)["ACTOR"][0] == "#112233"
    assert window.palette_panel.buttons[label_id(store, project.id, "ACTOR")].label.color == "#112233"
    press(qtbot, dialog.labels, "up")
    press(qtbot, dialog.labels, "up")
    assert palette(window) == ["ACTOR", "CLAIM", "QUOTE", "CUE"]
    assert window.project is not None and window.project.label_for_key("1").name == "ACTOR"  # type: ignore[union-attr]
    lst = dialog.labels.findChild(QListWidget, "list")
    undo_in(qtbot, lst)
    undo_in(qtbot, lst)
    assert palette(window) == ["CLAIM", "QUOTE", "ACTOR", "CUE"]
    undo_in(qtbot, lst)
    assert labels(store, project)["ACTOR"][0] != "#112233"


def test_relation_types_tab_restricts_ends_and_retires(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    dialog = open_editor(qtbot, window)
    bar = dialog.tabs.tabBar()
    qtbot.mouseClick(bar, Qt.MouseButton.LeftButton, pos=bar.tabRect(1).center())
    assert dialog.tabs.currentWidget() is dialog.types
    type_into(qtbot, dialog.types, "new_name", "target")
    pick(qtbot, dialog.types, "target")
    source = dialog.types.findChild(QComboBox, "from_label")
    assert source is not None
    source.setFocus()
    qtbot.keyClick(source, Qt.Key.Key_Down)  # (any label) → CLAIM
    with store.session() as s:
        rtype = s.scalars(select(RelationType).where(RelationType.name == "target")).one()
        assert rtype.from_label_id == label_id(store, project.id, "CLAIM") and rtype.to_label_id is None
    press(qtbot, dialog.types, "retire")
    with store.session() as s:
        assert s.scalars(select(RelationType.retired).where(RelationType.name == "target")).one() is True
    assert window.project is not None and "target" not in [t.name for t in window.project.active_types]
    undo_in(qtbot, dialog.types.findChild(QListWidget, "list"))
    with store.session() as s:
        assert s.scalars(select(RelationType.retired).where(RelationType.name == "target")).one() is False


def test_add_tab_takes_another_part_of_the_schema(qtbot: QtBot, open_window: Open) -> None:
    from ui.qt import QLabel

    dialog = open_editor(qtbot, open_window(TEXT))
    index = dialog.add_tab(QLabel("more"), "More")
    assert dialog.tabs.tabText(index) == "More" and dialog.tabs.count() == 4  # after the codebook's tab

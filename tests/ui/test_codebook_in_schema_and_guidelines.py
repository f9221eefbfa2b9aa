"""The codebook's attributes in the label schema dialog (a third tab) and in the Guidelines
panel (listed after labels and relation types, their description edited and saved there)."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.attributes import define_attribute
from annotator.model import AttributeDef, Project
from annotator.store import Store
from ui.main_window import MainWindow
from ui.qt import QAction, Qt

Open = Callable[..., MainWindow]


def _codebook(store: Store, project: Project) -> None:
    with store.transaction() as tx:
        define_attribute(
            tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect"], description="Quoted verbatim?"
        )


def test_the_schema_dialog_has_an_attributes_tab(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    _codebook(store, project)
    window = open_window("Some text.")
    action = next(a for a in window.findChildren(QAction) if a.text().replace("&", "") == "Label schema…")
    action.trigger()
    from ui.schema_editor import SchemaDialog

    dialog = window.findChild(SchemaDialog, "schema_editor")
    assert dialog is not None
    titles = [dialog.tabs.tabText(i).replace("&", "") for i in range(dialog.tabs.count())]
    assert titles == ["Labels", "Relation types", "Attributes"]
    dialog.tabs.setCurrentIndex(2)
    assert dialog.attributes.table.rowCount() == 1
    assert "type" in dialog.attributes.table.item(0, 1).text() + dialog.attributes.table.item(0, 0).text()
    dialog.close()


def test_the_guidelines_panel_lists_and_saves_an_attributes_description(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    _codebook(store, project)
    window = open_window("Some text.")
    panel = window.guidelines
    panel.refresh()
    titles = [panel.chooser.itemText(i) for i in range(panel.chooser.count())]
    assert "QUOTE.type" in titles
    panel.chooser.setCurrentIndex(titles.index("QUOTE.type"))
    dock = next(d for d in window.docks if d.windowTitle() == "Guidelines")
    dock.show()
    dock.raise_()  # the page is rendered when its tab is seen
    qtbot.waitUntil(lambda: "Quoted verbatim?" in panel.text.toPlainText())
    qtbot.waitUntil(panel.edit_button.isVisible)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    panel.editor.selectAll()
    qtbot.keyClicks(panel.editor, "Verbatim words in quotation marks")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    with store.session() as s:
        assert s.scalar(select(AttributeDef.description)) == "Verbatim words in quotation marks"


def test_an_attribute_deleted_in_the_dialog_comes_back_with_ctrl_z(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    _codebook(store, project)
    window = open_window("Some text.")
    window.edit_schema()
    from ui.schema_editor import SchemaDialog

    dialog = window.findChild(SchemaDialog, "schema_editor")
    assert dialog is not None
    qtbot.waitExposed(dialog)
    dialog.tabs.setCurrentIndex(2)
    table = dialog.attributes.table
    table.selectRow(0)
    table.setFocus()
    qtbot.keyClick(table, Qt.Key.Key_Delete)
    with store.session() as s:
        assert s.scalars(select(AttributeDef.name)).all() == []
    qtbot.keyClick(table, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    with store.session() as s:
        assert s.scalars(select(AttributeDef.name)).all() == ["type"]
    assert dialog.attributes.table.rowCount() == 1
    dialog.close()

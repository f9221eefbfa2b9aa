"""Project settings and label descriptions saved in the app are undo steps (issue 13): Ctrl+Z in
the window brings the old value back, and redo the new one."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.model import Label, Project, Suggestion
from annotator.ops.labels import describe
from annotator.settings_project import get_setting
from annotator.store import Store
from ui.main_window import MainWindow
from ui.qt import QComboBox, QDialogButtonBox, QLineEdit, Qt
from ui.settings_dialog import ProjectSettingsDialog

Open = Callable[..., MainWindow]
TEXT = 'Obi said: "No money for the bridge."'
CTRL = Qt.KeyboardModifier.ControlModifier


def _description(store: Store, name: str) -> str:
    with store.session() as s:
        return str(s.scalar(select(Label.description).where(Label.name == name)))


def test_ctrl_z_takes_back_a_description_saved_in_the_guidelines_panel(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    with store.transaction() as tx:
        describe(tx, project.id, "ACTOR", "Who speaks.")
    window = open_window(TEXT)
    panel = window.guidelines
    window.docks[-1].show()
    window.docks[-1].raise_()
    panel.refresh()
    qtbot.waitUntil(panel.chooser.isVisible)
    panel.chooser.setFocus()
    qtbot.keyClicks(panel.chooser, "ACTOR")  # a combo box picks the item typed
    assert panel.chooser.currentText() == "ACTOR"
    qtbot.waitUntil(panel.edit_button.isVisible)
    qtbot.mouseClick(panel.edit_button, Qt.MouseButton.LeftButton)
    panel.editor.selectAll()
    qtbot.keyClicks(panel.editor, "Named people only")
    qtbot.mouseClick(panel.save_button, Qt.MouseButton.LeftButton)
    assert _description(store, "ACTOR") == "Named people only"
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, CTRL)
    assert _description(store, "ACTOR") == "Who speaks."
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    assert _description(store, "ACTOR") == "Named people only"


def test_ctrl_z_takes_back_project_settings(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    assert window.project is not None
    dialog = ProjectSettingsDialog(window.project, window)
    qtbot.addWidget(dialog)
    dialog.show()
    verbs = dialog.fields["speech-verbs"]
    marks = dialog.fields["quote-marks"]
    assert isinstance(verbs, QLineEdit) and isinstance(marks, QComboBox)
    verbs.setFocus()
    qtbot.keyClicks(verbs, "quipped,fumed")
    marks.setFocus()
    qtbot.keyClicks(marks, "exclude")
    ok = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
    with store.session() as s:
        assert get_setting(s, project.id, "speech-verbs") == ("quipped", "fumed")
        assert get_setting(s, project.id, "quote-marks") == "exclude"
    window.activateWindow()
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, CTRL)
    with store.session() as s:
        assert get_setting(s, project.id, "speech-verbs") == ()
        assert get_setting(s, project.id, "quote-marks") == "include"


def test_ctrl_z_takes_back_a_suggest_with_rules_run(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window('"The bridge opens in May," Mayor Ana Ruiz said.')
    window.open_document(window.project.document_ids()[0])  # type: ignore[union-attr]
    view = window.pane.view
    assert view.suggestions == []
    window.actions_by_name["suggest_rules"].trigger()
    made = [s[:2] for s in view.suggestions]
    assert made and _suggestions(store)
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)
    assert _suggestions(store) == []
    qtbot.waitUntil(lambda: view.suggestions == [])
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)
    qtbot.waitUntil(lambda: [s[:2] for s in view.suggestions] == made)


def _suggestions(store: Store) -> list[int]:
    with store.session() as s:
        return list(s.scalars(select(Suggestion.id)))

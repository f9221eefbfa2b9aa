"""One action table feeds the menus, Help ▸ Keys and key dispatch; the user's keys change all three."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from tests.ui.helpers import select_with_keys
from tests.ui.test_review import Reviewing, reviewing  # noqa: F401 (the fixture)
from ui import actions, menus
from ui import settings as prefs
from ui.actions import BY_ID, KeyConflict, help_rows, keymap
from ui.help import GESTURES, key_rows
from ui.keys_dialog import CustomiseKeysDialog
from ui.main_window import MainWindow
from ui.qt import QAction, QApplication, QDialogButtonBox, QKeySequence, QMenu, QMessageBox, Qt

Open = Callable[..., MainWindow]


def _menu_actions(menu: QMenu) -> list[QAction]:
    found: list[QAction] = []
    for action in menu.actions():
        sub = action.menu()
        if isinstance(sub, QMenu):
            if sub.title() != "Open &recent":  # the recent projects: the user's, not actions
                found.extend(_menu_actions(sub))
        elif not action.isSeparator():
            found.append(action)
    return found


def _portable(action: QAction) -> list[str]:
    return [s.toString(QKeySequence.SequenceFormat.PortableText) for s in action.shortcuts()]


def test_defaults_have_no_clashes() -> None:
    assert actions.defaults().conflicts() == []


def test_every_menu_action_is_a_row_of_the_table(open_window: Open) -> None:
    window = open_window("An article.")
    docks = {dock.toggleViewAction() for dock in window.docks}
    seen: set[str] = set()
    for top in window.menuBar().actions():
        menu = top.menu()
        assert isinstance(menu, QMenu)
        for action in _menu_actions(menu):
            if action in docks:
                continue
            spec = BY_ID[action.objectName()]
            assert action.text().startswith(spec.text.split("…")[0]) or spec.id in ("undo", "redo")
            assert _portable(action) == [actions.normalise(k) for k in spec.keys], spec.id
            seen.add(spec.id)
    assert seen == {spec.id for spec in actions.all_actions() if spec.menu}


def test_help_lists_the_tables_keys_and_nothing_else(open_window: Open) -> None:
    window = open_window("An article.")
    assert window.project is not None
    rows = key_rows(window.project)
    labels = len(window.project.labels)
    assert rows[labels:] == GESTURES + help_rows()
    listed = " / ".join(keys for keys, _ in help_rows())
    for spec in actions.all_actions():
        if spec.help and spec.keys and not spec.id.startswith("review_pick"):
            assert actions.normalise(spec.keys[0]) in listed, spec.id


def test_a_remapped_key_changes_the_menu_the_help_and_the_article(qtbot: QtBot, open_window: Open) -> None:
    window = open_window("Ana met Obi today.")
    view = window.pane.view
    select_with_keys(qtbot, view, 0, 3)
    qtbot.keyClick(view, Qt.Key.Key_A)  # an ACTOR span
    qtbot.keyClick(view, Qt.Key.Key_Escape)
    assert window.session.selected is None

    window.set_keys("next_span", ("J",))
    assert _portable(window.actions_by_name["next_span"]) == ["J"]
    assert ("J / Shift+Tab", "Select the next / previous span") in key_rows(window.project)
    qtbot.keyClick(view, Qt.Key.Key_Tab)
    assert window.session.selected is None  # Tab no longer walks the spans
    qtbot.keyClick(view, Qt.Key.Key_J)
    assert window.session.selected is not None
    assert prefs.get(prefs.SHORTCUTS) == {"next_span": ["J"]}  # kept for the next start

    window.set_keys("next_span", ("Tab",))  # back to the default: nothing stored
    assert prefs.get(prefs.SHORTCUTS) == {}


def test_a_key_taken_in_the_same_context_is_refused_with_both_names(open_window: Open) -> None:
    window = open_window("An article.")
    with pytest.raises(KeyConflict, match=r"O would be both .*Cycle overlapping spans.*Next span"):
        window.set_keys("next_span", ("O",))
    with pytest.raises(KeyConflict, match="everywhere"):
        window.set_keys("export", ("Ctrl+F",))
    assert prefs.get(prefs.SHORTCUTS) == {}
    assert _portable(window.actions_by_name["next_span"]) == ["Tab"]
    window.set_keys("gold_link", ("L",))  # gold and the article are different places: no clash
    assert keymap().of("gold_link") == ("L",)


def test_a_clashing_or_stale_entry_in_the_file_is_ignored() -> None:
    prefs.put(prefs.SHORTCUTS, {"next_span": ["R"], "no_such_action": ["K"], "cycle": ["K"]})
    current = keymap()
    assert current.of("next_span") == ("Tab",) and current.of("cycle") == ("K",)


def test_a_remapped_review_key_walks_the_disagreements(reviewing: Reviewing, qtbot: QtBot) -> None:  # noqa: F811
    window, view, _doc = reviewing()
    first = view.list.currentIndex().row()
    window.set_keys("review_next", ("J",))
    qtbot.keyClick(view.list, "n")
    assert view.list.currentIndex().row() == first  # N is nobody's key any more
    qtbot.keyClick(view.list, "j")
    assert view.list.currentIndex().row() == first + 1
    assert ("J / P", BY_ID["review_next"].help) in key_rows(window.project)


def _edit_keys(qtbot: QtBot, dialog: CustomiseKeysDialog, action_id: str, text: str) -> None:
    item = dialog.table.item(dialog.row_of(action_id), 2)
    assert item is not None
    dialog.table.scrollToItem(item)
    centre = dialog.table.visualItemRect(item).center()
    qtbot.mouseClick(dialog.table.viewport(), Qt.MouseButton.LeftButton, pos=centre)
    qtbot.keyClick(dialog.table, Qt.Key.Key_F2)  # edit the keys cell
    qtbot.waitUntil(lambda: QApplication.focusWidget() not in (None, dialog.table))
    editor = QApplication.focusWidget()
    assert editor is not None
    qtbot.keyClick(editor, Qt.Key.Key_A, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(editor, text)
    qtbot.keyClick(editor, Qt.Key.Key_Tab)  # leaves the cell: the edit is committed
    assert item.text() == text


def _ok(qtbot: QtBot, dialog: CustomiseKeysDialog) -> None:
    button = dialog.buttons.button(QDialogButtonBox.StandardButton.Ok)
    assert button is not None
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)


def test_customising_keys_in_the_dialog(
    qtbot: QtBot, open_window: Open, monkeypatch: pytest.MonkeyPatch
) -> None:
    window = open_window("An article.")
    warnings: list[str] = []
    monkeypatch.setattr(QMessageBox, "warning", staticmethod(lambda _p, _t, text: warnings.append(text)))
    dialog = CustomiseKeysDialog(lambda: menus.apply_keys(window.actions_by_name), window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitExposed(dialog)
    dialog.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is dialog)
    _edit_keys(qtbot, dialog, "next_span", "O")  # the article's key for cycling
    _ok(qtbot, dialog)
    assert warnings and "Cycle overlapping spans" in warnings[0] and dialog.isVisible()
    assert prefs.get(prefs.SHORTCUTS) == {}  # refused: nothing kept

    _edit_keys(qtbot, dialog, "next_span", "J")
    _ok(qtbot, dialog)
    assert not dialog.isVisible()
    assert prefs.get(prefs.SHORTCUTS) == {"next_span": ["J"]}
    assert _portable(window.actions_by_name["next_span"]) == ["J"]

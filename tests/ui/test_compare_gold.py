"""Compare my work with gold in the app: the menu row opens it, adjudicated documents only, each
difference with its text, and choosing one points at it in both layers."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.store import Store
from tests.core.gold_fixture import TEXT, adjudicated
from ui.compare_gold import CompareGoldView
from ui.main_window import MainWindow
from ui.qt import Qt

Open = Callable[..., MainWindow]


def test_compare_with_gold_lists_differences_and_points_at_them(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    case = adjudicated(store, project.id)
    window = open_window()
    window.actions_by_name["compare_gold"].trigger()
    view = window.findChild(CompareGoldView, "compare_gold")
    assert view is not None
    if view.who.currentText() != "alice":  # on PostgreSQL the window is the database login
        view.who.setCurrentText("alice")
    qtbot.waitUntil(lambda: view.comparison is not None and view.comparison.annotator == "alice")
    assert "0.25" in view.summary.text()
    assert "1 document(s) not adjudicated yet" in view.summary.text()  # gold of the other: hidden
    assert view.tree.topLevelItemCount() == 1
    head = view.tree.topLevelItem(0)
    assert head is not None and head.text(0) == "Port closure"
    rows = {head.child(i).text(0): head.child(i) for i in range(head.childCount())}
    assert set(rows) == {
        "missing",
        "extra",
        "boundaries differ",
        "label differs",
        "relation missing",
        "relation extra",
    }
    assert rows["label differs"].text(2) == f"CLAIM {TEXT.index('the port')}–{TEXT.index('.')}"
    missing = rows["missing"]
    view.tree.scrollToItem(missing)
    qtbot.mouseClick(
        view.tree.viewport(), Qt.MouseButton.LeftButton, pos=view.tree.visualItemRect(missing).center()
    )
    nobody = (TEXT.index("Nobody"), TEXT.index("Nobody") + len("Nobody"))
    assert view.gold.selected_cp() == nobody and view.mine.selected_cp() == nobody
    assert view.gold.toPlainText() == TEXT
    assert (
        len(view.mine.extraSelections()) == 5 and len(view.gold.extraSelections()) == 5
    )  # 4 spans + the mark
    assert head.data(0, Qt.ItemDataRole.UserRole)[0].id == case.done

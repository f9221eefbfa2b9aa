"""The actor registry's column headers read in full at the dock's default width (310 px), and the
columns that stepped aside for them come back when the dock is widened."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from ui.main_window import MainWindow
from ui.qt import QHeaderView, Qt, QTableView

Open = Callable[..., MainWindow]


def _cut_headers(table: QTableView) -> list[str]:
    """The shown headers narrower than their text needs (Qt's size hint for the section)."""
    header: QHeaderView = table.horizontalHeader()
    model = table.model()
    return [
        str(model.headerData(c, Qt.Orientation.Horizontal))
        for c in range(header.count())
        if not table.isColumnHidden(c) and header.sectionSize(c) < header.sectionSizeHint(c)
    ]


def _shown(table: QTableView) -> list[str]:
    model = table.model()
    return [
        str(model.headerData(c, Qt.Orientation.Horizontal))
        for c in range(model.columnCount())
        if not table.isColumnHidden(c)
    ]


def test_registry_headers_fit_at_the_default_dock_width(qtbot: QtBot, open_window: Open) -> None:
    window = open_window("Mayor Ida Berg opened the bridge.")
    window.actors.show_panel()
    table = window.actors.panel.table
    qtbot.waitUntil(lambda: table.isVisible() and table.viewport().width() > 0)
    assert window.actors.dock.width() <= 320  # the default layout's left dock
    assert _cut_headers(table) == []
    assert _shown(table)[0] == "Name" and {"Mentions", "Quotes", "Claims"} <= set(_shown(table))
    header = table.horizontalHeader()
    assert header.sectionSize(0) >= 0.4 * table.viewport().width()  # the names stay readable

    window.resizeDocks([window.actors.dock], [760], Qt.Orientation.Horizontal)
    qtbot.waitUntil(lambda: len(_shown(table)) == 7)
    assert _cut_headers(table) == []
    assert _shown(table) == ["Name", "Aliases", "Kind", "External id", "Mentions", "Quotes", "Claims"]

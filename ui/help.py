"""The key list (F1 window's Keys tab, Help ▸ Keys): every key, from the action table that also builds the menus and dispatches keys,
with the user's own keys; plus the labels' keys and the mouse gestures."""

from __future__ import annotations

from ui.actions import help_rows
from ui.project import ProjectContext
from ui.qt import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

GESTURES: list[tuple[str, str]] = [  # not keys of the table: the labels' own keys, and the mouse
    (
        "Letter / 1–9",
        "Label the selected text (the label's letter, or its place in the palette); "
        "on a selected span: change its label",
    ),
    ("Click a span", "Select it (click again: the next span under the pointer)"),
    (
        "Letter / 1–9 in gold",
        "Review: label the selected text as a gold span, or relabel the selected gold span",
    ),
]


def key_rows(project: ProjectContext | None) -> list[tuple[str, str]]:
    rows = GESTURES + help_rows()
    if project is not None:
        for number, label in enumerate(project.active_labels, start=1):
            keys = " or ".join(
                k for k in ((label.hotkey or "").upper(), str(number) if number <= 9 else "") if k
            )
            rows.insert(number - 1, (keys, f"Label {label.name}"))
    return rows


def keys_table(project: ProjectContext | None, parent: QWidget) -> QTableWidget:
    """Every key and what it does, from the action table (Help ▸ Keys and the F1 window's tab)."""
    rows = key_rows(project)
    table = QTableWidget(len(rows), 2, parent)
    table.setObjectName("keys_table")
    table.setHorizontalHeaderLabels(["Key", "Does"])
    table.verticalHeader().hide()
    table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
    table.setWordWrap(True)
    for i, (key, does) in enumerate(rows):
        table.setItem(i, 0, QTableWidgetItem(key))
        table.setItem(i, 1, QTableWidgetItem(does))
    table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
    table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
    table.resizeRowsToContents()
    return table


def keys_note(parent: QWidget) -> QLabel:
    note = QLabel(
        "Keys act on the article. A label's own letter wins over R and O when a schema uses them. "
        "Everything is stored the moment you do it; there is no Save.",
        parent,
    )
    note.setWordWrap(True)
    return note


class KeysDialog(QDialog):
    def __init__(self, project: ProjectContext | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keys")
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(keys_table(project, self))
        layout.addWidget(keys_note(self))
        layout.addWidget(buttons)
        self.resize(720, 560)

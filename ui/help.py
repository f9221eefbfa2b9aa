"""Help ▸ Keys: every key the article understands, from the same table the controller uses."""

from __future__ import annotations

from ui.annotate import KEYS
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
from ui.review.keys import REVIEW_KEYS


def key_rows(project: ProjectContext | None) -> list[tuple[str, str]]:
    rows = list(KEYS)
    if project is not None:
        for number, label in enumerate(project.labels, start=1):
            keys = " or ".join(
                k for k in ((label.hotkey or "").upper(), str(number) if number <= 9 else "") if k
            )
            rows.insert(number - 1, (keys, f"Label {label.name}"))
    return rows + REVIEW_KEYS


class KeysDialog(QDialog):
    def __init__(self, project: ProjectContext | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Keys")
        rows = key_rows(project)
        table = QTableWidget(len(rows), 2, self)
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
        note = QLabel(
            "Keys act on the article. A label's own letter wins over R and O when a schema uses them. "
            "Everything is stored the moment you do it; there is no Save.",
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(720, 560)

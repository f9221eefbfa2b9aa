"""Help ▸ Customise keys…: every action with keys, its place and its keys, editable in one table.

All changes are checked together before any is kept: a key two actions would share in one place
is refused with a message naming both, and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable

from ui import actions
from ui.actions import KeyConflict
from ui.qt import (
    QAbstractItemView,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QMessageBox,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

PLACES = {"global": "Everywhere", "annotate": "Article", "review": "Review lists", "gold": "Gold pane"}


def parse_keys(text: str) -> tuple[str, ...]:
    """ "Ctrl+J / F9" → ("Ctrl+J", "F9"); an empty cell leaves the action without keys."""
    return tuple(part.strip() for part in text.split(" / ") if part.strip())


class CustomiseKeysDialog(QDialog):
    def __init__(self, apply: Callable[[], None], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Customise keys")
        self._apply = apply
        self.specs = [s for s in actions.all_actions() if s.keys]
        current = actions.keymap()
        self.table = QTableWidget(len(self.specs), 3, self)
        self.table.setHorizontalHeaderLabels(["Action", "Where", "Keys"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(
            QAbstractItemView.EditTrigger.DoubleClicked | QAbstractItemView.EditTrigger.EditKeyPressed
        )
        for row, spec in enumerate(self.specs):
            for col, text in enumerate(
                (
                    spec.label,
                    PLACES[spec.context],
                    " / ".join(actions.normalise(k) for k in current.of(spec.id)),
                )
            ):
                item = QTableWidgetItem(text)
                if col < 2:
                    item.setFlags(item.flags() & ~Qt.ItemFlag.ItemIsEditable)
                self.table.setItem(row, col, item)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        self.buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok
            | QDialogButtonBox.StandardButton.Cancel
            | QDialogButtonBox.StandardButton.RestoreDefaults,
            self,
        )
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        defaults = self.buttons.button(QDialogButtonBox.StandardButton.RestoreDefaults)
        assert defaults is not None
        defaults.clicked.connect(self._restore_defaults)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(self.buttons)
        self.resize(640, 620)

    def row_of(self, action_id: str) -> int:
        return next(i for i, spec in enumerate(self.specs) if spec.id == action_id)

    def _restore_defaults(self) -> None:
        for row, spec in enumerate(self.specs):
            item = self.table.item(row, 2)
            if item is not None:
                item.setText(" / ".join(actions.normalise(k) for k in spec.keys))

    def changes(self) -> dict[str, tuple[str, ...]]:
        current = actions.keymap()
        found: dict[str, tuple[str, ...]] = {}
        for row, spec in enumerate(self.specs):
            item = self.table.item(row, 2)
            keys = parse_keys(item.text() if item is not None else "")
            if [actions.normalise(k) for k in keys] != [actions.normalise(k) for k in current.of(spec.id)]:
                found[spec.id] = keys
        return found

    def accept(self) -> None:
        """Keep every change, or none with the reason."""
        try:
            actions.remap_many(self.changes())
        except KeyConflict as exc:
            QMessageBox.warning(self, "Customise keys", f"Not changed: {exc}")
            return
        self._apply()
        super().accept()

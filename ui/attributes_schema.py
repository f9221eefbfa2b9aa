"""The codebook's attributes, edited in a widget (a tab of the schema editor dialog).

A table of every attribute (label or relation type, name, type, values, description) with Add,
Edit, Move up/down and Delete, all by keyboard too (Insert, F2/Enter, Ctrl+↑/↓, Delete). Each
change is one core operation (``annotator.attributes``) with its checks: a name taken twice, a
choice still in use, an attribute set on spans cannot be deleted; a refusal is shown in the
widget's status line and nothing changes.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.attributes import (
    KINDS,
    AttributeInfo,
    define_attribute,
    delete_attribute,
    get_attribute,
    update_attribute,
)
from annotator.errors import AnnotatorError
from annotator.store import Tx
from ui.project import ProjectContext
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QEvent,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QKeyEvent,
    QLabel,
    QLineEdit,
    QPushButton,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
    Signal,
)

HEADERS = ("Of", "Name", "Type", "Values", "Description")


class AttributeForm(QDialog):
    """Add (owner, name, type, values, description) or edit (name, values, description) one."""

    def __init__(
        self, owners: list[tuple[str, str]], attr: AttributeInfo | None, parent: QWidget | None
    ) -> None:
        super().__init__(parent)
        self.setWindowTitle("Edit attribute" if attr else "Add attribute")
        form = QFormLayout(self)
        self.owner = QComboBox(self)
        for scope, name in owners:
            self.owner.addItem(name if scope == "label" else f"{name} (relation)", (scope, name))
        self.kind = QComboBox(self)
        self.kind.addItems(list(KINDS))
        self.name = QLineEdit(attr.name if attr else "", self)
        self.values = QLineEdit(",".join(attr.choices) if attr else "", self)
        self.values.setPlaceholderText("choice and multi: a,b,c")
        self.description = QLineEdit(attr.description if attr else "", self)
        if attr is not None:
            self.owner.setCurrentIndex(max(0, self.owner.findData((attr.scope, attr.owner))))
            self.kind.setCurrentText(attr.kind)
            self.owner.setEnabled(False)
            self.kind.setEnabled(False)
        for caption, widget in (
            ("Of", self.owner),
            ("Name", self.name),
            ("Type", self.kind),
            ("Values", self.values),
            ("Description", self.description),
        ):
            form.addRow(caption, widget)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        form.addRow(buttons)

    def choices(self) -> list[str]:
        text = self.values.text().strip()
        return text.split(",") if text else []


class AttributesEditor(QWidget):
    """The attributes tab; ``changed`` fires after each stored change (the host may refresh)."""

    changed = Signal()

    def __init__(
        self,
        project: ProjectContext,
        parent: QWidget | None = None,
        *,
        form: Callable[[list[tuple[str, str]], AttributeInfo | None, QWidget], AttributeForm] = AttributeForm,
        run: Callable[..., bool] | None = None,
    ) -> None:
        super().__init__(parent)
        self.project = project
        self.form = form
        # The schema dialog's undoable runner (SchemaEdits.run): each change one undo step.
        self.run_edit = run
        self.rows: list[AttributeInfo] = []
        self.table = QTableWidget(0, len(HEADERS), self)
        self.table.setHorizontalHeaderLabels(HEADERS)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.table.horizontalHeader().setSectionResizeMode(4, QHeaderView.ResizeMode.Stretch)
        self.table.verticalHeader().setVisible(False)
        self.table.installEventFilter(self)
        self.status = QLabel(self)
        self.status.setWordWrap(True)
        buttons = QHBoxLayout()
        for text, slot in (
            ("&Add…", self.add),
            ("&Edit…", self.edit),
            ("Move &up", lambda: self.move(-1)),
            ("Move do&wn", lambda: self.move(1)),
            ("&Delete", self.delete),
        ):
            button = QPushButton(text, self)
            button.clicked.connect(slot)
            buttons.addWidget(button)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addLayout(buttons)
        layout.addWidget(self.status)
        self.reload()

    # --- reading ------------------------------------------------------------------------------

    def reload(self, keep: tuple[str, str, str] | None = None) -> None:
        self.rows = self.project.attribute_defs()
        self.table.setRowCount(len(self.rows))
        for r, a in enumerate(self.rows):
            owner = a.owner if a.scope == "label" else f"{a.owner} (relation)"
            for c, text in enumerate((owner, a.name, a.kind, ", ".join(a.choices), a.description)):
                item = QTableWidgetItem(text)
                item.setToolTip(a.description)
                self.table.setItem(r, c, item)
        if keep is not None:
            row = next((r for r, a in enumerate(self.rows) if (a.scope, a.owner, a.name) == keep), 0)
            self.table.selectRow(row)

    @property
    def current(self) -> AttributeInfo | None:
        row = self.table.currentRow()
        return self.rows[row] if 0 <= row < len(self.rows) else None

    def _owners(self) -> list[tuple[str, str]]:
        labels = [("label", lab.name) for lab in self.project.labels]
        types = [("relation", t.name) for t in self.project.types]
        return labels + types

    # --- writing ------------------------------------------------------------------------------

    def _run(
        self,
        what: str,
        change: Callable[[Tx], Any],
        keep: tuple[str, str, str] | None,
        values: AttributeInfo | None = None,
    ) -> bool:
        if self.run_edit is not None:  # one undo step; ``values``: an edit that may rewrite them
            named: dict[str, Any] = {}
            if values is not None:
                key = {"label": "labels", "relation": "types"}.get(values.scope)
                named = {key: [values.owner_id]} if key else {"doc_values": True}
            if not self.run_edit(what, change, **named):
                return False
            self.status.setText(what)
            self.reload(keep)
            self.changed.emit()
            return True
        try:
            with self.project.store.transaction(actor=self.project.actor) as tx:
                change(tx)
        except AnnotatorError as exc:
            self.status.setText(f"{what}: {exc}")
            return False
        self.status.setText(what)
        self.reload(keep)
        self.changed.emit()
        return True

    def _get(self, tx: Tx, a: AttributeInfo) -> Any:
        return get_attribute(tx.session, self.project.id, a.owner, a.name, a.scope)

    def add(self) -> bool:
        dialog = self.form(self._owners(), None, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        scope, owner = dialog.owner.currentData()
        name, kind = dialog.name.text().strip(), dialog.kind.currentText()

        def change(tx: Tx) -> None:
            define_attribute(
                tx,
                self.project.id,
                owner,
                name,
                kind,
                dialog.choices(),
                description=dialog.description.text(),
                scope=scope,
            )

        return self._run(f"Added {owner}.{name}", change, (scope, owner, name))

    def edit(self) -> bool:
        a = self.current
        if a is None:
            return False
        dialog = self.form(self._owners(), a, self)
        if dialog.exec() != QDialog.DialogCode.Accepted:
            return False
        name = dialog.name.text().strip()
        choices = dialog.choices() if a.kind in ("choice", "multi") else None

        def change(tx: Tx) -> None:
            update_attribute(
                tx, self._get(tx, a), name=name, description=dialog.description.text(), choices=choices
            )

        return self._run(f"Changed {a.owner}.{name}", change, (a.scope, a.owner, name), a)

    def move(self, step: int) -> bool:
        a = self.current
        siblings = [x for x in self.rows if (x.scope, x.owner) == (a.scope, a.owner)] if a else []
        if a is None or not 0 <= siblings.index(a) + step < len(siblings):
            return False
        other = siblings[siblings.index(a) + step]

        def change(tx: Tx) -> None:  # swap the two positions (equal ones, never reordered: made to differ)
            mine = other.position + (step if other.position == a.position else 0)
            update_attribute(tx, self._get(tx, a), position=mine)
            update_attribute(tx, self._get(tx, other), position=a.position)

        return self._run(f"Moved {a.owner}.{a.name}", change, (a.scope, a.owner, a.name))

    def delete(self) -> bool:
        a = self.current
        if a is None:
            return False
        return self._run(
            f"Deleted {a.owner}.{a.name}", lambda tx: delete_attribute(tx, self._get(tx, a)), None
        )

    def eventFilter(self, watched: Any, event: Any) -> bool:
        """Keys on the table: Insert adds, F2/Enter edits, Delete deletes, Ctrl+↑/↓ reorder."""
        if watched is self.table and isinstance(event, QKeyEvent) and event.type() == QEvent.Type.KeyPress:
            key, ctrl = event.key(), bool(event.modifiers() & Qt.KeyboardModifier.ControlModifier)
            actions: dict[Any, Callable[[], bool]] = {
                Qt.Key.Key_Insert: self.add,
                Qt.Key.Key_F2: self.edit,
                Qt.Key.Key_Return: self.edit,
                Qt.Key.Key_Enter: self.edit,
                Qt.Key.Key_Delete: self.delete,
            }
            if ctrl and key in (Qt.Key.Key_Up, Qt.Key.Key_Down):
                self.move(-1 if key == Qt.Key.Key_Up else 1)
                return True
            if key in actions:
                actions[key]()
                return True
        return super().eventFilter(watched, event)

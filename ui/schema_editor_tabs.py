"""The schema editor's two tabs: labels, and relation types with their ends.

A list on the left (palette order; retired rows greyed and marked), the selected row's fields on
the right. Enter in a field applies it; every change is one undoable step (``SchemaEdits``). The
tabs never write themselves: they read the project's schema rows and call the edits.
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.queries import LabelRow, RelationTypeRow
from ui.project import ProjectContext
from ui.qt import (
    QColor,
    QColorDialog,
    QComboBox,
    QFormLayout,
    QHBoxLayout,
    QLineEdit,
    QListWidget,
    QMessageBox,
    QPushButton,
    Qt,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)
from ui.schema_editor_commands import SchemaEdits

Row = LabelRow | RelationTypeRow


class SchemaTab(QWidget):
    """What both tabs share: the list, name, colour, description, order, retire and delete."""

    what = "label"

    def __init__(self, project: ProjectContext, edits: SchemaEdits, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.edits = edits
        self.rows: list[Row] = []
        self.counts: dict[str, int] = {}
        self.list = QListWidget(self)
        self.list.setObjectName("list")
        self.list.currentRowChanged.connect(lambda _row: self._show_current())
        self.name = self._field("name", f"Enter renames the {self.what}")
        self.name.returnPressed.connect(self._rename)
        self.color = QPushButton("Colour…", self)
        self.color.setObjectName("color")
        self.color.clicked.connect(self._recolour)
        self.description = QTextEdit(self)
        self.description.setObjectName("description")
        self.description.setAcceptRichText(False)
        self.description.setPlaceholderText("The guideline: what this means, with examples")
        self.describe = QPushButton("Save description", self)
        self.describe.setObjectName("describe")
        self.describe.clicked.connect(self._describe)
        self.form = QFormLayout()
        self.form.addRow("Name", self.name)
        self.form.addRow("Colour", self.color)
        self.up = self._button("up", "Move up", lambda: self._move(-1))
        self.down = self._button("down", "Move down", lambda: self._move(1))
        self.retire = self._button("retire", "Retire", self._retire)
        self.delete = self._button("delete", "Delete…", self._delete)
        self.new_name = self._field("new_name", f"Name of a new {self.what}; Enter adds it")
        self.new_name.returnPressed.connect(self._add)
        self.add = self._button("add", f"Add {self.what}", self._add)

    def _field(self, name: str, tip: str) -> QLineEdit:
        field = QLineEdit(self)
        field.setObjectName(name)
        field.setToolTip(tip)
        return field

    def _button(self, name: str, text: str, slot: Callable[[], object]) -> QPushButton:
        button = QPushButton(text, self)
        button.setObjectName(name)
        button.setAutoDefault(False)
        button.clicked.connect(lambda _checked=False: slot())
        return button

    def finish_layout(self) -> None:
        """Lay out the list, the form (with the subclass's rows) and the buttons."""
        self.form.addRow("Description", self.description)
        self.form.addRow("", self.describe)
        order = QHBoxLayout()
        for button in (self.up, self.down, self.retire, self.delete):
            order.addWidget(button)
        right = QVBoxLayout()
        right.addLayout(self.form)
        right.addLayout(order)
        right.addStretch(1)
        adding = QHBoxLayout()
        adding.addWidget(self.new_name, 1)
        adding.addWidget(self.add)
        left = QVBoxLayout()
        left.addWidget(self.list, 1)
        left.addLayout(adding)
        layout = QHBoxLayout(self)
        layout.addLayout(left, 1)
        layout.addLayout(right, 2)

    # --- reading ---------------------------------------------------------------------------------

    def schema_rows(self) -> list[Row]:
        raise NotImplementedError

    def usage(self, row: Row) -> list[str]:
        """What keeps ``row`` from being deleted (spans, relations, relation types' ends)."""
        raise NotImplementedError

    def refresh(self, counts: dict[str, int]) -> None:
        """Re-read the rows (after any change, ours or a teammate's), keeping the selection."""
        current = self.current()
        self.rows, self.counts = self.schema_rows(), counts
        self.list.blockSignals(True)
        self.list.clear()
        for row in self.rows:
            self.list.addItem(self.row_text(row))
            item = self.list.item(self.list.count() - 1)
            item.setData(Qt.ItemDataRole.DecorationRole, QColor(row.color))
            item.setToolTip(row.description)
            if row.retired:
                item.setForeground(self.palette().color(self.palette().ColorRole.PlaceholderText))
        ids = [r.id for r in self.rows]
        self.list.setCurrentRow(ids.index(current.id) if current is not None and current.id in ids else 0)
        self.list.blockSignals(False)
        self._show_current()

    def row_text(self, row: Row) -> str:
        count = self.counts.get(row.name, 0)
        return f"{row.name}  ({count})" + ("  — retired" if row.retired else "")

    def current(self) -> Row | None:
        index = self.list.currentRow()
        return self.rows[index] if 0 <= index < len(self.rows) else None

    def _show_current(self) -> None:
        row = self.current()
        for widget in (self.name, self.color, self.description, self.describe, self.up, self.down):
            widget.setEnabled(row is not None)
        for widget in (self.retire, self.delete):
            widget.setEnabled(row is not None)
        if row is None:
            return
        self.name.setText(row.name)
        self.color.setStyleSheet(f"background: {row.color}")
        self.description.setPlainText(row.description)
        self.retire.setText("Un-retire" if row.retired else "Retire")
        self.up.setEnabled(self.list.currentRow() > 0)
        self.down.setEnabled(self.list.currentRow() < len(self.rows) - 1)
        self.show_fields(row)

    def show_fields(self, row: Row) -> None:
        """The subclass's own fields for ``row``."""

    # --- editing ---------------------------------------------------------------------------------

    def apply_change(self, row: Row, text: str, **changes: object) -> bool:
        raise NotImplementedError

    def _rename(self) -> None:
        row = self.current()
        if row is not None and self.name.text().strip() != row.name:
            self.apply_change(row, f"Rename {self.what} {row.name}", name=self.name.text())

    def _recolour(self) -> None:
        row = self.current()
        if row is None:
            return
        chosen = QColorDialog.getColor(QColor(row.color), self, f"Colour of {row.name}")
        if chosen.isValid() and chosen.name().lower() != row.color.lower():
            self.apply_change(row, f"Recolour {self.what} {row.name}", color=chosen.name().upper())

    def _describe(self) -> None:
        row = self.current()
        if row is not None and self.description.toPlainText() != row.description:
            self.apply_change(
                row, f"Describe {self.what} {row.name}", description=self.description.toPlainText()
            )

    def _retire(self) -> None:
        row = self.current()
        if row is not None:
            verb = "Un-retire" if row.retired else "Retire"
            self.apply_change(row, f"{verb} {self.what} {row.name}", retired=not row.retired)

    def _move(self, step: int) -> None:
        row = self.current()
        if row is not None:
            self.move(row, self.list.currentRow() + step)

    def move(self, row: Row, position: int) -> None:
        raise NotImplementedError

    def _add(self) -> None:
        name = self.new_name.text().strip()
        if name and self.add_row(name):
            self.new_name.clear()
            names = [r.name for r in self.rows]
            if name in names:
                self.list.setCurrentRow(names.index(name))

    def add_row(self, name: str) -> bool:
        raise NotImplementedError

    def _delete(self) -> None:
        """Delete an unused row; one in use is never deleted here: the dialog offers to retire it."""
        row = self.current()
        if row is None:
            return
        used = self.usage(row)
        if not used:
            self.remove(row)
            return
        box = QMessageBox(self)
        box.setObjectName("in_use")
        box.setIcon(QMessageBox.Icon.Warning)
        box.setWindowTitle(f"Delete {self.what}")
        box.setText(f"The {self.what} {row.name} is used by {', '.join(used)}: deleting it would lose them.")
        box.setInformativeText(
            "Retire it instead: what carries it keeps it (shown and exported), but nothing new can use it."
        )
        retire = box.addButton("Retire", QMessageBox.ButtonRole.AcceptRole)
        retire.setObjectName("retire_instead")
        box.addButton(QMessageBox.StandardButton.Cancel)
        box.buttonClicked.connect(
            lambda button: (
                self.apply_change(row, f"Retire {self.what} {row.name}", retired=True)
                if button is retire and not row.retired
                else None
            )
        )
        box.open()

    def remove(self, row: Row) -> None:
        raise NotImplementedError


class LabelsTab(SchemaTab):
    what = "label"

    def __init__(self, project: ProjectContext, edits: SchemaEdits, parent: QWidget | None = None) -> None:
        super().__init__(project, edits, parent)
        self.key = self._field("key", "One letter or digit; Enter sets it, empty clears it")
        self.key.setMaxLength(1)
        self.key.returnPressed.connect(self._rekey)
        self.form.addRow("Key", self.key)
        self.finish_layout()

    def schema_rows(self) -> list[Row]:
        return list(self.project.labels)

    def usage(self, row: Row) -> list[str]:
        count = self.counts.get(row.name, 0)
        ends = [
            f"relation type {t.name}"
            for t in self.project.types
            if row.id in (t.from_label_id, t.to_label_id)
        ]
        return ([f"{count} span(s)"] if count else []) + ends

    def row_text(self, row: Row) -> str:
        key = f"  [{row.hotkey.upper()}]" if isinstance(row, LabelRow) and row.hotkey else ""
        return super().row_text(row).replace("  (", f"{key}  (", 1)

    def show_fields(self, row: Row) -> None:
        assert isinstance(row, LabelRow)
        self.key.setText(row.hotkey or "")

    def _rekey(self) -> None:
        row = self.current()
        if row is not None and self.key.text().lower() != (row.hotkey or ""):
            self.apply_change(row, f"Key of label {row.name}", hotkey=self.key.text())

    def apply_change(self, row: Row, text: str, **changes: object) -> bool:
        return self.edits.update_label(row.id, text, **changes)

    def move(self, row: Row, position: int) -> None:
        self.edits.move_label(row.id, position, f"Move label {row.name}")

    def add_row(self, name: str) -> bool:
        return self.edits.add_label(name)

    def remove(self, row: Row) -> None:
        self.edits.delete_label(row.id, row.name)


ANY = "(any label)"


class TypesTab(SchemaTab):
    what = "relation type"

    def __init__(self, project: ProjectContext, edits: SchemaEdits, parent: QWidget | None = None) -> None:
        super().__init__(project, edits, parent)
        self.ends: dict[str, QComboBox] = {}
        for end, title in (("from_label", "From"), ("to_label", "To")):
            box = QComboBox(self)
            box.setObjectName(end)
            box.activated.connect(lambda _index, end=end: self._set_end(end))
            self.ends[end] = box
            self.form.addRow(title, box)
        self.finish_layout()

    def schema_rows(self) -> list[Row]:
        return list(self.project.types)

    def usage(self, row: Row) -> list[str]:
        count = self.counts.get(row.name, 0)
        return [f"{count} relation(s)"] if count else []

    def show_fields(self, row: Row) -> None:
        assert isinstance(row, RelationTypeRow)
        for end, label_id in (("from_label", row.from_label_id), ("to_label", row.to_label_id)):
            box = self.ends[end]
            box.clear()
            box.addItem(ANY, None)
            for label in self.project.labels:
                box.addItem(label.name + (" (retired)" if label.retired else ""), label.name)
            names = [label.id for label in self.project.labels]
            box.setCurrentIndex(names.index(label_id) + 1 if label_id in names else 0)

    def _set_end(self, end: str) -> None:
        row = self.current()
        if row is not None:
            chosen = self.ends[end].currentData()
            self.apply_change(row, f"Ends of relation type {row.name}", **{end: chosen or ""})

    def apply_change(self, row: Row, text: str, **changes: object) -> bool:
        return self.edits.update_type(row.id, text, **changes)

    def move(self, row: Row, position: int) -> None:
        self.edits.move_type(row.id, position, f"Move relation type {row.name}")

    def add_row(self, name: str) -> bool:
        return self.edits.add_type(name)

    def remove(self, row: Row) -> None:
        self.edits.delete_type(row.id, row.name)

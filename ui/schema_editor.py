"""Project ▸ Label schema…: add, rename, recolour, re-key, reorder and retire labels and relation types.

One tab per part of the schema (Labels, Relation types); ``add_tab`` lets another part (the
codebook's attributes) add its own. Every edit is a core operation in an undoable step of the
main window's undo stack, so Ctrl+Z here or in the window takes it back, and the CLI's
``annotator undo`` sees the same step. The dialog is modeless: the palette, the lists and the
article follow each edit at once (the window re-reads the schema from the change bus), and so
does the dialog, for its own edits, undo, and teammates' changes alike.
"""

from __future__ import annotations

from annotator.events import ChangeSet
from ui.attributes_schema import AttributesEditor
from ui.project import ProjectContext
from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QKeySequence,
    QLabel,
    QPushButton,
    QTabWidget,
    QUndoStack,
    QVBoxLayout,
    QWidget,
    StoreSignals,
)
from ui.schema_editor_commands import SchemaContext, SchemaEdits
from ui.schema_editor_tabs import LabelsTab, TypesTab


class SchemaDialog(QDialog):
    def __init__(self, project: ProjectContext, stack: QUndoStack, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("schema_editor")
        self.setWindowTitle(f"Label schema — {project.name}")
        self.setMinimumSize(720, 460)
        self.project = project
        self.message = QLabel(self)
        self.message.setObjectName("message")
        self.message.setWordWrap(True)
        self.edits = SchemaEdits(SchemaContext(project, self.say), stack)
        self.tabs = QTabWidget(self)
        self.labels = LabelsTab(project, self.edits, self)
        self.types = TypesTab(project, self.edits, self)
        self.add_tab(self.labels, "&Labels")
        self.add_tab(self.types, "&Relation types")
        # The codebook's attributes (ui/attributes_schema.py), each change an undo step here too.
        self.attributes = AttributesEditor(project, self, run=self.edits.run)
        self.add_tab(self.attributes, "&Attributes")
        close = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        close.rejected.connect(self.close)
        layout = QVBoxLayout(self)
        layout.addWidget(
            QLabel("Changes apply at once, for everyone on the project; Ctrl+Z takes each back.", self)
        )
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        layout.addWidget(close)
        for action, keys in ((stack.createUndoAction(self), QKeySequence.StandardKey.Undo),
                             (stack.createRedoAction(self), QKeySequence.StandardKey.Redo)):  # fmt: skip
            action.setShortcuts(keys)
            self.addAction(action)
        for button in self.findChildren(QPushButton):  # Enter applies a field, never a button
            button.setAutoDefault(False)
            button.setDefault(False)
        self.refresh()

    def add_tab(self, widget: QWidget, title: str) -> int:
        """Add a part of the schema (e.g. the codebook's attributes) as a tab; returns its index."""
        return self.tabs.addTab(widget, title)

    def say(self, message: str) -> None:
        """A refusal or an outcome, shown in the dialog (and the window's status bar)."""
        self.message.setText(message)
        parent = self.parent()
        report = getattr(parent, "report", None)
        if callable(report):
            report(message)

    def refresh(self) -> None:
        """Re-read the schema and the counts, and show them in every tab."""
        self.project.reload_schema()
        stats = self.project.stats()
        self.labels.refresh(stats["spans_by_label"])
        self.types.refresh(stats["relations_by_type"])
        self.attributes.reload()

    def on_store_changed(self, changeset: ChangeSet) -> None:
        """Follow schema changes while shown (``edit_schema`` refreshes a dialog shown again)."""
        if self.isVisible() and any(changeset.touches(t) for t in ("label", "relation_type", "attribute")):
            self.refresh()


def edit_schema(
    parent: QWidget, project: ProjectContext | None, stack: QUndoStack, signals: StoreSignals | None
) -> SchemaDialog | None:
    """Show the schema editor of ``project`` (one per window; raised when already open)."""
    if project is None:
        return None
    dialog = parent.findChild(SchemaDialog, "schema_editor")
    if dialog is not None and dialog.project is not project:
        dialog.close()
        dialog.setObjectName("")  # another project's: not found again while it awaits deletion
        dialog.deleteLater()
        dialog = None
    if dialog is None:
        dialog = SchemaDialog(project, stack, parent)
        if signals is not None:
            signals.changed.connect(dialog.on_store_changed)
    else:
        dialog.refresh()
    dialog.show()
    dialog.raise_()
    dialog.activateWindow()
    return dialog

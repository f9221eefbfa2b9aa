"""File ▸ Project settings…: the team's shared settings, one row per declared setting.

The rows come from ``annotator.settings_project.KNOWN`` (the same list ``annotator settings``
prints), so a new setting appears here without GUI code. Saving is one audited transaction and
one undo step (Ctrl+Z, ``annotator undo``); teammates' apps pick the change up on their next refresh.
"""

from __future__ import annotations

from collections.abc import Callable

from annotator.settings_project import KNOWN, set_setting
from annotator.store import Tx
from ui.project import ProjectContext
from ui.project_steps import run_project_step
from ui.qt import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QLabel,
    QLineEdit,
    QMessageBox,
    QVBoxLayout,
    QWidget,
)


class ProjectSettingsDialog(QDialog):
    def __init__(self, project: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.project = project
        self.setWindowTitle(f"Project settings — {project.name}")
        self.setMinimumWidth(480)
        values = project.all_settings()
        form = QFormLayout()
        self.fields: dict[str, QComboBox | QLineEdit] = {}
        for key, spec in KNOWN.items():
            field: QComboBox | QLineEdit
            if spec.choices:
                field = QComboBox(self)
                field.addItems(list(spec.choices))
                field.setCurrentText(spec.show(values[key]))
            else:
                field = QLineEdit(spec.show(values[key]), self)
            field.setObjectName(key)
            self.fields[key] = field
            field.setToolTip(spec.help)
            help_text = QLabel(spec.help, self)
            help_text.setWordWrap(True)
            help_text.setEnabled(False)  # drawn in the palette's muted colour
            form.addRow(key, field)
            form.addRow("", help_text)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        self.buttons = buttons
        layout = QVBoxLayout(self)
        layout.addWidget(QLabel("These settings apply to everyone working on this project.", self))
        layout.addLayout(form)
        layout.addWidget(buttons)

    def entered(self) -> dict[str, str]:
        return {
            key: field.currentText() if isinstance(field, QComboBox) else field.text()
            for key, field in self.fields.items()
        }

    def accept(self) -> None:
        """Save every setting as one undoable step (Ctrl+Z in the window takes it back); a bad
        value keeps the dialog open and saves nothing."""
        entered = self.entered()

        def edit(tx: Tx) -> None:
            for key, value in entered.items():
                set_setting(tx, self.project.id, key, value)

        refused = run_project_step(self, self.project, "Project settings", edit)
        if refused is not None:
            QMessageBox.warning(self, "Project settings", refused)
            return
        super().accept()


def edit_project_settings(
    parent: QWidget, project: ProjectContext | None, report: Callable[[str], None]
) -> None:
    if project is None:
        report("Open a project first")
        return
    if ProjectSettingsDialog(project, parent).exec():
        report("Project settings saved")

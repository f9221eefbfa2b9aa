"""Review ▸ Annotators and roles: who is an annotator and who a reviewer.

Reviewers adjudicate. A project without a reviewer lets anyone take the role (somebody has to be
first); once there is one, only reviewers change roles. The rule is the core's
(``ops.projects.set_roles``, which enforces it); the dialog only shows it, and the window's actor
follows a change at once.
"""

from __future__ import annotations

from annotator.errors import AnnotatorError
from annotator.model import Role
from annotator.ops.projects import ROLES, set_roles
from annotator.store import Actor
from ui.project import ProjectContext
from ui.qt import (
    QAbstractItemView,
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def refresh_actor(project: ProjectContext) -> None:
    """Re-read the current user's role (it may have changed here or on a teammate's machine)."""
    me = next((a for a in project.annotators() if a.id == project.actor.id), None)
    if me is not None and me.role != project.actor.role:
        project.actor = Actor(me.name, me.id, me.role)


def set_roles_as_actor(project: ProjectContext, changes: list[tuple[str, Role]]) -> None:
    """Store the changed roles as one action of the window's user (the core checks they may)."""
    try:
        with project.store.transaction(actor=project.actor) as tx:
            set_roles(tx, project.id, changes)
    finally:
        refresh_actor(project)


class AnnotatorsDialog(QDialog):
    def __init__(self, project: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Annotators and roles")
        self.project = project
        self.people = [a for a in project.annotators() if a.role != Role.GOLD.value]
        editable = project.role_change_refusal() is None
        self.table = QTableWidget(len(self.people), 2, self)
        self.table.setHorizontalHeaderLabels(["Annotator", "Role"])
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.combos: dict[str, QComboBox] = {}
        for i, person in enumerate(self.people):
            mine = " (you)" if person.id == project.actor.id else ""
            self.table.setItem(i, 0, QTableWidgetItem(person.name + mine))
            combo = QComboBox(self.table)
            for role in ROLES:
                combo.addItem(role.value, role.value)
            combo.setCurrentIndex(max(combo.findData(person.role), 0))
            combo.setEnabled(editable)
            self.table.setCellWidget(i, 1, combo)
            self.combos[person.name] = combo
        self.table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.table.horizontalHeader().setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        note = QLabel(
            "Reviewers adjudicate teammates' labels into the gold layer. "
            + (
                "Nobody is a reviewer yet: anyone may take the role."
                if not [p for p in self.people if p.role == Role.REVIEWER.value]
                else "Only reviewers change roles."
                if editable
                else "Only a reviewer can change roles; ask one of them."
            ),
            self,
        )
        note.setWordWrap(True)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel, self
        )
        buttons.accepted.connect(self.accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(self.table)
        layout.addWidget(note)
        layout.addWidget(buttons)
        self.resize(420, 320)

    def changes(self) -> list[tuple[str, Role]]:
        return [
            (p.name, Role(self.combos[p.name].currentData()))
            for p in self.people
            if self.combos[p.name].currentData() != p.role
        ]

    def apply(self) -> str | None:
        """Store the changed roles; an error message, or None."""
        changes = self.changes()
        if not changes:
            return None
        try:
            set_roles_as_actor(self.project, changes)
        except AnnotatorError as exc:
            return str(exc)
        return None

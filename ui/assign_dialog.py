"""Review ▸ Assign documents…: the reviewer's form of ``annotator assign``, with a live preview.

The dialog shows, before anything is written, how many documents would be coded by one and by
several people and each annotator's load; Apply runs the core operation as one step on the Edit
menu's undo stack (and in the reviewer's core undo history, like the CLI's).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from annotator import assign
from annotator import undo as undo_log
from annotator.errors import AnnotatorError
from annotator.model import Role
from ui.commands import StepCommand
from ui.project import ProjectContext
from ui.qt import (
    QDialog,
    QDialogButtonBox,
    QDoubleSpinBox,
    QFormLayout,
    QLabel,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QSpinBox,
    Qt,
    QVBoxLayout,
    QWidget,
)


@dataclass(slots=True)
class Reporting:
    """What a step command needs of the window (see ``ui.commands.StepContext``)."""

    report: Callable[[str], None]
    show_document: Callable[[int], None]


class AssignCommand(StepCommand):
    """One assignment run as an undo step (the core log's, so ``annotator undo`` sees it too)."""

    def __init__(
        self, report: Callable[[str], None], project: ProjectContext, request: assign.Request
    ) -> None:
        super().__init__(0, "Assign documents")
        self.ctx = Reporting(report, lambda _doc: None)
        self.project = project
        self.request = request
        self.plan: assign.Plan | None = None

    def reveal(self) -> None:  # no document to show: the lists follow the change bus
        return

    def forward(self) -> None:
        project = self.project
        with project.store.transaction(actor=project.actor) as tx:
            if self.step_id is None:
                self.plan = assign.apply(tx, project.id, self.request)
                self.step_id = self.plan.step_id
                self.setText(f"Assign {len(self.plan.added)} document(s)")
            else:
                undo_log.redo(tx, project.annotator_id, self.step_id)

    def backward(self) -> None:
        assert self.step_id is not None
        with self.project.store.transaction(actor=self.project.actor) as tx:
            undo_log.undo(tx, self.project.annotator_id, self.step_id)


class AssignDialog(QDialog):
    """Annotators, share, overlap, coders per overlap document and seed; the counts update live."""

    def __init__(self, project: ProjectContext, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Assign documents")
        self.project = project
        self.people = QListWidget(self)
        for person in project.annotators():
            if person.role == Role.GOLD.value:
                continue
            item = QListWidgetItem(person.name, self.people)
            item.setFlags(item.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            reviewer = person.role == Role.REVIEWER.value
            item.setCheckState(Qt.CheckState.Unchecked if reviewer else Qt.CheckState.Checked)
        self.share = self._fraction(1.0, "Fraction of the documents to code at all")
        self.overlap = self._fraction(0.2, "Fraction of those coded by several people (for agreement)")
        self.per_doc = QSpinBox(self)
        self.per_doc.setRange(1, 99)
        self.per_doc.setValue(2)
        self.seed = QSpinBox(self)
        self.seed.setRange(0, 2_000_000_000)
        self.preview = QLabel(self)
        self.preview.setWordWrap(True)
        self.preview.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        form = QFormLayout()
        form.addRow("Annotators", self.people)
        form.addRow("&Share", self.share)
        form.addRow("&Overlap", self.overlap)
        form.addRow("Coders &per overlap document", self.per_doc)
        form.addRow("S&eed", self.seed)
        self.buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Cancel, self)
        self.apply_button = QPushButton("Assign", self)
        self.apply_button.setDefault(True)
        self.buttons.addButton(self.apply_button, QDialogButtonBox.ButtonRole.AcceptRole)
        self.buttons.accepted.connect(self.accept)
        self.buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(QLabel("<b>Preview</b> (re-running adds only what is missing)", self))
        layout.addWidget(self.preview)
        layout.addWidget(self.buttons)
        self.people.itemChanged.connect(self.update_preview)
        for box in (self.share, self.overlap):
            box.valueChanged.connect(self.update_preview)
        for spin in (self.per_doc, self.seed):
            spin.valueChanged.connect(self.update_preview)
        self.update_preview()

    def _fraction(self, value: float, tip: str) -> QDoubleSpinBox:
        box = QDoubleSpinBox(self)
        box.setRange(0.0, 1.0)
        box.setSingleStep(0.05)
        box.setDecimals(2)
        box.setValue(value)
        box.setToolTip(tip)
        return box

    def chosen(self) -> tuple[str, ...]:
        items = (self.people.item(i) for i in range(self.people.count()))
        return tuple(item.text() for item in items if item.checkState() == Qt.CheckState.Checked)

    def request(self) -> assign.Request:
        return assign.Request(
            self.chosen(), self.share.value(), self.overlap.value(), self.per_doc.value(), self.seed.value()
        )

    def update_preview(self, *_args: object) -> None:
        """The counts the current choices would give, or why they cannot be applied."""
        try:
            plan = self.project.team.preview(self.request())
        except AnnotatorError as exc:
            self.preview.setText(f"Cannot assign: {exc}")
            self.apply_button.setEnabled(False)
            return
        self.preview.setText(f"Adds {len(plan.added)} assignment(s): {plan.summary()}")
        self.apply_button.setEnabled(bool(plan.added))

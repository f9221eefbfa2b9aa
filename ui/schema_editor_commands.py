"""The schema editor's edits as steps of the main window's undo stack.

Each edit is a core operation of ``annotator.ops.labels`` run inside the core log's
``schema_step`` (the same step the ``annotator labels`` commands record), pushed through the one
``execute()`` of ``ui/commands.py``: Ctrl+Z in the dialog or the main window takes it back, and
``annotator undo`` sees the same step. The views follow through the change bus (the window
re-reads the schema whenever labels or relation types change).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from annotator import undo as undo_log
from annotator.model import Label, RelationType
from annotator.ops.labels import (
    add_label,
    add_relation_type,
    by_id,
    move,
    remove_label,
    remove_relation_type,
    update_label,
    update_relation_type,
)
from annotator.store import Tx
from annotator.undo import schema_step
from ui.commands import StepCommand, execute
from ui.project import ProjectContext
from ui.qt import QUndoStack

Edit = Callable[[Tx], Any]


class SchemaContext:
    """What a schema command needs: the project (who acts) and where to say what happened."""

    def __init__(self, project: ProjectContext, report: Callable[[str], None]) -> None:
        self.project = project
        self.report = report

    def show_document(self, _doc_id: int) -> None:
        """A schema step has no document to show."""


class SchemaCommand(StepCommand):
    """One schema edit; ``labels``/``types`` are those it may delete with their spans/relations."""

    step_id: int | None

    def __init__(
        self,
        ctx: SchemaContext,
        text: str,
        edit: Edit,
        *,
        labels: Sequence[int] = (),
        types: Sequence[int] = (),
        doc_values: bool = False,
    ) -> None:
        super().__init__(0, text)
        self.ctx: SchemaContext = ctx
        self.edit = edit
        self.labels, self.types, self.doc_values = list(labels), list(types), doc_values

    def reveal(self) -> None:
        """Nothing to scroll to: the views re-read the schema from the change bus."""

    def _transaction(self) -> Any:
        project = self.ctx.project
        return project.store.transaction(origin=self, actor=project.actor)

    def forward(self) -> None:
        project = self.ctx.project
        if self.step_id is None:
            with (
                self._transaction() as tx,
                schema_step(
                    tx,
                    self.text(),
                    project.id,
                    project.annotator_id,
                    labels=self.labels,
                    types=self.types,
                    doc_values=self.doc_values,
                ) as step,
            ):
                self.edit(tx)
            self.step_id = step.id
        else:
            with self._transaction() as tx:
                undo_log.redo(tx, project.annotator_id, self.step_id)

    def backward(self) -> None:
        assert self.step_id is not None
        with self._transaction() as tx:
            undo_log.undo(tx, self.ctx.project.annotator_id, self.step_id)


class SchemaEdits:
    """The edits the dialog offers, each one undoable step on ``stack``; False when refused
    (the reason went to ``report``)."""

    def __init__(self, ctx: SchemaContext, stack: QUndoStack) -> None:
        self.ctx = ctx
        self.stack = stack

    def run(self, text: str, edit: Edit, **named: Any) -> bool:
        return execute(self.stack, SchemaCommand(self.ctx, text, edit, **named))

    def _label(self, tx: Tx, label_id: int) -> Label:
        return by_id(tx, Label, label_id)

    def _type(self, tx: Tx, type_id: int) -> RelationType:
        return by_id(tx, RelationType, type_id)

    def add_label(self, name: str) -> bool:
        project_id = self.ctx.project.id
        return self.run(f"Add label {name}", lambda tx: add_label(tx, project_id, name))

    def update_label(self, label_id: int, text: str, **changes: Any) -> bool:
        return self.run(text, lambda tx: update_label(tx, self._label(tx, label_id), **changes))

    def move_label(self, label_id: int, position: int, text: str) -> bool:
        return self.run(text, lambda tx: move(tx, self._label(tx, label_id), position))

    def delete_label(self, label_id: int, name: str) -> bool:
        return self.run(f"Delete label {name}", lambda tx: remove_label(tx, self._label(tx, label_id)))

    def add_type(self, name: str) -> bool:
        project_id = self.ctx.project.id
        return self.run(f"Add relation type {name}", lambda tx: add_relation_type(tx, project_id, name))

    def update_type(self, type_id: int, text: str, **changes: Any) -> bool:
        return self.run(text, lambda tx: update_relation_type(tx, self._type(tx, type_id), **changes))

    def move_type(self, type_id: int, position: int, text: str) -> bool:
        return self.run(text, lambda tx: move(tx, self._type(tx, type_id), position))

    def delete_type(self, type_id: int, name: str) -> bool:
        return self.run(
            f"Delete relation type {name}", lambda tx: remove_relation_type(tx, self._type(tx, type_id))
        )

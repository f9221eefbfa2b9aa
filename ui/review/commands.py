"""Undoable adjudication: one QUndoCommand per review action, a thin adapter over the core log.

The first step runs the core operation (accept, reject, accept agreed, edit gold, set status)
inside a review step of ``annotator.undo``, which keeps the document's gold rows, rejections and
review status before and after it. Undo and redo move that step in the core log: undo of an
accept deletes the gold span or restores its previous sources, undo of a reject unrejects (and
brings back the gold span the reject removed), redo restores the very same rows and ids. A step
refused later (a teammate changed those rows meanwhile) is reported and leaves the stack. While the
database does not answer, a decision waits and is saved later like any edit (``ui.pending``).
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from dataclasses import dataclass

from annotator import undo as undo_log
from annotator.store import Tx
from annotator.undo import undoable
from ui.commands import StepCommand
from ui.commands import execute as run_step
from ui.project import ProjectContext
from ui.qt import QUndoStack

Action = Callable[[Tx], object]


@dataclass(slots=True)
class ReviewContext:
    """Where review commands write, whom they tell, and how they bring their document back."""

    project: ProjectContext
    origin: object  # the review view: it skips its own changes when they come back over the bus
    report: Callable[[str], None]
    refresh: Callable[[int], None]  # re-read a document after a change (if it is on screen)
    show_document: Callable[[int], None]

    def transaction(self) -> AbstractContextManager[Tx]:
        # Review actions are the review operations that may write the gold layer.
        return self.project.store.transaction(origin=self.origin, actor=self.project.actor, review=True)


class ReviewCommand(StepCommand):
    def __init__(self, ctx: ReviewContext, doc_id: int, text: str, action: Action) -> None:
        super().__init__(doc_id, text)
        self.ctx: ReviewContext = ctx
        self.action: Action | None = action
        self.step_id: int | None = None
        self.result: object = None

    def forward(self) -> None:
        who = self.ctx.project.annotator_id
        if self.action is not None:
            with (
                self.ctx.transaction() as tx,
                undoable(tx, self.text(), [self.doc_id], annotator_id=who, review=True) as step,
            ):
                self.result = self.action(tx)
            self.step_id = step.id
            self.action = None  # what it did is in the core log now; never run it twice
        else:
            assert self.step_id is not None
            with self.ctx.transaction() as tx:
                undo_log.redo(tx, who, self.step_id)
        self.ctx.refresh(self.doc_id)

    def backward(self) -> None:
        assert self.step_id is not None
        with self.ctx.transaction() as tx:
            undo_log.undo(tx, self.ctx.project.annotator_id, self.step_id)
        self.ctx.refresh(self.doc_id)


def execute(stack: QUndoStack, command: ReviewCommand) -> bool:
    """Run the first step and say what happened (the one ``execute`` of ui/commands.py)."""
    return run_step(stack, command, say=True)

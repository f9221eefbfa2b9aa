"""Undoable edits: the Qt undo stack as a thin adapter over the core undo log (``annotator.undo``).

A command runs its operation once, inside ``undoable``, before it is pushed (``execute``), so a
refused change (a duplicate, another annotator's span, a version conflict) never lands on the
stack. Undo and redo then move that step in the core log, which restores the same ids (relations
and later commands keep pointing at the right spans) and refuses a step whose rows someone else
changed since; the command reports why and leaves the stack. The CLI's ``annotator undo`` works
on the same log.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from annotator import undo as undo_log
from annotator.errors import AnnotatorError
from annotator.model import DocStatus
from annotator.ops.annotations import create_span, delete_spans, update_span
from annotator.ops.documents import set_status
from annotator.ops.relations import create_relation, delete_relation
from annotator.queries import SpanTuple
from annotator.reachability import is_unreachable
from annotator.store import Tx
from annotator.undo import Step, undoable
from annotator.undo.log import delete_step
from ui.article.index import END, ID, LABEL, START, VERSION
from ui.pending import PendingChanges, pending_for
from ui.project import ProjectContext
from ui.qt import QUndoCommand, QUndoStack
from ui.session import DocumentSession
from ui.step_rows import recorded_spans, show_step

RESIZE_ID = 1001
SPAN_ONLY = ("document", "suggestion_decision")  # what a relabel, resize or delete leaves alone


@dataclass(slots=True)
class EditContext:
    """What every command needs: where to write, what to update, and whom to tell."""

    project: ProjectContext
    session: DocumentSession
    report: Callable[[str], None]
    show_document: Callable[[int], None]

    def transaction(self) -> AbstractContextManager[Tx]:
        return self.project.store.transaction(origin=self.session, actor=self.project.actor)


class StepContext(Protocol):
    report: Callable[[str], None]
    show_document: Callable[[int], None]


class StepCommand(QUndoCommand):
    """An undo step over core ops: ``execute`` runs the first ``forward`` (so the first ``redo``
    is skipped), later steps run in their document, and refusals become messages."""

    ctx: StepContext

    def __init__(self, doc_id: int, text: str) -> None:
        super().__init__(text)
        self.doc_id = doc_id
        self.title = text  # also once Qt dropped the command from the stack while it waited
        self.step_id: int | None = None  # the core log's step, once the first run changed something
        self.failed = False  # it waited, then the database refused it: nothing to undo or redo
        self.pending: PendingChanges | None = None  # where it waits while the database is down
        self._first = True

    def forward(self) -> None:
        raise NotImplementedError

    def backward(self) -> None:
        raise NotImplementedError

    def unsaved(self) -> list[SpanTuple]:
        """The spans this command makes, to draw while it waits for the database (id -1)."""
        return []

    @property
    def waiting(self) -> bool:
        """Whether a step of it waits for the database (``ui.pending``)."""
        return self.pending is not None and any(c is self for c, _ in self.pending.items)

    def reveal(self) -> None:
        self.ctx.show_document(self.doc_id)

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._move(forward=True)

    def undo(self) -> None:
        self._move(forward=False)

    def _move(self, forward: bool) -> None:
        """Undo or redo now, or, while earlier steps wait for the database, behind them."""
        if self.failed:  # refused when it was finally sent: it leaves the stack
            self.ctx.report(f"{self.title}: never saved, nothing to take back")
            self.setObsolete(True)
            return
        queue = self.pending
        if queue is not None and queue.take_back(self, forward):
            return  # a waiting step taken back: the database never saw it
        if queue is not None and queue.items:
            queue.hold(self, forward)
            return
        self._guarded(self.forward if forward else self.backward, forward)

    def _guarded(self, step: Callable[[], None], forward: bool) -> None:
        try:
            self.reveal()
            step()
        except AnnotatorError as exc:
            self.ctx.report(f"{self.text()}: {exc}")
            self.setObsolete(True)
        except Exception as exc:  # no error may escape a Qt override; an unreachable database waits
            if self.pending is None or not is_unreachable(exc):
                raise
            self.pending.hold(self, forward, exc)


class Command(StepCommand):
    """Base of the annotating commands: ``perform`` is the core operation, run once."""

    def __init__(self, ctx: EditContext, doc_id: int, text: str) -> None:
        super().__init__(doc_id, text)
        self.ctx: EditContext = ctx
        self.step_id: int | None = None
        self._recorded = False  # the step was just recorded: its images are the stored rows

    @property
    def live(self) -> bool:
        """Whether the command's document is the one on screen (else only the database changes)."""
        return self.ctx.session.doc_id == self.doc_id

    def reveal(self) -> None:
        if not self.live:
            self.ctx.show_document(self.doc_id)

    def perform(self, tx: Tx) -> None:
        raise NotImplementedError

    @property
    def changed(self) -> bool:
        """Whether the first step changed anything (only then is there something to undo)."""
        return self.step_id is not None

    def spans_named(self) -> tuple[int, ...]:
        """The existing spans the operation may change (the core log reads only those)."""
        return ()

    def relations_named(self) -> tuple[int, ...]:
        return ()

    def keeps(self) -> tuple[str, ...]:
        """Tables the operation leaves alone (``undoable(keeps=...)``): not read for its step."""
        return ()

    def forward(self) -> None:
        if self.step_id is None:
            who = self.ctx.project.annotator_id
            with (
                self.ctx.transaction() as tx,
                undoable(
                    tx,
                    self.text(),
                    [self.doc_id],
                    annotator_id=who,
                    spans=self.spans_named(),  # a keystroke reads its own rows, not the whole layer
                    relations=self.relations_named(),
                    keeps=self.keeps(),
                ) as step,
            ):
                self.perform(tx)
            self.step_id = step.id
            self._recorded = True
        else:
            with self.ctx.transaction() as tx:
                step = undo_log.redo(tx, self.ctx.project.annotator_id, self.step_id)
        self.show(step, undo=False)

    def backward(self) -> None:
        assert self.step_id is not None
        with self.ctx.transaction() as tx:
            step = undo_log.undo(tx, self.ctx.project.annotator_id, self.step_id)
        self.show(step, undo=True)

    def show(self, step: Step, undo: bool) -> None:
        """Bring the document on screen up to date with what the step (or its undo) left; a
        step just recorded read its spans' rows after the change: the view takes those."""
        known = recorded_spans(step) if self._recorded else None
        self._recorded = False
        if self.live:
            show_step(self.ctx.session, step, undo, known)


def execute(stack: QUndoStack, command: StepCommand, *, say: bool = False) -> bool:
    """Do the command's first step; push it only when that changed something. ``say`` reports
    the outcome in the status bar (review actions, whose effect is not under the cursor).

    While the database does not answer, the command waits (``ui.pending``) on the stack and False
    is returned: nothing changed yet."""
    queue = command.pending = pending_for(stack)
    if queue is not None and queue.items:
        if queue.due():  # not at every key while it is down: a dead network blocks each attempt
            queue.answered()  # earlier changes first, in order, if the database is back
        if queue.items:
            return _wait(stack, command, queue, None)
    try:
        command.forward()
    except AnnotatorError as exc:
        command.ctx.report(str(exc))
        return False
    except Exception as exc:
        if queue is None or not is_unreachable(exc):
            raise
        return _wait(stack, command, queue, exc)
    if command.step_id is None:  # nothing changed: nothing to undo
        if say:
            command.ctx.report(f"{command.text()}: nothing to change")
        return False
    stack.push(command)
    if say:
        command.ctx.report(command.text())
    return True


def _wait(stack: QUndoStack, command: StepCommand, queue: PendingChanges, exc: BaseException | None) -> bool:
    """Keep the first step of ``command`` until the database answers; Ctrl+Z takes it back."""
    queue.hold(command, True, exc)
    stack.push(command)  # its first redo is skipped: it runs from the queue
    command.ctx.report(f"{command.title}: not saved yet, the database does not answer")
    return False


class CreateSpans(Command):
    """One span from a selection, or many at once ("label all occurrences"); the first span on a
    new document also starts its work (status in progress), in the same step."""

    def __init__(
        self, ctx: EditContext, doc_id: int, ranges: Sequence[tuple[int, int]], label_id: int, text: str
    ):
        super().__init__(ctx, doc_id, text)
        self.ranges = list(ranges)
        self.label_id = label_id
        self.ids: list[int] = []
        self.made: list[SpanTuple] | None = None

    def _starts_work(self) -> bool:
        doc = self.ctx.session.doc
        return self.live and doc is not None and doc.status == DocStatus.NEW.value

    def keeps(self) -> tuple[str, ...]:
        return ("suggestion_decision",) if self._starts_work() else ("suggestion_decision", "document")

    def perform(self, tx: Tx) -> None:
        who = self.ctx.project.annotator_id
        made = [create_span(tx, self.doc_id, s, e, self.label_id, who) for s, e in self.ranges]
        if self._starts_work():
            set_status(tx, [self.doc_id], DocStatus.IN_PROGRESS)
        self.ids = [a.id for a in made]
        self.made = [(a.start, a.end, a.id, a.label_id, a.annotator_id, a.version) for a in made]

    def unsaved(self) -> list[SpanTuple]:
        return [(s, e, -1, self.label_id, self.ctx.project.annotator_id, 0) for s, e in self.ranges]

    def show(self, step: Step, undo: bool) -> None:
        """The first time, the spans just made are known: the view takes them without a query."""
        known, self.made = self.made, None
        if self.live:
            show_step(self.ctx.session, step, undo, known)


class DeleteSpans(Command):
    def __init__(self, ctx: EditContext, doc_id: int, ids: Sequence[int], text: str = "Delete span") -> None:
        super().__init__(ctx, doc_id, text)
        self.ids = list(ids)

    def spans_named(self) -> tuple[int, ...]:
        return tuple(self.ids)

    def keeps(self) -> tuple[str, ...]:
        return SPAN_ONLY

    def perform(self, tx: Tx) -> None:
        delete_spans(tx, self.ids)

    def show(self, step: Step, undo: bool) -> None:
        super().show(step, undo)
        if undo and self.live and len(self.ids) == 1:
            self.ctx.session.select(self.ids[0])


class UpdateSpan(Command):
    """Relabel or resize; consecutive resizes of one span merge into one undo step."""

    def __init__(
        self,
        ctx: EditContext,
        doc_id: int,
        span: SpanTuple,
        *,
        label_id: int | None = None,
        start: int | None = None,
        end: int | None = None,
        text: str = "Change span",
    ) -> None:
        super().__init__(ctx, doc_id, text)
        self.span_id = span[ID]
        self.after = (
            span[START] if start is None else start,
            span[END] if end is None else end,
            span[LABEL] if label_id is None else label_id,
        )
        self.resize = label_id is None
        self.version = span[VERSION]  # as the user saw it: a change waiting meanwhile is checked too

    def spans_named(self) -> tuple[int, ...]:
        return (self.span_id,)

    def keeps(self) -> tuple[str, ...]:
        return SPAN_ONLY

    def perform(self, tx: Tx) -> None:
        start, end, label = self.after
        update_span(tx, self.span_id, start=start, end=end, label_id=label, expected_version=self.version)

    def show(self, step: Step, undo: bool) -> None:
        super().show(step, undo)
        if self.live:
            self.ctx.session.select(self.span_id)

    def id(self) -> int:
        return RESIZE_ID if self.resize else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, UpdateSpan) or other.span_id != self.span_id or not other.resize:
            return False
        if self.step_id is None or other.step_id is None:
            return False
        try:
            with self.ctx.transaction() as tx:
                undo_log.merge(tx, self.step_id, other.step_id)
        except AnnotatorError:
            return False
        except Exception as exc:  # no merge while the database is down: two undo steps then
            if is_unreachable(exc):
                return False
            raise
        self.after = other.after
        return True


class CreateRelation(Command):
    def __init__(self, ctx: EditContext, doc_id: int, source: int, target: int, type_id: int, text: str):
        super().__init__(ctx, doc_id, text)
        self.args = (source, target, type_id)
        self.relation_id: int | None = None

    def perform(self, tx: Tx) -> None:
        self.relation_id = create_relation(tx, *self.args, self.ctx.project.annotator_id).id


class DeleteRelation(Command):
    def __init__(
        self, ctx: EditContext, doc_id: int, relation_id: int, text: str = "Delete relation"
    ) -> None:
        super().__init__(ctx, doc_id, text)
        self.relation_id = relation_id

    def relations_named(self) -> tuple[int, ...]:
        return (self.relation_id,)

    def perform(self, tx: Tx) -> None:
        delete_relation(tx, self.relation_id)


class SetStatus(Command):
    """Mark the document done (or back in progress): Ctrl+Z takes it back like any edit."""

    def __init__(self, ctx: EditContext, doc_id: int, status: DocStatus) -> None:
        super().__init__(ctx, doc_id, f"Mark {status.value}")
        self.status = status

    def perform(self, tx: Tx) -> None:
        set_status(tx, [self.doc_id], self.status)


class DeleteDocuments(Command):
    """Delete documents with everything on them; undo puts them back with the same ids.

    ``after`` is the document to show when the open one goes (its neighbour in the list).
    """

    def __init__(self, ctx: EditContext, ids: Sequence[int], after: int | None) -> None:
        n = len(ids)
        super().__init__(ctx, ids[0], "Delete document" if n == 1 else f"Delete {n} documents")
        self.ids = list(ids)
        self.after = after

    def reveal(self) -> None:
        """Nothing to show before the step (the documents may be gone)."""

    def forward(self) -> None:
        if self.step_id is None:
            with self.ctx.transaction() as tx:
                deleted, self.step_id = delete_step(tx, self.ids, self.text(), self.ctx.project.annotator_id)
            summary = deleted.summary()
        else:
            with self.ctx.transaction() as tx:
                undo_log.redo(tx, self.ctx.project.annotator_id, self.step_id)
            summary = f"deleted {len(self.ids)} document(s)"
        if self.ctx.session.doc_id in self.ids:
            if self.after is None:
                self.ctx.session.load(None)
            else:
                self.ctx.show_document(self.after)
        self.ctx.report(f"{summary.capitalize()}; Ctrl+Z brings them back.")

    def backward(self) -> None:
        assert self.step_id is not None
        with self.ctx.transaction() as tx:
            undo_log.undo(tx, self.ctx.project.annotator_id, self.step_id)
        self.ctx.show_document(self.ids[0])
        self.ctx.report(f"Restored {len(self.ids)} document(s).")

"""Undoable edits: each QUndoCommand calls core operations and commits at once.

A command runs its first step before it is pushed (``execute``), so a refused change (a duplicate,
another annotator's span, a version conflict) never lands on the stack. Undo of a delete restores
the same ids, so relations and later commands keep pointing at the right spans. A command whose
undo or redo is refused later (someone else changed the data) reports why and leaves the stack.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from contextlib import AbstractContextManager
from dataclasses import dataclass
from typing import Protocol

from annotator.errors import AnnotatorError
from annotator.model import Annotation, DocStatus, Relation
from annotator.ops.annotations import RelationData, SpanData, create_span, delete_spans, restore, update_span
from annotator.ops.documents import DeletedDocuments, delete_documents, restore_documents, set_status
from annotator.ops.relations import create_relation, delete_relation
from annotator.queries import RelationRow, SpanTuple
from annotator.store import Tx
from ui.article.index import END, ID, LABEL, START, VERSION
from ui.project import ProjectContext
from ui.qt import QUndoCommand, QUndoStack
from ui.session import DocumentSession

RESIZE_ID = 1001


@dataclass(slots=True)
class EditContext:
    """What every command needs: where to write, what to update, and whom to tell."""

    project: ProjectContext
    session: DocumentSession
    report: Callable[[str], None]
    show_document: Callable[[int], None]

    def transaction(self) -> AbstractContextManager[Tx]:
        return self.project.store.transaction(origin=self.session, actor=self.project.actor)


def span_tuple(a: Annotation) -> SpanTuple:
    return (a.start, a.end, a.id, a.label_id, a.annotator_id, a.version)


def relation_row(r: Relation | RelationData) -> RelationRow:
    return RelationRow(r.id, r.source_id, r.target_id, r.type_id, r.annotator_id)


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
        self._first = True

    def forward(self) -> None:
        raise NotImplementedError

    def backward(self) -> None:
        raise NotImplementedError

    def reveal(self) -> None:
        self.ctx.show_document(self.doc_id)

    def redo(self) -> None:
        if self._first:
            self._first = False
            return
        self._guarded(self.forward)

    def undo(self) -> None:
        self._guarded(self.backward)

    def _guarded(self, step: Callable[[], None]) -> None:
        self.reveal()
        try:
            step()
        except AnnotatorError as exc:
            self.ctx.report(f"{self.text()}: {exc}")
            self.setObsolete(True)


class Command(StepCommand):
    """Base of the annotating commands."""

    def __init__(self, ctx: EditContext, doc_id: int, text: str) -> None:
        super().__init__(doc_id, text)
        self.ctx: EditContext = ctx

    @property
    def live(self) -> bool:
        """Whether the command's document is the one on screen (else only the database changes)."""
        return self.ctx.session.doc_id == self.doc_id

    def reveal(self) -> None:
        if not self.live:
            self.ctx.show_document(self.doc_id)


def execute(stack: QUndoStack, command: Command) -> bool:
    """Do the command's first step; push it only when that succeeded."""
    try:
        command.forward()
    except AnnotatorError as exc:
        command.ctx.report(str(exc))
        return False
    stack.push(command)
    return True


class CreateSpans(Command):
    """One span from a selection, or many at once ("label all occurrences")."""

    def __init__(
        self, ctx: EditContext, doc_id: int, ranges: Sequence[tuple[int, int]], label_id: int, text: str
    ):
        super().__init__(ctx, doc_id, text)
        self.ranges = list(ranges)
        self.label_id = label_id
        self.ids: list[int] = []
        self._gone: tuple[list[SpanData], list[RelationData]] = ([], [])

    def forward(self) -> None:
        session = self.ctx.session
        if not self.ids:
            start_work = self.live and session.doc is not None and session.doc.status == DocStatus.NEW.value
            with self.ctx.transaction() as tx:
                made = [
                    create_span(tx, self.doc_id, s, e, self.label_id, self.ctx.project.annotator_id)
                    for s, e in self.ranges
                ]
                if start_work:
                    set_status(tx, [self.doc_id], DocStatus.IN_PROGRESS)
            self.ids = [a.id for a in made]
            if start_work:
                session.set_status(DocStatus.IN_PROGRESS.value)
            if self.live:
                session.apply(added=[span_tuple(a) for a in made])
            return
        with self.ctx.transaction() as tx:
            restore(tx, *self._gone)
        if self.live:
            session.apply(added=session.fetch(self.ids))
            session.apply_relations(added=[relation_row(r) for r in self._gone[1]])

    def backward(self) -> None:
        with self.ctx.transaction() as tx:
            self._gone = delete_spans(tx, self.ids)
        if self.live:
            self.ctx.session.apply(removed=self.ids)


class DeleteSpans(Command):
    def __init__(self, ctx: EditContext, doc_id: int, ids: Sequence[int], text: str = "Delete span") -> None:
        super().__init__(ctx, doc_id, text)
        self.ids = list(ids)
        self._gone: tuple[list[SpanData], list[RelationData]] = ([], [])

    def forward(self) -> None:
        with self.ctx.transaction() as tx:
            self._gone = delete_spans(tx, self.ids)
        if self.live:
            self.ctx.session.apply(removed=self.ids)

    def backward(self) -> None:
        with self.ctx.transaction() as tx:
            restore(tx, *self._gone)
        session = self.ctx.session
        if self.live:
            session.apply(added=session.fetch(self.ids))
            session.apply_relations(added=[relation_row(r) for r in self._gone[1]])
            if len(self.ids) == 1:
                session.select(self.ids[0])


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
        self.before = (span[START], span[END], span[LABEL])
        self.after = (
            span[START] if start is None else start,
            span[END] if end is None else end,
            span[LABEL] if label_id is None else label_id,
        )
        self.resize = label_id is None

    def _set(self, values: tuple[int, int, int]) -> None:
        session = self.ctx.session
        current = session.span(self.span_id) if self.live else None
        version = current[VERSION] if current is not None else None
        with self.ctx.transaction() as tx:
            changed = update_span(
                tx, self.span_id, start=values[0], end=values[1], label_id=values[2], expected_version=version
            )
            new = span_tuple(changed)
        if self.live:
            session.apply(removed=[self.span_id], added=[new])
            session.select(self.span_id)

    def forward(self) -> None:
        self._set(self.after)

    def backward(self) -> None:
        self._set(self.before)

    def id(self) -> int:
        return RESIZE_ID if self.resize else -1

    def mergeWith(self, other: QUndoCommand) -> bool:
        if not isinstance(other, UpdateSpan) or other.span_id != self.span_id or not other.resize:
            return False
        self.after = other.after
        return True


class CreateRelation(Command):
    def __init__(self, ctx: EditContext, doc_id: int, source: int, target: int, type_id: int, text: str):
        super().__init__(ctx, doc_id, text)
        self.args = (source, target, type_id)
        self.relation_id: int | None = None
        self.data: RelationData | None = None

    def forward(self) -> None:
        with self.ctx.transaction() as tx:
            if self.data is None:
                row = relation_row(create_relation(tx, *self.args, self.ctx.project.annotator_id))
            else:
                restore(tx, [], [self.data])
                row = relation_row(self.data)
        self.relation_id = row.id
        if self.live:
            self.ctx.session.apply_relations(added=[row])

    def backward(self) -> None:
        assert self.relation_id is not None
        with self.ctx.transaction() as tx:
            self.data = delete_relation(tx, self.relation_id)
        if self.live:
            self.ctx.session.apply_relations(removed=[self.relation_id])


class DeleteRelation(Command):
    def __init__(
        self, ctx: EditContext, doc_id: int, relation_id: int, text: str = "Delete relation"
    ) -> None:
        super().__init__(ctx, doc_id, text)
        self.relation_id = relation_id
        self.data: RelationData | None = None

    def forward(self) -> None:
        with self.ctx.transaction() as tx:
            self.data = delete_relation(tx, self.relation_id)
        if self.live:
            self.ctx.session.apply_relations(removed=[self.relation_id])

    def backward(self) -> None:
        assert self.data is not None
        with self.ctx.transaction() as tx:
            restore(tx, [], [self.data])
        if self.live:
            self.ctx.session.apply_relations(added=[relation_row(self.data)])


class DeleteDocuments(Command):
    """Delete documents with everything on them; undo puts them back with the same ids.

    ``after`` is the document to show when the open one goes (its neighbour in the list).
    """

    def __init__(self, ctx: EditContext, ids: Sequence[int], after: int | None) -> None:
        n = len(ids)
        super().__init__(ctx, ids[0], "Delete document" if n == 1 else f"Delete {n} documents")
        self.ids = list(ids)
        self.after = after
        self.deleted: DeletedDocuments | None = None

    def reveal(self) -> None:
        """Nothing to show before the step (the documents may be gone)."""

    def forward(self) -> None:
        with self.ctx.transaction() as tx:
            self.deleted = delete_documents(tx, self.ids)
        if self.ctx.session.doc_id in self.ids:
            if self.after is None:
                self.ctx.session.load(None)
            else:
                self.ctx.show_document(self.after)
        self.ctx.report(f"{self.deleted.summary().capitalize()}; Ctrl+Z brings them back.")

    def backward(self) -> None:
        assert self.deleted is not None
        with self.ctx.transaction() as tx:
            restore_documents(tx, self.deleted)
        self.ctx.show_document(self.ids[0])
        self.ctx.report(f"Restored {len(self.ids)} document(s).")

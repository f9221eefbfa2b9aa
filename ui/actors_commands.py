"""The actor registry's edits as steps of the window's undo stack.

Each edit is a core operation of ``annotator.actors`` run inside the core log's ``actor_step``
(the same step ``annotator actors …`` records), pushed through the one ``execute()`` of
``ui/commands.py``: Ctrl+Z takes it back, ``annotator undo`` sees the same step. An edit made
from the article (a link, a new actor, the same name elsewhere) brings the open document up to
date from the step's rows at once; a registry edit from the dock (rename, merge, split, import)
reaches every view through the change bus.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from annotator import actors as ops
from annotator import undo as undo_log
from annotator.actors_steps import actor_step
from annotator.ops.annotations import create_span
from annotator.store import Tx
from annotator.undo import Step
from ui.commands import EditContext, StepCommand
from ui.step_rows import show_step

Edit = Callable[[Tx], Any]


class ActorCommand(StepCommand):
    """One registry edit: ``edit`` runs once inside ``actor_step``; undo and redo move the step.

    ``in_document``: the edit was made in the open document (the article follows from the step's
    rows, no re-read); otherwise the views follow the change bus.
    """

    ctx: EditContext

    def __init__(
        self,
        ctx: EditContext,
        doc_id: int,
        text: str,
        edit: Edit,
        *,
        actors: Sequence[int] = (),
        spans: Sequence[int] = (),
        in_document: bool = True,
    ) -> None:
        super().__init__(doc_id, text)
        self.ctx = ctx
        self.edit = edit
        self.actors, self.spans = list(actors), list(spans)
        self.in_document = in_document
        self.result: Any = None

    def reveal(self) -> None:
        if self.in_document and self.ctx.session.doc_id != self.doc_id:
            self.ctx.show_document(self.doc_id)

    def _transaction(self) -> Any:
        project = self.ctx.project
        origin = self.ctx.session if self.in_document else self
        return project.store.transaction(origin=origin, actor=project.actor)

    def forward(self) -> None:
        who = self.ctx.project.annotator_id
        if self.step_id is None:
            with (
                self._transaction() as tx,
                actor_step(tx, self.text(), actors=self.actors, spans=self.spans, annotator_id=who) as step,
            ):
                self.result = self.edit(tx)
            self.step_id = step.id
        else:
            with self._transaction() as tx:
                step = undo_log.redo(tx, who, self.step_id)
        self._show(step, undo=False)

    def backward(self) -> None:
        assert self.step_id is not None
        with self._transaction() as tx:
            step = undo_log.undo(tx, self.ctx.project.annotator_id, self.step_id)
        self._show(step, undo=True)

    def _show(self, step: Step, undo: bool) -> None:
        if self.in_document and self.ctx.session.doc_id == self.doc_id:
            show_step(self.ctx.session, step, undo)


class LinkActors(ActorCommand):
    """Point mentions at an actor; ``ranges`` are unlabelled occurrences labelled (``label_id``)
    and linked in the same step ("the same name elsewhere")."""

    def __init__(
        self,
        ctx: EditContext,
        doc_id: int,
        span_ids: Sequence[int],
        actor_id: int | None,
        text: str,
        *,
        ranges: Sequence[tuple[int, int]] = (),
        label_id: int | None = None,
    ) -> None:
        self.span_ids, self.actor_id, self.ranges, self.label_id = (
            list(span_ids),
            actor_id,
            list(ranges),
            label_id,
        )
        super().__init__(ctx, doc_id, text, self._link, spans=span_ids)

    def _link(self, tx: Tx) -> list[int]:
        who = self.ctx.project.annotator_id
        ids = list(self.span_ids)
        if self.ranges and self.label_id is not None:
            ids += [create_span(tx, self.doc_id, s, e, self.label_id, who).id for s, e in self.ranges]
        if self.actor_id is None:
            for span_id in ids:
                ops.link_span(tx, span_id, None)
            return ids
        return ops.link_many(tx, self.actor_id, ids)


class NewActor(ActorCommand):
    """ "New actor" from a mention, in one key: the actor, and the mention pointing to it."""

    def __init__(self, ctx: EditContext, doc_id: int, span_id: int, name: str) -> None:
        self.actor_id: int | None = None
        project_id = ctx.project.id

        def make(tx: Tx) -> int:
            actor = ops.add_actor(tx, project_id, name)
            ops.link_many(tx, actor.id, [span_id])
            self.actor_id = actor.id
            return actor.id

        super().__init__(ctx, doc_id, f"New actor {name}", make, spans=[span_id])

"""Accepting and rejecting suggestions as undo commands over the core's steps (ui/commands.py)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

from annotator.model import DocStatus
from annotator.ops.documents import set_status
from annotator.store import Tx
from annotator.suggest.decide import accept, reject
from annotator.undo import Step
from ui.commands import Command, EditContext


class DecideSuggestions(Command):
    """One accept or reject of span and relation suggestions in the open document; its undo takes
    back the spans it made and the decisions, so the suggestions show again."""

    def __init__(
        self,
        ctx: EditContext,
        doc_id: int,
        refresh: Callable[[], None],
        spans: Sequence[int],
        relations: Sequence[int],
        accepting: bool,
        text: str,
    ) -> None:
        super().__init__(ctx, doc_id, text)
        self.refresh = refresh  # re-reads the document's suggestions (ui.suggest_layer)
        self.spans, self.relations = list(spans), list(relations)
        self.accepting = accepting

    def perform(self, tx: Tx) -> None:
        project = self.ctx.project
        run = accept if self.accepting else reject
        result = run(tx, project.id, self.spans, self.relations, project.annotator_id)
        doc = self.ctx.session.doc
        if result.spans and self.live and doc is not None and doc.status == DocStatus.NEW.value:
            set_status(tx, [self.doc_id], DocStatus.IN_PROGRESS)

    def show(self, step: Step, undo: bool) -> None:
        super().show(step, undo)
        if self.live:
            self.refresh()

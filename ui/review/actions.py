"""What the reviewer can do in the review view, each as one undoable command (``ui.review.commands``).

Accept one annotator's version, accept several (ticked), reject (spans or a relation), accept all
agreed spans, set the review status, and edit gold spans (draw, relabel, resize, delete). Only reviewers adjudicate:
the view says so and does nothing for others, and the core refuses anyway.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from annotator.queries import SpanTuple
from annotator.review.compare import Kind, Unit
from annotator.review.curation import Curation, State, Version
from annotator.review.gold import (
    Overlap,
    accept_agreed,
    accept_relations,
    accept_spans,
    reject,
    reject_relation,
    set_review_status,
)
from annotator.review.gold_edit import delete_gold_spans, edit_gold_span, link_gold, retype_gold, unlink_gold
from annotator.review.state import create_gold_span
from annotator.store import Tx
from ui.article.index import END, ID, LABEL, START, VERSION
from ui.review.commands import Action, ReviewCommand, ReviewContext, execute
from ui.review.units import clip

if TYPE_CHECKING:
    from annotator.queries import DocumentView
    from ui.project import ProjectContext
    from ui.qt import QUndoStack
    from ui.review.panes import ReviewPane
    from ui.review.units import UnitPanel


class ReviewActions:
    """Mixed into the review view; reads its current unit, selection and curation."""

    if TYPE_CHECKING:
        project: ProjectContext | None
        doc: DocumentView | None
        curation: Curation | None
        current: Unit | None
        stack: QUndoStack
        panes: list[ReviewPane]
        unit_panel: UnitPanel
        message: Any  # the view's Signal(str)

        @property
        def can_adjudicate(self) -> bool: ...

        def refresh(self, doc_id: int) -> None: ...

        def show_document(self, doc_id: int) -> None: ...

        def select_gold(self, span_id: int) -> None: ...

    def _context(self) -> ReviewContext | None:
        if self.project is None or self.doc is None:
            return None
        if not self.can_adjudicate:
            self.message.emit(
                f"{self.project.actor.name} is not a reviewer: only reviewers adjudicate "
                "(Review ▸ Annotators and roles…)"
            )
            return None
        return ReviewContext(self.project, self, self.message.emit, self.refresh, self.show_document)

    def run(self, text: str, action: Action) -> ReviewCommand | None:
        """One adjudication as one undo step, pushed when it changed something.

        No role check here: the core refuses non-reviewers whatever the view shows.
        """
        if self.project is None or self.doc is None:
            return None
        ctx = ReviewContext(self.project, self, self.message.emit, self.refresh, self.show_document)
        command = ReviewCommand(ctx, self.doc.id, text, action)
        return command if execute(self.stack, command) else None

    def _do(self, text: str, action: Action) -> ReviewCommand | None:
        return self.run(text, action) if self._context() is not None else None

    # --- which versions an action is about -------------------------------------------------------

    def _selected_version(self) -> tuple[Unit, Version] | None:
        """The version of the span selected in an annotator's pane, if any."""
        cur = self.curation
        if cur is None:
            return None
        for pane in self.panes:
            span_id = pane.session.selected
            unit = cur.unit_of_span(span_id) if span_id is not None else None
            if unit is not None:
                version = next((v for v in cur.versions(unit) if span_id in v.span_ids), None)
                if version is not None:
                    return unit, version
        return None

    def _chosen_versions(self) -> list[Version]:
        unit = self.current
        if unit is None or self.curation is None:
            return []
        ticked = self.unit_panel.ticked() if self.unit_panel.unit is unit else []
        if ticked:
            return ticked
        picked = self._selected_version()
        if picked is not None and picked[0] is unit:
            return [picked[1]]
        versions = self.curation.versions(unit)
        return versions if len(versions) == 1 else []

    def _describe(self, versions: list[Version]) -> str:
        text = self.doc.text if self.doc else ""
        return ", ".join(f"{v.label} “{clip(text[v.start : v.end], 30)}”" for v in versions)

    # --- adjudication ----------------------------------------------------------------------------

    def accept_current(self) -> None:
        """Enter: the ticked versions, else the selected span's, else the only one."""
        if self._context() is None:
            return
        unit = self.current
        if unit is None:
            picked = self._selected_version()
            if picked is None:
                self.message.emit("Choose a disagreement first (F8), or click a span in an annotator's pane")
                return
            unit = picked[0]
            versions = [picked[1]]
        elif unit.links:
            links = [link.id for link in unit.links]
            self._do(f"Accept relation {unit.links[0].type}", lambda tx: accept_relations(tx, links))
            return
        else:
            versions = self._chosen_versions()
        if not versions:
            self.message.emit("Tick the versions to accept, or press 1–9 for one annotator's version")
            return
        ids = [i for v in versions for i in v.span_ids]
        # Several ticked readings all go in; one reading takes the place of gold's reading there.
        overlap = Overlap.KEEP if len(versions) > 1 else Overlap.REPLACE
        self._do(f"Accept {self._describe(versions)}", lambda tx: accept_spans(tx, ids, overlap=overlap))

    def accept_annotator(self, n: int) -> None:
        """1–9: the n-th pane's annotator's version of the current unit, instead of the others."""
        cur, unit = self.curation, self.current
        if self._context() is None or cur is None:
            return
        if unit is None or not (0 <= n < len(cur.annotators)):
            self.message.emit("Choose a disagreement first (F8), then 1–9 for an annotator's version")
            return
        name = cur.annotators[n].name
        if unit.links:
            links = [link.id for link in unit.links if link.annotator == name]
            if not links:
                self.message.emit(f"{name} has no relation here")
                return
            self._do(f"Accept {name}'s relation", lambda tx: accept_relations(tx, links))
            return
        versions = cur.versions(unit)
        mine = [v for v in versions if name in v.annotators]
        if not mine:
            self.message.emit(f"{name} has no span here; X rejects the others")
            return
        ids = [i for v in mine for i in v.span_ids]
        if unit.kind == Kind.ATTRIBUTES:  # their values, not a teammate's: only their own span
            ids = [m.id for m in unit.marks if m.annotator == name]
        others = [v for v in versions if v not in mine and v.state == State.ACCEPTED]
        gold_ids = [
            g[ID]
            for g in cur.gold
            for v in others
            if (g[START], g[END], g[LABEL]) == (v.start, v.end, v.label_id)
        ]

        self._do(
            f"Accept {name}'s version: {self._describe(mine)}",
            lambda tx: accept_spans(tx, ids, instead_of=gold_ids),
        )

    def reject_current(self) -> None:
        """X: the ticked versions, else the selected span's, else every version of the unit; on a
        relation disagreement, the relation."""
        unit, cur = self.current, self.curation
        if self._context() is None or self.doc is None or cur is None:
            return
        if unit is None:
            self.message.emit("Choose a disagreement first (F8)")
            return
        doc = self.doc.id
        if unit.links:
            source, target, kind = cur.link_key(unit.links[0])
            type_id = cur.type_ids[kind]
            self._do(f"Reject relation {kind}", lambda tx: reject_relation(tx, doc, type_id, source, target))
            return
        versions = self._chosen_versions() or cur.versions(unit)

        def action(tx: Tx) -> object:
            return [reject(tx, doc, v.label_id, v.start, v.end) for v in versions]

        self._do(f"Reject {self._describe(versions)}", action)

    def accept_agreed(self) -> None:
        cur = self.curation
        if self._context() is None or cur is None or self.doc is None:
            return
        people = [a.id for a in cur.annotators]
        if len(people) < 2:
            self.message.emit("Choose at least two annotators to accept what they agree on")
            return
        doc = self.doc.id
        self._do("Accept all agreed spans", lambda tx: accept_agreed(tx, doc, people))

    def finish_document(self) -> None:
        """Nothing open: accept what everyone agreed on (where gold has nothing) and mark the
        document adjudicated, as one undo step."""
        cur = self.curation
        if self._context() is None or cur is None or self.doc is None:
            return
        doc, people = self.doc.id, [a.id for a in cur.annotators]

        def action(tx: Tx) -> object:
            if len(people) > 1:
                accept_agreed(tx, doc, people)
            return set_review_status(tx, [doc], "adjudicated")

        self._do("Mark document adjudicated", action)

    def set_status(self, status: str) -> None:
        if self._context() is None or self.doc is None:
            self.refresh(self.doc.id if self.doc else 0)  # put the status box back
            return
        doc = self.doc.id
        if self._do(f"Mark document {status}", lambda tx: set_review_status(tx, [doc], status)) is None:
            self.refresh(doc)

    # --- editing gold ----------------------------------------------------------------------------

    def create_gold(self, start: int, end: int, label_id: int) -> None:
        if self.doc is None:
            return
        doc = self.doc.id
        command = self._do("Add gold span", lambda tx: create_gold_span(tx, doc, start, end, label_id))
        if command is not None and isinstance(command.result, int):
            self.select_gold(command.result)

    def relabel_gold(self, span: SpanTuple, label_id: int) -> None:
        version = span[VERSION]
        self._do(
            "Relabel gold span",
            lambda tx: edit_gold_span(tx, span[ID], label_id=label_id, expected_version=version),
        )

    def resize_gold(self, span: SpanTuple, start: int, end: int) -> None:
        version = span[VERSION]
        self._do(
            "Resize gold span",
            lambda tx: edit_gold_span(tx, span[ID], start=start, end=end, expected_version=version),
        )

    def delete_gold(self, span: SpanTuple) -> None:
        self._do("Delete gold span", lambda tx: delete_gold_spans(tx, [span[ID]]))

    # --- gold relations --------------------------------------------------------------------------

    def link_gold_spans(self, source: int, target: int, type_id: int, name: str) -> None:
        if self._do(f"Link gold spans ({name})", lambda tx: link_gold(tx, source, target, type_id)):
            self.select_gold(source)

    def retype_gold_relation(self, relation_id: int, type_id: int) -> None:
        self._do("Change gold relation type", lambda tx: retype_gold(tx, relation_id, type_id))

    def delete_gold_relation(self, relation_id: int) -> None:
        self._do("Delete gold relation", lambda tx: unlink_gold(tx, relation_id))

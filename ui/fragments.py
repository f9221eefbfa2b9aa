"""Undo commands for multi-part spans (annotator.fragments): a span made of several parts, and a
part added to the selected span. Each runs one core operation inside the core undo log, like
every command of ui/commands.py, so Ctrl+Z, ``annotator undo`` and the audit log all see it."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING, Protocol

from annotator.fragments import merge_touching
from annotator.fragments_ops import add_fragment, remove_fragment
from annotator.model import DocStatus
from annotator.ops.annotations import create_span
from annotator.ops.documents import set_status
from annotator.queries import SpanTuple
from annotator.store import Tx
from annotator.undo import Step
from ui.article.index import ID, LABEL, VERSION
from ui.commands import Command, EditContext, execute

if TYPE_CHECKING:
    from ui.article.view import ArticleView
    from ui.qt import QUndoStack, SignalInstance
    from ui.session import DocumentSession


class AnnotationController(Protocol):
    """What these functions need of ui.annotate's controller (which calls them)."""

    view: ArticleView
    session: DocumentSession
    stack: QUndoStack
    snap: bool
    message: SignalInstance

    def _ctx(self) -> EditContext | None: ...

    def _label_name(self, label_id: int) -> str: ...


class CreatePartsSpan(Command):
    """One span of several parts (a quote interrupted by "he said"), from the parts gathered by
    Ctrl+drag; the first span on a new document also starts its work, as for any label."""

    def __init__(
        self, ctx: EditContext, doc_id: int, parts: Sequence[tuple[int, int]], label_id: int, text: str
    ) -> None:
        super().__init__(ctx, doc_id, text)
        self.parts = [list(p) for p in parts]
        self.label_id = label_id
        self.span_id: int | None = None

    def perform(self, tx: Tx) -> None:
        doc = self.ctx.session.doc
        who = self.ctx.project.annotator_id
        span = create_span(tx, self.doc_id, 0, 0, self.label_id, who, fragments=self.parts)
        if self.live and doc is not None and doc.status == DocStatus.NEW.value:
            set_status(tx, [self.doc_id], DocStatus.IN_PROGRESS)
        self.span_id = span.id

    def unsaved(self) -> list[SpanTuple]:
        return [(a, b, -1, self.label_id, self.ctx.project.annotator_id, 0) for a, b in self.parts]


class ChangeParts(Command):
    """Add a part to a span (``part`` given) or take its ``index``-th part away."""

    def __init__(
        self,
        ctx: EditContext,
        doc_id: int,
        span: SpanTuple,
        *,
        part: tuple[int, int] | None = None,
        index: int | None = None,
        text: str,
    ) -> None:
        super().__init__(ctx, doc_id, text)
        self.span_id = span[ID]
        self.version = span[VERSION]  # as the user saw it: a teammate's change meanwhile is refused
        self.part, self.index = part, index

    def spans_named(self) -> tuple[int, ...]:
        return (self.span_id,)

    def perform(self, tx: Tx) -> None:
        if self.part is not None:
            add_fragment(tx, self.span_id, *self.part, expected_version=self.version)
        elif self.index is not None:
            remove_fragment(tx, self.span_id, self.index, expected_version=self.version)

    def show(self, step: Step, undo: bool) -> None:
        super().show(step, undo)
        if self.live:
            self.ctx.session.select(self.span_id)


# --- what the article's keys and Ctrl+drag do (the annotation controller calls these) -----------


def _snapped(controller: AnnotationController, label_id: int | None) -> tuple[int, int] | None:
    selection = controller.view.selection_cp()
    if selection is None:
        return None
    name = controller._label_name(label_id) if label_id is not None else ""
    start, end = controller.session.settings.snap(
        controller.session.text, *selection, name, words=controller.snap
    )
    return (start, end) if start < end else None


def add_part(controller: AnnotationController) -> bool:
    """The selected text as one more part: of the selected span, or (none selected) of the span
    the next label key makes, gathered meanwhile and drawn dashed."""
    ctx = controller._ctx()
    if ctx is None:
        return False
    span = controller.session.span(controller.session.selected)
    part = _snapped(controller, span[LABEL] if span is not None else None)
    if part is None:
        controller.message.emit("Select the text of the part first (Ctrl+drag, or Shift+arrows then Alt+P)")
        return True
    view = controller.view
    if span is not None:
        name = controller._label_name(span[LABEL])
        execute(
            controller.stack,
            ChangeParts(ctx, ctx.session.doc_id or 0, span, part=part, text=f"Add part to {name}"),
        )
        view.place_caret(part[1])
        return True
    view.parts.gathering = merge_touching([*view.parts.gathering, part])
    view.place_caret(part[1])
    view.viewport().update()
    count = len(view.parts.gathering)
    controller.message.emit(
        f"{count} part(s) gathered: Ctrl+drag the next, then press the label's key (Esc drops them)"
    )
    return True


def remove_part(controller: AnnotationController) -> bool:
    ctx = controller._ctx()
    span = controller.session.span(controller.session.selected)
    if ctx is None or span is None:
        return False
    parts = controller.view.parts.of(span)
    caret = controller.view.caret_cp()
    index = next((i for i, (a, b) in enumerate(parts) if a <= caret < b), None)
    if len(parts) < 2 or index is None:
        controller.message.emit("Put the caret in a part of a multi-part span to take that part out")
        return True
    name = controller._label_name(span[LABEL])
    execute(
        controller.stack,
        ChangeParts(ctx, ctx.session.doc_id or 0, span, index=index, text=f"Remove part of {name}"),
    )
    return True


def label_gathered(
    controller: AnnotationController, ctx: EditContext, label_id: int, selection: tuple[int, int] | None
) -> None:
    """The label key after Ctrl+drags: one span of the gathered parts (and the selection)."""
    view = controller.view
    parts = list(view.parts.gathering)
    if selection is not None and (part := _snapped(controller, label_id)) is not None:
        parts = merge_touching([*parts, part])
    view.parts.gathering = []
    name = controller._label_name(label_id)
    command = CreatePartsSpan(
        ctx, ctx.session.doc_id or 0, parts, label_id, f"Label {name} ({len(parts)} parts)"
    )
    if execute(controller.stack, command) and command.span_id is not None:
        view.place_caret(parts[-1][1])
        controller.session.select(command.span_id)
        controller.message.emit(f"Labelled {name} in {len(parts)} parts (Ctrl+drag adds another)")
    view.viewport().update()

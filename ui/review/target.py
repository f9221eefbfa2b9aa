"""What the review keys ask of the review view, as a Protocol: the key handlers get this narrow
collaborator instead of importing the whole view (which imports them to install them)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from annotator.queries import SpanTuple
    from ui.project import ProjectContext
    from ui.qt import SignalInstance
    from ui.review.panes import ReviewPaneView


class ReviewTarget(Protocol):
    """The review view as its panes' keys and clicks see it."""

    project: ProjectContext | None

    @property
    def message(self) -> SignalInstance: ...

    def walk(self, step: int) -> None: ...

    def accept_current(self) -> None: ...

    def accept_annotator(self, n: int) -> None: ...

    def reject_current(self) -> None: ...

    def span_clicked(self, view: ReviewPaneView, span_id: int) -> None: ...

    def gold_sources(self, span_id: int) -> tuple[str, ...]: ...

    def create_gold(self, start: int, end: int, label_id: int) -> None: ...

    def relabel_gold(self, span: SpanTuple, label_id: int) -> None: ...

    def resize_gold(self, span: SpanTuple, start: int, end: int) -> None: ...

    def delete_gold(self, span: SpanTuple) -> None: ...

    def link_gold_spans(self, source: int, target: int, type_id: int, name: str) -> None: ...

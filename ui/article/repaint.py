"""Repainting only what an edit changed: the paragraphs of its spans and the selected span's.

A full repaint of the article costs its whole screen of text and overlay on every keystroke.
Everything a span edit changes on screen lies inside the paragraphs (text blocks) of the spans
it added or removed, and a selection change inside those of the spans outlined before and
after, except for what reaches further: arrows to related spans and the lines joining a
multi-part span's parts. Spans with either get the full repaint, as before; a change of
relations repaints everything anyway (the view listens to relationsChanged).
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TYPE_CHECKING, Protocol

from ui.article.index import END, ID, START
from ui.qt import QRect, QTextDocument, QWidget

if TYPE_CHECKING:
    from annotator.queries import SpanTuple
    from ui.article.parts import SpanParts
    from ui.session import DocumentSession, SpanDelta


class _Slider(Protocol):
    def value(self) -> int: ...


class Painted(Protocol):
    """The article view as seen here (the view imports this module, not the other way)."""

    session: DocumentSession
    parts: SpanParts

    def viewport(self) -> QWidget: ...

    def document(self) -> QTextDocument: ...

    def verticalScrollBar(self) -> _Slider: ...


MARGIN = 8  # px above and below a paragraph: outlines and stacked underlines reach past its lines


class Regions:
    """What the view repaints after span and selection changes (see the module's docstring)."""

    def __init__(self, view: Painted) -> None:
        self.view = view
        self.outlined: SpanTuple | None = None  # the selected span as last drawn
        view.session.reset.connect(self.forget)

    @property
    def partial(self) -> bool:
        """Off where a view draws more than the article's overlay (the review panes)."""
        return bool(getattr(self.view, "partial_repaints", True))

    def far_reaching(self, spans: Iterable[SpanTuple]) -> bool:
        """Whether any of these is drawn outside its own paragraphs (ask before parts change)."""
        session, parts = self.view.session, self.view.parts.by_span
        return any(session.relations.count(s[ID]) or s[ID] in parts for s in spans)

    def spans_changed(self, delta: SpanDelta, far: bool) -> None:
        outlined = self.outlined
        if outlined is not None:  # resized or relabelled: its outline is drawn where it is now
            self.outlined = self.view.session.span(outlined[ID]) or outlined
        if far or not self.partial:
            self.view.viewport().update()
        else:
            self._update(delta.blocks)

    def selection_changed(self, span_id: object) -> None:
        session = self.view.session
        before = self.outlined
        after = session.span(span_id) if isinstance(span_id, int) else None
        self.outlined = after
        spans = [s for s in (before, after) if s is not None]
        if not self.partial or self.far_reaching(spans):
            self.view.viewport().update()
            return
        blocks: set[int] = set()
        for span in spans:
            blocks.update(session.index.blocks_of(span[START], span[END]))
        self._update(blocks)

    def forget(self) -> None:
        """Another document: nothing of the old one is drawn."""
        self.outlined = None

    def _update(self, blocks: Iterable[int]) -> None:
        """Schedule a repaint of these paragraphs' rows of the viewport (nothing when off screen)."""
        view = self.view
        doc, viewport = view.document(), view.viewport()
        if doc is None:
            return
        layout, area = doc.documentLayout(), viewport.rect()
        dy = view.verticalScrollBar().value()
        for n in sorted(blocks):
            block = doc.findBlockByNumber(n)
            # Not laid out yet (Qt lays a long text out lazily after it opens): not on screen,
            # and asking where it lies would make Qt lay out everything up to it.
            if not block.isValid() or block.layout().lineCount() == 0:
                continue
            box = layout.blockBoundingRect(block)
            row = QRect(0, int(box.top()) - dy - MARGIN, area.width(), int(box.height()) + 2 * MARGIN + 1)
            if row.intersects(area):
                viewport.update(row)

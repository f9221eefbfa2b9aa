"""Repainting only what an edit changed: the lines of its spans and of the selected span.

A full repaint of the article costs its whole screen of text and overlay on every keystroke.
Everything a span edit changes on screen lies on the lines of the spans it added or removed
(their tint, the stacked underlines and outlines within their range; the highlighter keeps the
other lines of the paragraph where they were), and a selection change on those of the spans
outlined before and after, except for what reaches further: arrows to related spans and the lines joining a
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

    def to_qt(self, cp: int) -> int: ...


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

    def spans_changed(self, delta: SpanDelta, far: bool, moved: Iterable[int] = ()) -> None:
        """``moved``: blocks whose text moved between their lines (the highlighter's refresh)."""
        outlined = self.outlined
        if outlined is not None:  # resized or relabelled: its outline is drawn where it is now
            self.outlined = self.view.session.span(outlined[ID]) or outlined
        if far or not self.partial:
            self.view.viewport().update()
        else:
            self._update([*delta.added, *delta.removed])
            self._update_blocks(moved)

    def selection_changed(self, span_id: object) -> None:
        session = self.view.session
        before = self.outlined
        after = session.span(span_id) if isinstance(span_id, int) else None
        self.outlined = after
        spans = [s for s in (before, after) if s is not None]
        if not self.partial or self.far_reaching(spans):
            self.view.viewport().update()
            return
        self._update(spans)

    def forget(self) -> None:
        """Another document: nothing of the old one is drawn."""
        self.outlined = None

    def _update_blocks(self, blocks: Iterable[int]) -> None:
        """Schedule a repaint of these blocks' rows, whole."""
        view = self.view
        doc, viewport = view.document(), view.viewport()
        if doc is None:
            return
        layout, dy = doc.documentLayout(), view.verticalScrollBar().value()
        for n in blocks:
            box = layout.blockBoundingRect(doc.findBlockByNumber(n))
            top = int(box.top()) - dy - MARGIN
            row = QRect(0, top, viewport.rect().width(), int(box.height()) + 2 * MARGIN + 1)
            if row.intersects(viewport.rect()):
                viewport.update(row)

    def _update(self, spans: Iterable[SpanTuple]) -> None:
        """Schedule a repaint of the viewport's rows of these spans' lines, each down to the next
        line (nothing when off screen)."""
        view = self.view
        doc, viewport = view.document(), view.viewport()
        if doc is None:
            return
        layout, area = doc.documentLayout(), viewport.rect()
        dy = view.verticalScrollBar().value()
        for span in spans:
            u0, u1 = view.to_qt(span[START]), view.to_qt(span[END])
            for n in view.session.index.blocks_of(span[START], span[END]):
                block = doc.findBlockByNumber(n)
                lines = block.layout() if block.isValid() else None
                # Not laid out yet (Qt lays a long text out lazily after it opens): not on screen,
                # and asking where it lies would make Qt lay out everything up to it.
                if lines is None or lines.lineCount() == 0:
                    continue
                box, at = layout.blockBoundingRect(block), block.position()
                a, b = u0 - at, u1 - at
                for i in range(lines.lineCount()):
                    line = lines.lineAt(i)
                    if line.textStart() + line.textLength() < a or line.textStart() > b:
                        continue  # the span does not touch this line
                    below = lines.lineAt(i + 1).y() if i + 1 < lines.lineCount() else box.height()
                    top = int(box.top() + line.y()) - dy - MARGIN
                    row = QRect(0, top, area.width(), int(below - line.y()) + 2 * MARGIN + 1)
                    if row.intersects(area):
                        viewport.update(row)

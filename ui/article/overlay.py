"""What the highlighter cannot draw: stacked underlines, the selected span, relations, find hits.

Painted over the text after Qt has drawn it, for the blocks inside the paint rectangle only, so
the cost follows what is on screen, not the size of the document. Selection and relation changes
need only a repaint, never a re-highlight.
"""

from __future__ import annotations

import itertools
from bisect import bisect_left
from collections.abc import Sequence
from typing import TYPE_CHECKING

from ui.article.canvas import Canvas, LineCache
from ui.article.index import END, ID, LABEL, START
from ui.comments_marks import paint_marks
from ui.qt import QColor, QFont, QPainter, QPainterPath, QPalette, QPen, QPointF, QRectF, Qt

if TYPE_CHECKING:
    from annotator.queries import SpanTuple

ROW_GAP = 3.5
SUGGESTION_REACH = 2000  # code points: how far before the screen a drawn suggestion may start


def layers(spans: list[SpanTuple], bs: int, be: int) -> list[tuple[int, int, list[SpanTuple]]]:
    """Stretches of a block covered by two or more spans, with the outer ones, inner to outer."""
    spans = sorted(spans)
    points = sorted({max(s[START], bs) for s in spans} | {min(s[END], be) for s in spans})
    out: list[tuple[int, int, list[SpanTuple]]] = []
    active: list[SpanTuple] = []
    i = 0
    for a, b in itertools.pairwise(points):
        while i < len(spans) and spans[i][START] <= a:
            active.append(spans[i])
            i += 1
        active = [s for s in active if s[END] > a]
        if len(active) > 1:
            ordered = sorted(active, key=lambda s: (s[END] - s[START], s[START], s[ID]))
            out.append((a, b, ordered[1:]))
    return out


def paint(view: Canvas, painter: QPainter, clip: QRectF) -> None:
    session = view.session
    index = session.index
    blocks = view.visible_blocks(clip.adjusted(0, -40, 0, 40))
    starts = index.block_starts
    first_cp = starts[blocks.start]
    last_cp = starts[blocks.stop] if blocks.stop < len(starts) else len(session.text)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    cache: LineCache = {}
    _underlines(view, painter, blocks, cache)
    if view.parts.by_span:  # multi-part spans: their parts joined (ui/article/parts.py)
        shown = {s[ID]: s for n in blocks for s in index.block_spans(n)}
        paint_links(view, painter, list(shown.values()), cache)
    if view.parts.gathering:
        outline_parts(view, painter, view.parts.gathering, -1, cache, dashed=True)
    _relation_markers(view, painter, blocks, cache)
    paint_marks(view, painter, blocks, cache)  # comments and flags (ui.comments_marks)
    _find_hits(view, painter, first_cp, last_cp, cache)
    _suggestions(view, painter, first_cp, last_cp, cache)
    pending = session.span(view.pending_source)
    if pending is not None:
        _outline(view, painter, pending, cache, dashed=True)
    for waiting in view.unsaved:
        _outline(view, painter, waiting, cache, dashed=True)
    selected = session.span(session.selected)
    if selected is not None and selected[ID] in view.parts.by_span:
        outline_parts(view, painter, view.parts.by_span[selected[ID]], selected[LABEL], cache)
        _arrows(view, painter, selected[ID], cache)
    elif selected is not None:
        _outline(view, painter, selected, cache)
        _arrows(view, painter, selected[ID], cache)


def _underlines(view: Canvas, painter: QPainter, blocks: range, cache: LineCache) -> None:
    index = view.session.index
    starts = index.block_starts
    text_len = len(view.session.text)
    for n in blocks:
        spans = index.block_spans(n)
        if len(spans) < 2:
            continue
        be = starts[n + 1] if n + 1 < len(starts) else text_len
        for a, b, outers in layers(spans, starts[n], be):
            rects = view.range_rects(a, b, cache)
            for row, span in enumerate(outers):
                pen = QPen(view.stroke_color(span[LABEL]), 2.0)
                pen.setCapStyle(Qt.PenCapStyle.FlatCap)
                painter.setPen(pen)
                for r in rects:
                    y = r.bottom() + 1.5 + row * ROW_GAP
                    painter.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))


def _outline(
    view: Canvas, painter: QPainter, span: SpanTuple, cache: LineCache, dashed: bool = False
) -> None:
    pen = QPen(view.stroke_color(span[LABEL]), 2.0)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for r in view.range_rects(span[START], span[END], cache):
        painter.drawRoundedRect(r.adjusted(-2, -1, 2, 1), 3, 3)


def _relation_markers(view: Canvas, painter: QPainter, blocks: range, cache: LineCache) -> None:
    """A small dot after each span that is linked, in the colour of its relation type."""
    session = view.session
    painter.setPen(Qt.PenStyle.NoPen)
    seen: set[int] = set()
    for n in blocks:
        for span in view.session.index.block_spans(n):
            if span[ID] in seen:
                continue
            seen.add(span[ID])
            outgoing = session.relations.outgoing(span[ID])
            if not outgoing:
                continue
            rects = view.range_rects(span[START], span[END], cache)
            if rects:
                r = rects[-1]
                painter.setBrush(view.relation_color(outgoing[0].type_id))
                painter.drawEllipse(QPointF(r.right() + 1, r.top() + 1), 3.0, 3.0)


def _find_hits(view: Canvas, painter: QPainter, first_cp: int, last_cp: int, cache: LineCache) -> None:
    matches = view.find_matches
    if not matches:
        return
    pen = QPen(view.palette().color(QPalette.ColorRole.Highlight), 1.5)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    i = bisect_left(matches, (first_cp,))
    while i < len(matches) and matches[i][0] <= last_cp:
        for r in view.range_rects(*matches[i], cache):
            painter.drawRect(r.adjusted(-1, 0, 1, 0))
        i += 1


def _suggestions(view: Canvas, painter: QPainter, first_cp: int, last_cp: int, cache: LineCache) -> None:
    """Suggestions: a dashed outline in the label's colour, never a fill (labels are filled);
    only those on screen (a long quote may start up to SUGGESTION_REACH before it)."""
    items = view.suggestions
    if not items:
        return
    painter.setBrush(Qt.BrushStyle.NoBrush)
    i = bisect_left(items, (first_cp - SUGGESTION_REACH,))
    while i < len(items) and items[i][0] <= last_cp:
        start, end, sid, label = items[i]
        i += 1
        if end < first_cp:
            continue
        pen = QPen(view.stroke_color(label), 2.4 if sid == view.suggestion_selected else 1.3)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        for r in view.range_rects(start, end, cache):
            painter.drawRoundedRect(r.adjusted(-1, 0, 1, 0), 2, 2)


def _arrows(view: Canvas, painter: QPainter, span_id: int, cache: LineCache) -> None:
    """Curves from the selected span to the spans it is linked with, named by relation type."""
    session = view.session
    small = QFont(view.font())
    small.setPointSizeF(max(7.0, view.point_size * 0.62))
    painter.setFont(small)
    for rel in session.relations_of_span(span_id):
        source, target = session.span(rel.source_id), session.span(rel.target_id)
        if source is None or target is None:
            continue
        a_rects = view.range_rects(source[START], source[END], cache)
        b_rects = view.range_rects(target[START], target[END], cache)
        if not a_rects or not b_rects:
            continue
        color = view.relation_color(rel.type_id)
        a, b = a_rects[0], b_rects[0]
        p0 = QPointF(a.center().x(), a.top() - 1)
        p1 = QPointF(b.center().x(), b.top() - 1)
        lift = min(60.0, 18.0 + abs(p1.x() - p0.x()) / 8 + abs(p1.y() - p0.y()) / 6)
        top = min(p0.y(), p1.y()) - lift
        path = QPainterPath(p0)
        path.cubicTo(QPointF(p0.x(), top), QPointF(p1.x(), top), p1)
        painter.setPen(QPen(color, 1.6))
        painter.setBrush(Qt.BrushStyle.NoBrush)
        painter.drawPath(path)
        _arrow_head(painter, p1, color)
        name = view.relation_name(rel.type_id)
        mid = path.pointAtPercent(0.5)
        width = painter.fontMetrics().horizontalAdvance(name) + 8
        box = QRectF(mid.x() - width / 2, mid.y() - 8, width, 15)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(view.palette().color(QPalette.ColorRole.Base))
        painter.drawRoundedRect(box, 4, 4)
        painter.setPen(color)
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, name)


def _arrow_head(painter: QPainter, tip: QPointF, color: QColor) -> None:
    path = QPainterPath(tip)
    path.lineTo(tip + QPointF(-4.5, -8))
    path.lineTo(tip + QPointF(4.5, -8))
    path.closeSubpath()
    painter.setPen(Qt.PenStyle.NoPen)
    painter.setBrush(color)
    painter.drawPath(path)


# --- multi-part spans (their parts: ui/article/parts.py) ------------------------------------


def paint_links(view: Canvas, painter: QPainter, spans: Sequence[SpanTuple], cache: LineCache) -> None:
    """A dotted line under the text from each part of a multi-part span to the next."""
    parts = view.parts
    for span in spans:
        found = parts.by_span.get(span[ID])
        if found:
            pen = QPen(view.stroke_color(span[LABEL]), 1.4)
            pen.setStyle(Qt.PenStyle.DotLine)
            _join(view, painter, found, cache, pen)


def outline_parts(
    view: Canvas,
    painter: QPainter,
    found: Sequence[tuple[int, int]],
    label: int,
    cache: LineCache,
    dashed: bool = False,
) -> None:
    """Each part outlined in the label's colour, consecutive parts joined: one span to the eye."""
    pen = QPen(view.stroke_color(label), 2.0)
    if dashed:
        pen.setStyle(Qt.PenStyle.DashLine)
    painter.setPen(pen)
    painter.setBrush(Qt.BrushStyle.NoBrush)
    for a, b in found:
        for r in view.range_rects(a, b, cache):
            painter.drawRoundedRect(r.adjusted(-2, -1, 2, 1), 3, 3)
    _join(view, painter, found, cache, QPen(view.stroke_color(label), 1.2))


def _join(
    view: Canvas, painter: QPainter, found: Sequence[tuple[int, int]], cache: LineCache, pen: QPen
) -> None:
    painter.setPen(pen)
    for (a1, b1), (a2, b2) in itertools.pairwise(found):
        left, right = view.range_rects(a1, b1, cache), view.range_rects(a2, b2, cache)
        if not left or not right:
            continue
        p0 = QPointF(left[-1].right() + 2, left[-1].bottom() + 1)
        p1 = QPointF(right[0].left() - 2, right[0].bottom() + 1)
        if abs(p0.y() - p1.y()) < 1:  # same line: straight under the words between
            painter.drawLine(p0, p1)
        else:  # the next part is on another line: a hook after one part and before the next
            painter.drawLine(p0, QPointF(p0.x() + 8, p0.y()))
            painter.drawLine(QPointF(p1.x() - 8, p1.y()), p1)

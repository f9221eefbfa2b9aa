"""The comment marker in the article: a small flag (a flag for discussion) or a speech bubble (a comment)
above the start of each span with an open thread, painted with the overlay (ui/article/overlay.py).

The view carries ``commented`` (span id → kind), set by ``ui.comments_edit`` from the core.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from ui.article.index import END, ID, START
from ui.qt import QColor, QPainter, QPainterPath, QPointF, Qt

if TYPE_CHECKING:
    from ui.article.canvas import Canvas, LineCache

FLAG = QColor("#D55E00")  # vermilion and blue: told apart with any colour vision
COMMENT = QColor("#0072B2")


def paint_marks(view: Canvas, painter: QPainter, blocks: range, cache: LineCache) -> None:
    marks: dict[int, str] = getattr(view, "commented", {})
    if not marks:
        return
    painter.setPen(Qt.PenStyle.NoPen)
    for n in blocks:
        for span in view.session.index.block_spans(n):
            kind = marks.get(span[ID])
            if kind is None or span[START] < view.session.index.block_starts[n]:
                continue  # a span across blocks is marked once, in its first block
            rects = view.range_rects(span[START], span[END], cache)
            if not rects:
                continue
            r = rects[0]
            at = QPointF(r.left(), r.top())
            if kind == "flag":
                painter.setBrush(FLAG)
                path = QPainterPath(at)
                for corner in (QPointF(0, -7), QPointF(6, -5), QPointF(0, -3)):
                    path.lineTo(at + corner)
                path.closeSubpath()
                painter.drawPath(path)
            else:
                painter.setBrush(COMMENT)  # a small speech bubble: a rounded box with a tail
                bubble = QPainterPath()
                bubble.addRoundedRect(at.x(), at.y() - 9, 8, 6, 1.5, 1.5)
                bubble.moveTo(at + QPointF(1, -4))
                bubble.lineTo(at + QPointF(1, -1))
                bubble.lineTo(at + QPointF(4, -4))
                painter.drawPath(bubble)

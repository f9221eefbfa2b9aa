"""Where the article's blocks and lines are, from what the document layout already knows.

No cursor hit test: ``cursorForPosition`` finds the character under a point, which shapes that
line's text again (with font fallback for CJK, Arabic or emoji, milliseconds a call), while the
blocks on a screen only need the layout's block rectangles. A block's rectangle is exact once Qt
has laid the block out, and asking for it lays out the text up to it, as painting it would.
"""

from __future__ import annotations

from ui.article.canvas import LineCache
from ui.qt import QRectF, QTextBlock, QTextDocument, QTextEdit, QTextLine


def x_of(line: QTextLine, pos: int) -> float:
    """X of a cursor position in a line (PySide returns the x with the adjusted position)."""
    result: object = line.cursorToX(pos)
    return float(result[0] if isinstance(result, tuple) else result)  # type: ignore[arg-type]


class BlockFinder:
    """The block at a height of the document, searched from the last one found.

    A search gallops from its hint (1, 2, 4 … blocks) and then bisects, so it never asks for a
    block more than twice as far as the answer: while Qt still lays a long text out in idle steps,
    it lays out no more than the way there (a bisection over the whole document would lay out
    half of it at the first probe).
    """

    def __init__(self) -> None:
        self.hint = 0

    def at(self, doc: QTextDocument, y: float) -> int:
        """Number of the first block whose bottom is at or below ``y`` (document pixels), the last
        block past the end: the block a hit test finds (a point on a block's bottom edge is in it,
        as Qt's hit test has it), the gap under a paragraph going to the next one."""
        layout = doc.documentLayout()
        count = doc.blockCount()

        def above(n: int) -> bool:  # true for a prefix of the blocks
            return layout.blockBoundingRect(doc.findBlockByNumber(n)).bottom() < y

        hi = min(max(self.hint, 0), count - 1)
        if above(hi):
            lo, step, hi = hi, 1, hi + 1
            while hi < count and above(hi):
                lo, step = hi, step * 2
                hi = lo + step
            hi = min(hi, count)
        else:
            step, lo = 1, hi - 1
            while lo >= 0 and not above(lo):
                hi, step = lo, step * 2
                lo = hi - step
            lo = max(lo, -1)
        while hi - lo > 1:  # above(lo) (or lo is -1), not above(hi) (or hi is past the end)
            mid = (lo + hi) // 2
            if above(mid):
                lo = mid
            else:
                hi = mid
        self.hint = min(hi, count - 1)
        return self.hint


def visible_blocks(view: QTextEdit, finder: BlockFinder, rect: QRectF | None = None) -> range:
    """Blocks from the top to the bottom of ``rect`` (default: the viewport), both edges included."""
    doc = view.document()
    area = rect or QRectF(view.viewport().rect())
    offset = view.verticalScrollBar().value()
    top = int(area.top()) + offset  # whole pixels, as the hit tests this replaces were given
    bottom = max(int(area.top()), int(area.bottom())) + offset
    first = finder.at(doc, top)
    layout = doc.documentLayout()
    block, last = doc.findBlockByNumber(first), first  # a screen's blocks: walked, not searched
    while layout.blockBoundingRect(block).bottom() < bottom and block.next().isValid():
        block, last = block.next(), last + 1
    return range(first, last + 1)


def range_rects(view: QTextEdit, u0: int, u1: int, cache: LineCache) -> list[QRectF]:
    """One rectangle per laid-out line piece of UTF-16 positions ``u0``–``u1`` (viewport
    coordinates); ``cache`` keeps each block's line table for the duration of one paint."""
    doc = view.document()
    rects: list[QRectF] = []
    block = doc.findBlock(u0)
    while block.isValid() and block.position() < u1:
        bpos = block.position()
        entry = cache.get(bpos)
        if entry is None:
            entry = cache[bpos] = _lines(view, block)
        ox, oy, lines = entry
        a, b = max(u0, bpos) - bpos, min(u1, bpos + block.length() - 1) - bpos
        for line, ls, le, y, h in lines:
            if le <= a or ls >= b:
                continue
            x1 = x_of(line, max(a, ls))
            x2 = x_of(line, min(b, le))
            rects.append(QRectF(ox + x1, oy + y, x2 - x1, h))
        block = block.next()
    return rects


def _lines(
    view: QTextEdit, block: QTextBlock
) -> tuple[float, float, list[tuple[QTextLine, int, int, float, float]]]:
    origin = view.document().documentLayout().blockBoundingRect(block).topLeft()
    layout = block.layout()
    lines = []
    for i in range(layout.lineCount()):
        line = layout.lineAt(i)
        ls = line.textStart()
        lines.append((line, ls, ls + line.textLength(), line.y(), line.height()))
    ox = origin.x() - view.horizontalScrollBar().value()
    oy = origin.y() - view.verticalScrollBar().value()
    return ox, oy, lines

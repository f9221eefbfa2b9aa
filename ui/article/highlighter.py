"""Span backgrounds, block by block, from the session's interval index.

Qt calls ``highlightBlock`` per text block; the block's spans come from the index in O(1), so the
cost of a change is the cost of its own blocks. Overlapping spans are told apart by giving each
stretch of text the background of its innermost (shortest) span; the outer layers are drawn as
stacked underlines by the view's overlay.

Highlighting is lazy: only blocks marked ready get formats, and a block becomes ready when it
is about to be painted (the first screenful before the text is even set, the rest as it scrolls
into view). In a QTextEdit every re-highlighted block costs a re-layout, so formatting blocks
nobody looks at would cost seconds of CPU on a long document; this costs what is on screen.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator
from contextlib import contextmanager
from enum import IntEnum

from annotator.queries import SpanTuple
from ui.article.index import END, LABEL, START
from ui.article.parts import SpanParts
from ui.qt import (
    SIGNAL,
    SLOT,
    QObject,
    QPointF,
    QSyntaxHighlighter,
    QTextBlock,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextLayout,
)
from ui.session import HEAD_CHARS, DocumentSession

# QSyntaxHighlighter re-formats the blocks of every contentsChange through this private slot.
CHANGED, REFORMAT = SIGNAL("contentsChange(int,int,int)"), SLOT("_q_reformatBlocks(int,int,int)")


class SpanHighlighter(QSyntaxHighlighter):
    """One per loaded article, owned by its QTextDocument.

    A fresh highlighter dies with its document; moving one highlighter to a new document would
    first clear the formats of every block of the old one, which costs more than the whole load.
    """

    def __init__(
        self,
        session: DocumentSession,
        formats: dict[int, QTextCharFormat],
        doc: QTextDocument,
        parts: SpanParts | None = None,
    ) -> None:
        super().__init__(doc)
        self._session = session
        self._parts = parts  # multi-part spans: only their parts are tinted
        self._formats = formats
        self._ready = bytearray()

    # --- formats ------------------------------------------------------------------------------

    def set_formats(self, formats: dict[int, QTextCharFormat]) -> None:
        self._formats = formats

    # --- lazy readiness -----------------------------------------------------------------------

    def prime(self, chars: int) -> None:
        """Mark the blocks of the first ``chars`` characters ready, before the text goes in; they
        get their formats before the document is laid out (``format_primed``)."""
        index = self._session.index
        self._ready = bytearray(index.block_count)
        starts = index.block_starts
        n = 0
        while n < len(starts) and starts[n] < chars:
            self._ready[n] = 1
            n += 1

    def format_primed(self) -> None:
        """Give the primed blocks their formats while the document has no layout yet: nothing is
        laid out twice, and the layout's first pass then needs no highlighter (``unhooked``)."""
        index = self._session.index
        for n, ready in enumerate(self._ready):
            if not ready:
                break  # primed blocks are the first ones
            if index.block_spans(n):
                self._rehighlight_number(n)

    @contextmanager
    def unhooked(self) -> Iterator[None]:
        """Not called for the document's changes meanwhile.

        A document that gets its layout announces all of its text as changed once (QTextEdit.
        setDocument): QSyntaxHighlighter would call ``highlightBlock`` for each of its thousands of
        blocks, a Python call each (≈ 25 ms for the 1 MB text), to hear that none but the primed
        ones, formatted already, has anything to show.
        """
        doc = self.document()
        if doc is None or not QObject.disconnect(doc, CHANGED, self, REFORMAT):
            yield
            return
        try:
            yield
        finally:
            QObject.connect(doc, CHANGED, self, REFORMAT)

    def spans_completed(self) -> None:
        """The rest of the spans arrived: blocks reaching past the first screen's are redone
        (lazily, like any block that is not ready)."""
        starts = self._session.index.block_starts
        ready = self._ready
        text_end = len(self._session.text)
        for n in range(min(len(ready), len(starts))):
            end = starts[n + 1] if n + 1 < len(starts) else text_end
            if ready[n] and end > HEAD_CHARS:
                ready[n] = 0

    def is_ready(self, blocks: range) -> bool:
        ready = self._ready
        return all(ready[n] for n in blocks if n < len(ready))

    def _rehighlight_number(self, n: int) -> None:
        doc = self.document()
        if doc is not None:
            self.rehighlightBlock(doc.findBlockByNumber(n))

    def ensure(self, first: int, last: int) -> None:
        """Make blocks ``first``..``last`` ready (they are about to be painted), in one pass."""
        ready = self._ready
        index = self._session.index
        tinted: list[int] = []
        for n in range(max(first, 0), min(last + 1, len(ready))):
            if not ready[n]:
                ready[n] = 1
                if index.block_spans(n):
                    tinted.append(n)
        if len(tinted) == 1:
            self._rehighlight_number(tinted[0])
        elif tinted:
            self._rehighlight_run(tinted[0], tinted[-1])

    def _rehighlight_run(self, first: int, last: int) -> None:
        """Re-highlight blocks ``first``..``last`` with one re-layout instead of one per block.

        Each ``rehighlightBlock`` makes QTextDocumentLayout re-lay out that block and move every
        block after it (O(document) per block: ~2 ms near the top of a 1 MB text). Re-setting the
        blocks' own block format in one edit block changes nothing, but emits one contentsChange
        over the run; the highlighter re-formats the run inside it, and Qt lays it out once.
        """
        doc = self.document()
        if doc is None:
            return
        edit = QTextCursor(doc)
        edit.beginEditBlock()
        block = doc.findBlockByNumber(first)
        while block.isValid() and block.blockNumber() <= last:
            QTextCursor(block).setBlockFormat(block.blockFormat())
            block = block.next()
        edit.endEditBlock()

    def refresh(self, blocks: set[int] | range) -> list[int]:
        """Re-highlight exactly the blocks a change touched, without laying them out again.

        ``rehighlightBlock`` makes QTextDocumentLayout lay the block out and move every block
        after it (~5 ms near the top of a 1 MB text, each edit). Only backgrounds change here,
        never the text or its fonts, so a laid-out block gets its new formats and the same lines
        where they were (``reformat``); the view repaints its rows (ui/article/repaint.py). A
        block not laid out yet, or whose lines would not fit their old places, is laid out by Qt
        as before. Returns the blocks whose text moved between their lines: the view repaints
        them whole.
        """
        ready = self._ready
        doc = self.document()
        moved: list[int] = []
        if doc is None:
            return moved
        for n in sorted(blocks):
            if 0 <= n < len(ready):
                ready[n] = 1
                block = doc.findBlockByNumber(n)
                done = reformat(block, self.ranges(block.text(), n))
                if not done:
                    self.rehighlightBlock(block)
                elif done == Reformat.MOVED:
                    moved.append(n)
        return moved

    def refresh_all(self) -> None:
        """Colours changed: clear every block now (cheap, they are gated); the view then makes
        its visible blocks ready again, as after a scroll."""
        self._ready = bytearray(len(self._ready))
        self.rehighlight()

    # --- the per-block work -------------------------------------------------------------------

    def highlightBlock(self, text: str) -> None:
        for start, length, fmt in self.ranges(text, self.currentBlock().blockNumber()):
            self.setFormat(start, length, fmt)

    def ranges(self, text: str, n: int) -> list[tuple[int, int, QTextCharFormat]]:
        """Block ``n``'s backgrounds: (start, length) in the block's UTF-16 units, and format;
        nothing while the block is not ready."""
        ready = self._ready
        if n >= len(ready) or not ready[n]:
            return []
        session = self._session
        spans = session.index.block_spans(n)
        if not spans:
            return []
        bs = session.index.block_starts[n]
        be = bs + len(text)
        if self._parts is not None:
            spans = self._parts.expand(spans, bs, be)
        to16 = session.offsets.to_utf16
        ub = to16(bs)
        formats = self._formats
        out = []
        for start, end, label in _segments(spans, bs, be):
            fmt = formats.get(label)
            if fmt is not None:
                u = to16(start)
                out.append((u - ub, to16(end) - u, fmt))
        return out


class Reformat(IntEnum):
    """What ``reformat`` did to a block (false when it could not: the block is not laid out)."""

    NOT_LAID_OUT = 0
    KEPT = 1  # the same lines, with the new formats
    MOVED = 2  # the same number of lines at the same places; text moved between them
    RELAID = 3  # Qt lays it out again (and moves the blocks below it)


def reformat(block: QTextBlock, ranges: list[tuple[int, int, QTextCharFormat]]) -> Reformat:
    """Give a laid-out block these formats and make its lines again where they were, as
    QSyntaxHighlighter would but without telling the document (no re-layout of the rest).

    Where a line would break elsewhere than before (a format boundary can change the kerning
    across it), the block keeps its lines' places if it can (MOVED: the caller repaints the
    block), and is otherwise laid out by Qt, which then moves every block below it.
    """
    layout = block.layout()
    count = layout.lineCount()
    if count == 0:
        return Reformat.NOT_LAID_OUT
    wanted = _merged(ranges)
    current = layout.formats()  # kept alive while its formats are compared (PySide)
    if len(current) == len(wanted) and all(
        (r.start, r.length) == (start, length) and r.format == fmt
        for r, (start, length, fmt) in zip(current, wanted, strict=True)
    ):
        return Reformat.KEPT  # same backgrounds (an outer span changed): the repaint is enough
    lines = []
    for i in range(count):
        line = layout.lineAt(i)
        lines.append(
            (
                line.textStart(),
                line.textLength(),
                line.width(),
                line.position(),
                line.leadingIncluded(),
                line.height(),
            )
        )
    formats = []
    for start, length, fmt in wanted:
        r = QTextLayout.FormatRange()
        r.start, r.length, r.format = start, length, fmt
        formats.append(r)
    layout.setFormats(formats)  # drops the lines
    if _lay_out(layout, lines, keep_breaks=True):
        return Reformat.KEPT
    if _lay_out(layout, lines, keep_breaks=False):
        # A format boundary moved a glyph's advance and with it a line break (kerning across the
        # boundary): the paragraph keeps its lines' count and heights, so nothing below it moves;
        # the text moved within its rows, which the view repaints.
        return Reformat.MOVED
    doc = block.document()
    if doc is not None:  # lay it out as Qt does (the formats are set: the highlighter sees no change)
        doc.markContentsDirty(block.position(), block.length())
    return Reformat.RELAID


Line = tuple[int, int, float, QPointF, bool, float]


def _lay_out(layout: QTextLayout, lines: list[Line], *, keep_breaks: bool) -> bool:
    """Lay the block out again in its old lines' widths and places. ``keep_breaks``: each line
    must hold the same text as before; otherwise the text may break elsewhere, as long as it
    fills the same number of lines of the same heights (the paragraph's height is unchanged)."""
    layout.beginLayout()
    try:
        for start, length, width, position, leading, height in lines:
            line = layout.createLine()
            if not line.isValid():
                return False
            line.setLeadingIncluded(leading)
            line.setLineWidth(width)
            line.setPosition(position)
            if keep_breaks and (line.textStart(), line.textLength()) != (start, length):
                return False
            if not keep_breaks and line.height() != height:
                return False
        return keep_breaks or not layout.createLine().isValid()  # no text left for one more line
    finally:
        layout.endLayout()


def _merged(ranges: list[tuple[int, int, QTextCharFormat]]) -> list[tuple[int, int, QTextCharFormat]]:
    """Adjacent stretches of equal formats as one, as QSyntaxHighlighter hands them to the layout."""
    out: list[tuple[int, int, QTextCharFormat]] = []
    for start, length, fmt in ranges:
        if length <= 0:
            continue
        if out and out[-1][0] + out[-1][1] == start and out[-1][2] == fmt:
            out[-1] = (out[-1][0], out[-1][1] + length, fmt)
        else:
            out.append((start, length, fmt))
    return out


def _segments(spans: list[SpanTuple], bs: int, be: int) -> list[tuple[int, int, int]]:
    """Stretches of one block with the label of their innermost span, adjacent ones merged."""
    if len(spans) == 1:
        s = spans[0]
        return [(max(s[START], bs), min(s[END], be), s[LABEL])]
    spans = sorted(spans)
    points = sorted({max(s[START], bs) for s in spans} | {min(s[END], be) for s in spans})
    out: list[tuple[int, int, int]] = []
    active: list[SpanTuple] = []
    i, k = 0, len(spans)
    last_inner: SpanTuple | None = None
    for a, b in itertools.pairwise(points):
        while i < k and spans[i][START] <= a:
            active.append(spans[i])
            i += 1
        active = [s for s in active if s[END] > a]
        if not active:
            last_inner = None
            continue
        inner = min(active, key=lambda s: (s[END] - s[START], s[START]))
        if inner is last_inner and out and out[-1][1] == a:
            out[-1] = (out[-1][0], b, inner[LABEL])
        else:
            out.append((a, b, inner[LABEL]))
        last_inner = inner
    return out

"""The article text: read-only, selectable, highlighted per block, with an overlay for the rest.

Positions cross the Qt boundary here and only here, each through the session's OffsetMap: Qt
counts UTF-16 units, the database code points. Typography: one column of about 70 characters,
centred with viewport margins (so resizing the window never re-lays the text out), 155% line
height, and a font size the user zooms with Ctrl+= / Ctrl+-.
"""

from __future__ import annotations

from typing import Protocol

from annotator.queries import LabelRow, RelationTypeRow, SpanTuple
from ui.article import geometry, overlay
from ui.article.after_paint import AfterPaint
from ui.article.canvas import LineCache
from ui.article.colors import stroke, tint
from ui.article.highlighter import SpanHighlighter
from ui.article.parts import SpanParts
from ui.article.repaint import Regions
from ui.qt import (
    QColor,
    QEvent,
    QFont,
    QFontDatabase,
    QFontMetricsF,
    QFrame,
    QHelpEvent,
    QKeyEvent,
    QMouseEvent,
    QPainter,
    QPaintEvent,
    QPalette,
    QPoint,
    QRectF,
    QResizeEvent,
    Qt,
    QTextBlockFormat,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
    QTextEdit,
    QTimer,
    QToolTip,
    QWheelEvent,
    QWidget,
    Signal,
)
from ui.session import DocumentSession, SpanDelta

SERIF_FAMILIES = (
    "Charter",
    "Source Serif 4",
    "Source Serif Pro",
    "Literata",
    "Noto Serif",
    "Georgia",
    "DejaVu Serif",
)
COLUMN_CHARS = 72
MIN_SIDE = 28
LINE_HEIGHT_PERCENT = 155
DEFAULT_POINT_SIZE = 12.5
FIRST_SCREEN_CHARS = 4000  # highlighted before the first paint; more than a screenful
AHEAD_SCREENS = 2  # screens below the visible one highlighted when idle (and one above)


class KeyHandler(Protocol):
    """What the view asks before acting on keys and clicks itself (the annotation controller)."""

    def handle_key(self, event: QKeyEvent) -> bool: ...
    def handle_click(self, cp: int | None) -> bool: ...

    def tooltip(self, cp: int) -> str: ...


def article_font(point_size: float) -> QFont:
    families = set(QFontDatabase.families())
    font = QFont()
    for family in SERIF_FAMILIES:
        if family in families:
            font = QFont(family)
            break
    font.setPointSizeF(point_size)
    font.setHintingPreference(QFont.HintingPreference.PreferVerticalHinting)
    return font


class ArticleView(QTextEdit):
    columnChanged = Signal(int, int)  # left edge and width of the text column, in pixels
    zoomChanged = Signal(float)

    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.keys: KeyHandler | None = None
        self._formats: dict[int, QTextCharFormat] = {}
        self.parts = SpanParts(session)  # multi-part spans (ui/article/parts.py)
        self.regions = Regions(self)  # what an edit repaints (ui/article/repaint.py)
        self.after_paint = AfterPaint(self.viewport())  # side panels follow the edit's frame
        session.after_frame = self.after_paint.later  # and a long document's full read the first
        self.highlighter = SpanHighlighter(session, self._formats, QTextDocument(self), self.parts)
        self._blocks = geometry.BlockFinder()  # the block at a height, from the last one found
        self.find_matches: list[tuple[int, int]] = []
        self.pending_source: int | None = None  # span waiting for the relation target click
        # Suggestions (ui/suggest_layer.py): (start, end, id, label id), sorted; drawn dashed.
        self.suggestions: list[tuple[int, int, int, int]] = []
        self.suggestion_selected: int | None = None
        self.unsaved: list[SpanTuple] = []  # labels waiting for the database, drawn dashed
        self._press: QPoint | None = None
        self._loading = False
        self._point_size = DEFAULT_POINT_SIZE
        self._schema: tuple[list[LabelRow], list[RelationTypeRow]] | None = None
        self._strokes: dict[int, QColor] = {}
        self._relations: dict[int, tuple[str, QColor]] = {}
        self.setReadOnly(True)
        self.setUndoRedoEnabled(False)
        self.setTextInteractionFlags(
            Qt.TextInteractionFlag.TextSelectableByMouse | Qt.TextInteractionFlag.TextSelectableByKeyboard
        )
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setLineWrapMode(QTextEdit.LineWrapMode.FixedPixelWidth)
        self.setMouseTracking(True)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)
        self.setFont(article_font(self._point_size))
        session.reset.connect(self.load)
        session.completed.connect(self._on_completed)
        session.spansChanged.connect(self._on_spans)
        session.selectionChanged.connect(self._on_selection)
        session.relationsChanged.connect(self.viewport().update)
        self._ahead = QTimer(self, singleShot=True, interval=0)  # the next screens, after a frame
        self._ahead.timeout.connect(self._highlight_ahead)
        self.verticalScrollBar().valueChanged.connect(self.ensure_visible_ready)

    # --- loading ------------------------------------------------------------------------------

    def _block_format(self) -> QTextBlockFormat:
        fmt = QTextBlockFormat()
        fmt.setLineHeight(LINE_HEIGHT_PERCENT, QTextBlockFormat.LineHeightTypes.ProportionalHeight.value)
        return fmt

    def load(self) -> None:
        """Show the session's document: one fresh QTextDocument, one insert, no per-span calls."""
        self._loading = True
        doc = QTextDocument(self)
        doc.setUndoRedoEnabled(False)
        doc.setDefaultFont(self.font())
        doc.setDocumentMargin(24)
        session = self.session  # a long document's parts: the first screen's now, all once complete
        self.parts.reload(None if session.complete else list(session.index.spans))
        self.parts.gathering = []
        self.highlighter = SpanHighlighter(self.session, self._formats, doc, self.parts)
        self.highlighter.prime(FIRST_SCREEN_CHARS)
        cursor = QTextCursor(doc)
        cursor.setBlockFormat(self._block_format())
        cursor.insertText(self.session.display)
        self.highlighter.format_primed()  # no layout yet: nothing is laid out for it
        old = self.document()
        owned = old is not None and old.parent() is self  # earlier articles are ours to delete
        with self.highlighter.unhooked():  # the layout's first pass: no block has more to show
            self.setDocument(doc)
        if owned:
            old.deleteLater()
        self._loading = False
        self.find_matches = []
        self.pending_source = None
        self.suggestions, self.suggestion_selected = [], None
        self._update_column()

    def _on_completed(self) -> None:
        self.parts.reload()
        self.highlighter.spans_completed()
        self.ensure_visible_ready()
        self.viewport().update()

    def set_schema(self, labels: list[LabelRow], types: list[RelationTypeRow]) -> None:
        """Label and relation colours for this palette (called again when light/dark changes)."""
        self._schema = (labels, types)
        palette = self.palette()
        self._strokes = {lab.id: stroke(QColor(lab.color), palette) for lab in labels}
        self._relations = {t.id: (t.name, stroke(QColor(t.color), palette)) for t in types}
        self._formats = {}
        for lab in labels:
            fmt = QTextCharFormat()
            fmt.setBackground(tint(QColor(lab.color), palette))
            self._formats[lab.id] = fmt
        self.highlighter.set_formats(self._formats)
        if self.document() is not None:
            self.highlighter.refresh_all()
            self.ensure_visible_ready()

    def stroke_color(self, label_id: int) -> QColor:
        return self._strokes.get(label_id) or self.palette().color(QPalette.ColorRole.Text)

    def relation_color(self, type_id: int) -> QColor:
        entry = self._relations.get(type_id)
        return entry[1] if entry else self.palette().color(QPalette.ColorRole.Text)

    def relation_name(self, type_id: int) -> str:
        entry = self._relations.get(type_id)
        return entry[0] if entry else "?"

    def changeEvent(self, event: QEvent) -> None:
        super().changeEvent(event)
        if event.type() == QEvent.Type.PaletteChange and self._schema is not None:
            self.set_schema(*self._schema)

    # --- typography ---------------------------------------------------------------------------

    @property
    def point_size(self) -> float:
        return self._point_size

    def set_point_size(self, size: float) -> None:
        size = max(8.0, min(32.0, size))
        if size == self._point_size:
            return
        self._point_size = size
        self.setFont(article_font(size))
        self._update_column()
        self.zoomChanged.emit(size)

    def _update_column(self) -> None:
        """Centre a column of about COLUMN_CHARS characters; narrow windows get the full width."""
        width = self.width() - self.verticalScrollBar().sizeHint().width()
        column = QFontMetricsF(self.font()).averageCharWidth() * COLUMN_CHARS + 48
        column = int(min(column, max(200, width - 2 * MIN_SIDE)))
        side = max(0, (width - column) // 2)
        self.setViewportMargins(side, 0, max(0, width - column - side), 0)
        if self.lineWrapColumnOrWidth() != column - 48:
            self.setLineWrapColumnOrWidth(column - 48)
        self.columnChanged.emit(side + 24, column - 48)

    def resizeEvent(self, event: QResizeEvent) -> None:
        super().resizeEvent(event)
        if not self._loading:
            self._update_column()
            self.ensure_visible_ready()

    # --- offsets: the only crossing between code points and Qt positions ----------------------

    def to_qt(self, cp: int) -> int:
        return self.session.offsets.to_utf16(cp)

    def to_cp(self, pos: int, snap: str = "down") -> int:
        return self.session.offsets.to_cp(pos, snap=snap)  # type: ignore[arg-type]

    def selection_cp(self) -> tuple[int, int] | None:
        """The selected text as code point offsets, or None."""
        cursor = self.textCursor()
        if not cursor.hasSelection():
            return None
        return self.to_cp(cursor.selectionStart(), "down"), self.to_cp(cursor.selectionEnd(), "up")

    def select_cp(self, start: int, end: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(start))
        cursor.setPosition(self.to_qt(end), QTextCursor.MoveMode.KeepAnchor)
        self.setTextCursor(cursor)

    def caret_cp(self) -> int:
        return self.to_cp(self.textCursor().position())

    def place_caret(self, cp: int) -> None:
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(cp))
        self.setTextCursor(cursor)

    def scroll_to(self, start: int, end: int) -> None:
        """Bring ``start``–``end`` into view without moving the caret."""
        rects = self.range_rects(start, end)
        bar = self.verticalScrollBar()
        if rects:
            top, bottom = rects[0].top(), rects[-1].bottom()
            if top >= 0 and bottom <= self.viewport().height():
                return
            bar.setValue(int(bar.value() + top - self.viewport().height() / 3))
            return
        cursor = QTextCursor(self.document())
        cursor.setPosition(self.to_qt(start))
        rect = self.cursorRect(cursor)
        bar.setValue(int(bar.value() + rect.top() - self.viewport().height() / 3))

    def cp_at(self, point: QPoint) -> int | None:
        """Code point offset of the character under ``point`` (viewport coordinates)."""
        if not self.session.text:
            return None
        cursor = self.cursorForPosition(point)
        pos = cursor.position()
        if point.x() < self.cursorRect(cursor).x() and pos > 0:
            pos -= 1
        cp = self.to_cp(pos, "down")
        return cp if cp < len(self.session.text) else None

    # --- geometry -----------------------------------------------------------------------------

    def visible_blocks(self, rect: QRectF | None = None) -> range:
        """Blocks from the top to the bottom of ``rect`` (default: the viewport), from the
        layout's block rectangles (ui/article/geometry.py)."""
        return geometry.visible_blocks(self, self._blocks, rect)

    def range_rects(self, start: int, end: int, cache: LineCache | None = None) -> list[QRectF]:
        """One rectangle per laid-out line piece of ``start``–``end`` (viewport coordinates);
        ``cache`` keeps each block's line table for the duration of one paint."""
        return geometry.range_rects(self, self.to_qt(start), self.to_qt(end), {} if cache is None else cache)

    # --- lazy highlighting --------------------------------------------------------------------

    def ensure_visible_ready(self, *_args: object) -> None:
        if not self._loading and self.document() is not None and self.session.index.block_count:
            blocks = self.visible_blocks()
            self.highlighter.ensure(blocks.start - 2, blocks.stop + 2)

    def _highlight_ahead(self) -> None:
        """After the frame: the screens just below and above are highlighted too, so the next
        PageUp or PageDown paints blocks that are ready instead of laying them out inside its
        frame. The timer starts in the paint, so it fires once that frame is done, never inside
        it (a timer started at the scroll could fire before the frame's paint)."""
        if self._loading or self.document() is None or not self.session.index.block_count:
            return
        height = self.viewport().height()
        below = self.visible_blocks(QRectF(0, height, self.viewport().width(), AHEAD_SCREENS * height))
        above = self.visible_blocks(QRectF(0, -height, self.viewport().width(), height))
        self.highlighter.ensure(below.start, below.stop)
        self.highlighter.ensure(above.start - 2, above.stop)

    def _on_spans(self, delta: SpanDelta) -> None:
        far = self.regions.far_reaching([*delta.added, *delta.removed])  # before parts change
        self.parts.update(delta.removed, delta.added, delta.stored)  # before the blocks are re-tinted
        moved = self.highlighter.refresh(delta.blocks)
        self.regions.spans_changed(delta, far, moved)  # their paragraphs only (ui/article/repaint.py)

    def _on_selection(self, span_id: object) -> None:
        self.regions.selection_changed(span_id)

    # --- events -------------------------------------------------------------------------------

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.session.index.block_count:
            return
        painter = QPainter(self.viewport())
        try:
            overlay.paint(self, painter, QRectF(event.rect()))
        finally:
            painter.end()
        if not self.highlighter.is_ready(self.visible_blocks()):
            QTimer.singleShot(0, self.ensure_visible_ready)
        self._ahead.start()  # fires after this frame

    def event(self, event: QEvent) -> bool:
        if (
            isinstance(event, QKeyEvent)
            and event.type() == QEvent.Type.KeyPress
            and event.key() in (Qt.Key.Key_Tab, Qt.Key.Key_Backtab)
            and self.keys is not None
            and self.keys.handle_key(event)
        ):
            return True
        return super().event(event)

    def viewportEvent(self, event: QEvent) -> bool:
        if event.type() == QEvent.Type.ToolTip and isinstance(event, QHelpEvent):
            self._tooltip(event)
            return True
        return super().viewportEvent(event)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        if self.keys is not None and self.keys.handle_key(event):
            event.accept()
            return
        super().keyPressEvent(event)

    def mousePressEvent(self, event: QMouseEvent) -> None:
        self._press = event.position().toPoint()
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event: QMouseEvent) -> None:
        super().mouseReleaseEvent(event)
        press, self._press = self._press, None
        point = event.position().toPoint()
        if event.button() != Qt.MouseButton.LeftButton or press is None:
            return
        if (point - press).manhattanLength() > 3 or self.textCursor().hasSelection():
            add_part = getattr(self.keys, "add_part", None)  # the annotation controller's; not review's
            if event.modifiers() & Qt.KeyboardModifier.ControlModifier and add_part is not None:
                add_part()  # Ctrl+drag: the dragged text is one more part of a span
            return
        if self.keys is not None:
            self.keys.handle_click(self.cp_at(point))

    def _tooltip(self, event: QHelpEvent) -> None:
        cp = self.cp_at(event.pos())
        text = self.keys.tooltip(cp) if (self.keys and cp is not None) else ""
        if text:
            QToolTip.showText(event.globalPos(), text, self)
        else:
            QToolTip.hideText()
            event.ignore()

    def wheelEvent(self, event: QWheelEvent) -> None:
        if event.modifiers() & Qt.KeyboardModifier.ControlModifier:
            step = 1 if event.angleDelta().y() > 0 else -1
            self.set_point_size(self._point_size + step)
            event.accept()
            return
        super().wheelEvent(event)

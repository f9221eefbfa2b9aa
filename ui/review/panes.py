"""The review panes: the article view of the main window, once per annotator and once for gold.

Each pane has its own small session holding one layer's spans (so the highlighter, overlay,
offsets and selection are the main window's, unchanged) plus each span's review state, which
this view draws over the text: a dashed outline for an open disagreement, a solid base line for
accepted into gold, a strike-through for rejected, a dotted base line for spans everyone agrees
on. Shapes as well as colours (Okabe–Ito), so the states read without colour vision too.
"""

from __future__ import annotations

from annotator.queries import DocumentView, RelationRow, SpanTuple
from annotator.review.curation import State
from ui.article.index import END, ID, START, SpanIndex
from ui.article.view import ArticleView
from ui.project import ProjectContext
from ui.qt import (
    QColor,
    QFont,
    QFrame,
    QHBoxLayout,
    QLabel,
    QObject,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPointF,
    QRectF,
    Qt,
    QVBoxLayout,
    QWidget,
)
from ui.session import DocumentSession

# Okabe–Ito: distinguishable for the common colour-vision deficiencies.
STATE_COLORS = {
    State.AGREED: "#0072B2",
    State.OPEN: "#D55E00",
    State.ACCEPTED: "#009E73",
    State.REJECTED: "#6B6B6B",
    State.EDITED: "#CC79A7",
}
# For lists, where a glyph stands for the state.
STATE_GLYPHS = {
    State.AGREED: "=",
    State.OPEN: "○",
    State.ACCEPTED: "✓",
    State.REJECTED: "✗",
    State.EDITED: "✎",
}
PANE_POINT_SIZE = 11.0


class PaneSession(DocumentSession):
    """One layer of one document, filled by the review view (it reads the database once for all)."""

    def __init__(self, project: ProjectContext | None, parent: QObject | None = None) -> None:
        super().__init__(project, parent)
        self.states: dict[int, State] = {}
        self.badges: dict[int, str] = {}  # gold spans: who they came from, as initials

    def show(self, doc: DocumentView | None, spans: list[SpanTuple], relations: list[RelationRow]) -> bool:
        """Show ``doc`` with these spans; True when the text was laid out anew (else only spans)."""
        if doc is not None and self.doc is not None and doc.id == self.doc.id:
            self.aboutToReset.emit()
            self.doc = doc
            self.index = SpanIndex(self.display, spans)
            self.relations = self._links(relations)
            if self.selected not in self.index.spans:
                self.selected = None
            self.completed.emit()
            self.relationsChanged.emit()
            return False
        self._lay_out(doc, spans, relations)
        return True


class ReviewPaneView(ArticleView):
    """The article view plus review states and the current unit."""

    partial_repaints = False  # its states are drawn beyond an edit's paragraphs (ui/article/repaint.py)

    def __init__(self, session: PaneSession, parent: QWidget | None = None) -> None:
        super().__init__(session, parent)
        self.pane_session = session
        self.focus_range: tuple[int, int] | None = None
        self.set_point_size(PANE_POINT_SIZE)
        self.setFocusPolicy(Qt.FocusPolicy.StrongFocus)
        session.completed.connect(self._respans)

    def _respans(self) -> None:
        self.highlighter.refresh_all()
        self.ensure_visible_ready()

    def set_focus_range(self, span: tuple[int, int] | None) -> None:
        self.focus_range = span
        self.viewport().update()

    def paintEvent(self, event: QPaintEvent) -> None:
        super().paintEvent(event)
        if not self.session.text:
            return
        painter = QPainter(self.viewport())
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint_focus(painter)
            self._paint_states(painter, QRectF(event.rect()))
        finally:
            painter.end()

    def _paint_focus(self, painter: QPainter) -> None:
        if self.focus_range is None:
            return
        rects = self.range_rects(*self.focus_range)
        if not rects:
            return
        color = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        color.setAlpha(38)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.setBrush(color)
        for r in rects:
            painter.drawRoundedRect(r.adjusted(-3, -2, 3, 2), 4, 4)
        bar = QColor(self.palette().color(QPalette.ColorRole.Highlight))
        painter.setBrush(bar)
        top, bottom = rects[0].top(), rects[-1].bottom()
        left = min(r.left() for r in rects)
        painter.drawRoundedRect(QRectF(left - 14, top - 1, 3.5, bottom - top + 2), 1.5, 1.5)

    def _paint_states(self, painter: QPainter, clip: QRectF) -> None:
        session = self.pane_session
        if not session.states and not session.badges:
            return
        small = QFont(self.font())
        small.setPointSizeF(max(7.0, self.point_size * 0.62))
        painter.setFont(small)
        seen: set[int] = set()
        for n in self.visible_blocks(clip.adjusted(0, -40, 0, 40)):
            for span in session.index.block_spans(n):
                if span[ID] in seen:
                    continue
                seen.add(span[ID])
                rects = self.range_rects(span[START], span[END])
                if not rects:
                    continue
                state = session.states.get(span[ID])
                if state is not None:
                    paint_state(painter, rects, state)
                badge = session.badges.get(span[ID])
                if badge:
                    _badge(painter, rects[-1], badge)


def paint_state(painter: QPainter, rects: list[QRectF], state: State) -> None:
    """The review state of one span: dashed outline (open), solid base line (accepted), dotted
    base line (agreed), strike-through (rejected)."""
    color = QColor(STATE_COLORS[state])
    painter.setBrush(Qt.BrushStyle.NoBrush)
    if state == State.OPEN:
        pen = QPen(color, 1.5)
        pen.setStyle(Qt.PenStyle.DashLine)
        painter.setPen(pen)
        for r in rects:
            painter.drawRoundedRect(r.adjusted(-1.5, -0.5, 1.5, 0.5), 3, 3)
        return
    if state == State.REJECTED:
        painter.setPen(QPen(color, 1.4))
        for r in rects:
            y = r.center().y() + 1
            painter.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))
        return
    pen = QPen(color, 2.2 if state == State.ACCEPTED else 1.8)
    pen.setCapStyle(Qt.PenCapStyle.FlatCap)
    if state == State.AGREED:
        pen.setStyle(Qt.PenStyle.DotLine)
    painter.setPen(pen)
    for r in rects:
        y = r.bottom() - 1
        painter.drawLine(QPointF(r.left(), y), QPointF(r.right(), y))


def _badge(painter: QPainter, last: QRectF, text: str) -> None:
    """Who a gold span came from, as a small raised note after it."""
    width = painter.fontMetrics().horizontalAdvance(text) + 4
    box = QRectF(last.right() + 1, last.top() - 4, width, 11)
    painter.setPen(QColor(STATE_COLORS[State.ACCEPTED]))
    painter.drawText(box, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, text)


class StateLegend(QWidget):
    """The four states drawn exactly as in the panes, with their names."""

    STATES = (State.AGREED, State.OPEN, State.ACCEPTED, State.REJECTED)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setMinimumHeight(22)
        self.setMinimumWidth(self._width())

    def _width(self) -> int:
        metrics = self.fontMetrics()
        return int(sum(metrics.horizontalAdvance(s.value) + 44 for s in self.STATES))

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            metrics = painter.fontMetrics()
            x = 2.0
            h = metrics.height() + 2
            top = (self.height() - h) / 2
            text = self.palette().color(QPalette.ColorRole.WindowText)
            for state in self.STATES:
                sample = QRectF(x + 3, top, 22, h)
                paint_state(painter, [sample], state)
                painter.setPen(text)
                width = metrics.horizontalAdvance(state.value)
                painter.drawText(
                    QRectF(x + 30, top, width + 2, h), Qt.AlignmentFlag.AlignVCenter, state.value
                )
                x += width + 44
        finally:
            painter.end()


class ReviewPane(QFrame):
    """A caption (whose layer, how many spans, how many open) over one review view."""

    def __init__(self, project: ProjectContext | None, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = PaneSession(project, self)
        self.view = ReviewPaneView(self.session, self)
        self.caption = QLabel(self)
        self.caption.setTextFormat(Qt.TextFormat.RichText)
        self.caption.setForegroundRole(QPalette.ColorRole.WindowText)
        self.detail = QLabel(self)
        self.detail.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        top = QHBoxLayout()
        top.setContentsMargins(12, 5, 12, 5)
        top.addWidget(self.caption)
        top.addStretch(1)
        top.addWidget(self.detail)
        bar = QWidget(self)
        bar.setLayout(top)
        bar.setAutoFillBackground(True)
        bar.setBackgroundRole(QPalette.ColorRole.Window)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        layout.addWidget(bar)
        layout.addWidget(self.view, 1)
        self.setFrameShape(QFrame.Shape.NoFrame)

    def set_caption(self, title: str, detail: str) -> None:
        self.caption.setText(title)
        self.detail.setText(detail)


class ScrollSync:
    """The panes show the same text at the same width, so one scroll value fits all of them."""

    def __init__(self) -> None:
        self.views: list[ReviewPaneView] = []
        self._busy = False

    def watch(self, view: ReviewPaneView) -> None:
        self.views.append(view)
        view.verticalScrollBar().valueChanged.connect(lambda value, v=view: self._follow(v, value))

    def unwatch(self, view: ReviewPaneView) -> None:
        """Before a pane goes (fewer annotators chosen)."""
        if view in self.views:
            self.views.remove(view)

    def _follow(self, source: ReviewPaneView, value: int) -> None:
        if not self._busy:
            self.set_all(value, source)

    def reveal(self, start: int, end: int) -> None:
        """Bring ``start``–``end`` into view in every pane (they share one scroll value): left
        alone when every pane shows it already, else put a quarter down the shortest pane."""
        views = [v for v in self.views if v.viewport().height() > 0]
        if not views:
            return
        lead = views[0]
        rects = lead.range_rects(start, end)
        if not rects:
            lead.scroll_to(start, end)
            return
        top, bottom = rects[0].top(), rects[-1].bottom()
        shortest = min(v.viewport().height() for v in views)
        if top >= 0 and bottom <= shortest:
            return
        bar = lead.verticalScrollBar()
        self.set_all(int(bar.value() + top - shortest / 4))

    def set_all(self, value: int, source: ReviewPaneView | None = None) -> None:
        self._busy = True
        try:
            for view in self.views:
                if view is not source:
                    view.verticalScrollBar().setValue(value)
        finally:
            self._busy = False

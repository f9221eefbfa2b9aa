"""Stacked bars of counts (quotes + claims) drawn with QPainter (PySide6-Essentials has no QtCharts).

Actors and outlets are horizontal bars, most first, their names readable at the left; months are
vertical bars in time order, so a gap shows as a month at zero. The review's chart
(ui/review/chart.py) has a fixed 0–1 axis for coefficients; counts need an axis of their own.
Okabe–Ito colours and a legend in words.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from ui.qt import (
    QColor,
    QFont,
    QFontMetricsF,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPointF,
    QRectF,
    QSize,
    Qt,
    QWidget,
)

COLORS = ("#0072B2", "#E69F00", "#009E73", "#CC79A7")
MAX_BARS = 20  # horizontal charts show the first 20 rows (the table lists them all)


def nice_step(top: float, ticks: int = 5) -> int:
    """A round tick step (1, 2, 5 × 10^k) giving about ``ticks`` ticks up to ``top``."""
    raw = max(1.0, top / ticks)
    base = 10 ** math.floor(math.log10(raw))
    return int(next(m * base for m in (1, 2, 5, 10) if m * base >= raw))


@dataclass(frozen=True, slots=True)
class _Axis:
    """The count axis, 0 to ``high`` in ticks of ``step``, and the pens to draw with."""

    metrics: QFontMetricsF
    high: int
    step: int
    text: QColor
    muted: QColor

    def grid(self, painter: QPainter, plot: QRectF, *, across: bool) -> None:
        """Grid lines and tick labels: lines across the plot (counts up the side) or down it."""
        grid = QColor(self.muted)
        grid.setAlpha(70)
        height = self.metrics.height()
        for tick in range(0, self.high + 1, self.step):
            share = tick / self.high
            painter.setPen(QPen(grid, 1.0))
            if across:
                y = plot.bottom() - share * plot.height()
                painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
                where, align = QRectF(0, y - height / 2, plot.left() - 6, height), Qt.AlignmentFlag.AlignRight
            else:
                x = plot.left() + share * plot.width()
                painter.drawLine(QPointF(x, plot.top()), QPointF(x, plot.bottom()))
                where, align = QRectF(x - 30, plot.bottom() + 4, 60, height), Qt.AlignmentFlag.AlignHCenter
            painter.setPen(self.muted)
            painter.drawText(where, align, str(tick))


class CountChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.names: list[str] = []
        self.series: list[str] = []
        self.values: list[list[int]] = []  # per series, per name
        self.horizontal = True
        self.title = ""
        self.setMinimumSize(320, 240)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)

    def set_data(
        self, names: list[str], series: dict[str, list[int]], *, horizontal: bool, title: str = ""
    ) -> None:
        """``series[name][i]`` is the count of ``names[i]``; the bars stack the series in order."""
        self.names, self.series = list(names), list(series)
        self.values = [list(v) for v in series.values()]
        self.horizontal, self.title = horizontal, title
        self.update()

    def shown(self) -> int:
        """How many names the chart draws (the rest are left to the table)."""
        return min(len(self.names), MAX_BARS) if self.horizontal else len(self.names)

    def total(self, i: int) -> int:
        return sum(v[i] for v in self.values)

    def sizeHint(self) -> QSize:
        return QSize(560, 420)

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        font = QFont(self.font())
        metrics = QFontMetricsF(font)
        palette = self.palette()
        text, muted = (
            palette.color(QPalette.ColorRole.Text),
            palette.color(QPalette.ColorRole.PlaceholderText),
        )
        if not self.names:
            painter.setPen(muted)
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, "No quotes or claims yet")
            return
        head = metrics.height() + 14
        painter.setPen(text)
        painter.drawText(QRectF(10, 4, self.width() - 20, head), Qt.AlignmentFlag.AlignVCenter, self.title)
        self._legend(painter, metrics, head)
        top = max((self.total(i) for i in range(self.shown())), default=0)
        step = nice_step(top)
        high = max(step, math.ceil(top / step) * step)
        axis = _Axis(metrics, high, step, text, muted)
        if self.horizontal:
            self._horizontal(painter, axis, head * 2)
        else:
            self._vertical(painter, axis, head * 2)

    def _legend(self, painter: QPainter, metrics: QFontMetricsF, y: float) -> None:
        x = 10.0
        for s, name in enumerate(self.series):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(COLORS[s % len(COLORS)]))
            painter.drawRoundedRect(QRectF(x, y + (metrics.height() - 10) / 2 + 2, 12, 12), 2, 2)
            painter.setPen(self.palette().color(QPalette.ColorRole.Text))
            width = metrics.horizontalAdvance(name)
            painter.drawText(
                QRectF(x + 18, y, width + 4, metrics.height() + 4), Qt.AlignmentFlag.AlignVCenter, name
            )
            x += width + 40

    def _segments(self, i: int) -> list[tuple[int, int]]:
        """(series, count) of bar ``i``, skipping zeros."""
        return [(s, v[i]) for s, v in enumerate(self.values) if v[i]]

    def _horizontal(self, painter: QPainter, axis: _Axis, top: float) -> None:
        metrics, text = axis.metrics, axis.text
        count = self.shown()
        widest = max(metrics.horizontalAdvance(n) for n in self.names[:count])
        left = min(widest + 16, self.width() * 0.4)
        plot = QRectF(left, top, self.width() - left - 40, self.height() - top - metrics.height() - 14)
        row_h = plot.height() / max(count, 1)
        bar_h = min(24.0, row_h * 0.7)
        axis.grid(painter, plot, across=False)
        high = axis.high
        for i in range(count):
            y = plot.top() + i * row_h + (row_h - bar_h) / 2
            painter.setPen(text)
            name = metrics.elidedText(self.names[i], Qt.TextElideMode.ElideRight, left - 12)
            painter.drawText(
                QRectF(0, y, left - 8, bar_h),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                name,
            )
            x = plot.left()
            for s, value in self._segments(i):
                width = value / high * plot.width()
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(COLORS[s % len(COLORS)]))
                painter.drawRect(QRectF(x, y, width, bar_h))
                x += width
            painter.setPen(text)
            painter.drawText(QRectF(x + 4, y, 40, bar_h), Qt.AlignmentFlag.AlignVCenter, str(self.total(i)))

    def _vertical(self, painter: QPainter, axis: _Axis, top: float) -> None:
        metrics, text, high = axis.metrics, axis.text, axis.high
        left = metrics.horizontalAdvance(str(high)) + 16
        top += metrics.height()  # room for the tallest bar's count
        plot = QRectF(left, top, self.width() - left - 12, self.height() - top - metrics.height() * 2.4)
        axis.grid(painter, plot, across=True)
        col_w = plot.width() / len(self.names)
        bar_w = min(48.0, col_w * 0.7)
        every = max(1, math.ceil(metrics.horizontalAdvance("2024-05 ") / col_w))  # thin out labels
        for i, name in enumerate(self.names):
            x = plot.left() + i * col_w + (col_w - bar_w) / 2
            y = plot.bottom()
            for s, value in self._segments(i):
                height = value / high * plot.height()
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(COLORS[s % len(COLORS)]))
                painter.drawRect(QRectF(x, y - height, bar_w, height))
                y -= height
            painter.setPen(text)
            if self.total(i):
                painter.drawText(
                    QRectF(x - 10, y - metrics.height() - 2, bar_w + 20, metrics.height()),
                    Qt.AlignmentFlag.AlignHCenter,
                    str(self.total(i)),
                )
            if i % every == 0:
                cell = QRectF(plot.left() + i * col_w - col_w, plot.bottom() + 4, col_w * 3, metrics.height())
                painter.drawText(cell, Qt.AlignmentFlag.AlignHCenter, name)

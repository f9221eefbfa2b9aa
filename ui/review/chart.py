"""A grouped bar chart drawn with QPainter (PySide6-Essentials has no QtCharts): one group per
label, one bar per metric, the value printed on each bar, a 0–1 axis that extends below 0 when a
chance-corrected coefficient is negative. Okabe–Ito colours plus a legend in words."""

from __future__ import annotations

import math

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

SERIES_COLORS = ("#0072B2", "#56B4E9", "#E69F00", "#CC79A7", "#009E73", "#D55E00")


class BarChart(QWidget):
    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.groups: list[str] = []
        self.series: list[str] = []
        self.values: dict[tuple[str, str], float] = {}
        self.setMinimumHeight(240)
        self.setAutoFillBackground(True)
        self.setBackgroundRole(QPalette.ColorRole.Base)

    def set_data(self, groups: list[str], series: list[str], values: dict[tuple[str, str], float]) -> None:
        """``values[(group, series)]``; missing or NaN values show as "n/a"."""
        self.groups, self.series, self.values = groups, series, values
        self.update()

    def sizeHint(self) -> QSize:
        return QSize(640, 300)

    def _range(self) -> tuple[float, float]:
        finite = [v for v in self.values.values() if not math.isnan(v)]
        low = min([0.0, *finite])
        return (math.floor(low * 5) / 5 if low < 0 else 0.0), 1.0

    def paintEvent(self, event: QPaintEvent) -> None:
        painter = QPainter(self)
        try:
            painter.setRenderHint(QPainter.RenderHint.Antialiasing)
            self._paint(painter)
        finally:
            painter.end()

    def _paint(self, painter: QPainter) -> None:
        palette = self.palette()
        text = palette.color(QPalette.ColorRole.Text)
        muted = palette.color(QPalette.ColorRole.PlaceholderText)
        font = QFont(self.font())
        painter.setFont(font)
        metrics = QFontMetricsF(font)
        if not self.groups:
            painter.setPen(muted)
            painter.drawText(QRectF(self.rect()), Qt.AlignmentFlag.AlignCenter, "No figures yet")
            return
        legend_h = metrics.height() + 12
        self._legend(painter, metrics, legend_h)
        left, right = metrics.horizontalAdvance("−0.0") + 18, 12
        top, bottom = legend_h + 10, metrics.height() * 1.6 + 10
        plot = QRectF(left, top, self.width() - left - right, self.height() - top - bottom)
        low, high = self._range()

        def y_of(v: float) -> float:
            return plot.bottom() - (v - low) / (high - low) * plot.height()

        grid = QColor(muted)
        grid.setAlpha(70)
        tick = low
        while tick <= high + 1e-9:
            y = y_of(tick)
            painter.setPen(QPen(text if abs(tick) < 1e-9 else grid, 1.0))
            painter.drawLine(QPointF(plot.left(), y), QPointF(plot.right(), y))
            painter.setPen(muted)
            label = f"{tick:.1f}".replace("-", "−")
            painter.drawText(
                QRectF(0, y - metrics.height() / 2, left - 8, metrics.height()),
                Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                label,
            )
            tick = round(tick + 0.2, 6)
        group_w = plot.width() / len(self.groups)
        bar_w = min(38.0, group_w * 0.8 / max(1, len(self.series)))
        small = QFont(font)
        small.setPointSizeF(max(7.0, font.pointSizeF() * 0.82))
        for g, group in enumerate(self.groups):
            x0 = plot.left() + g * group_w + (group_w - bar_w * len(self.series)) / 2
            for s, name in enumerate(self.series):
                value = self.values.get((group, name), math.nan)
                x = x0 + s * bar_w
                painter.setFont(small)
                if math.isnan(value):
                    painter.setPen(muted)
                    painter.drawText(QRectF(x, y_of(0) - 18, bar_w, 16), Qt.AlignmentFlag.AlignCenter, "n/a")
                    continue
                y0, y1 = y_of(0), y_of(value)
                bar = QRectF(x + 2, min(y0, y1), bar_w - 4, abs(y1 - y0))
                painter.setPen(Qt.PenStyle.NoPen)
                painter.setBrush(QColor(SERIES_COLORS[s % len(SERIES_COLORS)]))
                painter.drawRect(bar)
                painter.setPen(text)
                above = QRectF(x - 4, (bar.top() - 16) if value >= 0 else bar.bottom() + 1, bar_w + 8, 15)
                painter.drawText(above, Qt.AlignmentFlag.AlignCenter, f"{value:.2f}".replace("-", "−"))
            painter.setFont(font)
            painter.setPen(text)
            painter.drawText(
                QRectF(plot.left() + g * group_w, plot.bottom() + 6, group_w, metrics.height() * 1.4),
                Qt.AlignmentFlag.AlignHCenter | Qt.AlignmentFlag.AlignTop,
                group,
            )

    def _legend(self, painter: QPainter, metrics: QFontMetricsF, height: float) -> None:
        x = 12.0
        text = self.palette().color(QPalette.ColorRole.Text)
        for s, name in enumerate(self.series):
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(SERIES_COLORS[s % len(SERIES_COLORS)]))
            painter.drawRoundedRect(QRectF(x, (height - 10) / 2 + 2, 12, 12), 2, 2)
            painter.setPen(text)
            width = metrics.horizontalAdvance(name)
            painter.drawText(QRectF(x + 18, 2, width + 4, height), Qt.AlignmentFlag.AlignVCenter, name)
            x += width + 40

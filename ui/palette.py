"""The label palette: labels with colour, count and keys; relation types; how overlaps look.

Clicking a label does what its key does. The legend at the bottom explains the marks the article
uses, so nobody has to guess what an underline means.
"""

from __future__ import annotations

import html

from annotator.queries import LabelRow, RelationTypeRow
from ui.article.after_paint import Later
from ui.article.colors import stroke, tint
from ui.guidelines_text import tip
from ui.qt import (
    QColor,
    QFont,
    QFontMetricsF,
    QFrame,
    QLabel,
    QPainter,
    QPaintEvent,
    QPalette,
    QPen,
    QPointF,
    QPushButton,
    QRectF,
    QScrollArea,
    QSize,
    Qt,
    QVBoxLayout,
    QWidget,
    Signal,
)

ROW_HEIGHT = 30


def _keycap(painter: QPainter, right: float, mid: float, key: str, palette: QPalette) -> float:
    """Draw a small key cap ending at ``right``; returns its left edge."""
    metrics = QFontMetricsF(painter.font())
    width = max(18.0, metrics.horizontalAdvance(key) + 10)
    box = QRectF(right - width, mid - 10, width, 20)
    painter.setPen(QPen(palette.color(QPalette.ColorRole.Mid), 1))
    painter.setBrush(palette.color(QPalette.ColorRole.Base))
    painter.drawRoundedRect(box, 4, 4)
    painter.setPen(palette.color(QPalette.ColorRole.Text))
    painter.drawText(box, Qt.AlignmentFlag.AlignCenter, key)
    return box.left()


class LabelButton(QPushButton):
    """One label: chip, name, how many spans carry it here, and its keys."""

    def __init__(self, label: LabelRow, number: int, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.label = label
        self.number = number
        self.count = 0
        self.setFlat(True)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        keys = " or ".join(k for k in (label.hotkey.upper() if label.hotkey else "", str(number)) if k)
        self.setToolTip(f"<b>{html.escape(label.name)}</b> — key {keys}{tip(label.description)}")
        self.setAccessibleName(f"Label {label.name}")

    def sizeHint(self) -> QSize:
        return QSize(200, ROW_HEIGHT)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        rect = QRectF(self.rect()).adjusted(4, 2, -4, -2)
        if self.underMouse() or self.isDown():
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(tint(QColor(self.label.color), palette, 0.18))
            painter.drawRoundedRect(rect, 6, 6)
        mid = rect.center().y()
        chip = QRectF(rect.left() + 6, mid - 7, 14, 14)
        painter.setPen(QPen(stroke(QColor(self.label.color), palette), 1))
        painter.setBrush(tint(QColor(self.label.color), palette))
        painter.drawRoundedRect(chip, 3, 3)
        right = rect.right() - 4
        if self.label.hotkey:
            right = _keycap(painter, right, mid, self.label.hotkey.upper(), palette) - 4
        if self.number <= 9:
            right = _keycap(painter, right, mid, str(self.number), palette) - 8
        font = QFont(self.font())
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        text_rect = QRectF(chip.right() + 10, rect.top(), right - chip.right() - 10, rect.height())
        painter.drawText(
            text_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, self.label.name
        )
        if self.count:
            name_width = QFontMetricsF(font).horizontalAdvance(self.label.name)
            painter.setFont(self.font())
            painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
            count_rect = text_rect.adjusted(name_width + 8, 0, 0, 0)
            painter.drawText(
                count_rect, Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft, str(self.count)
            )
        painter.end()


class RelationLegend(QWidget):
    """One relation type: a coloured arrow, its ends and its name."""

    def __init__(self, kind: RelationTypeRow, ends: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.kind = kind
        self.ends = ends
        self.setToolTip(f"<b>{html.escape(kind.name)}</b>{tip(kind.description)}")
        self.setMinimumHeight(24)

    def sizeHint(self) -> QSize:
        return QSize(200, 24)

    def paintEvent(self, _event: QPaintEvent) -> None:
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        color = stroke(QColor(self.kind.color), palette)
        mid = self.height() / 2
        painter.setPen(QPen(color, 1.6))
        painter.drawLine(QPointF(10, mid), QPointF(26, mid))
        painter.setBrush(color)
        painter.setPen(Qt.PenStyle.NoPen)
        painter.drawEllipse(QPointF(30, mid), 3.0, 3.0)
        painter.setPen(palette.color(QPalette.ColorRole.WindowText))
        painter.drawText(
            QRectF(40, 0, self.width() - 44, self.height()),
            Qt.AlignmentFlag.AlignVCenter | Qt.AlignmentFlag.AlignLeft,
            f"{self.kind.name}   {self.ends}",
        )
        painter.end()


class OverlapLegend(QWidget):
    """A painted sample of nested spans, selection and a link, with one line of explanation each."""

    def __init__(self, labels: list[LabelRow], parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.labels = labels
        self.setMinimumHeight(92)

    def sizeHint(self) -> QSize:
        return QSize(200, 92)

    def paintEvent(self, _event: QPaintEvent) -> None:
        if len(self.labels) < 2:
            return
        painter = QPainter(self)
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        palette = self.palette()
        inner, outer = QColor(self.labels[-1].color), QColor(self.labels[0].color)
        metrics = QFontMetricsF(self.font())
        word = "inner"
        x, y = 10.0, 6.0
        box = QRectF(x, y, metrics.horizontalAdvance(word) + 4, metrics.height() + 2)
        painter.fillRect(box, tint(inner, palette))
        painter.setPen(palette.color(QPalette.ColorRole.Text))
        painter.drawText(box, Qt.AlignmentFlag.AlignCenter, word)
        painter.setPen(QPen(stroke(outer, palette), 2))
        painter.drawLine(QPointF(box.left(), box.bottom() + 2), QPointF(box.right() + 36, box.bottom() + 2))
        painter.setPen(QPen(stroke(inner, palette), 2))
        painter.drawRoundedRect(QRectF(box.right() + 46, y, 34, box.height()).adjusted(0, 0, 0, 0), 3, 3)
        lines = [
            "Background: the innermost span",
            "Underline: each span around it",
            "Outline: the selected span · dot: linked",
        ]
        painter.setPen(palette.color(QPalette.ColorRole.PlaceholderText))
        for i, line in enumerate(lines):
            painter.drawText(QPointF(10, box.bottom() + 22 + i * (metrics.height() + 2)), line)
        painter.end()


class LabelPalette(QScrollArea):
    """Scrolls rather than growing the window: at 200% scaling the docks must still fit a screen."""

    labelClicked = Signal(int)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWidgetResizable(True)
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        inner = QWidget(self)
        self.setWidget(inner)
        self._layout = QVBoxLayout(inner)
        self._layout.setContentsMargins(6, 6, 6, 6)
        self._layout.setSpacing(2)
        self.buttons: dict[int, LabelButton] = {}

    def _heading(self, text: str) -> QLabel:
        heading = QLabel(text)
        font = heading.font()
        font.setPointSizeF(font.pointSizeF() * 0.9)
        font.setWeight(QFont.Weight.DemiBold)
        heading.setFont(font)
        heading.setForegroundRole(QPalette.ColorRole.PlaceholderText)
        heading.setContentsMargins(6, 10, 0, 2)
        return heading

    def set_schema(self, labels: list[LabelRow], types: list[RelationTypeRow]) -> None:
        while self._layout.count():
            item = self._layout.takeAt(0)
            widget = item.widget() if item is not None else None
            if widget is not None:
                widget.deleteLater()
        self.buttons = {}
        names = {lab.id: lab.name for lab in labels}
        labels = [lab for lab in labels if not lab.retired]  # retired: on their spans, offered no more
        types = [t for t in types if not t.retired]
        self._layout.addWidget(self._heading("LABELS"))
        for number, label in enumerate(labels, start=1):
            button = LabelButton(label, number, self.widget())
            button.clicked.connect(lambda _checked=False, lid=label.id: self.labelClicked.emit(lid))
            self.buttons[label.id] = button
            self._layout.addWidget(button)
        if types:
            self._layout.addWidget(self._heading("RELATIONS  (R, then click)"))
            for kind in types:
                ends = f"{names.get(kind.from_label_id or -1, 'any')} → {names.get(kind.to_label_id or -1, 'any')}"
                self._layout.addWidget(RelationLegend(kind, ends, self.widget()))
        self._layout.addWidget(self._heading("IN THE TEXT"))
        self._layout.addWidget(OverlapLegend(labels, self.widget()))
        self._layout.addStretch(1)

    later: Later | None = None  # the main window's: a count repaints after the article's frame

    def set_counts(self, counts: dict[int, int]) -> None:
        """The counts change at once (what a click reads); their buttons repaint ``later``."""
        for label_id, button in self.buttons.items():
            if button.count != counts.get(label_id, 0):
                button.count = counts.get(label_id, 0)
                if self.later is None:
                    button.update()
                else:
                    self.later(("label count", label_id), button.update)

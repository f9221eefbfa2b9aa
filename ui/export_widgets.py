"""Pieces of the Export dialog: the format list's look, inline messages, remembered choices."""

from __future__ import annotations

import hashlib
from dataclasses import asdict, fields
from pathlib import Path
from typing import Any

from ui import settings
from ui.export_formats import Choices, follow
from ui.project import ProjectContext
from ui.qt import (
    QApplication,
    QFont,
    QLabel,
    QModelIndex,
    QPainter,
    QPalette,
    QSize,
    QStyle,
    QStyledItemDelegate,
    QStyleOptionViewItem,
    Qt,
    QWidget,
)

PER_PROJECT = ("path", "annotator", "labels", "rename")  # the rest carries over to other projects
ERROR_COLOR = "#c0392b"
DESCRIPTION = Qt.ItemDataRole.UserRole + 1


class FormatDelegate(QStyledItemDelegate):
    """Paints a format as its name over a muted one-line description."""

    def sizeHint(self, option: QStyleOptionViewItem, index: QModelIndex) -> QSize:
        return QSize(200, 2 * option.fontMetrics.height() + 10)

    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index: QModelIndex) -> None:
        opt = QStyleOptionViewItem(option)
        self.initStyleOption(opt, index)
        title, opt.text = opt.text, ""
        style = opt.widget.style() if opt.widget is not None else QApplication.style()
        style.drawControl(QStyle.ControlElement.CE_ItemViewItem, opt, painter, opt.widget)
        selected = bool(opt.state & QStyle.StateFlag.State_Selected)
        role = QPalette.ColorRole.HighlightedText if selected else QPalette.ColorRole.Text
        rect = opt.rect.adjusted(10, 5, -8, -5)
        line = opt.fontMetrics.height()
        painter.save()
        font = QFont(opt.font)
        font.setWeight(QFont.Weight.DemiBold)
        painter.setFont(font)
        painter.setPen(opt.palette.color(role))
        painter.drawText(rect.x(), rect.y(), rect.width(), line, Qt.AlignmentFlag.AlignLeft, title)
        small = QFont(opt.font)
        small.setPointSizeF(opt.font.pointSizeF() * 0.92)
        painter.setFont(small)
        muted = QPalette.ColorRole.PlaceholderText
        painter.setPen(opt.palette.color(role if selected else muted))
        description = str(index.data(DESCRIPTION))
        text = painter.fontMetrics().elidedText(description, Qt.TextElideMode.ElideRight, rect.width())
        painter.drawText(rect.x(), rect.y() + line + 1, rect.width(), line, Qt.AlignmentFlag.AlignLeft, text)
        painter.restore()


def heading(text: str, parent: QWidget, buddy: QWidget | None = None) -> QLabel:
    label = QLabel(text, parent)
    font = QFont(label.font())
    font.setBold(True)
    label.setFont(font)
    if buddy is not None:
        label.setBuddy(buddy)
    return label


def message(parent: QWidget) -> QLabel:
    """An inline message under a group: hidden until there is something to fix."""
    label = QLabel(parent)
    label.setWordWrap(True)
    label.setStyleSheet(f"color: {ERROR_COLOR};")
    label.hide()
    return label


def note(parent: QWidget) -> QLabel:
    """Muted text that explains rather than asks."""
    label = QLabel(parent)
    palette = label.palette()
    palette.setColor(QPalette.ColorRole.WindowText, palette.color(QPalette.ColorRole.PlaceholderText))
    label.setPalette(palette)
    return label


def _project_key(project: ProjectContext) -> settings.Setting[dict[str, object]]:
    where = f"{project.shareable_url}\n{project.name}"
    return settings.EXPORT_PROJECT.at(hashlib.sha256(where.encode()).hexdigest()[:16])


def remembered(project: ProjectContext) -> Choices:
    """The last export's choices: format and options from any project, path and labels from this one."""
    choices = Choices()
    data: dict[str, Any] = {}
    for key in (settings.EXPORT_CHOICES, _project_key(project)):
        stored: dict[str, object] = settings.get(key)
        data.update(stored)
    for f in fields(Choices):
        value = data.get(f.name)
        if value is None or (type(value) is not type(getattr(choices, f.name)) and f.name != "ratios"):
            continue  # a value of another shape is from an older version: the default is safer
        setattr(choices, f.name, tuple(str(v) for v in value)[:3] if f.name == "ratios" else value)
    if len(choices.ratios) != 3:
        choices.ratios = Choices().ratios
    if not choices.path:
        folder = Path(settings.get(settings.EXPORT_FOLDER))
        slug = "".join(ch if ch.isalnum() or ch in "-_" else "-" for ch in project.name).strip("-")
        choices.path = follow(str(folder / (slug or "export")), choices.fmt, False)
    return choices


def remember(project: ProjectContext, choices: Choices) -> None:
    data = asdict(choices)
    settings.put(settings.EXPORT_CHOICES, {k: v for k, v in data.items() if k not in PER_PROJECT})
    settings.put(_project_key(project), {k: data[k] for k in PER_PROJECT})
    settings.put(settings.EXPORT_FOLDER, str(Path(choices.path).expanduser().parent))

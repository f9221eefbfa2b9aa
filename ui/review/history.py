"""Span history (Ctrl+H, or right-click a span): every audit entry of one span, oldest first —
when, who, what, and the offsets and label before and after."""

from __future__ import annotations

from collections.abc import Callable

from annotator.review.history import HistoryRow
from ui.project import ProjectContext
from ui.qt import (
    QAbstractItemView,
    QAbstractScrollArea,
    QAction,
    QDialog,
    QDialogButtonBox,
    QHeaderView,
    QLabel,
    QMenu,
    QPoint,
    Qt,
    QTableWidget,
    QTableWidgetItem,
    QTextEdit,
    QVBoxLayout,
    QWidget,
)

COLUMNS = ("When", "Who", "What", "Before", "After", "Note")


class SpanHistoryDialog(QDialog):
    def __init__(self, rows: list[HistoryRow], title: str, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle("Span history")
        self.rows = rows
        heading = QLabel(title, self)
        heading.setWordWrap(True)
        heading.setTextFormat(Qt.TextFormat.RichText)
        self.table = QTableWidget(len(rows), len(COLUMNS), self)
        self.table.setHorizontalHeaderLabels(list(COLUMNS))
        self.table.verticalHeader().hide()
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setAlternatingRowColors(True)
        self.table.setShowGrid(False)
        for i, row in enumerate(rows):
            cells = (f"{row.at:%d %b %Y, %H:%M:%S}", row.actor, row.action, row.before, row.after, row.note)
            for j, text in enumerate(cells):
                self.table.setItem(i, j, QTableWidgetItem(text))
        header = self.table.horizontalHeader()
        for j in range(len(COLUMNS) - 1):
            header.setSectionResizeMode(j, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(len(COLUMNS) - 1, QHeaderView.ResizeMode.Stretch)
        empty = QLabel("No recorded changes for this span.", self)
        empty.setVisible(not rows)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close, self)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addWidget(heading)
        layout.addWidget(self.table, 1)
        layout.addWidget(empty)
        layout.addWidget(buttons)
        self.resize(820, 360)


def show_history(
    project: ProjectContext | None, span_id: int | None, parent: QWidget
) -> SpanHistoryDialog | None:
    """Open the dialog for ``span_id`` (non-modal, so the article stays usable); None without a span."""
    if project is None or span_id is None:
        return None
    rows, detail = project.span_history(span_id)
    title = (
        f"<b>{detail.label}</b> by {detail.annotator} · version {detail.version}"
        if detail is not None
        else f"Span {span_id} (deleted)"
    )
    dialog = SpanHistoryDialog(rows, title, parent)
    dialog.setAttribute(Qt.WidgetAttribute.WA_DeleteOnClose)
    dialog.show()
    return dialog


def install_history_menu(
    widget: QWidget, span_at: Callable[[QPoint], int | None], open_history: Callable[[int], object]
) -> None:
    """Right-click: the widget's usual menu (Copy, Select all for text) plus "Span history…"."""
    widget.setContextMenuPolicy(Qt.ContextMenuPolicy.CustomContextMenu)

    def menu_at(point: QPoint) -> None:
        span_id = span_at(point)
        menu = widget.createStandardContextMenu() if isinstance(widget, QTextEdit) else QMenu(widget)
        action = QAction("Span &history…\tCtrl+H", menu)
        action.setEnabled(span_id is not None)
        if span_id is not None:
            action.triggered.connect(lambda _c=False: open_history(span_id))
        if menu.actions():
            menu.addSeparator()
        menu.addAction(action)
        # Scroll areas (the article, tables) report viewport coordinates.
        area = widget.viewport() if isinstance(widget, QAbstractScrollArea) else widget
        menu.exec(area.mapToGlobal(point))
        menu.deleteLater()

    widget.customContextMenuRequested.connect(menu_at)

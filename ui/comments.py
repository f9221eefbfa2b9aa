"""The comments panel: threads of comments and flags, open or all, this document's or every one's.

A lazy tree model (threads, their replies as children) fed by ``ProjectContext.comments``: it
hands the view threads a hundred at a time as it scrolls. Activating a row jumps to what it is on
(the document, the span selected and scrolled to; a relation's source span); Reply and Resolve act
on the selected thread. Adding, replying and resolving are undoable steps (``ui.comments_edit``).
"""

from __future__ import annotations

from typing import Any

from annotator.comment_reads import CommentRow
from ui.flow import FlowLayout
from ui.qt import (
    QAbstractItemModel,
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QLineEdit,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    QPushButton,
    Qt,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Comment", "On", "By", "When")
FILTERS = (("Open", "open"), ("Open flags", "flags"), ("All", "all"))
PAGE = 100
MARKS = {"flag": "⚑ ", "comment": "✎ "}
NO_PARENT = QModelIndex()


def target_text(row: CommentRow) -> str:
    where = {"span": f"span {row.span_id}", "relation": f"relation {row.relation_id}"}.get(
        row.target, "document"
    )
    return f"{row.document_title} · {where}"


class CommentModel(QAbstractItemModel):
    """Threads as rows, replies as their children; ``internalId`` 0 for a thread, else its row + 1."""

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.threads: list[CommentRow] = []
        self.replies: dict[int, list[CommentRow]] = {}
        self.shown = 0

    def set_rows(self, rows: list[CommentRow]) -> None:
        self.beginResetModel()
        self.threads = [r for r in rows if r.parent_id is None]
        self.replies = {}
        for r in rows:
            if r.parent_id is not None:
                self.replies.setdefault(r.parent_id, []).append(r)
        self.shown = min(PAGE, len(self.threads))
        self.endResetModel()

    def canFetchMore(self, parent: Index) -> bool:
        return not parent.isValid() and self.shown < len(self.threads)

    def fetchMore(self, parent: Index) -> None:
        more = min(PAGE, len(self.threads) - self.shown)
        if parent.isValid() or more <= 0:
            return
        self.beginInsertRows(QModelIndex(), self.shown, self.shown + more - 1)
        self.shown += more
        self.endInsertRows()

    def index(self, row: int, column: int, parent: Index = NO_PARENT) -> QModelIndex:
        if not parent.isValid():
            return self.createIndex(row, column, 0) if 0 <= row < self.shown else QModelIndex()
        if parent.internalId() != 0:
            return QModelIndex()
        return self.createIndex(row, column, parent.row() + 1)

    def parent(self, index: Index = NO_PARENT) -> QModelIndex:  # type: ignore[override]
        if not index.isValid() or index.internalId() == 0:
            return QModelIndex()
        return self.createIndex(index.internalId() - 1, 0, 0)

    def rowCount(self, parent: Index = NO_PARENT) -> int:
        if not parent.isValid():
            return self.shown
        if parent.internalId() != 0 or parent.column() != 0:
            return 0
        return len(self.replies.get(self.threads[parent.row()].id, []))

    def columnCount(self, parent: Index = NO_PARENT) -> int:
        return len(COLUMNS)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return COLUMNS[section]
        return None

    def row_at(self, index: Index) -> CommentRow | None:
        if not index.isValid():
            return None
        if index.internalId() == 0:
            return self.threads[index.row()] if index.row() < len(self.threads) else None
        thread = self.threads[index.internalId() - 1]
        replies = self.replies.get(thread.id, [])
        return replies[index.row()] if index.row() < len(replies) else None

    def thread_index(self, comment_id: int) -> QModelIndex:
        for n, row in enumerate(self.threads[: self.shown]):
            if row.id == comment_id:
                return self.index(n, 0)
        return QModelIndex()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index)
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                mark = "✓ " if row.state == "resolved" and row.parent_id is None else ""
                return mark + (MARKS[row.kind] if row.parent_id is None else "") + " ".join(row.text.split())
            if col == 1:
                return target_text(row)
            if col == 2:
                return row.author
            return f"{row.created_at:%d %b %H:%M}"
        if role == Qt.ItemDataRole.ToolTipRole:
            lines = [row.text, f"{row.author}, {row.created_at:%d %b %Y %H:%M} · {row.state}"]
            if row.resolved_by:
                lines.append(f"resolved by {row.resolved_by}")
            if row.note:
                lines.append(row.note)
            return "\n".join(lines)
        return None


class CommentsPanel(QWidget):
    """The dock's widget. ``jump`` asks the window to show what a comment is on."""

    jump = Signal(object)  # CommentRow
    reply_requested = Signal(int, str)  # thread id, text
    add_requested = Signal(str)  # text of a new comment on the chosen target
    resolve_requested = Signal(int, bool)  # thread id, resolved

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("comments_panel")
        self.model = CommentModel(self)
        self.filter = QComboBox(self)
        for text, key in FILTERS:
            self.filter.addItem(text, key)
        self.here = QCheckBox("This document", self)
        self.tree = QTreeView(self)
        self.tree.setModel(self.model)
        self.tree.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        self.tree.setUniformRowHeights(True)
        self.tree.header().resizeSection(0, 220)
        self.target = QComboBox(self)  # what a new comment is on: the span, one of its links, the document
        self.target.setToolTip("What a new comment is on")
        self.editor = QLineEdit(self)
        self.editor.setPlaceholderText("Write a comment, or a reply to the selected thread…")
        self.add_button = QPushButton("Comment", self)
        self.reply_button = QPushButton("Reply", self)
        self.resolve_button = QPushButton("Resolve", self)
        # Rows that wrap in a narrow dock: the panel must not widen the window's minimum.
        top = FlowLayout(spacing=8)
        top.addWidget(self.filter)
        top.addWidget(self.here)
        buttons = FlowLayout(spacing=6)
        for b in (self.add_button, self.reply_button, self.resolve_button):
            buttons.addWidget(b)
        self.target.setMinimumContentsLength(8)
        self.target.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(top)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.target)
        layout.addWidget(self.editor)
        layout.addLayout(buttons)
        self.tree.activated.connect(self._activated)
        self.tree.clicked.connect(self._activated)
        self.tree.selectionModel().currentChanged.connect(lambda *_a: self._update_buttons())
        self.add_button.clicked.connect(self._add)
        self.reply_button.clicked.connect(self._reply)
        self.editor.returnPressed.connect(self._add_or_reply)
        self.resolve_button.clicked.connect(self._resolve)
        self._update_buttons()

    # --- what the window sets -------------------------------------------------------------------

    @property
    def mode(self) -> str:
        return str(self.filter.currentData())

    def set_rows(self, rows: list[CommentRow]) -> None:
        current = self.current()
        self.model.set_rows(rows)
        if current is not None:
            index = self.model.thread_index(current.parent_id or current.id)
            if index.isValid():
                self.tree.setCurrentIndex(index)
        self.tree.expandAll()
        self._update_buttons()

    def current(self) -> CommentRow | None:
        return self.model.row_at(self.tree.currentIndex())

    def set_targets(self, targets: list[tuple[str, tuple[str, int]]]) -> None:
        """What a new comment may be on, the first chosen: (text, (kind, id)) pairs."""
        self.target.clear()
        for text, data in targets:
            self.target.addItem(text, data)

    def chosen_target(self) -> tuple[str, int] | None:
        data = self.target.currentData()
        return (str(data[0]), int(data[1])) if data else None

    # --- user actions -------------------------------------------------------------------------

    def _activated(self, index: QModelIndex) -> None:
        row = self.model.row_at(index)
        if row is not None:
            self.jump.emit(row)
        self._update_buttons()

    def _update_buttons(self) -> None:
        row = self.current()
        self.reply_button.setEnabled(row is not None)
        self.resolve_button.setEnabled(row is not None)
        self.resolve_button.setText("Reopen" if row is not None and row.state == "resolved" else "Resolve")

    def _text(self) -> str:
        return self.editor.text().strip()

    def _add(self) -> None:
        if self._text():
            self.add_requested.emit(self._text())

    def _reply(self) -> None:
        row = self.current()
        if row is not None and self._text():
            self.reply_requested.emit(row.parent_id or row.id, self._text())

    def _add_or_reply(self) -> None:
        """Enter in the editor: a reply when a thread is selected, else a new comment."""
        if self.current() is not None:
            self._reply()
        else:
            self._add()

    def _resolve(self) -> None:
        row = self.current()
        if row is not None:
            self.resolve_requested.emit(row.parent_id or row.id, row.state != "resolved")

    def sent(self) -> None:
        """The comment went in: clear the editor."""
        self.editor.clear()

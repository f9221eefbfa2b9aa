"""The document list: a lazy model (pages of 200 rows, fetched as the view scrolls) with a filter.

Filtering happens in the query, not in a proxy model, so a project of 100,000 documents still
loads one page. Span counts and statuses of changed documents refresh a moment after the change,
so annotating never waits for a count query.

When the project assigns documents (``annotator assign``), the list is the annotator's queue, and
so is Next document; "Show all" (a setting kept per person) lists everyone's documents again.
"""

from __future__ import annotations

from typing import Any

from annotator.events import ChangeSet
from annotator.model import Role
from annotator.queries import DocumentRow
from annotator.reachability import is_unreachable
from ui import settings
from ui.project import ProjectContext
from ui.qt import (
    QAbstractItemView,
    QAction,
    QApplication,
    QCheckBox,
    QComboBox,
    QHBoxLayout,
    QHeaderView,
    QItemSelectionModel,
    QKeySequence,
    QLineEdit,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTimer,
    QTreeView,
    QVBoxLayout,
    QWidget,
    Signal,
)
from ui.tables import TableModel

Index = QModelIndex | QPersistentModelIndex
PAGE = 200
# A text filter counts its matches up to this many (counting all of a million would take seconds);
# past it, the list goes on fetching pages for as long as they come full.
COUNTED = 1_000
COLUMNS = ("Title", "Spans", "Status")
SELECTING = Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.ControlModifier
STATUS_MARK = {"new": "○ new", "in progress": "◐ in progress", "done": "● done"}


class DocumentListModel(TableModel):
    columns = COLUMNS
    queue_changed = Signal()  # assignments changed: the panel decides again whose queue to show

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.project: ProjectContext | None = None
        self.text = ""
        self.status: str | None = None
        # The annotator whose queue the list shows (None: every document).
        self.queue: int | None = None
        self._rows: list[DocumentRow] = []
        self._total = 0
        self._open_ended = False  # the count stopped at COUNTED: there may be more
        self._dirty: set[int] = set()
        self._refresh = QTimer(self)
        self._refresh.setSingleShot(True)
        self._refresh.setInterval(150)
        self._refresh.timeout.connect(self._refresh_dirty)

    def set_project(self, project: ProjectContext | None) -> None:
        self.project = project
        self.reload()

    def set_filter(self, text: str, status: str | None) -> None:
        self.text, self.status = text, status
        self.reload()

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = []
        self._total = 0
        if self.project is not None:
            self._total = self.project.document_total(
                text=self.text, status=self.status, assigned_to=self.queue, at_most=COUNTED
            )
            self._rows = self.project.documents(
                text=self.text, status=self.status, limit=PAGE, assigned_to=self.queue
            )
        self._open_ended = self._total >= COUNTED
        self.endResetModel()

    @property
    def total(self) -> int:
        """The documents the filter keeps (at least this many while the count is open-ended)."""
        return self._total

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and (len(self._rows) < self._total or self._open_ended)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        if parent.isValid() or self.project is None:
            return
        page = self.project.documents(
            text=self.text, status=self.status, offset=len(self._rows), limit=PAGE, assigned_to=self.queue
        )
        if not page:
            self._total, self._open_ended = len(self._rows), False
            return
        self.beginInsertRows(QModelIndex(), len(self._rows), len(self._rows) + len(page) - 1)
        self._rows.extend(page)
        self.endInsertRows()
        self._total = max(self._total, len(self._rows))
        if len(page) < PAGE:
            self._open_ended = False

    def on_store_changed(self, changeset: ChangeSet) -> None:
        """New or removed documents reload the list; changed ones refresh just their rows."""
        if any(c.entity == "document" and c.action in ("created", "deleted") for c in changeset.changes):
            self.reload()
            return
        if changeset.touches("assignment"):
            self.queue_changed.emit()
            return
        ids = changeset.document_ids()
        if ids:
            self._dirty |= ids
            self._refresh.start()

    def _refresh_dirty(self) -> None:
        if self.project is None or not self._dirty:
            return
        wanted, self._dirty = self._dirty, set()
        loaded = {row.id: i for i, row in enumerate(self._rows) if row.id in wanted}
        if not loaded:
            return
        try:
            fresh = self.project.documents_by_id(sorted(loaded))
        except Exception as exc:  # the database is away (the bar says so): refresh them next time
            if not is_unreachable(exc):
                raise
            self._dirty |= wanted
            return
        for row in fresh:
            i = loaded[row.id]
            self._rows[i] = row
            self.row_changed(i)

    def row_of(self, doc_id: int) -> int | None:
        return next((i for i, row in enumerate(self._rows) if row.id == doc_id), None)

    def doc_at(self, row: int) -> DocumentRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_total(self) -> int:
        return len(self._rows)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.doc_at(index.row())
        if row is None:
            return None
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return row.title or f"Document {row.id}"
            if col == 1:
                return f"{row.spans:,}"
            return STATUS_MARK.get(row.status, row.status)
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{row.title or 'Untitled'}\n{row.length:,} characters, {row.spans:,} spans, {row.status}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 1:
            return int(Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter)
        return None


class DocumentPanel(QWidget):
    """Filter box, status choice and the list; choosing a row opens that document, Delete
    deletes the selected ones (the window turns that into an undoable command)."""

    documentChosen = Signal(int)
    deleteRequested = Signal(list)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.model = DocumentListModel(self)
        self.filter = QLineEdit(self)
        self.filter.setPlaceholderText("Filter by words of title or text…")
        self.filter.setToolTip(
            "Documents whose title or text holds these words, in this order; the last may be the start "
            "of a word (harbour bri finds Harbour Bridge). Case and accents do not matter."
        )
        self.filter.setClearButtonEnabled(True)
        self.show_all = QCheckBox("Show all", self)
        self.show_all.setToolTip("List every document, not only the ones assigned to you")
        self.show_all.setChecked(settings.get(settings.SHOW_ALL_DOCUMENTS))
        self.show_all.setVisible(False)  # only while the project assigns documents
        self.show_all.toggled.connect(self._show_all_toggled)
        self.model.queue_changed.connect(self.follow_queue)
        self.status = QComboBox(self)
        self.status.addItem("All", None)
        for status in STATUS_MARK:
            self.status.addItem(status.capitalize(), status)
        self.view = QTreeView(self)
        self.view.setModel(self.model)
        self.view.setRootIsDecorated(False)
        self.view.setUniformRowHeights(True)
        self.view.setAlternatingRowColors(True)
        self.view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.view.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.delete_action = QAction("Delete documents", self.view)
        self.delete_action.setShortcut(QKeySequence(QKeySequence.StandardKey.Delete))
        # Only while the list has focus: elsewhere Delete deletes the selected span.
        self.delete_action.setShortcutContext(Qt.ShortcutContext.WidgetShortcut)
        self.delete_action.triggered.connect(lambda: self.deleteRequested.emit(self.selected_ids()))
        self.view.addAction(self.delete_action)
        self.view.setContextMenuPolicy(Qt.ContextMenuPolicy.ActionsContextMenu)
        self.view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        header = self.view.header()
        header.setStretchLastSection(False)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        top = QHBoxLayout()
        top.setContentsMargins(0, 0, 0, 0)
        top.addWidget(self.filter, 1)
        top.addWidget(self.show_all)
        top.addWidget(self.status)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(6, 6, 6, 6)
        layout.addLayout(top)
        layout.addWidget(self.view, 1)
        self._debounce = QTimer(self)
        self._debounce.setSingleShot(True)
        self._debounce.setInterval(250)
        self._debounce.timeout.connect(self._apply_filter)
        self.filter.textChanged.connect(self._debounce.start)
        self.status.currentIndexChanged.connect(self._apply_filter)
        self.view.selectionModel().currentRowChanged.connect(self._chosen)
        self._current: int | None = None
        self._syncing = False

    def set_project(self, project: ProjectContext | None) -> None:
        """Show ``project``'s documents: the annotator's queue when it assigns documents."""
        self.model.project = project
        self.follow_queue()

    def follow_queue(self) -> None:
        """Decide again whose documents to list (after assignments or "Show all" changed)."""
        project = self.model.project
        assigns = project is not None and project.team.has_assignments()
        self.show_all.setVisible(assigns)
        mine = project.actor.id if project is not None and assigns and not self.show_all.isChecked() else None
        if mine is not None and project is not None and project.actor.role == Role.REVIEWER.value:
            mine = mine if project.team.queue(mine) else None  # a reviewer who codes nothing sees all
        self.model.queue = mine
        self.model.reload()
        self.show_current(self._current)

    def _show_all_toggled(self, on: bool) -> None:
        settings.put(settings.SHOW_ALL_DOCUMENTS, on)
        self.follow_queue()

    def _apply_filter(self) -> None:
        self.model.set_filter(self.filter.text(), self.status.currentData())
        self.show_current(self._current)

    def _chosen(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if QApplication.keyboardModifiers() & SELECTING:
            return  # Shift/Ctrl extend the selection (to delete several): the focus stays here
        row = self.model.doc_at(current.row())
        if row is not None and not self._syncing and row.id != self._current:
            self._current = row.id
            self.documentChosen.emit(row.id)

    def show_current(self, doc_id: int | None) -> None:
        """Mark ``doc_id`` as the open document in the list (without reopening it)."""
        self._current = doc_id
        row = self.model.row_of(doc_id) if doc_id is not None else None
        self._syncing = True
        try:
            if row is None:
                self.view.clearSelection()
            else:
                # Replace the highlight explicitly: setCurrentIndex would read the keyboard's
                # modifiers, and Ctrl (held for Ctrl+PgDn) toggles rows into the selection.
                flags = QItemSelectionModel.SelectionFlag
                index = self.model.index(row, 0)
                self.view.selectionModel().setCurrentIndex(index, flags.ClearAndSelect | flags.Rows)
                self.view.scrollTo(index)
        finally:
            self._syncing = False

    def selected_ids(self) -> list[int]:
        rows = sorted(index.row() for index in self.view.selectionModel().selectedRows())
        return [doc.id for row in rows if (doc := self.model.doc_at(row)) is not None]

    def survivor(self, ids: list[int]) -> int | None:
        """The document to show once ``ids`` are gone: the next one below them, else above."""
        gone = set(ids)
        rows = [row for i in ids if (row := self.model.row_of(i)) is not None]
        if not rows:
            return None
        below = self.neighbour(self.model.doc_at(max(rows)).id, 1)  # type: ignore[union-attr]
        while below is not None and below in gone:
            below = self.neighbour(below, 1)
        if below is not None:
            return below
        above = [doc.id for row in range(min(rows)) if (doc := self.model.doc_at(row)) and doc.id not in gone]
        return above[-1] if above else None

    def neighbour(self, doc_id: int | None, step: int) -> int | None:
        """The document after (1) or before (-1) ``doc_id`` in the list, fetching pages as needed."""
        row = self.model.row_of(doc_id) if doc_id is not None else None
        target = 0 if row is None else row + step
        while target >= self.model.rowCount() and self.model.canFetchMore():
            self.model.fetchMore()
        found = self.model.doc_at(target)
        return found.id if found is not None else None

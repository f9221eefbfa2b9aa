"""The annotation list of the current document: one row per span, in text order.

The model reads the session's index directly and follows its row-by-row signals, so adding a span
to a document with 50,000 of them inserts one row instead of rebuilding the list.
"""

from __future__ import annotations

import html
from typing import Any

from annotator.queries import SpanTuple
from ui.actors_column import SpanActors
from ui.article.after_paint import Later
from ui.article.index import ANNOTATOR, END, ID, LABEL, START
from ui.article.view import KeyHandler
from ui.attributes_column import SpanValues
from ui.comments import MARKS
from ui.guidelines_text import tip
from ui.qt import (
    QAbstractItemView,
    QColor,
    QHeaderView,
    QItemSelectionModel,
    QKeyEvent,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTableView,
    QWidget,
    Signal,
)
from ui.session import DocumentSession
from ui.tables import SideColumns, TableModel, configure_table

Index = QModelIndex | QPersistentModelIndex
COLUMNS = ("Label", "Text", "Links", "By", "Attributes", "Actor")  # "By": with everyone's spans only
ACTOR = 5  # the registry actor a span names (ui.actors_column), shown once the document has links


class SpanListModel(TableModel):
    columns = COLUMNS

    def __init__(self, session: DocumentSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.values = SpanValues(session)  # before the resets below: rows read the values
        session.aboutToReset.connect(self.beginResetModel)
        session.reset.connect(self.endResetModel)
        session.completed.connect(self.endResetModel)
        session.spanRemoving.connect(self._removing)
        session.spanRemoved.connect(self._removed)
        session.spanInserting.connect(lambda row: self.beginInsertRows(QModelIndex(), row, row))
        session.spanInserted.connect(lambda _row: self.endInsertRows())
        session.spanUpdated.connect(self.row_changed)
        session.relationsChanged.connect(self._links_changed)
        session.peopleChanged.connect(self.columns_changed)

    # True while a row goes: Qt then moves the list's current row to a neighbour, which is not
    # the user choosing it (a second Delete would delete that neighbour).
    removing = False

    def _removing(self, row: int) -> None:
        self.removing = True
        self.beginRemoveRows(QModelIndex(), row, row)

    def _removed(self, _row: int) -> None:
        self.endRemoveRows()
        self.removing = False

    commented: dict[int, str] = {}  # noqa: RUF012  # span id → "comment"/"flag": a mark before its text
    actors: SpanActors | None = None  # set by ui.actors_dock: which actor each span names

    def set_commented(self, marks: dict[int, str]) -> None:
        self.commented = marks
        self.columns_changed(1, 1)

    def _links_changed(self) -> None:
        self.columns_changed(2, 2)

    def span_at(self, row: int) -> SpanTuple | None:
        order = self.session.index.order
        return order[row] if 0 <= row < len(order) else None

    def row_of(self, span_id: int) -> int | None:
        span = self.session.span(span_id)
        return self.session.index.row_of(span) if span is not None else None

    def row_total(self) -> int:
        return len(self.session.index.order)

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        span = self.span_at(index.row())
        project = self.session.project
        if span is None or project is None:
            return None
        col = index.column()
        label = project.label(span[LABEL])
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return label.name if label else "?"
            if col == 1:
                text = MARKS.get(self.commented.get(span[ID], ""), "") + " ".join(
                    self.session.span_text(span).split()
                )
                return text if len(text) <= 140 else text[:139] + "…"
            if col == 2:
                links = self.session.relations.count(span[ID])
                return str(links) if links else ""
            if col == 4:
                return self.values.shown(span[ID])
            if col == ACTOR:
                return self.actors.name(span[ID]) if self.actors is not None else ""
            return project.people.get(span[ANNOTATOR], "?")
        if role == Qt.ItemDataRole.DecorationRole and col == 0 and label is not None:
            return QColor(label.color)
        if role == Qt.ItemDataRole.ToolTipRole:
            who = html.escape(project.people.get(span[ANNOTATOR], "?"))
            name = html.escape(label.name) if label else "?"
            guideline = tip(label.description) if label else ""  # the label's guideline, short
            actor = self.actors.name(span[ID]) if self.actors is not None else ""
            names = f"<br>actor: <b>{html.escape(actor)}</b>" if actor else ""
            return f"<b>{name}</b> by {who}, characters {span[START]}–{span[END]}{names}{guideline}"
        if role == Qt.ItemDataRole.TextAlignmentRole and col == 2:
            return int(Qt.AlignmentFlag.AlignCenter)
        return None


class SpanList(QTableView):
    """The list view; selecting a row selects the span in the article, and the other way round."""

    activated_span = Signal(int)

    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self.keys: KeyHandler | None = None
        # Before the model's own connections: the list stops painting before its rows change.
        for changing in (session.spanInserting, session.spanRemoving, session.spanUpdated):
            changing.connect(self._hold_paint)
        self._model = SpanListModel(session, self)
        self.setModel(self._model)
        configure_table(self)
        self.setSelectionMode(QAbstractItemView.SelectionMode.SingleSelection)
        header = self.horizontalHeader()
        header.setStretchLastSection(False)
        # Fixed widths: sizing to contents would read every row of a 50,000-span list.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Fixed)
        header.resizeSection(2, 40)
        header.setSectionResizeMode(3, QHeaderView.ResizeMode.Interactive)
        self.setColumnHidden(3, True)
        self.setColumnHidden(4, True)  # shown while the project's codebook has attributes
        session.reset.connect(lambda: self.setColumnHidden(4, not self._model.values.defined))
        self.setColumnHidden(ACTOR, True)  # shown while the document has spans linked to actors
        # Label and "By" give way in a narrow dock, so the text column never collapses.
        self.side_columns = SideColumns(self, {0: (96, 0.3), 3: (70, 0.16)})
        self._syncing = False
        self.selectionModel().currentRowChanged.connect(self._row_changed)
        session.selectionChanged.connect(self._follow)

    def model(self) -> SpanListModel:
        return self._model

    # Set by the main window to the article's ``after_paint.later``: then an edit's rows are
    # painted in the frame after the article's, not in it (None: with the change, as Qt does).
    later: Later | None = None

    def _hold_paint(self, _row: int) -> None:
        """The rows change now (the model follows the index at once); the paint waits a frame."""
        if self.later is not None and self.updatesEnabled():
            self.setUpdatesEnabled(False)
            self.later("span list", lambda: self.setUpdatesEnabled(True))  # repaints the list

    def actors_changed(self) -> None:
        """The document's links were re-read (ui.actors_column): show the column while it has any."""
        actors = self._model.actors
        self.setColumnHidden(ACTOR, actors is None or not actors.linked)
        self._model.columns_changed(ACTOR, ACTOR)

    def _row_changed(self, current: QModelIndex, _previous: QModelIndex) -> None:
        if self._syncing or not current.isValid() or self.model().removing:
            return
        span = self.model().span_at(current.row())
        if span is not None:
            self._syncing = True
            try:
                self.session.select(span[ID])
            finally:
                self._syncing = False
            self.activated_span.emit(span[ID])

    def _follow(self, span_id: object) -> None:
        if self._syncing:
            return
        row = self.model().row_of(span_id) if isinstance(span_id, int) else None
        self._syncing = True
        try:
            if row is None:
                self.selectionModel().clearSelection()
            else:
                index = self.model().index(row, 0)
                self.selectionModel().setCurrentIndex(
                    index,
                    QItemSelectionModel.SelectionFlag.ClearAndSelect | QItemSelectionModel.SelectionFlag.Rows,
                )
                self.scrollTo(index)
        finally:
            self._syncing = False

    def keyPressEvent(self, event: QKeyEvent) -> None:
        """Delete and label keys act on the selected span, as in the article."""
        text = event.text()
        ours = event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) or (len(text) == 1 and text.isalnum())
        if ours and self.keys is not None and self.keys.handle_key(event):
            return
        super().keyPressEvent(event)

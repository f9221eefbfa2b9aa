"""The relation list of the current document: type, from-span and to-span; Delete removes one."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from annotator.queries import RelationRow
from ui.article.index import LABEL
from ui.qt import (
    QColor,
    QHeaderView,
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
COLUMNS = ("Type", "From", "To")


class RelationListModel(TableModel):
    columns = COLUMNS

    def __init__(self, session: DocumentSession, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._rows: list[RelationRow] = []
        session.reset.connect(self.reload)
        session.completed.connect(self.reload)
        session.relationsChanged.connect(self.reload)
        session.spansChanged.connect(self._spans_changed)

    def reload(self) -> None:
        self.beginResetModel()
        self._rows = sorted(self.session.relations.values(), key=lambda r: r.id)
        self.endResetModel()

    def _spans_changed(self, _delta: object) -> None:
        self.columns_changed(1, 2)  # a relabel or resize changes how the ends read

    def relation_at(self, row: int) -> RelationRow | None:
        return self._rows[row] if 0 <= row < len(self._rows) else None

    def row_total(self) -> int:
        return len(self._rows)

    def _end(self, span_id: int) -> str:
        session = self.session
        span = session.span(span_id)
        project = session.project
        if span is None or project is None:
            return "(not shown)"
        label = project.label(span[LABEL])
        text = " ".join(session.span_text(span).split())
        text = text if len(text) <= 60 else text[:59] + "…"
        return f"{label.name if label else '?'}: {text}"

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        rel = self.relation_at(index.row())
        project = self.session.project
        if rel is None or project is None:
            return None
        kind = project.relation_type(rel.type_id)
        col = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            if col == 0:
                return kind.name if kind else "?"
            return self._end(rel.source_id if col == 1 else rel.target_id)
        if role == Qt.ItemDataRole.DecorationRole and col == 0 and kind is not None:
            return QColor(kind.color)
        if role == Qt.ItemDataRole.ToolTipRole:
            who = project.people.get(rel.annotator_id, "?")
            return f"{kind.name if kind else '?'} (by {who}); Delete removes it"
        return None


class RelationList(QTableView):
    """Selecting a row selects its from-span; Delete (or the context action) removes the relation."""

    delete_requested = Signal(int)

    def __init__(self, session: DocumentSession, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.session = session
        self._model = RelationListModel(session, self)
        self.setModel(self._model)
        configure_table(self)
        header = self.horizontalHeader()
        # Fixed widths: sizing to contents would read every row of a 50,000-span list.
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Interactive)
        self.side_columns = SideColumns(self, {0: (96, 0.3)})
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.Stretch)
        self.on_select: Callable[[int], None] | None = None
        self.clicked.connect(self._clicked)

    def model(self) -> RelationListModel:
        return self._model

    def current_relation(self) -> RelationRow | None:
        return self.model().relation_at(self.currentIndex().row())

    def _clicked(self, index: QModelIndex) -> None:
        rel = self.model().relation_at(index.row())
        if rel is not None and self.on_select is not None:
            self.on_select(rel.source_id)

    def keyPressEvent(self, event: QKeyEvent) -> None:
        rel = self.current_relation()
        if event.key() in (Qt.Key.Key_Delete, Qt.Key.Key_Backspace) and rel is not None:
            self.delete_requested.emit(rel.id)
            return
        super().keyPressEvent(event)

"""What the list views share: flat tables that stay fast with 50,000 rows, and their model base."""

from __future__ import annotations

from typing import Any

from ui.qt import (
    QAbstractItemView,
    QAbstractTableModel,
    QEvent,
    QHeaderView,
    QModelIndex,
    QObject,
    QPersistentModelIndex,
    Qt,
    QTableView,
)

Index = QModelIndex | QPersistentModelIndex


def configure_table(view: QTableView) -> None:
    """Fixed row heights and no per-row sizing: inserting a row never makes Qt read every row."""
    view.setShowGrid(False)
    view.setWordWrap(False)
    view.setAlternatingRowColors(True)
    view.setTextElideMode(Qt.TextElideMode.ElideRight)
    view.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
    view.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
    view.setHorizontalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
    rows = view.verticalHeader()
    rows.hide()
    rows.setSectionResizeMode(QHeaderView.ResizeMode.Fixed)
    rows.setDefaultSectionSize(view.fontMetrics().height() + 8)
    header = view.horizontalHeader()
    header.setHighlightSections(False)
    header.setDefaultAlignment(Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter)


class SideColumns(QObject):
    """Keeps a list's text column readable in a narrow dock: the side columns (label, who) take
    their preferred width when there is room and give it up, down to a share of the view, when
    there is not, so the stretching text column keeps at least about half the width."""

    def __init__(self, view: QTableView, preferred: dict[int, tuple[int, float]]) -> None:
        super().__init__(view)
        self._view = view
        self._preferred = preferred  # column -> (preferred width, largest share of the view)
        for column, (width, _share) in preferred.items():
            view.horizontalHeader().resizeSection(column, width)
        view.viewport().installEventFilter(self)

    def fit(self) -> None:
        width = self._view.viewport().width()
        if width <= 0:
            return
        header = self._view.horizontalHeader()
        for column, (preferred, share) in self._preferred.items():
            if not self._view.isColumnHidden(column):
                header.resizeSection(column, max(24, min(preferred, int(width * share))))

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() == QEvent.Type.Resize:
            self.fit()
        return False


class TableModel(QAbstractTableModel):
    """A flat list as a table: named columns over rows the subclass holds or reads from the core.

    Qt asks only for the cells it paints, so a subclass answers ``row_total`` and ``data`` from
    what it already has (a page of documents, the session's span index) and never reads per cell.
    """

    columns: tuple[str, ...] = ()

    def row_total(self) -> int:
        raise NotImplementedError

    def rowCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else self.row_total()

    def columnCount(self, parent: Index = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.columns)

    def headerData(
        self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole
    ) -> Any:
        if orientation == Qt.Orientation.Horizontal and role == Qt.ItemDataRole.DisplayRole:
            return self.columns[section]
        return None

    def row_changed(self, row: int) -> None:
        """Every cell of one row reads anew (a span relabelled, a document's count changed)."""
        self.dataChanged.emit(self.index(row, 0), self.index(row, len(self.columns) - 1))

    def columns_changed(self, first: int = 0, last: int | None = None) -> None:
        """Every row's cells in columns ``first``..``last`` read anew (names or links re-read)."""
        rows = self.rowCount()
        if rows:
            last = len(self.columns) - 1 if last is None else last
            self.dataChanged.emit(self.index(0, first), self.index(rows - 1, last))

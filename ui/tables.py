"""Shared set-up of the list views: flat tables that stay fast with 50,000 rows."""

from __future__ import annotations

from ui.qt import QAbstractItemView, QEvent, QHeaderView, QObject, Qt, QTableView


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

"""The Suggestions dock: the open document's pending suggestions, filtered, decided in bulk.

A lazy table over the layer's rows (read through the project object): Qt asks only for the cells
it paints, and rows arrive in pages as the list scrolls. Filters by label, minimum score and
source; "Accept shown" / "Reject shown" decide every row the filters leave, in one undo step.
"""

from __future__ import annotations

from typing import Any

from annotator.suggest.store import RelationSuggestionRow, SpanSuggestionRow
from ui.qt import (
    QComboBox,
    QDoubleSpinBox,
    QHBoxLayout,
    QHeaderView,
    QModelIndex,
    QObject,
    QPushButton,
    Qt,
    QTableView,
    QVBoxLayout,
    QWidget,
)
from ui.suggest_layer import SuggestionLayer
from ui.tables import Index, TableModel, configure_table

PAGE = 500
ALL = "(all)"
Row = SpanSuggestionRow | RelationSuggestionRow


class SuggestionModel(TableModel):
    columns = ("Label", "Score", "Source", "Text")

    def __init__(self, layer: SuggestionLayer, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.label = ALL
        self.source = ALL
        self.least = 0.0
        self._rows: list[Row] = []
        self._shown = 0

    def reload(self) -> None:
        self.beginResetModel()
        rows: list[Row] = [*self.layer.items, *self.layer.relations]
        self._rows = [r for r in rows if self._keep(r)]
        self._shown = min(PAGE, len(self._rows))
        self.endResetModel()

    def _keep(self, row: Row) -> bool:
        name = row.label if isinstance(row, SpanSuggestionRow) else row.type
        return row.score >= self.least and self.label in (ALL, name) and self.source in (ALL, row.source)

    def rows(self) -> list[Row]:
        """Every row the filters leave (also those not fetched yet)."""
        return list(self._rows)

    def row_at(self, n: int) -> Row | None:
        return self._rows[n] if 0 <= n < self._shown else None

    def row_total(self) -> int:
        return self._shown

    def canFetchMore(self, parent: Index = QModelIndex()) -> bool:  # noqa: B008
        return not parent.isValid() and self._shown < len(self._rows)

    def fetchMore(self, parent: Index = QModelIndex()) -> None:  # noqa: B008
        more = min(PAGE, len(self._rows) - self._shown)
        self.beginInsertRows(QModelIndex(), self._shown, self._shown + more - 1)
        self._shown += more
        self.endInsertRows()

    def data(self, index: Index, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        row = self.row_at(index.row())
        if row is None or role not in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.ToolTipRole):
            return None
        col = index.column()
        if isinstance(row, SpanSuggestionRow):
            cells = (row.label, f"{row.score:.2f}", row.source, " ".join(row.text.split()))
        else:
            ends = [self.layer.end(i) for i in (row.source_id, row.target_id)]
            text = " → ".join(" ".join(e.text.split())[:40] if e else "?" for e in ends)
            cells = (row.type, f"{row.score:.2f}", row.source, text)
        return cells[col]


class SuggestionPanel(QWidget):
    def __init__(self, layer: SuggestionLayer, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.layer = layer
        self.model = SuggestionModel(layer, self)
        self.labels = QComboBox(self)
        self.labels.setToolTip("Only this label or relation type")
        self.sources = QComboBox(self)
        self.sources.setToolTip("Only this source (rules@1, model:NAME@VERSION, spacy:PIPELINE)")
        self.least = QDoubleSpinBox(self)
        self.least.setRange(0.0, 1.0)
        self.least.setSingleStep(0.05)
        self.least.setDecimals(2)
        self.least.setPrefix("score ≥ ")
        self.table = QTableView(self)
        configure_table(self.table)
        self.table.setModel(self.model)
        self.table.horizontalHeader().setSectionResizeMode(3, QHeaderView.ResizeMode.Stretch)
        self.accept_button = QPushButton("Accept shown", self)
        self.reject_button = QPushButton("Reject shown", self)
        filters = QHBoxLayout()
        for widget in (self.labels, self.least, self.sources):
            filters.addWidget(widget)
        buttons = QHBoxLayout()
        buttons.addWidget(self.accept_button)
        buttons.addWidget(self.reject_button)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(4, 4, 4, 4)
        layout.addLayout(filters)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layer.changed.connect(self._reload)
        self.labels.currentTextChanged.connect(self._filter)
        self.sources.currentTextChanged.connect(self._filter)
        self.least.valueChanged.connect(self._filter)
        self.accept_button.clicked.connect(lambda: self.decide(accepting=True))
        self.reject_button.clicked.connect(lambda: self.decide(accepting=False))
        self.table.clicked.connect(self._reveal)
        self._reload()

    def _reload(self) -> None:
        rows: list[Row] = [*self.layer.items, *self.layer.relations]
        self._fill(
            self.labels, sorted({r.label if isinstance(r, SpanSuggestionRow) else r.type for r in rows})
        )
        self._fill(self.sources, sorted({r.source for r in rows}))
        self._filter()

    @staticmethod
    def _fill(box: QComboBox, names: list[str]) -> None:
        current = box.currentText() or ALL
        box.blockSignals(True)
        box.clear()
        box.addItems([ALL, *names])
        box.setCurrentText(current if current in names else ALL)
        box.blockSignals(False)

    def _filter(self, *_args: object) -> None:
        self.model.label = self.labels.currentText() or ALL
        self.model.source = self.sources.currentText() or ALL
        self.model.least = self.least.value()
        self.model.reload()
        n = len(self.model.rows())
        self.accept_button.setEnabled(n > 0)
        self.reject_button.setEnabled(n > 0)

    def decide(self, *, accepting: bool) -> bool:
        """Accept or reject every suggestion the filters leave, as one undo step."""
        rows = self.model.rows()
        spans = [r.id for r in rows if isinstance(r, SpanSuggestionRow)]
        relations = [r.id for r in rows if isinstance(r, RelationSuggestionRow)]
        return self.layer.decide(spans, relations, accepting=accepting)

    def _reveal(self, index: QModelIndex) -> None:
        row = self.model.row_at(index.row())
        if isinstance(row, SpanSuggestionRow):
            self.layer.select(row.id)
        elif row is not None and (end := self.layer.end(row.source_id)) is not None:
            self.layer.reveal(end.start, end.end)  # a link: where its quote (first end) is

"""The list models (documents, spans, relations, disagreements) share one table base."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from ui.documents import DocumentListModel
from ui.qt import Qt
from ui.relations import RelationListModel
from ui.review.units import DisagreementModel
from ui.spans import SpanListModel
from ui.tables import TableModel


class _Three(TableModel):
    columns = ("A", "B", "C")

    def row_total(self) -> int:
        return 4


def test_the_four_list_models_are_table_models() -> None:
    for model in (DocumentListModel, SpanListModel, RelationListModel, DisagreementModel):
        assert issubclass(model, TableModel), model


def test_the_base_counts_names_and_announces_changes(qtbot: QtBot) -> None:
    model = _Three()
    seen: list[tuple[int, int, int, int]] = []
    model.dataChanged.connect(
        lambda first, last, *_: seen.append((first.row(), first.column(), last.row(), last.column()))
    )
    assert (model.rowCount(), model.columnCount()) == (4, 3)
    assert model.rowCount(model.index(0, 0)) == 0  # a flat table: no children
    assert [model.headerData(i, Qt.Orientation.Horizontal) for i in range(3)] == ["A", "B", "C"]
    model.row_changed(2)
    model.columns_changed(1, 1)
    model.columns_changed()
    assert seen == [(2, 0, 2, 2), (0, 1, 3, 1), (0, 0, 3, 2)]

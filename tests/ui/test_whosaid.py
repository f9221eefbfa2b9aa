"""Review ▸ Who said what…: the menu row opens it, each grouping fills the table and the chart,
CSV and PNG exports are real files, and an actor's documents open in the main window."""

from __future__ import annotations

import csv
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.ops.importer import import_records
from annotator.records import DocRecord, SpanRecord
from annotator.store import Store
from tests.core.whosaid_fixture import SECOND, whosaid_project
from ui import whosaid as whosaid_ui
from ui.main_window import MainWindow
from ui.qt import QImage, Qt
from ui.whosaid import WhoSaidView

Open = Callable[..., MainWindow]


def _double_click(qtbot: QtBot, view: WhoSaidView, row: int) -> None:
    rect = view.table.visualRect(view.model.index(row, 0))
    qtbot.mouseClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    qtbot.mouseDClick(view.table.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_groupings_exports_and_documents(
    qtbot: QtBot,
    open_window: Open,
    store: Store,
    project: Project,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    fx = whosaid_project(store, project.id)
    window = open_window()
    window.actions_by_name["whosaid"].trigger()
    view = window.findChild(WhoSaidView, "whosaid")
    assert view is not None
    qtbot.waitUntil(lambda: view.said is not None)
    assert view.summary.text() == "5 quote(s) and 2 claim(s) in every annotator's own layer, summed"
    assert view.model.columns[0] == "actor"
    assert [view.model.index(r, 0).data() for r in range(view.model.rowCount())] == [
        "Antony Blinken",
        "He",
        "(no speaker)",
        "The mayor",
    ]
    assert view.chart.names[:2] == ["Antony Blinken", "He"] and view.chart.horizontal

    _double_click(qtbot, view, 1)  # "He": in the first and the third article
    assert [view.documents.item(i).text() for i in range(view.documents.count())] == ["Talks", "Fine"]
    assert "Documents where He speaks (2)" in view.documents_label.text()
    view.documents.setCurrentRow(1)
    qtbot.keyClick(view.documents, Qt.Key.Key_Return)
    assert window.session.doc_id == fx.documents[2]

    view.by.setCurrentIndex(view.by.findData("month"))
    assert view.model.columns[0] == "month"
    assert [view.model.index(r, 0).data() for r in range(view.model.rowCount())] == [
        "2024-05",
        "2024-06",
        "2024-07",
        "undated",
    ]
    assert not view.chart.horizontal and view.chart.values == [[3, 0, 1, 1], [1, 0, 1, 0]]

    view.by.setCurrentIndex(view.by.findData("outlet"))
    target = {"csv": tmp_path / "outlets", "png": tmp_path / "chart.png"}
    asked = ["csv"]
    monkeypatch.setattr(whosaid_ui, "get_save_file_name", lambda *_a: (str(target[asked[0]]), ""))
    qtbot.mouseClick(view.csv_button, Qt.MouseButton.LeftButton)
    with (tmp_path / "outlets.csv").open(encoding="utf-8", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert [(r["outlet"], r["quotes"], r["claims"], r["speakers"]) for r in rows] == [
        ("Reuters", "4", "1", "2"),
        ("example-news.com", "1", "1", "1"),
    ]
    asked[0] = "png"
    qtbot.mouseClick(view.png_button, Qt.MouseButton.LeftButton)
    image = QImage(str(target["png"]))
    assert not image.isNull() and image.width() == view.chart.width()
    assert view.summary.text() == f"Exported {target['png']}"


def test_another_layer_and_refresh_read_again(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    fx = whosaid_project(store, project.id)
    window = open_window()
    window.actions_by_name["whosaid"].trigger()
    view = window.findChild(WhoSaidView, "whosaid")
    assert view is not None
    qtbot.waitUntil(lambda: view.said is not None)
    view.layer.setCurrentText("bob")
    qtbot.waitUntil(lambda: view.said is not None and view.said.layer == "annotator:bob")
    assert view.model.rowCount() == 1 and view.model.index(0, 2).data() == "1"
    with store.transaction() as tx:  # bob quotes the mayor meanwhile
        import_records(
            tx,
            project.id,
            [DocRecord(SECOND, spans=[SpanRecord(15, 29, "QUOTE", "bob", key="q")])],
        )
    view.said = None
    qtbot.mouseClick(view.refresh_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: view.said is not None)
    assert [view.model.index(r, 0).data() for r in range(view.model.rowCount())] == [
        "(no speaker)",  # one each: ties go by name
        "Antony Blinken",
    ]
    assert view.model.rows[0].documents == (fx.documents[1],)

"""Merging a teammate's export as a background job, and the agreement panel (demo project, and a
hand-made case whose confusion matrix is known)."""

from __future__ import annotations

import math
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.demo import create_demo
from annotator.export import export
from annotator.model import Project
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project
from annotator.queries import span_table
from annotator.records import DocRecord, SpanRecord
from annotator.review.curation import annotator_rows
from annotator.review.merge import MergeSummary
from annotator.store import Store, open_store
from tests.ui.test_review import TEXT, make_review_doc
from ui.main_window import MainWindow
from ui.project import open_project
from ui.qt import QApplication, Qt
from ui.review.merge import run_merge

SQLITE_ONLY = pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)


@SQLITE_ONLY
def test_merging_a_native_export_runs_as_a_job_and_summarises(
    open_window: Callable[..., MainWindow], store: Store, project: Project, qtbot: QtBot, tmp_path: Path
) -> None:
    window = open_window(annotator="alice")
    make_review_doc(store, project.id)
    mate = open_store(f"sqlite:///{tmp_path / 'mate.db'}")
    with mate.transaction() as tx:
        theirs = create_project(tx, "Mate").id
        import_records(
            tx,
            theirs,
            [
                DocRecord(
                    TEXT, spans=[SpanRecord(6, 14, "ACTOR", "carol"), SpanRecord(0, 5, "ACTOR", "alice")]
                ),
                DocRecord("A text only carol has.", spans=[SpanRecord(17, 22, "ACTOR", "carol")]),
            ],
        )
    path = tmp_path / "carol.jsonl"
    with mate.session() as s:
        export(s, theirs, "jsonl", path)
    mate.close()
    offered: list[list[str]] = []
    done: list[MergeSummary] = []
    assert window.project is not None

    def choose(names: list[str]) -> list[str]:
        offered.append(names)
        return ["carol"]

    run_merge(window, window.project, path, window.report, choose=choose, on_done=done.append)
    qtbot.waitUntil(lambda: bool(done), timeout=10000)
    summary = done[0]
    assert offered == [["alice", "carol"]]
    assert (summary.annotators, summary.documents_added, summary.spans_added) == (["carol"], 1, 2)
    assert "merged carol: 1 new document(s); spans +2" in summary.summary()
    with store.session() as s:
        people = {a.name: a.id for a in annotator_rows(s, project.id)}
        assert len([r for doc in (1, 2) for r in span_table(s, doc, [people["carol"]])]) == 2
        assert span_table(s, 1, [people["alice"]])[0][:2] != (0, 5)  # alice's old copy stayed out
    qtbot.waitUntil(lambda: window.documents.model.total == 2)


@SQLITE_ONLY
def test_agreement_panel_on_the_demo_project(qtbot: QtBot, backend_url: str) -> None:
    store = open_store(backend_url)
    create_demo(store)
    store.close()
    window = MainWindow("riley", restore=False)
    qtbot.addWidget(window)
    window.set_project(open_project(backend_url, "Demo", "riley"))
    window.show()
    panel = window.review.show_agreement()
    assert panel is not None
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=15000)
    figures = panel.figures
    assert figures is not None and figures.annotators == ("alice", "bob") and figures.documents == 3
    assert panel.card_values["span_f1_exact"].text() == f"{figures.overall['span_f1_exact']:.2f}"
    assert panel.chart.groups == ["ACTOR", "CLAIM", "QUOTE"] and len(panel.chart.series) == 4
    assert all(not math.isnan(v) for v in panel.chart.values.values())
    assert panel.pair.currentText() == "alice × bob" and panel.matrix.rowCount() == 4
    # Only the current document: fewer spans, recomputed on the worker thread.
    panel.doc_set.setCurrentIndex(panel.doc_set.findData("current"))
    qtbot.mouseClick(panel.compute_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: panel.figures is not figures and panel.figures is not None, timeout=15000)
    assert panel.figures is not None and panel.figures.documents == 1
    panel.close()
    window.close()


@SQLITE_ONLY
def test_confusion_matrix_of_a_hand_made_case(
    open_window: Callable[..., MainWindow], store: Store, project: Project, qtbot: QtBot
) -> None:
    make_review_doc(store, project.id)
    window = open_window(annotator="riley")
    qtbot.keyClick(
        window.pane.view,
        Qt.Key.Key_G,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    panel = window.review.agreement
    assert panel is not None
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=15000)
    table = panel.matrix
    labels = [table.horizontalHeaderItem(j).text() for j in range(table.columnCount())]
    assert labels == ["ACTOR", "CLAIM", "QUOTE", "∅ none"]
    cells = {
        (labels[i], labels[j]): int(table.item(i, j).text())
        for i in range(table.rowCount())
        for j in range(table.columnCount())
    }
    # Ana Ruiz ACTOR/ACTOR; the claims overlap; "Critics" ACTOR/QUOTE; alice's "the plan" alone.
    assert {k: v for k, v in cells.items() if v} == {
        ("ACTOR", "ACTOR"): 1,
        ("CLAIM", "CLAIM"): 1,
        ("ACTOR", "QUOTE"): 1,
        ("CLAIM", "∅ none"): 1,
    }
    assert table.item(0, 0).font().bold() and not table.item(0, 2).font().bold()
    assert "rows: alice, columns: bob" in panel.pair_heading.text()
    panel.close()
    assert QApplication.activeModalWidget() is None

"""The lazy document list with its filter, and import/export running off the GUI thread."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable
from pathlib import Path

from pytestqt.qtbot import QtBot

from annotator.formats.sources import FORMATS
from annotator.model import Project
from annotator.ops.documents import set_status
from annotator.queries import document_count
from annotator.store import Store
from tests.ui.conftest import add_docs
from tests.ui.helpers import select_with_keys
from ui.documents import PAGE
from ui.jobs import JobDialog, start
from ui.main_window import MainWindow
from ui.qt import Qt
from ui.transfer import FORMAT_NAMES, ImportDialog, ImportOutcome, export_work, import_work

Open = Callable[..., MainWindow]


def test_document_list_fetches_pages_and_filters_in_the_query(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    texts = [f"Article {i}: the {'harbour' if i % 50 == 0 else 'council'} met." for i in range(PAGE * 4 + 30)]
    ids = add_docs(store, project.id, *texts)
    with store.transaction() as tx:
        set_status(tx, ids[:5], "done")
    window = open_window()
    model = window.documents.model
    assert model.total == len(texts)
    assert model.rowCount() in (PAGE, 2 * PAGE)  # a page, or two when the view asked for more
    assert model.canFetchMore()
    while model.canFetchMore():
        model.fetchMore()
    assert model.rowCount() == len(texts)
    assert not model.canFetchMore()

    window.documents.filter.setText("harbour")
    qtbot.waitUntil(lambda: model.total == 17, timeout=2000)
    assert model.rowCount() == 17
    window.documents.filter.clear()
    window.documents.status.setCurrentIndex(window.documents.status.findData("done"))
    qtbot.waitUntil(lambda: model.total == 5, timeout=2000)
    assert {model.doc_at(r).status for r in range(model.rowCount())} == {"done"}  # type: ignore[union-attr]


def test_span_counts_refresh_after_annotating(qtbot: QtBot, open_window: Open) -> None:
    window = open_window("The minister spoke.", "Another article.")
    model = window.documents.model
    row = model.row_of(window.session.doc_id)  # type: ignore[arg-type]
    assert row is not None
    view = window.pane.view
    select_with_keys(qtbot, view, 4, 8)
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: model.doc_at(row).spans == 1, timeout=2000)  # type: ignore[union-attr]
    assert model.doc_at(row).status == "in progress"  # type: ignore[union-attr]


def test_import_job_reports_progress_and_adds_documents(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, tmp_path: Path
) -> None:
    window = open_window("Existing article.")
    files = []
    for i in range(3):
        path = tmp_path / f"a{i}.txt"
        path.write_text(f"Title {i}\nBody of article {i}.", encoding="utf-8")
        files.append(path)
    results: list[object] = []
    errors: list[str] = []
    work = import_work(window.project, files, "auto", "text", False, window)  # type: ignore[arg-type]
    dialog = start(window, "Importing", work, results.append, errors.append)
    qtbot.waitUntil(lambda: bool(results or errors), timeout=10000)
    assert errors == [] and dialog.job.finished.wait(5)
    with store.session() as session:
        assert document_count(session, project.id) == 4
    qtbot.waitUntil(lambda: window.documents.model.total == 4, timeout=2000)


def test_cancelled_import_changes_nothing(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, tmp_path: Path
) -> None:
    window = open_window("Existing article.")
    files = []
    for i in range(30):
        path = tmp_path / f"b{i}.txt"
        path.write_text(f"Article {i}", encoding="utf-8")
        files.append(path)
    inner = import_work(window.project, files, "auto", "text", False, window)  # type: ignore[arg-type]
    results: list[object] = []
    errors: list[str] = []
    started = threading.Event()
    holder: dict[str, JobDialog] = {}

    def work(progress: object) -> object:
        started.wait(5)
        holder["dialog"].job.cancel()  # the user presses Cancel before anything is stored
        return inner(progress)  # type: ignore[arg-type]

    holder["dialog"] = start(window, "Importing", work, results.append, errors.append)
    started.set()
    qtbot.waitUntil(lambda: bool(results or errors), timeout=10000)
    assert results == [] and errors and errors[0].startswith("Cancelled")
    with store.session() as session:
        assert document_count(session, project.id) == 1


def test_export_job_writes_native_jsonl(
    qtbot: QtBot, open_window: Open, store: Store, tmp_path: Path
) -> None:
    window = open_window("First article.", "Second article.")
    view = window.pane.view
    select_with_keys(qtbot, view, 0, 5)
    qtbot.keyClick(view, Qt.Key.Key_C)
    out = tmp_path / "out.jsonl"
    results: list[object] = []
    errors: list[str] = []
    start(
        window, "Exporting", export_work(window.project, "jsonl", out, False), results.append, errors.append
    )  # type: ignore[arg-type]
    qtbot.waitUntil(lambda: bool(results or errors), timeout=10000)
    assert errors == []
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert len(lines) == 2
    assert sum(len(doc.get("spans", [])) for doc in lines) == 1


def test_import_outcome_keeps_what_the_readers_skipped(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, tmp_path: Path
) -> None:
    """A brat file with an event line: the span is stored, the skipped event is in the outcome the
    window shows, and the user's name is on the span."""
    window = open_window("Existing article.")
    (tmp_path / "d.txt").write_text("Ann spoke.", encoding="utf-8")
    (tmp_path / "d.ann").write_text("T1\tACTOR 0 3\tAnn\nE1\tSpeak:T1\n", encoding="utf-8")
    results: list[ImportOutcome] = []
    errors: list[str] = []
    work = import_work(window.project, [tmp_path / "d.ann"], "auto", "text", True, window)  # type: ignore[arg-type]
    start(window, "Importing", work, results.append, errors.append)
    qtbot.waitUntil(lambda: bool(results or errors), timeout=10000)
    assert errors == []
    (outcome,) = results
    assert outcome.result.spans_added == 1 and outcome.needs_attention
    assert "skipped 1: brat events" in outcome.summary()


def test_the_format_box_names_every_format(qtbot: QtBot) -> None:
    dialog = ImportDialog()
    qtbot.addWidget(dialog)
    keys = [dialog.format.itemData(i) for i in range(dialog.format.count())]
    names = [dialog.format.itemText(i) for i in range(dialog.format.count())]
    assert keys == list(FORMATS)
    assert all(name == FORMAT_NAMES[key] and name != key for key, name in zip(keys, names, strict=True))

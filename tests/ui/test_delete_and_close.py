"""Deleting documents from the list (Delete, undo, redo) and closing the window while an import or
an export runs: it asks, and cancelling waits until the work has rolled back."""

from __future__ import annotations

import subprocess
import sys
import threading
from collections.abc import Callable
from pathlib import Path
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import func, select

from annotator.model import Annotation, Document, Project
from annotator.ops.documents import delete_documents
from annotator.store import Store
from tests.ui.helpers import answer_question, select_with_keys
from ui.jobs import Job, Progress, start
from ui.main_window import MainWindow
from ui.qt import Qt
from ui.transfer import ImportDialog, export_work, import_work

Open = Callable[..., MainWindow]


def _count(store: Store, model: Any = Document) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_delete_key_in_the_list_deletes_the_selected_documents_and_undo_restores_them(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    window = open_window("First article about a bridge.", "Second article.", "Third article.")
    first, second, third = (window.documents.model.doc_at(r).id for r in range(3))  # type: ignore[union-attr]
    view = window.pane.view
    select_with_keys(qtbot, view, 0, 5)
    qtbot.keyClick(view, Qt.Key.Key_C)  # a span on the first document
    qtbot.waitUntil(lambda: _count(store, Annotation) == 1, timeout=2000)
    with store.session() as s:
        span_id = s.scalar(select(Annotation.id))

    listing = window.documents.view
    listing.setFocus()
    qtbot.waitUntil(listing.hasFocus, timeout=2000)
    listing.setCurrentIndex(window.documents.model.index(0, 0))
    qtbot.keyClick(listing, Qt.Key.Key_Down, Qt.KeyboardModifier.ShiftModifier)  # first two selected
    qtbot.keyClick(listing, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 1, timeout=2000)
    assert _count(store) == 1 and _count(store, Annotation) == 0
    assert window.session.doc_id == third  # the open document went: its neighbour is shown
    assert "Ctrl+Z" in window.statusBar().currentMessage()

    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 3, timeout=2000)
    with store.session() as s:
        assert sorted(s.scalars(select(Document.id))) == [first, second, third]  # the same ids
        assert s.scalar(select(Annotation.id)) == span_id
    assert window.session.doc_id == first

    qtbot.keyClick(
        window.pane.view,
        Qt.Key.Key_Z,
        Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier,
    )
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 1, timeout=2000)
    assert _count(store) == 1


def test_delete_in_the_article_still_deletes_only_the_span(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    window = open_window("An article with a claim.", "Another.")
    view = window.pane.view
    select_with_keys(qtbot, view, 0, 2)
    qtbot.keyClick(view, Qt.Key.Key_C)
    qtbot.waitUntil(lambda: _count(store, Annotation) == 1, timeout=2000)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    qtbot.waitUntil(lambda: _count(store, Annotation) == 0, timeout=2000)
    assert _count(store) == 2


class _HeldProgress:
    """Wraps a job's Progress: once the work reaches ``stage``, it waits there until the user
    cancels (as a long import or export would still be running)."""

    def __init__(self, progress: Progress, stage: str) -> None:
        self._progress, self._stage, self._held = progress, stage, False
        self.reached = threading.Event()

    def stage(self, text: str, total: int) -> None:
        self._progress.stage(text, total)
        self._held = self._held or text.startswith(self._stage)

    def __call__(self, units: int = 1) -> None:
        if self._held:
            self.reached.set()
            self._progress._job.cancel_requested.wait(30)
        self._progress(units)


def _held_job(qtbot: QtBot, window: MainWindow, title: str, work: Any, stage: str) -> Any:
    """Start ``work`` as the window would, and wait until it is held inside ``stage``."""
    held: list[_HeldProgress] = []

    def slow(progress: Progress) -> Any:
        held.append(_HeldProgress(progress, stage))
        return work(held[0])

    dialog = start(window, title, slow, lambda _r: None, lambda _m: None)
    window.jobs.append(dialog)
    qtbot.waitUntil(lambda: bool(held) and held[0].reached.is_set(), timeout=5000)
    return dialog


def _running_import(qtbot: QtBot, window: MainWindow, tmp_path: Path) -> Any:
    files = []
    for i in range(3):
        path = tmp_path / f"new{i}.txt"
        path.write_text(f"New article {i}\nIts body {i}.", encoding="utf-8")
        files.append(path)
    work = import_work(window.project, files, "auto", "text", False, window)  # type: ignore[arg-type]
    return _held_job(qtbot, window, "Importing documents", work, "Storing")


def test_closing_during_an_import_asks_and_keep_working_keeps_it_running(
    qtbot: QtBot, open_window: Open, store: Store, tmp_path: Path
) -> None:
    window = open_window("Existing article.")
    dialog = _running_import(qtbot, window, tmp_path)
    seen: list[str] = []
    answer_question(qtbot, "Keep working", seen)
    window.close()
    assert seen and "importing documents" in seen[0]
    assert window.isVisible() and not dialog.job.finished.is_set()
    dialog.job.cancel()
    assert dialog.job.finished.wait(10)
    assert _count(store) == 1


def test_closing_during_an_import_cancels_it_and_waits_for_the_rollback(
    qtbot: QtBot, open_window: Open, store: Store, tmp_path: Path
) -> None:
    window = open_window("Existing article.")
    dialog = _running_import(qtbot, window, tmp_path)
    job = dialog.job
    seen: list[str] = []
    answer_question(qtbot, "Cancel it and close", seen)
    window.close()
    # close() returned: the job had already ended, before the window let go of the database.
    assert seen and job.finished.is_set() and not window.isVisible()
    assert _count(store) == 1  # the first chunk it had written was rolled back


def test_closing_during_an_export_cancels_it_and_leaves_no_partial_file(
    qtbot: QtBot, open_window: Open, tmp_path: Path
) -> None:
    window = open_window(*(f"Article number {i}." for i in range(5)))
    out = tmp_path / "out" / "corpus.jsonl"
    work = export_work(window.project, "jsonl", out)  # type: ignore[arg-type]
    job = _held_job(qtbot, window, "Exporting", work, "Exporting").job
    seen: list[str] = []
    answer_question(qtbot, "Cancel it and close", seen)
    window.close()
    assert seen and job.finished.is_set() and not window.isVisible()
    assert not out.exists()
    assert not out.parent.exists() or list(out.parent.iterdir()) == []  # no .part file either


def test_closing_without_running_work_asks_nothing(qtbot: QtBot, open_window: Open, project: Project) -> None:
    window = open_window("Article.")
    window.close()
    assert not window.isVisible()


def test_a_document_deleted_by_another_process_closes_in_the_app(
    qtbot: QtBot, open_window: Open, backend_url: str
) -> None:
    """`annotator rm` from a shell while the app shows that document: the app moves on."""
    window = open_window("Shown first.", "Shown next.")
    shown = window.session.doc_id
    assert shown is not None and window.project is not None
    window.project.store.poll()  # the starting point of "what others changed"
    done = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "--db", backend_url, "rm", str(shown)],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    qtbot.waitUntil(lambda: window.documents.model.rowCount() == 1, timeout=10000)
    qtbot.waitUntil(lambda: window.session.doc_id not in (None, shown), timeout=5000)


def test_the_import_dialog_skips_deleted_documents_unless_asked(
    qtbot: QtBot, open_window: Open, store: Store, tmp_path: Path
) -> None:
    window = open_window("Kept article.")
    path = tmp_path / "gone.txt"
    path.write_text("Gone article\nIts body.", encoding="utf-8")
    first = import_work(window.project, [path], "auto", "text", False, window)  # type: ignore[arg-type]
    outcome = run_work(first)
    with store.transaction() as tx:
        delete_documents(tx, outcome.result.document_ids)
    again = run_work(import_work(window.project, [path], "auto", "text", False, window))  # type: ignore[arg-type]
    assert again.result.documents_added == 0 and again.result.documents_deleted == 1
    back = run_work(import_work(window.project, [path], "auto", "text", False, window, restore_deleted=True))  # type: ignore[arg-type]
    assert back.result.documents_added == 1
    dialog = ImportDialog(window)
    qtbot.addWidget(dialog)
    assert not dialog.restore_deleted.isChecked()


def run_work(work: Any) -> Any:
    """Run a job's work function on this thread with a progress that never cancels."""
    job = Job(work)
    return work(Progress(job))

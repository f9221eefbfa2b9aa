"""The app's import writes as its user; keeping a file's names is a reviewer's explicit choice."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.model import Annotation, Annotator, Project
from annotator.store import Store
from ui.jobs import start
from ui.main_window import MainWindow
from ui.qt import Qt
from ui.transfer import ImportDialog, import_work

Open = Callable[..., MainWindow]
TEXT = "Mayor Ana Ruiz said the bridge opens in May."


def _file(tmp_path: Path) -> Path:
    path = tmp_path / "theirs.jsonl"
    spans = [
        {"id": 1, "start": 6, "end": 14, "label": "ACTOR", "annotator": "bob"},
        {"id": 2, "start": 0, "end": 5, "label": "ACTOR", "annotator": "gold"},
    ]
    path.write_text(json.dumps({"text": TEXT, "spans": spans}) + "\n", encoding="utf-8")
    return path


def _run(qtbot: QtBot, window: MainWindow, path: Path, keep: bool) -> tuple[list[object], list[str]]:
    results: list[object] = []
    errors: list[str] = []
    work = import_work(window.project, [path], "auto", "text", False, window, keep)  # type: ignore[arg-type]
    start(window, "Importing", work, results.append, errors.append)
    qtbot.waitUntil(lambda: bool(results or errors), timeout=10000)
    return results, errors


def test_the_apps_import_makes_every_label_the_users_unless_a_reviewer_keeps_names(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, tmp_path: Path
) -> None:
    window = open_window("Existing article.")  # alice, an annotator
    dialog = ImportDialog(window)
    qtbot.addWidget(dialog)
    assert not dialog.keep_annotators.isChecked()
    qtbot.mouseClick(dialog.keep_annotators, Qt.MouseButton.LeftButton)
    assert dialog.keep_annotators.isChecked()
    # alice ticks "keep the names": she is no reviewer, so nothing is imported.
    results, errors = _run(qtbot, window, _file(tmp_path), dialog.keep_annotators.isChecked())
    assert results == [] and "alice is not a reviewer of the project" in errors[0]
    qtbot.mouseClick(dialog.keep_annotators, Qt.MouseButton.LeftButton)
    results, errors = _run(qtbot, window, _file(tmp_path), dialog.keep_annotators.isChecked())
    assert errors == []
    assert "2 label(s) the file gives to others (bob 1, gold 1) imported as alice's" in results[0].summary()  # type: ignore[attr-defined]
    with store.session() as s:
        owners = set(
            s.scalars(select(Annotator.name).join(Annotation, Annotation.annotator_id == Annotator.id))
        )
    assert owners == {"alice"}


def test_a_merge_waiting_for_another_process_says_so_in_the_status_bar(
    qtbot: QtBot, open_window: Open, store: Store, tmp_path: Path, backend_url: str
) -> None:
    from tests.core.lock_holder import hold, release
    from ui.review.merge import run_merge

    if not backend_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no database-wide write lock")
    window = open_window("Existing article.")
    path = tmp_path / "carol.jsonl"
    span = {"id": 1, "start": 6, "end": 14, "label": "ACTOR", "annotator": "carol"}
    path.write_text(json.dumps({"text": TEXT, "spans": [span]}) + "\n", encoding="utf-8")
    holder = hold(backend_url.removeprefix("sqlite:///"))
    done: list[object] = []
    assert window.project is not None
    run_merge(window, window.project, path, window.report, choose=lambda names: names, on_done=done.append)
    bar = window.statusBar()
    qtbot.waitUntil(
        lambda: "Waiting for the database (another process is writing)" in bar.currentMessage(), timeout=30000
    )
    assert not done
    release(holder)
    qtbot.waitUntil(lambda: bool(done), timeout=30000)
    assert "merged carol" in done[0].summary()  # type: ignore[attr-defined]

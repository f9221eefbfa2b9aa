"""Running a team in the app (issue 17 points 1–2): my queue in the list and for Next document,
"Show all", the assign dialog (preview, apply, undo), time spent per document, progress view,
agreement on the overlap set."""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator import assign
from annotator.model import Assignment, Project, WorkTime
from annotator.ops.annotations import create_span
from annotator.ops.projects import ensure_annotator, set_role
from annotator.store import Store
from tests.ui.conftest import add_docs
from ui import settings
from ui.assign_dialog import AssignDialog
from ui.main_window import MainWindow
from ui.qt import QApplication, Qt, QTimer

Open = Callable[..., MainWindow]
SQLITE_ONLY = pytest.mark.parametrize("backend_url", ["sqlite"], indirect=True)


def listed(window: MainWindow) -> list[int]:
    model = window.documents.model
    return [row.id for i in range(model.rowCount()) if (row := model.doc_at(i)) is not None]


def team(store: Store, project_id: int, *names: str) -> dict[str, int]:
    with store.transaction() as tx:
        return {n: ensure_annotator(tx, project_id, n).id for n in names}


def pairs(store: Store) -> set[tuple[int, int]]:
    with store.session() as s:
        return {(d, a) for d, a in s.execute(select(Assignment.document_id, Assignment.annotator_id))}


def test_list_and_next_document_follow_my_queue(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    docs = add_docs(store, project.id, *(f"Article {i} on the new bridge." for i in range(5)))
    team(store, project.id, "alice", "bob")
    with store.transaction() as tx:
        assign.assign_to(tx, project.id, "alice", [docs[1], docs[3]])
        assign.assign_to(tx, project.id, "bob", [docs[0], docs[2], docs[4]])
    window = open_window(annotator="alice")
    assert listed(window) == [docs[1], docs[3]]
    assert window.session.doc_id == docs[1]
    assert window.documents.show_all.isVisible()
    qtbot.keyClick(window.pane.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.session.doc_id == docs[3])  # bob's docs[2] is skipped
    qtbot.keyClick(window.pane.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc_id == docs[3]  # the end of my queue
    show_all = window.documents.show_all
    qtbot.mouseClick(show_all, Qt.MouseButton.LeftButton, pos=show_all.rect().center())
    assert listed(window) == docs and settings.get(settings.SHOW_ALL_DOCUMENTS) is True
    qtbot.mouseClick(show_all, Qt.MouseButton.LeftButton, pos=show_all.rect().center())
    assert listed(window) == [docs[1], docs[3]] and settings.get(settings.SHOW_ALL_DOCUMENTS) is False


def test_without_assignments_the_list_shows_everything(open_window: Open) -> None:
    window = open_window("One text.", "Two texts.")
    assert len(listed(window)) == 2 and not window.documents.show_all.isVisible()


@SQLITE_ONLY
def test_assign_dialog_previews_applies_and_undoes(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    docs = add_docs(store, project.id, *(f"Report {i}: the council voted." for i in range(10)))
    people = team(store, project.id, "alice", "bob", "cleo")
    window = open_window(annotator="alice")
    assert listed(window) == docs
    seen: list[str] = []

    def drive() -> None:
        dialog = QApplication.activeModalWidget()
        if not isinstance(dialog, AssignDialog):
            QTimer.singleShot(20, drive)
            return
        overlap = dialog.overlap
        overlap.setFocus()
        overlap.selectAll()
        qtbot.keyClicks(overlap, "0.4")
        seen.append(dialog.preview.text())
        qtbot.mouseClick(dialog.apply_button, Qt.MouseButton.LeftButton)

    QTimer.singleShot(0, drive)
    window.actions_by_name["assign"].trigger()
    assert seen and "10 of 10 documents coded (6 with 1, 4 with 2)" in seen[0]
    made = pairs(store)
    assert len(made) == 14  # what the preview said is what was applied
    loads = Counter(a for _d, a in made)
    assert f"loads: {', '.join(f'{n} {loads[people[n]]}' for n in ('alice', 'bob', 'cleo'))}" in seen[0]
    mine = sorted(d for d, a in made if a == people["alice"])
    qtbot.waitUntil(lambda: listed(window) == mine)  # the list now follows my queue
    assert window.stack.count() == 1, window.statusBar().currentMessage()
    window.activateWindow()  # back from the modal dialog: shortcuts fire in the active window
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert pairs(store) == set(), (window.statusBar().currentMessage(), window.stack.index())
    qtbot.waitUntil(lambda: listed(window) == docs)


def test_time_spent_is_recorded_when_the_document_changes(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window("First article.", "Second article.", "Third article.")
    clock = [1000.0]
    window.work_clock.now = lambda: clock[0]
    window.work_clock.switch()  # restart on the fake clock (the first document's time is real time)
    first = window.session.doc_id
    for step in (10.0, 20.0, 400.0, 10.0):  # the 400 s pause is idle: not counted
        clock[0] += step
        qtbot.keyClick(window.pane.view, Qt.Key.Key_Right)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    qtbot.waitUntil(lambda: window.session.doc_id != first)
    with store.session() as s:
        rows = [(w.document_id, w.seconds) for w in s.scalars(select(WorkTime))]
    assert rows == [(first, 40.0)]
    window.actions_by_name["progress"].trigger()
    view = window.review.progress_view
    assert view is not None and view.report is not None
    alice = next(p for p in view.report.people if p.annotator == "alice")
    assert alice.seconds == 40.0
    texts = [view.table.item(0, c).text() for c in range(view.table.columnCount())]
    assert texts[0] == "alice" and texts[5] == "0:40"
    view.close()


@SQLITE_ONLY
def test_agreement_on_the_overlap_set_in_one_click(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    docs = add_docs(store, project.id, "Both coded this one today.", "Only ana had this one today.")
    people = team(store, project.id, "ana", "ben")
    with store.transaction() as tx:
        claim = next(lab.id for lab in tx.session.get(Project, project.id).labels if lab.name == "CLAIM")  # type: ignore[union-attr]
        for who in ("ana", "ben"):
            create_span(tx, docs[0], 0, 4, claim, people[who])
            create_span(tx, docs[1], 0 if who == "ana" else 5, 9, claim, people[who])
        assign.assign_to(tx, project.id, "ana", docs)
        assign.assign_to(tx, project.id, "ben", docs[:1])
    window = open_window(annotator="ana")
    panel = window.review.show_agreement()
    assert panel is not None
    qtbot.waitUntil(lambda: panel.figures is not None, timeout=15000)
    everything = panel.figures
    assert everything is not None and everything.documents == 2
    box = panel.overlap_only
    qtbot.mouseClick(box, Qt.MouseButton.LeftButton, pos=box.rect().center())
    qtbot.waitUntil(lambda: panel.figures is not everything and panel.figures is not None, timeout=15000)
    assert panel.figures is not None and panel.figures.documents == 1
    assert panel.figures.overall["span_f1_exact"] == 1.0
    panel.close()


def test_a_reviewer_who_codes_nothing_sees_every_document(
    open_window: Open, store: Store, project: Project
) -> None:
    docs = add_docs(store, project.id, "A first report.", "A second report.")
    people = team(store, project.id, "alice", "riley")
    with store.transaction() as tx:
        set_role(tx, project.id, people["riley"], "reviewer")
        assign.assign_to(tx, project.id, "alice", docs[:1])
    assert listed(open_window(annotator="riley")) == docs
    assert listed(open_window(annotator="alice")) == docs[:1]

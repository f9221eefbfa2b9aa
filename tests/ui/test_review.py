"""The review view with real keys: walk disagreements, accept, reject, accept agreed, edit gold,
undo and redo, the review status, read-only for non-reviewers, and refresh on remote changes.
Every check reads the database back through core queries."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot

from annotator.model import Project, Role
from annotator.ops.annotations import create_span
from annotator.ops.importer import import_records
from annotator.ops.projects import ensure_annotator
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.review.curation import Curation, annotator_rows, load_curation
from annotator.review.gold import accept_spans
from annotator.store import Store, open_store
from tests.ui.helpers import click, label_id, select_with_keys
from ui.main_window import MainWindow
from ui.qt import Qt
from ui.review.view import ReviewView

TEXT = "Mayor Ana Ruiz said the bridge opens in May. Critics disagree with the plan."
CTRL_SHIFT = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier


def _span(sub: str, label: str, who: str, key: str | None = None) -> SpanRecord:
    start = TEXT.index(sub)
    return SpanRecord(start, start + len(sub), label, who, key=key)


def make_review_doc(store: Store, project_id: int, record: DocRecord | None = None) -> int:
    """One agreed span (Ana Ruiz), then boundaries, label and only-some disagreements."""
    record = record or DocRecord(
        TEXT,
        title="Bridge",
        spans=[
            _span("Ana Ruiz", "ACTOR", "alice"),
            _span("Ana Ruiz", "ACTOR", "bob"),
            _span("the bridge opens in May", "CLAIM", "alice"),
            _span("bridge opens in May", "CLAIM", "bob"),
            _span("Critics", "ACTOR", "alice"),
            _span("Critics", "QUOTE", "bob"),
            _span("the plan", "CLAIM", "alice"),
        ],
    )
    with store.transaction() as tx:
        ensure_annotator(tx, project_id, "riley", Role.REVIEWER)
        return import_records(tx, project_id, [record]).document_ids[0]


def curation(store: Store, project_id: int, doc: int) -> Curation:
    with store.session() as s:
        people = {a.name: a.id for a in annotator_rows(s, project_id)}
        return load_curation(s, doc, [people["alice"], people["bob"]])


def gold(store: Store, project_id: int, doc: int) -> list[tuple[str, tuple[str, ...]]]:
    """Gold spans as (text, sources), in text order."""
    cur = curation(store, project_id, doc)
    return [(TEXT[g[0] : g[1]], cur.sources[g[2]]) for g in cur.gold]


Reviewing = Callable[..., tuple[MainWindow, ReviewView, int]]


@pytest.fixture
def reviewing(
    open_window: Callable[..., MainWindow], store: Store, project: Project, qtbot: QtBot
) -> Reviewing:
    """Factory: the main window in review mode on the review document, as ``who``."""

    def make(who: str = "riley", record: DocRecord | None = None) -> tuple[MainWindow, ReviewView, int]:
        doc = make_review_doc(store, project.id, record)
        window = open_window(annotator=who)
        window.open_document(doc)
        qtbot.keyClick(window.pane.view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)
        view = window.review.view
        qtbot.waitUntil(lambda: view.isVisible() and view.doc is not None)
        return window, view, doc

    return make


def test_walk_accept_reject_agreed_undo_redo(
    reviewing: Reviewing, store: Store, project: Project, qtbot: QtBot
) -> None:
    _window, view, doc = reviewing()
    assert [u.kind.value for u in view.list.model().units] == [
        "boundaries differ",
        "label differs",
        "only some annotators have it",
    ]
    assert len(view.panes) == 2 and not view.header.note.isVisible()
    # Accept all agreed: Ana Ruiz, from both.
    qtbot.keyClick(view.list, Qt.Key.Key_Return, CTRL_SHIFT)
    assert gold(store, project.id, doc) == [("Ana Ruiz", ("alice", "bob"))]
    # The view starts at the first disagreement (boundaries); F8 walks on and Shift+F8 back.
    assert view.current is not None and view.current.kind.value == "boundaries differ"
    qtbot.keyClick(view.list, Qt.Key.Key_F8)
    assert view.current.kind.value == "label differs"
    qtbot.keyClick(view.list, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert view.current.kind.value == "boundaries differ"
    # 2 = bob's version.
    qtbot.keyClick(view.list, "2")
    assert gold(store, project.id, doc)[1] == ("bridge opens in May", ("bob",))
    # Changing one's mind: 1 = alice's version replaces bob's in gold.
    qtbot.keyClick(view.list, "1")
    assert [g for g in gold(store, project.id, doc) if "bridge" in g[0]] == [
        ("the bridge opens in May", ("alice",))
    ]
    # N to the label disagreement; X rejects both readings.
    qtbot.keyClick(view.list, "n")
    qtbot.keyClick(view.list, "x")
    cur = curation(store, project.id, doc)
    start = TEXT.index("Critics")
    assert set(cur.rejections) == {
        (start, start + 7, label_id(store, project.id, n)) for n in ("ACTOR", "QUOTE")
    }
    # Enter on the only-some disagreement accepts its single reading.
    qtbot.keyClick(view.list, "n")
    qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert ("the plan", ("alice",)) in gold(store, project.id, doc)
    assert "○" not in [view.list.model().data(view.list.model().index(r, 0)) for r in range(3)]
    # Undo all five steps, one by one, back to nothing; redo brings each back exactly.
    after = gold(store, project.id, doc)
    for _ in range(5):
        qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    cur = curation(store, project.id, doc)
    assert (cur.gold, cur.rejections, cur.review_status) == ([], {}, "unreviewed")
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # nothing left: harmless
    for _ in range(5):
        qtbot.keyClick(view.list, Qt.Key.Key_Z, CTRL_SHIFT)
    assert gold(store, project.id, doc) == after and len(curation(store, project.id, doc).rejections) == 2
    # Walking wraps around both ways.
    assert view.current is not None and view.current.kind.value == "only some annotators have it"
    qtbot.keyClick(view.list, Qt.Key.Key_F8)
    assert view.current.kind.value == "boundaries differ"
    qtbot.keyClick(view.list, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(view.list, "p")
    assert view.current.kind.value == "label differs"


def test_ticked_versions_and_editing_gold_with_keys(
    reviewing: Reviewing, store: Store, project: Project, qtbot: QtBot
) -> None:
    _window, view, doc = reviewing()
    qtbot.keyClick(view.list, "n")  # the label disagreement: ACTOR or QUOTE on "Critics"
    for box, _version in view.unit_panel.ticks:
        box.setChecked(True)
    qtbot.mouseClick(view.unit_panel.accept, Qt.MouseButton.LeftButton)  # accept several
    assert sorted(gold(store, project.id, doc)) == [("Critics", ("alice",)), ("Critics", ("bob",))]
    g = view.gold.view
    # Click the gold ACTOR span, relabel it with C (CLAIM), grow it a word, then delete the other.
    click(qtbot, g, TEXT.index("Critics") + 1)
    first = g.session.selected
    assert first is not None
    if g.session.span(first)[3] != label_id(store, project.id, "ACTOR"):  # type: ignore[index]
        click(qtbot, g, TEXT.index("Critics") + 1)
    qtbot.keyClick(g, "c")
    qtbot.keyClick(g, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    cur = curation(store, project.id, doc)
    assert sorted((TEXT[s[0] : s[1]], cur.labels[s[3]]) for s in cur.gold) == [
        ("Critics", "QUOTE"),
        ("Critics disagree", "CLAIM"),
    ]
    click(qtbot, g, TEXT.index("Critics") + 10)  # inside "disagree": only the CLAIM
    qtbot.keyClick(g, Qt.Key.Key_Delete)
    assert [(t, cur.labels[s[3]]) for s, t in _gold_rows(store, project.id, doc)] == [("Critics", "QUOTE")]
    # A gold span the reviewer draws: select "the plan" and press C.
    select_with_keys(qtbot, g, TEXT.index("the plan"), len("the plan"))
    qtbot.keyClick(g, "c")
    assert ("the plan", ()) in gold(store, project.id, doc)
    # Undo: the drawn span goes, the deleted one and the old label and size come back.
    for _ in range(4):
        qtbot.keyClick(g, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert sorted(gold(store, project.id, doc)) == [("Critics", ("alice",)), ("Critics", ("bob",))]
    cur = curation(store, project.id, doc)
    assert sorted(cur.labels[s[3]] for s in cur.gold) == ["ACTOR", "QUOTE"]


def _gold_rows(store: Store, project_id: int, doc: int) -> list[tuple[tuple[int, ...], str]]:
    cur = curation(store, project_id, doc)
    return [(tuple(s), TEXT[s[0] : s[1]]) for s in cur.gold]


def test_review_status_is_persisted_and_undoable(
    reviewing: Reviewing, store: Store, project: Project, qtbot: QtBot
) -> None:
    _window, view, doc = reviewing()
    combo = view.header.status
    combo.setCurrentIndex(combo.findData("adjudicated"))
    combo.activated.emit(combo.currentIndex())
    assert curation(store, project.id, doc).review_status == "adjudicated"
    assert view.gold.detail.text().endswith("adjudicated")
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert curation(store, project.id, doc).review_status == "unreviewed"
    assert combo.currentData() == "unreviewed"


def test_a_non_reviewer_sees_the_view_read_only_and_the_core_refuses(
    reviewing: Reviewing, store: Store, project: Project, qtbot: QtBot
) -> None:
    window, view, doc = reviewing("alice")
    assert view.header.note.isVisible() and "reviewer role" in view.header.note.text()
    assert not view.header.agreed.isEnabled() and not view.unit_panel.accept.isEnabled()
    qtbot.keyClick(view.list, Qt.Key.Key_F8)
    qtbot.keyClick(view.list, "1")
    qtbot.keyClick(view.list, Qt.Key.Key_Return, CTRL_SHIFT)
    assert gold(store, project.id, doc) == [] and window.stack.count() == 0
    assert "not a reviewer" in window.statusBar().currentMessage()
    # Going round the view: the core refuses, nothing is stored or pushed.
    ids = [m.id for m in curation(store, project.id, doc).units[0].marks]
    assert view.run("Accept", lambda tx: accept_spans(tx, ids)) is None
    assert gold(store, project.id, doc) == [] and window.stack.count() == 0
    assert "only reviewers adjudicate" in window.statusBar().currentMessage()
    # Review ▸ Annotators and roles can make a reviewer of alice (nobody but riley is one, and
    # riley is not at the keyboard): only a reviewer may, so the dialog is read-only for her.
    from ui.review.annotators import AnnotatorsDialog

    dialog = AnnotatorsDialog(window.project, window)  # type: ignore[arg-type]
    assert not any(combo.isEnabled() for combo in dialog.combos.values())
    dialog.deleteLater()


def test_the_first_reviewer_can_be_made_in_the_gui(
    open_window, store: Store, project: Project, qtbot: QtBot
) -> None:
    window = open_window(annotator="alice")
    from ui.review.annotators import AnnotatorsDialog

    dialog = AnnotatorsDialog(window.project, window)
    combo = dialog.combos["alice"]
    assert combo.isEnabled()  # nobody is a reviewer yet
    combo.setCurrentIndex(combo.findData("reviewer"))
    assert dialog.apply() is None
    assert window.project.actor.role == "reviewer"
    with store.session() as s:
        assert {a.name: a.role for a in annotator_rows(s, project.id)}["alice"] == "reviewer"
    dialog.deleteLater()


def test_a_reviewer_hands_the_role_on_in_one_step_and_the_core_has_the_last_word(
    reviewing: Reviewing, store: Store, project: Project, qtbot: QtBot
) -> None:
    from annotator.store import Actor
    from ui.review.annotators import AnnotatorsDialog

    window, _view, _doc = reviewing("riley")
    assert window.project is not None
    riley = window.project.actor
    dialog = AnnotatorsDialog(window.project, window)
    for name, role in (("riley", "annotator"), ("alice", "reviewer")):  # riley's own change first
        dialog.combos[name].setCurrentIndex(dialog.combos[name].findData(role))
    assert dialog.apply() is None
    assert window.project.actor.role == "annotator"
    with store.session() as s:
        assert {a.name: a.role for a in annotator_rows(s, project.id)}["alice"] == "reviewer"
    dialog.deleteLater()
    # A window that still believes riley is a reviewer: the dialog and the core read the database.
    window.project.actor = riley
    dialog = AnnotatorsDialog(window.project, window)
    assert not any(combo.isEnabled() for combo in dialog.combos.values())
    dialog.combos["riley"].setCurrentIndex(dialog.combos["riley"].findData("reviewer"))
    assert "riley is not a reviewer" in (dialog.apply() or "")
    assert window.project.actor == Actor("riley", riley.id, "annotator")
    dialog.deleteLater()


def test_a_teammates_change_refreshes_the_review_view(
    reviewing: Reviewing, store: Store, project: Project, backend_url: str, qtbot: QtBot
) -> None:
    window, view, doc = reviewing()
    assert window.project is not None
    window.project.store.poll()  # sets the starting point (the window polls every 2 s too)
    before = len(view.panes[1].session.index)
    mate = open_store(backend_url)  # bob, on another machine
    try:
        with mate.transaction() as tx:
            bob = next(a.id for a in annotator_rows(tx.session, project.id) if a.name == "bob")
            start = TEXT.index("the plan")
            create_span(tx, doc, start, start + 8, label_id(store, project.id, "CLAIM"), bob)
    finally:
        mate.close()
    window.project.store.poll()
    qtbot.waitUntil(lambda: len(view.panes[1].session.index) == before + 1)
    # alice and bob now agree on "the plan": one disagreement fewer, one more agreed span.
    assert [u.kind.value for u in view.list.model().units] == ["boundaries differ", "label differs"]
    assert "(2)" in view.header.agreed.text()


def test_x_and_the_reject_button_reject_a_relation_and_undo_brings_it_back(
    reviewing: Reviewing, store: Store, project: Project, qtbot: QtBot
) -> None:
    """Both annotators agree on the spans; only alice links the claim to Ana Ruiz."""
    record = DocRecord(
        TEXT,
        spans=[
            _span("Ana Ruiz", "ACTOR", "alice", "a1"),
            _span("the bridge opens in May", "CLAIM", "alice", "a2"),
            _span("Ana Ruiz", "ACTOR", "bob"),
            _span("the bridge opens in May", "CLAIM", "bob"),
        ],
        relations=[RelationRecord("a2", "a1", "claimant", "alice")],
    )
    _window, view, doc = reviewing(record=record)
    assert [u.kind.value for u in view.list.model().units] == ["relation differs"]
    assert view.current is not None and view.current.links
    panel = view.unit_panel
    assert panel.reject.isVisible() and panel.reject.text() == "Reject relation"

    def shown() -> tuple[str, str]:
        return view.list.model().data(view.list.model().index(0, 0)), view.summary.text()

    def state() -> tuple[str, int]:
        cur = curation(store, project.id, doc)
        return cur.unit_state(cur.disagreements()[0]).value, len(cur.relation_rejections)

    assert state() == ("open", 0) and shown() == ("○", "<b>1 disagreement(s)</b> · 1 open")
    qtbot.keyClick(view.list, "x")
    assert state() == ("rejected", 1) and shown() == ("✗", "<b>1 disagreement(s)</b> · 0 open")
    assert "rejected" in panel.title.text()
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert state() == ("open", 0) and shown()[0] == "○"
    assert curation(store, project.id, doc).review_status == "unreviewed"
    # The button does the same; F8 still walks onto the resolved relation (the only disagreement).
    qtbot.mouseClick(panel.reject, Qt.MouseButton.LeftButton)
    assert state() == ("rejected", 1) and shown()[0] == "✗"
    qtbot.keyClick(view.list, Qt.Key.Key_F8)
    assert view.current is not None and view.current.links
    # Accepting it instead takes the rejection away; undo puts the rejection back.
    qtbot.keyClick(view.list, Qt.Key.Key_Return)
    assert state() == ("accepted", 0)
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert state() == ("rejected", 1)
    qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert state() == ("open", 0) and shown()[0] == "○"

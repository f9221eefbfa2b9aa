"""Review with real keys never corrupts gold: taking bob's boundaries for a quote whose alice
reading and speaker link are in gold keeps one quote with its link; the detail box numbers each
reading by the key that accepts it."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.ops.labels import add_relation_type
from annotator.queries import relations_of
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.store import Store
from tests.ui.helpers import click
from tests.ui.test_export_dialog import activate
from tests.ui.test_review import CTRL_SHIFT, Reviewing, curation, reviewing  # noqa: F401
from ui.qt import QApplication, Qt, QTimer

TEXT = 'Mayor Ana Ruiz said: "The bridge opens in May." Critics disagree.'
INNER, OUTER, RUIZ = "The bridge opens in May", '"The bridge opens in May."', "Ana Ruiz"


def _span(sub: str, label: str, who: str, key: str | None = None) -> SpanRecord:
    start = TEXT.index(sub)
    return SpanRecord(start, start + len(sub), label, who, key=key)


QUOTE_DOC = DocRecord(
    TEXT,
    title="Quote",
    spans=[
        _span(RUIZ, "ACTOR", "alice", "a1"),
        _span(INNER, "QUOTE", "alice", "a2"),
        _span(RUIZ, "ACTOR", "bob"),
        _span(OUTER, "QUOTE", "bob"),
    ],
    relations=[RelationRecord("a2", "a1", "speaker", "alice")],
)


def gold_state(store: Store, project: Project, doc: int) -> tuple[list[str], list[tuple[str, str, str]]]:
    """Gold spans' texts and gold relations as (source text, type, target text)."""
    cur = curation(store, project.id, doc)
    by_id = {g[2]: TEXT[g[0] : g[1]] for g in cur.gold}
    with store.session() as s:
        rows = [r for r in relations_of(s, doc) if r.annotator_id == cur.gold_id]
    links = sorted((by_id[r.source_id], cur.types[r.type_id], by_id[r.target_id]) for r in rows)
    return sorted(by_id.values()), links


def test_taking_bobs_boundaries_keeps_one_quote_and_its_speaker(
    reviewing: Reviewing,  # noqa: F811 - the fixture
    store: Store,
    project: Project,
    qtbot: QtBot,
) -> None:
    _window, view, doc = reviewing(record=QUOTE_DOC)
    units = view.list.model().units
    assert [u.kind.value for u in units] == ["relation differs", "boundaries differ"]
    qtbot.keyClick(view.list, Qt.Key.Key_Return, CTRL_SHIFT)  # Ana Ruiz, agreed
    assert view.current is not None and view.current.links
    qtbot.keyClick(view.list, Qt.Key.Key_Return)  # alice's speaker link, with her quote
    assert gold_state(store, project, doc) == (sorted([RUIZ, INNER]), [(INNER, "speaker", RUIZ)])
    qtbot.keyClick(view.list, Qt.Key.Key_F8)
    assert view.current is not None and view.current.kind.value == "boundaries differ"
    # The detail box numbers each reading by its key: bob's (first in the text) is 2.
    rows = [box.text() for box, _v in view.unit_panel.ticks]
    assert rows[0].startswith("2. QUOTE") and rows[0].split("—")[1].strip().startswith("bob")
    assert rows[1].startswith("1. QUOTE") and "alice" in rows[1]
    qtbot.keyClick(view.list, "2")  # bob's boundaries: the gold quote moves, its link stays
    after = (sorted([RUIZ, OUTER]), [(OUTER, "speaker", RUIZ)])
    assert gold_state(store, project, doc) == after
    qtbot.keyClick(view.list, Qt.Key.Key_F8)
    assert view.current is not None and view.current.links
    assert view.list.model().data(view.list.model().index(0, 0)) == "✓"  # the link counts as accepted
    qtbot.keyClick(view.list, Qt.Key.Key_Return)  # accepting alice's link again changes nothing
    assert gold_state(store, project, doc) == after
    # Undo back to nothing and redo to the same gold, step by step.
    for _ in range(3):
        qtbot.keyClick(view.list, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_state(store, project, doc) == ([], [])
    for _ in range(3):
        qtbot.keyClick(view.list, Qt.Key.Key_Z, CTRL_SHIFT)
    assert gold_state(store, project, doc) == after


def test_in_the_gold_pane_r_then_click_links_and_relations_are_retyped_and_deleted_with_undo(
    reviewing: Reviewing,  # noqa: F811 - the fixture
    store: Store,
    project: Project,
    qtbot: QtBot,
) -> None:
    """Both agree on a claim and its actor; nobody linked them. The reviewer does, in gold."""
    claim = "The bridge opens in May"
    record = DocRecord(
        TEXT,
        spans=[_span(RUIZ, "ACTOR", who) for who in ("alice", "bob")]
        + [_span(claim, "CLAIM", who) for who in ("alice", "bob")],
    )
    with store.transaction() as tx:  # a second type that fits a claim and its actor
        add_relation_type(tx, project.id, "cites", from_label="CLAIM", to_label="ACTOR")
    window, view, doc = reviewing(record=record)
    qtbot.keyClick(view.list, Qt.Key.Key_Return, CTRL_SHIFT)
    g = view.gold.view
    click(qtbot, g, TEXT.index(claim) + 2)
    assert g.session.selected is not None
    assert "R then a click" in view.gold_links.title.text()
    qtbot.keyClick(g, "r")
    assert "click the gold span to link to" in window.statusBar().currentMessage()
    asked: list[str] = []

    def answer() -> None:  # two types fit: the app asks; Enter takes the first (claimant)
        dialog = QApplication.activeModalWidget()
        assert dialog is not None
        asked.append(dialog.windowTitle())
        qtbot.keyClick(dialog, Qt.Key.Key_Return)

    QTimer.singleShot(0, answer)
    click(qtbot, g, TEXT.index(RUIZ) + 1)
    assert asked == ["Relation type"]
    activate(qtbot, window)  # offscreen, the window does not get activation back by itself
    assert gold_state(store, project, doc)[1] == [(claim, "claimant", RUIZ)]
    # Retype it with the type box beside the pane (keys), then undo.
    qtbot.waitUntil(lambda: len(view.gold_links.types) == 1)
    (box,) = view.gold_links.types.values()
    box.setFocus()
    qtbot.keyClick(box, Qt.Key.Key_Down)
    assert gold_state(store, project, doc)[1] == [(claim, "cites", RUIZ)]
    qtbot.keyClick(g, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_state(store, project, doc)[1] == [(claim, "claimant", RUIZ)]
    # The selected claim's relation is listed beside the pane: delete it, undo, retype it.
    qtbot.waitUntil(lambda: len(view.gold_links.deletes) == 1)
    (rel,) = view.gold_links.deletes
    qtbot.mouseClick(view.gold_links.deletes[rel], Qt.MouseButton.LeftButton)
    assert gold_state(store, project, doc)[1] == []
    qtbot.keyClick(g, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert gold_state(store, project, doc)[1] == [(claim, "claimant", RUIZ)]
    # Esc cancels a pending link: nothing is drawn.
    click(qtbot, g, TEXT.index(claim) + 2)
    qtbot.keyClick(g, "r")
    qtbot.keyClick(g, Qt.Key.Key_Escape)
    click(qtbot, g, TEXT.index(RUIZ) + 1)
    assert gold_state(store, project, doc)[1] == [(claim, "claimant", RUIZ)]
    assert (window.stack.count(), window.stack.index()) == (3, 2)  # the cancelled link added nothing

"""Walking the disagreements with real keys: F8 can skip resolved ones, every pane scrolls to the
current one whatever the panes' heights, the layout stays as the user set it, and once nothing is
open the view offers to mark the document adjudicated."""

from __future__ import annotations

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.records import DocRecord, SpanRecord
from annotator.store import Store
from tests.ui.test_review import TEXT, Reviewing, curation, gold, reviewing  # noqa: F401
from ui.qt import Qt

CTRL = Qt.KeyboardModifier.ControlModifier


def test_f8_skips_resolved_and_the_view_offers_to_mark_adjudicated(
    reviewing: Reviewing,  # noqa: F811 - the fixture
    store: Store,
    project: Project,
    qtbot: QtBot,
) -> None:
    window, view, doc = reviewing()
    finish = view.finish
    assert not finish.done.isVisible()
    qtbot.keyClick(view.list, "1")  # the boundaries disagreement: alice's reading
    assert view.current is not None and view.current.kind.value == "boundaries differ"
    # Without the option F8 walks onto resolved ones too: back round to the boundaries one.
    for _ in range(3):
        qtbot.keyClick(view.list, Qt.Key.Key_F8)
    assert view.current.kind.value == "boundaries differ"
    qtbot.mouseClick(
        finish.skip_resolved, Qt.MouseButton.LeftButton, pos=finish.skip_resolved.rect().center()
    )
    assert finish.skip_resolved.isChecked()
    qtbot.keyClick(view.list, Qt.Key.Key_F8)
    assert view.current.kind.value == "label differs"
    qtbot.keyClick(view.list, "x")
    qtbot.keyClick(view.list, Qt.Key.Key_F8)  # skips the two resolved ones
    assert view.current.kind.value == "only some annotators have it"
    assert not finish.done.isVisible()
    qtbot.keyClick(view.list, Qt.Key.Key_Return)
    qtbot.keyClick(view.list, Qt.Key.Key_F8)  # nothing open: it stays and says so
    assert view.current.kind.value == "only some annotators have it"
    assert window.statusBar().currentMessage() == "No open disagreements left in this document"
    # The offer: accept the agreed Ana Ruiz and mark the document adjudicated, in one step.
    assert finish.done.isVisible() and finish.done.text() == "Accept 1 agreed and mark adjudicated"
    qtbot.mouseClick(finish.done, Qt.MouseButton.LeftButton)
    assert curation(store, project.id, doc).review_status == "adjudicated"
    assert ("Ana Ruiz", ("alice", "bob")) in gold(store, project.id, doc)
    assert not finish.done.isVisible()
    qtbot.keyClick(view.list, Qt.Key.Key_Z, CTRL)
    assert curation(store, project.id, doc).review_status == "in review"
    assert ("Ana Ruiz", ("alice", "bob")) not in gold(store, project.id, doc)
    assert finish.done.isVisible()


FILLER = "".join(f"Paragraph {n} says nothing much about the bridge at all.\n\n" for n in range(60))
LONG = FILLER + "Mayor Ana Ruiz said the bridge opens in May."


def _far(sub: str, label: str, who: str) -> SpanRecord:
    start = LONG.index(sub)
    return SpanRecord(start, start + len(sub), label, who)


def test_f8_scrolls_every_pane_to_the_disagreement_and_keeps_the_layout(
    reviewing: Reviewing,  # noqa: F811 - the fixture
    qtbot: QtBot,
) -> None:
    record = DocRecord(
        LONG,
        spans=[
            SpanRecord(0, 9, "ACTOR", "alice"),  # near the top: the first disagreement
            _far("Ana Ruiz", "ACTOR", "alice"),
            _far("Mayor Ana Ruiz", "ACTOR", "bob"),
        ],
    )
    window, view, _doc = reviewing(record=record)
    window.resize(1200, 900)
    view.pane_split.setSizes([520, 110, 110])  # the user makes gold tall and the others short
    qtbot.waitUntil(lambda: view.panes[0].view.viewport().height() < 120)
    sizes = view.pane_split.sizes()
    qtbot.keyClick(view.list, Qt.Key.Key_F8)
    assert view.current is not None and view.current.start >= len(FILLER)

    def shown(pane_view) -> bool:  # type: ignore[no-untyped-def]
        rects = pane_view.range_rects(view.current.start, view.current.end)
        return bool(rects) and rects[0].top() >= 0 and rects[-1].bottom() <= pane_view.viewport().height()

    assert all(shown(p.view) for p in [view.gold, *view.panes])
    qtbot.keyClick(view.list, "2")  # accepting re-reads the document: nothing moves
    assert view.pane_split.sizes() == sizes
    assert all(shown(p.view) for p in [view.gold, *view.panes])
    qtbot.keyClick(view.list, Qt.Key.Key_F8, Qt.KeyboardModifier.ShiftModifier)
    assert view.current.start == 0 and all(shown(p.view) for p in [view.gold, *view.panes])
    assert view.pane_split.sizes() == sizes

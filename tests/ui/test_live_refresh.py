"""A teammate's change to the open document arrives in place and disturbs nothing (issue 20).

The teammate is a second store on the same database (another app, or the CLI); their changes come
in through the window's own poll timer, exactly as on a shared database.
"""

from __future__ import annotations

import subprocess
import sys
from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.ops.annotations import create_span, delete_spans
from annotator.ops.projects import ensure_annotator
from annotator.store import Actor, Store, open_store
from tests.ui.helpers import click, label_id, select_with_keys, stored_relations, stored_spans
from ui.article.view import ArticleView
from ui.main_window import MainWindow
from ui.qt import QPoint, QSettings, Qt

Open = Callable[..., MainWindow]

PARAGRAPH = "Councillor Obi said the ferry timetable would change in spring. Residents asked why."
ARTICLE = "\n\n".join(f"{i}. {PARAGRAPH}" for i in range(120))


@pytest.fixture
def teammate(backend_url: str) -> Iterator[Store]:
    """A second client of the same database."""
    other = open_store(backend_url)
    yield other
    other.close()


def _write_as(store: Store, project: Project, name: str, doc: int, start: int, end: int, label: str) -> int:
    with store.transaction(actor=Actor(name)) as tx:
        person = ensure_annotator(tx, project.id, name)
    with store.transaction(actor=Actor(name, person.id)) as tx:
        return create_span(tx, doc, start, end, label_id(store, project.id, label), person.id).id


def _arrives(qtbot: QtBot, window: MainWindow, span_id: int) -> None:
    """Wait for the window's poll timer to bring the teammate's span in."""
    qtbot.waitUntil(lambda: span_id in window.session.index.spans, timeout=10000)


def _everyone(open_window: Open, text: str) -> tuple[MainWindow, ArticleView, int]:
    """Alice's window on ``text`` showing everyone's spans (so teammates' spans are in the index)."""
    window = open_window(text, annotator="alice")
    window.actions_by_name["show_all"].setChecked(True)
    assert window.session.doc_id is not None
    return window, window.pane.view, window.session.doc_id


def test_teammate_label_keeps_scroll_selection_and_the_next_label_key_works(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, teammate: Store
) -> None:
    window, view, doc = _everyone(open_window, ARTICLE)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 2000)
    bar.setValue(bar.maximum() // 2)
    top = view.session.offsets.to_cp(view.cursorForPosition(QPoint(40, 60)).position())
    start = ARTICLE.index("Councillor Obi", top)
    select_with_keys(qtbot, view, start, len("Councillor Obi"))
    scrolled, selection = bar.value(), view.selection_cp()
    assert selection == (start, start + len("Councillor Obi")) and scrolled > 0
    window.project.store.poll()  # the starting point (the window's timer does this on its first tick)

    far = ARTICLE.index("ferry", start)
    theirs = _write_as(teammate, project, "bob", doc, far, far + len("ferry"), "CLAIM")
    _arrives(qtbot, window, theirs)

    assert bar.value() == scrolled
    assert view.selection_cp() == selection
    qtbot.keyClick(view, Qt.Key.Key_A)
    mine = [s for s in stored_spans(store, doc) if s[2] != theirs]
    assert [(s[0], s[1]) for s in mine] == [selection]
    assert "Select some text first" not in window.statusBar().currentMessage()


def test_a_label_from_another_process_arrives_without_moving_the_reader(
    qtbot: QtBot, open_window: Open, backend_url: str
) -> None:
    window, view, doc = _everyone(open_window, ARTICLE)
    bar = view.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.maximum() > 2000)
    bar.setValue(bar.maximum() // 3)
    start = ARTICLE.index(
        "Residents", view.session.offsets.to_cp(view.cursorForPosition(QPoint(40, 60)).position())
    )
    select_with_keys(qtbot, view, start, len("Residents"))
    scrolled, selection = bar.value(), view.selection_cp()
    far = ARTICLE.index("spring", start)
    command = [sys.executable, "-m", "annotator.cli", "--db", backend_url, "annotate", str(doc)]
    done = subprocess.run(
        [*command, str(far), str(far + 6), "CLAIM", "--annotator", "bob"], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    _arrives(qtbot, window, int(done.stdout.strip()))
    assert (bar.value(), view.selection_cp()) == (scrolled, selection)


def test_teammate_change_keeps_selected_span_link_gesture_and_find_bar(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, teammate: Store
) -> None:
    window, view, doc = _everyone(open_window, ARTICLE)
    quote = ARTICLE.index("the ferry timetable would change in spring")
    select_with_keys(qtbot, view, quote, len("the ferry timetable would change in spring"))
    qtbot.keyClick(view, Qt.Key.Key_Q)
    actor = ARTICLE.index("Councillor Obi")
    select_with_keys(qtbot, view, actor, len("Councillor Obi"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    spans = {s[0]: s[2] for s in stored_spans(store, doc)}
    click(qtbot, view, quote + 4)
    assert window.session.selected == spans[quote]
    qtbot.keyClick(view, Qt.Key.Key_R)  # the link gesture is open
    qtbot.keyClick(window, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    qtbot.keyClicks(window.pane.find_bar.edit, "Residents")
    find = window.pane.find_bar
    qtbot.waitUntil(lambda: len(find.matches) == 120)
    for _ in range(40):
        qtbot.keyClick(find.edit, Qt.Key.Key_Return)
    hit, found, scrolled = find.current, view.selection_cp(), view.verticalScrollBar().value()
    assert found == find.matches[hit] and scrolled > 0
    window.project.store.poll()

    other = ARTICLE.index("Residents", quote)
    theirs = _write_as(teammate, project, "bob", doc, other, other + len("Residents"), "ACTOR")
    _arrives(qtbot, window, theirs)

    assert window.session.selected == spans[quote]
    assert view.pending_source == spans[quote]  # the gesture is still drawn
    assert find.isVisible() and len(view.find_matches) == 120
    assert (find.current, view.selection_cp(), view.verticalScrollBar().value()) == (hit, found, scrolled)
    view.setFocus()
    click(qtbot, view, actor + 3)  # finishes the link begun before the refresh
    assert [r[:2] for r in stored_relations(store, doc)] == [(spans[quote], spans[actor])]


def test_deleting_the_span_being_linked_ends_the_gesture(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, teammate: Store
) -> None:
    window, view, doc = _everyone(open_window, PARAGRAPH)
    window.project.store.poll()
    theirs = _write_as(teammate, project, "bob", doc, 0, len("Councillor Obi"), "ACTOR")
    _arrives(qtbot, window, theirs)
    window.session.select(theirs)
    qtbot.keyClick(view, Qt.Key.Key_R)
    assert window.pane.controller.relation_source == theirs
    with teammate.transaction(actor=Actor("bob")) as tx:
        delete_spans(tx, [theirs])
    qtbot.waitUntil(lambda: theirs not in window.session.index.spans, timeout=10000)
    assert window.pane.controller.relation_source is None and view.pending_source is None


def test_a_change_made_while_the_window_opens_still_arrives(
    qtbot: QtBot, open_window: Open, project: Project, teammate: Store
) -> None:
    window, _view, doc = _everyone(open_window, PARAGRAPH)
    theirs = _write_as(teammate, project, "bob", doc, 0, len("Councillor"), "ACTOR")  # before any tick
    _arrives(qtbot, window, theirs)


def test_teammates_who_join_later_are_named_not_question_marks(
    qtbot: QtBot, open_window: Open, project: Project, teammate: Store
) -> None:
    window, _view, doc = _everyone(open_window, PARAGRAPH)
    window.project.store.poll()
    theirs = _write_as(teammate, project, "carol", doc, 0, len("Councillor Obi"), "ACTOR")
    _arrives(qtbot, window, theirs)
    model = window.spans.model()
    row = model.row_of(theirs)
    assert row is not None
    assert model.data(model.index(row, 3)) == "carol"
    assert "carol" in window.project.people.values()


def test_restart_with_everyone_shown_and_geometry_saved_without_a_clean_close(
    qtbot: QtBot, open_window: Open, settings: QSettings
) -> None:
    settings.setValue("view/showAll", True)
    first = open_window("One article.", restore=True)  # used to raise AttributeError in a slot
    assert first.actions_by_name["show_all"].isChecked()
    before = QSettings().value("window/geometry")
    first.resize(760, 560)  # within the offscreen screen (800 × 600), which restoreGeometry respects
    qtbot.waitUntil(lambda: QSettings().value("window/geometry") not in (None, before), timeout=5000)
    # The app is killed (no closeEvent): the next start still gets the size back.
    again = open_window(restore=True)
    assert again.width() == 760 and abs(again.height() - 560) <= 30

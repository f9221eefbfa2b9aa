"""While the database does not answer, nothing the user does is lost or raised (issue 20, point 3).

A label, an undo, "done" or a document switch made while the database is away says "Not saved" in
the bar over the article, waits, and is saved in order once the database answers (the retry key,
or the poll timer by itself); the bar then goes. pytest-qt fails a test on any exception that
reaches a Qt override, so each test also proves none escaped.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator

import pytest
from pytestqt.qtbot import QtBot

from annotator.model import Document, Project
from annotator.ops.annotations import update_span
from annotator.store import Store
from tests.ui.conftest import add_docs
from tests.ui.helpers import answer_question, label_id, select_with_keys, stored_spans
from tests.ui.outage import Outage
from tests.ui.test_review import gold, make_review_doc
from ui.main_window import MainWindow
from ui.project import open_project
from ui.projects_ui import Location
from ui.qt import QApplication, Qt, QWidget

TEXT = "Mayor Elena Varga said the bridge is unsafe. Councillor Obi disagreed with her."
OTHER = "The harbour board met on Tuesday. Nobody from the ferry company came."
CTRL = Qt.KeyboardModifier.ControlModifier
SHIFT = Qt.KeyboardModifier.ShiftModifier
MAYOR = len("Mayor Elena Varga")

Make = Callable[..., tuple[MainWindow, Outage]]


@pytest.fixture
def outage_window(qtbot: QtBot, store: Store, project: Project, backend_url: str) -> Iterator[Make]:
    """A window on the test project whose database can be taken away (``Outage``)."""
    made: list[tuple[MainWindow, Outage]] = []

    def make(*texts: str, who: str = "alice") -> tuple[MainWindow, Outage]:
        if texts:
            add_docs(store, project.id, *texts)
        outage = Outage(backend_url)
        window = MainWindow(who, restore=False)  # closed below, after its waiting changes are dropped
        window.resize(1200, 800)
        opened = open_project(outage.url, project.name, who)
        outage.watch(opened.store)
        window.set_project(opened)
        window.show()
        qtbot.waitExposed(window)
        handle = window.windowHandle()
        assert handle is not None
        handle.requestActivate()
        qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
        made.append((window, outage))
        return window, outage

    yield make
    for window, outage in made:
        outage.up()
        window.pending.changes.items.clear()  # closing must not ask
        window.close()
        window.deleteLater()
        outage.close()


def _bar(window: MainWindow) -> str:
    bar = window.pending.bar
    return bar.text if bar.isVisible() else ""


def _label_mayor(qtbot: QtBot, window: MainWindow) -> None:
    select_with_keys(qtbot, window.pane.view, 0, MAYOR)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_A)


def _labelled(qtbot: QtBot, outage_window: Make, store: Store) -> tuple[MainWindow, Outage, int]:
    """A window on TEXT where alice labelled "Mayor Elena Varga" (saved) with the A key."""
    window, outage = outage_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    _label_mayor(qtbot, window)
    assert len(stored_spans(store, doc)) == 1
    return window, outage, doc


def _retry_key(qtbot: QtBot, where: MainWindow | QWidget) -> None:
    target = where.pane.view if isinstance(where, MainWindow) else where
    qtbot.keyClick(target, Qt.Key.Key_R, CTRL | SHIFT)


def _status(store: Store, doc: int) -> str:
    with store.session() as s:
        return s.get_one(Document, doc).status


def test_a_label_made_while_the_database_is_down_waits_then_is_saved(
    qtbot: QtBot, outage_window: Make, store: Store, project: Project
) -> None:
    window, outage = outage_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None and _bar(window) == ""
    outage.down()
    _label_mayor(qtbot, window)
    assert stored_spans(store, doc) == []
    assert [(s[0], s[1]) for s in window.pane.view.unsaved] == [(0, MAYOR)]  # drawn dashed
    assert not window.pane.view.textCursor().hasSelection()
    text = _bar(window)
    assert text.startswith("Not saved: the database is unreachable — 1 change pending, retrying…")
    assert "Ctrl+Shift+R retry now" in text
    # The bar is where the user looks: right above the article's text, not in the status bar.
    bar = window.pending.bar
    assert (
        bar.mapTo(window, bar.rect().bottomLeft()).y()
        <= window.pane.view.mapTo(window, window.pane.view.rect().topLeft()).y()
    )
    _label_mayor(qtbot, window)  # a second change waits behind the first (the same span: refused later)
    assert "2 changes pending" in _bar(window)
    _retry_key(qtbot, window)  # still down: still waiting, still said
    assert "2 changes pending" in _bar(window)

    outage.up()
    _retry_key(qtbot, window)
    assert [(s[0], s[1]) for s in stored_spans(store, doc)] == [(0, MAYOR)]
    assert [(s[0], s[1]) for s in window.session.index.order] == [(0, MAYOR)]
    assert window.pane.view.unsaved == []
    # The second label of the same text is refused by the core now, and said, not dropped.
    assert "Label ACTOR" in _bar(window) and window.pending.bar.button.text() == "Dismiss"
    qtbot.mouseClick(window.pending.bar.button, Qt.MouseButton.LeftButton)
    assert _bar(window) == ""
    # Ctrl+Z: the refused label leaves the stack, the next one takes back the saved label.
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, CTRL)
    assert "never saved" in window.statusBar().currentMessage()
    assert len(stored_spans(store, doc)) == 1
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, CTRL)
    assert stored_spans(store, doc) == []


def test_the_poll_timer_saves_what_waited_and_clears_the_bar_by_itself(
    qtbot: QtBot, outage_window: Make, store: Store, project: Project
) -> None:
    window, outage = outage_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    outage.down()
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Return, CTRL)  # mark done
    assert "1 change pending" in _bar(window)
    assert _status(store, doc) != "done"
    outage.up()
    qtbot.waitUntil(lambda: _bar(window) == "", timeout=30000)
    assert _status(store, doc) == "done"
    assert window.session.doc is not None and window.session.doc.status == "done"
    assert "Could not check" not in window.statusBar().currentMessage()


def test_undo_while_down_waits_and_ctrl_z_takes_back_a_change_never_saved(
    qtbot: QtBot, outage_window: Make, store: Store, project: Project
) -> None:
    window, outage, doc = _labelled(qtbot, outage_window, store)
    outage.down()
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, CTRL)  # undo the saved label: waits
    assert "1 change pending" in _bar(window)
    assert len(stored_spans(store, doc)) == 1
    select_with_keys(qtbot, window.pane.view, len(TEXT) - len("her."), len("her"))
    qtbot.keyClick(window.pane.view, Qt.Key.Key_A)  # a new label waits behind it
    assert "2 changes pending" in _bar(window)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Z, CTRL)  # takes the new label back: never saved
    assert "1 change pending" in _bar(window)
    outage.up()
    _retry_key(qtbot, window)
    assert _bar(window) == ""
    assert stored_spans(store, doc) == []  # the undo ran; the label taken back never arrived


def test_switching_documents_while_down_stays_and_says_so(
    qtbot: QtBot, outage_window: Make, store: Store, project: Project
) -> None:
    window, outage = outage_window(TEXT, OTHER)
    first = window.session.doc_id
    assert first is not None
    outage.down()
    qtbot.keyClick(window.pane.view, Qt.Key.Key_PageDown, CTRL)
    assert window.session.doc_id == first and window.session.text == TEXT
    assert "Could not open that document" in _bar(window)
    assert window.documents.model.doc_at(window.documents.view.currentIndex().row()).id == first
    outage.up()
    _retry_key(qtbot, window)
    assert _bar(window) == ""
    qtbot.keyClick(window.pane.view, Qt.Key.Key_PageDown, CTRL)
    assert window.session.doc_id != first and window.session.text == OTHER


def test_a_waiting_change_a_teammate_now_conflicts_with_is_named(
    qtbot: QtBot, outage_window: Make, store: Store, project: Project
) -> None:
    window, outage, doc = _labelled(qtbot, outage_window, store)
    span = stored_spans(store, doc)[0]
    outage.down()
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Right, SHIFT)  # resize the selected span: waits
    assert "1 change pending" in _bar(window)
    with store.transaction() as tx:  # meanwhile the span changes in the database (the CLI, a reviewer)
        update_span(tx, span[2], label_id=label_id(store, project.id, "QUOTE"))
    outage.up()
    _retry_key(qtbot, window)
    text = _bar(window)
    assert "Resize span" in text and "database now refuses" in text
    assert [(s[0], s[1]) for s in stored_spans(store, doc)] == [(0, MAYOR)]


def test_closing_with_changes_not_saved_asks_first(
    qtbot: QtBot, outage_window: Make, store: Store, project: Project
) -> None:
    window, outage = outage_window(TEXT)
    outage.down()
    _label_mayor(qtbot, window)
    said: list[str] = []
    answer_question(qtbot, "Cancel", said)
    window.close()
    assert window.isVisible() and "1 change pending" in _bar(window)
    assert "1 change could not be saved" in said[0] and "closing the window loses them" in said[0]
    answer_question(qtbot, "Close and lose them", said)
    window.close()
    assert not window.isVisible()


def test_a_review_decision_made_while_down_waits_and_reaches_gold(
    qtbot: QtBot, outage_window: Make, store: Store, project: Project
) -> None:
    doc = make_review_doc(store, project.id)
    window, outage = outage_window(who="riley")
    window.open_document(doc)
    qtbot.keyClick(window.pane.view, Qt.Key.Key_2, CTRL)  # the review view
    view = window.review.view
    qtbot.waitUntil(lambda: view.isVisible() and view.doc is not None)
    outage.down()
    qtbot.keyClick(view.list, "2")  # accept bob's version of the first disagreement
    assert "1 change pending" in _bar(window) and window.pending.bar.isVisible()
    assert gold(store, project.id, doc) == []
    outage.up()
    _retry_key(qtbot, view.list)
    assert _bar(window) == ""
    assert gold(store, project.id, doc) == [("bridge opens in May", ("bob",))]


def test_opening_another_project_with_changes_waiting_asks_first(
    qtbot: QtBot, outage_window: Make, store: Store, project: Project
) -> None:
    window, outage = outage_window(TEXT)
    outage.down()
    _label_mayor(qtbot, window)
    opened = window.project
    said: list[str] = []
    answer_question(qtbot, "Cancel", said)
    assert not window.open_location(Location(outage.url, project.name))
    assert window.project is opened and "1 change pending" in _bar(window)
    assert "opening another project loses them" in said[0]

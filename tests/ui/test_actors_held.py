"""The actor picker's question about a new ACTOR span waits for the article's frame
(ui/actors_held.py), yet every key typed after A goes where it went when the picker showed inside
the keystroke. Keys go through the window (``QWindow``), as a keyboard's do: Qt checks them for
shortcuts at the focus widget, then sends the press to the focus widget of that moment."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.actors import add_actor
from annotator.model import Project
from annotator.store import Store
from tests.ui.helpers import select_with_keys, stored_spans
from ui.main_window import MainWindow
from ui.qt import QApplication, QEvent, QKeyEvent, Qt, QWindow

Open = Callable[..., MainWindow]
TEXT = "Minister Ana Lopes spoke first. Later the harbour bridge plan was praised by everyone."
CTRL = Qt.KeyboardModifier.ControlModifier
KEYS = {" ": Qt.Key.Key_Space, **{c: Qt.Key(ord(c)) for c in "ABCDEFGHIJKLMNOPQRSTUVWXYZ"}}


def _keyboard(window: MainWindow) -> QWindow:
    handle = window.windowHandle()
    assert handle is not None
    return handle


def _type(qtbot: QtBot, window: MainWindow, text: str) -> None:
    for char in text:
        qtbot.keyClick(_keyboard(window), KEYS[char.upper()])


def _labelled_actor(qtbot: QtBot, window: MainWindow, name: str) -> None:
    """Select ``name`` and press A: an ACTOR span, its question held (no event loop since)."""
    view = window.pane.view
    select_with_keys(qtbot, view, TEXT.index(name), len(name))
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert window.actors.tagging.held.held and not window.actors.tagging.picker.isVisible()


def test_a_name_typed_before_the_frame_goes_to_the_picker_never_to_the_article(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    """C is CLAIM's key in the article: typed right after A it is the picker's, like every key."""
    with store.transaction() as tx:
        lopes = add_actor(tx, project.id, "Ana Lopes", ()).id
    window = open_window(TEXT)
    picker, doc = window.actors.tagging.picker, window.session.doc_id
    _labelled_actor(qtbot, window, "Ana Lopes")
    assert doc is not None and len(stored_spans(store, doc)) == 1
    _type(qtbot, window, "c")
    assert picker.isVisible() and window.focusWidget() is picker.edit
    assert picker.edit.text() == "c"  # it replaced the prefilled name, as typing does
    assert len(stored_spans(store, doc)) == 1  # no CLAIM
    qtbot.keyClick(_keyboard(window), Qt.Key.Key_Backspace)
    _type(qtbot, window, "ana lop")
    qtbot.keyClick(_keyboard(window), Qt.Key.Key_Return)
    assert not picker.isVisible()
    assert window.actors.tagging.names.of(window.session.selected or 0) == (lopes, "Ana Lopes")
    assert len(stored_spans(store, doc)) == 1


def test_the_question_comes_after_the_frame_with_its_matches_and_the_keyboard(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    """Without a key the picker shows once the article has painted the span, its matches listed;
    ↓ before the frame shows it and moves within those matches, whatever the timing."""
    with store.transaction() as tx:
        add_actor(tx, project.id, "Ana Lopes", ())
        add_actor(tx, project.id, "Ana Lopes Ferreira", ())
    window = open_window(TEXT)
    view, tagging = window.pane.view, window.actors.tagging
    picker = tagging.picker
    _labelled_actor(qtbot, window, "Ana Lopes")
    qtbot.keyClick(_keyboard(window), Qt.Key.Key_Down)
    assert picker.isVisible() and picker.list.count() == 3
    assert picker.list.currentRow() == 1 and picker.list.currentItem().text() == "Ana Lopes Ferreira"
    qtbot.keyClick(_keyboard(window), Qt.Key.Key_Escape)
    assert not picker.isVisible() and window.focusWidget() is view
    _labelled_actor(qtbot, window, "Lopes")
    qtbot.waitUntil(picker.isVisible)  # after the frame, with no key
    assert not tagging.held.held and picker.list.count() == 3
    assert picker.list.currentRow() == 0 and window.focusWidget() is picker.edit
    assert picker.edit.text() == "Lopes"


def test_ctrl_z_before_the_frame_undoes_the_span_and_no_question_stays(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    """The window's shortcuts stay the window's: Ctrl+Z right after A takes the span back, and
    the question about it goes with it."""
    window = open_window(TEXT)
    picker, doc = window.actors.tagging.picker, window.session.doc_id
    _labelled_actor(qtbot, window, "Ana Lopes")
    qtbot.keyClick(_keyboard(window), Qt.Key.Key_Z, CTRL)
    assert doc is not None and stored_spans(store, doc) == []
    assert not picker.isVisible() and not window.actors.tagging.held.held
    qtbot.wait(120)  # past the frame and the fallback timer: nothing is asked later
    assert not picker.isVisible()


def test_a_document_switch_before_the_frame_forgets_the_question(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    window = open_window(TEXT)
    tagging = window.actors.tagging
    _labelled_actor(qtbot, window, "Ana Lopes")
    window.session.reset.emit()
    assert not tagging.held.held
    qtbot.wait(120)
    assert not tagging.picker.isVisible()


def test_ctrl_enter_before_the_frame_is_the_pickers_new_actor_not_the_windows_mark_done(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    """Ctrl+Return marks the document done in the window and makes a new actor in the picker:
    typed right after A, the picker's shortcut check decides, as when it showed at once."""
    window = open_window(TEXT)
    tagging, doc = window.actors.tagging, window.session.doc_id
    _labelled_actor(qtbot, window, "Ana Lopes")
    qtbot.keyClick(_keyboard(window), Qt.Key.Key_Return, CTRL)
    assert window.session.doc is not None and window.session.doc.status != "done"
    linked = tagging.names.of(window.session.selected or 0)
    assert linked is not None and linked[1] == "Ana Lopes"  # the new actor, from the span's text
    assert doc is not None and len(stored_spans(store, doc)) == 1


def test_the_first_keys_shortcut_check_is_the_pickers_line(qtbot: QtBot, open_window: Open) -> None:
    """A keyboard sends a key's shortcut check to the focus widget, the article, before its press:
    held, that check asks the question and is answered by the picker's line, which claims its own
    keys (Ctrl+Return: new actor) so the window's shortcut (mark done) does not fire."""
    window = open_window(TEXT)
    picker = window.actors.tagging.picker
    _labelled_actor(qtbot, window, "Ana Lopes")
    check = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_Return, CTRL)
    check.ignore()
    QApplication.sendEvent(window.pane.view, check)
    assert picker.isVisible() and window.focusWidget() is picker.edit
    assert check.isAccepted()  # claimed by the line: no shortcut


def test_delete_before_the_frame_edits_the_pickers_line_and_keeps_the_span(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    """Delete deletes the selected span in the article, and is the line's own in the picker:
    typed right after A it clears the prefilled name, as when the picker showed at once."""
    window = open_window(TEXT)
    picker, doc = window.actors.tagging.picker, window.session.doc_id
    _labelled_actor(qtbot, window, "Ana Lopes")
    qtbot.keyClick(_keyboard(window), Qt.Key.Key_Delete)
    assert picker.isVisible() and picker.edit.text() == ""
    assert doc is not None and len(stored_spans(store, doc)) == 1

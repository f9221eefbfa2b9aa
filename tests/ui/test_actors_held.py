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
from tests.ui.helpers import label_id, point_of, select_with_keys, stored_spans
from ui.commands import UpdateSpan, execute
from ui.main_window import MainWindow
from ui.qt import (
    QApplication,
    QDialog,
    QEvent,
    QKeyEvent,
    QLineEdit,
    Qt,
    QVBoxLayout,
    QWindow,
)

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


def test_a_click_in_the_article_before_the_frame_ends_the_question_and_keys_stay_the_articles(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    """Qt gives the focus to the clicked widget first: the question ends there, as the shown
    picker ended when a click took its focus, so the selection keys and C that follow make a
    CLAIM in the article and nothing is typed into a picker."""
    window = open_window(TEXT)
    view, picker, doc = window.pane.view, window.actors.tagging.picker, window.session.doc_id
    _labelled_actor(qtbot, window, "Ana Lopes")
    qtbot.mouseClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, TEXT.index("harbour")))
    assert not window.actors.tagging.held.held and not picker.isVisible()
    assert window.focusWidget() is view
    for _ in range(len("harbour bridge")):
        qtbot.keyClick(_keyboard(window), Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClick(_keyboard(window), Qt.Key.Key_C)
    assert doc is not None and len(stored_spans(store, doc)) == 2  # the ACTOR and the CLAIM
    qtbot.wait(120)
    assert not picker.isVisible()  # nothing asked later either


def test_a_click_in_the_span_list_before_the_frame_ends_the_question(qtbot: QtBot, open_window: Open) -> None:
    window = open_window(TEXT)
    picker = window.actors.tagging.picker
    _labelled_actor(qtbot, window, "Ana Lopes")
    table = window.spans
    qtbot.mouseClick(table.viewport(), Qt.MouseButton.LeftButton, pos=table.viewport().rect().center())
    assert not picker.isVisible() and not window.actors.tagging.held.held
    assert window.focusWidget() is table


def test_a_key_in_another_window_leaves_the_question_to_its_frame(qtbot: QtBot, open_window: Open) -> None:
    """A dialog's keys are the dialog's: its shortcut check is not answered by the picker's line."""
    window = open_window(TEXT)
    other = QDialog(None)
    qtbot.addWidget(other)
    line = QLineEdit(other)
    QVBoxLayout(other).addWidget(line)
    other.show()
    qtbot.waitExposed(other)
    _labelled_actor(qtbot, window, "Ana Lopes")
    check = QKeyEvent(QEvent.Type.ShortcutOverride, Qt.Key.Key_Return, CTRL)
    check.ignore()
    QApplication.sendEvent(line, check)
    assert not check.isAccepted() and window.actors.tagging.held.held
    other.close()
    qtbot.waitUntil(window.actors.tagging.picker.isVisible)  # its frame asks it


def test_a_span_relabelled_before_the_frame_is_not_asked_about(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    """The new ACTOR span became a CLAIM before the frame (a teammate's change read meanwhile, or
    any command): no question about an actor for a span that names none."""
    window = open_window(TEXT)
    tagging, ctx = window.actors.tagging, window.edit_context()
    _labelled_actor(qtbot, window, "Ana Lopes")
    span = window.session.span(window.session.selected)
    assert span is not None and ctx is not None
    claim = label_id(store, project.id, "CLAIM")
    assert execute(window.stack, UpdateSpan(ctx, span_doc(window), span, label_id=claim, text="Relabel"))
    assert tagging.held.held
    qtbot.wait(150)
    assert not tagging.held.held and not tagging.picker.isVisible()


def span_doc(window: MainWindow) -> int:
    doc = window.session.doc_id
    assert doc is not None
    return doc


def test_a_palette_click_before_the_frame_ends_as_it_did_with_the_picker_shown(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    """A palette button takes no focus: clicked before the frame it asks the question, then does its
    own work, which gives the keyboard back to the article and so ends the question, as it did
    when the picker showed at once (QUOTE's button relabels the span)."""
    window = open_window(TEXT)
    picker, doc = window.actors.tagging.picker, window.session.doc_id
    _labelled_actor(qtbot, window, "Ana Lopes")
    button = window.palette_panel.buttons[label_id(store, project.id, "QUOTE")]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert not window.actors.tagging.held.held and not picker.isVisible()
    assert window.focusWidget() is window.pane.view
    quote = label_id(store, project.id, "QUOTE")
    assert doc is not None and [s[3] for s in stored_spans(store, doc)] == [quote]

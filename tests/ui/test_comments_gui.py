"""Comments and flags in the app, with real key and mouse events: F flags the selected span, the
panel lists it, a click jumps to it, Enter replies, Resolve hides it under "Open", Ctrl+Z undoes."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.comment_reads import comment_rows
from annotator.model import Project
from annotator.store import Store
from tests.ui.helpers import select_with_keys, stored_spans
from ui.main_window import MainWindow
from ui.qt import QApplication, Qt

Open = Callable[..., MainWindow]

TEXT = "Mayor Elena Varga said the bridge is unsafe. Critics disagreed with her."
OTHER = "A second article about the harbour, with nothing flagged in it."


def stored(store: Store, project: Project) -> list[tuple[str, str, str, str]]:
    with store.session() as s:
        return [(r.target, r.kind, r.text, r.state) for r in comment_rows(s, project.id)]


def click_row(qtbot: QtBot, window: MainWindow, row: int) -> None:
    tree = window.comments.panel.tree
    rect = tree.visualRect(window.comments.panel.model.index(row, 0))
    qtbot.mouseClick(tree.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())


def test_flag_key_panel_jump_reply_resolve_and_undo(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT, OTHER)
    view, panel = window.pane.view, window.comments.panel
    doc = window.session.doc_id
    start = TEXT.index("Critics")
    select_with_keys(qtbot, view, start, len("Critics"))
    qtbot.keyClick(view, Qt.Key.Key_C)  # a CLAIM, selected
    (span,) = stored_spans(store, doc or 0)
    qtbot.keyClick(view, Qt.Key.Key_F)  # flag it for discussion
    assert stored(store, project) == [("span", "flag", "Flagged for discussion", "open")]
    assert window.comments.dock is not None and window.comments.dock.isVisible()
    assert panel.model.rowCount() == 1 and panel.model.data(panel.model.index(0, 0)).startswith("⚑")
    assert getattr(view, "commented", {}) == {span[2]: "flag"}  # the marker in the text
    assert window.spans.model().data(window.spans.model().index(0, 1)).startswith("⚑ Critics")

    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc_id != doc and window.session.selected is None
    click_row(qtbot, window, 0)  # jumps back: the document, the span selected
    assert window.session.doc_id == doc and window.session.selected == span[2]

    qtbot.keyClicks(panel.editor, "Is disagreeing a claim?")
    qtbot.keyClick(panel.editor, Qt.Key.Key_Return)  # a thread is selected: Enter replies
    assert stored(store, project)[1] == ("span", "comment", "Is disagreeing a claim?", "open")
    assert panel.editor.text() == ""

    qtbot.mouseClick(panel.resolve_button, Qt.MouseButton.LeftButton)
    assert [r[3] for r in stored(store, project)] == ["resolved", "resolved"]
    qtbot.waitUntil(lambda: panel.model.rowCount() == 0)  # "Open" hides it
    assert getattr(view, "commented", {}) == {}
    panel.filter.setCurrentIndex(panel.filter.findData("all"))
    assert panel.model.rowCount() == 1 and panel.model.data(panel.model.index(0, 0)).startswith("✓")

    window.activateWindow()
    qtbot.waitUntil(lambda: QApplication.activeWindow() is window)
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # undo the resolve
    assert [r[3] for r in stored(store, project)] == ["open", "open"]


def test_m_comments_on_the_selected_span_and_deleting_it_keeps_the_comment(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    view, panel = window.pane.view, window.comments.panel
    select_with_keys(qtbot, view, 0, len("Mayor"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.keyClick(view, Qt.Key.Key_M)  # write a comment on the selected span
    assert panel.editor.hasFocus() and panel.chosen_target() == ("span", window.session.selected)
    qtbot.keyClicks(panel.editor, "Title, not name?")
    qtbot.keyClick(panel.editor, Qt.Key.Key_Return)
    assert stored(store, project) == [("span", "comment", "Title, not name?", "open")]
    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # the span goes; the comment stays, on the document
    assert stored(store, project) == [("document", "comment", "Title, not name?", "open")]
    qtbot.waitUntil(
        lambda: panel.model.rowCount() == 1 and "document" in panel.model.data(panel.model.index(0, 1))
    )
    assert "was on span" in panel.model.data(panel.model.index(0, 0), Qt.ItemDataRole.ToolTipRole)


def test_open_flags_are_listed_in_review_and_a_click_shows_the_span(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    view = window.pane.view
    start = TEXT.index("Critics")
    select_with_keys(qtbot, view, start, len("Critics"))
    qtbot.keyClick(view, Qt.Key.Key_C)
    span = window.session.selected
    qtbot.keyClick(view, Qt.Key.Key_F)
    window.session.select(None)
    qtbot.keyClick(view, Qt.Key.Key_2, Qt.KeyboardModifier.ControlModifier)  # the review view
    review = window.review.view
    flags = review.flags
    qtbot.waitUntil(lambda: flags.isVisible() and flags.count() == 1)
    assert flags.item(0).text().startswith("⚑ Flagged for discussion — alice, on span")
    pane = next(p for p in review.panes if p.session.span(span) is not None)
    assert pane.session.selected is None
    rect = flags.visualItemRect(flags.item(0))
    qtbot.mouseClick(flags.viewport(), Qt.MouseButton.LeftButton, pos=rect.center())
    assert pane.session.selected == span
    with store.session() as s:  # resolved elsewhere (a teammate): the list empties on the next read
        thread = comment_rows(s, project.id)[0].id
    window.comments.resolve(thread, True)
    qtbot.waitUntil(lambda: not flags.isVisible())

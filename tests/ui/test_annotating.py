"""Annotating with real key and mouse events; every result is checked against the database."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot

from annotator.model import Project
from annotator.store import Store
from tests.ui.helpers import click, label_id, select_with_keys, stored_relations, stored_spans
from ui.main_window import MainWindow
from ui.qt import Qt

Open = Callable[..., MainWindow]

PLAIN = "Mayor Elena Varga said the bridge is unsafe. Councillor Obi disagreed with her."
# Astral emoji (two UTF-16 units each, one with a skin tone modifier) and CJK before the spans.
EMOJI = "😀👍🏽 北京 reports 🇩🇪: the minister said “we will act”. 中文 Mayor Ruiz 😀 agreed."


def _doc(window: MainWindow) -> int:
    assert window.session.doc_id is not None
    return window.session.doc_id


def test_keyboard_selection_and_hotkey_store_code_point_offsets(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(PLAIN)
    view = window.pane.view
    start = PLAIN.index("Mayor")
    select_with_keys(qtbot, view, start, len("Mayor Elena Varga"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    spans = stored_spans(store, _doc(window))
    assert [(s[0], s[1], s[3]) for s in spans] == [(start, start + 17, label_id(store, project.id, "ACTOR"))]
    assert window.session.selected == spans[0][2]


def test_offsets_after_emoji_and_cjk_are_code_points(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(EMOJI)
    view = window.pane.view
    for phrase, key, label in (
        ("the minister", Qt.Key.Key_A, "ACTOR"),
        ("Mayor Ruiz", Qt.Key.Key_2, "QUOTE"),
    ):
        start = EMOJI.index(phrase)
        assert view.to_qt(start) > start  # Qt counts more units than Python: the case that matters
        select_with_keys(qtbot, view, start, len(phrase))
        qtbot.keyClick(view, key)
        span = next(s for s in stored_spans(store, _doc(window)) if s[0] == start)
        assert (span[0], span[1], span[3]) == (start, start + len(phrase), label_id(store, project.id, label))
        assert EMOJI[span[0] : span[1]] == phrase


def test_selection_snaps_to_words_unless_snapping_is_off(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    window = open_window(PLAIN)
    view = window.pane.view
    inside = PLAIN.index("lena")  # from the middle of "Elena" ...
    select_with_keys(qtbot, view, inside, len("lena Var"))  # ... to the middle of "Varga"
    qtbot.keyClick(view, Qt.Key.Key_A)
    assert [(s[0], s[1]) for s in stored_spans(store, _doc(window))] == [
        (PLAIN.index("Elena"), PLAIN.index("Varga") + 5)
    ]
    qtbot.keyClick(
        view, Qt.Key.Key_W, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert not window.pane.controller.snap
    part = PLAIN.index("ridge")
    select_with_keys(qtbot, view, part, 3)
    qtbot.keyClick(view, Qt.Key.Key_C)
    assert (part, part + 3) in [(s[0], s[1]) for s in stored_spans(store, _doc(window))]


def test_click_relabel_resize_delete_undo_redo(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(PLAIN)
    view = window.pane.view
    doc = _doc(window)
    start = PLAIN.index("Elena")
    select_with_keys(qtbot, view, start, len("Elena"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    (span,) = stored_spans(store, doc)
    span_id = span[2]
    view.place_caret(0)
    window.session.select(None)

    click(qtbot, view, start + 2)  # click the span: it is selected
    assert window.session.selected == span_id
    qtbot.keyClick(view, Qt.Key.Key_Q)  # hotkey on a selected span relabels it
    assert stored_spans(store, doc)[0][3] == label_id(store, project.id, "QUOTE")

    qtbot.keyClick(view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier)  # end one word right
    assert stored_spans(store, doc)[0][:2] == (start, PLAIN.index("Varga") + 5)
    qtbot.keyClick(view, Qt.Key.Key_Left, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier)
    assert stored_spans(store, doc)[0][:2] == (0, PLAIN.index("Varga") + 5)  # start one word left
    qtbot.keyClick(
        view, Qt.Key.Key_Right, Qt.KeyboardModifier.ShiftModifier | Qt.KeyboardModifier.AltModifier
    )
    assert stored_spans(store, doc)[0][:2] == (start, PLAIN.index("Varga") + 5)

    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert stored_spans(store, doc) == []
    assert window.session.selected is None

    undo = Qt.KeyboardModifier.ControlModifier
    qtbot.keyClick(view, Qt.Key.Key_Z, undo)  # the delete: the same id comes back
    assert [s[2] for s in stored_spans(store, doc)] == [span_id]
    qtbot.keyClick(view, Qt.Key.Key_Z, undo)  # the three resizes merged into one step
    assert stored_spans(store, doc)[0][:2] == (start, start + 5)
    qtbot.keyClick(view, Qt.Key.Key_Z, undo)  # the relabel
    assert stored_spans(store, doc)[0][3] == label_id(store, project.id, "ACTOR")
    qtbot.keyClick(view, Qt.Key.Key_Z, undo)  # the creation
    assert stored_spans(store, doc) == []

    redo = Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    for _ in range(4):
        qtbot.keyClick(view, Qt.Key.Key_Z, redo)
    assert stored_spans(store, doc) == []  # redo of the delete
    qtbot.keyClick(view, Qt.Key.Key_Z, undo)
    (back,) = stored_spans(store, doc)
    assert (back[0], back[1], back[2], back[3]) == (
        start,
        PLAIN.index("Varga") + 5,
        span_id,
        label_id(store, project.id, "QUOTE"),
    )
    assert [s[2] for s in window.session.index.order] == [span_id]


def test_relation_with_r_then_click_and_undo(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    text = 'Mayor Elena Varga said: "The bridge is unsafe."'
    window = open_window(text)
    view = window.pane.view
    doc = _doc(window)
    actor, quote = text.index("Mayor"), text.index('"The')
    select_with_keys(qtbot, view, actor, len("Mayor Elena Varga"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    select_with_keys(qtbot, view, quote, len('"The bridge is unsafe."'))
    qtbot.keyClick(view, Qt.Key.Key_Q)
    spans = {s[3]: s[2] for s in stored_spans(store, doc)}
    quote_id, actor_id = (
        spans[label_id(store, project.id, "QUOTE")],
        spans[label_id(store, project.id, "ACTOR")],
    )
    assert window.session.selected == quote_id

    qtbot.keyClick(view, Qt.Key.Key_R)
    assert view.pending_source == quote_id
    click(qtbot, view, actor + 3)
    speaker = next(t.id for t in window.project.types if t.name == "speaker")  # type: ignore[union-attr]
    assert stored_relations(store, doc) == [(quote_id, actor_id, speaker)]
    assert view.pending_source is None
    assert window.relations.model().rowCount() == 1

    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_relations(store, doc) == []
    qtbot.keyClick(
        view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier | Qt.KeyboardModifier.ShiftModifier
    )
    assert stored_relations(store, doc) == [(quote_id, actor_id, speaker)]

    # Deleting the actor takes its relation along; undo brings both back with their ids.
    window.session.select(actor_id)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert stored_relations(store, doc) == []
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert stored_relations(store, doc) == [(quote_id, actor_id, speaker)]
    assert len(window.session.relations) == 1


def test_relation_list_delete_key(qtbot: QtBot, open_window: Open, store: Store) -> None:
    text = 'Obi said: "No money."'
    window = open_window(text)
    view = window.pane.view
    select_with_keys(qtbot, view, 0, 3)
    qtbot.keyClick(view, Qt.Key.Key_A)
    select_with_keys(qtbot, view, text.index('"'), len('"No money."'))
    qtbot.keyClick(view, Qt.Key.Key_Q)
    qtbot.keyClick(view, Qt.Key.Key_R)
    click(qtbot, view, 1)
    assert len(stored_relations(store, _doc(window))) == 1
    relations = window.relations
    relations.setCurrentIndex(relations.model().index(0, 0))
    qtbot.keyClick(relations, Qt.Key.Key_Delete)
    assert stored_relations(store, _doc(window)) == []
    assert relations.model().rowCount() == 0


def test_tab_walks_and_o_cycles_overlapping_spans(qtbot: QtBot, open_window: Open, store: Store) -> None:
    window = open_window(PLAIN)
    view = window.pane.view
    mayor = PLAIN.index("Mayor")
    select_with_keys(qtbot, view, mayor, len("Mayor Elena Varga"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    select_with_keys(qtbot, view, mayor, len("Mayor Elena Varga said the bridge is unsafe"))
    qtbot.keyClick(view, Qt.Key.Key_C)
    obi = PLAIN.index("Obi")
    select_with_keys(qtbot, view, obi, 3)
    qtbot.keyClick(view, Qt.Key.Key_A)
    order = [s[2] for s in sorted(stored_spans(store, _doc(window)))]
    window.session.select(None)
    view.place_caret(0)
    seen = []
    for _ in range(3):
        qtbot.keyClick(view, Qt.Key.Key_Tab)
        seen.append(window.session.selected)
    assert seen == order
    qtbot.keyClick(view, Qt.Key.Key_Backtab)
    assert window.session.selected == order[1]

    click(qtbot, view, mayor + 1)  # innermost first: the ACTOR span
    inner = window.session.selected
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert window.session.selected != inner and window.session.selected in order[:2]
    qtbot.keyClick(view, Qt.Key.Key_O)
    assert window.session.selected == inner


def test_palette_click_labels_the_selection(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(PLAIN)
    view = window.pane.view
    select_with_keys(qtbot, view, PLAIN.index("Obi"), 3)
    button = window.palette_panel.buttons[label_id(store, project.id, "ACTOR")]
    qtbot.mouseClick(button, Qt.MouseButton.LeftButton)
    assert [(s[0], s[1]) for s in stored_spans(store, _doc(window))] == [
        (PLAIN.index("Obi"), PLAIN.index("Obi") + 3)
    ]
    assert button.count == 1


def test_find_and_label_all_occurrences_is_one_undo_step(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    text = "The ministry said no. Later the ministry said yes. Ministry staff were silent."
    window = open_window(text)
    view = window.pane.view
    qtbot.keyClick(view, Qt.Key.Key_F, Qt.KeyboardModifier.ControlModifier)
    find = window.pane.find_bar
    assert find.isVisible()
    qtbot.keyClicks(find.edit, "ministry")
    find.search()
    assert find.matches == [(4, 12), (32, 40), (51, 59)]
    find.labels.setCurrentIndex(find.labels.findText("ACTOR"))
    qtbot.mouseClick(find.label_all, Qt.MouseButton.LeftButton)
    actor = label_id(store, project.id, "ACTOR")
    assert [(s[0], s[1], s[3]) for s in stored_spans(store, _doc(window))] == [
        (4, 12, actor),
        (32, 40, actor),
        (51, 59, actor),
    ]
    window.stack.undo()
    assert stored_spans(store, _doc(window)) == []
    window.stack.redo()
    assert len(stored_spans(store, _doc(window))) == 3
    qtbot.keyClick(find.edit, Qt.Key.Key_Escape)
    assert not find.isVisible()


def test_next_previous_document_and_mark_done(qtbot: QtBot, open_window: Open, store: Store) -> None:
    window = open_window("First article.", "Second article.", "Third article.")
    first = window.session.doc_id
    qtbot.keyClick(window.pane.view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    second = window.session.doc_id
    assert second is not None and second != first
    qtbot.keyClick(window.pane.view, Qt.Key.Key_Return, Qt.KeyboardModifier.ControlModifier)
    with store.session() as session:
        from annotator.queries import document_view

        assert document_view(session, second).status == "done"
    qtbot.keyClick(window.pane.view, Qt.Key.Key_PageUp, Qt.KeyboardModifier.ControlModifier)
    assert window.session.doc_id == first


def test_reopening_the_project_shows_the_same_spans(qtbot: QtBot, open_window: Open, store: Store) -> None:
    window = open_window(EMOJI)
    view = window.pane.view
    for phrase, key in (
        ("the minister", Qt.Key.Key_A),
        ("Mayor Ruiz", Qt.Key.Key_A),
        ("we will act", Qt.Key.Key_Q),
    ):
        select_with_keys(qtbot, view, EMOJI.index(phrase), len(phrase))
        qtbot.keyClick(view, key)
    doc = _doc(window)
    before = stored_spans(store, doc)
    window.close()

    again = open_window()
    assert again.session.doc_id == doc  # the last document comes back
    assert again.session.index.order == before
    assert again.spans.model().rowCount() == 3
    shown = [again.spans.model().data(again.spans.model().index(row, 1)) for row in range(3)]
    assert shown == ["the minister", "\u201cwe will act\u201d", "Mayor Ruiz"]


def test_undo_in_another_document_brings_that_document_back(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    window = open_window(PLAIN, "A second article about the bridge.")
    first = _doc(window)
    view = window.pane.view
    select_with_keys(qtbot, view, 0, 5)
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.keyClick(view, Qt.Key.Key_PageDown, Qt.KeyboardModifier.ControlModifier)
    assert _doc(window) != first
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _doc(window) == first
    assert stored_spans(store, first) == [] and len(window.session.index) == 0


def test_delete_ends_the_selection_and_a_second_delete_deletes_nothing(
    qtbot: QtBot, open_window: Open, store: Store
) -> None:
    """Removing the selected span's row makes Qt move the list's current row to a neighbour;
    that must not select the neighbour, or a double-pressed Delete deletes two spans."""
    window = open_window(PLAIN)
    view = window.pane.view
    doc = _doc(window)
    for word in ("Elena", "Varga", "Obi"):
        select_with_keys(qtbot, view, PLAIN.index(word), len(word))
        qtbot.keyClick(view, Qt.Key.Key_A)
        qtbot.keyClick(window.focusWidget(), Qt.Key.Key_Escape)  # the actor picker: leave unlinked
    spans = stored_spans(store, doc)
    assert len(spans) == 3
    middle = next(s[2] for s in spans if s[0] == PLAIN.index("Varga"))
    view.place_caret(0)
    click(qtbot, view, PLAIN.index("Varga") + 2)
    assert window.session.selected == middle
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert sorted(s[0] for s in stored_spans(store, doc)) == [PLAIN.index("Elena"), PLAIN.index("Obi")]
    assert window.session.selected is None
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # nothing is selected: nothing more goes
    assert len(stored_spans(store, doc)) == 2

"""Tagging ACTOR spans with registry actors from the keyboard: the picker, the same-name offer,
undo, and what the span list and the tooltip show. Real key events; the database is checked."""

from __future__ import annotations

from collections.abc import Callable

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.actors import add_actor
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Project
from annotator.store import Store
from tests.ui.helpers import select_with_keys, stored_spans
from ui.actors_picker import ActorPicker
from ui.main_window import MainWindow
from ui.qt import Qt

Open = Callable[..., MainWindow]
TEXT = "Minister Ana Lopes spoke first. Later Lopes said the plan works, and Lopes smiled."
CTRL = Qt.KeyboardModifier.ControlModifier


def _links(store: Store, doc_id: int) -> dict[tuple[int, int], int | None]:
    with store.session() as s:
        rows = s.execute(
            select(Annotation.start, Annotation.end, Annotation.actor_id).where(
                Annotation.document_id == doc_id
            )
        )
        return {(a, b): actor for a, b, actor in rows}


def _actors(store: Store, project: Project) -> dict[str, int]:
    with store.session() as s:
        query = select(RegistryActor.name, RegistryActor.id).where(
            RegistryActor.project_id == project.id, RegistryActor.merged_into_id.is_(None)
        )
        return {name: actor_id for name, actor_id in s.execute(query)}


def _add(store: Store, project: Project, name: str, *aliases: str) -> int:
    with store.transaction() as tx:
        return add_actor(tx, project.id, name, aliases).id


def _tag(qtbot: QtBot, window: MainWindow, word: str, nth: int = 0) -> ActorPicker:
    """Select the ``nth`` occurrence of ``word`` with the keyboard and press the ACTOR key."""
    view = window.pane.view
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    select_with_keys(qtbot, view, start, len(word))
    qtbot.keyClick(view, Qt.Key.Key_A)
    picker = window.actors.tagging.picker
    qtbot.waitUntil(picker.isVisible)
    return picker


def test_picker_autocompletes_by_alias_and_enter_links(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    lopes = _add(store, project, "Ana Lopes", "Minister Lopes")
    _add(store, project, "Bo Lind")
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    picker = _tag(qtbot, window, "Ana Lopes")
    assert picker.edit.hasFocus() or picker.edit.text() == "Ana Lopes"
    picker.edit.clear()
    qtbot.keyClicks(picker.edit, "minister")  # by alias, ignoring case
    assert picker.list.item(0).text().startswith("Ana Lopes")
    assert picker.list.count() == 2  # the match and "new actor"
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    start = TEXT.index("Ana Lopes")
    assert _links(store, doc)[(start, start + len("Ana Lopes"))] == lopes
    # shown in the span list's Actor column and in the article's tooltip
    spans = window.spans
    assert not spans.isColumnHidden(5)
    assert spans.model().index(0, 5).data() == "Ana Lopes"
    assert "Ana Lopes" in window.pane.controller.tooltip(start + 1)


def test_new_actor_key_then_same_name_offer_links_the_others_and_undo(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    picker = _tag(qtbot, window, "Lopes", nth=1)  # "Later Lopes said"
    assert picker.list.item(picker.list.count() - 1).text().startswith("＋ New actor “Lopes”")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return, CTRL)  # new actor from the span's text
    made = _actors(store, project)
    assert list(made) == ["Lopes"]
    second = TEXT.index("Lopes", TEXT.index("Later"))
    assert _links(store, doc) == {(second, second + 5): made["Lopes"]}
    # the offer: the other two "Lopes" (one inside "Ana Lopes") are not labelled yet
    assert picker.isVisible() and picker.offering
    assert "2 more times" in picker.hint.text()
    qtbot.keyClick(picker, Qt.Key.Key_Return)
    links = _links(store, doc)
    assert len(links) == 3 and set(links.values()) == {made["Lopes"]}
    assert not picker.isVisible()

    view = window.pane.view
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # the offer's step: two spans and their links go
    assert _links(store, doc) == {(second, second + 5): made["Lopes"]}
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL)  # the new actor and its link
    assert _links(store, doc) == {(second, second + 5): None}
    assert _actors(store, project) == {}
    qtbot.keyClick(view, Qt.Key.Key_Z, CTRL | Qt.KeyboardModifier.ShiftModifier)  # redo
    assert _links(store, doc) == {(second, second + 5): made["Lopes"]}
    assert len(stored_spans(store, doc)) == 1


def test_escape_leaves_the_span_unlinked_and_the_key_asks_again(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    lind = _add(store, project, "Bo Lind", "Ana")
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    picker = _tag(qtbot, window, "Ana Lopes")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Escape)
    assert not picker.isVisible()
    assert list(_links(store, doc).values()) == [None]
    assert window.pane.view.hasFocus()
    qtbot.keyClick(window.pane.view, Qt.Key.Key_I)  # the span is still selected: ask again
    assert picker.isVisible()
    picker.edit.clear()
    qtbot.keyClicks(picker.edit, "an")
    qtbot.keyClick(picker.edit, Qt.Key.Key_Down)  # "Ana" is Bo Lind's alias; ↓ goes to "new"
    qtbot.keyClick(picker.edit, Qt.Key.Key_Up)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)
    assert list(_links(store, doc).values()) == [lind]


def test_the_key_on_a_span_that_names_no_actor_says_so(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    view = window.pane.view
    select_with_keys(qtbot, view, 0, 8)
    qtbot.keyClick(view, Qt.Key.Key_Q)
    qtbot.keyClick(view, Qt.Key.Key_I)
    assert not window.actors.tagging.picker.isVisible()
    assert "ACTOR" in window.statusBar().currentMessage()


def test_asking_can_be_turned_off_and_the_key_still_asks(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    window.actions_by_name["ask_actor"].trigger()  # Annotate ▸ Ask for the actor… off
    assert not window.actions_by_name["ask_actor"].isChecked()
    view = window.pane.view
    select_with_keys(qtbot, view, TEXT.index("Ana"), len("Ana Lopes"))
    qtbot.keyClick(view, Qt.Key.Key_A)
    picker = window.actors.tagging.picker
    assert len(stored_spans(store, window.session.doc_id or 0)) == 1
    assert not picker.isVisible()
    qtbot.keyClick(view, Qt.Key.Key_I)
    assert picker.isVisible()

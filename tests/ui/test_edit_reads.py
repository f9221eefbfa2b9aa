"""A keystroke's edit reads only what it touched: the span list's Actor column follows a delete
and its undo through the spans of that edit, never by re-reading the document's links.
Real key events; the Actor column and the database are checked."""

from __future__ import annotations

from collections.abc import Callable, Collection

import pytest
from pytestqt.qtbot import QtBot

from annotator.actors import add_actor
from annotator.model import Project
from annotator.project_actors import ActorReads
from annotator.store import Store
from tests.ui.helpers import select_with_keys, stored_spans
from ui.main_window import MainWindow
from ui.qt import Qt

Open = Callable[..., MainWindow]
TEXT = "Minister Ana Lopes spoke first. Later the plan was praised by everyone."
ACTOR_COLUMN = 5


def test_actor_column_follows_delete_and_undo_through_the_edited_span_only(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.transaction() as tx:
        add_actor(tx, project.id, "Ana Lopes", ())
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    reads: list[set[int] | None] = []
    whole = ActorReads.span_actors

    def spy(self: ActorReads, doc_id: int, ids: Collection[int] | None = None) -> dict[int, tuple[int, str]]:
        reads.append(None if ids is None else set(ids))
        return whole(self, doc_id, ids)

    monkeypatch.setattr(ActorReads, "span_actors", spy)
    view, spans = window.pane.view, window.spans
    select_with_keys(qtbot, view, TEXT.index("Ana Lopes"), len("Ana Lopes"))
    qtbot.keyClick(view, Qt.Key.Key_A)  # an ACTOR span: the picker asks which actor
    picker = window.actors.tagging.picker
    qtbot.waitUntil(picker.isVisible)
    qtbot.keyClick(picker.edit, Qt.Key.Key_Return)  # the registry's "Ana Lopes"
    assert not spans.isColumnHidden(ACTOR_COLUMN)
    assert spans.model().index(0, ACTOR_COLUMN).data() == "Ana Lopes"
    span_id = window.session.selected
    assert span_id is not None

    view.setFocus()
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert stored_spans(store, doc) == []
    assert spans.model().rowCount() == 0 and spans.isColumnHidden(ACTOR_COLUMN)

    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)  # the span and its link return
    assert [s[2] for s in stored_spans(store, doc)] == [span_id]
    assert not spans.isColumnHidden(ACTOR_COLUMN)
    assert spans.model().index(0, ACTOR_COLUMN).data() == "Ana Lopes"
    # every read since the window opened named the edited span: none scanned the document
    assert reads and all(ids is not None and ids <= {span_id} for ids in reads), reads

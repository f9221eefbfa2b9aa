"""Ctrl+F2 sets a link's codebook values from the keyboard (issue 16 point 2: "per relation type
... set from the keyboard"), as one undo step; with two links a keyboard list asks which."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.attributes import define_attribute
from annotator.model import Project, Relation, RelationType
from annotator.ops.annotations import create_span
from annotator.ops.projects import ensure_annotator
from annotator.ops.relations import create_relation
from annotator.store import Actor, Store
from tests.ui.helpers import click, label_id
from ui.attributes import AttributeEditor
from ui.main_window import MainWindow
from ui.qt import QApplication, QInputDialog, Qt

Open = Callable[..., MainWindow]
TEXT = "Mayor Varga said the bridge would reopen in spring. Obi said it would not."


def _links(store: Store, project: Project, doc: int, quotes: int) -> list[int]:
    """Alice's ACTOR "Mayor Varga" and ``quotes`` QUOTE spans linked to it by speaker links."""
    with store.transaction() as tx:
        define_attribute(
            tx, project.id, "speaker", "certainty", "choice", ["sure", "hedged"], scope="relation"
        )
        alice = ensure_annotator(tx, project.id, "alice").id
        speaker = tx.session.scalars(
            select(RelationType.id).where(
                RelationType.project_id == project.id, RelationType.name == "speaker"
            )
        ).one()
    out = []
    with store.transaction(actor=Actor("alice", alice)) as tx:
        actor = create_span(tx, doc, 0, 11, label_id(store, project.id, "ACTOR"), alice).id
        for start, end in [(17, 50), (56, 73)][:quotes]:
            quote = create_span(tx, doc, start, end, label_id(store, project.id, "QUOTE"), alice).id
            out.append(create_relation(tx, quote, actor, speaker, alice).id)
    return out


def _values(store: Store, link: int) -> Any:
    with store.session() as s:
        return s.scalar(select(Relation.attributes).where(Relation.id == link))


def _modal(qtbot: QtBot, kind: type) -> Any:
    qtbot.waitUntil(lambda: isinstance(QApplication.activeModalWidget(), kind))
    return QApplication.activeModalWidget()


def test_ctrl_f2_sets_a_links_value_in_one_undo_step(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    (link,) = _links(store, project, doc, 1)
    window.project.store.poll()  # the spans and links made beside the app reach it
    qtbot.waitUntil(lambda: len(window.session.index.spans) == 2, timeout=10000)
    view = window.pane.view
    click(qtbot, view, 25)  # the quote
    qtbot.keyClick(view, Qt.Key.Key_F2, Qt.KeyboardModifier.ControlModifier)
    editor = _modal(qtbot, AttributeEditor)
    qtbot.keyClick(editor, Qt.Key.Key_2)  # certainty = hedged
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert _values(store, link) == {"certainty": "hedged"}
    assert window.session.relations_of_span(window.session.selected)[0].attributes == {"certainty": "hedged"}
    qtbot.keyClick(view, Qt.Key.Key_Z, Qt.KeyboardModifier.ControlModifier)
    assert _values(store, link) is None


def test_two_links_a_list_asks_which_and_a_span_without_links_is_told(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    window = open_window(TEXT)
    doc = window.session.doc_id
    assert doc is not None
    first, second = _links(store, project, doc, 2)
    window.project.store.poll()
    qtbot.waitUntil(lambda: len(window.session.index.spans) == 3, timeout=10000)
    view = window.pane.view
    click(qtbot, view, 3)  # the actor: two speaker links end on it
    qtbot.keyClick(view, Qt.Key.Key_F2, Qt.KeyboardModifier.ControlModifier)
    chooser = _modal(qtbot, QInputDialog)
    assert chooser.comboBoxItems()[1].startswith("speaker ←")
    chooser.setTextValue(chooser.comboBoxItems()[1])
    qtbot.keyClick(chooser, Qt.Key.Key_Return)
    editor = _modal(qtbot, AttributeEditor)
    qtbot.keyClick(editor, Qt.Key.Key_1)  # sure
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(lambda: not editor.isVisible())
    assert _values(store, second) == {"certainty": "sure"} and _values(store, first) is None

    qtbot.keyClick(view, Qt.Key.Key_Escape)
    qtbot.keyClick(view, Qt.Key.Key_F2, Qt.KeyboardModifier.ControlModifier)  # nothing selected
    assert "Select a span first" in window.statusBar().currentMessage()

"""Deleting your own span never silently takes a teammate's link (issue 20, point 4): the app asks
first (a second Delete) and names whose link goes; the teammate's own app tells them after."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from pytestqt.qtbot import QtBot
from sqlalchemy import select

from annotator.model import AuditEntry, Project, RelationType
from annotator.ops.annotations import create_span
from annotator.ops.projects import ensure_annotator
from annotator.ops.relations import create_relation
from annotator.store import Actor, Store
from tests.ui.helpers import click, label_id, stored_relations, stored_spans
from ui.main_window import MainWindow
from ui.project import ProjectContext
from ui.qt import Qt

Open = Callable[..., MainWindow]
TEXT = "Mayor Varga said the bridge would reopen in spring."


def _bens_link_on_anas_actor(store: Store, project: Project, doc: int) -> tuple[int, int]:
    with store.transaction() as tx:
        ana, ben = ensure_annotator(tx, project.id, "ana").id, ensure_annotator(tx, project.id, "ben").id
    with store.transaction(actor=Actor("ana", ana)) as tx:
        actor = create_span(tx, doc, 0, 11, label_id(store, project.id, "ACTOR"), ana).id
    with store.session() as session:
        speaker = session.scalars(
            select(RelationType.id).where(
                RelationType.project_id == project.id, RelationType.name == "speaker"
            )
        ).one()
    with store.transaction(actor=Actor("ben", ben)) as tx:
        quote = create_span(tx, doc, 17, 50, label_id(store, project.id, "QUOTE"), ben).id
        link = create_relation(tx, quote, actor, speaker, ben).id
    return actor, link


def test_delete_asks_first_naming_whose_link_goes_and_the_teammate_is_told(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    anas = open_window(TEXT, annotator="ana")
    doc = anas.session.doc_id
    assert doc is not None
    actor, link = _bens_link_on_anas_actor(store, project, doc)
    bens = open_window(annotator="ben")
    bens.open_document(doc)
    bens.project.store.poll()  # ben's app watches from here on
    anas.activateWindow()
    view = anas.pane.view
    qtbot.waitUntil(lambda: actor in anas.session.index.spans, timeout=10000)

    click(qtbot, view, 3)
    assert anas.session.selected == actor
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    message = anas.statusBar().currentMessage()
    assert "ben's speaker link" in message and "Delete again" in message
    assert actor in {s[2] for s in stored_spans(store, doc)}  # nothing deleted yet

    qtbot.keyClick(view, Qt.Key.Key_Escape)  # Esc keeps both; the next Delete asks again
    click(qtbot, view, 3)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert actor in {s[2] for s in stored_spans(store, doc)}
    qtbot.keyClick(view, Qt.Key.Key_Delete)  # confirmed
    assert actor not in {s[2] for s in stored_spans(store, doc)}
    assert link not in {r[0] for r in stored_relations(store, doc)}
    with store.session() as session:
        row = session.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "relation", AuditEntry.entity_id == link)
            .where(AuditEntry.action == "deleted")
        ).one()
    assert row.actor == "ana" and row.detail["annotator"] == "ben"  # the log names the link's owner

    qtbot.waitUntil(lambda: "your speaker link" in bens.statusBar().currentMessage(), timeout=10000)
    assert bens.statusBar().currentMessage().startswith("ana deleted a span your speaker link used")


def test_a_span_without_teammates_links_is_deleted_at_once(
    qtbot: QtBot, open_window: Open, store: Store, project: Project
) -> None:
    anas = open_window(TEXT, annotator="ana")
    doc = anas.session.doc_id
    assert doc is not None
    with store.transaction() as tx:
        ana = ensure_annotator(tx, project.id, "ana").id
    with store.transaction(actor=Actor("ana", ana)) as tx:
        span = create_span(tx, doc, 0, 11, label_id(store, project.id, "ACTOR"), ana).id
    qtbot.waitUntil(lambda: span in anas.session.index.spans, timeout=10000)
    click(qtbot, anas.pane.view, 3)
    qtbot.keyClick(anas.pane.view, Qt.Key.Key_Delete)
    assert span not in {s[2] for s in stored_spans(store, doc)}


def test_the_first_delete_asks_inside_its_write_no_read_before_it(
    qtbot: QtBot, open_window: Open, store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    """Whether a teammate's link would go is answered by the delete's own transaction (issue
    19: a read transaction before every Delete cost about 1 ms of the key), both ways: a span
    with a teammate's link is asked about (nothing written, nothing to undo), one without goes
    at once."""
    anas = open_window(TEXT, annotator="ana")
    doc = anas.session.doc_id
    assert doc is not None
    actor, link = _bens_link_on_anas_actor(store, project, doc)
    with store.transaction(actor=anas.project.actor) as tx:
        plain = create_span(
            tx, doc, 28, 33, label_id(store, project.id, "ACTOR"), anas.project.annotator_id
        ).id

    def no_read(_self: object, _ids: list[int]) -> list[object]:
        raise AssertionError("a read before the delete")

    monkeypatch.setattr(ProjectContext, "others_links", no_read)
    view = anas.pane.view
    qtbot.waitUntil(lambda: {actor, plain} <= set(anas.session.index.spans), timeout=10000)
    click(qtbot, view, 3)
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert "ben's speaker link" in anas.statusBar().currentMessage()
    assert actor in {s[2] for s in stored_spans(store, doc)} and anas.stack.count() == 0
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert actor not in {s[2] for s in stored_spans(store, doc)}
    assert link not in {r[0] for r in stored_relations(store, doc)}
    click(qtbot, view, 30)
    assert anas.session.selected == plain
    qtbot.keyClick(view, Qt.Key.Key_Delete)
    assert plain not in {s[2] for s in stored_spans(store, doc)} and anas.stack.count() == 2

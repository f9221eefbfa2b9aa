"""Whose links a deletion takes with it, before (asked) and after (told) (issue 20, point 4)."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from annotator.events import ChangeSet
from annotator.linked import links_taken_from, others_links
from annotator.model import Annotation, Annotator, Project, RelationType
from annotator.ops.annotations import OthersLinks, create_span, delete_spans
from annotator.ops.projects import ensure_annotator
from annotator.ops.relations import create_relation
from annotator.store import Actor, Store, open_store
from tests.core.helpers import add_doc, label_id

TEXT = "Mayor Varga said the bridge would reopen."


def _speaker(store: Store, project: Project) -> int:
    with store.session() as session:
        return session.scalars(
            select(RelationType.id).where(
                RelationType.project_id == project.id, RelationType.name == "speaker"
            )
        ).one()


def _setup(store: Store, project: Project) -> tuple[int, int, int, int]:
    """ana's ACTOR span; ben's QUOTE span linked to it by ben. Returns doc, actor, quote, link."""
    doc = add_doc(store, project.id, TEXT)
    with store.transaction() as tx:
        ana, ben = ensure_annotator(tx, project.id, "ana").id, ensure_annotator(tx, project.id, "ben").id
    with store.transaction(actor=Actor("ana", ana)) as tx:
        actor = create_span(tx, doc, 0, 11, label_id(store, project.id, "ACTOR"), ana).id
    with store.transaction(actor=Actor("ben", ben)) as tx:
        quote = create_span(tx, doc, 17, 40, label_id(store, project.id, "QUOTE"), ben).id
        link = create_relation(tx, quote, actor, _speaker(store, project), ben).id
    return doc, actor, quote, link


def test_others_links_names_the_owner_and_both_ends(store: Store, project: Project) -> None:
    _doc, actor, _quote, link = _setup(store, project)
    with store.session() as session:
        ana_id = session.scalars(select(Annotator.id).where(Annotator.name == "ana")).one()
        ben_id = session.scalars(select(Annotator.id).where(Annotator.name == "ben")).one()
        found = others_links(session, [actor], ana_id)
        assert [f.relation_id for f in found] == [link]
        assert (
            found[0].describe()
            == "ben's speaker link (QUOTE “the bridge would reopen” → ACTOR “Mayor Varga”)"
        )
        assert found[0].owner == "ben" and found[0].type == "speaker"
        assert found[0].source.startswith("QUOTE “") and found[0].target == "ACTOR “Mayor Varga”"
        assert others_links(session, [actor], ben_id) == []  # ben's own link is not "others'"


def test_the_teammate_is_told_from_another_process_audit(
    backend_url: str, store: Store, project: Project
) -> None:
    _doc, actor, _quote, _link = _setup(store, project)
    bens_app = open_store(backend_url)
    try:
        bens_app.poll()  # ben's window starts watching
        with store.session() as session:
            ana_id = session.scalars(select(Annotator.id).where(Annotator.name == "ana")).one()
        with store.transaction(actor=Actor("ana", ana_id)) as tx:
            delete_spans(tx, [actor], ana_id)
        arrived = bens_app.poll()
        assert arrived is not None
        told = links_taken_from(arrived, "ben")
        assert len(told) == 1 and told[0].startswith("ana deleted a span your speaker link used")
        assert "ACTOR “Mayor Varga”" in told[0]
        assert links_taken_from(arrived, "carl") == []  # not carl's link
        assert links_taken_from(ChangeSet(arrived.changes, None, "ben"), "ben") == []  # his own deletion
    finally:
        bens_app.close()


def test_a_sparing_delete_is_refused_whole_when_a_teammates_link_would_go(
    store: Store, project: Project
) -> None:
    """``delete_spans(spare=me)`` checks inside its own transaction: a teammate's link refuses
    it (naming the link) and nothing is deleted; the owner's own links do not count."""
    doc, actor, quote, link = _setup(store, project)
    with store.session() as session:
        ana_id = session.scalars(select(Annotator.id).where(Annotator.name == "ana")).one()
        ben_id = session.scalars(select(Annotator.id).where(Annotator.name == "ben")).one()
    with pytest.raises(OthersLinks) as refused, store.transaction(actor=Actor("ana", ana_id)) as tx:
        delete_spans(tx, [actor], spare=ana_id)
    assert [o.relation_id for o in refused.value.links] == [link]
    assert "ben's speaker link" in str(refused.value)
    with store.session() as session:  # rolled back: both spans and the link stay
        kept = set(session.scalars(select(Annotation.id).where(Annotation.document_id == doc)))
    assert {actor, quote} <= kept
    with store.transaction(actor=Actor("ben", ben_id)) as tx:  # ben's own link: nothing to spare
        spans, links = delete_spans(tx, [quote], spare=ben_id)
    assert [s.id for s in spans] == [quote] and [r.id for r in links] == [link]

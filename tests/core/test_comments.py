"""Comments and flags in the core, on SQLite and PostgreSQL: threads, state, undo, audit, and
comments that outlive their span."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from annotator import comments
from annotator import undo as log
from annotator.comment_reads import comment_rows, commented_spans
from annotator.errors import AnnotatorError, ValidationError
from annotator.model import AuditEntry, Comment, Project
from annotator.ops.annotations import create_span, delete_spans, update_span
from annotator.ops.documents import delete_documents
from annotator.ops.relations import create_relation
from annotator.store import Actor, Store
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = "Mayor Ana Ruiz said the bridge opens in May. Critics doubt it."


def person(store: Store, project: Project, name: str) -> Actor:
    return Actor(name, annotator_id(store, project.id, name))


@pytest.fixture
def doc(store: Store, project: Project) -> int:
    return add_doc(store, project.id, TEXT)


def span(
    store: Store, project: Project, doc: int, word: str, label: str = "CLAIM", who: str = "alice"
) -> int:
    start = TEXT.index(word)
    owner = annotator_id(store, project.id, who)
    with store.transaction() as tx:
        return create_span(tx, doc, start, start + len(word), label_id(store, project.id, label), owner).id


def rows(store: Store, project: Project, **kw: object) -> list[tuple[int, str, str, str]]:
    with store.session() as s:
        return [(r.id, r.target, r.text, r.state) for r in comment_rows(s, project.id, **kw)]  # type: ignore[arg-type]


def test_threads_on_span_relation_document_with_author_time_and_state(
    store: Store, project: Project, doc: int
) -> None:
    alice, bob = person(store, project, "alice"), person(store, project, "bob")
    actor_span = span(store, project, doc, "Ana Ruiz", "ACTOR")
    quote = span(store, project, doc, "the bridge opens in May", "QUOTE")
    with store.transaction() as tx:
        types = {t.name: t.id for t in project_types(tx, project)}
        link = create_relation(tx, quote, actor_span, types["speaker"], alice.id or 0).id
    with store.transaction(actor=alice) as tx:
        on_span = comments.comment_on(tx, alice.id or 0, "Is this a claim?", span_id=quote)
        on_link = comments.comment_on(tx, alice.id or 0, "Speaker unsure", relation_id=link, kind="flag")
        on_doc = comments.comment_on(tx, alice.id or 0, "Check the date", document_id=doc)
    with store.transaction(actor=bob) as tx:
        answer = comments.reply_to(tx, bob.id or 0, on_span, "Yes, it predicts.")
        again = comments.reply_to(tx, bob.id or 0, answer, "See guideline 3.")  # joins the thread
        comments.resolve(tx, bob.id or 0, again)  # resolving from a reply resolves the thread
    with store.session() as s:
        found = comment_rows(s, project.id)
        assert [(r.id, r.target, r.parent_id) for r in found] == [
            (on_span, "span", None),
            (answer, "span", on_span),
            (again, "span", on_span),
            (on_link, "relation", None),
            (on_doc, "document", None),
        ]
        first = found[0]
        assert (first.author, first.state, first.resolved_by, first.kind) == (
            "alice",
            "resolved",
            "bob",
            "comment",
        )
        assert found[1].author == "bob" and found[1].created_at >= first.created_at
        assert [r.id for r in comment_rows(s, project.id, open_only=True)] == [on_link, on_doc]
        assert [r.id for r in comment_rows(s, project.id, kind="flag")] == [on_link]
        assert commented_spans(s, doc, open_only=False) == {quote: "comment"}
        audit = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "comment").order_by(AuditEntry.id)
        ).all()
        assert [(a.action, a.actor) for a in audit][-1] == ("updated", "bob")
        assert any(a.detail and a.detail.get("text") == "Is this a claim?" for a in audit)


def project_types(tx, project: Project):  # type: ignore[no-untyped-def]
    from annotator.model import RelationType

    return tx.session.scalars(select(RelationType).where(RelationType.project_id == project.id)).all()


def test_add_reply_resolve_reopen_are_undoable_steps_of_whoever_acted(
    store: Store, project: Project, doc: int
) -> None:
    alice, bob = person(store, project, "alice"), person(store, project, "bob")
    with store.transaction(actor=alice) as tx:
        first = comments.comment_on(tx, alice.id or 0, "Why ACTOR?", document_id=doc)
    with store.transaction(actor=bob) as tx:
        answer = comments.reply_to(tx, bob.id or 0, first, "A person.")
        comments.resolve(tx, bob.id or 0, first)
    assert rows(store, project) == [
        (first, "document", "Why ACTOR?", "resolved"),
        (answer, "document", "A person.", "resolved"),
    ]
    with store.transaction(actor=bob) as tx:
        assert "Resolve comment" in log.undo(tx).title
    assert [r[3] for r in rows(store, project)] == ["open", "open"]
    with store.transaction(actor=bob) as tx:
        log.undo(tx)  # the reply goes
    assert rows(store, project) == [(first, "document", "Why ACTOR?", "open")]
    with store.transaction(actor=bob) as tx:
        log.redo(tx)
        log.redo(tx)
    assert [r[0] for r in rows(store, project)] == [first, answer]  # the same ids
    with store.transaction(actor=alice) as tx:
        comments.resolve(tx, alice.id or 0, first, resolved=False)  # reopen: anyone may
        comments.edit(tx, alice.id or 0, first, "Why ACTOR here?")
    with store.transaction(actor=alice) as tx:
        log.undo(tx)
    assert rows(store, project)[0][2] == "Why ACTOR?"
    with store.transaction(actor=alice) as tx:
        undone = log.undo(tx)
    assert "Reopen" in undone.title and rows(store, project)[0][3] == "resolved"


def test_only_the_author_edits_and_nobody_comments_in_anothers_name(
    store: Store, project: Project, doc: int
) -> None:
    alice, bob = person(store, project, "alice"), person(store, project, "bob")
    with store.transaction(actor=alice) as tx:
        first = comments.comment_on(tx, alice.id or 0, "Mine", document_id=doc)
    with pytest.raises(ValidationError, match="only its author"), store.transaction(actor=bob) as tx:
        comments.edit(tx, bob.id or 0, first, "Changed")
    with pytest.raises(ValidationError, match="own name"), store.transaction(actor=bob) as tx:
        comments.comment_on(tx, alice.id or 0, "As alice", document_id=doc)
    for bad in ("", "   "):
        with pytest.raises(ValidationError, match="needs some text"), store.transaction(actor=bob) as tx:
            comments.reply_to(tx, bob.id or 0, first, bad)
    with pytest.raises(AnnotatorError, match="no span with id 999"), store.transaction(actor=bob) as tx:
        comments.comment_on(tx, bob.id or 0, "x", span_id=999)
    assert rows(store, project) == [(first, "document", "Mine", "open")]


def test_a_comment_follows_span_edits_and_outlives_its_deletion_with_a_note(
    store: Store, project: Project, doc: int
) -> None:
    alice = person(store, project, "alice")
    target = span(store, project, doc, "Critics")
    with store.transaction(actor=alice) as tx:
        note = comments.comment_on(tx, alice.id or 0, "Who are they?", span_id=target)
    with store.transaction(actor=alice) as tx:
        update_span(tx, target, end=TEXT.index("Critics") + len("Critics doubt"))
    assert rows(store, project) == [(note, "span", "Who are they?", "open")]
    with store.transaction(actor=alice) as tx, log.undoable(tx, "Delete span", [doc]):
        delete_spans(tx, [target])
    with store.session() as s:
        (row,) = comment_rows(s, project.id)
        assert row.target == "document" and row.document_id == doc
        assert row.note == f"was on span {target} (CLAIM 45–58 'Critics doubt', deleted)"
        assert commented_spans(s, doc) == {}
    with store.transaction(actor=alice) as tx:
        log.undo(tx)  # the span comes back with its id: so does the comment's place
    assert rows(store, project) == [(note, "span", "Who are they?", "open")]


def test_deleting_a_document_takes_its_comments_and_undo_brings_them_back(
    store: Store, project: Project, doc: int
) -> None:
    alice = person(store, project, "alice")
    with store.transaction(actor=alice) as tx:
        comments.comment_on(tx, alice.id or 0, "Duplicate?", document_id=doc, kind="flag")
    with store.transaction(actor=alice) as tx:
        deleted = delete_documents(tx, [doc])
    assert rows(store, project) == []
    from annotator.ops.documents import restore_documents

    with store.transaction() as tx:
        restore_documents(tx, deleted)
    assert [r[2] for r in rows(store, project)] == ["Duplicate?"]
    with store.session() as s:
        assert s.scalars(select(Comment.kind)).all() == ["flag"]

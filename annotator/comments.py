"""Comments and flags for discussion on documents, spans and relations: the write side.

Each operation (add, reply, resolve, reopen, edit) is one undoable step of the person acting, in
the shared undo log, and audited. A thread is a first comment and its replies; its state (open or
resolved) is the first comment's, so anyone may resolve or reopen it and reply to it, while only
its author changes a comment's text. A comment names its span or relation by id: it follows the
span through edits, and when the span is deleted it stays on the document, noting the span it
was on (see ``annotator.comment_reads``).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Annotation, Annotator, Comment, Document, Label, Relation, RelationType, utcnow
from annotator.tx import Tx
from annotator.undo.log import save
from annotator.undo.rows import RowChange, Step, to_json

KINDS = ("comment", "flag")
OPEN, RESOLVED = "open", "resolved"
MAX_TEXT = 20_000


def _image(session: Any, comment_id: int) -> dict[str, Any] | None:
    row = session.get(Comment, comment_id)
    if row is None:
        return None
    session.flush()
    return to_json({c.name: getattr(row, c.name) for c in Comment.__table__.columns})


@dataclass(slots=True)
class Recorded:
    """What a comment step made (``made``: new comments' ids) and its id in the undo log."""

    made: list[int] = field(default_factory=list)
    id: int | None = None


@contextmanager
def comment_step(tx: Tx, title: str, who: int, named: Sequence[int] = ()) -> Iterator[Recorded]:
    """Run the block as one undoable step of ``who`` over the comments it names and those it
    adds to ``made``; undo and redo then go through the one core log (``annotator.undo``)."""
    out = Recorded()
    before = {i: _image(tx.session, i) for i in named}
    yield out
    tx.session.flush()
    changes = []
    for i in [*named, *out.made]:
        after = _image(tx.session, i)
        if after != before.get(i):
            changes.append(RowChange("comment", i, before.get(i), after))
    if changes:
        docs = tuple(sorted({int((c.after or c.before or {})["document_id"]) for c in changes}))
        out.id = save(tx, who, Step(title, "annotate", documents=docs, changes=changes))


def _text(text: str) -> str:
    if not isinstance(text, str) or not text.strip():
        raise ValidationError("a comment needs some text")
    if len(text) > MAX_TEXT:
        raise ValidationError(f"a comment holds at most {MAX_TEXT} characters (this one has {len(text)})")
    return text.strip()


def _author(tx: Tx, author_id: int) -> Annotator:
    person = tx.session.get(Annotator, author_id)
    if person is None:
        raise NotFoundError(f"no annotator with id {author_id}")
    if person.role == "gold":
        raise ValidationError("the gold layer writes no comments; comment as yourself")
    actor = tx.actor
    if actor is not None and actor.id is not None and actor.id != author_id:
        raise ValidationError(f"{actor.name} may comment only in their own name")
    return person


def span_anchor(session: Any, span_id: int) -> tuple[int, dict[str, Any]]:
    """A span's document and what it is (offsets, label, text, owner), for the comment's note."""
    row = session.execute(
        select(
            Annotation.document_id,
            Annotation.start,
            Annotation.end,
            Label.name,
            Annotation.text,
            Annotator.name,
        )
        .join(Label, Label.id == Annotation.label_id)
        .join(Annotator, Annotator.id == Annotation.annotator_id)
        .where(Annotation.id == span_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no span with id {span_id}")
    doc, start, end, label, text, owner = row
    return doc, {"start": start, "end": end, "label": label, "text": text, "annotator": owner}


def relation_anchor(session: Any, relation_id: int) -> tuple[int, dict[str, Any]]:
    row = session.execute(
        select(
            Relation.document_id, Relation.source_id, Relation.target_id, RelationType.name, Annotator.name
        )
        .join(RelationType, RelationType.id == Relation.type_id)
        .join(Annotator, Annotator.id == Relation.annotator_id)
        .where(Relation.id == relation_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no relation with id {relation_id}")
    doc, source, target, kind, owner = row
    ends = {"from": span_anchor(session, source)[1], "to": span_anchor(session, target)[1]}
    return doc, {"type": kind, "annotator": owner, **ends}


def add_comment(
    tx: Tx,
    author_id: int,
    text: str,
    *,
    document_id: int | None = None,
    span_id: int | None = None,
    relation_id: int | None = None,
    kind: str = "comment",
) -> Comment:
    """A new thread on exactly one of a document, a span or a relation."""
    if sum(x is not None for x in (document_id, span_id, relation_id)) != 1:
        raise ValidationError("a comment is on exactly one of a document, a span or a relation")
    if kind not in KINDS:
        raise ValidationError(f"unknown comment kind {kind!r} (known: {', '.join(KINDS)})")
    body = _text(text)
    person = _author(tx, author_id)
    anchor: dict[str, Any] | None = None
    if span_id is not None:
        document_id, anchor = span_anchor(tx.session, span_id)
    elif relation_id is not None:
        document_id, anchor = relation_anchor(tx.session, relation_id)
    assert document_id is not None
    project = tx.session.scalar(select(Document.project_id).where(Document.id == document_id))
    if project is None:
        raise NotFoundError(f"no document with id {document_id}")
    if project != person.project_id:
        raise ValidationError(f"document {document_id} belongs to another project than {person.name}")
    return _insert(tx, person, body, document_id, span_id, relation_id, None, kind, anchor)


def _insert(
    tx: Tx,
    person: Annotator,
    body: str,
    document_id: int,
    span_id: int | None,
    relation_id: int | None,
    parent: Comment | None,
    kind: str,
    anchor: dict[str, Any] | None,
) -> Comment:
    now = utcnow()
    row = Comment(
        uid=str(uuid.uuid4()),
        document_id=document_id,
        span_id=span_id,
        relation_id=relation_id,
        parent_uid=None if parent is None else parent.uid,
        kind=kind,
        text=body,
        author_id=person.id,
        created_at=now,
        updated_at=now,
        state=OPEN,
        anchor=anchor,
    )
    tx.session.add(row)
    tx.session.flush()
    target = "span" if span_id else "relation" if relation_id else "document"
    detail = {
        "kind": kind,
        "text": body,
        "author": person.name,
        "target": target,
        "reply_to": None if parent is None else parent.id,
    }
    if span_id or relation_id:
        detail[target] = span_id or relation_id
    tx.record("comment", "created", (row.id,), (document_id,), detail)
    return row


def get_comment(tx: Tx, comment_id: int) -> Comment:
    row = tx.session.get(Comment, comment_id)
    if row is None:
        raise NotFoundError(f"no comment with id {comment_id}")
    return row


def thread_of(tx: Tx, comment_id: int) -> Comment:
    """The first comment of the thread ``comment_id`` is in (itself for a first comment)."""
    row = get_comment(tx, comment_id)
    if row.parent_uid is None:
        return row
    return tx.session.scalar(select(Comment).where(Comment.uid == row.parent_uid)) or row


def reply(tx: Tx, author_id: int, comment_id: int, text: str) -> Comment:
    """A reply in the thread of ``comment_id`` (a reply to a reply joins the same thread)."""
    body = _text(text)
    person = _author(tx, author_id)
    root = thread_of(tx, comment_id)
    return _insert(
        tx, person, body, root.document_id, root.span_id, root.relation_id, root, "comment", root.anchor
    )


def set_state(tx: Tx, by_id: int, comment_id: int, *, resolved: bool) -> Comment:
    """Resolve or reopen the thread of ``comment_id``; anyone on the project may."""
    person = _author(tx, by_id)
    root = thread_of(tx, comment_id)
    state = RESOLVED if resolved else OPEN
    if root.state == state:
        raise ValidationError(f"comment {root.id} is already {state}")
    root.state = state
    root.resolved_by_id = person.id if resolved else None
    root.resolved_at = utcnow() if resolved else None
    root.updated_at = utcnow()  # a merge takes the later of two resolutions
    tx.session.flush()
    tx.record("comment", "updated", (root.id,), (root.document_id,), {"state": state, "by": person.name})
    return root


def edit_text(tx: Tx, by_id: int, comment_id: int, text: str) -> Comment:
    """Change a comment's text: only its author may."""
    body = _text(text)
    person = _author(tx, by_id)
    row = get_comment(tx, comment_id)
    if row.author_id != person.id:
        raise ValidationError(f"comment {comment_id} is another person's; only its author edits its text")
    before, row.text, row.updated_at = row.text, body, utcnow()
    tx.session.flush()
    detail = {"before": {"text": before}, "after": {"text": body}}
    tx.record("comment", "updated", (row.id,), (row.document_id,), detail)
    return row


# --- one undoable step each: what the app and the command line call --------------------------


def comment_on(
    tx: Tx,
    who: int,
    text: str,
    *,
    document_id: int | None = None,
    span_id: int | None = None,
    relation_id: int | None = None,
    kind: str = "comment",
) -> int:
    """Add a comment (or a flag) as one undoable step of ``who``; returns its id."""
    title = "Flag for discussion" if kind == "flag" else "Comment"
    with comment_step(tx, title, who) as step:
        row = add_comment(
            tx, who, text, document_id=document_id, span_id=span_id, relation_id=relation_id, kind=kind
        )
        step.made.append(row.id)
    return row.id


def reply_to(tx: Tx, who: int, comment_id: int, text: str) -> int:
    with comment_step(tx, f"Reply to comment {comment_id}", who) as step:
        row = reply(tx, who, comment_id, text)
        step.made.append(row.id)
    return row.id


def resolve(tx: Tx, who: int, comment_id: int, *, resolved: bool = True) -> int:
    """Resolve (or reopen) a thread as one undoable step; returns the thread's first comment."""
    root = thread_of(tx, comment_id).id
    title = f"{'Resolve' if resolved else 'Reopen'} comment {root}"
    with comment_step(tx, title, who, [root]):
        set_state(tx, who, root, resolved=resolved)
    return root


def edit(tx: Tx, who: int, comment_id: int, text: str) -> int:
    with comment_step(tx, f"Edit comment {comment_id}", who, [comment_id]):
        edit_text(tx, who, comment_id, text)
    return comment_id

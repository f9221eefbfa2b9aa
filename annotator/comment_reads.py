"""Comments and flags as the faces show them: threads in order, with their target's state.

A comment whose span or relation was deleted is shown on its document with a note of what it was
on (from the audit log's record of the deletion, else from what the comment noted when made), so
deleting a span never makes a comment vanish.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session, aliased

from annotator.model import Annotation, Annotator, AuditEntry, Comment, Document, Relation


@dataclass(frozen=True, slots=True)
class CommentRow:
    id: int
    uid: str
    document_id: int
    document_title: str
    # "document", "span" or "relation": where it is now (a deleted target's comment is "document").
    target: str
    span_id: int | None
    relation_id: int | None
    parent_id: int | None
    kind: str
    text: str
    author: str
    created_at: datetime
    # The thread's state (its first comment's): "open" or "resolved".
    state: str
    resolved_by: str | None
    resolved_at: datetime | None
    # Where it was when its span or relation is gone: "was on span 12 (CLAIM 5–9 'Critics')".
    note: str

    @property
    def thread(self) -> int:
        return self.parent_id or self.id

    def as_json(self) -> dict[str, Any]:
        out: dict[str, Any] = {
            "id": self.id,
            "document": self.document_id,
            "target": self.target,
            "span": self.span_id if self.target == "span" else None,
            "relation": self.relation_id if self.target == "relation" else None,
            "reply_to": self.parent_id,
            "kind": self.kind,
            "text": self.text,
            "author": self.author,
            "time": self.created_at.isoformat(timespec="seconds"),
            "state": self.state,
            "resolved_by": self.resolved_by,
        }
        if self.note:
            out["note"] = self.note
        return out


def _describe(kind: str, target_id: int, what: dict[str, Any] | None) -> str:
    if not what:
        return f"was on {kind} {target_id} (deleted)"
    if kind == "span":
        return f"was on span {target_id} ({what.get('label')} {what.get('start')}–{what.get('end')} {what.get('text')!r}, deleted)"
    ends = [what.get(k) or {} for k in ("from", "to", "source", "target")]
    texts = [repr(e.get("text")) for e in ends if e.get("text") is not None][:2]
    return f"was on relation {target_id} ({what.get('type')} {' → '.join(texts)}, deleted)"


def _deleted(session: Session, entity: str, ids: set[int]) -> dict[int, dict[str, Any]]:
    """What the audit log recorded of deleted rows (their last deletion)."""
    if not ids:
        return {}
    query = (
        select(AuditEntry.entity_id, AuditEntry.detail)
        .where(AuditEntry.entity == entity, AuditEntry.action == "deleted", AuditEntry.entity_id.in_(ids))
        .order_by(AuditEntry.id)
    )
    return {int(i): detail or {} for i, detail in session.execute(query)}


def comment_rows(
    session: Session,
    project_id: int,
    *,
    open_only: bool = False,
    document_ids: Sequence[int] | None = None,
    kind: str | None = None,
) -> list[CommentRow]:
    """Every comment of the project (or of ``document_ids``), threads in order of their first
    comment, replies after it; ``open_only`` keeps open threads, ``kind`` threads of that kind."""
    author, resolver, root = aliased(Annotator), aliased(Annotator), aliased(Comment)
    query = (
        select(Comment, Document.title, author.name, resolver.name, root.id, root.state, root.kind)
        .join(Document, Document.id == Comment.document_id)
        .join(author, author.id == Comment.author_id)
        .outerjoin(root, root.uid == Comment.parent_uid)
        .outerjoin(resolver, resolver.id == Comment.resolved_by_id)
        .where(Document.project_id == project_id)
        .order_by(Comment.id)
    )
    if document_ids is not None:
        query = query.where(Comment.document_id.in_(list(document_ids)))
    found = list(session.execute(query))
    spans = {c.span_id for c, *_ in found if c.span_id is not None}
    links = {c.relation_id for c, *_ in found if c.relation_id is not None}
    live_spans = (
        set(session.scalars(select(Annotation.id).where(Annotation.id.in_(spans)))) if spans else set()
    )
    live_links = set(session.scalars(select(Relation.id).where(Relation.id.in_(links)))) if links else set()
    gone_spans = _deleted(session, "annotation", spans - live_spans)
    gone_links = _deleted(session, "relation", links - live_links)
    rows: list[CommentRow] = []
    for c, title, name, resolved_by, root_id, root_state, root_kind in found:
        state = root_state or c.state
        thread_kind = root_kind or c.kind
        if open_only and state != "open":
            continue
        if kind is not None and thread_kind != kind:
            continue
        target, note = "document", ""
        if c.span_id is not None:
            if c.span_id in live_spans:
                target = "span"
            else:
                note = _describe("span", c.span_id, gone_spans.get(c.span_id) or c.anchor)
        elif c.relation_id is not None:
            if c.relation_id in live_links:
                target = "relation"
            else:
                note = _describe("relation", c.relation_id, gone_links.get(c.relation_id) or c.anchor)
        elif c.anchor:  # its span or relation did not come along (a copy, a merge): say what it was
            note = _describe("relation" if "type" in c.anchor else "span", 0, c.anchor).replace(" 0 (", " (")
        rows.append(
            CommentRow(
                c.id,
                c.uid,
                c.document_id,
                title or f"document {c.document_id}",
                target,
                c.span_id,
                c.relation_id,
                root_id,
                c.kind,
                c.text,
                name,
                c.created_at,
                state,
                resolved_by if c.parent_uid is None else None,
                c.resolved_at,
                note,
            )
        )
    order = {r.id: i for i, r in enumerate(rows) if r.parent_id is None}
    return sorted(
        rows, key=lambda r: (order.get(r.thread, len(order) + r.thread), r.parent_id is not None, r.id)
    )


def commented_spans(session: Session, document_id: int, open_only: bool = True) -> dict[int, str]:
    """Span ids of a document that carry a comment thread, with the strongest kind ("flag" wins)."""
    query = (
        select(Comment.span_id, Comment.kind, Comment.state)
        .join(Annotation, Annotation.id == Comment.span_id)  # a deleted span's comments are the document's
        .where(Comment.document_id == document_id, Comment.parent_uid.is_(None))
    )
    out: dict[int, str] = {}
    for span_id, kind, state in session.execute(query):
        if open_only and state != "open":
            continue
        if span_id is not None and out.get(span_id) != "flag":
            out[span_id] = kind
    return out

"""Undo and redo of adjudication: the gold layer of one document before and after an action.

An adjudication (accept, reject, accept all agreed, edit a gold span) changes several rows at
once: gold spans and their sources, gold relations, span and relation rejections and the review
status. The GUI captures the document's gold state before and after the core operation, keeps
only what differs, and puts either side back on undo and redo. So undo restores exactly what was there (same ids,
same sources) and redo exactly what the action made, without re-running the action (whose result
might differ by then). Nobody else's work is touched: only the rows the action changed, and only
while they still look as the action left them (else ``ConflictError``).

"Exactly" means every field of the document's gold spans (id, offsets, label, text, sources,
adjudicator, creation time), gold relations (id, ends, type, sources, adjudicator, creation
time), span and relation rejections (ids included) and the review status. Only a span's
``version`` and ``updated_at`` move forward: they count changes, and a version never goes back,
so an editor still holding an older version of the span is refused rather than overwriting it.
The Hypothesis state machine in tests/core/test_review_state_machine.py checks this.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from datetime import datetime
from typing import Any, TypeVar, cast

from sqlalchemy import Table, UniqueConstraint, and_, delete, insert, select, update
from sqlalchemy.orm import Session

from annotator.errors import ConflictError, NotFoundError, ValidationError
from annotator.model import (
    Annotation,
    Annotator,
    Document,
    Rejection,
    Relation,
    RelationRejection,
    Role,
    utcnow,
)
from annotator.ops.annotations import check_bounds
from annotator.review.gold import gold_annotator, withdraw_rejection
from annotator.store import Tx


@dataclass(frozen=True, slots=True)
class GoldSpan:
    id: int
    start: int
    end: int
    label_id: int
    annotator_id: int
    text: str
    created_at: datetime
    updated_at: datetime
    version: int
    sources: tuple[str, ...] | None
    adjudicator_id: int | None

    def content(self) -> tuple[Any, ...]:
        """What undo compares: bookkeeping (version, timestamps) may differ."""
        return (self.start, self.end, self.label_id, self.sources, self.adjudicator_id)


@dataclass(frozen=True, slots=True)
class GoldLink:
    id: int
    source_id: int
    target_id: int
    type_id: int
    annotator_id: int
    created_at: datetime
    sources: tuple[str, ...] | None
    adjudicator_id: int | None


@dataclass(frozen=True, slots=True)
class RejectionRow:
    id: int
    label_id: int
    start: int
    end: int
    reviewer_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class RelationRejectionRow:
    id: int
    type_id: int
    source_start: int
    source_end: int
    source_label_id: int
    target_start: int
    target_end: int
    target_label_id: int
    reviewer_id: int | None
    created_at: datetime


@dataclass(frozen=True, slots=True)
class GoldState:
    """Everything adjudication can change in one document."""

    document_id: int
    spans: dict[int, GoldSpan]
    links: dict[int, GoldLink]
    rejections: dict[int, RejectionRow]
    review_status: str
    relation_rejections: dict[int, RelationRejectionRow] = field(default_factory=dict)


Pair = tuple[Any, Any]


@dataclass(slots=True)
class GoldChange:
    """Rows an action changed, each as (before, after); None where the row did not exist."""

    document_id: int
    spans: dict[int, Pair] = field(default_factory=dict)
    links: dict[int, Pair] = field(default_factory=dict)
    rejections: dict[int, Pair] = field(default_factory=dict)
    status: tuple[str, str] | None = None
    relation_rejections: dict[int, Pair] = field(default_factory=dict)

    @property
    def empty(self) -> bool:
        return not (self.spans or self.links or self.rejections or self.relation_rejections or self.status)


def _tuple(value: list[str] | None) -> tuple[str, ...] | None:
    return tuple(value) if value is not None else None


Row = TypeVar("Row", RejectionRow, RelationRejectionRow)
# Each kind of rejection: the table that holds it, and what the audit log calls restoring one
# (taking it back away is "un" + that, as the core ops write it).
DECISIONS: dict[type[Any], tuple[Table, str]] = {
    RejectionRow: (cast(Table, Rejection.__table__), "rejected"),
    RelationRejectionRow: (cast(Table, RelationRejection.__table__), "rejected_relation"),
}


def _what(table: Table) -> list[str]:
    """The columns that say what a rejection rejects in its document (its unique key)."""
    unique = next(c for c in table.constraints if isinstance(c, UniqueConstraint))
    return [c.name for c in unique.columns if c.name != "document_id"]


def _decisions(session: Session, document_id: int, row: type[Row]) -> dict[int, Row]:
    """The document's rejections of one kind, as plain values."""
    table = DECISIONS[row][0]
    names = [f.name for f in fields(row)]
    query = select(*(table.c[n] for n in names)).where(table.c.document_id == document_id)
    return {values[0]: row(*values) for values in session.execute(query)}


def capture(session: Session, document_id: int) -> GoldState:
    """The document's gold spans, gold relations, rejections and review status, as plain values."""
    doc = session.execute(
        select(Document.project_id, Document.review_status).where(Document.id == document_id)
    ).first()
    if doc is None:
        raise NotFoundError(f"no document with id {document_id}")
    gold_ids = list(
        session.scalars(
            select(Annotator.id).where(Annotator.project_id == doc[0], Annotator.role == Role.GOLD.value)
        )
    )
    spans = {
        a.id: GoldSpan(
            a.id,
            a.start,
            a.end,
            a.label_id,
            a.annotator_id,
            a.text,
            a.created_at,
            a.updated_at,
            a.version,
            _tuple(a.sources),
            a.adjudicator_id,
        )
        for a in session.execute(
            select(Annotation).where(
                Annotation.document_id == document_id, Annotation.annotator_id.in_(gold_ids)
            )
        ).scalars()
    }
    links = {
        r.id: GoldLink(
            r.id,
            r.source_id,
            r.target_id,
            r.type_id,
            r.annotator_id,
            r.created_at,
            _tuple(r.sources),
            r.adjudicator_id,
        )
        for r in session.execute(
            select(Relation).where(Relation.document_id == document_id, Relation.annotator_id.in_(gold_ids))
        ).scalars()
    }
    return GoldState(
        document_id,
        spans,
        links,
        _decisions(session, document_id, RejectionRow),
        doc[1],
        _decisions(session, document_id, RelationRejectionRow),
    )


def _pairs(before: dict[int, Any], after: dict[int, Any], same: Any) -> dict[int, Pair]:
    out: dict[int, Pair] = {}
    for key in before.keys() | after.keys():
        old, new = before.get(key), after.get(key)
        if old is None or new is None or not same(old, new):
            out[key] = (old, new)
    return out


def diff(before: GoldState, after: GoldState) -> GoldChange:
    """Only what differs between two captures of the same document."""
    return GoldChange(
        before.document_id,
        spans=_pairs(before.spans, after.spans, lambda a, b: a.content() == b.content()),
        links=_pairs(before.links, after.links, lambda a, b: a == b),
        rejections=_pairs(before.rejections, after.rejections, lambda a, b: a == b),
        status=(before.review_status, after.review_status)
        if before.review_status != after.review_status
        else None,
        relation_rejections=_pairs(
            before.relation_rejections, after.relation_rejections, lambda a, b: a == b
        ),
    )


def _require_reviewer(tx: Tx) -> None:
    if tx.actor is not None and tx.actor.role != Role.REVIEWER.value:
        raise ValidationError(f"{tx.actor.name} is not a reviewer; only reviewers adjudicate")


def _values(span: GoldSpan) -> dict[str, int]:
    return {"start": span.start, "end": span.end, "label_id": span.label_id}


def apply_change(tx: Tx, change: GoldChange, *, undo: bool) -> None:
    """Put the document's gold rows to the ``before`` side (undo) or the ``after`` side (redo).

    Refused with ConflictError when a row no longer looks as the other side left it (a teammate
    changed it meanwhile): undo never overwrites somebody else's later decision.
    """
    _require_reviewer(tx)
    side, other = (0, 1) if undo else (1, 0)
    now = capture(tx.session, change.document_id)
    doc = change.document_id
    for key, pair in change.spans.items():
        current = now.spans.get(key)
        expected = pair[other]
        if (current is None) != (expected is None) or (
            current is not None and current.content() != expected.content()
        ):
            raise ConflictError(
                "the gold layer here was changed meanwhile; this step cannot be redone or undone"
            )
    for key, pair in change.links.items():
        if (now.links.get(key) is None) != (pair[other] is None):
            raise ConflictError("a gold relation here was changed meanwhile")
    taken = {(s.start, s.end, s.label_id): s.id for s in now.spans.values() if s.id not in change.spans}
    for pair in change.spans.values():
        wanted = pair[side]
        if wanted is not None and taken.get((wanted.start, wanted.end, wanted.label_id)) is not None:
            raise ConflictError("someone put the same span into gold meanwhile")
    gone_links = [k for k, p in change.links.items() if p[other] is not None]
    if gone_links:
        tx.session.execute(delete(Relation).where(Relation.id.in_(gone_links)))
        tx.record("relation", "deleted", gone_links, (doc,), {"undo" if undo else "redo": True})
    gone = [k for k, p in change.spans.items() if p[side] is None]
    if gone:
        tx.session.execute(
            delete(Relation).where(Relation.source_id.in_(gone) | Relation.target_id.in_(gone))
        )
        tx.session.execute(delete(Annotation).where(Annotation.id.in_(gone)))
        tx.record("annotation", "deleted", gone, (doc,), {"undo" if undo else "redo": True})
    note = {"undo" if undo else "redo": True}
    for key, pair in change.spans.items():
        target: GoldSpan | None = pair[side]
        current = now.spans.get(key)
        if target is None or current is None:
            continue
        tx.session.execute(
            update(Annotation)
            .where(Annotation.id == key)
            .values(
                start=target.start,
                end=target.end,
                label_id=target.label_id,
                text=target.text,
                sources=list(target.sources) if target.sources is not None else None,
                adjudicator_id=target.adjudicator_id,
                updated_at=utcnow(),
                version=current.version + 1,
            )
        )
        tx.record(
            "annotation",
            "updated",
            (key,),
            (doc,),
            {"before": _values(current), "after": _values(target), **note},
        )
    fresh = [p[side] for p in change.spans.values() if p[side] is not None and p[side].id not in now.spans]
    if fresh:
        tx.session.execute(
            insert(Annotation),
            [
                {
                    "id": s.id,
                    "document_id": doc,
                    "start": s.start,
                    "end": s.end,
                    "label_id": s.label_id,
                    "annotator_id": s.annotator_id,
                    "text": s.text,
                    "created_at": s.created_at,
                    "updated_at": s.updated_at,
                    "version": s.version,
                    "sources": list(s.sources) if s.sources is not None else None,
                    "adjudicator_id": s.adjudicator_id,
                }
                for s in fresh
            ],
        )
        for s in fresh:
            tx.record("annotation", "created", (s.id,), (doc,), {**_values(s), **note})
    links = [p[side] for p in change.links.values() if p[side] is not None]
    if links:
        tx.session.execute(
            insert(Relation),
            [
                {
                    "id": r.id,
                    "document_id": doc,
                    "source_id": r.source_id,
                    "target_id": r.target_id,
                    "type_id": r.type_id,
                    "annotator_id": r.annotator_id,
                    "created_at": r.created_at,
                    "sources": list(r.sources) if r.sources is not None else None,
                    "adjudicator_id": r.adjudicator_id,
                }
                for r in links
            ],
        )
        tx.record("relation", "created", [r.id for r in links], (doc,), note)
    _apply_decisions(tx, doc, RejectionRow, change.rejections, side, note)
    _apply_decisions(tx, doc, RelationRejectionRow, change.relation_rejections, side, note)
    if change.status is not None:
        tx.session.execute(
            update(Document).where(Document.id == doc).values(review_status=change.status[side])
        )
        tx.record("document", "updated", (doc,), (doc,), {"review_status": change.status[side], **note})
    tx.session.expire_all()


def _apply_decisions(
    tx: Tx, doc: int, row: type[Row], pairs: dict[int, Pair], side: int, note: dict[str, bool]
) -> None:
    """Put one kind of rejection to ``side``: drop those it lacks, restore those it has."""
    table, rejected = DECISIONS[row]
    unrejected = f"un{rejected}"
    drop = [k for k, p in pairs.items() if p[side] is None]
    if drop:
        tx.session.execute(delete(table).where(table.c.id.in_(drop)))
        tx.record("document", "updated", (doc,), (doc,), {unrejected: drop, **note})
    put: list[Row] = [p[side] for p in pairs.values() if p[side] is not None]
    for r in put:  # the same decision taken again meanwhile gives way to the one restored
        same = and_(table.c.document_id == doc, *(table.c[c] == getattr(r, c) for c in _what(table)))
        tx.session.execute(delete(table).where((table.c.id == r.id) | same))
    if put:
        tx.session.execute(insert(table), [{**asdict(r), "document_id": doc} for r in put])
        tx.record("document", "updated", (doc,), (doc,), {rejected: [r.id for r in put], **note})


def create_gold_span(tx: Tx, document_id: int, start: int, end: int, label_id: int) -> int:
    """A gold span the reviewer drew themselves (no annotator had it); returns its id."""
    _require_reviewer(tx)
    document = tx.session.get(Document, document_id)
    if document is None:
        raise NotFoundError(f"no document with id {document_id}")
    check_bounds(document.text, start, end)
    gold = gold_annotator(tx, document.project_id)
    from annotator.ops.annotations import create_span

    with tx.reviewing():
        span = create_span(tx, document_id, start, end, label_id, gold.id)
    span.sources = []
    span.adjudicator_id = tx.actor.id if tx.actor is not None else None
    withdraw_rejection(tx, document_id, (start, end, label_id))
    tx.session.flush()
    return span.id

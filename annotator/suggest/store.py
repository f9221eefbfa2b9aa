"""Suggestions in the database: storing an engine's output, listing, and the "shown" record.

Suggestions live in their own tables (``suggestion``, ``relation_suggestion``), so agreement,
review, gold and exports never see them; only accepting one (``annotator.suggest.decide``) makes
an ordinary span. They are shared by the team; decisions are each annotator's own.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import and_, delete, exists, insert, or_, select
from sqlalchemy.orm import Session

from annotator.errors import ValidationError
from annotator.model import (
    Annotation,
    Annotator,
    DocStatus,
    Document,
    Label,
    RelationSuggestion,
    RelationType,
    Suggestion,
    SuggestionDecision,
    SuggestionShown,
    utcnow,
)
from annotator.suggest.rules import Suggestions
from annotator.tx import Tx

ACCEPTED, REJECTED = "accepted", "rejected"


@dataclass(frozen=True, slots=True)
class SpanSuggestionRow:
    id: int
    doc: int
    start: int
    end: int
    label_id: int
    label: str
    text: str
    score: float
    source: str

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.id,
            "doc": self.doc,
            "start": self.start,
            "end": self.end,
            "label": self.label,
            "text": self.text,
            "score": self.score,
            "source": self.source,
        }


@dataclass(frozen=True, slots=True)
class RelationSuggestionRow:
    id: int
    doc: int
    source_id: int  # span suggestion ids
    target_id: int
    type_id: int
    type: str
    score: float
    source: str

    @property
    def key(self) -> str:
        """Its id on the command line: ``r`` and the number (span suggestions are plain numbers)."""
        return f"r{self.id}"

    def to_json(self) -> dict[str, object]:
        return {
            "id": self.key,
            "doc": self.doc,
            "from": self.source_id,
            "to": self.target_id,
            "type": self.type,
            "score": self.score,
            "source": self.source,
        }


@dataclass(slots=True)
class Listing:
    spans: list[SpanSuggestionRow] = field(default_factory=list)
    relations: list[RelationSuggestionRow] = field(default_factory=list)
    # The ends of pending relations that are not pending spans themselves (the person labelled
    # them already: the link to a speaker they made): their text names the link in a list.
    ends: dict[int, SpanSuggestionRow] = field(default_factory=dict)


@dataclass(slots=True)
class SaveReport:
    documents: int = 0
    spans: int = 0
    relations: int = 0
    replaced: int = 0
    # Labels or relation types an engine named that the project lacks: name → how many left out.
    unknown: dict[str, int] = field(default_factory=dict)
    # The speakers of one person's quotes (``suggest.own``): how many of their quotes in the
    # documents run had no speaker yet (None for other runs).
    waiting: int | None = None

    def summary(self, source: str) -> str:
        """What a run stored, as the CLI and the app say it."""
        text = f"{source}: {self.spans} span and {self.relations} relation suggestion(s) on {self.documents} document(s)"
        if self.waiting is not None:
            text += f"; {self.waiting} of your quotes had no speaker yet"
        return text


def names(session: Session, project_id: int) -> tuple[dict[str, int], dict[str, int]]:
    """Label and relation type ids by name."""
    labels = dict(session.execute(select(Label.name, Label.id).where(Label.project_id == project_id)).all())
    types = dict(
        session.execute(
            select(RelationType.name, RelationType.id).where(RelationType.project_id == project_id)
        ).all()
    )
    return labels, types


def _replace(tx: Tx, document_id: int, source: str) -> int:
    """Delete ``source``'s undecided suggestions of the document; decided ones stay (a rejected
    suggestion is then never shown again to whoever rejected it)."""
    s = tx.session
    decided_rel = exists().where(SuggestionDecision.relation_suggestion_id == RelationSuggestion.id)
    gone: Any = s.execute(
        delete(RelationSuggestion).where(
            RelationSuggestion.document_id == document_id, RelationSuggestion.source == source, ~decided_rel
        )
    )
    count = int(gone.rowcount or 0)
    decided = exists().where(SuggestionDecision.suggestion_id == Suggestion.id)
    linked = exists().where(
        (RelationSuggestion.source_id == Suggestion.id) | (RelationSuggestion.target_id == Suggestion.id)
    )
    gone = s.execute(
        delete(Suggestion).where(
            Suggestion.document_id == document_id, Suggestion.source == source, ~decided, ~linked
        )
    )
    return count + int(gone.rowcount or 0)


def save(
    tx: Tx,
    document_id: int,
    source: str,
    found: Suggestions,
    labels: dict[str, int],
    types: dict[str, int],
    *,
    min_score: float = 0.0,
    report: SaveReport | None = None,
    for_annotator: int | None = None,
) -> SaveReport:
    """Store what an engine found on one document as ``source``'s suggestions, replacing its
    earlier undecided ones; the same span or relation decided earlier keeps its row (and id).
    ``for_annotator``: made from that annotator's labels, shown to them alone."""
    report = report if report is not None else SaveReport()
    text_len = tx.session.scalar(select(Document.text).where(Document.id == document_id))
    if text_len is None:
        raise ValidationError(f"no document with id {document_id}")
    length = len(text_len)
    report.replaced += _replace(tx, document_id, source)
    kept = {
        (row.label_id, row.start, row.end): row.id
        for row in tx.session.execute(
            select(Suggestion.id, Suggestion.label_id, Suggestion.start, Suggestion.end).where(
                Suggestion.document_id == document_id, Suggestion.source == source
            )
        )
    }
    now = utcnow()
    ids: list[int | None] = []
    for span in found.spans:
        label_id = labels.get(span.label)
        if label_id is None:
            report.unknown[span.label] = report.unknown.get(span.label, 0) + 1
            ids.append(None)
            continue
        if not (0 <= span.start < span.end <= length) or span.score < min_score:
            ids.append(None)
            continue
        key = (label_id, span.start, span.end)
        if key not in kept:
            values = {
                "document_id": document_id,
                "label_id": label_id,
                "start": span.start,
                "end": span.end,
                "score": float(span.score),
                "source": source,
                "created_at": now,
                "for_annotator_id": for_annotator,
            }
            kept[key] = int(
                tx.session.execute(insert(Suggestion).values(values).returning(Suggestion.id)).scalar_one()
            )
            report.spans += 1
        ids.append(kept[key])
    have: set[tuple[int, int, int]] = {
        (a, b, c)
        for a, b, c in tx.session.execute(
            select(
                RelationSuggestion.source_id, RelationSuggestion.target_id, RelationSuggestion.type_id
            ).where(RelationSuggestion.document_id == document_id)
        )
    }
    rows = []
    for rel in found.relations:
        type_id = types.get(rel.type)
        if type_id is None:
            report.unknown[rel.type] = report.unknown.get(rel.type, 0) + 1
            continue
        ends = [ids[i] if 0 <= i < len(ids) else None for i in (rel.source, rel.target)]
        if ends[0] is None or ends[1] is None or rel.score < min_score:
            continue
        key3 = (ends[0], ends[1], type_id)
        if key3 in have:
            continue
        have.add(key3)
        rows.append(
            {
                "document_id": document_id,
                "source_id": ends[0],
                "target_id": ends[1],
                "type_id": type_id,
                "score": float(rel.score),
                "source": source,
                "created_at": now,
                "for_annotator_id": for_annotator,
            }
        )
    if rows:
        tx.session.execute(insert(RelationSuggestion), rows)
        report.relations += len(rows)
    report.documents += 1
    return report


def listing(
    session: Session,
    project_id: int,
    *,
    document_id: int | None = None,
    pending_for: int | None = None,
) -> Listing:
    """Suggestions of the project (or one document), in text order; with ``pending_for`` (an
    annotator id) only those that annotator has not decided on, nor labelled exactly so already,
    and none made from another annotator's labels (``Suggestion.for_annotator_id``)."""
    labels = dict(session.execute(select(Label.id, Label.name).where(Label.project_id == project_id)).all())
    types = dict(
        session.execute(
            select(RelationType.id, RelationType.name).where(RelationType.project_id == project_id)
        ).all()
    )
    query = (
        select(
            Suggestion.id,
            Suggestion.document_id,
            Suggestion.start,
            Suggestion.end,
            Suggestion.label_id,
            Document.text,
            Suggestion.score,
            Suggestion.source,
        )
        .join(Document, Document.id == Suggestion.document_id)
        .where(Document.project_id == project_id)
    )
    base = query
    rel_query = (
        select(RelationSuggestion)
        .join(Document, Document.id == RelationSuggestion.document_id)
        .where(Document.project_id == project_id)
    )
    if document_id is not None:
        query = query.where(Suggestion.document_id == document_id)
        rel_query = rel_query.where(RelationSuggestion.document_id == document_id)
    if pending_for is not None:  # suggestions made from someone else's labels are theirs alone
        query = query.where(
            or_(Suggestion.for_annotator_id.is_(None), Suggestion.for_annotator_id == pending_for)
        )
        rel_query = rel_query.where(
            or_(
                RelationSuggestion.for_annotator_id.is_(None),
                RelationSuggestion.for_annotator_id == pending_for,
            )
        )
        query = query.where(
            ~exists().where(
                SuggestionDecision.suggestion_id == Suggestion.id,
                SuggestionDecision.annotator_id == pending_for,
            ),
            ~exists().where(
                and_(
                    Annotation.document_id == Suggestion.document_id,
                    Annotation.annotator_id == pending_for,
                    Annotation.label_id == Suggestion.label_id,
                    Annotation.start == Suggestion.start,
                    Annotation.end == Suggestion.end,
                )
            ),
        )
        rel_query = rel_query.where(
            ~exists().where(
                SuggestionDecision.relation_suggestion_id == RelationSuggestion.id,
                SuggestionDecision.annotator_id == pending_for,
            )
        )
    out = Listing()
    out.spans = _span_rows(session, query, labels)
    for r in session.scalars(rel_query.order_by(RelationSuggestion.document_id, RelationSuggestion.id)):
        out.relations.append(
            RelationSuggestionRow(
                r.id,
                r.document_id,
                r.source_id,
                r.target_id,
                r.type_id,
                types.get(r.type_id, "?"),
                r.score,
                r.source,
            )
        )
    pending = {row.id for row in out.spans}
    missing = {i for r in out.relations for i in (r.source_id, r.target_id)} - pending
    wanted = sorted(missing)
    for lo in range(0, len(wanted), 5000):  # a bounded IN list however many links a project has
        part = base.where(Suggestion.id.in_(wanted[lo : lo + 5000]))
        out.ends.update((row.id, row) for row in _span_rows(session, part, labels))
    return out


def _span_rows(session: Session, query: Any, labels: dict[int, str]) -> list[SpanSuggestionRow]:
    return [
        SpanSuggestionRow(
            sid, doc, start, end, label_id, labels.get(label_id, "?"), text[start:end], score, source
        )
        for sid, doc, start, end, label_id, text, score, source in session.execute(
            query.order_by(Suggestion.document_id, Suggestion.start, Suggestion.end, Suggestion.id)
        )
    ]


def mark_shown(tx: Tx, document_ids: Sequence[int], annotator_id: int) -> list[int]:
    """Record that ``annotator_id`` saw suggestions on these documents before they were done
    (a document already done is not biased by them); returns the documents newly recorded."""
    docs = list(dict.fromkeys(document_ids))
    if not docs:
        return []
    open_docs = set(
        tx.session.scalars(
            select(Document.id).where(Document.id.in_(docs), Document.status != DocStatus.DONE.value)
        )
    )
    seen = set(
        tx.session.scalars(
            select(SuggestionShown.document_id).where(
                SuggestionShown.document_id.in_(docs), SuggestionShown.annotator_id == annotator_id
            )
        )
    )
    fresh = [d for d in docs if d in open_docs and d not in seen]
    if fresh:
        now = utcnow()
        tx.session.execute(
            insert(SuggestionShown),
            [{"document_id": d, "annotator_id": annotator_id, "shown_at": now} for d in fresh],
        )
    return fresh


def shown_documents(session: Session, project_id: int) -> dict[int, list[str]]:
    """Documents on which someone saw suggestions before they were done: id → annotators' names."""
    out: dict[int, list[str]] = {}
    for doc, name in session.execute(
        select(SuggestionShown.document_id, Annotator.name)
        .join(Annotator, Annotator.id == SuggestionShown.annotator_id)
        .where(Annotator.project_id == project_id)
        .order_by(SuggestionShown.document_id, Annotator.name)
    ):
        out.setdefault(doc, []).append(name)
    return out

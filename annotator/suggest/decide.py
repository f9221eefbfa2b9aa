"""Accepting and rejecting suggestions: each annotator's own decisions, each one undoable step.

Accepting makes an ordinary span (or relation, with its two spans) of the accepting annotator,
whose ``origin`` says which suggestion it came from (native JSONL writes it, the audit log says
it). Rejecting is recorded, so the suggestion is not shown to that annotator again. Both are
rows of ``suggestion_decision``, which the undo log captures with the spans: Ctrl+Z after an
accept removes the span and shows the suggestion again.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import insert, or_, select

from annotator.errors import NotFoundError, ValidationError
from annotator.model import (
    Annotation,
    Document,
    Relation,
    RelationSuggestion,
    Suggestion,
    SuggestionDecision,
    utcnow,
)
from annotator.ops.annotations import create_span
from annotator.ops.relations import create_relation
from annotator.suggest.store import ACCEPTED, REJECTED
from annotator.tx import Tx
from annotator.undo import Step, undoable


@dataclass(slots=True)
class Decided:
    """What one accept or reject did: decision counts and the spans and relations it made."""

    spans: list[int] = field(default_factory=list)
    relations: list[int] = field(default_factory=list)
    decided: int = 0
    skipped: int = 0  # already decided by this annotator
    documents: list[int] = field(default_factory=list)


def parse_ids(values: Sequence[str]) -> tuple[list[int], list[int]]:
    """Command-line ids: ``12`` (or ``s12``) a span suggestion, ``r12`` a relation suggestion."""
    spans: list[int] = []
    relations: list[int] = []
    for value in values:
        text = value.strip().lower()
        target = relations if text.startswith("r") else spans
        digits = text[1:] if text[:1] in ("r", "s") else text
        if not digits.isdigit():
            raise ValidationError(
                f"{value!r} is not a suggestion id (a number, or r and a number for a relation)"
            )
        target.append(int(digits))
    return spans, relations


def _decision(tx: Tx, who: int, span: Suggestion | None, rel: RelationSuggestion | None) -> str | None:
    query = select(SuggestionDecision.decision).where(SuggestionDecision.annotator_id == who)
    if span is not None:
        query = query.where(SuggestionDecision.suggestion_id == span.id)
    else:
        assert rel is not None
        query = query.where(SuggestionDecision.relation_suggestion_id == rel.id)
    return tx.session.scalar(query)


def _record(
    tx: Tx, who: int, decision: str, span: Suggestion | None, rel: RelationSuggestion | None, made: int | None
) -> None:
    item = span if span is not None else rel
    assert item is not None
    values = {
        "document_id": item.document_id,
        "suggestion_id": span.id if span is not None else None,
        "relation_suggestion_id": rel.id if rel is not None else None,
        "annotator_id": who,
        "decision": decision,
        "decided_at": utcnow(),
    }
    new_id = int(
        tx.session.execute(
            insert(SuggestionDecision).values(values).returning(SuggestionDecision.id)
        ).scalar_one()
    )
    detail = {
        "decision": decision,
        "source": item.source,
        "score": item.score,
        ("suggestion" if span is not None else "relation_suggestion"): item.id,
    }
    if span is not None:
        detail |= {"start": span.start, "end": span.end, "label_id": span.label_id}
    if made is not None:
        detail["made"] = made
    tx.record("suggestion", "created", (new_id,), (item.document_id,), detail)


def _span_for(tx: Tx, s: Suggestion, who: int, out: Decided) -> int:
    """The annotator's span for a span suggestion: their identical span, or a new one."""
    found = _own_span(tx, s, who)
    if found is None:
        found = create_span(
            tx, s.document_id, s.start, s.end, s.label_id, who, origin=f"suggestion:{s.source}"
        ).id
        out.spans.append(found)
    if _decision(tx, who, s, None) is None:
        _record(tx, who, ACCEPTED, s, None, found)
        out.decided += 1
    return found


def _load(
    tx: Tx, project_id: int, span_ids: Sequence[int], relation_ids: Sequence[int], who: int
) -> tuple[list[Suggestion], list[RelationSuggestion]]:
    spans = list(tx.session.scalars(select(Suggestion).where(Suggestion.id.in_(list(span_ids)))))
    rels = list(
        tx.session.scalars(select(RelationSuggestion).where(RelationSuggestion.id.in_(list(relation_ids))))
    )
    missing = sorted(set(span_ids) - {s.id for s in spans})
    if missing:
        raise NotFoundError(f"no suggestion with id {missing[0]}")
    missing = sorted(set(relation_ids) - {r.id for r in rels})
    if missing:
        raise NotFoundError(f"no relation suggestion with id r{missing[0]}")
    items: list[Suggestion | RelationSuggestion] = [*spans, *rels]
    others = [x for x in items if x.for_annotator_id not in (None, who)]
    if others:  # made from someone else's labels (``annotator.suggest.own``)
        raise ValidationError(f"suggestion {_key(others[0])} was made for another annotator's quotes")
    docs = {s.document_id for s in spans} | {r.document_id for r in rels}
    if docs:
        projects = set(tx.session.scalars(select(Document.project_id).where(Document.id.in_(docs))))
        if projects != {project_id}:
            raise ValidationError("these suggestions belong to another project")
    return spans, rels


def accept(
    tx: Tx, project_id: int, span_ids: Sequence[int], relation_ids: Sequence[int], who: int
) -> Decided:
    """Make the suggestions ``who``'s spans and relations (run inside ``undoable``)."""
    spans, rels = _load(tx, project_id, span_ids, relation_ids, who)
    out = Decided(documents=sorted({s.document_id for s in spans} | {r.document_id for r in rels}))
    rels += _links_to_own(tx, spans, who, {r.id for r in rels})
    for s in spans:
        if _decision(tx, who, s, None) is not None:
            out.skipped += 1
            continue
        _span_for(tx, s, who, out)
    for r in rels:
        if _decision(tx, who, None, r) is not None:
            out.skipped += 1
            continue
        ends = [tx.session.get(Suggestion, i) for i in (r.source_id, r.target_id)]
        a, b = (_span_for(tx, e, who, out) for e in ends if e is not None)
        existing = tx.session.scalar(
            select(Relation.id).where(
                Relation.source_id == a,
                Relation.target_id == b,
                Relation.type_id == r.type_id,
                Relation.annotator_id == who,
            )
        )
        made = existing if existing is not None else create_relation(tx, a, b, r.type_id, who).id
        if existing is None:
            out.relations.append(made)
        _record(tx, who, ACCEPTED, None, r, made)
        out.decided += 1
    return out


def _links_to_own(
    tx: Tx, spans: Sequence[Suggestion], who: int, chosen: set[int]
) -> list[RelationSuggestion]:
    """The relation suggestions from each of ``spans`` to a span ``who`` labelled already (the
    speaker suggested for a quote of their own): accepting the span brings its link."""
    ids = {s.id for s in spans}
    if not ids:
        return []
    found = tx.session.scalars(
        select(RelationSuggestion).where(
            or_(RelationSuggestion.source_id.in_(ids), RelationSuggestion.target_id.in_(ids))
        )
    )
    out = []
    for r in found:
        if r.id in chosen or r.for_annotator_id not in (None, who) or _decision(tx, who, None, r):
            continue
        other = tx.session.get(Suggestion, r.target_id if r.source_id in ids else r.source_id)
        if other is not None and other.id not in ids and _own_span(tx, other, who) is not None:
            out.append(r)
    return out


def _own_span(tx: Tx, s: Suggestion, who: int) -> int | None:
    """``who``'s span with the suggestion's label and edges, if they have one."""
    return tx.session.scalar(
        select(Annotation.id).where(
            Annotation.document_id == s.document_id,
            Annotation.annotator_id == who,
            Annotation.label_id == s.label_id,
            Annotation.start == s.start,
            Annotation.end == s.end,
        )
    )


def reject(
    tx: Tx, project_id: int, span_ids: Sequence[int], relation_ids: Sequence[int], who: int
) -> Decided:
    """Record that ``who`` rejects these suggestions (run inside ``undoable``)."""
    spans, rels = _load(tx, project_id, span_ids, relation_ids, who)
    out = Decided(documents=sorted({s.document_id for s in spans} | {r.document_id for r in rels}))
    for s in spans:
        if _decision(tx, who, s, None) is None:
            _record(tx, who, REJECTED, s, None, None)
            out.decided += 1
        else:
            out.skipped += 1
    for r in rels:
        if _decision(tx, who, None, r) is None:
            _record(tx, who, REJECTED, None, r, None)
            out.decided += 1
        else:
            out.skipped += 1
    return out


def documents_of(tx: Tx, span_ids: Sequence[int], relation_ids: Sequence[int]) -> list[int]:
    docs = set(tx.session.scalars(select(Suggestion.document_id).where(Suggestion.id.in_(list(span_ids)))))
    docs |= set(
        tx.session.scalars(
            select(RelationSuggestion.document_id).where(RelationSuggestion.id.in_(list(relation_ids)))
        )
    )
    return sorted(docs)


def decide_step(
    tx: Tx,
    project_id: int,
    span_ids: Sequence[int],
    relation_ids: Sequence[int],
    who: int,
    *,
    accepting: bool,
) -> tuple[Decided, Step]:
    """Accept or reject as one undoable step of ``who`` (the app and the commands share it)."""
    docs = documents_of(tx, span_ids, relation_ids)
    if not docs and (span_ids or relation_ids):
        _load(tx, project_id, span_ids, relation_ids, who)  # names the missing id
    verb = "Accept" if accepting else "Reject"
    n = len(span_ids) + len(relation_ids)
    title = f"{verb} suggestion" if n == 1 else f"{verb} {n} suggestions"
    with undoable(tx, title, docs, annotator_id=who, spans=()) as step:
        run = accept if accepting else reject
        result = run(tx, project_id, span_ids, relation_ids, who)
    return result, step


def _key(item: Suggestion | RelationSuggestion) -> str:
    return f"r{item.id}" if isinstance(item, RelationSuggestion) else str(item.id)

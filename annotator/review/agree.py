"""Agreement over a project: read spans, relations and texts, then compute with ``annotator.agreement``."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.agreement import AgreementReport, Rel, Span, compute_agreement
from annotator.agreement.actors import actor_rows
from annotator.agreement.attributes import attribute_rows
from annotator.agreement.tokenise import tokens_of
from annotator.attributes import DOCUMENT
from annotator.attributes_documents import document_values
from annotator.bulk import gc_paused
from annotator.errors import ValidationError
from annotator.model import (
    Annotation,
    Annotator,
    Document,
    Label,
    Relation,
    RelationType,
    Role,
    SuggestionShown,
)
from annotator.review.agree_actors import actor_links
from annotator.text import tokenize

# a named tuple's own __new__ is a Python call per record: millions at scale
_span = partial(tuple.__new__, Span)
_rel = partial(tuple.__new__, Rel)


@dataclass(slots=True)
class Selection:
    """Which annotators, documents and labels to compare (None: all)."""

    annotators: Sequence[str] | None = None
    documents: Sequence[int] | None = None
    labels: Sequence[str] | None = None
    tokens: bool = True
    # Leave out documents on which someone saw suggestions before they were done (they bias).
    without_suggested: bool = False


def load(
    session: Session, project_id: int, selection: Selection, values: dict[Span, Any] | None = None
) -> tuple[list[Span], list[Rel], dict[int, str]]:
    """Spans, relations and texts of the selection, as agreement records (and into ``values``
    the attribute values of the spans that have any, and each annotator's document values as
    those of a span (document, 0, 0, "document"))."""
    people = dict(
        session.execute(
            select(Annotator.id, Annotator.name).where(
                Annotator.project_id == project_id, Annotator.role != Role.GOLD.value
            )
        ).all()
    )
    if selection.annotators is not None:
        unknown = set(selection.annotators) - set(people.values())
        if unknown:
            raise ValidationError(f"no annotator named {sorted(unknown)[0]!r}")
        people = {i: n for i, n in people.items() if n in selection.annotators}
    if len(people) < 2:
        raise ValidationError("agreement needs at least two annotators")
    labels = dict(session.execute(select(Label.id, Label.name).where(Label.project_id == project_id)).all())
    if selection.labels is not None:
        labels = {i: n for i, n in labels.items() if n in selection.labels}
    types = dict(
        session.execute(
            select(RelationType.id, RelationType.name).where(RelationType.project_id == project_id)
        ).all()
    )
    docs = select(Document.id, Document.text).where(Document.project_id == project_id)
    if selection.documents is not None:
        docs = docs.where(Document.id.in_(selection.documents))
    if selection.without_suggested:
        docs = docs.where(Document.id.not_in(select(SuggestionShown.document_id)))
    texts = dict(session.execute(docs).all())
    conn = session.connection()
    spans: list[Span] = []
    by_id: dict[int, Span] = {}
    query = select(
        Annotation.id,
        Annotation.document_id,
        Annotation.start,
        Annotation.end,
        Annotation.label_id,
        Annotation.annotator_id,
        Annotation.attributes,
        Annotation.fragments,
    ).where(Annotation.annotator_id.in_(list(people)), Annotation.label_id.in_(list(labels)))
    for span_id, doc, start, end, label, who, attributes, parts in conn.execute(query).all():
        if doc in texts:
            span = _span(
                (doc, start, end, labels[label], people[who], tuple(map(tuple, parts)) if parts else None)
            )
            spans.append(span)
            by_id[span_id] = span
            if attributes and values is not None:
                values[span] = attributes
    relations = [
        _rel((doc, by_id[src], by_id[dst], types[kind], people[who]))
        for doc, src, dst, kind, who in conn.execute(
            select(
                Relation.document_id,
                Relation.source_id,
                Relation.target_id,
                Relation.type_id,
                Relation.annotator_id,
            ).where(Relation.annotator_id.in_(list(people)))
        ).all()
        if src in by_id and dst in by_id
    ]
    if values is not None:  # document-level values: the whole document is the unit
        for (doc, who), found in document_values(session, list(texts), list(people)).items():
            values[Span(doc, 0, 0, DOCUMENT, people[who])] = found
    return spans, relations, texts


def project_agreement(
    session: Session, project_id: int, selection: Selection | None = None
) -> AgreementReport:
    """Span and relation F1, token κ and α, and αU for the selection."""
    selection = selection or Selection()
    values: dict[Span, Any] = {}
    with gc_paused():
        spans, relations, texts = load(session, project_id, selection, values)
        tokens = tokens_of(texts, tokenize) if selection.tokens else None  # on both cores
        lengths = {doc: len(text) for doc, text in texts.items()}
        report = compute_agreement(spans, relations=relations, tokens=tokens, doc_lengths=lengths)
        names = sorted({s.annotator for s in [*spans, *values]})
        links = actor_links(session, project_id)  # registry actors: who is who, who said what
        actors = tuple(actor_rows(spans, relations, links, names))
    return AgreementReport(report.rows + tuple(attribute_rows(values, names)) + actors)

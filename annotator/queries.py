"""Read-only views of a project, shaped for the CLI, the GUI's item models and the exporters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Row, func, select
from sqlalchemy.orm import Session

from annotator.model import Annotation, Annotator, Document, Label, Relation, RelationType


@dataclass(frozen=True, slots=True)
class DocumentRow:
    id: int
    title: str | None
    status: str
    spans: int
    length: int


@dataclass(frozen=True, slots=True)
class SpanRow:
    id: int
    start: int
    end: int
    label_id: int
    annotator_id: int
    text: str


@dataclass(frozen=True, slots=True)
class RelationRow:
    id: int
    source_id: int
    target_id: int
    type_id: int
    annotator_id: int


def document_rows(
    session: Session, project_id: int, *, offset: int = 0, limit: int | None = None
) -> list[DocumentRow]:
    """Documents in id order with span counts (one query; the GUI asks for pages of these)."""
    counts = (
        select(Annotation.document_id, func.count().label("n"))
        .join(Document, Document.id == Annotation.document_id)
        .where(Document.project_id == project_id)
        .group_by(Annotation.document_id)
        .subquery()
    )
    query = (
        select(
            Document.id,
            Document.title,
            Document.status,
            func.coalesce(counts.c.n, 0),
            func.length(Document.text),
        )
        .outerjoin(counts, counts.c.document_id == Document.id)
        .where(Document.project_id == project_id)
        .order_by(Document.id)
        .offset(offset)
    )
    if limit is not None:
        query = query.limit(limit)
    return [DocumentRow(*row) for row in session.execute(query).all()]


def document_count(session: Session, project_id: int) -> int:
    return session.scalar(select(func.count()).where(Document.project_id == project_id)) or 0


def spans_of(session: Session, document_id: int, annotator_ids: Sequence[int] | None = None) -> list[SpanRow]:
    """All spans of one document in text order: one indexed query."""
    query = (
        select(
            Annotation.id,
            Annotation.start,
            Annotation.end,
            Annotation.label_id,
            Annotation.annotator_id,
            Annotation.text,
        )
        .where(Annotation.document_id == document_id)
        .order_by(Annotation.start, Annotation.end, Annotation.id)
    )
    if annotator_ids is not None:
        query = query.where(Annotation.annotator_id.in_(annotator_ids))
    return [SpanRow(*row) for row in session.execute(query).all()]


def relations_of(session: Session, document_id: int) -> list[RelationRow]:
    query = (
        select(Relation.id, Relation.source_id, Relation.target_id, Relation.type_id, Relation.annotator_id)
        .where(Relation.document_id == document_id)
        .order_by(Relation.id)
    )
    return [RelationRow(*row) for row in session.execute(query).all()]


def names(session: Session, project_id: int) -> tuple[dict[int, str], dict[int, str], dict[int, str]]:
    """Id → name maps of labels, relation types and annotators."""
    labels = dict(session.execute(select(Label.id, Label.name).where(Label.project_id == project_id)).all())
    types = dict(
        session.execute(
            select(RelationType.id, RelationType.name).where(RelationType.project_id == project_id)
        ).all()
    )
    people = dict(
        session.execute(select(Annotator.id, Annotator.name).where(Annotator.project_id == project_id)).all()
    )
    return labels, types, people


def stats(session: Session, project_id: int) -> dict[str, Any]:
    """Counts of documents (by status), spans per label and per annotator, relations per type."""
    labels, types, people = names(session, project_id)
    in_project = select(Document.id).where(Document.project_id == project_id).scalar_subquery()
    by_status = Counter(
        dict(
            session.execute(
                select(Document.status, func.count())
                .where(Document.project_id == project_id)
                .group_by(Document.status)
            ).all()
        )
    )
    per_label = dict(
        session.execute(
            select(Annotation.label_id, func.count())
            .where(Annotation.document_id.in_(in_project))
            .group_by(Annotation.label_id)
        ).all()
    )
    per_annotator = dict(
        session.execute(
            select(Annotation.annotator_id, func.count())
            .where(Annotation.document_id.in_(in_project))
            .group_by(Annotation.annotator_id)
        ).all()
    )
    per_type = dict(
        session.execute(
            select(Relation.type_id, func.count())
            .where(Relation.document_id.in_(in_project))
            .group_by(Relation.type_id)
        ).all()
    )
    return {
        "documents": sum(by_status.values()),
        "documents_by_status": dict(sorted(by_status.items())),
        "spans": sum(per_label.values()),
        "spans_by_label": {labels[i]: per_label.get(i, 0) for i in labels},
        "spans_by_annotator": {people[i]: n for i, n in sorted(per_annotator.items())},
        "relations": sum(per_type.values()),
        "relations_by_type": {types[i]: per_type.get(i, 0) for i in types},
    }


@dataclass(slots=True)
class ExportDoc:
    """A document with its spans and relations, as exporters stream them."""

    document: Row[Any]  # every column of the document table, by attribute
    spans: list[SpanRow]
    relations: list[RelationRow]


def iter_documents(
    session: Session, project_id: int, *, chunk: int = 500, document_ids: Sequence[int] | None = None
) -> Iterator[ExportDoc]:
    """Stream a project's documents with their spans and relations, ``chunk`` documents at a time.

    Memory stays bounded by one chunk, whatever the size of the project.
    """
    last = 0
    while True:
        query = select(*Document.__table__.columns).where(
            Document.project_id == project_id, Document.id > last
        )
        if document_ids is not None:
            query = query.where(Document.id.in_(document_ids))
        docs = session.execute(query.order_by(Document.id).limit(chunk)).all()
        if not docs:
            return
        ids = [d.id for d in docs]
        spans: dict[int, list[SpanRow]] = {i: [] for i in ids}
        for row in session.execute(
            select(
                Annotation.document_id,
                Annotation.id,
                Annotation.start,
                Annotation.end,
                Annotation.label_id,
                Annotation.annotator_id,
                Annotation.text,
            )
            .where(Annotation.document_id.in_(ids))
            .order_by(Annotation.document_id, Annotation.start, Annotation.end, Annotation.id)
        ).all():
            spans[row[0]].append(SpanRow(*row[1:]))
        relations: dict[int, list[RelationRow]] = {i: [] for i in ids}
        for rrow in session.execute(
            select(
                Relation.document_id,
                Relation.id,
                Relation.source_id,
                Relation.target_id,
                Relation.type_id,
                Relation.annotator_id,
            )
            .where(Relation.document_id.in_(ids))
            .order_by(Relation.document_id, Relation.id)
        ).all():
            relations[rrow[0]].append(RelationRow(*rrow[1:]))
        for doc in docs:
            yield ExportDoc(doc, spans[doc.id], relations[doc.id])
        last = ids[-1]

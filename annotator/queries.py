"""Read-only views of a project, shaped for the CLI, the GUI's item models and the exporters."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from sqlalchemy import ColumnElement, Select, func, select
from sqlalchemy.orm import Session

from annotator.errors import NotFoundError
from annotator.model import (
    Annotation,
    Annotator,
    Assignment,
    Document,
    Label,
    Project,
    Relation,
    RelationType,
)
from annotator.search import DOCUMENT_ID, drives, restrict

# The span tables live in span_reads; their names stay importable from here for the many callers.
from annotator.span_reads import SpanDetail as SpanDetail
from annotator.span_reads import SpanTuple as SpanTuple
from annotator.span_reads import span_detail as span_detail
from annotator.span_reads import span_table as span_table
from annotator.span_reads import span_tuples as span_tuples


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
    attributes: dict[str, Any] | None = None
    fragments: list[list[int]] | None = None  # a multi-part span's parts (annotator.fragments)
    actor_id: int | None = None  # the registry actor it names (exports read it)


@dataclass(frozen=True, slots=True)
class RelationRow:
    id: int
    source_id: int
    target_id: int
    type_id: int
    annotator_id: int
    attributes: dict[str, Any] | None = None


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


# A span's own columns, in ``SpanRow``'s order (the export reads more after them).
SPAN_COLUMNS = (
    Annotation.id,
    Annotation.start,
    Annotation.end,
    Annotation.label_id,
    Annotation.annotator_id,
    Annotation.text,
)


def spans_of(session: Session, document_id: int, annotator_ids: Sequence[int] | None = None) -> list[SpanRow]:
    """All spans of one document in text order: one indexed query."""
    query = (
        select(*SPAN_COLUMNS)
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

    def count_by(column: Any, where: Any) -> dict[Any, int]:
        return dict(session.execute(select(column, func.count()).where(where).group_by(column)).all())

    by_status = Counter(count_by(Document.status, Document.project_id == project_id))
    per_label = count_by(Annotation.label_id, Annotation.document_id.in_(in_project))
    per_annotator = count_by(Annotation.annotator_id, Annotation.document_id.in_(in_project))
    per_type = count_by(Relation.type_id, Relation.document_id.in_(in_project))
    return {
        "documents": sum(by_status.values()),
        "documents_by_status": dict(sorted(by_status.items())),
        "spans": sum(per_label.values()),
        "spans_by_label": {labels[i]: per_label.get(i, 0) for i in labels},
        "spans_by_annotator": {people[i]: n for i, n in sorted(per_annotator.items())},
        "relations": sum(per_type.values()),
        "relations_by_type": {types[i]: per_type.get(i, 0) for i in types},
    }


# --- Lean reads for the desktop app -------------------------------------------------------------
# The GUI reads only through these, the functions above and span_reads; none of them knows about Qt.


@dataclass(frozen=True, slots=True)
class ProjectRow:
    id: int
    name: str


@dataclass(frozen=True, slots=True)
class LabelRow:
    id: int
    name: str
    color: str
    hotkey: str | None
    description: str
    position: int
    retired: bool = False  # kept on its spans; the palette, keys and "new span" skip it


@dataclass(frozen=True, slots=True)
class RelationTypeRow:
    id: int
    name: str
    color: str
    hotkey: str | None
    description: str
    from_label_id: int | None
    to_label_id: int | None
    retired: bool = False  # kept on its relations; "new relation" skips it


@dataclass(frozen=True, slots=True)
class DocumentView:
    """One document as the article pane shows it."""

    id: int
    project_id: int
    text: str
    title: str | None
    author: str | None
    published: str | None
    source_url: str | None
    status: str
    meta: dict[str, Any]


def project_rows(session: Session) -> list[ProjectRow]:
    return [
        ProjectRow(*row) for row in session.execute(select(Project.id, Project.name).order_by(Project.name))
    ]


def label_rows(session: Session, project_id: int) -> list[LabelRow]:
    """The project's labels in palette order."""
    query = (
        select(
            Label.id, Label.name, Label.color, Label.hotkey, Label.description, Label.position, Label.retired
        )
        .where(Label.project_id == project_id)
        .order_by(Label.position, Label.id)
    )
    return [LabelRow(*row) for row in session.execute(query)]


def relation_type_rows(session: Session, project_id: int) -> list[RelationTypeRow]:
    query = (
        select(
            RelationType.id,
            RelationType.name,
            RelationType.color,
            RelationType.hotkey,
            RelationType.description,
            RelationType.from_label_id,
            RelationType.to_label_id,
            RelationType.retired,
        )
        .where(RelationType.project_id == project_id)
        .order_by(RelationType.position, RelationType.id)
    )
    return [RelationTypeRow(*row) for row in session.execute(query)]


def document_view(session: Session, document_id: int) -> DocumentView:
    row = session.execute(
        select(
            Document.id,
            Document.project_id,
            Document.text,
            Document.title,
            Document.author,
            Document.published,
            Document.source_url,
            Document.status,
            Document.meta,
        ).where(Document.id == document_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no document with id {document_id}")
    return DocumentView(row[0], row[1], row[2], row[3], row[4], row[5], row[6], row[7], row[8] or {})


def _document_filter(
    session: Session,
    query: Select[Any],
    project_id: int,
    text: str,
    status: str | None,
    assigned_to: int | None = None,
) -> tuple[Select[Any], ColumnElement[Any]]:
    """The list's filter on ``query``, and the column that orders it by document id."""
    text = text.strip()
    # "+ 0": no index for the project when the full-text index drives (see search.drives).
    project = Document.project_id + 0 if text and drives(session, text) else Document.project_id
    query = query.where(project == project_id)
    if assigned_to is not None:  # one annotator's queue (annotator.assign)
        mine = select(Assignment.document_id).where(Assignment.annotator_id == assigned_to)
        query = query.where(Document.id.in_(mine))
    if status:
        query = query.where(Document.status == status)
    if text:  # words through the full-text index (annotator/search.py says what matches)
        return restrict(session, query, text)
    return query, DOCUMENT_ID


def _document_row_query() -> Select[Any]:
    spans = (
        select(func.count())
        .where(Annotation.document_id == Document.id)
        .correlate(Document)
        .scalar_subquery()
    )
    return select(Document.id, Document.title, Document.status, spans, func.length(Document.text))


def find_documents(
    session: Session,
    project_id: int,
    *,
    text: str = "",
    status: str | None = None,
    offset: int = 0,
    limit: int | None = None,
    assigned_to: int | None = None,
) -> list[DocumentRow]:
    """A page of the document list, filtered by ``text`` (words of title or text) and ``status``.

    Span counts come from a correlated subquery per row of the page, so a page costs the same
    however large the project is.
    """
    query, order = _document_filter(session, _document_row_query(), project_id, text, status, assigned_to)
    query = query.order_by(order).offset(offset)
    if limit is not None:
        query = query.limit(limit)
    return [DocumentRow(*row) for row in session.execute(query)]


def count_documents(
    session: Session,
    project_id: int,
    *,
    text: str = "",
    status: str | None = None,
    assigned_to: int | None = None,
    at_most: int | None = None,
) -> int:
    """How many documents the filter keeps; with ``at_most``, counting stops there (a word half of
    a million documents hold would otherwise take seconds to count)."""
    if at_most is None:
        query, _ = _document_filter(
            session, select(func.count(Document.id)), project_id, text, status, assigned_to
        )
        return session.scalar(query) or 0
    kept, _ = _document_filter(session, select(Document.id), project_id, text, status, assigned_to)
    return session.scalar(select(func.count()).select_from(kept.limit(at_most).subquery())) or 0


def documents_by_id(session: Session, ids: Sequence[int]) -> list[DocumentRow]:
    """Fresh rows for documents whose spans or status changed (the list updates just those)."""
    if not ids:
        return []
    query = _document_row_query().where(Document.id.in_(list(ids))).order_by(Document.id)
    return [DocumentRow(*row) for row in session.execute(query)]

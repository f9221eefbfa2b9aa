"""Span annotations: create, change, delete, restore (for undo)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, fields
from datetime import datetime
from typing import Any

from sqlalchemy import Select, bindparam, delete, or_, select

from annotator import fragments as parts_of_spans
from annotator import statements
from annotator.errors import ConflictError, NotFoundError, ValidationError
from annotator.linked import OthersLink, others_links
from annotator.model import (
    Annotation,
    Annotator,
    AttributeDef,
    Document,
    Label,
    Relation,
    RelationType,
    utcnow,
)
from annotator.statements import ids
from annotator.store import Tx


@dataclass(frozen=True, slots=True)
class SpanData:
    """A span as plain values: what undo needs to put a deleted span back exactly."""

    id: int
    document_id: int
    start: int
    end: int
    label_id: int
    annotator_id: int
    text: str
    created_at: datetime
    updated_at: datetime


@dataclass(frozen=True, slots=True)
class RelationData:
    id: int
    document_id: int
    source_id: int
    target_id: int
    type_id: int
    annotator_id: int
    created_at: datetime


def span_data(a: Annotation) -> SpanData:
    return SpanData(
        a.id, a.document_id, a.start, a.end, a.label_id, a.annotator_id, a.text, a.created_at, a.updated_at
    )


def relation_data(r: Relation) -> RelationData:
    return RelationData(
        r.id, r.document_id, r.source_id, r.target_id, r.type_id, r.annotator_id, r.created_at
    )


def _names(
    tx: Tx, model: type[Label] | type[Annotator] | type[RelationType], ids: set[int]
) -> dict[int, str]:
    """Names by id, each read once per action (the actor's own name is known)."""
    kind = model.__name__
    if model is Annotator and tx.actor is not None and tx.actor.id is not None:
        tx.names[(kind, tx.actor.id)] = tx.actor.name
    missing = {i for i in ids if (kind, i) not in tx.names}
    if missing:
        named = statements.built(
            ("names", kind), lambda: select(model.id, model.name).where(model.id.in_(statements.ids("ids")))
        )
        rows = tx.session.execute(named, {"ids": sorted(missing)})
        tx.names.update({(kind, i): name for i, name in rows})
    return {i: tx.names[(kind, i)] for i in ids if (kind, i) in tx.names}


def spans_with_label(tx: Tx, label_id: int) -> list[SpanData]:
    """Every span of a label as plain values (read in one query, without ORM objects)."""
    columns = [getattr(Annotation, f.name) for f in fields(SpanData)]
    query = select(*columns).where(Annotation.label_id == label_id)
    return [SpanData(*row) for row in tx.session.execute(query)]


def span_records(tx: Tx, spans: Sequence[SpanData]) -> list[dict[str, Any]]:
    """What each span is, for the audit log: offsets, label, text and owner, by name too, so the
    log alone tells what a deleted span was even after its label or annotator is gone."""
    labels = _names(tx, Label, {s.label_id for s in spans})
    people = _names(tx, Annotator, {s.annotator_id for s in spans})
    return [
        {
            "document": s.document_id,
            "start": s.start,
            "end": s.end,
            "label_id": s.label_id,
            "label": labels.get(s.label_id),
            "text": s.text,
            "annotator": people.get(s.annotator_id),
        }
        for s in spans
    ]


def relation_records(tx: Tx, relations: Sequence[RelationData]) -> list[dict[str, Any]]:
    """What each relation is, for the audit log: its type, both ends (offsets, label, text) and
    owner. Read before the relations' spans go."""
    end_ids = {i for r in relations for i in (r.source_id, r.target_id)}
    ends = (
        {a.id: a for a in tx.session.scalars(select(Annotation).where(Annotation.id.in_(end_ids)))}
        if end_ids
        else {}
    )
    labels = _names(tx, Label, {a.label_id for a in ends.values()})
    types = _names(tx, RelationType, {r.type_id for r in relations})
    people = _names(tx, Annotator, {r.annotator_id for r in relations})

    def end(span_id: int) -> dict[str, Any]:
        a = ends.get(span_id)
        if a is None:
            return {"id": span_id}
        return {
            "id": span_id,
            "start": a.start,
            "end": a.end,
            "label": labels.get(a.label_id),
            "text": a.text,
        }

    return [
        {
            "document": r.document_id,
            "type_id": r.type_id,
            "type": types.get(r.type_id),
            "source": end(r.source_id),
            "target": end(r.target_id),
            "annotator": people.get(r.annotator_id),
        }
        for r in relations
    ]


def check_bounds(text: str, start: int, end: int, where: str = "") -> None:
    check_range(len(text), start, end, where)


def check_range(length: int, start: int, end: int, where: str = "") -> None:
    if not (isinstance(start, int) and isinstance(end, int)):
        raise ValidationError(f"{where}span offsets must be whole numbers, got {start!r}, {end!r}")
    if start < 0 or end > length:
        raise ValidationError(f"{where}span {start}–{end} lies outside the text (0–{length})")
    if end <= start:
        raise ValidationError(f"{where}span {start}–{end} is empty or reversed (end must be > start)")


def _label_projects(tx: Tx, label_ids: set[int]) -> dict[int, int]:
    """Each label's project, its name kept for the audit detail: one read for the labels an edit
    names (a relabel's old and new label; an ORM load and a name query each before)."""
    query = statements.built(
        ("labels",), lambda: select(Label.id, Label.project_id, Label.name).where(Label.id.in_(ids("ids")))
    )
    projects = {}
    for label_id, project_id, name in tx.session.execute(query, {"ids": sorted(label_ids)}):
        tx.names[("Label", label_id)] = name
        projects[label_id] = project_id
    return projects


def _check_label(
    tx: Tx, document_id: int, document_project: int, label_id: int, projects: dict[int, int] | None = None
) -> None:
    project = (projects if projects is not None else _label_projects(tx, {label_id})).get(label_id)
    if project is None:
        raise NotFoundError(f"no label with id {label_id}")
    if project != document_project:
        raise ValidationError(f"label {label_id} belongs to another project than document {document_id}")


def _document(tx: Tx, document_id: int) -> tuple[int, str]:
    """A document's project and text, from the store's cache when it was read lately."""
    cached = tx.texts.get(document_id) if tx.texts is not None else None
    if cached is not None:
        return cached
    row = tx.session.execute(
        select(Document.project_id, Document.text).where(Document.id == document_id)
    ).first()
    if row is None:
        raise NotFoundError(f"no document with id {document_id}")
    if tx.texts is not None:
        tx.texts.put(document_id, row[0], row[1])
    return row[0], row[1]


def _check_duplicate(
    tx: Tx, document_id: int, annotator_id: int, label_id: int, start: int, end: int, exclude: int | None
) -> None:
    def build() -> Select[Any]:
        query = select(Annotation.id).where(
            Annotation.document_id == bindparam("document"),
            Annotation.annotator_id == bindparam("annotator"),
            Annotation.label_id == bindparam("label"),
            Annotation.start == bindparam("start"),
            Annotation.end == bindparam("end"),
        )
        return query if exclude is None else query.where(Annotation.id != bindparam("exclude"))

    query = statements.built(("duplicate", exclude is None), build)
    values = {
        "document": document_id,
        "annotator": annotator_id,
        "label": label_id,
        "start": start,
        "end": end,
    }
    if tx.session.scalar(query, {**values, "exclude": exclude}) is not None:
        raise ValidationError(f"this annotator already has the same label on {start}–{end}")


def _get(tx: Tx, annotation_id: int, by: int | None) -> Annotation:
    annotation = tx.session.get(Annotation, annotation_id)
    if annotation is None:
        raise NotFoundError(f"no annotation with id {annotation_id}")
    if by is not None and annotation.annotator_id != by:
        raise ValidationError(f"annotation {annotation_id} belongs to another annotator")
    tx.check_owner(annotation.annotator_id, f"annotation {annotation_id}")
    return annotation


def _values(tx: Tx, a: Annotation) -> dict[str, Any]:
    """A span's state in the audit log: offsets, label (id and name) and text."""
    label = _names(tx, Label, {a.label_id}).get(a.label_id)
    values = {"start": a.start, "end": a.end, "label_id": a.label_id, "label": label, "text": a.text}
    return {**values, "fragments": a.fragments} if a.fragments else values


def create_span(
    tx: Tx,
    document_id: int,
    start: int,
    end: int,
    label_id: int,
    annotator_id: int,
    *,
    origin: str | None = None,
    fragments: Sequence[Sequence[int]] | None = None,
) -> Annotation:
    """Store a new span; refused outside the text, when empty, or as an exact duplicate.

    ``origin`` says where a span not typed by hand came from ("suggestion:rules@1"); ``fragments``
    makes a multi-part span (``annotator.fragments``: its hull is then its start and end)."""
    tx.check_owner(annotator_id, "a span made in another annotator's name")
    project_id, text = _document(tx, document_id)
    parts = None if fragments is None else parts_of_spans.check(fragments, len(text))
    if parts is not None:
        start, end = parts_of_spans.hull(parts)
    check_range(len(text), start, end)
    _check_label(tx, document_id, project_id, label_id)
    _check_duplicate(tx, document_id, annotator_id, label_id, start, end, None)
    now = utcnow()
    annotation = Annotation(
        document_id=document_id,
        start=start,
        end=end,
        label_id=label_id,
        annotator_id=annotator_id,
        text=text[start:end],
        created_at=now,
        updated_at=now,
        origin=origin,
    )
    if parts is not None:
        annotation.fragments = parts_of_spans.stored(parts)
    tx.session.add(annotation)
    tx.session.flush()
    detail = {**_values(tx, annotation), "annotator": _names(tx, Annotator, {annotator_id}).get(annotator_id)}
    if origin is not None:
        detail["origin"] = origin
    tx.record("annotation", "created", (annotation.id,), (document_id,), detail)
    return annotation


def update_span(
    tx: Tx,
    annotation_id: int,
    *,
    label_id: int | None = None,
    start: int | None = None,
    end: int | None = None,
    by: int | None = None,
    expected_version: int | None = None,
) -> Annotation:
    """Relabel or resize a span; ``by`` (an annotator id) may only change their own spans.

    With ``expected_version`` (the version the caller last saw), a span that somebody else changed
    meanwhile is refused instead of silently overwritten.
    """
    annotation = _get(tx, annotation_id, by)
    if expected_version is not None and annotation.version != expected_version:
        raise ConflictError(
            f"annotation {annotation_id} was changed by someone else meanwhile "
            f"(version {annotation.version}, you edited version {expected_version}); reload and try again"
        )
    new_label = annotation.label_id if label_id is None else label_id
    projects = _label_projects(tx, {annotation.label_id, new_label})  # and both names, for the audit
    before = _values(tx, annotation)
    document_id = annotation.document_id
    project_id, text = _document(tx, document_id)
    new_start = annotation.start if start is None else start
    new_end = annotation.end if end is None else end
    check_range(len(text), new_start, new_end)
    if new_label != annotation.label_id:
        _check_label(tx, document_id, project_id, new_label, projects)
    _check_duplicate(
        tx, document_id, annotation.annotator_id, new_label, new_start, new_end, exclude=annotation.id
    )
    if new_label != annotation.label_id and annotation.attributes:  # values the new label has stay
        kept = set(tx.session.scalars(select(AttributeDef.name).where(AttributeDef.label_id == new_label)))
        annotation.attributes = {k: v for k, v in annotation.attributes.items() if k in kept} or None
    if new_label != annotation.label_id and annotation.actor_id is not None:  # only mentions name actors
        from annotator.actors import actor_label_ids

        annotation.actor_id = (
            annotation.actor_id if new_label in actor_label_ids(tx.session, project_id) else None
        )
    if (new_start, new_end) != (annotation.start, annotation.end):
        annotation.text = text[new_start:new_end]
        if annotation.fragments:  # a multi-part span resized at its edges keeps its inner parts
            old = parts_of_spans.parts_of(annotation.start, annotation.end, annotation.fragments)
            annotation.fragments = parts_of_spans.stored(parts_of_spans.clip(old, new_start, new_end))
    annotation.start, annotation.end, annotation.label_id = new_start, new_end, new_label
    annotation.updated_at = utcnow()
    annotation.version += 1
    tx.session.flush()
    tx.record(
        "annotation",
        "updated",
        (annotation.id,),
        (document_id,),
        {"before": before, "after": _values(tx, annotation)},
    )
    return annotation


class OthersLinks(ValidationError):
    """A delete refused (``delete_spans(spare=...)``) that would take others' ``links`` too."""

    def __init__(self, links: list[OthersLink]) -> None:
        super().__init__("; ".join(link.describe() for link in links))
        self.links = links


def delete_spans(
    tx: Tx, annotation_ids: Sequence[int], by: int | None = None, *, spare: int | None = None
) -> tuple[list[SpanData], list[RelationData]]:
    """Delete spans and the relations that touch them; returns both for undo.

    With ``spare`` (an annotator id), refuse with ``OthersLinks`` when a relation of anyone else
    would go: the check reads the relations this delete reads anyway, inside its own transaction
    (no read before the write, and nobody can add a link between the check and the delete).
    """
    annotation_ids = list(dict.fromkeys(annotation_ids))
    if not annotation_ids:
        return [], []
    annotations = [_get(tx, i, by) for i in annotation_ids]
    touching = statements.built(
        ("relations on spans",),
        lambda: select(Relation).where(
            or_(Relation.source_id.in_(ids("ids")), Relation.target_id.in_(ids("ids")))
        ),
    )
    relations = list(tx.session.scalars(touching, {"ids": annotation_ids}))
    if spare is not None and any(r.annotator_id != spare for r in relations):
        raise OthersLinks(others_links(tx.session, annotation_ids, spare))
    spans = [span_data(a) for a in annotations]
    links = [relation_data(r) for r in relations]
    if links:
        records = relation_records(tx, links)
        gone = tx.session.execute(delete(Relation).where(Relation.id.in_([r.id for r in links])))
        check_deleted(gone, len(links), "relations")
        tx.record(
            "relation",
            "deleted",
            [r.id for r in links],
            tuple({r.document_id for r in links}),
            details=records,
        )
    gone = tx.session.execute(delete(Annotation).where(Annotation.id.in_([s.id for s in spans])))
    check_deleted(gone, len(spans), "spans")
    tx.session.expire_all()
    tx.record(
        "annotation",
        "deleted",
        [s.id for s in spans],
        tuple({s.document_id for s in spans}),
        details=span_records(tx, spans),
    )
    return spans, links


def check_deleted(result: Any, expected: int, what: str) -> None:
    """A delete the database filtered (PostgreSQL row-level security hides rows that are not
    the login's instead of failing) is refused, not reported as done."""
    if result.rowcount != expected:
        raise ValidationError(
            f"the database refused to delete {expected - result.rowcount} of these {what}: they are not yours"
        )

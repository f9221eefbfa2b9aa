"""What a native export carries beyond spans and relations, and what an import restores of it.

The gold layer's provenance (each gold span's and relation's ``sources`` and adjudicator), the
review's decisions (rejected spans and relations, each document's review status), when each span
last changed and when the labels were read out (``as_of``): so that a project exported and
imported into a fresh one keeps its gold layer, and a merge can tell newer labels from older.
Restoring them is part of keeping the file's names (``--keep-annotators``, a reviewer).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from datetime import datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any, Protocol

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from annotator.formats.base import ExportReport, Writer
from annotator.model import (
    Annotation,
    Annotator,
    AuditEntry,
    Document,
    Label,
    Rejection,
    Relation,
    RelationRejection,
    RelationType,
    ReviewStatus,
)
from annotator.records import (
    DocRecord,
    RejectionRecord,
    RelationRecord,
    RelationRejectionRecord,
    ReviewRecord,
    SpanRecord,
)
from annotator.store import Tx

if TYPE_CHECKING:
    from annotator.ops.owners import Owners

CHUNK = 500
# What identifies a relation rejection: its document, type and both ends' offsets and labels.
RELATION_REJECTION_KEY = (
    RelationRejection.document_id,
    RelationRejection.type_id,
    RelationRejection.source_start,
    RelationRejection.source_end,
    RelationRejection.source_label_id,
    RelationRejection.target_start,
    RelationRejection.target_end,
    RelationRejection.target_label_id,
)
STATUSES = frozenset(s.value for s in ReviewStatus)


def iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def with_review(writer: Writer, session: Session, project_id: int) -> Writer:
    """``writer`` (native JSONL) fed records that carry the review data (see ``enrich``)."""

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        writer(enrich(session, project_id, records), out, report)

    return write


def enrich(session: Session, project_id: int, records: Iterable[DocRecord]) -> Iterator[DocRecord]:
    """Add timestamps, gold provenance and review decisions to exported records, chunk by chunk."""
    # The time of the source's last change: what the labels are as of (deterministic, unlike now).
    as_of = iso(session.scalar(select(func.max(AuditEntry.at))))
    people = dict(
        session.execute(select(Annotator.id, Annotator.name).where(Annotator.project_id == project_id)).all()
    )
    labels = dict(session.execute(select(Label.id, Label.name).where(Label.project_id == project_id)).all())
    types = dict(
        session.execute(
            select(RelationType.id, RelationType.name).where(RelationType.project_id == project_id)
        ).all()
    )
    names = (people, labels, types)
    it = iter(records)
    while chunk := list(islice(it, CHUNK)):
        ids = [r.doc_id for r in chunk if r.doc_id is not None]
        if ids:
            _attach(session, chunk, min(ids), max(ids), names)
        for record in chunk:
            record.as_of = as_of
        yield from chunk


def _attach(
    session: Session,
    chunk: Sequence[DocRecord],
    first: int,
    last: int,
    names: tuple[dict[int, str], dict[int, str], dict[int, str]],
) -> None:
    people, labels, types = names
    conn = session.connection()
    spans: dict[int, tuple[Any, ...]] = {
        row[0]: tuple(row[1:])
        for row in conn.execute(
            select(
                Annotation.id,
                Annotation.updated_at,
                Annotation.sources,
                Annotation.adjudicator_id,
                Annotation.origin,
            ).where(Annotation.document_id.between(first, last))
        )
    }
    gold_relations: dict[tuple[str, str, str], tuple[Any, Any]] = {}
    for src, dst, type_id, sources, adjudicator in conn.execute(
        select(
            Relation.source_id,
            Relation.target_id,
            Relation.type_id,
            Relation.sources,
            Relation.adjudicator_id,
        ).where(
            Relation.document_id.between(first, last),
            (Relation.sources.is_not(None)) | (Relation.adjudicator_id.is_not(None)),
        )
    ):
        gold_relations[(str(src), str(dst), types.get(type_id, ""))] = (sources, adjudicator)
    review = _decisions(session, first, last, labels, types, people)
    # A record's text is the document's or a piece of it (a sentence example): whole when as long.
    # (Not its hash: a document kept apart on import has a salted one, see annotator.import_apart.)
    lengths: dict[int, int] = dict(
        conn.execute(
            select(Document.id, func.length(Document.text)).where(Document.id.between(first, last))
        ).all()
    )
    for record in chunk:
        for span in record.spans:
            found = spans.get(int(span.key)) if span.key and span.key.isdigit() else None
            if found is None:
                continue
            span.updated_at = iso(found[0])
            if found[1] is not None:
                span.sources = list(found[1])
            if found[2] is not None:
                span.adjudicator = people.get(found[2])
            span.origin = found[3]
        for rel in record.relations:
            provenance_of = gold_relations.get((rel.source, rel.target, rel.type))
            if provenance_of is not None:
                rel.sources = None if provenance_of[0] is None else list(provenance_of[0])
                rel.adjudicator = None if provenance_of[1] is None else people.get(provenance_of[1])
        # Decisions are about the whole document's offsets: not for sentence examples.
        if record.doc_id in review and lengths.get(record.doc_id) == len(record.text):
            record.review = review[record.doc_id]


def _decisions(
    session: Session,
    first: int,
    last: int,
    labels: dict[int, str],
    types: dict[int, str],
    people: dict[int, str],
) -> dict[int, ReviewRecord]:
    conn = session.connection()
    out: dict[int, ReviewRecord] = {}
    for doc_id, status in conn.execute(
        select(Document.id, Document.review_status).where(
            Document.id.between(first, last), Document.review_status != ReviewStatus.UNREVIEWED.value
        )
    ):
        out.setdefault(doc_id, ReviewRecord()).status = status
    for doc_id, start, end, label_id, reviewer in conn.execute(
        select(
            Rejection.document_id, Rejection.start, Rejection.end, Rejection.label_id, Rejection.reviewer_id
        )
        .where(Rejection.document_id.between(first, last))
        .order_by(Rejection.id)
    ):
        out.setdefault(doc_id, ReviewRecord()).rejections.append(
            RejectionRecord(start, end, labels[label_id], _name(people, reviewer))
        )
    r = RelationRejection
    for row in conn.execute(
        select(*RELATION_REJECTION_KEY, r.reviewer_id)
        .where(r.document_id.between(first, last))
        .order_by(r.id)
    ):
        out.setdefault(row[0], ReviewRecord()).relation_rejections.append(
            RelationRejectionRecord(
                types[row[1]],
                (row[2], row[3], labels[row[4]]),
                (row[5], row[6], labels[row[7]]),
                _name(people, row[8]),
            )
        )
    return out


def _name(people: dict[int, str], person_id: int | None) -> str | None:
    return None if person_id is None else people.get(person_id)


# --- import ---------------------------------------------------------------------------------------


def provenance(tx: Tx, owners: Owners, spans: Sequence[tuple[int, SpanRecord]]) -> None:
    """Store gold spans' sources and adjudicator, when the file's names are kept."""
    if not owners.keep:
        return
    rows = [
        {
            "ident": span_id,
            "sources": span.sources,
            "adjudicator_id": None if span.adjudicator is None else owners.person_id(span.adjudicator),
        }
        for span_id, span in spans
    ]
    _update(tx, Annotation, rows)


def relation_provenance(
    tx: Tx, owners: Owners, relations: Sequence[tuple[tuple[int, int, int, int], RelationRecord]]
) -> None:
    """Store gold relations' sources and adjudicator, when the file's names are kept."""
    if not owners.keep:
        return
    keys = {key for key, _rel in relations}
    found = {
        (row[1], row[2], row[3], row[4]): row[0]
        for row in tx.session.execute(
            select(
                Relation.id, Relation.source_id, Relation.target_id, Relation.type_id, Relation.annotator_id
            ).where(Relation.source_id.in_({k[0] for k in keys}))
        )
    }
    rows = [
        {
            "ident": found[key],
            "sources": rel.sources,
            "adjudicator_id": None if rel.adjudicator is None else owners.person_id(rel.adjudicator),
        }
        for key, rel in relations
        if key in found
    ]
    _update(tx, Relation, rows)


def _update(tx: Tx, model: type[Annotation] | type[Relation], rows: list[dict[str, Any]]) -> None:
    if not rows:
        return
    from sqlalchemy import bindparam

    table = model.__table__
    statement = (
        update(table)  # type: ignore[arg-type]
        .where(table.c.id == bindparam("ident"))
        .values(sources=bindparam("sources"), adjudicator_id=bindparam("adjudicator_id"))
    )
    tx.session.connection().execute(statement, rows)


class Restorer(Protocol):
    """What restoring decisions needs of the import (``annotator.ops.importer.Importer``): whose
    names are kept, the documents whose decisions came, and the project's labels and relation
    types by name (created or refused as the import's ``--create-labels`` says)."""

    owners: Owners
    reviewed: list[tuple[int, DocRecord]]

    def label(self, name: str, record: DocRecord) -> int: ...

    def relation_type(self, name: str, record: DocRecord) -> RelationType: ...


def restore_review(tx: Tx, importer: Restorer) -> None:
    """Restore the review's decisions the file carries (names kept): rejections, relation
    rejections and review status. Decisions the project has already are left as they are."""
    owners, documents = importer.owners, importer.reviewed
    if not documents:
        return
    session = tx.session
    doc_ids = [d for d, _r in documents]
    rejection_key = (Rejection.document_id, Rejection.label_id, Rejection.start, Rejection.end)
    have: set[tuple[int, ...]] = {
        tuple(row)
        for row in session.execute(select(*rejection_key).where(Rejection.document_id.in_(doc_ids)))
    }
    have_rel: set[tuple[int, ...]] = {
        tuple(row)
        for row in session.execute(
            select(*RELATION_REJECTION_KEY).where(RelationRejection.document_id.in_(doc_ids))
        )
    }
    statuses: dict[str, list[int]] = {}
    restored: set[int] = set()
    for doc_id, record in documents:
        review = record.review
        assert review is not None
        if review.status is not None and review.status != ReviewStatus.UNREVIEWED.value:
            statuses.setdefault(review.status, []).append(doc_id)
        for rej in review.rejections:
            key = (doc_id, importer.label(rej.label, record), rej.start, rej.end)
            if key not in have:
                have.add(key)
                restored.add(doc_id)
                reviewer = None if rej.reviewer is None else owners.person_id(rej.reviewer)
                session.add(
                    Rejection(
                        document_id=doc_id,
                        label_id=key[1],
                        start=rej.start,
                        end=rej.end,
                        reviewer_id=reviewer,
                    )
                )
        for rrej in review.relation_rejections:
            src, dst = rrej.source, rrej.target
            rkey = (
                doc_id,
                importer.relation_type(rrej.type, record).id,
                src[0],
                src[1],
                importer.label(src[2], record),
                dst[0],
                dst[1],
                importer.label(dst[2], record),
            )
            if rkey not in have_rel:
                have_rel.add(rkey)
                restored.add(doc_id)
                reviewer = None if rrej.reviewer is None else owners.person_id(rrej.reviewer)
                session.add(
                    RelationRejection(
                        document_id=doc_id,
                        type_id=rkey[1],
                        source_start=src[0],
                        source_end=src[1],
                        source_label_id=rkey[4],
                        target_start=dst[0],
                        target_end=dst[1],
                        target_label_id=rkey[7],
                        reviewer_id=reviewer,
                    )
                )
    session.flush()
    if restored:
        detail = {"restored": "rejections", **owners.audit_detail()}
        tx.record("document", "updated", (), tuple(sorted(restored)), detail)
    for status, ids in statuses.items():
        session.execute(update(Document).where(Document.id.in_(ids)).values(review_status=status))
        tx.record("document", "updated", ids, tuple(ids), {"review_status": status, **owners.audit_detail()})

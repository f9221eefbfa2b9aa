"""What a native export carries beyond spans and relations, and what an import restores of it.

The gold layer's provenance (each gold span's and relation's ``sources`` and adjudicator), the
review's decisions (rejected spans and relations, each document's review status), when each span
last changed and when the labels were read out (``as_of``): so that a project exported and
imported into a fresh one keeps its gold layer, and a merge can tell newer labels from older.
Restoring them is part of keeping the file's names (``--keep-annotators``, a reviewer).
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
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
    from annotator.export_reads import ExportDoc
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


class Stamps:
    """``iso`` of each distinct time once (spans written together share their time; a large
    export converted the same few times hundreds of thousands of times)."""

    def __init__(self) -> None:
        self.seen: dict[Any, str] = {}

    def iso(self, value: datetime) -> str:
        # Equal aware times in other offsets write differently: the offset is part of the key.
        key = value if value.tzinfo is None else (value, value.utcoffset())
        text = self.seen.get(key)
        if text is None:
            text = self.seen[key] = value.isoformat()
        return text


class Provenance:
    """What the export's one read of each document found for ``enrich`` (span times, gold
    provenance, origins, gold relations, review status, length), kept per document from when
    ``annotator.export.records`` reads it until ``enrich`` has used it: without it, ``enrich``
    reads every span a second time (a quarter of a large export's time)."""

    def __init__(self) -> None:
        self.documents: dict[int, Found] = {}
        self.stamps = Stamps()  # the export's times as text (``annotator.export.to_record`` too)

    def keep(self, doc: ExportDoc, spans: bool = True) -> None:
        """Hold ``doc``'s provenance (read by ``iter_documents(..., provenance=True)``); not its
        spans' (``spans=False``) when ``annotator.export.to_record`` put it in the records' spans."""
        row = doc.document
        found = doc.provenance() if spans else {}
        self.documents[row.id] = Found(
            found, doc.gold_relations or [], sql_length(row.text), row.review_status
        )

    def drop_before(self, document_id: int) -> None:
        """Forget documents before ``document_id`` (they come in id order; a document's sentence
        examples may straddle two chunks, so the last one of a chunk stays)."""
        for done in [d for d in self.documents if d < document_id]:
            del self.documents[done]


@dataclass(frozen=True, slots=True)
class Found:
    """One document's provenance: span id → (updated_at, sources, adjudicator id, origin); gold
    relations as (source id, target id, type id, sources, adjudicator id); length and review status."""

    spans: dict[int, tuple[Any, ...]]
    gold_relations: list[tuple[Any, ...]]
    length: int
    status: str | None


def sql_length(text: str) -> int:
    """What SQL ``length()`` says of a text: SQLite stops at a NUL (older projects may hold one;
    PostgreSQL stores none), so a record is "the whole document" exactly when it was before."""
    cut = text.find("\x00")
    return len(text) if cut < 0 else cut


def with_review(writer: Writer, session: Session, project_id: int, found: Provenance | None = None) -> Writer:
    """``writer`` (native JSONL) fed records that carry the review data (see ``enrich``)."""

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        writer(enrich(session, project_id, records, found), out, report)

    return write


def enrich(
    session: Session, project_id: int, records: Iterable[DocRecord], found: Provenance | None = None
) -> Iterator[DocRecord]:
    """Add timestamps, gold provenance and review decisions to exported records, chunk by chunk.

    ``found``: what the records' own read kept (``Provenance``); without it, each chunk's spans,
    gold relations and documents are read here."""
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
    stamps = found.stamps if found is not None else Stamps()
    it = iter(records)
    while chunk := list(islice(it, CHUNK)):
        ids = [r.doc_id for r in chunk if r.doc_id is not None]
        if ids:
            first, last = min(ids), max(ids)
            documents = found.documents if found is not None else _read_back(session, first, last)
            _attach(session, chunk, first, last, names, documents, stamps)
            if found is not None:
                found.drop_before(last)
        for record in chunk:
            record.as_of = as_of
        yield from chunk


def _read_back(session: Session, first: int, last: int) -> dict[int, Found]:
    """``Found`` of the documents ``first``..``last``, read again (records that did not keep it)."""
    conn = session.connection()
    spans: dict[int, dict[int, tuple[Any, ...]]] = {}
    for row in conn.execute(
        select(
            Annotation.document_id,
            Annotation.id,
            Annotation.updated_at,
            Annotation.sources,
            Annotation.adjudicator_id,
            Annotation.origin,
        ).where(Annotation.document_id.between(first, last))
    ):
        spans.setdefault(row[0], {})[row[1]] = tuple(row[2:])
    gold: dict[int, list[tuple[Any, ...]]] = {}
    for rrow in conn.execute(
        select(
            Relation.document_id,
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
        gold.setdefault(rrow[0], []).append(tuple(rrow[1:]))
    documents = conn.execute(
        select(Document.id, func.length(Document.text), Document.review_status).where(
            Document.id.between(first, last)
        )
    ).all()
    return {d: Found(spans.get(d, {}), gold.get(d, []), n, status) for d, n, status in documents}


def _attach(
    session: Session,
    chunk: Sequence[DocRecord],
    first: int,
    last: int,
    names: tuple[dict[int, str], dict[int, str], dict[int, str]],
    documents: dict[int, Found],
    stamps: Stamps,
) -> None:
    people, labels, types = names
    statuses = {
        d: found.status
        for d, found in documents.items()
        if first <= d <= last and found.status is not None and found.status != ReviewStatus.UNREVIEWED.value
    }
    review = _decisions(session, first, last, labels, types, people, statuses)
    for record in chunk:
        found = documents.get(record.doc_id) if record.doc_id is not None else None
        if found is None:
            continue
        spans = found.spans
        for span in record.spans if spans else ():
            key = span.key
            provenance_of = spans.get(int(key)) if key and key.isdigit() else None
            if provenance_of is None:
                continue
            when, sources, adjudicator, origin = provenance_of
            span.updated_at = None if when is None else stamps.iso(when)
            if sources is not None:
                span.sources = list(sources)
            if adjudicator is not None:
                span.adjudicator = people.get(adjudicator)
            span.origin = origin
        if found.gold_relations and record.relations:
            gold_relations = {
                (str(src), str(dst), types.get(type_id, "")): (sources, adjudicator)
                for src, dst, type_id, sources, adjudicator in found.gold_relations
            }
            for rel in record.relations:
                relation_of = gold_relations.get((rel.source, rel.target, rel.type))
                if relation_of is not None:
                    rel.sources = None if relation_of[0] is None else list(relation_of[0])
                    rel.adjudicator = None if relation_of[1] is None else people.get(relation_of[1])
        # Decisions are about the whole document's offsets: not for sentence examples.
        # (Not its hash: a document kept apart on import has a salted one, see annotator.import_apart.)
        if record.doc_id in review and found.length == len(record.text):
            record.review = review[record.doc_id]


def _decisions(
    session: Session,
    first: int,
    last: int,
    labels: dict[int, str],
    types: dict[int, str],
    people: dict[int, str],
    statuses: dict[int, str],
) -> dict[int, ReviewRecord]:
    conn = session.connection()
    out: dict[int, ReviewRecord] = {}
    for doc_id, status in sorted(statuses.items()):
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

"""Documents: bulk import of records (one transaction, Core executemany) and status changes."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import Table, insert, select, update

from annotator.bulk import bulk_insert, bulk_insert_dicts
from annotator.errors import InputError, NotFoundError, ValidationError
from annotator.hashing import content_hash
from annotator.model import Annotation, Annotator, DocStatus, Document, Label, Relation, RelationType, utcnow
from annotator.ops.labels import add_label, add_relation_type
from annotator.records import DocRecord
from annotator.store import Tx

CHUNK = 2000
# Core tables: bulk inserts go straight to executemany, skipping the ORM's per-row bookkeeping.
DOCUMENT: Table = Document.__table__  # type: ignore[assignment]
ANNOTATION: Table = Annotation.__table__  # type: ignore[assignment]
RELATION: Table = Relation.__table__  # type: ignore[assignment]
SPAN_COLUMNS = (
    "document_id",
    "annotator_id",
    "label_id",
    "start",
    "end",
    "text",
    "created_at",
    "updated_at",
    "version",
)
Progress = Callable[[int], None]


@dataclass(slots=True)
class ImportResult:
    documents_added: int = 0
    documents_existing: int = 0
    spans_added: int = 0
    spans_existing: int = 0
    relations_added: int = 0
    relations_existing: int = 0
    document_ids: list[int] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.documents_added} document(s) added, {self.documents_existing} already present; "
            f"{self.spans_added} span(s) added, {self.spans_existing} already present; "
            f"{self.relations_added} relation(s) added, {self.relations_existing} already present"
        )


def _where(record: DocRecord) -> tuple[str, int | None]:
    return record.source_file or "<input>", record.line


class _Schema:
    """Label and relation-type names of a project, created on demand when the caller allows it."""

    def __init__(self, tx: Tx, project_id: int, create: bool) -> None:
        self.tx, self.project_id, self.create = tx, project_id, create
        self.labels = {
            lab.name: lab.id
            for lab in tx.session.scalars(select(Label).where(Label.project_id == project_id))
        }
        self.types = {
            t.name: t
            for t in tx.session.scalars(select(RelationType).where(RelationType.project_id == project_id))
        }

    def label(self, name: str, record: DocRecord) -> int:
        if name not in self.labels:
            if not self.create:
                path, line = _where(record)
                raise InputError(
                    path,
                    f"unknown label {name!r} (project labels: {', '.join(self.labels) or 'none'}; "
                    "pass --create-labels to add it)",
                    line,
                )
            self.labels[name] = add_label(self.tx, self.project_id, name).id
        return self.labels[name]

    def relation_type(self, name: str, record: DocRecord) -> RelationType:
        if name not in self.types:
            if not self.create:
                path, line = _where(record)
                raise InputError(
                    path,
                    f"unknown relation type {name!r} (project types: {', '.join(self.types) or 'none'}; "
                    "pass --create-labels to add it)",
                    line,
                )
            self.types[name] = add_relation_type(self.tx, self.project_id, name)
        return self.types[name]


class _Annotators:
    def __init__(self, tx: Tx, project_id: int) -> None:
        self.tx, self.project_id = tx, project_id
        self.ids = {
            a.name: a.id
            for a in tx.session.scalars(select(Annotator).where(Annotator.project_id == project_id))
        }

    def id(self, name: str) -> int:
        if name not in self.ids:
            row = self.tx.session.execute(
                insert(Annotator).returning(Annotator.id),
                [{"project_id": self.project_id, "name": name, "role": "annotator"}],
            ).scalar_one()
            self.ids[name] = row
            self.tx.record("annotator", "created", (row,))
        return self.ids[name]


def _validate(record: DocRecord, default_annotator: str | None) -> None:
    path, line = _where(record)
    if not record.text:
        raise InputError(path, "document has no text", line)
    if record.status is not None and record.status not in {s.value for s in DocStatus}:
        raise InputError(path, f"unknown status {record.status!r}", line)
    keys: set[str] = set()
    for span in record.spans:
        what = f"span {span.key or ''} {span.start}–{span.end}".replace("  ", " ")
        if not isinstance(span.start, int) or not isinstance(span.end, int):
            raise InputError(path, f"{what}: offsets must be whole numbers", line)
        if span.start < 0 or span.end > len(record.text):
            raise InputError(path, f"{what} lies outside the text (0–{len(record.text)})", line)
        if span.end <= span.start:
            raise InputError(path, f"{what} is empty or reversed (end must be > start)", line)
        if span.text is not None and record.text[span.start : span.end] != span.text:
            found = record.text[span.start : span.end]
            raise InputError(
                path, f"{what}: its text {span.text!r} does not match the document ({found!r})", line
            )
        if span.annotator is None and default_annotator is None:
            raise InputError(path, f"{what} names no annotator; pass --annotator NAME", line)
        if span.key is not None:
            keys.add(span.key)
    for rel in record.relations:
        for end in (rel.source, rel.target):
            if end not in keys:
                raise InputError(path, f"relation {rel.type!r} refers to a missing span {end!r}", line)


def import_records(
    tx: Tx,
    project_id: int,
    records: Iterable[DocRecord],
    *,
    annotator: str | None = None,
    create_labels: bool = False,
    progress: Progress | None = None,
) -> ImportResult:
    """Add documents with their spans and relations in the caller's transaction.

    Every record is checked before anything is written for it, and an error aborts the caller's
    transaction, so a bad file imports nothing. A document whose text is already in the project is
    not added again; its spans and relations are merged in (exact duplicates skipped).
    """
    schema = _Schema(tx, project_id, create_labels)
    people = _Annotators(tx, project_id)
    result = ImportResult()
    batch: list[DocRecord] = []
    for record in records:
        _validate(record, annotator)
        batch.append(record)
        if len(batch) >= CHUNK:
            _import_batch(tx, project_id, batch, schema, people, annotator, result)
            if progress:
                progress(len(batch))
            batch = []
    if batch:
        _import_batch(tx, project_id, batch, schema, people, annotator, result)
        if progress:
            progress(len(batch))
    if result.document_ids:
        tx.record("document", "created", result.document_ids, tuple(result.document_ids))
    return result


def _import_batch(
    tx: Tx,
    project_id: int,
    batch: Sequence[DocRecord],
    schema: _Schema,
    people: _Annotators,
    default_annotator: str | None,
    result: ImportResult,
) -> None:
    session = tx.session
    now = utcnow()
    hashes = [content_hash(r.text) for r in batch]
    existing = dict(
        session.execute(
            select(Document.content_hash, Document.id).where(
                Document.project_id == project_id, Document.content_hash.in_(set(hashes))
            )
        ).all()
    )
    new_rows: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for record, digest in zip(batch, hashes, strict=True):
        if digest in existing or digest in seen:
            continue
        seen[digest] = len(new_rows)
        new_rows.append(
            {
                "project_id": project_id,
                "text": record.text,
                "content_hash": digest,
                "title": record.title,
                "source_file": record.source_file,
                "source_url": record.source_url,
                "author": record.author,
                "published": record.published,
                "meta": record.meta or {},
                "status": record.status or DocStatus.NEW.value,
                "created_at": now,
            }
        )
    if new_rows:
        # Plain executemany, then one indexed read of the new ids: much faster than RETURNING rows.
        bulk_insert_dicts(session.connection(), DOCUMENT, new_rows)
        fresh = dict(
            session.execute(
                select(Document.content_hash, Document.id).where(
                    Document.project_id == project_id,
                    Document.content_hash.in_([r["content_hash"] for r in new_rows]),
                )
            ).all()
        )
        existing.update(fresh)
        result.document_ids.extend(fresh[r["content_hash"]] for r in new_rows)
        result.documents_added += len(new_rows)
    result.documents_existing += len(batch) - len(new_rows)
    merged_docs = {existing[h] for h, r in zip(hashes, batch, strict=True) if r.spans} - set(
        result.document_ids
    )
    _import_spans(tx, batch, hashes, existing, merged_docs, schema, people, default_annotator, result, now)


def _import_spans(
    tx: Tx,
    batch: Sequence[DocRecord],
    hashes: Sequence[str],
    doc_ids: dict[str, int],
    merged_docs: set[int],
    schema: _Schema,
    people: _Annotators,
    default_annotator: str | None,
    result: ImportResult,
    now: Any,
) -> None:
    """Insert spans (and then relations) of a batch; spans already stored are reused."""
    session = tx.session
    stored: dict[tuple[int, int, int, int, int], int] = {}
    if merged_docs:
        stored.update(_span_ids(tx, merged_docs))
    rows: list[tuple[Any, ...]] = []
    key_of: dict[tuple[int, str], tuple[int, int, int, int, int]] = {}
    linked_docs: set[int] = set()
    for index, (record, digest) in enumerate(zip(batch, hashes, strict=True)):
        doc_id = doc_ids[digest]
        if record.relations:
            linked_docs.add(doc_id)
        for span in record.spans:
            name = span.annotator or default_annotator
            assert name is not None  # checked by _validate
            ident = (doc_id, people.id(name), schema.label(span.label, record), span.start, span.end)
            if span.key is not None:
                key_of[(index, span.key)] = ident
            if ident in stored:
                result.spans_existing += 1
                continue
            stored[ident] = -1
            rows.append(
                (
                    doc_id,
                    ident[1],
                    ident[2],
                    span.start,
                    span.end,
                    record.text[span.start : span.end],
                    now,
                    now,
                    1,
                )
            )
    if rows:
        bulk_insert(session.connection(), ANNOTATION, SPAN_COLUMNS, rows)
        result.spans_added += len(rows)
        tx.record("annotation", "created", (), tuple({r[0] for r in rows}))
    if linked_docs:
        # Relations need the new spans' ids: read them back by their natural key.
        stored.update(_span_ids(tx, linked_docs))
    _import_relations(tx, batch, key_of, stored, schema, people, default_annotator, result, now)


def _span_ids(tx: Tx, documents: set[int]) -> dict[tuple[int, int, int, int, int], int]:
    """Stored spans of ``documents`` by (document, annotator, label, start, end)."""
    query = select(
        Annotation.document_id,
        Annotation.annotator_id,
        Annotation.label_id,
        Annotation.start,
        Annotation.end,
        Annotation.id,
    ).where(Annotation.document_id.in_(documents))
    return {(r[0], r[1], r[2], r[3], r[4]): r[5] for r in tx.session.execute(query)}


def _import_relations(
    tx: Tx,
    batch: Sequence[DocRecord],
    key_of: dict[tuple[int, str], tuple[int, int, int, int, int]],
    stored: dict[tuple[int, int, int, int, int], int],
    schema: _Schema,
    people: _Annotators,
    default_annotator: str | None,
    result: ImportResult,
    now: Any,
) -> None:
    session = tx.session
    wanted: list[dict[str, Any]] = []
    for index, record in enumerate(batch):
        for rel in record.relations:
            src, dst = key_of[(index, rel.source)], key_of[(index, rel.target)]
            rtype = schema.relation_type(rel.type, record)
            if rtype.from_label_id not in (None, src[2]) or rtype.to_label_id not in (None, dst[2]):
                path, line = _where(record)
                raise InputError(
                    path, f"relation type {rel.type!r} does not fit the labels of its spans", line
                )
            name = rel.annotator or default_annotator or "import"
            wanted.append(
                {
                    "document_id": src[0],
                    "source_id": stored[src],
                    "target_id": stored[dst],
                    "type_id": rtype.id,
                    "annotator_id": people.id(name),
                    "created_at": now,
                }
            )
    if not wanted:
        return
    docs = {r["document_id"] for r in wanted}  # at most one batch: well below bind-parameter limits
    present = {
        tuple(row)
        for row in session.execute(
            select(Relation.source_id, Relation.target_id, Relation.type_id, Relation.annotator_id).where(
                Relation.document_id.in_(docs)
            )
        )
    }
    fresh = []
    for row in wanted:
        ident = (row["source_id"], row["target_id"], row["type_id"], row["annotator_id"])
        if ident in present:
            result.relations_existing += 1
            continue
        present.add(ident)
        fresh.append(row)
    if fresh:
        bulk_insert_dicts(session.connection(), RELATION, fresh)
        result.relations_added += len(fresh)
        tx.record("relation", "created", (), tuple({r["document_id"] for r in fresh}))


def set_status(tx: Tx, document_ids: Sequence[int], status: DocStatus | str) -> None:
    """Mark documents new / in progress / done."""
    value = DocStatus(status).value if status in {s.value for s in DocStatus} else None
    if value is None:
        raise ValidationError(f"unknown status {status!r} (new, in progress, done)")
    found = tx.session.scalars(select(Document.id).where(Document.id.in_(document_ids))).all()
    missing = set(document_ids) - set(found)
    if missing:
        raise NotFoundError(f"no document with id {min(missing)}")
    tx.session.execute(update(Document).where(Document.id.in_(document_ids)).values(status=value))
    tx.record("document", "updated", list(document_ids), tuple(document_ids))

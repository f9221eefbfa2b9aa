"""Bulk import of records: documents, spans and relations in the caller's transaction.

Built for 10,000 documents × 20 spans: records are checked and turned into row tuples in one
pass and written at driver speed (executemany on SQLite, COPY on PostgreSQL). On SQLite new spans
get their ids up front (the transaction holds the write lock), so relations need no read-back,
and the inserts run on a thread of their own while the next rows are built (``import_writer``);
on PostgreSQL they are read back by their natural key (faster than reserving sequence ids).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

from sqlalchemy import Table, insert, select, update

from annotator.actors_carry import link_imported
from annotator.attributes_io import store_imported
from annotator.audit import default_actor_name
from annotator.bulk import bulk_insert, bulk_insert_dicts, ids_by_key, reserve_ids, stamp
from annotator.codebook_carry import declare_definitions
from annotator.comments_carry import restore_imported
from annotator.fragments_io import store_imported as store_fragments
from annotator.ids import next_sqlite_id
from annotator.import_apart import Apart, own_key
from annotator.import_extras import declare_attributes, link_actors
from annotator.import_names import fold_names
from annotator.import_result import ImportResult
from annotator.import_writer import writing
from annotator.model import (
    Annotation,
    DocStatus,
    Document,
    ImportBatch,
    Label,
    Relation,
    RelationType,
    utcnow,
)
from annotator.ops.documents import deleted_hashes, forget_restored
from annotator.ops.import_checks import _fail, _when
from annotator.ops.import_owners import check_record, owner_ids, span_owners
from annotator.ops.labels import add_label, add_relation_type
from annotator.ops.owners import Owners
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.resources import default_relation_type
from annotator.review.carry import provenance, relation_provenance, restore_review
from annotator.store import Tx
from annotator.tokens import fill_existing
from annotator.tokens import of_record as source_tokens

CHUNK = 500  # records per bulk write: a streamed import holds one chunk (2000 held ~60 MB more)
Progress = Callable[[int], None]
SpanKey = tuple[int, int, int, int, int]  # document, annotator, label, start, end

DOCUMENT: Table = Document.__table__  # type: ignore[assignment]
ANNOTATION: Table = Annotation.__table__  # type: ignore[assignment]
RELATION: Table = Relation.__table__  # type: ignore[assignment]
SPAN_COLUMNS: tuple[str, ...] = ("id", "document_id", "annotator_id", "label_id", "start", "end", "text")
SPAN_COLUMNS += ("created_at", "updated_at", "version")
RELATION_COLUMNS = ("document_id", "source_id", "target_id", "type_id", "annotator_id", "created_at")


class Importer:
    """One import: the project's names and ids, the rows of the current batch, the result."""

    def __init__(
        self,
        tx: Tx,
        project_id: int,
        annotator: str | None,
        create_labels: bool,
        keep_annotators: bool | None = None,
        anonymous_ok: bool = True,
        batch_id: int | None = None,
        names_checked: bool = False,
        keep_apart: bool | Apart = False,
    ) -> None:
        self.tx, self.project_id, self.create = tx, project_id, create_labels
        self.merging = names_checked  # a merge: the teammate's newer values replace the ones here
        self.owners = Owners(
            tx, project_id, annotator, keep_annotators, anonymous_ok=anonymous_ok, checked=names_checked
        )
        self.batch_id = batch_id
        session = tx.session
        self.labels = dict(
            session.execute(select(Label.name, Label.id).where(Label.project_id == project_id)).all()
        )
        self.types = {
            t.name: t
            for t in session.scalars(select(RelationType).where(RelationType.project_id == project_id))
        }
        self.result = ImportResult()
        self.apart = keep_apart if isinstance(keep_apart, Apart) else Apart(session, project_id, keep_apart)
        self.reviewed: list[tuple[int, DocRecord]] = []  # documents whose review decisions come too
        # SQLite: this transaction holds the write lock, so ids can be handed out here.
        self.next_span: int | None = None
        self.next_document: int | None = None
        # Where the bulk inserts go when a thread writes them (``annotator.import_writer``).
        self.later: Callable[[Callable[[], None]], None] | None = None
        if session.connection().dialect.name == "sqlite":
            self.next_span = next_sqlite_id(session.connection(), ANNOTATION)
            self.next_document = next_sqlite_id(session.connection(), DOCUMENT)

    def label(self, name: str, record: DocRecord) -> int:
        found = self.labels.get(name)
        if found is None:
            if not self.create:
                raise _fail(
                    record,
                    f"unknown label {name!r} (project labels: {', '.join(self.labels) or 'none'}; "
                    "pass --create-labels to add it)",
                )
            found = self.labels[name] = add_label(self.tx, self.project_id, name).id
        return found

    def relation_type(self, name: str, record: DocRecord) -> RelationType:
        if name not in self.types:
            if not self.create:
                raise _fail(
                    record,
                    f"unknown relation type {name!r} (project types: {', '.join(self.types) or 'none'}; "
                    "pass --create-labels to add it)",
                )
            ends = default_relation_type(name, self.labels)  # e.g. ``cue`` ends at CUE, as in new projects
            self.types[name] = add_relation_type(self.tx, self.project_id, name, **ends)
        return self.types[name]

    def check(self, record: DocRecord) -> None:
        """Refuse a record before anything of it is written; errors name file, line and reason."""
        check_record(self.owners, record)

    def batch(self, batch: Sequence[DocRecord]) -> None:
        if not self.merging:  # a file's "Quote" is the project's QUOTE (a merge's names are the project's)
            fold_names(self.tx, self.project_id, batch, self.result)
        owners = span_owners(self.owners, batch)
        doc_ids, merged = self._documents(batch, owners)
        self.reviewed.extend((d, r) for d, r in zip(doc_ids, batch, strict=True) if r.review is not None)
        self._spans_and_relations(batch, doc_ids, merged, owners)
        restore_imported(self.tx, self.project_id, list(zip(doc_ids, batch, strict=True)), self.owners)
        declare_definitions(self.tx, self.project_id, batch, self.result, _fail)  # native JSONL's codebook
        valued = [
            r for r in batch if r.new_attributes or r.new_relation_attributes or r.new_document_attributes
        ]
        declare_attributes(self.tx, self.project_id, valued, self.result, _fail)  # peer files' values
        link_actors(self.tx, self.project_id, batch, doc_ids, owners, self.labels, self.result)
        args = (self.tx, self.project_id, batch, doc_ids, owners, self.labels, _fail, self.owners.owner)
        store_imported(*args, replace=self.merging)
        link_imported(self.tx, self.project_id, batch, doc_ids, owners, self.result)
        parted = [i for i, r in enumerate(batch) if any(s.fragments for s in r.spans)]
        if parted:  # multi-part spans' parts
            records, docs, whos = (
                [batch[i] for i in parted],
                [doc_ids[i] for i in parted],
                [owners[i] for i in parted],
            )
            store_fragments(self.tx, records, docs, whos, self.labels, _fail)

    def _documents(self, batch: Sequence[DocRecord], owners: list[list[int]]) -> tuple[list[int], set[int]]:
        """Insert the batch's new documents; returns each record's document id and the merged ones."""
        session, now = self.tx.session, utcnow()
        hashes = self.apart.digests(batch, owners)
        existing = ids_by_key(
            session.connection(), DOCUMENT, "content_hash", set(hashes), project_id=self.project_id
        )
        merged = {existing[h] for h, r in zip(hashes, batch, strict=True) if h in existing and r.spans}
        new_rows: dict[str, dict[str, Any]] = {}
        for record, digest in zip(batch, hashes, strict=True):
            if digest in existing or digest in new_rows:
                continue
            new_rows[digest] = {
                "project_id": self.project_id,
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
                "batch_id": self.batch_id,
                "tokens": source_tokens(record),
            }
        # Kept apart now, not found again from an earlier import of the same files: reported.
        self.result.kept_apart.extend(why for key, why in self.apart.kept.items() if key in new_rows)
        self.apart.kept.clear()
        if new_rows:
            fresh = self._insert_documents(new_rows)
            existing.update(fresh)
            self.result.document_ids.extend(fresh[h] for h in new_rows)
            self.result.documents_added += len(new_rows)
        self.result.documents_existing += len(batch) - len(new_rows)
        ids = [existing[h] for h in hashes]
        old = [(d, r) for d, r, h in zip(ids, batch, hashes, strict=True) if h not in new_rows]
        fill_existing(self.tx, old, self.result)  # texts already here take the file's tokens
        return ids, merged

    def _insert_documents(self, new_rows: dict[str, dict[str, Any]]) -> dict[str, int]:
        """Write the new documents; returns their ids by key: handed out here on SQLite, drawn
        from their sequence first on PostgreSQL (as for spans), else read back by hash."""
        session = self.tx.session
        conn = session.connection()
        if self.next_document is not None or conn.dialect.name == "postgresql":
            first, count = self.next_document, len(new_rows)
            ids = reserve_ids(conn, DOCUMENT, count) if first is None else list(range(first, first + count))
            self.next_document = None if first is None else first + count
            rows = [(ids[n], *row.values()) for n, row in enumerate(new_rows.values())]
            bulk_insert(conn, DOCUMENT, ("id", *next(iter(new_rows.values()))), rows, later=self.later)
            return dict(zip(new_rows, ids, strict=True))
        bulk_insert_dicts(conn, DOCUMENT, list(new_rows.values()))
        return dict(
            session.execute(
                select(Document.content_hash, Document.id).where(
                    Document.project_id == self.project_id, Document.content_hash.in_(list(new_rows))
                )
            ).all()
        )

    def _stored_spans(self, documents: set[int], people: set[int] | None = None) -> dict[SpanKey, int]:
        """Stored spans of ``documents`` (of ``people`` only, when given) by (document, annotator,
        label, start, end): others' spans cannot be duplicates of the ones coming in."""
        query = select(
            Annotation.document_id,
            Annotation.annotator_id,
            Annotation.label_id,
            Annotation.start,
            Annotation.end,
            Annotation.id,
        ).where(Annotation.document_id.in_(documents))
        if people is not None:
            query = query.where(Annotation.annotator_id.in_(people))
        return {(r[0], r[1], r[2], r[3], r[4]): r[5] for r in self.tx.session.execute(query)}

    def _spans_and_relations(
        self, batch: Sequence[DocRecord], doc_ids: list[int], merged: set[int], owners: list[list[int]]
    ) -> None:
        session = self.tx.session
        now = stamp(session.connection(), utcnow())
        people = {who for whos in owners for who in whos}
        stored: dict[SpanKey, int] = self._stored_spans(merged, people) if merged and people else {}
        labels = self.labels
        next_id = self.next_span
        rows: list[tuple[Any, ...]] = []
        links: list[tuple[DocRecord, dict[str, SpanKey]]] = []
        gold: list[tuple[SpanKey, SpanRecord]] = []
        conn = session.connection()
        for record, doc_id, whos in zip(batch, doc_ids, owners, strict=True):
            text = record.text
            key_of: dict[str, SpanKey] = {}
            for span, who in zip(record.spans, whos, strict=True):
                label = labels.get(span.label) or self.label(span.label, record)
                ident = (doc_id, who, label, span.start, span.end)
                if span.key is not None:
                    key_of[span.key] = ident
                if ident in stored:
                    self.result.spans_existing += 1
                    continue
                stored[ident] = next_id or -1
                when = now if span.updated_at is None else _when(conn, span.updated_at, record)
                rows.append(
                    (
                        next_id,
                        doc_id,
                        who,
                        label,
                        span.start,
                        span.end,
                        text[span.start : span.end],
                        when,
                        when,
                        1,
                    )
                )
                if span.sources is not None or span.adjudicator is not None:
                    gold.append((ident, span))
                if next_id is not None:
                    next_id += 1
            if record.relations:
                links.append((record, key_of))
        self.next_span = next_id
        if rows and next_id is None:  # PostgreSQL: the new spans' ids, taken from their sequence
            ids = reserve_ids(session.connection(), ANNOTATION, len(rows))
            fresh = [ident for ident, value in stored.items() if value == -1]
            stored.update(zip(fresh, ids, strict=True))
            rows = [(i, *row[1:]) for i, row in zip(ids, rows, strict=True)]
        if rows:
            bulk_insert(session.connection(), ANNOTATION, SPAN_COLUMNS, rows, binary=True, later=self.later)
            self.result.spans_added += len(rows)
            detail = self.owners.audit_detail()
            self.tx.record("annotation", "created", (), tuple({r[1] for r in rows}), detail)
        if gold:
            provenance(self.tx, self.owners, [(stored[ident], span) for ident, span in gold])
        self._relations(links, stored, merged, now)

    def _misfit(self, name: str, kind: tuple[int, int | None, int | None], src: SpanKey, dst: SpanKey) -> str:
        """Which labels the relation type joins, and which its spans have, where."""
        names = {v: k for k, v in self.labels.items()}
        ends = " to ".join(names.get(x, "any label") if x else "any label" for x in kind[1:])
        return (
            f"relation type {name!r} does not fit the labels of its spans: it runs from {ends}, "
            f"not from {names.get(src[2], '?')} ({src[3]}–{src[4]}) to {names.get(dst[2], '?')} ({dst[3]}–{dst[4]})"
        )

    def _relations(
        self,
        links: list[tuple[DocRecord, dict[str, SpanKey]]],
        stored: dict[SpanKey, int],
        merged: set[int],
        now: Any,
    ) -> None:
        wanted: list[tuple[Any, ...]] = []
        gold: list[tuple[tuple[int, int, int, int], RelationRecord]] = []
        ends: dict[str, tuple[int, int | None, int | None]] = {}  # type → id and allowed labels
        owner_of = owner_ids(
            self.owners, (rel.annotator for record, _keys in links for rel in record.relations)
        )
        for record, key_of in links:
            for rel in record.relations:
                src, dst = key_of[rel.source], key_of[rel.target]
                kind = ends.get(rel.type)
                if kind is None:
                    rtype = self.relation_type(rel.type, record)
                    kind = ends[rel.type] = (rtype.id, rtype.from_label_id, rtype.to_label_id)
                if kind[1] not in (None, src[2]) or kind[2] not in (None, dst[2]):
                    raise _fail(record, self._misfit(rel.type, kind, src, dst))
                who = owner_of[rel.annotator]
                wanted.append((src[0], stored[src], stored[dst], kind[0], who, now))
                if rel.sources is not None or rel.adjudicator is not None:
                    gold.append(((stored[src], stored[dst], kind[0], who), rel))
        if not wanted:
            return
        present: set[tuple[Any, ...]] = set()
        if merged:  # only documents that were already there can hold these relations
            present = {
                tuple(row)
                for row in self.tx.session.execute(
                    select(
                        Relation.source_id, Relation.target_id, Relation.type_id, Relation.annotator_id
                    ).where(Relation.document_id.in_(merged))
                )
            }
        fresh = []
        for row in wanted:
            ident = row[1:5]
            if ident in present:
                self.result.relations_existing += 1
                continue
            present.add(ident)
            fresh.append(row)
        if fresh:
            conn = self.tx.session.connection()
            bulk_insert(conn, RELATION, RELATION_COLUMNS, fresh, binary=True, later=self.later)
            self.result.relations_added += len(fresh)
            detail = self.owners.audit_detail()
            self.tx.record("relation", "created", (), tuple({r[0] for r in fresh}), detail)
        if gold:
            relation_provenance(self.tx, self.owners, gold)


def import_records(
    tx: Tx,
    project_id: int,
    records: Iterable[DocRecord],
    *,
    annotator: str | None = None,
    create_labels: bool = False,
    progress: Progress | None = None,
    batch_id: int | None = None,
    restore_deleted: bool = False,
    keep_annotators: bool | None = None,
    anonymous_ok: bool = True,
    names_checked: bool = False,
    keep_apart: bool | Apart = False,
) -> ImportResult:
    """Add documents with their spans and relations in the caller's transaction.

    Every record is checked before anything is written for it, and an error aborts the caller's
    transaction, so a bad file imports nothing. A document whose text is already in the project is
    not added again; its spans and relations are merged in (exact duplicates skipped), unless its
    labels conflict with those already there and ``keep_apart`` (file imports; a merge matches by
    text alone; an ``Apart`` carries the decisions over several calls): ``annotator.import_apart``. The text
    of a document deleted from the project is skipped (counted) unless ``restore_deleted``.

    Whose labels they become: see ``annotator.ops.owners``. The runner is ``tx.actor`` or the
    declared ``annotator``; ``keep_annotators`` (None: only for the system, which has no runner)
    keeps the file's names, gold included, and needs a reviewer; ``anonymous_ok=False`` refuses
    keeping names for a runner who gave none (the command line). ``names_checked``: the caller
    (a merge) has already decided whose names come in.
    """
    importer = Importer(
        tx,
        project_id,
        annotator,
        create_labels,
        keep_annotators,
        anonymous_ok,
        batch_id,
        names_checked,
        keep_apart,
    )
    deleted = set() if restore_deleted else deleted_hashes(tx.session, project_id)
    with writing(tx.session.connection()) as writer:  # the inserts on a thread (SQLite)
        importer.later = writer.later if writer is not None else None
        batch: list[DocRecord] = []
        for record in records:
            if deleted and own_key(record) in deleted:
                importer.result.documents_deleted += 1
                continue
            importer.check(record)
            batch.append(record)
            if len(batch) >= CHUNK:
                importer.batch(batch)
                if progress:
                    progress(len(batch))
                batch = []
        if batch:
            importer.batch(batch)
            if progress:
                progress(len(batch))
    importer.later = None
    result = importer.result
    result.reassigned = dict(importer.owners.reassigned)
    result.owners_note = importer.owners.summary()
    if importer.owners.keep:
        restore_review(tx, importer)
    if result.document_ids:
        tx.record("document", "created", result.document_ids, tuple(result.document_ids))
        if restore_deleted:
            forget_restored(tx, project_id)
    return result


def import_as_batch(
    tx: Tx, project_id: int, records: Iterable[DocRecord], source: str, **options: Any
) -> tuple[int, ImportResult]:
    """``import_records`` as one numbered batch (``delete_batch`` takes it out again); identical
    texts with conflicting labels are kept apart unless ``keep_apart=False``. (batch, result)"""
    options.setdefault("keep_apart", True)
    who = tx.actor.name if tx.actor else default_actor_name()
    batch = tx.session.execute(
        insert(ImportBatch).returning(ImportBatch.id),
        [{"project_id": project_id, "actor": who, "source": source, "documents": 0, "created_at": utcnow()}],
    ).scalar_one()
    result = import_records(tx, project_id, records, batch_id=batch, **options)
    tx.session.execute(
        update(ImportBatch).where(ImportBatch.id == batch).values(documents=result.documents_added)
    )
    return batch, result

"""Bring a teammate's work in from their project database or their native JSONL export.

Documents are matched by content hash, never by id. For each merged annotator, their spans and
relations in the documents the source covers become exactly what the source holds: additions
come in, what they deleted goes, and nobody else's labels are touched. Merging the same source
twice changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy import select

from annotator.errors import InputError
from annotator.formats import native
from annotator.hashing import content_hash
from annotator.model import Annotation, Annotator, Document, Label, Relation, RelationType
from annotator.ops.annotations import delete_spans
from annotator.ops.documents import deleted_hashes
from annotator.ops.importer import import_records
from annotator.ops.relations import delete_relation
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.sqlite_guard import refuse_database_file
from annotator.store import Actor, Store, Tx, open_store

Key = tuple[int, int, str]  # start, end, label


@dataclass(slots=True)
class MergeSummary:
    annotators: list[str] = field(default_factory=list)
    documents_added: int = 0
    spans_added: int = 0
    spans_removed: int = 0
    spans_kept: int = 0
    relations_added: int = 0
    relations_removed: int = 0
    relations_kept: int = 0
    documents_deleted: int = 0  # in the source, but deleted here: skipped

    def summary(self) -> str:
        who = ", ".join(self.annotators) or "nobody"
        return (
            f"merged {who}: {self.documents_added} new document(s); spans +{self.spans_added} "
            f"-{self.spans_removed} ({self.spans_kept} unchanged); relations +{self.relations_added} "
            f"-{self.relations_removed} ({self.relations_kept} unchanged); other annotators untouched"
        ) + (
            f"; {self.documents_deleted} document(s) skipped: deleted from this project "
            "(--restore-deleted brings them back)"
            if self.documents_deleted
            else ""
        )


def read_source(path: Path) -> list[DocRecord]:
    """Records of a teammate's native JSONL export or project database (SQLite file)."""
    path = Path(path)
    refuse_database_file(path)  # the open project itself: reading it here would drop SQLite's locks
    with path.open("rb") as fh:
        header = fh.read(16)
    if header == b"SQLite format 3\x00":
        return list(_records_of_database(path))
    return list(native.read(path))


def _records_of_database(path: Path) -> Iterator[DocRecord]:
    from annotator.export import records
    from annotator.ops.projects import find_project

    store = open_store(f"sqlite:///{path.resolve()}")
    try:
        with store.session() as session:
            try:
                project_id = find_project(session).id
            except Exception as exc:
                raise InputError(str(path), str(exc)) from None
            yield from records(session, project_id)
    finally:
        store.close()


def merge(
    store: Store,
    project_id: int,
    source: Sequence[DocRecord],
    *,
    annotators: Sequence[str] | None = None,
    exclude: Sequence[str] = (),
    origin: object | None = None,
    by: str | None = None,
    restore_deleted: bool = False,
) -> MergeSummary:
    """Make each merged annotator's work in the source's documents equal to the source's.

    ``by`` names who merged, for the audit log (the merge itself changes others' spans by design).
    """
    present = sorted({s.annotator for r in source for s in r.spans if s.annotator})
    chosen = [a for a in (annotators or present) if a not in exclude and a != "gold"]
    summary = MergeSummary(annotators=chosen)
    with store.transaction(origin, Actor(f"{by} (merge)") if by else None) as tx:
        deleted = set() if restore_deleted else deleted_hashes(tx.session, project_id)
        if deleted:  # documents deleted here stay deleted unless asked
            kept = [r for r in source if content_hash(r.text) not in deleted]
            summary.documents_deleted = len(source) - len(kept)
            source = kept
        # Documents the project lacks come in first, bare: their spans are merged below.
        added = import_records(tx, project_id, [_bare(r) for r in source], restore_deleted=restore_deleted)
        summary.documents_added = added.documents_added
        hashes = {content_hash(r.text): r for r in source}
        doc_ids = dict(
            tx.session.execute(
                select(Document.content_hash, Document.id).where(
                    Document.project_id == project_id, Document.content_hash.in_(list(hashes))
                )
            ).all()
        )
        for name in chosen:
            _merge_annotator(tx, project_id, name, hashes, doc_ids, summary)
    return summary


def _bare(record: DocRecord) -> DocRecord:
    return DocRecord(
        text=record.text,
        title=record.title,
        author=record.author,
        published=record.published,
        source_url=record.source_url,
        source_file=record.source_file,
        meta=record.meta,
        line=record.line,
    )


def _merge_annotator(
    tx: Tx,
    project_id: int,
    name: str,
    records: dict[str, DocRecord],
    doc_ids: dict[str, int],
    summary: MergeSummary,
) -> None:
    session = tx.session
    labels = dict(session.execute(select(Label.name, Label.id).where(Label.project_id == project_id)).all())
    types = dict(
        session.execute(
            select(RelationType.name, RelationType.id).where(RelationType.project_id == project_id)
        ).all()
    )
    person = session.scalar(
        select(Annotator).where(Annotator.project_id == project_id, Annotator.name == name)
    )
    for digest, record in records.items():
        doc_id = doc_ids[digest]
        wanted: dict[Key, SpanRecord] = {
            (s.start, s.end, s.label): s for s in record.spans if s.annotator == name
        }
        local: dict[Key, int] = {}
        if person is not None:
            for span_id, start, end, label_id in session.execute(
                select(Annotation.id, Annotation.start, Annotation.end, Annotation.label_id).where(
                    Annotation.document_id == doc_id, Annotation.annotator_id == person.id
                )
            ).all():
                label = next((n for n, i in labels.items() if i == label_id), None)
                local[(start, end, label or f"#{label_id}")] = span_id
        gone = [span_id for key, span_id in local.items() if key not in wanted]
        if gone:
            delete_spans(tx, gone)
            summary.spans_removed += len(gone)
        fresh = [s for key, s in wanted.items() if key not in local]
        summary.spans_kept += len(wanted) - len(fresh)
        mine = _annotators_relations(record, name)
        new_record = DocRecord(
            text=record.text, spans=list(wanted.values()), relations=mine, line=record.line
        )
        new_record.source_file = record.source_file
        result = import_records(tx, project_id, [new_record])
        summary.spans_added += result.spans_added
        summary.relations_added += result.relations_added
        summary.relations_kept += result.relations_existing
        if person is None:
            person = session.scalar(
                select(Annotator).where(Annotator.project_id == project_id, Annotator.name == name)
            )
        if person is not None:
            summary.relations_removed += _drop_relations(tx, doc_id, person.id, record, name, labels, types)


def _annotators_relations(record: DocRecord, name: str) -> list[RelationRecord]:
    """The annotator's relations whose two ends are the annotator's own spans."""
    own = {s.key for s in record.spans if s.annotator == name and s.key is not None}
    return [
        r for r in record.relations if (r.annotator or "") == name and r.source in own and r.target in own
    ]


def _drop_relations(
    tx: Tx,
    doc_id: int,
    person_id: int,
    record: DocRecord,
    name: str,
    labels: dict[str, int],
    types: dict[str, int],
) -> int:
    """Delete this annotator's relations in the document that the source no longer has."""
    spans = {s.key: (s.start, s.end, labels.get(s.label)) for s in record.spans if s.key is not None}
    wanted = {
        (spans.get(r.source), spans.get(r.target), types.get(r.type))
        for r in record.relations
        if (r.annotator or "") == name
    }
    removed = 0
    for rel_id, source, target, type_id in tx.session.execute(
        select(Relation.id, Relation.source_id, Relation.target_id, Relation.type_id).where(
            Relation.document_id == doc_id, Relation.annotator_id == person_id
        )
    ).all():
        s = tx.session.get_one(Annotation, source)
        t = tx.session.get_one(Annotation, target)
        if ((s.start, s.end, s.label_id), (t.start, t.end, t.label_id), type_id) not in wanted:
            delete_relation(tx, rel_id)
            removed += 1
    return removed

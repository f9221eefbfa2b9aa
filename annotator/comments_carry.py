"""Comments travel with the project: out in native JSONL exports, back in by imports and merges.

Export: each record gets its document's comments, on the span or relation of the same line.
Import and merge: a comment comes in once (by ``uid``), on the span or relation here that has the
file's offsets, label, type and owner; when there is none it stays on the document, noting what it
was on (never dropped). A thread resolved or reopened in the file later than here takes the file's
state (a merge of a teammate's project brings their resolutions too); text stays as it is here.
"""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterable, Iterator, Sequence
from datetime import UTC, datetime
from itertools import islice
from pathlib import Path
from typing import TYPE_CHECKING, Any

from sqlalchemy import insert, select, update
from sqlalchemy.orm import Session, aliased

from annotator.formats.base import ExportReport, Writer
from annotator.model import Annotation, Annotator, Comment, Label, Relation, RelationType, utcnow
from annotator.records import CommentRecord, DocRecord, SpanRecord
from annotator.tx import Tx

if TYPE_CHECKING:
    from annotator.ops.owners import Owners

CHUNK = 500
# Who a file's name is here (None: nobody of that name).
Owner = Callable[[str | None], int | None]


def _iso(value: datetime | None) -> str | None:
    return None if value is None else value.isoformat()


def with_comments(records: Iterable[DocRecord], session: Session) -> Iterator[DocRecord]:
    """Exported records with their documents' comments, a chunk of documents at a time."""
    it = iter(records)
    some = session.scalar(select(Comment.id).limit(1)) is not None  # none in the database: no query a chunk
    while chunk := list(islice(it, CHUNK)):
        ids = [r.doc_id for r in chunk if r.doc_id is not None]
        found = _comments_of(session, ids) if ids and some else {}
        for record in chunk:
            rows = found.get(record.doc_id or 0)
            if rows:
                record.comments = _fit(record, rows)
            yield record


def carrying_comments(writer: Writer, session: Session) -> Writer:
    """``writer`` (native JSONL) fed records that carry their comments."""

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        writer(with_comments(records, session), out, report)

    return write


def _comments_of(session: Session, doc_ids: list[int]) -> dict[int, list[tuple[Any, ...]]]:
    author, resolver = aliased(Annotator), aliased(Annotator)
    query = (
        select(Comment, author.name, resolver.name)
        .join(author, author.id == Comment.author_id)
        .outerjoin(resolver, resolver.id == Comment.resolved_by_id)
        .where(Comment.document_id.in_(doc_ids))
        .order_by(Comment.id)
    )
    rows = list(session.execute(query))
    links = {c.relation_id for c, *_ in rows if c.relation_id is not None}
    relations: dict[int, tuple[str, str, str, str | None]] = {}
    if links:
        owner = aliased(Annotator)
        for rid, source, target, kind, name in session.execute(
            select(Relation.id, Relation.source_id, Relation.target_id, RelationType.name, owner.name)
            .join(RelationType, RelationType.id == Relation.type_id)
            .join(owner, owner.id == Relation.annotator_id)
            .where(Relation.id.in_(links))
        ):
            relations[rid] = (str(source), str(target), kind, name)
    out: dict[int, list[tuple[Any, ...]]] = {}
    for c, name, resolved_by in rows:
        out.setdefault(c.document_id, []).append((c, name, resolved_by, relations.get(c.relation_id or 0)))
    return out


def _fit(record: DocRecord, rows: list[tuple[Any, ...]]) -> list[CommentRecord]:
    """Comments as records; a target the line does not hold (gone, or not exported) becomes ``was_on``."""
    keys = {s.key for s in record.spans}
    links = {(r.source, r.target, r.type, r.annotator) for r in record.relations}
    out = []
    for c, name, resolved_by, relation in rows:
        item = CommentRecord(
            uid=c.uid,
            text=c.text,
            author=name,
            kind=c.kind,
            state=c.state,
            time=_iso(c.created_at),
            updated_at=_iso(c.updated_at),
            resolved_by=resolved_by,
            resolved_at=_iso(c.resolved_at),
        )
        if c.span_id is not None and str(c.span_id) in keys:
            item.target, item.span = "span", str(c.span_id)
        elif relation is not None and relation in links:
            item.target, item.relation = "relation", relation
        elif c.anchor:
            item.was_on = c.anchor
        out.append(item)
    uids = {c.uid for c, *_ in rows}
    for (c, *_rest), item in zip(rows, out, strict=True):
        if c.parent_uid is not None and c.parent_uid in uids:
            item.reply_to = c.parent_uid
    return out


# --- coming in ----------------------------------------------------------------------------------


def _time(value: str | None) -> datetime:
    """A file's ISO time as stored (naive UTC); an unreadable one is now."""
    if value:
        try:
            parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return utcnow()
        return parsed if parsed.tzinfo is None else parsed.astimezone(UTC).replace(tzinfo=None)
    return utcnow()


def _span_of(session: Session, doc_id: int, span: SpanRecord | None, owner_of: Owner) -> int | None:
    owner = None if span is None else owner_of(span.annotator)
    if span is None or owner is None:
        return None
    return session.scalar(
        select(Annotation.id)
        .join(Label, Label.id == Annotation.label_id)
        .where(
            Annotation.document_id == doc_id,
            Annotation.start == span.start,
            Annotation.end == span.end,
            Label.name == span.label,
            Annotation.annotator_id == owner,
        )
    )


def _anchor(span: SpanRecord | None) -> dict[str, Any] | None:
    if span is None:
        return None
    return {
        "start": span.start,
        "end": span.end,
        "label": span.label,
        "text": span.text,
        "annotator": span.annotator,
    }


def restore_imported(
    tx: Tx, project_id: int, documents: Sequence[tuple[int, DocRecord]], owners: Owners
) -> int:
    """An import's comments: their authors and spans' owners as the import stores its spans."""

    def owner(name: str | None) -> int:
        return owners.owner(name if owners.keep else None)

    return restore_comments(tx, project_id, [(d, r) for d, r in documents if r.comments], owner, owner)


def restore_comments(
    tx: Tx,
    project_id: int,
    documents: Sequence[tuple[int, DocRecord]],
    author_of: Callable[[str], int],
    owner_of: Owner | None = None,
) -> int:
    """Add the records' comments not here yet (by uid) to their documents; returns how many.

    ``author_of`` gives the annotator id a file's author is stored under (an import without kept
    names makes them the runner's, as its spans); ``owner_of`` whose spans the file's names are
    (default: the person of that name). State changes newer in the file are taken.
    """
    wanted = [c.uid for _d, r in documents for c in r.comments]
    if not wanted:
        return 0
    session = tx.session
    have = {
        c.uid: c
        for part in _parts(wanted)
        for c in session.scalars(select(Comment).where(Comment.uid.in_(part)))
    }
    people = dict(
        session.execute(select(Annotator.name, Annotator.id).where(Annotator.project_id == project_id)).all()
    )
    owner = owner_of or (lambda name: None if name is None else people.get(name))
    added: list[tuple[int, int]] = []
    for doc_id, record in documents:
        spans = {s.key: s for s in record.spans if s.key is not None}
        for c in record.comments:
            mine = have.get(c.uid)
            if mine is not None:
                _take_state(tx, mine, c, author_of)
                continue
            values = _values(session, doc_id, c, spans, owner)
            values["author_id"] = author_of(c.author)
            resolver = c.resolved_by if c.state == "resolved" else None
            values["resolved_by_id"] = None if resolver is None else author_of(resolver)
            new_id = session.execute(insert(Comment).returning(Comment.id), [values]).scalar_one()
            added.append((new_id, doc_id))
            have[c.uid] = session.get(Comment, new_id)  # type: ignore[assignment]
    if added:
        detail = {"imported": True}
        tx.record("comment", "created", [i for i, _d in added], tuple(sorted({d for _i, d in added})), detail)
    return len(added)


def _parts(items: list[str], size: int = 500) -> Iterator[list[str]]:
    for i in range(0, len(items), size):
        yield items[i : i + size]


def _values(
    session: Session, doc_id: int, c: CommentRecord, spans: dict[str, SpanRecord], owner_of: Owner
) -> dict[str, Any]:
    span_id = relation_id = None
    anchor = c.was_on
    if c.target == "span" and c.span is not None:
        span = spans.get(c.span)
        span_id, anchor = _span_of(session, doc_id, span, owner_of), _anchor(span)
    elif c.target == "relation" and c.relation is not None:
        source, target, kind, owner = c.relation
        ends = [_span_of(session, doc_id, spans.get(k), owner_of) for k in (source, target)]
        anchor = {
            "type": kind,
            "annotator": owner,
            "from": _anchor(spans.get(source)),
            "to": _anchor(spans.get(target)),
        }
        link_owner = owner_of(owner)
        if None not in ends and link_owner is not None:
            relation_id = session.scalar(
                select(Relation.id)
                .join(RelationType, RelationType.id == Relation.type_id)
                .where(
                    Relation.source_id == ends[0],
                    Relation.target_id == ends[1],
                    RelationType.name == kind,
                    Relation.annotator_id == link_owner,
                )
            )
    created = _time(c.time)
    return {
        "uid": c.uid or str(uuid.uuid4()),
        "document_id": doc_id,
        "span_id": span_id,
        "relation_id": relation_id,
        "parent_uid": c.reply_to,
        "kind": c.kind,
        "text": c.text,
        "created_at": created,
        "updated_at": _time(c.updated_at) if c.updated_at else created,
        "state": c.state,
        "resolved_at": _time(c.resolved_at) if c.resolved_at and c.state == "resolved" else None,
        "anchor": anchor,
    }


def _take_state(tx: Tx, mine: Comment, c: CommentRecord, author_of: Callable[[str], int]) -> None:
    """A thread resolved or reopened in the file after its last change here takes the file's state."""
    if mine.parent_uid is not None or c.state == mine.state or not c.updated_at:
        return
    if _time(c.updated_at) <= mine.updated_at:
        return
    resolver = author_of(c.resolved_by) if c.resolved_by and c.state == "resolved" else None
    tx.session.execute(
        update(Comment)
        .where(Comment.id == mine.id)
        .values(
            state=c.state,
            resolved_by_id=resolver,
            resolved_at=_time(c.resolved_at) if c.state == "resolved" else None,
            updated_at=_time(c.updated_at),
        )
    )
    tx.record("comment", "updated", (mine.id,), (mine.document_id,), {"state": c.state, "merged": True})


def merge_comments(
    tx: Tx,
    project_id: int,
    source: Sequence[DocRecord],
    authors: Sequence[str] | None,
    exclude: Sequence[str],
) -> int:
    """A teammate's comments in the documents a merge matched (by text): those of ``authors``
    (None: everyone's) but ``exclude``, added once, with their authors' names."""
    from annotator.hashing import content_hash
    from annotator.model import Document
    from annotator.ops.owners import is_gold_name
    from annotator.ops.projects import ensure_annotator

    def wanted(name: str) -> bool:
        return (authors is None or name in authors) and name not in exclude and not is_gold_name(name)

    records = [r for r in source if any(wanted(c.author) for c in r.comments)]
    if not records:
        return 0
    hashes = {content_hash(r.text) for r in records}
    found = tx.session.execute(
        select(Document.content_hash, Document.id).where(
            Document.project_id == project_id, Document.content_hash.in_(hashes)
        )
    )
    by_hash = dict(found.all())
    pairs = []
    for record in records:
        doc_id = by_hash.get(content_hash(record.text))
        if doc_id is not None:
            kept = [c for c in record.comments if wanted(c.author)]
            pairs.append((doc_id, _with(record, kept)))
    return restore_comments(tx, project_id, pairs, lambda name: ensure_annotator(tx, project_id, name).id)


def _with(record: DocRecord, comments: list[CommentRecord]) -> DocRecord:
    from dataclasses import replace

    return replace(record, comments=comments)

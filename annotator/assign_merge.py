"""Assignments travel with per-person SQLite files: read from a project database, added by a merge.

A reviewer assigns in one file and hands copies out (``annotator db copy`` carries the rows); when
teammates' files are merged back, the assignments they hold come along too: the pairs of a
document (matched by its text, as the merge does) and an annotator (by name) that are missing here
are added, audited as the merge's. Nothing is taken away: unassigning stays a reviewer's act.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.assign import check_may_assign, insert_pairs
from annotator.errors import ValidationError
from annotator.hashing import content_hash
from annotator.model import Annotator, Assignment, Document, Role
from annotator.ops.projects import ensure_annotator
from annotator.records import DocRecord
from annotator.tx import Tx


def assigned_names(session: Session, project_id: int) -> dict[int, list[str]]:
    """Document id → names of the annotators it is assigned to (for the records of a database)."""
    query = (
        select(Assignment.document_id, Annotator.name)
        .join(Annotator, Annotator.id == Assignment.annotator_id)
        .where(Assignment.project_id == project_id)
        .order_by(Assignment.document_id, Annotator.name)
    )
    out: dict[int, list[str]] = {}
    for doc, name in session.execute(query):
        out.setdefault(doc, []).append(name)
    return out


def with_assignments(session: Session, project_id: int, records: Iterable[DocRecord]) -> Iterable[DocRecord]:
    names = assigned_names(session, project_id)
    for record in records:
        if record.doc_id is not None and record.doc_id in names:
            record.assigned = names[record.doc_id]
        yield record


def carry(tx: Tx, project_id: int, source: Sequence[DocRecord], exclude: Sequence[str] = ()) -> int | str:
    """Add the source's assignments missing here; returns how many, or why none were added."""
    wanted = {(content_hash(r.text), n) for r in source for n in (r.assigned or ()) if n not in exclude}
    if not wanted:
        return 0
    hashes = sorted({h for h, _n in wanted})
    docs = dict(
        tx.session.execute(
            select(Document.content_hash, Document.id).where(
                Document.project_id == project_id, Document.content_hash.in_(hashes)
            )
        ).all()
    )
    people = {
        name: (i, role)
        for name, i, role in tx.session.execute(
            select(Annotator.name, Annotator.id, Annotator.role).where(Annotator.project_id == project_id)
        )
    }
    try:
        check_may_assign(tx, project_id)
    except ValidationError as exc:
        return f"assignments not merged: {exc}"
    have: set[tuple[int, int]] = {
        (d, a)
        for d, a in tx.session.execute(
            select(Assignment.document_id, Assignment.annotator_id).where(
                Assignment.document_id.in_(list(docs.values()))
            )
        )
    }
    pairs: list[tuple[int, int]] = []
    for digest, name in sorted(wanted):
        if digest not in docs or people.get(name, (0, ""))[1] == Role.GOLD.value:
            continue
        if name not in people:
            people[name] = (ensure_annotator(tx, project_id, name).id, Role.ANNOTATOR.value)
        pair = (docs[digest], people[name][0])
        if pair not in have:
            pairs.append(pair)
            have.add(pair)
    insert_pairs(tx, project_id, pairs)
    return len(pairs)

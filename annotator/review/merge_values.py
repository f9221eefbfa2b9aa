"""Codebook values in a merge: what counts as a change, and the teammates' document-level values.

A value is the same when it means the same (a multi-choice list in another order is the same
list). A value the teammate's file lacks but the project holds (cleared there, or set here) is
never taken away by a merge: the merge keeps it and says how many it did not carry.

Document values (genre, topic…: one row per document and annotator) come in like span values:
one the project lacks is taken, the same one is nothing, another one replaces the project's only
when the file is that teammate's own newer work (``merge_plan``'s rule for spans); otherwise it is
a reported conflict and the project's stays.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.orm import Session

from annotator.attributes import DOCUMENT, AttributeInfo
from annotator.attributes_values import check_value, definitions_for, show_value
from annotator.chunked import rows_in_chunks
from annotator.errors import AnnotatorError, InputError
from annotator.import_apart import where
from annotator.model import Annotator, Document, DocumentAttribute, utcnow
from annotator.records import DocRecord
from annotator.tx import Tx

CHUNK = 1000


def same_value(a: Any, b: Any) -> bool:
    """Whether two stored values mean the same (lists: the same choices, in any order)."""
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(repr, a)) == sorted(map(repr, b))
    return type(a) is type(b) and a == b


def combine(here: dict[str, Any] | None, theirs: dict[str, Any] | None) -> tuple[dict[str, Any], int, int]:
    """The values after a merge takes ``theirs`` over ``here``: (values, how many of theirs are new
    or other, how many of here's the file lacks and stay)."""
    here, theirs = here or {}, theirs or {}
    changed = sum(1 for k, v in theirs.items() if k not in here or not same_value(here[k], v))
    cleared = sum(1 for k in here if k not in theirs)
    return {**here, **theirs}, changed, cleared


@dataclass(slots=True)
class DocumentValues:
    """The planned document values: full rows to write, and what the summary says of them."""

    writes: list[tuple[int, str, str, dict[str, Any], DocRecord]] = field(default_factory=list)
    taken: int = 0
    cleared: int = 0
    conflicts: list[str] = field(default_factory=list)
    documents: set[int] = field(default_factory=set)  # existing documents whose values change


def fail(record: DocRecord, reason: str) -> InputError:
    """The error naming the file and line ``record`` came from."""
    return InputError(record.read_from or record.source_file or "<input>", reason, record.line)


def plan_document_values(
    session: Session,
    project_id: int,
    source: Sequence[tuple[DocRecord, str, int | None]],
    chosen: Sequence[str],
    newer: Callable[[DocRecord, str, datetime | None], bool],
) -> DocumentValues:
    """Plan the chosen teammates' document values of ``source`` (record, its key here, the
    document here or None). ``newer(record, name, changed_here)`` says whether the file's values
    replace the project's (the teammate's own newer work)."""
    out = DocumentValues()
    wanted = [(r, k, d) for r, k, d in source if r.attributes and set(r.attributes) & set(chosen)]
    if not wanted:
        return out
    people = dict(
        session.execute(
            select(Annotator.name, Annotator.id).where(
                Annotator.project_id == project_id, Annotator.name.in_(list(chosen))
            )
        ).all()
    )
    docs = sorted({d for _r, _k, d in wanted if d is not None})
    query = select(
        DocumentAttribute.document_id,
        DocumentAttribute.annotator_id,
        DocumentAttribute.attributes,
        DocumentAttribute.updated_at,
    )
    rows = rows_in_chunks(
        session, lambda part: query.where(DocumentAttribute.document_id.in_(part)), docs, CHUNK
    )
    here: dict[tuple[int, int], tuple[dict[str, Any], datetime | None]] = {
        (d, a): (dict(v or {}), t) for d, a, v, t in rows
    }
    for record, key, doc_id in wanted:
        for name, theirs in (record.attributes or {}).items():
            if name not in chosen or not theirs:
                continue
            who = people.get(name)
            mine, changed_at = here.get((doc_id, who), ({}, None)) if doc_id and who else ({}, None)
            values, changed, cleared = combine(mine, theirs)
            out.cleared += cleared
            if not changed:
                continue
            differ = [k for k, v in theirs.items() if k in mine and not same_value(mine[k], v)]
            if differ and not newer(record, name, changed_at):
                for k in differ:
                    out.conflicts.append(
                        f"{where(record)}: {name}'s {k} of the document is {show_value(theirs[k])} in "
                        f"the file, {show_value(mine[k])} here"
                    )
                    values[k] = mine[k]
                changed -= len(differ)
                if not changed:
                    continue
            out.taken += changed
            out.writes.append((doc_id or 0, key, name, values, record))
            if doc_id is not None:
                out.documents.add(doc_id)
    return out


def write_document_values(tx: Tx, project_id: int, planned: DocumentValues) -> None:
    """Write the planned rows (documents the merge added are found by their key now)."""
    from annotator.ops.projects import ensure_annotator

    if not planned.writes:
        return
    keys = sorted({k for d, k, _n, _v, _r in planned.writes if not d})
    query = select(Document.content_hash, Document.id).where(Document.project_id == project_id)
    found = rows_in_chunks(tx.session, lambda part: query.where(Document.content_hash.in_(part)), keys, CHUNK)
    by_key: dict[str, int] = {key: doc for key, doc in found}
    known = definitions_for(tx, DOCUMENT, project_id)
    people: dict[str, int] = {}
    final: dict[tuple[int, int], tuple[str, dict[str, Any]]] = {}
    for doc_id, key, name, values, record in planned.writes:
        doc = doc_id or by_key.get(key)
        if doc is None:
            continue  # a document the merge did not bring (deleted here)
        if name not in people:
            people[name] = ensure_annotator(tx, project_id, name).id
        final[(doc, people[name])] = (name, _checked(known, values, record, name))
    docs = sorted({d for d, _a in final})
    held = select(DocumentAttribute.document_id, DocumentAttribute.annotator_id, DocumentAttribute.id)
    kept = rows_in_chunks(
        tx.session, lambda part: held.where(DocumentAttribute.document_id.in_(part)), docs, CHUNK
    )
    rows: dict[tuple[int, int], int] = {(d, a): row for d, a, row in kept}
    now = utcnow()
    fresh = [
        {"document_id": d, "annotator_id": a, "attributes": v, "updated_at": now}
        for (d, a), (_n, v) in final.items()
        if (d, a) not in rows
    ]
    if fresh:
        tx.session.execute(insert(DocumentAttribute), fresh)
    changed = [
        {"ident": rows[(d, a)], "values": v, "now": now}
        for (d, a), (_n, v) in final.items()
        if (d, a) in rows
    ]
    if changed:
        statement = (
            update(DocumentAttribute)
            .where(DocumentAttribute.id == bindparam("ident"))
            .values(attributes=bindparam("values"), updated_at=bindparam("now"))
        )
        tx.session.connection().execute(statement, changed)
    for (doc, _a), (name, values) in final.items():
        tx.record("document", "updated", (doc,), (doc,), {"document values": name, "after": values})


def _checked(
    known: dict[str, AttributeInfo], values: dict[str, Any], record: DocRecord, name: str
) -> dict[str, Any]:
    """``values`` checked against the project's document attributes (file:line on error)."""
    checked = {}
    for k, v in values.items():
        if k not in known:
            raise fail(
                record,
                f"document values of {name}: no document attribute {k!r} in the codebook here "
                f"(there: {', '.join(known) or 'none'}); bring the codebook that defines it first: "
                "annotator codebook export -o FILE on the project it comes from, then annotator "
                "codebook import FILE here",
            )
        try:
            checked[k] = check_value(known[k], v)
        except AnnotatorError as exc:
            raise fail(record, f"document values of {name}: {exc}") from None
    return checked

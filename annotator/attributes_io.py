"""Attribute values coming in with imported spans and relations (native JSONL's ``"attributes"``).

The importer inserts rows in bulk; afterwards, in the same transaction, this finds the rows that
came with values (by their natural keys), checks the values against the project's codebook and
writes them. A value outside its choices or an attribute the label lacks fails the whole import
(naming file and line), so nothing is written. A row that already held values (a merge of a file
into a project that has the span) keeps them.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import bindparam, insert, select, update

from annotator.attributes import DOCUMENT, AttributeInfo, info, siblings
from annotator.attributes_documents import document_values
from annotator.attributes_values import check_value
from annotator.codebook_json import definitions_from_json as definitions_from_json  # the line's "codebook"
from annotator.errors import AnnotatorError, InputError
from annotator.model import Annotation, AttributeDef, DocumentAttribute, Relation, RelationType, utcnow
from annotator.records import DocRecord
from annotator.tx import Tx

Fail = Callable[[DocRecord, str], Exception]
Failing = Callable[[str, str], Exception]  # (reason, attribute name) → the error to raise


class _Codebook:
    """Definitions by owner (label, relation type, or the project's documents), each read once."""

    def __init__(self, tx: Tx, scope: str) -> None:
        self.tx, self.scope = tx, scope
        self.known: dict[int, dict[str, AttributeInfo]] = {}

    def check(self, owner: int, values: dict[str, Any], fail: Failing) -> dict[str, Any]:
        known = self.known.get(owner)
        if known is None:
            rows = self.tx.session.scalars(select(AttributeDef).where(siblings(self.scope, owner)))
            known = self.known[owner] = {a.name: info(self.tx.session, a) for a in rows}
        out = {}
        for name, value in values.items():
            if name not in known:
                raise fail(
                    f"no attribute {name!r} in the codebook here (there: {', '.join(known) or 'none'}); "
                    "bring the codebook that defines it first: annotator codebook export -o FILE "
                    "on the project it comes from, then annotator codebook import FILE here",
                    name,
                )
            try:
                out[name] = check_value(known[name], value)
            except AnnotatorError as exc:
                raise fail(str(exc), name) from None
        return out


def _write(tx: Tx, model: type[Annotation] | type[Relation], rows: list[dict[str, Any]]) -> None:
    if rows:
        statement = update(model).where(model.id == bindparam("ident")).values(attributes=bindparam("values"))
        tx.session.connection().execute(statement, rows)


SpanKey = tuple[int, int, int, int, int]  # document, annotator, label, start, end


def store_imported(
    tx: Tx,
    project_id: int,
    batch: Sequence[DocRecord],
    doc_ids: Sequence[int],
    owners: Sequence[Sequence[int]],
    labels: dict[str, int],
    fail: Fail,
    owner_of: Callable[[str | None], int] | None = None,
    *,
    replace: bool = False,
) -> None:
    """Store the values of a batch the importer has just written (``owners``: each span's
    annotator id, as the importer chose them; ``owner_of`` the annotator a name in the file is
    stored under, for document-level values). A file's values never overwrite a span's own,
    except in a merge (``replace``), whose plan found the teammate's values newer."""
    if owner_of is not None:
        _store_documents(tx, project_id, batch, doc_ids, owner_of, fail)
    spans: list[tuple[SpanKey, dict[str, Any], DocRecord, str, str | None]] = []
    links: list[tuple[SpanKey, SpanKey, str, dict[str, Any], DocRecord]] = []
    for record, doc_id, whos in zip(batch, doc_ids, owners, strict=True):
        valued = [r for r in record.relations if r.attributes]
        if not valued and not any(s.attributes for s in record.spans):
            continue
        key_of: dict[str, SpanKey] = {}
        for span, who in zip(record.spans, whos, strict=True):
            ident = (doc_id, who, labels[span.label], span.start, span.end)
            if span.key is not None:
                key_of[span.key] = ident
            if span.attributes:
                spans.append((ident, span.attributes, record, f"span {span.start}–{span.end}", span.key))
        for rel in valued:
            links.append((key_of[rel.source], key_of[rel.target], rel.type, rel.attributes or {}, record))
    if not spans and not links:
        return
    rows = span_rows(tx, {s[0][0] for s in spans} | {link[0][0] for link in links})
    book = _Codebook(tx, "label")
    _write(
        tx,
        Annotation,
        [
            {
                "ident": rows[ident][0],
                "values": book.check(ident[2], v, _failing(fail, rec, what, key)) or None,
            }
            for ident, v, rec, what, key in spans
            if not rows[ident][1] or (replace and rows[ident][1] != v)
        ],
    )
    _store_links(tx, project_id, links, rows, fail)


def _failing(fail: Fail, record: DocRecord, what: str, key: str | None = None) -> Failing:
    """The error for a refused value: naming the file line that held it when the reader kept it
    (brat's A lines), else ``what`` in the record's file."""

    def failing(reason: str, name: str) -> Exception:
        where = (record.value_lines or {}).get((key, name)) if key is not None else None
        if where is not None:
            return InputError(where[0], f"{where[2]}: {reason}", where[1])
        return fail(record, f"{what}: {reason}")

    return failing


# A span's natural key (``SpanKey``): how imports and merges find a span they wrote or match.
SPAN_KEY = (
    Annotation.document_id,
    Annotation.annotator_id,
    Annotation.label_id,
    Annotation.start,
    Annotation.end,
)


def span_rows(
    tx: Tx, documents: set[int], column: Any = Annotation.attributes
) -> dict[SpanKey, tuple[int, Any]]:
    """The spans of ``documents`` by natural key: their id and ``column`` (the importers' read-back)."""
    query = select(*SPAN_KEY, Annotation.id, column).where(Annotation.document_id.in_(documents))
    return {tuple(r[:5]): (r[5], r[6]) for r in tx.session.execute(query)}


def _store_links(
    tx: Tx,
    project_id: int,
    links: list[tuple[SpanKey, SpanKey, str, dict[str, Any], DocRecord]],
    spans: dict[SpanKey, tuple[int, Any]],
    fail: Fail,
) -> None:
    if not links:
        return
    names = select(RelationType.name, RelationType.id).where(RelationType.project_id == project_id)
    types: dict[str, int] = {n: i for n, i in tx.session.execute(names)}
    sources = {spans[link[0]][0] for link in links}
    query = select(
        Relation.source_id, Relation.target_id, Relation.type_id, Relation.id, Relation.attributes
    ).where(Relation.source_id.in_(sources))
    found: dict[tuple[int, int, int], list[int]] = {}
    for src, dst, kind, rel_id, values in tx.session.execute(query):
        if not values:  # a relation that had values before this import keeps them
            found.setdefault((src, dst, kind), []).append(rel_id)
    book = _Codebook(tx, "relation")
    rows = []
    for src_key, dst_key, type_name, values, record in links:
        key = (spans[src_key][0], spans[dst_key][0], types[type_name])
        checked = book.check(key[2], values, _failing(fail, record, f"relation {type_name!r}"))
        rows += [{"ident": rel_id, "values": checked} for rel_id in found.get(key, [])]
    _write(tx, Relation, rows)


def _store_documents(
    tx: Tx,
    project_id: int,
    batch: Sequence[DocRecord],
    doc_ids: Sequence[int],
    owner_of: Callable[[str | None], int],
    fail: Fail,
) -> None:
    """Each annotator's document-level values, where they have none yet in that document."""
    valued = [(record, doc_id) for record, doc_id in zip(batch, doc_ids, strict=True) if record.attributes]
    if not valued:
        return
    book = _Codebook(tx, DOCUMENT)
    present = set(document_values(tx.session, [d for _r, d in valued]))
    rows = []
    for record, doc_id in valued:
        for name, values in (record.attributes or {}).items():
            who = owner_of(name)
            checked = book.check(project_id, values, _failing(fail, record, f"document values of {name}"))
            if (doc_id, who) not in present and checked:
                present.add((doc_id, who))
                rows.append(
                    {
                        "document_id": doc_id,
                        "annotator_id": who,
                        "attributes": checked,
                        "updated_at": utcnow(),
                    }
                )
    if rows:
        tx.session.execute(insert(DocumentAttribute), rows)

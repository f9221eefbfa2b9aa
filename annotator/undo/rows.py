"""Row images: what an undoable step changed, captured before and after it, put back on undo.

One mechanism for every kind of edit: a step names its scope (documents, whose layer, and whether
review decisions are in it), the rows of that scope are read before and after the operation, and
only the rows that differ are kept as ``RowChange`` pairs of JSON images. Undo writes the
``before`` side back, redo the ``after`` side, each only while every row still looks as the other
side left it: a row a teammate or another process changed since refuses the step (ConflictError
naming the row) instead of overwriting their work.
"""

from __future__ import annotations

import base64
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, cast

from sqlalchemy import DateTime, LargeBinary, Table, and_, delete, insert, or_, select, update
from sqlalchemy.orm import Session

from annotator import statements
from annotator.errors import ConflictError
from annotator.model import Actor as RegistryActor
from annotator.model import (
    Annotation,
    Assignment,
    AttributeDef,
    Base,
    Comment,
    Document,
    DocumentAttribute,
    Label,
    ProjectSetting,
    Rejection,
    Relation,
    RelationRejection,
    RelationSuggestion,
    RelationType,
    Suggestion,
    SuggestionDecision,
    utcnow,
)
from annotator.tx import Tx

Image = dict[str, Any]

TABLES: dict[str, Table] = {
    "annotation": cast(Table, Annotation.__table__),
    "relation": cast(Table, Relation.__table__),
    "rejection": cast(Table, Rejection.__table__),
    "relation_rejection": cast(Table, RelationRejection.__table__),
    "document": cast(Table, Document.__table__),
    "assignment": cast(Table, Assignment.__table__),
    "comment": cast(Table, Comment.__table__),  # comment steps (annotator.comments)
    "document_attribute": cast(Table, DocumentAttribute.__table__),  # document-level codebook values
    "suggestion_decision": cast(Table, SuggestionDecision.__table__),
    "label": cast(Table, Label.__table__),
    "relation_type": cast(Table, RelationType.__table__),
    "attribute": cast(Table, AttributeDef.__table__),  # the codebook's definitions (schema steps)
    "project_setting": cast(Table, ProjectSetting.__table__),  # settings, guidelines (schema steps)
    "suggestion": cast(Table, Suggestion.__table__),  # what a suggestion run stored (its step)
    "relation_suggestion": cast(Table, RelationSuggestion.__table__),
    "actor": cast(Table, RegistryActor.__table__),  # the actor registry (annotator.actors_steps)
}
# Parents first: inserts go in this order, deletes in the reverse one.
ORDER = (
    "project_setting",
    "label",
    "relation_type",
    "attribute",
    "actor",
    "document",
    "suggestion",
    "relation_suggestion",
    "document_attribute",
    "annotation",
    "relation",
    "rejection",
    "relation_rejection",
    "assignment",
    "comment",
    "suggestion_decision",
)
SCHEMA = ("label", "relation_type", "attribute", "project_setting", "actor")
# What a span edit may declare it leaves alone (``Scope.keeps``), by the entity its audit names.
KEPT = {"document": "document", "suggestion_decision": "suggestion"}
# How many ids one statement names (SQLite and PostgreSQL bound how many parameters it takes).
CHUNK = 5000
# Rows whose ``annotator_id`` is whose work they are (an assignment's is whose queue it is).
OWNED = ("annotation", "relation")
# What a step may change on a document row (its text and metadata are never edited).
DOCUMENT_COLUMNS = ("id", "status", "review_status")
# Bookkeeping that moves forward on every write and is not compared: a span's version never goes
# back, so an editor holding an older version is refused rather than overwriting it.
BOOKKEEPING = frozenset({"version", "updated_at"})


@dataclass(frozen=True, slots=True)
class Scope:
    """The rows a step may touch: ``owners``' spans and relations in ``documents`` (and any
    relation on those spans), the documents' status, and with ``decisions`` review rejections.

    ``spans``/``relations`` narrow it to the rows an edit names (a keystroke on a huge article
    reads a few rows, not the whole layer); rows the edit creates are added afterwards.
    """

    documents: tuple[int, ...]
    owners: tuple[int, ...]
    decisions: bool = False
    spans: tuple[int, ...] | None = None
    relations: tuple[int, ...] = ()
    # Tables of KEPT the edit says it leaves alone: not read (``log.undoable`` refuses a step
    # that changes one of them after all).
    keeps: frozenset[str] = frozenset()


@dataclass(frozen=True, slots=True)
class RowChange:
    table: str
    id: int
    before: Image | None
    after: Image | None

    def side(self, undo: bool) -> Image | None:
        return self.before if undo else self.after

    def to_json(self) -> dict[str, Any]:
        return {"table": self.table, "id": self.id, "before": self.before, "after": self.after}

    @staticmethod
    def from_json(data: dict[str, Any]) -> RowChange:
        return RowChange(data["table"], int(data["id"]), data["before"], data["after"])


def _json(value: Any) -> Any:
    if isinstance(value, bytes | memoryview):  # a document's packed tokens (LargeBinary)
        return {"base64": base64.b64encode(bytes(value)).decode("ascii")}
    return value.isoformat() if isinstance(value, datetime) else value


def _value(column: Any, value: Any) -> Any:
    if isinstance(column.type, DateTime) and isinstance(value, str):
        return datetime.fromisoformat(value)
    if isinstance(column.type, LargeBinary) and isinstance(value, dict):
        return base64.b64decode(value["base64"])
    return value


def _image(table: str, row: Any) -> Image:
    return to_json(dict(row._mapping))


def _columns(table: str) -> list[Any]:
    t = TABLES[table]
    return [t.c[n] for n in DOCUMENT_COLUMNS] if table == "document" else list(t.c)


def _read(session: Session, table: str, where: Any) -> dict[int, Image]:
    if where is None:  # nothing named: no query (an edit on a huge article reads only its rows)
        return {}
    rows = session.execute(select(*_columns(table)).where(where))
    return {row.id: _image(table, row) for row in rows}


Snapshot = dict[str, dict[int, Image]]


def _bound(
    session: Session, table: str, shape: str, where: Callable[[], Any], values: dict[str, Any]
) -> dict[int, Image]:
    """``_read`` through a statement built once per table and shape, values bound (an edit's
    reads cost no statement building; see ``annotator.statements``)."""
    query = statements.built(("rows", table, shape), lambda: select(*_columns(table)).where(where()))
    return {row.id: _image(table, row) for row in session.execute(query, values)}


def read_ids(session: Session, table: str, ids: Iterable[int]) -> dict[int, Image]:
    """Rows of ``table`` by id, ``CHUNK`` ids per statement (a suggestion run names thousands)."""
    wanted, out = sorted(set(ids)), {}
    for lo in range(0, len(wanted), CHUNK):
        where = lambda: TABLES[table].c.id.in_(statements.ids("ids"))  # noqa: E731
        out.update(_bound(session, table, "ids", where, {"ids": wanted[lo : lo + CHUNK]}))
    return out


def capture(session: Session, scope: Scope, also: Snapshot | None = None) -> Snapshot:
    """The scope's rows as images by table and id; ``also`` adds rows by id (those a step removed
    from the scope still count, e.g. relations of a deleted span)."""
    docs, owners = list(scope.documents), list(scope.owners)
    spans, links = TABLES["annotation"], TABLES["relation"]
    ids = statements.ids
    values: dict[str, Any] = {"docs": docs, "owners": owners, "spans": list(scope.spans or ())}
    layer = lambda: and_(spans.c.document_id.in_(ids("docs")), spans.c.annotator_id.in_(ids("owners")))  # noqa: E731
    out: Snapshot = {
        "document": {}
        if "document" in scope.keeps
        else _bound(session, "document", "docs", lambda: TABLES["document"].c.id.in_(ids("docs")), values),
        "annotation": (
            _bound(session, "annotation", "layer", layer, values)
            if scope.spans is None
            else _bound(session, "annotation", "named", lambda: spans.c.id.in_(ids("spans")), values)
            if scope.spans
            else {}
        ),
    }
    values["ids"], values["relations"] = list(out["annotation"]), list(scope.relations)
    shape = (bool(values["ids"]), bool(scope.relations), scope.spans is None)

    def on() -> Any:
        ends = [links.c.source_id.in_(ids("ids")), links.c.target_id.in_(ids("ids"))] if shape[0] else []
        if shape[1]:
            ends.append(links.c.id.in_(ids("relations")))
        if shape[2]:
            ends.append(links.c.annotator_id.in_(ids("owners")))
        return and_(links.c.document_id.in_(ids("docs")), or_(*ends))

    out["relation"] = _bound(session, "relation", f"ends{shape}", on, values) if any(shape) else {}
    if scope.spans is None:  # a whole-layer step: the owners' document-level values too
        kept = TABLES["document_attribute"]
        on_docs = and_(kept.c.document_id.in_(docs), kept.c.annotator_id.in_(owners))
        out["document_attribute"] = _read(session, "document_attribute", on_docs)
    decided = TABLES["suggestion_decision"].c  # the owners' accepts and rejects of suggestions
    out["suggestion_decision"] = (
        {}
        if "suggestion_decision" in scope.keeps
        else _bound(
            session,
            "suggestion_decision",
            "layer",
            lambda: and_(decided.document_id.in_(ids("docs")), decided.annotator_id.in_(ids("owners"))),
            values,
        )
    )
    if scope.decisions:
        for name in ("rejection", "relation_rejection"):
            out[name] = _read(session, name, TABLES[name].c.document_id.in_(docs))
    for name, rows in (also or {}).items():
        missing = [i for i in rows if i not in out.setdefault(name, {})]
        if missing:
            out[name].update(read_ids(session, name, missing))
    return out


def reread(session: Session, before: Snapshot, made: dict[str, set[int]], *, documents: bool) -> Snapshot:
    """The rows of ``before`` and the rows ``made`` since, as they are now (read by id); the
    document rows only when the step changed a document (else they are as before)."""
    out: Snapshot = {}
    for table in ORDER:
        if table == "document" and not documents:
            out[table] = before.get(table, {})
            continue
        ids = set(before.get(table, {})) | made.get(table, set())
        out[table] = read_ids(session, table, ids)
    return out


def same(a: Image | None, b: Image | None) -> bool:
    """Equal images, bookkeeping aside."""
    if a is None or b is None:
        return a is b
    return {k: v for k, v in a.items() if k not in BOOKKEEPING} == {
        k: v for k, v in b.items() if k not in BOOKKEEPING
    }


def diff(before: Snapshot, after: Snapshot) -> list[RowChange]:
    """Only the rows that differ, parents first."""
    changes = []
    for table in ORDER:
        old, new = before.get(table, {}), after.get(table, {})
        for key in sorted(old.keys() | new.keys()):
            a, b = old.get(key), new.get(key)
            if not same(a, b):
                changes.append(RowChange(table, key, a, b))
    return changes


def describe(change: RowChange) -> str:
    """A row as a person knows it: "span 12 (5–9 'text')", "relation 3", "document 4"."""
    image = change.before or change.after or {}
    if change.table == "annotation":
        return f"span {change.id} ({image.get('start')}–{image.get('end')} {image.get('text')!r})"
    if change.table == "document":
        return f"document {change.id}"
    if change.table in SCHEMA:
        return f"{change.table.replace('_', ' ')} {change.id} ({image.get('name') or image.get('key')})"
    return f"{change.table.replace('_', ' ')} {change.id}"


def to_json(row: dict[str, Any]) -> Image:
    """A row's values as JSON values (times as ISO strings)."""
    return {k: _json(v) for k, v in row.items()}


def from_json(table: str, image: Image) -> dict[str, Any]:
    """An image's values as the table's column types want them (ISO strings back to times,
    base64 back to bytes)."""
    columns = Base.metadata.tables[table].c
    return {k: _value(columns[k], v) for k, v in image.items()}


def check(session: Session, changes: Iterable[RowChange], undo: bool) -> Snapshot:
    """Refuse unless every row still looks as the other side left it; returns the rows now."""
    changes = list(changes)
    now: Snapshot = {}
    for table in ORDER:
        ids = [c.id for c in changes if c.table == table]
        if ids:
            now[table] = read_ids(session, table, ids)
    for c in changes:
        expected = c.side(not undo)
        current = now.get(c.table, {}).get(c.id)
        if not same(current, expected):
            what = "deleted" if current is None else "added" if expected is None else "changed"
            raise ConflictError(
                f"{describe(c)} was {what} since by someone else; "
                f"{'undo' if undo else 'redo'} refused so as not to overwrite their work"
            )
    _check_links(session, changes, undo)
    return now


def _check_links(session: Session, changes: list[RowChange], undo: bool) -> None:
    """Spans a step removes must carry no relation made since; relations it puts back need their spans."""
    spans = TABLES["annotation"]
    links = TABLES["relation"]
    gone = [c.id for c in changes if c.table == "annotation" and c.side(undo) is None]
    ours = {c.id for c in changes if c.table == "relation"}
    if gone:
        query = select(links.c.id).where(or_(links.c.source_id.in_(gone), links.c.target_id.in_(gone)))
        other = [i for i in session.scalars(query) if i not in ours]
        if other:
            raise ConflictError(f"relation {other[0]} was linked to a span of this step since; refused")
    coming = {c.id for c in changes if c.table == "annotation" and c.side(undo) is not None}
    ends: set[int] = set()
    for c in changes:
        image = c.side(undo)
        if c.table == "relation" and image is not None:
            ends |= {image["source_id"], image["target_id"]}
    wanted = ends - coming
    present = set(session.scalars(select(spans.c.id).where(spans.c.id.in_(wanted)))) if wanted else set()
    lost = wanted - present
    if lost:
        raise ConflictError(f"span {min(lost)} was deleted since by someone else; refused")
    for c in changes:
        image = c.side(undo)
        if c.table != "annotation" or image is None:
            continue
        twin = session.scalar(
            select(spans.c.id).where(
                spans.c.id != c.id,
                *(
                    spans.c[k] == image[k]
                    for k in ("document_id", "annotator_id", "label_id", "start", "end")
                ),
            )
        )
        if twin is not None and twin not in {x.id for x in changes if x.table == "annotation"}:
            raise ConflictError(f"span {twin} with the same label and offsets was made since; refused")


def apply(tx: Tx, changes: list[RowChange], *, undo: bool, owners: bool = True) -> None:
    """Write one side of ``changes`` (see ``check``, run first), with audit entries.

    ``owners=False`` skips the per-row ownership check: a label-schema step puts back everyone's
    spans of a label it removed, as the schema edit took them.
    """
    session = tx.session
    now = check(session, changes, undo)
    note = {"undo" if undo else "redo": True}
    for c in changes if owners else ():  # ownership as the core ops check it (gold only in review)
        owner = (c.before or c.after or {}).get("annotator_id")
        if owner is not None and c.table in OWNED:
            tx.check_owner(owner, describe(c))
    for table in reversed(ORDER):
        gone = [c.id for c in changes if c.table == table and c.side(undo) is None]
        if gone:
            t = TABLES[table]
            for lo in range(0, len(gone), CHUNK):
                session.execute(delete(t).where(t.c.id.in_(gone[lo : lo + CHUNK])))
            _audit(tx, table, "deleted", gone, changes, note)
    for table in ORDER:
        t = TABLES[table]
        kept = [c for c in changes if c.table == table and c.side(undo) is not None]
        changed = [c for c in kept if c.id in now.get(table, {})]
        for c in changed:
            values = from_json(table, cast(Image, c.side(undo)))
            values.pop("id")
            if "version" in values:
                values["version"] = now[table][c.id]["version"] + 1
                values["updated_at"] = utcnow()
            if table in ("rejection", "relation_rejection"):
                values.pop("created_at", None)
            session.execute(update(t).where(t.c.id == c.id).values(**values))
        if changed:
            _audit(tx, table, "updated", [c.id for c in changed], changes, note)
        fresh = [from_json(table, cast(Image, c.side(undo))) for c in kept if c.id not in now.get(table, {})]
        if fresh:
            session.execute(insert(t), fresh)
            _audit(tx, table, "created", [v["id"] for v in fresh], changes, note)
    session.expire_all()


def _document_of(c: RowChange) -> int | None:
    if c.table in SCHEMA:
        return None
    return c.id if c.table == "document" else int((c.before or c.after or {})["document_id"])


def _audit(tx: Tx, table: str, action: str, ids: list[int], changes: list[RowChange], note: Image) -> None:
    """Audit rows as the core ops write them, marked ``undo`` or ``redo``."""
    named = set(ids)
    mine = [c for c in changes if c.table == table and c.id in named]
    found = {_document_of(c) for c in mine}
    docs = tuple(sorted(d for d in found if d is not None))
    if table == "project_setting":  # audited as the settings' own writes are: the project changed
        keys = sorted({str((c.before or c.after or {}).get("key")) for c in mine})
        projects = {int((c.before or c.after or {})["project_id"]) for c in mine}
        tx.record("project", "updated", tuple(sorted(projects)), detail={"settings": keys, **note})
    elif table in ("annotation", "relation", "document", "assignment", "comment", *SCHEMA):
        tx.record(table, action, ids, docs, note)  # type: ignore[arg-type]
    elif table in ("suggestion_decision", "suggestion", "relation_suggestion"):
        tx.record("suggestion", action, ids, docs, note)  # type: ignore[arg-type]
    else:  # review decisions are audited as changes of their document
        tx.record("document", "updated", docs, docs, {table: ids, action: True, **note})


@dataclass(slots=True)
class Step:
    """What an undoable action changed (its OpChanges): filled when ``undoable`` ends."""

    title: str
    kind: str
    id: int | None = None
    documents: tuple[int, ...] = ()
    changes: list[RowChange] = field(default_factory=list)

    @property
    def empty(self) -> bool:
        return not self.changes

    def rows(self, table: str, undo: bool = False) -> tuple[list[int], list[int]]:
        """Ids of ``table`` that this step (or its undo) (removed, added or changed)."""
        removed = [c.id for c in self.changes if c.table == table and c.side(undo) is None]
        present = [c.id for c in self.changes if c.table == table and c.side(undo) is not None]
        return removed, present

"""The undo log: each person's undoable steps, in the database, shared by the app and the CLI.

Modelled on Anki's ``col.undo()``: an operation runs inside ``undoable``, which records what it
changed (``Step``) as one step of the acting annotator. ``undo``/``redo`` take back or put back
that annotator's last step, or a given one (the GUI's undo stack names its steps). A new step drops
the annotator's undone steps, as an editor's redo list goes when one types again. Steps are the
annotator's own: another annotator (and on PostgreSQL another login) is refused.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import cast

from sqlalchemy import Executable, Table, bindparam, delete, insert, select

from annotator import statements
from annotator.errors import ConflictError, NotFoundError, ValidationError
from annotator.model import Annotator, Document, Role, UndoStep, utcnow
from annotator.ops.documents import DeletedDocuments, delete_documents
from annotator.tx import Tx
from annotator.undo import documents, merged, rows, schema, suggestions
from annotator.undo.rows import RowChange, Scope, Step

DONE, UNDONE = "done", "undone"
# How many steps each person keeps; older ones are forgotten (the audit log keeps everything).
KEEP = 100_000  # the app's undo stack keeps every step of a session; so does the log


def gold_ids(tx: Tx, document_ids: tuple[int, ...]) -> tuple[int, ...]:
    projects = select(Document.project_id).where(Document.id.in_(document_ids))
    query = select(Annotator.id).where(Annotator.project_id.in_(projects), Annotator.role == Role.GOLD.value)
    return tuple(tx.session.scalars(query))


def _who(tx: Tx, annotator_id: int | None) -> int:
    if annotator_id is not None:
        return annotator_id
    if tx.actor is None or tx.actor.id is None:
        raise ValidationError("an undoable step needs the annotator who makes it")
    return tx.actor.id


@contextmanager
def undoable(
    tx: Tx,
    title: str,
    documents: tuple[int, ...] | list[int],
    *,
    annotator_id: int | None = None,
    review: bool = False,
    spans: Sequence[int] | None = None,
    relations: Sequence[int] = (),
    keeps: Sequence[str] = (),
) -> Iterator[Step]:
    """Run the block as one undoable step of ``annotator_id`` (default: the actor).

    The scope is the annotator's spans and relations in ``documents`` and the documents' status;
    a ``review`` step's scope is the gold layer and the review decisions there instead. Naming
    the ``spans`` (and ``relations``) an edit changes reads only those (and the rows it creates):
    an edit that touches a row it did not name is refused, never half recorded. ``keeps`` (of
    ``rows.KEPT``, with named spans): tables the edit leaves alone, not read before it (a keystroke
    saves a statement each); an edit that changes one after all is refused the same way.
    """
    who = _who(tx, annotator_id)
    docs = tuple(dict.fromkeys(documents))
    step = Step(title, "review" if review else "annotate", documents=docs)
    named = None if spans is None else tuple(spans)
    kept = frozenset(keeps) if named is not None else frozenset()
    if not kept <= rows.KEPT.keys():
        raise ValueError(f"only {sorted(rows.KEPT)} may be kept, not {sorted(kept - rows.KEPT.keys())}")

    def scope() -> Scope:  # the gold layer's annotator may be made by the step itself
        owners = gold_ids(tx, docs) if review else (who,)
        return Scope(docs, owners, decisions=review, spans=named, relations=tuple(relations), keeps=kept)

    tx.session.flush()
    before = rows.capture(tx.session, scope())
    mark = len(tx.changes)
    yield step
    tx.session.flush()
    touched = _touched(tx, mark)
    if named is None:
        after = rows.capture(tx.session, scope(), also=before)
    else:  # the named rows and those the edit made, by id: a few rows whatever the article's size
        _check_declared(before, touched, kept)
        made = {t: touched.get(t, {}).get("created", set()) for t in ("annotation", "relation")}
        made["suggestion_decision"] = touched.get("suggestion", {}).get("created", set())
        after = rows.reread(tx.session, before, made, documents="document" in touched)
    step.changes = rows.diff(before, after)
    if not step.empty:
        step.id = save(tx, who, step)


@contextmanager
def schema_step(
    tx: Tx,
    title: str,
    project_id: int,
    annotator_id: int | None = None,
    *,
    labels: Sequence[int] = (),
    types: Sequence[int] = (),
    doc_values: bool = False,
) -> Iterator[Step]:
    """Run label and relation-type edits as one undoable step of ``annotator_id`` (default: the
    actor). ``labels``/``types``: those the block may delete with their spans or relations."""
    who = _who(tx, annotator_id)
    tx.session.flush()
    before = schema.capture(tx.session, project_id, labels, types, doc_values=doc_values)
    step = Step(title, schema.KIND)
    yield step
    tx.session.flush()
    after = schema.capture(tx.session, project_id, labels, types, also=before, doc_values=doc_values)
    step.changes, step.documents = schema.changes(before, after)
    if not step.empty:
        step.id = save(tx, who, step)


def _touched(tx: Tx, mark: int) -> dict[str, dict[str, set[int]]]:
    """Ids of the spans and relations the block created, changed and deleted (from its audit)."""
    out: dict[str, dict[str, set[int]]] = {}
    for change in tx.changes[mark:]:
        if change.entity in ("annotation", "relation", "document", "suggestion"):
            out.setdefault(change.entity, {}).setdefault(change.action, set()).update(change.ids)
    return out


def _check_declared(
    before: rows.Snapshot, touched: dict[str, dict[str, set[int]]], kept: frozenset[str] = frozenset()
) -> None:
    for table in kept:
        if rows.KEPT[table] in touched:
            raise ValidationError(f"internal error: the step changed the {table} rows it said it keeps")
    for entity, actions in touched.items():
        if entity in ("document", "suggestion"):
            continue
        stray = (actions.get("updated", set()) | actions.get("deleted", set())) - set(before[entity])
        if stray:
            raise ValidationError(f"internal error: the step changed {entity} {min(stray)} it did not name")


def save(tx: Tx, who: int, step: Step) -> int:
    """Store a step as ``who``'s latest; their undone steps go (a new edit ends the redo list)."""
    undone = statements.built(("save", "undone"), _undone)
    tx.session.execute(undone, {"who": who})  # Core: no ORM object of a step is loaded here
    values = {
        "who": who,
        "login": tx.login,
        "title": step.title[:200],
        "kind": step.kind,
        "state": DONE,
        "created_at": utcnow(),
        "documents": list(step.documents),
        "changes": [c.to_json() for c in step.changes],
    }
    adding = statements.built(("save", "insert"), _insert)
    step_id = tx.session.execute(adding, values).scalar()
    if step_id is None:  # the project comes from the annotator's row, in the same statement
        raise NotFoundError(f"no annotator with id {who}")
    if step_id % 100 == 0:  # now and then is enough: the bound is loose
        _forget_old(tx, who)
    return int(step_id)


def _undone() -> Executable:
    steps = cast(Table, UndoStep.__table__)
    return delete(steps).where(steps.c.annotator_id == bindparam("who"), steps.c.state == UNDONE)


def _insert() -> Executable:
    """INSERT … SELECT the annotator's project: one statement (a read of the project before)."""
    people, steps = cast(Table, Annotator.__table__), cast(Table, UndoStep.__table__)
    who = bindparam("who", type_=people.c.id.type)
    names = ("login", "title", "kind", "state", "created_at", "documents", "changes")
    row = select(people.c.project_id, who, *(bindparam(n, type_=steps.c[n].type) for n in names))
    return (
        insert(steps)
        .from_select(["project_id", "annotator_id", *names], row.where(people.c.id == who))
        .returning(steps.c.id)
    )


def _forget_old(tx: Tx, who: int) -> None:
    ids = select(UndoStep.id).where(UndoStep.annotator_id == who).order_by(UndoStep.id.desc()).offset(KEEP)
    old = list(tx.session.scalars(ids))
    if old:
        tx.session.execute(delete(UndoStep).where(UndoStep.id.in_(old)))


def _step(record: UndoStep) -> Step:
    return Step(
        record.title,
        record.kind,
        record.id,
        tuple(record.documents),
        [RowChange.from_json(c) for c in record.changes],
    )


def _mine(tx: Tx, record: UndoStep, annotator_id: int) -> None:
    if record.annotator_id != annotator_id:
        raise ValidationError(
            f"step {record.id} ({record.title}) is another annotator's; only they may undo it"
        )
    if record.login is not None and tx.login is not None and record.login != tx.login:
        raise ValidationError(f"step {record.id} ({record.title}) was made by login {record.login!r}")


def _run(tx: Tx, record: UndoStep, undo: bool) -> Step:
    step = _step(record)
    if step.kind == "documents":
        documents.apply(tx, step, undo=undo)
    elif step.kind == schema.KIND:
        schema.apply(tx, step, undo=undo)
    elif step.kind == suggestions.KIND:
        suggestions.apply(tx, step, undo=undo)
    elif step.kind == merged.KIND:  # undo keeps the rows of the documents it took out, for redo
        record.changes = [c.to_json() for c in merged.apply(tx, step, undo=undo)]
    elif step.kind == "review":
        with tx.reviewing():
            rows.apply(tx, step.changes, undo=undo)
    else:
        rows.apply(tx, step.changes, undo=undo)
    record.state = UNDONE if undo else DONE
    tx.session.flush()
    return step


def undo(tx: Tx, annotator_id: int | None = None, step_id: int | None = None) -> Step:
    """Take back ``step_id``, or the annotator's last done step; returns what it restored."""
    return _move(tx, annotator_id, step_id, undo=True)


def redo(tx: Tx, annotator_id: int | None = None, step_id: int | None = None) -> Step:
    """Put back ``step_id``, or the annotator's first undone step (the last one undone)."""
    return _move(tx, annotator_id, step_id, undo=False)


def _move(tx: Tx, annotator_id: int | None, step_id: int | None, *, undo: bool) -> Step:
    who = _who(tx, annotator_id)
    verb = "undo" if undo else "redo"
    if step_id is None:
        state = DONE if undo else UNDONE
        order = UndoStep.id.desc() if undo else UndoStep.id.asc()
        query = select(UndoStep).where(UndoStep.annotator_id == who, UndoStep.state == state)
        record = tx.session.scalars(query.order_by(order).limit(1)).first()
        if record is None:
            name = tx.session.scalar(select(Annotator.name).where(Annotator.id == who))
            raise NotFoundError(f"nothing to {verb} for {name or who}")
    else:
        record = tx.session.get(UndoStep, step_id)
        if record is None:
            raise NotFoundError(f"step {step_id} is no longer in the undo history (too old)")
        if record.state != (DONE if undo else UNDONE):
            raise ConflictError(f"step {step_id} ({record.title}) was already {verb}ne elsewhere")
    _mine(tx, record, who)
    try:
        return _run(tx, record, undo)
    except ConflictError as exc:
        raise ConflictError(f"cannot {verb} {record.title!r}: {exc}") from exc


def merge(tx: Tx, first_id: int, second_id: int) -> Step:
    """Fold ``second_id`` into ``first_id`` (consecutive resizes of one span are one step).

    Each row keeps its ``before`` from the first step that touched it and its ``after`` from the
    last; rows that end where they started drop out.
    """
    first, second = tx.session.get(UndoStep, first_id), tx.session.get(UndoStep, second_id)
    if first is None or second is None or first.annotator_id != second.annotator_id:
        raise NotFoundError("these steps cannot be merged")
    pairs: dict[tuple[str, int], RowChange] = {}
    for c in [RowChange.from_json(x) for x in first.changes + second.changes]:
        old = pairs.get((c.table, c.id))
        pairs[(c.table, c.id)] = c if old is None else RowChange(c.table, c.id, old.before, c.after)
    kept = [c for c in pairs.values() if not rows.same(c.before, c.after)]
    first.changes = [c.to_json() for c in kept]
    first.documents = sorted(set(first.documents) | set(second.documents))
    tx.session.delete(second)
    tx.session.flush()
    return _step(first)


def summary(step: Step, *, undo: bool) -> str:
    """What undoing (or redoing) the step did, in words: "removed span 4; document 2 status"."""
    words = {
        "annotation": "span",
        "relation": "relation",
        "document": "document",
        merged.NEW: "merged document",
    }
    parts = []
    for c in step.changes:
        if c.table.startswith(merged.SAVED):  # the rows of a merged document (it is named once)
            continue
        then, now = c.side(not undo), c.side(undo)
        verb = "removed" if now is None else "restored" if then is None else "changed"
        described = c.table in ("annotation", *rows.SCHEMA)
        what = rows.describe(c) if described else f"{words.get(c.table, c.table)} {c.id}"
        parts.append(f"{verb} {what}")
    shown = "; ".join(parts[:10])
    return shown + (f"; and {len(parts) - 10} more" if len(parts) > 10 else "")


def delete_step(tx: Tx, document_ids: Sequence[int], title: str, who: int) -> tuple[DeletedDocuments, int]:
    """Delete documents as one step of ``who``; returns what went and the step's id."""
    deleted = delete_documents(tx, document_ids)
    step = Step(title, "documents", documents=deleted.document_ids, changes=documents.changes_of(deleted))
    return deleted, save(tx, who, step)

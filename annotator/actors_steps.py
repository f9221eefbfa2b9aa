"""The actor registry's edits as undoable steps, shared by the app and ``annotator actors``.

A registry edit is project-wide like a label-schema edit (a merge moves everyone's mentions), so
it is stored as a schema-kind step (``annotator.undo.schema``): the step images the actors it
names (and those merged into them) and the spans it names or that point to them, before and
after. Undo and redo then put those rows back only while they still look as the step left them.

The functions below are the steps the CLI runs. A face that keeps the step's id (the app's undo
stack) runs the operation inside ``actor_step`` itself::

    with actor_step(tx, "Link span 4 to actor 2", spans=[4]) as step:
        actors.link_span(tx, 4, 2)
    step.id  # the log's step: annotator.undo.undo(tx, who, step.id) takes it back
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from sqlalchemy import or_
from sqlalchemy.orm import Session

from annotator import actors as ops
from annotator.errors import ValidationError
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation
from annotator.tx import Tx
from annotator.undo import rows, schema
from annotator.undo.log import save
from annotator.undo.rows import Snapshot, Step


def _capture(session: Session, actors: set[int], spans: set[int], mentions: bool) -> Snapshot:
    """The actors (and those merged into them), the spans named, and with ``mentions`` every
    span pointing to those actors."""
    t = rows.TABLES
    people, marks = t["actor"], t["annotation"]
    out: Snapshot = {"actor": {}, "annotation": {}}
    if actors:
        out["actor"] = rows._read(
            session, "actor", or_(people.c.id.in_(actors), people.c.merged_into_id.in_(actors))
        )
    where = [marks.c.id.in_(spans)] if spans else []
    if actors and mentions:
        where.append(marks.c.actor_id.in_(actors))
    if where:
        out["annotation"] = rows._read(session, "annotation", or_(*where))
    return out


def _ids(tx: Tx, mark: int, entity: str, *actions: str) -> set[int]:
    return {i for c in tx.changes[mark:] if c.entity == entity and c.action in actions for i in c.ids}


@contextmanager
def actor_step(
    tx: Tx,
    title: str,
    *,
    actors: Sequence[int] = (),
    spans: Sequence[int] = (),
    annotator_id: int | None = None,
    mentions: bool = True,
) -> Iterator[Step]:
    """Run registry edits as one undoable step of ``annotator_id`` (default: the acting person).

    ``actors``/``spans``: the rows the block changes (actors it creates, and spans it creates,
    are found from its audit records); with ``mentions`` the spans pointing to ``actors`` too
    (a merge moves them). A block that changes a row it did not name is refused, never half
    recorded."""
    who = annotator_id if annotator_id is not None else (tx.actor.id if tx.actor is not None else None)
    if who is None:
        raise ValidationError("an undoable step needs the annotator who makes it")
    tx.session.flush()
    named_actors, named_spans = set(actors), set(spans)
    before = _capture(tx.session, named_actors, named_spans, mentions)
    mark = len(tx.changes)
    step = Step(title, schema.KIND)
    yield step
    tx.session.flush()
    made_spans = _ids(tx, mark, "annotation", "created")
    all_actors = named_actors | set(before["actor"]) | _ids(tx, mark, "actor", "created")
    all_spans = named_spans | set(before["annotation"]) | made_spans
    after = _capture(tx.session, all_actors, all_spans, mentions)
    stray = (_ids(tx, mark, "actor", "updated", "deleted") - set(before["actor"])) or (
        (_ids(tx, mark, "annotation", "updated", "deleted") | set(after["annotation"]))
        - set(before["annotation"])
        - made_spans
    )
    if stray:
        raise ValidationError(
            f"internal error: the step {title!r} changed a row it did not name ({min(stray)})"
        )
    step.changes, step.documents = schema.changes(before, after)
    if not step.empty:
        step.id = save(tx, who, step)


# --- the operations as steps (what the CLI and the app call) -------------------------------------


def add(tx: Tx, project_id: int, name: str, **fields: Any) -> RegistryActor:
    with actor_step(tx, f"New actor {name.strip()}"):
        return ops.add_actor(tx, project_id, name, **fields)


def update(tx: Tx, actor_id: int, **fields: Any) -> RegistryActor:
    with actor_step(tx, f"Edit actor {actor_id}", actors=[actor_id]):
        return ops.update_actor(tx, actor_id, **fields)


def link(tx: Tx, span_id: int, actor_id: int | None) -> Annotation:
    """Link (or unlink) a mention; a gold span only as a review operation (reviewers)."""
    title = f"Link span {span_id} to actor {actor_id}" if actor_id else f"Unlink span {span_id}"
    if _is_gold(tx, span_id):
        with tx.reviewing(), actor_step(tx, title, spans=[span_id]):
            return ops.link_span(tx, span_id, actor_id)
    with actor_step(tx, title, spans=[span_id]):
        return ops.link_span(tx, span_id, actor_id)


def _is_gold(tx: Tx, span_id: int) -> bool:
    from sqlalchemy import select

    from annotator.model import Annotator, Role

    query = select(Annotator.role).join(Annotation, Annotation.annotator_id == Annotator.id)
    return tx.session.scalar(query.where(Annotation.id == span_id)) == Role.GOLD.value


def link_many(tx: Tx, actor_id: int, span_ids: Sequence[int]) -> list[int]:
    with actor_step(tx, f"Link {len(span_ids)} span(s) to actor {actor_id}", spans=span_ids):
        return ops.link_many(tx, actor_id, span_ids)


def link_same_name(
    tx: Tx,
    actor_id: int,
    document_id: int,
    span_ids: Sequence[int],
    occurrences: Sequence[tuple[int, int]],
    label_id: int,
) -> list[int]:
    """ "The same name elsewhere" in one step: the unlinked mentions ``span_ids`` and, tagged with
    ``label_id`` in the acting person's layer first, the bare ``occurrences`` (see
    ``actors_reads.same_name_unlinked``) all point to the actor; returns the spans linked."""
    from annotator.ops.annotations import create_span

    if tx.actor is None or tx.actor.id is None:
        raise ValidationError("tagging the same name elsewhere needs the annotator at the keyboard")
    with actor_step(tx, f"Link the same name to actor {actor_id}", spans=span_ids):
        made = [create_span(tx, document_id, s, e, label_id, tx.actor.id).id for s, e in occurrences]
        return ops.link_many(tx, actor_id, [*span_ids, *made])


def new_and_link(tx: Tx, project_id: int, name: str, span_ids: Sequence[int], **fields: Any) -> RegistryActor:
    """ "New actor" from a mention in one step: the actor, and the mentions pointing to it."""
    with actor_step(tx, f"New actor {name.strip()}", spans=span_ids):
        actor = ops.add_actor(tx, project_id, name, **fields)
        ops.link_many(tx, actor.id, span_ids)
        return actor


def merge(tx: Tx, keep_id: int, other_id: int) -> RegistryActor:
    with actor_step(tx, f"Merge actor {other_id} into {keep_id}", actors=[keep_id, other_id]):
        return ops.merge_actors(tx, keep_id, other_id)


def split(tx: Tx, actor_id: int, span_ids: Sequence[int], new_name: str, **fields: Any) -> RegistryActor:
    with actor_step(tx, f"Split actor {actor_id}", actors=[actor_id], spans=span_ids):
        return ops.split_actor(tx, actor_id, span_ids, new_name, **fields)


def delete(tx: Tx, actor_id: int) -> None:
    with actor_step(tx, f"Delete actor {actor_id}", actors=[actor_id]):
        ops.delete_actor(tx, actor_id)

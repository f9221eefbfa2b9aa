"""The actor registry: who speaks, as project-level entities that ACTOR spans point to.

Each function is one small audited operation on a ``Tx`` (run it inside ``actor_step`` of
``annotator.actors_steps`` so that undo sees it). Input is checked before anything is written:
an empty name, a name another actor already has as its name or alias (unless an external id tells
the two people apart), an external id another actor holds, a link to a missing or merged-away
actor, or a span that is not an actor mention is refused with an error naming it.

Which spans may point to an actor (``actor_label_ids``): spans labelled ``ACTOR`` (any case),
and spans of a label that is the target of an attribution relation type (``speaker`` or
``claimant``, any case), so a project that calls its sources SOURCE links them too.

A merge keeps the other actor's row with ``merged_into_id`` set (undo restores it; old exports'
ids still resolve); a new name is refused when it is a live actor's name or alias (compared without
case), unless external ids tell the two apart.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from types import EllipsisType
from typing import Any

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session
from sqlalchemy.orm.exc import StaleDataError

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Document, Label, RelationType, utcnow
from annotator.names import check_name
from annotator.tx import Tx

ACTOR_LABEL = "ACTOR"
ATTRIBUTION_TYPES = ("speaker", "claimant")
NAME_MAX = 300
EXTERNAL_MAX = 200


def actor_label_ids(session: Session, project_id: int) -> set[int]:
    """Labels whose spans may name an actor: ACTOR, and targets of speaker/claimant types."""
    named = select(Label.id).where(Label.project_id == project_id, func.upper(Label.name) == ACTOR_LABEL)
    targets = select(RelationType.to_label_id).where(
        RelationType.project_id == project_id,
        func.lower(RelationType.name).in_(ATTRIBUTION_TYPES),
        RelationType.to_label_id.is_not(None),
    )
    return set(session.scalars(named)) | {i for i in session.scalars(targets) if i is not None}


def clean_name(name: str) -> str:
    """A canonical name as stored: stripped, printable, not empty, not too long."""
    name = (name or "").strip()
    if not name:
        raise ValidationError("an actor needs a name (it was empty)")
    check_name(name, "actor")
    if len(name) > NAME_MAX:
        raise ValidationError(f"actor name {name[:40]!r}… is longer than {NAME_MAX} characters")
    return name


def clean_aliases(aliases: Iterable[str], name: str) -> list[str]:
    """Aliases stripped, without empties, repeats (ignoring case) or the name itself."""
    seen = {name.casefold()}
    out = []
    for alias in aliases:
        alias = (alias or "").strip()
        if not alias or alias.casefold() in seen:
            continue
        check_name(alias, "alias")
        seen.add(alias.casefold())
        out.append(alias)
    return out


def clean_external_id(external_id: str | None) -> str | None:
    value = (external_id or "").strip()
    if not value:
        return None
    check_name(value, "external id")
    if len(value) > EXTERNAL_MAX:
        raise ValidationError(f"external id {value[:40]!r}… is longer than {EXTERNAL_MAX} characters")
    return value


def live_actors(session: Session, project_id: int) -> list[RegistryActor]:
    query = select(RegistryActor).where(
        RegistryActor.project_id == project_id, RegistryActor.merged_into_id.is_(None)
    )
    return list(session.scalars(query.order_by(RegistryActor.id)))


def _check_unique(
    session: Session,
    project_id: int,
    name: str,
    external_id: str | None,
    exclude: int | None,
    *,
    aliases: bool = True,
) -> None:
    """Refuse an external id another live actor holds, and a name that is another's canonical name
    (or, with ``aliases``, one of its aliases): a silent duplicate. Two real people may share a
    name: with an external id that differs from that actor's, the name is allowed."""
    others = [a for a in live_actors(session, project_id) if a.id != exclude]
    for other in others:
        if external_id is not None and other.external_id == external_id:
            raise ValidationError(
                f"external id {external_id!r} is already actor {other.id}'s ({other.name}); "
                "an external id names one actor of the project"
            )
    folded = name.casefold()
    for other in others:
        names = [other.name, *((other.aliases or []) if aliases else [])]
        hit = next((n for n in names if n.casefold() == folded), None)
        if hit is None or (external_id is not None and external_id != other.external_id):
            continue
        what = f"is already called {hit!r}" if hit == other.name else f"already has the alias {hit!r}"
        raise ValidationError(
            f"actor {other.id} ({other.name}) {what}; link the mentions to that actor, use another "
            "name, or give an external id (--external-id) if this is another person of that name"
        )


def _check_aliases(
    session: Session,
    project_id: int,
    name: str,
    aliases: Sequence[str],
    external_id: str | None,
    exclude: int | None,
) -> None:
    """Refuse an alias that is another live actor's canonical name: the two would be one name for
    two actors (pickers, imports and merges find actors by name). Two people of one name are told
    apart when both have external ids, and they differ."""
    if not aliases:
        return
    folded = {a.casefold(): a for a in aliases}
    for other in live_actors(session, project_id):
        alias = folded.get(other.name.casefold())
        if other.id == exclude or alias is None:
            continue
        if None not in (external_id, other.external_id) and external_id != other.external_id:
            continue  # two people of one name, told apart by their ids
        this = f"actor {exclude} ({name})" if exclude is not None else f"the new actor {name!r}"
        raise ValidationError(
            f"alias {alias!r} of {this} is the name of actor {other.id} ({other.name}); an alias names "
            "one actor: merge the two actors, or drop the alias"
        )


def get_actor(session: Session, actor_id: int, *, live: bool = True) -> RegistryActor:
    """The actor ``actor_id``; with ``live``, one that was merged away is refused, naming its heir."""
    actor = session.get(RegistryActor, actor_id)
    if actor is None:
        raise NotFoundError(f"no actor with id {actor_id}")
    if live and actor.merged_into_id is not None:
        heir = session.get(RegistryActor, actor.merged_into_id)
        heir_name = f" ({heir.name})" if heir is not None else ""
        raise ValidationError(
            f"actor {actor_id} ({actor.name}) was merged into actor {actor.merged_into_id}{heir_name}; "
            f"use {actor.merged_into_id}"
        )
    return actor


def _who(tx: Tx) -> str:
    if tx.actor is not None:
        return tx.actor.name
    return tx.account or "system"


def _check_attributes(attributes: dict[str, Any] | None) -> dict[str, Any] | None:
    if attributes is None:
        return None
    if not isinstance(attributes, dict) or not all(isinstance(k, str) for k in attributes):
        raise ValidationError("actor attributes must be an object of name: value")
    return dict(attributes) or None


def _detail(a: RegistryActor) -> dict[str, Any]:
    return {
        "name": a.name,
        "aliases": list(a.aliases or []),
        "kind": a.kind,
        "external_id": a.external_id,
        "attributes": a.attributes,
        "merged_into_id": a.merged_into_id,
    }


def add_actor(
    tx: Tx,
    project_id: int,
    name: str,
    aliases: Iterable[str] = (),
    kind: str | None = None,
    external_id: str | None = None,
    attributes: dict[str, Any] | None = None,
) -> RegistryActor:
    """A new actor of the project's registry."""
    name = clean_name(name)
    aliases = clean_aliases(aliases, name)
    external_id = clean_external_id(external_id)
    _check_unique(tx.session, project_id, name, external_id, None)
    _check_aliases(tx.session, project_id, name, aliases, external_id, None)
    now = utcnow()
    actor = RegistryActor(
        project_id=project_id,
        name=name,
        aliases=aliases,
        kind=(kind or "").strip() or None,
        external_id=external_id,
        attributes=_check_attributes(attributes),
        created_by=_who(tx),
        created_at=now,
        updated_at=now,
    )
    tx.session.add(actor)
    tx.session.flush()
    tx.record("actor", "created", (actor.id,), (), _detail(actor))
    return actor


def update_actor(
    tx: Tx,
    actor_id: int,
    *,
    name: str | None = None,
    aliases: Sequence[str] | None = None,
    kind: str | EllipsisType | None = ...,
    external_id: str | EllipsisType | None = ...,
    attributes: dict[str, Any] | EllipsisType | None = ...,
) -> RegistryActor:
    """Rename an actor or change its aliases, type, external id or attributes (``...``: keep)."""
    actor = get_actor(tx.session, actor_id)
    before = _detail(actor)
    new_name = actor.name if name is None else clean_name(name)
    new_external = actor.external_id if external_id is ... else clean_external_id(external_id)
    renamed = new_name.casefold() != actor.name.casefold()
    _check_unique(tx.session, actor.project_id, new_name, new_external, actor.id, aliases=renamed)
    old_aliases = list(actor.aliases or [])
    if name is not None and aliases is None and new_name.casefold() != actor.name.casefold():
        old_aliases.append(actor.name)  # a renamed actor is still found by its old name
    new_aliases = clean_aliases(old_aliases if aliases is None else aliases, new_name)
    had = {a.casefold() for a in actor.aliases or []} | {actor.name.casefold()}
    added = [a for a in new_aliases if a.casefold() not in had]
    _check_aliases(tx.session, actor.project_id, new_name, added, new_external, actor.id)
    actor.aliases = new_aliases
    actor.name, actor.external_id = new_name, new_external
    if kind is not ...:
        actor.kind = (kind or "").strip() or None
    if attributes is not ...:
        actor.attributes = _check_attributes(attributes)
    actor.updated_at = utcnow()
    tx.session.flush()
    tx.record("actor", "updated", (actor.id,), (), {"before": before, "after": _detail(actor)})
    return actor


def _span(tx: Tx, span_id: int) -> tuple[Annotation, int]:
    """An actor mention the acting person may change, and its project."""
    span = tx.session.get(Annotation, span_id)
    if span is None:
        raise NotFoundError(f"no span with id {span_id}")
    tx.check_owner(span.annotator_id, f"span {span_id}")
    project_id = tx.session.scalar(select(Document.project_id).where(Document.id == span.document_id))
    assert project_id is not None
    if span.label_id not in actor_label_ids(tx.session, project_id):
        label = tx.session.scalar(select(Label.name).where(Label.id == span.label_id))
        raise ValidationError(
            f"span {span_id} ({span.text!r}) is a {label} span, not an actor mention: only ACTOR spans "
            "(and targets of speaker/claimant relation types) name an actor"
        )
    return span, project_id


def _set_actor(tx: Tx, spans: Sequence[Annotation], actor_id: int | None) -> None:
    changed = [s for s in spans if s.actor_id != actor_id]
    if not changed:
        return
    now = utcnow()
    details = []
    for span in changed:
        details.append(
            {
                "start": span.start,
                "end": span.end,
                "text": span.text,
                "actor_id": actor_id,
                "was": span.actor_id,
            }
        )
        span.actor_id, span.updated_at, span.version = actor_id, now, span.version + 1
    try:
        tx.session.flush()
    except StaleDataError:  # PostgreSQL's row-level security hides rows that are not the login's
        raise ValidationError(
            f"the database refused to change {len(changed)} mention(s): on a team database only a "
            "span's owner (or a reviewer, for annotators without a login) changes it; ask them, "
            "or the admin, to run this"
        ) from None
    docs = tuple(sorted({s.document_id for s in changed}))
    tx.record("annotation", "updated", [s.id for s in changed], docs, details=details)


def link_span(tx: Tx, span_id: int, actor_id: int | None) -> Annotation:
    """Point an actor mention at ``actor_id`` (None: unlink it)."""
    span, project_id = _span(tx, span_id)
    if actor_id is not None:
        actor = get_actor(tx.session, actor_id)
        if actor.project_id != project_id:
            raise ValidationError(f"actor {actor_id} belongs to another project than span {span_id}")
    _set_actor(tx, [span], actor_id)
    return span


def link_many(tx: Tx, actor_id: int, span_ids: Sequence[int]) -> list[int]:
    """Point several mentions at one actor at once (the same name elsewhere, in one step)."""
    actor = get_actor(tx.session, actor_id)
    spans = []
    for span_id in dict.fromkeys(span_ids):
        span, project_id = _span(tx, span_id)
        if project_id != actor.project_id:
            raise ValidationError(f"actor {actor_id} belongs to another project than span {span_id}")
        spans.append(span)
    _set_actor(tx, spans, actor_id)
    return [s.id for s in spans]


def _mentions(session: Session, actor_id: int) -> list[Annotation]:
    return list(session.scalars(select(Annotation).where(Annotation.actor_id == actor_id)))


def merge_actors(tx: Tx, keep_id: int, other_id: int) -> RegistryActor:
    """Fold ``other_id`` into ``keep_id``: its mentions move, its names become aliases, it stays
    as a merged-away row (``merged_into_id``) so undo and old ids still work."""
    if keep_id == other_id:
        raise ValidationError(f"cannot merge actor {keep_id} into itself")
    keep, other = get_actor(tx.session, keep_id), get_actor(tx.session, other_id)
    if keep.project_id != other.project_id:
        raise ValidationError(f"actors {keep_id} and {other_id} belong to different projects")
    if keep.external_id and other.external_id and keep.external_id != other.external_id:
        raise ValidationError(  # an actor holds one external id: the other's would be lost unsaid
            f"actor {keep_id} is {keep.external_id} and actor {other_id} is {other.external_id}: "
            f"clear the wrong one first (annotator actors edit ID --external-id '')"
        )
    before = _detail(keep)
    mentions = _mentions(tx.session, other_id)
    _set_actor(tx, mentions, keep_id)  # whoever's they are: the registry is the project's
    keep.aliases = clean_aliases([*(keep.aliases or []), other.name, *(other.aliases or [])], keep.name)
    if keep.external_id is None and other.external_id is not None:
        keep.external_id, other.external_id = other.external_id, None
    if other.attributes:
        keep.attributes = {**other.attributes, **(keep.attributes or {})}
    keep.kind = keep.kind or other.kind
    now = utcnow()
    keep.updated_at = other.updated_at = now
    other.merged_into_id = keep_id
    # Actors merged into ``other`` before now point to the one that absorbed it.
    tx.session.execute(
        update(RegistryActor).where(RegistryActor.merged_into_id == other_id).values(merged_into_id=keep_id)
    )
    tx.session.flush()
    tx.record("actor", "updated", (keep.id,), (), {"before": before, "after": _detail(keep)})
    tx.record("actor", "updated", (other.id,), (), {"merged_into_id": keep_id, "mentions": len(mentions)})
    return keep


def split_actor(
    tx: Tx, actor_id: int, span_ids: Sequence[int], new_name: str, **fields: Any
) -> RegistryActor:
    """A new actor called ``new_name`` taking the mentions ``span_ids`` of ``actor_id``."""
    actor = get_actor(tx.session, actor_id)
    if not span_ids:
        raise ValidationError("a split needs the mentions that go to the new actor")
    spans = []
    for span_id in dict.fromkeys(span_ids):
        span = tx.session.get(Annotation, span_id)
        if span is None:
            raise NotFoundError(f"no span with id {span_id}")
        if span.actor_id != actor_id:
            raise ValidationError(f"span {span_id} ({span.text!r}) is not a mention of actor {actor_id}")
        spans.append(span)
    fields.setdefault("kind", actor.kind)
    _give_up_alias(tx, actor, new_name)
    new = add_actor(tx, actor.project_id, new_name, **fields)
    _set_actor(tx, spans, new.id)
    return new


def _give_up_alias(tx: Tx, actor: RegistryActor, name: str) -> None:
    """A split that names the new actor by one of the old one's aliases (undoing a wrong merge)
    takes that alias away from it, so the name is not another actor's."""
    kept = [a for a in actor.aliases or [] if a.casefold() != name.strip().casefold()]
    if kept != list(actor.aliases or []):
        before = _detail(actor)
        actor.aliases, actor.updated_at = kept, utcnow()
        tx.session.flush()
        tx.record("actor", "updated", (actor.id,), (), {"before": before, "after": _detail(actor)})


def delete_actor(tx: Tx, actor_id: int) -> None:
    """Remove an actor nothing points to (a mention or a merged-away actor keeps it)."""
    actor = get_actor(tx.session, actor_id, live=False)
    count = tx.session.scalar(select(func.count()).where(Annotation.actor_id == actor_id)) or 0
    if count:
        raise ValidationError(
            f"actor {actor_id} ({actor.name}) has {count} mention(s); unlink them or merge it into "
            "another actor instead"
        )
    absorbed = list(
        tx.session.scalars(select(RegistryActor.id).where(RegistryActor.merged_into_id == actor_id))
    )
    if absorbed:
        raise ValidationError(
            f"actor {actor_id} ({actor.name}) absorbed actor(s) {', '.join(map(str, absorbed))} by a merge; "
            "it stays so their ids still resolve"
        )
    detail = _detail(actor)
    tx.session.delete(actor)
    tx.session.flush()
    tx.record("actor", "deleted", (actor_id,), (), detail)

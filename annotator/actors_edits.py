"""A teammate's edits of a registry actor, brought in by a merge (``annotator.actors_carry``).

The file's actor was matched to one here (by external id, else by canonical name). What the
teammate added comes in: their aliases are united with the project's (their canonical name, when
it differs, becomes an alias too), and a type, an external id or an attribute the actor here lacks
is taken. A different one the project has set is a conflict, reported, and the project's stays;
so is an external id that another actor here already holds. Nothing is ever taken away.
"""

from __future__ import annotations

from typing import Any

from annotator import actors as ops
from annotator.attributes_values import show_value
from annotator.model import Actor as RegistryActor
from annotator.records import ActorRecord
from annotator.review.merge_values import same_value
from annotator.tx import Tx


def carry_edits(
    tx: Tx, actor_id: int, theirs: ActorRecord, held: dict[str, int], names: dict[str, Any], where: str
) -> tuple[bool, list[str]]:
    """Bring ``theirs`` into actor ``actor_id`` (``held``: live actors by external id, kept up to
    date; ``names``: by folded canonical name); returns whether the actor changed and the conflicts."""
    here = tx.session.get(RegistryActor, actor_id)
    if here is None:
        return False, []
    conflicts: list[str] = []
    said = f"{where}: actor {here.name!r} (actor {here.id} here)"
    aliases = list(here.aliases or [])
    known = {a.casefold() for a in aliases} | {here.name.casefold()}
    for alias in [theirs.name, *theirs.aliases]:
        alias = alias.strip()
        if not alias or alias.casefold() in known:
            continue
        known.add(alias.casefold())
        if alias.casefold() in names:  # another actor's name here: never an alias of this one
            conflicts.append(f"{said}: alias {alias!r} in the file is another actor's name here; not taken")
            continue
        aliases.append(alias)
    fields: dict[str, Any] = {}
    if aliases != list(here.aliases or []):
        fields["aliases"] = aliases
    kind = (theirs.kind or "").strip() or None
    if kind is not None and here.kind is None:
        fields["kind"] = kind
    elif kind is not None and kind != here.kind:
        conflicts.append(f"{said} is a {here.kind!r} here, a {kind!r} in the file; kept {here.kind!r}")
    external = ops.clean_external_id(theirs.external_id)
    if external is not None and here.external_id is None:
        other = held.get(external)
        if other is not None and other != here.id:
            conflicts.append(
                f"{said}: external id {external!r} in the file is actor {other}'s here; not taken"
            )
        else:
            fields["external_id"] = external
    values = dict(here.attributes or {})
    taken = False
    for name, value in (theirs.attributes or {}).items():
        if name not in values:
            values[name], taken = value, True
        elif not same_value(values[name], value):
            conflicts.append(
                f"{said}: {name} is {show_value(values[name])} here, {show_value(value)} in the file; "
                "kept the project's"
            )
    if taken:
        fields["attributes"] = values
    if not fields:
        return False, conflicts
    ops.update_actor(tx, here.id, **fields)
    if "external_id" in fields:
        held[fields["external_id"]] = here.id
    return True, conflicts

"""The registry actors that exports name: id → ``ActorRef`` (canonical name, external id, aliases,
kind, attributes).

A span linked to an actor that a merge folded into another (``merged_into_id``) is exported as
naming the actor that absorbed it, so every format shows one identity per person.
"""

from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.model import Actor as RegistryActor
from annotator.records import ActorRef


def actor_refs(session: Session, project_id: int) -> dict[int, ActorRef]:
    """Every actor of the project (merged-away ones resolved to the actor they were merged into)."""
    query = select(
        RegistryActor.id,
        RegistryActor.name,
        RegistryActor.external_id,
        RegistryActor.merged_into_id,
        RegistryActor.aliases,
        RegistryActor.kind,
        RegistryActor.attributes,
    )
    rows = {r[0]: r for r in session.execute(query.where(RegistryActor.project_id == project_id))}
    out: dict[int, ActorRef] = {}
    for ident in rows:
        final, seen = ident, {ident}
        while (into := rows[final][3]) is not None and into in rows and into not in seen:
            final = into
            seen.add(final)
        row = rows[final]
        out[ident] = ActorRef(
            final, row[1], row[2], aliases=list(row[4] or []) or None, kind=row[5], attributes=row[6] or None
        )
    return out

"""The project object's reads of the actor registry (a mixin of ``ProjectContext``, kept apart
for size): what the registry view, the actor picker and the span list ask for."""

from __future__ import annotations

from collections.abc import Collection
from typing import TYPE_CHECKING

from sqlalchemy import select

from annotator.actors_reads import (
    ActorRow,
    Mention,
    SameName,
    actor_row,
    list_actors,
    match_actors,
    mentions_of,
    same_name_unlinked,
)

if TYPE_CHECKING:
    from annotator.store import Actor, Store


class ActorReads:
    """Reads the GUI makes for actors, each in its own short session."""

    if TYPE_CHECKING:
        store: Store
        id: int
        actor: Actor

    def actors(self, *, include_merged: bool = False) -> list[ActorRow]:
        """The registry by name, with mentions, quotes and claims counts."""
        with self.store.session() as session:
            return list_actors(session, self.id, include_merged=include_merged)

    def registry_actor(self, actor_id: int) -> ActorRow | None:
        with self.store.session() as session:
            return actor_row(session, actor_id)

    def match_actors(self, text: str, limit: int = 10) -> list[ActorRow]:
        """Actors whose name or alias matches ``text``, best first (the picker's autocomplete)."""
        with self.store.session() as session:
            return match_actors(session, self.id, text, limit)

    def actor_mentions(self, actor_id: int) -> list[Mention]:
        with self.store.session() as session:
            return mentions_of(session, actor_id)

    def same_name_unlinked(self, doc_id: int, text: str, annotator_id: int | None = None) -> SameName:
        """Other unlinked actor spans and bare occurrences of ``text`` in the document, in the
        layer of ``annotator_id`` (default: the person at the keyboard)."""
        who = annotator_id if annotator_id is not None else (self.actor.id or 0)
        with self.store.session() as session:
            return same_name_unlinked(session, doc_id, text, who)

    def actor_label_ids(self) -> set[int]:
        """Labels whose spans may point to an actor (see ``annotator.actors``)."""
        from annotator.actors import actor_label_ids

        with self.store.session() as session:
            return actor_label_ids(session, self.id)

    def span_actors(self, doc_id: int, ids: Collection[int] | None = None) -> dict[int, tuple[int, str]]:
        """The document's linked spans: span id → (actor id, actor name); only among ``ids`` when
        given (a keystroke's spans: by primary key, not a scan of the document's spans)."""
        from annotator.model import Actor as RegistryActor
        from annotator.model import Annotation

        query = (
            select(Annotation.id, RegistryActor.id, RegistryActor.name)
            .join(RegistryActor, RegistryActor.id == Annotation.actor_id)
            .where(Annotation.document_id == doc_id)
        )
        if ids is not None:
            query = query.where(Annotation.id.in_(sorted(ids)))
        with self.store.session() as session:
            return {span: (actor, name) for span, actor, name in session.execute(query)}

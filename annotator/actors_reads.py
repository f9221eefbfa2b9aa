"""Reads of the actor registry for the faces: the list with counts, autocomplete, mentions, and
"the same name elsewhere in this document" (``ProjectContext`` wraps each in its own session).

Counts: ``mentions`` are the spans pointing to the actor (every layer); ``quotes``/``claims`` are
the QUOTE/CLAIM spans a relation (speaker, claimant, ...) links to one of those mentions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Select, func, select
from sqlalchemy.orm import Session, aliased

from annotator.actors import actor_label_ids
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Annotator, Document, Label, Relation


@dataclass(frozen=True, slots=True)
class ActorRow:
    id: int
    name: str
    aliases: tuple[str, ...]
    kind: str | None
    external_id: str | None
    attributes: dict[str, Any] | None
    mentions: int = 0
    quotes: int = 0
    claims: int = 0
    merged_into_id: int | None = None

    def as_json(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "name": self.name,
            "aliases": list(self.aliases),
            "kind": self.kind,
            "external_id": self.external_id,
            "attributes": self.attributes,
            "mentions": self.mentions,
            "quotes": self.quotes,
            "claims": self.claims,
            "merged_into": self.merged_into_id,
        }


@dataclass(frozen=True, slots=True)
class Mention:
    document_id: int
    document_title: str | None
    span_id: int
    start: int
    end: int
    text: str
    label: str
    annotator: str


@dataclass(frozen=True, slots=True)
class SameName:
    """Where else a name occurs in a document: actor spans not linked yet, and bare occurrences."""

    spans: list[int]
    occurrences: list[tuple[int, int]]


def _counts(session: Session, ids: list[int]) -> tuple[dict[int, int], dict[tuple[int, str], int]]:
    if not ids:
        return {}, {}
    return _mentions(session, ids), _linked(session, ids)


def _mentions(session: Session, ids: list[int]) -> dict[int, int]:
    """Spans pointing to each of the actors ``ids``."""
    return dict(
        session.execute(  # type: ignore[arg-type]
            select(Annotation.actor_id, func.count())
            .where(Annotation.actor_id.in_(ids))
            .group_by(Annotation.actor_id)
        ).all()
    )


def _linked(session: Session, ids: list[int]) -> dict[tuple[int, str], int]:
    """(actor, "QUOTE"/"CLAIM") → how many quotes or claims link to a mention of the actor."""
    mention, said = aliased(Annotation), aliased(Annotation)
    linked = (
        select(mention.actor_id, func.upper(Label.name), func.count(func.distinct(said.id)))
        .select_from(Relation)
        .join(mention, mention.id == Relation.target_id)
        .join(said, said.id == Relation.source_id)
        .join(Label, Label.id == said.label_id)
        .where(mention.actor_id.in_(ids), func.upper(Label.name).in_(("QUOTE", "CLAIM")))
        .group_by(mention.actor_id, func.upper(Label.name))
    )
    return {(a, label): n for a, label, n in session.execute(linked)}


def _rows(session: Session, actors: Iterable[RegistryActor]) -> list[ActorRow]:
    actors = list(actors)
    mentions, linked = _counts(session, [a.id for a in actors])
    return [_row(a, mentions, linked) for a in actors]


def _row(a: Any, mentions: dict[int, int], linked: dict[tuple[int, str], int]) -> ActorRow:
    """``a``: a registry actor, or a row of its columns (``match_actors``)."""
    return ActorRow(
        a.id,
        a.name,
        tuple(a.aliases or ()),
        a.kind,
        a.external_id,
        a.attributes,
        mentions.get(a.id, 0),
        linked.get((a.id, "QUOTE"), 0),
        linked.get((a.id, "CLAIM"), 0),
        a.merged_into_id,
    )


def list_actors(session: Session, project_id: int, *, include_merged: bool = False) -> list[ActorRow]:
    """The registry by name (merged-away actors only when asked), with their counts."""
    query = select(RegistryActor).where(RegistryActor.project_id == project_id)
    if not include_merged:
        query = query.where(RegistryActor.merged_into_id.is_(None))
    found = sorted(session.scalars(query), key=lambda a: (a.name.casefold(), a.id))
    return _rows(session, found)


def actor_row(session: Session, actor_id: int) -> ActorRow | None:
    actor = session.get(RegistryActor, actor_id)
    return None if actor is None else _rows(session, [actor])[0]


def _rank(actor_name: str, actor_aliases: Iterable[str] | None, needle: str) -> int | None:
    """How well ``needle`` (casefolded) matches: exact name, exact alias, prefix, word prefix,
    substring, the name or an alias inside the needle (lower is better); None: no match."""
    name = actor_name.casefold()
    aliases = [a.casefold() for a in actor_aliases or ()]
    if name == needle:
        return 0
    if needle in aliases:
        return 1
    if name.startswith(needle):
        return 2
    if any(a.startswith(needle) for a in aliases):
        return 3
    words = [w for text in (name, *aliases) for w in re.split(r"\W+", text) if w]
    if any(w.startswith(needle) for w in words):
        return 4
    if needle in name or any(needle in a for a in aliases):
        return 5
    if any(_within(text, needle) for text in (name, *aliases)):
        return 6  # the mention reads "Shop owner Priya Nandakumar": offer Priya Nandakumar
    return None


def _within(text: str, needle: str) -> bool:
    """``text`` occurs in ``needle`` as whole words (a name inside a longer mention)."""
    return bool(text.strip()) and re.search(rf"(?<!\w){re.escape(text)}(?!\w)", needle) is not None


def match_actors(session: Session, project_id: int, text: str, limit: int = 10) -> list[ActorRow]:
    """Live actors whose name or an alias matches ``text`` (ignoring case), best first; among
    equals the most mentioned first (the autocomplete of the actor picker).

    Asked right after the frame of the keystroke that adds an actor span, so it reads
    columns, not ORM objects, counts mentions only of the matching actors and quotes and claims
    only of the ``limit`` it returns."""
    needle = " ".join(text.split()).casefold()
    query = select(
        RegistryActor.id,
        RegistryActor.name,
        RegistryActor.aliases,
        RegistryActor.kind,
        RegistryActor.external_id,
        RegistryActor.attributes,
        RegistryActor.merged_into_id,
    ).where(RegistryActor.project_id == project_id, RegistryActor.merged_into_id.is_(None))
    ranked = [(r, a) for a in session.execute(query) if (r := _rank(a.name, a.aliases, needle)) is not None]
    if not ranked or limit <= 0:
        return []
    mentions = _mentions(session, [a.id for _r, a in ranked])
    ranked.sort(key=lambda p: (p[0], -mentions.get(p[1].id, 0), p[1].name.casefold(), p[1].id))
    best = [a for _r, a in ranked[:limit]]
    linked = _linked(session, [a.id for a in best])
    return [_row(a, mentions, linked) for a in best]


def spans_with_names(*columns: Any) -> Select[Any]:
    """A select of span ``columns`` with their document, label and annotator joined (their names
    and project at hand): the reads of actor links (mentions here, agreement's links) share it."""
    return (
        select(*columns)
        .join(Document, Document.id == Annotation.document_id)
        .join(Label, Label.id == Annotation.label_id)
        .join(Annotator, Annotator.id == Annotation.annotator_id)
    )


def mentions_of(session: Session, actor_id: int) -> list[Mention]:
    """Every span pointing to the actor, by document and position (to jump to them)."""
    query = (
        spans_with_names(
            Annotation.document_id,
            Document.title,
            Annotation.id,
            Annotation.start,
            Annotation.end,
            Annotation.text,
            Label.name,
            Annotator.name,
        )
        .where(Annotation.actor_id == actor_id)
        .order_by(Annotation.document_id, Annotation.start, Annotation.id)
    )
    return [Mention(*row) for row in session.execute(query)]


def _bounded(text: str, start: int, end: int) -> bool:
    before = text[start - 1] if start > 0 else " "
    after = text[end] if end < len(text) else " "
    return not (before.isalnum() or after.isalnum())


def same_name_unlinked(session: Session, document_id: int, text: str, annotator_id: int) -> SameName:
    """Where ``text`` occurs again in the document, for "link the same name elsewhere": the
    annotator's actor spans with that text (ignoring case) not linked to an actor yet, and
    whole-word occurrences no actor span of theirs covers."""
    needle = " ".join(text.split())
    project_id, body = session.execute(
        select(Document.project_id, Document.text).where(Document.id == document_id)
    ).one()
    if not needle:
        return SameName([], [])
    labels = actor_label_ids(session, project_id)
    mine = session.execute(
        select(Annotation.id, Annotation.start, Annotation.end, Annotation.text, Annotation.actor_id).where(
            Annotation.document_id == document_id,
            Annotation.annotator_id == annotator_id,
            Annotation.label_id.in_(labels),
        )
    ).all()
    folded = needle.casefold()
    spans = [i for i, _s, _e, t, actor in mine if actor is None and " ".join(t.split()).casefold() == folded]
    covered = [(s, e) for _i, s, e, _t, _a in mine]
    occurrences = []
    for found in re.finditer(re.escape(needle), body, flags=re.IGNORECASE):
        start, end = found.span()
        if not _bounded(body, start, end):
            continue
        if any(s < end and start < e for s, e in covered):
            continue
        occurrences.append((start, end))
    return SameName(spans, occurrences)

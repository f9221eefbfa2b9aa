"""What the review view shows for one document: each chosen annotator's spans, the gold layer,
the span and relation rejections, and the units of agreement and disagreement with their state.

One read per document (a handful of indexed queries), then pure Python: the GUI redraws from a
``Curation`` and asks it which spans a decision is about, so no widget knows about SQL.
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.attributes import canonical
from annotator.errors import NotFoundError
from annotator.model import (
    Annotation,
    Annotator,
    Document,
    Label,
    Rejection,
    Relation,
    RelationRejection,
    RelationType,
    Role,
)
from annotator.review.compare import Kind, Link, Mark, Unit, compare
from annotator.review.readings import GoldIndex
from annotator.span_reads import SPAN_COLUMNS

SpanKey = tuple[int, int, int]  # start, end, label id
LinkKey = tuple[SpanKey, SpanKey, str]  # source, target, relation type name


class State(enum.StrEnum):
    """How a span or a unit stands in the review."""

    AGREED = "agreed"  # every chosen annotator has it, not in gold yet
    OPEN = "open"  # a disagreement nobody decided yet
    ACCEPTED = "accepted"  # in gold
    REJECTED = "rejected"  # kept out of gold
    EDITED = "edited"  # gold holds the reviewer's own span here


@dataclass(frozen=True, slots=True)
class AnnotatorRow:
    id: int
    name: str
    role: str


@dataclass(frozen=True, slots=True)
class Version:
    """One reading of a unit: offsets and label, and who chose it."""

    start: int
    end: int
    label: str
    label_id: int
    span_ids: tuple[int, ...]
    annotators: tuple[str, ...]
    state: State


@dataclass(slots=True)
class Curation:
    document_id: int
    project_id: int
    review_status: str
    annotators: list[AnnotatorRow]
    gold_id: int | None
    labels: dict[int, str]
    # Spans as (start, end, id, label_id, annotator_id, version), in text order.
    spans: list[tuple[int, int, int, int, int, int]] = field(default_factory=list)
    gold: list[tuple[int, int, int, int, int, int]] = field(default_factory=list)
    sources: dict[int, tuple[str, ...]] = field(default_factory=dict)
    rejections: dict[SpanKey, int] = field(default_factory=dict)
    units: list[Unit] = field(default_factory=list)
    # Gold relations as (source gold span id, target gold span id, type name).
    gold_relations: set[tuple[int, int, str]] = field(default_factory=set)
    relation_rejections: dict[LinkKey, int] = field(default_factory=dict)
    types: dict[int, str] = field(default_factory=dict)

    @property
    def label_ids(self) -> dict[str, int]:
        return {name: i for i, name in self.labels.items()}

    @property
    def type_ids(self) -> dict[str, int]:
        return {name: i for i, name in self.types.items()}

    def link_key(self, link: Link) -> LinkKey:
        """A relation by its ends' offsets and label ids and its type, as gold and rejections hold it."""
        ids = self.label_ids
        return (
            (link.source[0], link.source[1], ids.get(link.source[2], -1)),
            (link.target[0], link.target[1], ids.get(link.target[2], -1)),
            link.type,
        )

    def gold_index(self) -> GoldIndex:
        return GoldIndex((g[0], g[1], g[2], g[3]) for g in self.gold)

    def link_in_gold(self, link: Link, index: GoldIndex | None = None) -> bool:
        """Gold holds this relation: one of its type between the gold spans that stand for its ends
        (the reviewer may have taken other boundaries for them)."""
        source, target, kind = self.link_key(link)
        index = index or self.gold_index()
        ends = index.representative(source), index.representative(target)
        return None not in ends and (ends[0], ends[1], kind) in self.gold_relations

    def gold_keys(self) -> set[SpanKey]:
        return {(g[0], g[1], g[3]) for g in self.gold}

    def disagreements(self) -> list[Unit]:
        return [u for u in self.units if u.kind != Kind.AGREED]

    def agreed_open(self) -> int:
        """Agreed units not in gold yet: what "accept all agreed" would bring in."""
        index, ids = self.gold_index(), self.label_ids
        return sum(
            1
            for u in self.units
            if u.kind == Kind.AGREED
            and u.marks
            and index.representative((u.start, u.end, ids[u.marks[0].label])) is None
        )

    def versions(self, unit: Unit) -> list[Version]:
        """The distinct readings of a span unit, in text order."""
        groups: dict[tuple[int, int, str], list[Mark]] = defaultdict(list)
        for mark in unit.marks:
            groups[(mark.start, mark.end, mark.label)].append(mark)
        gold, ids = self.gold_keys(), self.label_ids
        out = []
        for (start, end, label), marks in sorted(groups.items()):
            key = (start, end, ids[label])
            state = (
                State.ACCEPTED if key in gold else State.REJECTED if key in self.rejections else State.OPEN
            )
            out.append(
                Version(
                    start,
                    end,
                    label,
                    ids[label],
                    tuple(m.id for m in marks),
                    tuple(sorted({m.annotator for m in marks})),
                    state,
                )
            )
        return out

    def unit_state(self, unit: Unit) -> State:
        if unit.links:
            key = self.link_key(unit.links[0])
            if self.link_in_gold(unit.links[0]):
                return State.ACCEPTED
            if key in self.relation_rejections:
                return State.REJECTED
            return State.AGREED if unit.kind == Kind.AGREED else State.OPEN
        versions = self.versions(unit)
        if any(v.state == State.ACCEPTED for v in versions):
            return State.ACCEPTED
        if any(g[0] < unit.end and g[1] > unit.start for g in self.gold):
            return State.EDITED
        if versions and all(v.state == State.REJECTED for v in versions):
            return State.REJECTED
        return State.AGREED if unit.kind == Kind.AGREED else State.OPEN

    def span_states(self) -> dict[int, State]:
        """The state of every chosen annotator's span, for colouring the panes."""
        out: dict[int, State] = {}
        gold, ids = self.gold_keys(), self.label_ids
        for unit in self.units:
            for mark in unit.marks:
                key = (mark.start, mark.end, ids[mark.label])
                if key in gold:
                    state = State.ACCEPTED
                elif key in self.rejections:
                    state = State.REJECTED
                else:
                    state = State.AGREED if unit.kind == Kind.AGREED else State.OPEN
                out[mark.id] = state
        return out

    def unit_of_span(self, span_id: int) -> Unit | None:
        return next((u for u in self.units if any(m.id == span_id for m in u.marks)), None)


def annotator_rows(session: Session, project_id: int) -> list[AnnotatorRow]:
    """The project's people with their roles, by name (the gold layer included, role "gold")."""
    query = (
        select(Annotator.id, Annotator.name, Annotator.role)
        .where(Annotator.project_id == project_id)
        .order_by(Annotator.name)
    )
    return [AnnotatorRow(*row) for row in session.execute(query)]


def annotators_in_document(session: Session, document_id: int) -> list[int]:
    """Who has spans in the document (the review view's default choice)."""
    query = select(Annotation.annotator_id).where(Annotation.document_id == document_id).distinct()
    return sorted(session.scalars(query))


def document_ids(session: Session, project_id: int, status: str | None = None) -> list[int]:
    """Ids of the project's documents, optionally only those with ``status`` (agreement filter)."""
    query = select(Document.id).where(Document.project_id == project_id)
    if status is not None:
        query = query.where(Document.status == status)
    return list(session.scalars(query.order_by(Document.id)))


def load_curation(session: Session, document_id: int, annotator_ids: Sequence[int]) -> Curation:
    """Everything the review view needs for ``document_id`` and the chosen annotators."""
    doc = session.execute(
        select(Document.project_id, Document.review_status).where(Document.id == document_id)
    ).first()
    if doc is None:
        raise NotFoundError(f"no document with id {document_id}")
    project_id, status = doc
    people = {a.id: a for a in annotator_rows(session, project_id)}
    gold_id = next((a.id for a in people.values() if a.role == Role.GOLD.value), None)
    chosen = [people[i] for i in annotator_ids if i in people and i != gold_id]
    labels = dict(session.execute(select(Label.id, Label.name).where(Label.project_id == project_id)).all())
    types = dict(
        session.execute(
            select(RelationType.id, RelationType.name).where(RelationType.project_id == project_id)
        ).all()
    )
    wanted = {a.id for a in chosen} | ({gold_id} if gold_id is not None else set())
    rows = session.execute(
        select(
            *SPAN_COLUMNS,
            Annotation.sources,
            Annotation.attributes,
            Annotation.fragments,
            Annotation.actor_id,
        ).where(Annotation.document_id == document_id, Annotation.annotator_id.in_(wanted))
    ).all()
    spans = sorted(tuple(r[:6]) for r in rows if r[4] != gold_id)
    gold = sorted(tuple(r[:6]) for r in rows if r[4] == gold_id)
    result = Curation(document_id, project_id, status, chosen, gold_id, labels, types=types)
    result.spans = spans
    result.gold = gold
    result.sources = {r[2]: tuple(r[6] or ()) for r in rows if r[4] == gold_id}
    result.rejections = {
        (s, e, lab): i
        for i, s, e, lab in session.execute(
            select(Rejection.id, Rejection.start, Rejection.end, Rejection.label_id).where(
                Rejection.document_id == document_id
            )
        ).all()
    }
    result.relation_rejections = {
        (
            (r.source_start, r.source_end, r.source_label_id),
            (r.target_start, r.target_end, r.target_label_id),
            types[r.type_id],
        ): r.id
        for r in session.scalars(
            select(RelationRejection).where(RelationRejection.document_id == document_id)
        )
    }
    by_id = {r[2]: r for r in rows}
    names = {a.id: a.name for a in chosen}
    # Readings agree on their codebook values and on the registry actor they name (as "@actor").
    values = {r[2]: canonical({**(r[7] or {}), **({"@actor": r[9]} if r[9] else {})}) for r in rows}
    parts = {r[2]: tuple((a, b) for a, b in r[8]) for r in rows if r[8]}  # multi-part spans
    marks = [
        Mark(s[2], names[s[4]], s[0], s[1], labels[s[3]], values.get(s[2], ""), parts.get(s[2], ()))
        for s in spans
    ]
    links: list[Link] = []
    for rel_id, src, dst, kind, who in session.execute(
        select(
            Relation.id, Relation.source_id, Relation.target_id, Relation.type_id, Relation.annotator_id
        ).where(Relation.document_id == document_id, Relation.annotator_id.in_(wanted))
    ).all():
        a, b = by_id.get(src), by_id.get(dst)
        if a is None or b is None:
            continue
        if who == gold_id:
            result.gold_relations.add((src, dst, types[kind]))
        else:
            links.append(
                Link(rel_id, names[who], (a[0], a[1], labels[a[3]]), (b[0], b[1], labels[b[3]]), types[kind])
            )
    result.units = compare(marks, links, [a.name for a in chosen])
    return result

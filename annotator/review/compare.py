"""Where annotators agree and where they do not, span by span (pure functions, no database).

A *unit* is a stretch of text that at least one chosen annotator marked: spans that overlap and
share a label, or sit on exactly the same offsets, are compared as one unit. Each unit is agreed
(every chosen annotator has the same offsets and label, and for a multi-part span the same parts)
or a disagreement of one kind (other parts of the same hull: "boundaries differ").
"""

from __future__ import annotations

import enum
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field


class Kind(enum.StrEnum):
    AGREED = "agreed"
    ONLY_SOME = "only some annotators have it"
    LABEL = "label differs"
    BOUNDARIES = "boundaries differ"
    RELATION = "relation differs"
    ATTRIBUTES = "attribute differs"  # same offsets and label, other codebook values or actor


@dataclass(frozen=True, slots=True)
class Mark:
    """One annotator's span."""

    id: int
    annotator: str
    start: int
    end: int
    label: str
    values: str = ""  # its attribute values as canonical JSON ("" for none)
    parts: tuple[tuple[int, int], ...] = ()  # a multi-part span's parts (all must agree); () for one


@dataclass(frozen=True, slots=True)
class Link:
    """One annotator's relation, by its endpoints' offsets and labels."""

    id: int
    annotator: str
    source: tuple[int, int, str]
    target: tuple[int, int, str]
    type: str


@dataclass(slots=True)
class Unit:
    kind: Kind
    start: int
    end: int
    marks: list[Mark] = field(default_factory=list)
    links: list[Link] = field(default_factory=list)

    @property
    def annotators(self) -> set[str]:
        return {m.annotator for m in self.marks} | {link.annotator for link in self.links}


def _clusters(marks: Sequence[Mark]) -> list[list[Mark]]:
    """Group spans that overlap one another (transitively), in text order."""
    groups: list[list[Mark]] = []
    end = -1
    for mark in sorted(marks, key=lambda m: (m.start, m.end, m.label, m.annotator)):
        if groups and mark.start < end:
            groups[-1].append(mark)
            end = max(end, mark.end)
        else:
            groups.append([mark])
            end = mark.end
    return groups


def _classify(group: list[Mark], annotators: Sequence[str]) -> list[Unit]:
    """Split one overlap cluster into agreed units and disagreements."""
    by_key: dict[tuple[int, int, str, tuple[tuple[int, int], ...]], list[Mark]] = defaultdict(list)
    for mark in group:
        by_key[(mark.start, mark.end, mark.label, mark.parts)].append(mark)
    everyone = set(annotators)
    units: list[Unit] = []
    rest: list[Mark] = []
    for (start, end, _label, _parts), marks in sorted(by_key.items()):
        if {m.annotator for m in marks} >= everyone:
            same = len({m.values for m in marks if m.annotator in everyone}) == 1
            units.append(Unit(Kind.AGREED if same else Kind.ATTRIBUTES, start, end, marks))
        else:
            rest.extend(marks)
    if rest:
        start, end = min(m.start for m in rest), max(m.end for m in rest)
        offsets = {(m.start, m.end, m.parts) for m in rest}  # other parts: other boundaries
        labels = {m.label for m in rest}
        people = {m.annotator for m in rest}
        if len(people) == 1 or (len(offsets) == 1 and len(labels) == 1):
            kind = Kind.ONLY_SOME
        elif len(offsets) == 1:
            kind = Kind.LABEL
        elif len(labels) == 1:
            kind = Kind.BOUNDARIES
        else:  # offsets and labels both differ: the label is what a reviewer must decide first
            kind = Kind.LABEL
        units.append(Unit(kind, start, end, rest))
    return units


def compare(marks: Iterable[Mark], links: Iterable[Link], annotators: Sequence[str]) -> list[Unit]:
    """Every unit of one document for ``annotators``, in text order; relations as their own units."""
    chosen = set(annotators)
    marks = [m for m in marks if m.annotator in chosen]
    units = [unit for group in _clusters(marks) for unit in _classify(group, annotators)]
    by_key: dict[tuple[tuple[int, int, str], tuple[int, int, str], str], list[Link]] = defaultdict(list)
    for link in links:
        if link.annotator in chosen:
            by_key[(link.source, link.target, link.type)].append(link)
    for (source, target, _type), found in sorted(by_key.items()):
        kind = Kind.AGREED if {link.annotator for link in found} >= chosen else Kind.RELATION
        start, end = min(source[0], target[0]), max(source[1], target[1])
        units.append(Unit(kind, start, end, links=found))
    units.sort(key=lambda u: (u.start, u.end, u.kind != Kind.AGREED))
    return units


def disagreements(units: Sequence[Unit]) -> list[Unit]:
    return [u for u in units if u.kind != Kind.AGREED]


def next_disagreement(units: Sequence[Unit], position: int, backwards: bool = False) -> Unit | None:
    """The disagreement after (or before) ``position``, wrapping around; for the review keys."""
    found = disagreements(units)
    if not found:
        return None
    if backwards:
        before = [u for u in found if u.start < position]
        return before[-1] if before else found[-1]
    after = [u for u in found if u.start > position]
    return after[0] if after else found[0]


class Against(enum.StrEnum):
    """How one annotator's work differs from a reference layer (gold), said from their side."""

    MISSING = "missing"  # the reference has a span here, they have none
    EXTRA = "extra"  # they have a span the reference does not
    BOUNDARIES = "boundaries differ"
    LABEL = "label differs"
    RELATION_MISSING = "relation missing"
    RELATION_EXTRA = "relation extra"


def against(units: Sequence[Unit], reference: str) -> list[tuple[Against, Unit]]:
    """The disagreements of ``compare(…, [person, reference])``, each named from the person's side
    (read-only: to show an annotator where gold differs, not to decide anything)."""
    named: list[tuple[Against, Unit]] = []
    for unit in disagreements(units):
        in_reference = reference in unit.annotators
        if unit.kind == Kind.RELATION:
            kind = Against.RELATION_MISSING if in_reference else Against.RELATION_EXTRA
        elif unit.kind == Kind.ONLY_SOME:
            kind = Against.MISSING if in_reference else Against.EXTRA
        else:
            kind = Against.BOUNDARIES if unit.kind == Kind.BOUNDARIES else Against.LABEL
        named.append((kind, unit))
    return named

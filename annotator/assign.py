"""Assigning documents to annotators: seeded, reproducible, balanced, with a chosen overlap.

A reviewer picks a team, the share of the documents to code at all, and the overlap: that
fraction of the coded documents goes to ``per_doc`` people (for agreement), the rest to one.
``plan`` works the assignment out without writing (the app previews its counts); ``apply`` writes
it as one undoable step of whoever assigns, audited like every change.

What is already there counts: a team member who is assigned a document, or has labelled it, keeps
it; a document marked done that only people outside the team hold stays theirs; and a re-run only
adds what is missing (the same arguments on a finished run add nothing).
Loads are balanced greedily, least-loaded first, so on a fresh project every annotator ends
within one document of the others. The same seed gives the same assignment.
"""

from __future__ import annotations

import random
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import cast

from sqlalchemy import Table, delete, insert, select

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Annotation, Annotator, Assignment, DocStatus, Document, Role, utcnow
from annotator.tx import Tx
from annotator.undo.log import save
from annotator.undo.rows import RowChange, Step, to_json

DEFAULT_SEED = 0


@dataclass(frozen=True, slots=True)
class Request:
    """What the reviewer asks for (the CLI's and the dialog's fields)."""

    annotators: tuple[str, ...]
    share: float = 1.0
    overlap: float = 0.0
    per_doc: int = 2
    seed: int = DEFAULT_SEED
    documents: tuple[int, ...] | None = None


@dataclass(slots=True)
class Plan:
    """What ``apply`` would add, and the counts a person checks before applying."""

    team: dict[int, str]
    documents: int  # candidate documents (all, or the ones named)
    chosen: list[int]  # the documents that get coders, in id order
    coders: dict[int, list[int]]  # document → annotator ids, existing and new
    added: list[tuple[int, int]] = field(default_factory=list)  # (document, annotator) to insert
    step_id: int | None = None  # once applied: the undo step of whoever assigned

    def by_coders(self) -> dict[int, int]:
        """How many documents have 1, 2, … coders of the team."""
        return dict(sorted(Counter(len(c) for c in self.coders.values() if c).items()))

    def loads(self) -> dict[str, int]:
        """Documents per annotator of the team, existing and new."""
        counts = Counter(a for c in self.coders.values() for a in c)
        return {name: counts.get(i, 0) for i, name in self.team.items()}

    def summary(self) -> str:
        coded = ", ".join(f"{n} with {k}" for k, n in self.by_coders().items()) or "none"
        loads = ", ".join(f"{name} {n}" for name, n in self.loads().items())
        return f"{len(self.chosen)} of {self.documents} documents coded ({coded}); loads: {loads}"


def check_request(request: Request) -> None:
    """Refuse bad numbers before anything is read or written."""
    names = [n.strip() for n in request.annotators]
    if not names or any(not n for n in names):
        raise ValidationError("--annotators needs at least one name (comma-separated)")
    if len(set(names)) != len(names):
        raise ValidationError(f"--annotators names someone twice: {', '.join(names)}")
    if not 0.0 <= request.share <= 1.0:
        raise ValidationError(f"--share must be between 0 and 1, not {request.share}")
    if not 0.0 <= request.overlap <= 1.0:
        raise ValidationError(f"--overlap must be between 0 and 1, not {request.overlap}")
    if request.per_doc < 1:
        raise ValidationError(f"--per-doc must be at least 1, not {request.per_doc}")
    if request.per_doc > len(names):
        raise ValidationError(
            f"--per-doc {request.per_doc} is more than the team of {len(names)} ({', '.join(names)})"
        )


def team_of(tx: Tx, project_id: int, names: Sequence[str]) -> dict[int, str]:
    """The annotators called ``names``, in that order; unknown names and the gold layer refused."""
    rows = tx.session.execute(
        select(Annotator.name, Annotator.id, Annotator.role).where(Annotator.project_id == project_id)
    ).all()
    known = {name: (i, role) for name, i, role in rows}
    team: dict[int, str] = {}
    for name in (n.strip() for n in names):
        if name not in known:
            others = ", ".join(sorted(n for n, (_i, r) in known.items() if r != Role.GOLD.value)) or "none"
            raise NotFoundError(
                f"no annotator named {name!r} in this project (known: {others}); a teammate joins by "
                "opening the project once, or add them with `annotator assign --declare`"
            )
        annotator_id, role = known[name]
        if role == Role.GOLD.value:
            raise ValidationError(f"{name!r} is the gold layer; documents are assigned to people")
        team[annotator_id] = name
    return team


def check_may_assign(tx: Tx, project_id: int) -> None:
    """Reviewers assign (anyone while the project has none, and scripts acting as the system)."""
    if tx.actor is None:
        return
    reviewers = select(Annotator.id).where(
        Annotator.project_id == project_id, Annotator.role == Role.REVIEWER.value
    )
    if tx.session.scalar(reviewers.limit(1)) is not None:
        tx.require_reviewer()


def candidates(tx: Tx, project_id: int, documents: Sequence[int] | None) -> list[int]:
    """The project's documents, or the ones named (each must be the project's)."""
    query = select(Document.id).where(Document.project_id == project_id)
    if documents is None:
        return list(tx.session.scalars(query.order_by(Document.id)))
    wanted = sorted(set(documents))
    found = set(tx.session.scalars(query.where(Document.id.in_(wanted))))
    missing = [d for d in wanted if d not in found]
    if missing:
        raise NotFoundError(f"no document with id {missing[0]} in this project")
    return wanted


def _present(
    tx: Tx, docs: list[int], team: dict[int, str]
) -> tuple[dict[int, list[int]], set[tuple[int, int]]]:
    """Team members who already have each document (assigned it, or labelled in it), and the
    (document, annotator) pairs already assigned."""
    out: dict[int, list[int]] = {d: [] for d in docs}
    have: set[tuple[int, int]] = set()
    people = list(team)
    for chunk in _chunks(docs):
        assigned = select(Assignment.document_id, Assignment.annotator_id).where(
            Assignment.document_id.in_(chunk), Assignment.annotator_id.in_(people)
        )
        labelled = (
            select(Annotation.document_id, Annotation.annotator_id)
            .where(Annotation.document_id.in_(chunk), Annotation.annotator_id.in_(people))
            .distinct()
        )
        rows = [tuple(r) for r in tx.session.execute(assigned)]
        have.update(rows)  # type: ignore[arg-type]
        for doc, who in [*rows, *tx.session.execute(labelled)]:
            if who not in out[doc]:
                out[doc].append(who)
    return out, have


def _not_others_done(tx: Tx, project_id: int, docs: list[int], team: dict[int, str]) -> list[int]:
    """Leave out documents marked done that only people outside the team hold (assigned, or
    labelled in): they stay theirs."""
    done = select(Document.id).where(
        Document.project_id == project_id, Document.status == DocStatus.DONE.value
    )
    gold = select(Annotator.id).where(Annotator.project_id == project_id, Annotator.role == Role.GOLD.value)
    holders: dict[int, set[int]] = {}
    for chunk in _chunks(docs):
        for table in (Assignment, Annotation):
            query = (
                select(table.document_id, table.annotator_id)
                .where(
                    table.document_id.in_(chunk), table.document_id.in_(done), table.annotator_id.not_in(gold)
                )
                .distinct()
            )
            for doc, who in tx.session.execute(query):
                holders.setdefault(doc, set()).add(who)
    theirs = {d for d, who in holders.items() if not who & set(team)}
    return [d for d in docs if d not in theirs]


def _chunks(ids: list[int], size: int = 5000) -> list[list[int]]:
    return [ids[i : i + size] for i in range(0, len(ids), size)] or [[]]


def plan(tx: Tx, project_id: int, request: Request) -> Plan:
    """Work the assignment out (nothing is written); see the module's docstring for the rules."""
    check_request(request)
    team = team_of(tx, project_id, request.annotators)
    docs = _not_others_done(tx, project_id, candidates(tx, project_id, request.documents), team)
    present, have = _present(tx, docs, team)
    rng = random.Random(request.seed)
    order = list(docs)
    rng.shuffle(order)
    rank = {d: i for i, d in enumerate(order)}
    # Documents someone of the team has already come first: they stay chosen, and those with
    # more people already are the overlap ones, so a re-run keeps what it made.
    order.sort(key=lambda d: (-len(present[d]), rank[d]))
    wanted = max(round(request.share * len(docs)), sum(1 for d in docs if present[d]))
    chosen = order[:wanted]
    overlapping = set(chosen[: round(request.overlap * len(chosen))]) if request.per_doc > 1 else set()
    people = list(team)
    rng.shuffle(people)
    tie = {a: i for i, a in enumerate(people)}
    load = Counter(a for d in chosen for a in present[d])
    coders = {d: list(present[d]) for d in chosen}
    # Who labelled a chosen document without having it assigned gets it in their queue.
    added = [(d, a) for d in chosen for a in present[d] if (d, a) not in have]
    # Overlap documents first: they need several distinct people, which is easiest while loads are even.
    for doc in sorted(chosen, key=lambda d: (d not in overlapping, rank[d])):
        need = (request.per_doc if doc in overlapping else 1) - len(coders[doc])
        free = sorted((a for a in people if a not in coders[doc]), key=lambda a: (load[a], tie[a]))
        for who in free[: max(need, 0)]:
            coders[doc].append(who)
            load[who] += 1
            added.append((doc, who))
    return Plan(team, len(docs), sorted(chosen), {d: coders[d] for d in sorted(chosen)}, sorted(added))


def _actor_name(tx: Tx) -> str:
    return tx.actor.name if tx.actor is not None else "system"


def _save_step(tx: Tx, title: str, changes: list[RowChange]) -> int | None:
    """One undo step of the person assigning (the system keeps none: only the audit log)."""
    if not changes or tx.actor is None or tx.actor.id is None:
        return None
    docs = tuple(sorted({int((c.after or c.before or {})["document_id"]) for c in changes}))
    return save(tx, tx.actor.id, Step(title, "assign", documents=docs, changes=changes))


def insert_pairs(tx: Tx, project_id: int, pairs: Sequence[tuple[int, int]]) -> list[RowChange]:
    """Add (document, annotator) rows, audited; returns them as undo rows."""
    if not pairs:
        return []
    by, now = _actor_name(tx), utcnow()
    values = [
        {"project_id": project_id, "document_id": d, "annotator_id": a, "assigned_by": by, "created_at": now}
        for d, a in pairs
    ]
    table = cast(Table, Assignment.__table__)
    ids = list(tx.session.scalars(insert(table).returning(table.c.id, sort_by_parameter_order=True), values))
    names = _names(tx, project_id)
    details = [{"document": d, "annotator": names.get(a, a)} for d, a in pairs]
    tx.record("assignment", "created", ids, tuple(sorted({d for d, _a in pairs})), details=details)
    return [
        RowChange("assignment", i, None, to_json({"id": i, **v})) for i, v in zip(ids, values, strict=True)
    ]


def _remove(tx: Tx, project_id: int, rows: Sequence[Assignment]) -> list[RowChange]:
    """Delete assignment rows, audited; returns them as undo rows."""
    if not rows:
        return []
    columns = [c.name for c in Assignment.__table__.columns]
    images = [to_json({c: getattr(r, c) for c in columns}) for r in rows]
    ids = [r.id for r in rows]
    names = _names(tx, project_id)
    details = [{"document": r.document_id, "annotator": names.get(r.annotator_id)} for r in rows]
    tx.session.execute(delete(Assignment).where(Assignment.id.in_(ids)))
    tx.record("assignment", "deleted", ids, tuple(sorted({r.document_id for r in rows})), details=details)
    tx.session.expire_all()
    return [RowChange("assignment", i, image, None) for i, image in zip(ids, images, strict=True)]


def _names(tx: Tx, project_id: int) -> dict[int, str]:
    query = select(Annotator.id, Annotator.name).where(Annotator.project_id == project_id)
    return {i: n for i, n in tx.session.execute(query)}


def apply(tx: Tx, project_id: int, request: Request) -> Plan:
    """Plan and write the assignment (as one undoable step); returns the plan it wrote."""
    check_may_assign(tx, project_id)
    made = plan(tx, project_id, request)
    made.step_id = _save_step(
        tx, f"Assign {len(made.added)} document(s)", insert_pairs(tx, project_id, made.added)
    )
    return made


def _queue(tx: Tx, project_id: int, who: int, documents: Sequence[int] | None) -> list[Assignment]:
    query = select(Assignment).where(Assignment.annotator_id == who)
    if documents is not None:
        query = query.where(Assignment.document_id.in_(candidates(tx, project_id, documents)))
    return list(tx.session.scalars(query.order_by(Assignment.document_id)))


def assign_to(tx: Tx, project_id: int, name: str, documents: Sequence[int]) -> int:
    """Add ``documents`` to one annotator's queue (those already there are left); returns how many."""
    check_may_assign(tx, project_id)
    (who,) = team_of(tx, project_id, [name])
    have = {r.document_id for r in _queue(tx, project_id, who, documents)}
    pairs = [(d, who) for d in candidates(tx, project_id, documents) if d not in have]
    _save_step(tx, f"Assign {len(pairs)} document(s) to {name}", insert_pairs(tx, project_id, pairs))
    return len(pairs)


def unassign(tx: Tx, project_id: int, name: str, documents: Sequence[int] | None) -> int:
    """Take ``documents`` (default: all) out of one annotator's queue; their labels stay."""
    check_may_assign(tx, project_id)
    (who,) = team_of(tx, project_id, [name])
    rows = _queue(tx, project_id, who, documents)
    _save_step(tx, f"Unassign {len(rows)} document(s) from {name}", _remove(tx, project_id, rows))
    return len(rows)


def reassign(tx: Tx, project_id: int, source: str, target: str, documents: Sequence[int] | None) -> int:
    """Move ``documents`` (default: those not done) from one queue to another, as one step;
    documents the target has already just leave the source's queue."""
    check_may_assign(tx, project_id)
    (old,) = team_of(tx, project_id, [source])
    (new,) = team_of(tx, project_id, [target])
    if old == new:
        raise ValidationError(f"{source!r} and {target!r} are the same annotator")
    rows = _queue(tx, project_id, old, documents)
    if documents is None:
        done = set(
            tx.session.scalars(
                select(Document.id).where(
                    Document.id.in_([r.document_id for r in rows]), Document.status == "done"
                )
            )
        )
        rows = [r for r in rows if r.document_id not in done]
    moving = [r.document_id for r in rows]
    have = {r.document_id for r in _queue(tx, project_id, new, moving)} if moving else set()
    changes = _remove(tx, project_id, rows)
    changes += insert_pairs(tx, project_id, [(d, new) for d in moving if d not in have])
    _save_step(tx, f"Reassign {len(moving)} document(s) from {source} to {target}", changes)
    return len(moving)

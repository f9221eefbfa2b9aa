"""Progress of a coding team: queues, who is done, the overlap set, and time spent per document.

Per annotator, an assigned document is *done* when it is marked done, *in progress* when it is
not but they have labelled in it, spent time on it, or it is marked in progress, else *new*.
Time is what the app measures (``ActiveClock``): seconds while a document is open and the person
is active; a pause longer than ``IDLE`` counts nothing. ``record_time`` adds it up per document
and person; it is a measurement, not an edit, so it has no undo step.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.errors import ValidationError
from annotator.model import Annotation, Annotator, Assignment, DocStatus, Document, WorkTime, utcnow
from annotator.tx import Tx

if TYPE_CHECKING:
    from annotator.assign import Plan, Request
    from annotator.store import Store

IDLE = 300.0  # seconds without a key or click after which the time is not counted


class ActiveClock:
    """Active time on one document: the time between events, except gaps longer than ``IDLE``.

    Plain Python on given times (the app passes a monotonic clock), so it is tested without timers.
    """

    def __init__(self, idle: float = IDLE) -> None:
        self.idle = idle
        self._last: float | None = None
        self._seconds = 0.0

    def start(self, now: float) -> None:
        self._last, self._seconds = now, 0.0

    def touch(self, now: float) -> None:
        """The person did something: the time since the last event counts unless it was idle."""
        if self._last is not None and 0 <= now - self._last <= self.idle:
            self._seconds += now - self._last
        self._last = now

    def take(self, now: float) -> float:
        """The active seconds so far (up to ``now``), and start again from zero."""
        self.touch(now)
        seconds, self._seconds = self._seconds, 0.0
        return seconds

    def stop(self) -> None:
        self._last = None


def record_time(tx: Tx, document_id: int, annotator_id: int, seconds: float) -> None:
    """Add ``seconds`` of active work on a document to an annotator's total."""
    if seconds < 0:
        raise ValidationError("time spent cannot be negative")
    if seconds == 0:
        return
    row = tx.session.scalar(
        select(WorkTime).where(WorkTime.document_id == document_id, WorkTime.annotator_id == annotator_id)
    )
    if row is None:
        tx.session.add(
            WorkTime(document_id=document_id, annotator_id=annotator_id, seconds=seconds, updated_at=utcnow())
        )
    else:
        row.seconds += seconds
        row.updated_at = utcnow()
    tx.session.flush()


@dataclass(frozen=True, slots=True)
class PersonProgress:
    annotator: str
    assigned: int = 0
    done: int = 0
    in_progress: int = 0
    new: int = 0
    seconds: float = 0.0  # active time on their documents
    timed: int = 0  # documents with time recorded

    @property
    def seconds_per_document(self) -> float:
        return self.seconds / self.timed if self.timed else 0.0


@dataclass(slots=True)
class Progress:
    people: list[PersonProgress] = field(default_factory=list)
    documents: int = 0
    assigned: int = 0  # documents in someone's queue
    overlap: int = 0  # documents in two or more queues
    done: int = 0
    in_progress: int = 0
    seconds: float = 0.0

    def to_json(self) -> dict[str, Any]:
        people = [
            {**asdict(p), "seconds_per_document": round(p.seconds_per_document, 1)} for p in self.people
        ]
        overall = {k: v for k, v in asdict(self).items() if k != "people"}
        return {"annotators": people, "overall": overall}


def has_assignments(session: Session, project_id: int) -> bool:
    query = select(Assignment.id).where(Assignment.project_id == project_id).limit(1)
    return session.scalar(query) is not None


def queue(session: Session, annotator_id: int) -> list[int]:
    """The documents assigned to an annotator, in id order."""
    query = select(Assignment.document_id).where(Assignment.annotator_id == annotator_id)
    return sorted(session.scalars(query))


def overlap_documents(
    session: Session, project_id: int, annotators: Sequence[int] | None = None
) -> list[int]:
    """Documents assigned to two or more people (of ``annotators``, when given): the agreement set."""
    query = select(Assignment.document_id).where(Assignment.project_id == project_id)
    if annotators is not None:
        query = query.where(Assignment.annotator_id.in_(list(annotators)))
    query = query.group_by(Assignment.document_id).having(func.count() >= 2)
    return sorted(session.scalars(query))


def progress(session: Session, project_id: int) -> Progress:
    """Per annotator who has a queue or recorded time, and overall."""
    people = dict(
        session.execute(select(Annotator.id, Annotator.name).where(Annotator.project_id == project_id)).all()
    )
    status = dict(
        session.execute(select(Document.id, Document.status).where(Document.project_id == project_id)).all()
    )
    pairs = session.execute(
        select(Assignment.annotator_id, Assignment.document_id).where(Assignment.project_id == project_id)
    ).all()
    people_ids = list(people)
    labelled = set(
        session.execute(
            select(Annotation.annotator_id, Annotation.document_id)
            .where(Annotation.annotator_id.in_(people_ids))
            .distinct()
        )
    )
    times = {
        (a, d): s
        for a, d, s in session.execute(
            select(WorkTime.annotator_id, WorkTime.document_id, WorkTime.seconds).where(
                WorkTime.annotator_id.in_(people_ids)
            )
        )
    }
    queues: dict[int, list[int]] = {}
    for who, doc in pairs:
        queues.setdefault(who, []).append(doc)
    out = Progress(documents=len(status))
    for who in sorted({*queues, *(a for a, _d in times)}, key=lambda i: people[i]):
        counts: Counter[str] = Counter()
        for doc in queues.get(who, []):
            if status.get(doc) == DocStatus.DONE.value:
                counts["done"] += 1
            elif (
                status.get(doc) == DocStatus.IN_PROGRESS.value
                or (who, doc) in labelled
                or (who, doc) in times
            ):
                counts["in_progress"] += 1
            else:
                counts["new"] += 1
        mine = [s for (a, _d), s in times.items() if a == who]
        out.people.append(
            PersonProgress(
                people[who],
                assigned=len(queues.get(who, [])),
                done=counts["done"],
                in_progress=counts["in_progress"],
                new=counts["new"],
                seconds=round(sum(mine), 1),
                timed=len(mine),
            )
        )
    coders = Counter(doc for _who, doc in pairs)
    out.assigned, out.overlap = len(coders), sum(1 for n in coders.values() if n >= 2)
    out.done = sum(1 for doc in coders if status.get(doc) == DocStatus.DONE.value)
    out.in_progress = sum(p.in_progress for p in out.people)
    out.seconds = round(sum(times.values()), 1)
    return out


class TeamReads:
    """The project object's reads and writes for a team (``ProjectContext.team``), each in its
    own short session or transaction, so the app never opens one."""

    def __init__(self, store: Store, project_id: int) -> None:
        self.store, self.project_id = store, project_id

    def has_assignments(self) -> bool:
        with self.store.session() as session:
            return has_assignments(session, self.project_id)

    def queue(self, annotator_id: int) -> list[int]:
        with self.store.session() as session:
            return queue(session, annotator_id)

    def overlap_documents(self, annotators: Sequence[int] | None = None) -> list[int]:
        with self.store.session() as session:
            return overlap_documents(session, self.project_id, annotators)

    def progress(self) -> Progress:
        with self.store.session() as session:
            return progress(session, self.project_id)

    def preview(self, request: Request) -> Plan:
        """What assigning would do (nothing is written)."""
        from annotator.assign import plan

        with self.store.session() as session:
            return plan(Tx(session), self.project_id, request)

    def add_time(self, document_id: int, annotator_id: int, seconds: float) -> None:
        with self.store.transaction() as tx:
            record_time(tx, document_id, annotator_id, seconds)

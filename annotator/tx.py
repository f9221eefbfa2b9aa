"""The unit of work: one user action's session, who started it, and the changes it made.

It lives apart from ``store`` so that the audit log, the operations and the store can all name
it without importing each other (the store opens transactions, the audit log reads them).
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any

from sqlalchemy import select, update
from sqlalchemy.orm import Session

from annotator.errors import ValidationError
from annotator.events import Action, Change, Entity
from annotator.model import Annotator, Role


class TextCache:
    """The last few documents' project and text, by id: span edits on a 1 MB article need its
    length and a slice, and reading the text for each keystroke costs milliseconds."""

    def __init__(self, size: int = 8) -> None:
        self._items: OrderedDict[int, tuple[int, str]] = OrderedDict()
        self._size = size

    def get(self, document_id: int) -> tuple[int, str] | None:
        found = self._items.get(document_id)
        if found is not None:
            self._items.move_to_end(document_id)
        return found

    def put(self, document_id: int, project_id: int, text: str) -> None:
        self._items[document_id] = (project_id, text)
        self._items.move_to_end(document_id)
        while len(self._items) > self._size:
            self._items.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who starts a change. An annotator (``id`` set) may change only their own annotations."""

    name: str
    id: int | None = None
    role: str = "annotator"


@dataclass(slots=True)
class Tx:
    """One user action: a session, who started it, and the changes the operations made in it."""

    session: Session
    origin: object | None = None
    actor: Actor | None = None
    changes: list[Change] = field(default_factory=list)
    client: str | None = None
    # The store's small cache of document texts (texts never change once stored), see ops.
    texts: TextCache | None = None
    # The account behind the action: the database login on PostgreSQL, the OS user on SQLite.
    account: str | None = None
    # A teammate's PostgreSQL login, who is the annotator of that login (see Store.login).
    login: str | None = None
    # True inside a review operation (see ``reviewing``): only then may the gold layer change.
    review: bool = False
    # Per-row audit details of a change, by its index in ``changes`` (see ``record``).
    row_details: dict[int, list[dict[str, Any]]] = field(default_factory=dict)
    # Names (of labels, annotators, relation types) read during this action, for audit details.
    names: dict[tuple[str, int], str] = field(default_factory=dict)

    def record(
        self,
        entity: Entity,
        action: Action,
        ids: tuple[int, ...] | list[int],
        documents: tuple[int, ...] = (),
        detail: dict[str, Any] | None = None,
        details: Sequence[dict[str, Any]] | None = None,
    ) -> None:
        """Report a change; ``details`` (one per id) go to each row's audit entry, so that a
        delete records what each deleted row was."""
        if details is not None:
            if len(details) != len(ids):
                raise ValueError("one audit detail per id")
            self.row_details[len(self.changes)] = list(details)
        self.changes.append(Change(entity, action, tuple(ids), tuple(documents), detail))

    @contextmanager
    def reviewing(self) -> Iterator[Tx]:
        """The capability the review operations (accept, reject, adjudicate) hold to write gold.

        Only a reviewer (their role read from the database, not trusted from the actor) or the
        system (no actor: scripts) may enter it; ordinary span and relation operations outside it
        refuse the gold layer whoever asks.
        """
        self.require_reviewer()
        before, self.review = self.review, True
        try:
            yield self
        finally:
            self.review = before

    def require_reviewer(self) -> int | None:
        """Refuse unless a reviewer (by the database, not the actor's say) or the system acts;
        returns the reviewer's annotator id (None for the system and named scripts)."""
        actor = self.actor
        if actor is None:
            return None
        role: str | None = actor.role
        if actor.id is not None:
            role = self.session.scalar(select(Annotator.role).where(Annotator.id == actor.id))
        if role != Role.REVIEWER.value:
            raise ValidationError(f"{actor.name} is not a reviewer; only reviewers adjudicate")
        if actor.id is not None:
            self.check_reviewer_account(actor.id, actor.name)
        return actor.id

    def check_reviewer_account(self, annotator_id: int, name: str) -> None:
        """On SQLite, where a name is only declared, a reviewer's rights stay with the OS account
        that first used them: typing a reviewer's name from another account grants nothing.

        PostgreSQL needs no such rule: there the person is the database login, checked by the server.
        """
        if self.login is not None or self.account is None:
            return
        if self.session.get_bind().dialect.name != "sqlite":
            return
        bound = self.session.scalar(select(Annotator.os_account).where(Annotator.id == annotator_id))
        if bound is None:
            self.session.execute(
                update(Annotator).where(Annotator.id == annotator_id).values(os_account=self.account)
            )
        elif bound != self.account:
            raise ValidationError(
                f"{name}'s reviewer rights belong to the OS account {bound!r}, not {self.account!r}: "
                "a name typed under another account is not that reviewer"
            )

    def check_owner(self, annotator_id: int, what: str) -> None:
        """Refuse changing another annotator's work, and the gold layer outside a review operation.

        The gold layer (the spans of the project's gold annotator) is written only through
        ``reviewing``; annotators started by a person change only their own work. An actor
        changing their own work skips the lookup: actors are made from annotators that are not
        gold (``ops.projects.identify`` refuses gold), and this is every keystroke's path.
        """
        actor = self.actor
        if actor is not None and actor.id == annotator_id and actor.role != Role.GOLD.value:
            return
        owner = self.session.get(Annotator, annotator_id)
        if owner is not None and owner.role == Role.GOLD.value:
            if not self.review:
                raise ValidationError(
                    f"{what} is in the gold layer, which only review (accept, reject, adjudicate) changes"
                )
            return
        if actor is None or actor.id is None or actor.id == annotator_id:
            return
        raise ValidationError(f"{what} belongs to another annotator; {actor.name} may change only their own")

"""Whose name goes on imported labels.

An import writes as the person running it: every span and relation it brings in is theirs,
whatever name the file puts on it (the report says how many named someone else). Only when a
reviewer explicitly keeps the file's names (``--keep-annotators``) do labels go in as those
annotators, and spans the file gives to the gold layer go into the project's gold layer; the
audit log records the runner and the names. A project that has nobody in it yet (a fresh project
restored from an export) may be filled by whoever creates it.
"""

from __future__ import annotations

from collections import Counter
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.orm import Session

from annotator.errors import ValidationError
from annotator.model import Annotator, Role
from annotator.store import Actor, Tx

GOLD_NAME = "gold"


def is_gold_name(name: str) -> bool:
    """Whether a file gives a label to the gold layer (however it spells "gold")."""
    return name.strip().casefold() == GOLD_NAME


def runner_of(actor: Actor | None, declared: str | None) -> str | None:
    """Who runs an import or merge: the app's (or login's) person, else the declared name."""
    if actor is not None and actor.id is not None:
        return actor.name
    return declared or (actor.name if actor is not None else None)


def _login_person(tx: Tx, project_id: int, declared: str | None) -> Actor | None:
    """Who runs the import or merge: on PostgreSQL a teammate is their login (a declared name that
    is not theirs is refused, as everywhere), else the transaction's actor."""
    actor = tx.actor
    if tx.login is None or (actor is not None and actor.id is not None):
        return actor
    from annotator.ops.projects import actor_of, identify

    return actor_of(identify(tx, project_id, declared))


def keep_refusal(session: Session, project_id: int, actor: Actor | None, declared: str | None) -> str | None:
    """Why the runner may not keep the file's annotator names; None when they may.

    Allowed: a reviewer of the project (their role read from the database), anyone while the
    project has nobody in it yet, and the system (in-process scripts with neither actor nor name).
    """
    people = dict(
        session.execute(
            select(Annotator.name, Annotator.role).where(
                Annotator.project_id == project_id, Annotator.role != Role.GOLD.value
            )
        ).all()
    )
    if not people:
        return None
    if actor is not None and actor.id is not None:
        role = session.scalar(select(Annotator.role).where(Annotator.id == actor.id))
        name: str | None = actor.name
    elif declared:
        role, name = people.get(declared), declared
    elif actor is not None:  # a named script is what it says it is, as for adjudication
        role, name = actor.role, actor.name
    else:
        return None
    if role == Role.REVIEWER.value:
        return None
    reviewers = sorted(n for n, r in people.items() if r == Role.REVIEWER.value)
    how = (
        f"reviewers: {', '.join(reviewers)}"
        if reviewers
        else "the project has no reviewer yet: `annotator review role NAME reviewer` makes one"
    )
    return (
        f"{name} is not a reviewer of the project: only a reviewer may import labels as the annotators "
        f"the file names (--keep-annotators); without it they are imported as yours ({how})"
    )


class Owners:
    """Resolves the annotator of each imported span and relation, and counts what it changed."""

    def __init__(
        self,
        tx: Tx,
        project_id: int,
        declared: str | None,
        keep: bool | None,
        *,
        anonymous_ok: bool = True,
        checked: bool = False,
    ) -> None:
        self.tx, self.project_id = tx, project_id
        self.actor = _login_person(tx, project_id, declared)
        self.runner = runner_of(self.actor, declared)
        # Unless told, the system (no runner) keeps names as it always did; a person does not.
        self.keep = keep if keep is not None else self.runner is None
        if self.keep and not checked:
            refusal = keep_refusal(tx.session, project_id, self.actor, declared)
            if refusal is None and self.runner is None and not anonymous_ok:
                refusal = keep_refusal(tx.session, project_id, Actor("an unnamed user"), None)
            if refusal is not None:
                raise ValidationError(refusal)
            self._check_account(declared)
        rows = tx.session.execute(
            select(Annotator.name, Annotator.id, Annotator.login, Annotator.role).where(
                Annotator.project_id == project_id
            )
        ).all()
        self.people: dict[str, int] = {name: ident for name, ident, _login, _role in rows}
        # PostgreSQL: teammates' logins, and whether the runner's login reviews (the server lets a
        # login write its own labels, and a reviewer's also those of annotators without a login).
        self.logins = {name: login for name, _ident, login, _role in rows if login is not None}
        self.reviews = any(login == tx.login and role == Role.REVIEWER.value for _n, _i, login, role in rows)
        self.gold_id: int | None = tx.session.scalar(
            select(Annotator.id).where(Annotator.project_id == project_id, Annotator.role == Role.GOLD.value)
        )
        self.reassigned: Counter[str] = Counter()  # names in the file whose labels became the runner's
        self.kept: set[str] = set()  # names kept as the file gives them

    def _check_account(self, declared: str | None) -> None:
        """A reviewer who keeps names uses reviewer rights: on SQLite those stay with their OS account."""
        actor = self.actor
        person: tuple[int, str] | None = None
        if actor is not None and actor.id is not None:
            person = (actor.id, actor.name)
        elif declared:
            found = self.tx.session.scalar(
                select(Annotator.id).where(
                    Annotator.project_id == self.project_id,
                    Annotator.name == declared,
                    Annotator.role == Role.REVIEWER.value,
                )
            )
            person = (found, declared) if found is not None else None
        if person is not None:
            self.tx.check_reviewer_account(*person)

    def missing(self, named: str | None) -> str | None:
        """Why a label that names ``named`` (None: nobody) cannot be imported; None when it can."""
        if self.keep and named is not None:
            return self._login_refusal(named)
        if self.runner is None:
            if named is None:
                return "names no annotator; pass --annotator NAME"
            return (
                f"names the annotator {named!r}; pass --annotator NAME to import the file's labels as "
                "yours, or --keep-annotators (a reviewer) to keep the names it gives"
            )
        return None

    def _login_refusal(self, named: str) -> str | None:
        """On a shared PostgreSQL database, why the runner's login may not write ``named``'s labels
        (the server would refuse them mid-import): a teammate's login writes only its own, and
        only a reviewer writes those of annotators without a login. None: it may."""
        login = self.tx.login
        if login is None or is_gold_name(named) or named == self.runner:
            return None
        theirs = self.logins.get(named)
        if theirs is not None and theirs != login:
            return (
                f"names {named!r}, a teammate with their own database login: on a shared PostgreSQL "
                f"database only {named} writes their labels (without --keep-annotators they are "
                "imported as yours; or let them merge their own work)"
            )
        if theirs is None and not self.reviews:
            return (
                f"names the annotator {named!r}: on a shared PostgreSQL database only a reviewer writes "
                "the labels of annotators without a login (ask a reviewer to bring them in; without "
                "--keep-annotators they are imported as yours)"
            )
        return None

    def owner(self, named: str | None) -> int:
        """The annotator id a span or relation the file gives to ``named`` is stored under."""
        if not self.keep or named is None:
            if self.runner is None:  # the system's relations that name nobody, as before
                return self._person("import")
            if named is not None and named != self.runner:
                self.reassigned[named] += 1
            return self._person(self.runner)
        if is_gold_name(named):
            self.kept.add(GOLD_NAME)
            return self._gold()
        self.kept.add(named)
        return self._person(named)

    def _person(self, name: str) -> int:
        found = self.people.get(name)
        if found is not None and found == self.gold_id:
            raise ValidationError(f"{name!r} is the gold layer: only review writes it")
        if found is None and name == self.runner and self.tx.login is not None:
            # A teammate's login imports as itself: the server lets a login write only its own rows.
            from annotator.ops.projects import identify

            found = self.people[name] = identify(self.tx, self.project_id, name).id
        if found is None:
            if is_gold_name(name):
                raise ValidationError(f"{name!r} is the gold layer's name, not a person's")
            found = self.tx.session.execute(
                insert(Annotator).returning(Annotator.id),
                [{"project_id": self.project_id, "name": name, "role": Role.ANNOTATOR.value}],
            ).scalar_one()
            self.people[name] = found
            self.tx.record("annotator", "created", (found,), detail={"name": name})
        return found

    def _gold(self) -> int:
        if self.gold_id is None:
            from annotator.review.gold import gold_annotator

            self.gold_id = gold_annotator(self.tx, self.project_id).id
            self.people[GOLD_NAME] = self.gold_id
        return self.gold_id

    def person_id(self, name: str) -> int:
        """An adjudicator or reviewer named by the file (kept names only)."""
        return self._person(name)

    def audit_detail(self) -> dict[str, Any]:
        """What the audit entry of the import says about names: who ran it and as whom."""
        detail: dict[str, Any] = {"by": self.runner or "system"}
        if self.keep:
            detail["keep_annotators"] = True
            detail["as"] = sorted(self.kept)
        if self.reassigned:
            detail["reassigned_from"] = dict(sorted(self.reassigned.items()))
        return detail

    def summary(self) -> str:
        """A sentence for the import's report ("" when nothing needs saying)."""
        if self.reassigned:
            names = ", ".join(f"{n} {c}" for n, c in sorted(self.reassigned.items()))
            return (
                f"; {sum(self.reassigned.values())} label(s) the file gives to others ({names}) "
                f"imported as {self.runner}'s (--keep-annotators keeps their names)"
            )
        if self.keep and self.kept:
            return f"; imported as {', '.join(sorted(self.kept))} (names kept)"
        return ""

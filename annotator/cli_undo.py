"""``annotator undo`` and ``annotator redo``: the last step of one annotator, from the shared log.

The app records every edit in the core undo log (``annotator.undo``), so a script or a person at
a terminal can take back what they did in the app, and the other way round. A step whose rows
someone else changed since is refused with the row named, and nothing changes.
"""

from __future__ import annotations

import argparse
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from annotator.cli_common import Action, open_project

if TYPE_CHECKING:
    from annotator.model import Annotator
    from annotator.store import Tx
    from annotator.undo import Step

ANNOTATOR_HELP = (
    "who makes this edit (their undo step): default your login on PostgreSQL, else your OS account name"
)


def step_owner(tx: Tx, project_id: int, declared: str | None) -> Annotator:
    """Whose undo step a command's edit is: ``--annotator NAME``, else the login's annotator on
    PostgreSQL, else the account running the command (the OS user; the database user for
    PostgreSQL's admin). Leaves the transaction's actor (and so its permissions) as it is."""
    from annotator.errors import ValidationError
    from annotator.ops.projects import identify

    if declared is None and tx.login is None:
        if not tx.account:
            raise ValidationError("say who you are with --annotator NAME")
        declared = tx.account
    return identify(tx, project_id, declared)


def acting(tx: Tx, project_id: int, declared: str | None) -> Annotator:
    """The step's owner (``step_owner``) made the transaction's actor: the edit is theirs, with
    their permissions, and the audit log records their name beside every change."""
    from annotator.ops.projects import actor_of

    person = step_owner(tx, project_id, declared)
    tx.actor = actor_of(person)
    return person


def schema_step_of(
    tx: Tx, project_id: int, declared: str | None, title: str, **named: Any
) -> AbstractContextManager[Step]:
    """The block as one undoable schema step (``annotator.undo.schema_step``: labels, attributes,
    settings, guidelines) of ``--annotator`` NAME, else the login or the OS account (``acting``)."""
    from annotator.undo import schema_step

    return schema_step(tx, title, project_id, acting(tx, project_id, declared).id, **named)


def project_of_documents(tx: Tx, document_ids: list[int]) -> int:
    """The one project ``document_ids`` belong to (commands on documents need no --project)."""
    from sqlalchemy import select

    from annotator.errors import NotFoundError, ValidationError
    from annotator.model import Document

    found = dict(
        tx.session.execute(
            select(Document.id, Document.project_id).where(Document.id.in_(document_ids))
        ).all()
    )
    missing = [i for i in document_ids if i not in found]
    if missing:
        raise NotFoundError(f"no document with id {missing[0]}")
    if len(set(found.values())) > 1:
        raise ValidationError("these documents belong to different projects; one command per project")
    return next(iter(found.values()))


def owner_or_acting(tx: Tx, declared: str | None, span_id: int) -> tuple[int, int]:
    """Whose step deleting ``span_id`` is, and its document: ``--annotator`` or the login (who may
    delete only their own spans, as in the app), else the span's owner, on whose layer it was
    (the command then acts as the system, as before: any span but gold's)."""
    from annotator.errors import NotFoundError
    from annotator.model import Annotation

    span = tx.session.get(Annotation, span_id)
    if span is None:
        raise NotFoundError(f"no annotation with id {span_id}")
    if declared is not None or tx.login is not None:
        return acting(tx, project_of_documents(tx, [span.document_id]), declared).id, span.document_id
    return span.annotator_id, span.document_id


def _run(args: argparse.Namespace, *, undo: bool) -> int:
    from sqlalchemy import select

    from annotator import undo as log
    from annotator.errors import NotFoundError
    from annotator.model import Annotator
    from annotator.ops.projects import actor_of, identify

    store, project_id = open_project(args)
    with store.transaction() as tx:
        if tx.login is not None:  # PostgreSQL: the login is the person, a typed name must be theirs
            person = identify(tx, project_id, args.annotator)
        else:
            query = select(Annotator).where(
                Annotator.project_id == project_id, Annotator.name == args.annotator
            )
            found = tx.session.scalar(query)
            if found is None:
                raise NotFoundError(f"no annotator called {args.annotator!r} in this project")
            person = found
        who = actor_of(person)
    with store.transaction(actor=who) as tx:
        step = log.undo(tx) if undo else log.redo(tx)
        print(f"{'undid' if undo else 'redid'} {step.title!r}: {log.summary(step, undo=undo)}")
    return 0


def cmd_undo(args: argparse.Namespace) -> int:
    return _run(args, undo=True)


def cmd_redo(args: argparse.Namespace) -> int:
    return _run(args, undo=False)


def add_undo_commands(command: Action) -> None:
    p = command("undo", cmd_undo, "undo the last edit of an annotator (in the app or here)")
    p.add_argument("--annotator", required=True, help="whose last edit to undo")
    p = command("redo", cmd_redo, "redo the edit an annotator undid last")
    p.add_argument("--annotator", required=True, help="whose undone edit to redo")

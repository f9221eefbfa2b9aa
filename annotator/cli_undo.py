"""``annotator undo`` and ``annotator redo``: the last step of one annotator, from the shared log.

The app records every edit in the core undo log (``annotator.undo``), so a script or a person at
a terminal can take back what they did in the app, and the other way round. A step whose rows
someone else changed since is refused with the row named, and nothing changes.
"""

from __future__ import annotations

import argparse

from annotator.cli_common import Action, open_project


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

"""``annotator assign`` and ``annotator progress``: running a coding team from the CLI.

``assign --annotators a,b,c [--share] [--overlap] [--per-doc] [--seed] [--docs …]`` adds what is
missing of a seeded assignment; ``--unassign NAME`` and ``--reassign FROM --to TO`` (with
``--docs`` or for every document in the queue) take documents out or move them. ``progress``
prints each annotator's assigned, done, in progress and new documents, and their time.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.cli_common import open_project, print_table
from annotator.errors import ValidationError

if TYPE_CHECKING:
    from annotator.store import Actor, Store


def _actor(store: Store, project_id: int, by: str | None) -> Actor | None:
    """Who assigns: the login's person (PostgreSQL), else ``--by`` (their undo step), else the system."""
    from annotator.ops.projects import actor_of, identify

    if by is None or (store.actor is not None and store.login is None):
        return store.actor
    # On PostgreSQL --by must be the login's own name (identify refuses another, and gold).
    with store.transaction() as tx:
        return actor_of(identify(tx, project_id, by))


def cmd_assign(args: argparse.Namespace) -> int:
    from annotator import assign

    modes = [m for m in ("annotators", "unassign", "reassign") if getattr(args, m)]
    if len(modes) != 1:
        raise ValidationError("say one of --annotators A,B,C, --unassign NAME or --reassign FROM --to TO")
    if args.reassign and not args.to:
        raise ValidationError("--reassign FROM needs --to NAME")
    store, project_id = open_project(args)
    actor = _actor(store, project_id, args.by)
    docs = tuple(args.docs) if args.docs else None
    with store.transaction(actor=actor) as tx:
        if args.unassign:
            n = assign.unassign(tx, project_id, args.unassign, docs)
            message = f"unassigned {n} document(s) from {args.unassign}"
        elif args.reassign:
            n = assign.reassign(tx, project_id, args.reassign, args.to, docs)
            message = f"moved {n} document(s) from {args.reassign} to {args.to}"
        else:
            names = tuple(n.strip() for n in args.annotators.split(","))
            per_doc = args.per_doc if args.per_doc is not None else min(2, len(names))
            request = assign.Request(names, args.share, args.overlap, per_doc, args.seed, docs)
            assign.check_request(request)
            if args.declare:
                from annotator.ops.projects import ensure_annotator

                for name in names:
                    ensure_annotator(tx, project_id, name)
            if args.dry_run:
                made = assign.plan(tx, project_id, request)
                tx.session.rollback()
                tx.changes.clear()
            else:
                made = assign.apply(tx, project_id, request)
            verb = "would add" if args.dry_run else "added"
            message = f"{verb} {len(made.added)} assignment(s) (seed {args.seed}): {made.summary()}"
    print(message)
    return 0


def cmd_progress(args: argparse.Namespace) -> int:
    from annotator.progress import progress
    from annotator.project import open_for_commands

    project = open_for_commands(args.db, args.project, as_login=False)
    with project.store.session() as session:
        report = progress(session, project.id)
    if args.json:
        print(json.dumps(report.to_json(), ensure_ascii=False))
        return 0
    rows = [
        (
            p.annotator,
            p.assigned,
            p.done,
            p.in_progress,
            p.new,
            _minutes(p.seconds),
            _minutes(p.seconds_per_document),
        )
        for p in report.people
    ]
    header = ["annotator", "assigned", "done", "in_progress", "new", "time", "per doc"]
    print_table(rows, header)
    print(
        f"overall: {report.assigned} of {report.documents} documents assigned ({report.overlap} to two or "
        f"more), {report.done} done, {report.in_progress} in progress, {_minutes(report.seconds)} spent"
    )
    return 0


def _minutes(seconds: float) -> str:
    minutes, rest = divmod(round(seconds), 60)
    return f"{minutes // 60}:{minutes % 60:02d}:{rest:02d}" if minutes >= 60 else f"{minutes}:{rest:02d}"


def add_team_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command(
        "assign",
        cmd_assign,
        "assign documents to annotators (seeded, balanced, with overlap); unassign or reassign",
    )
    p.add_argument("--annotators", metavar="A,B,C", help="the team, comma-separated")
    p.add_argument("--share", type=float, default=1.0, help="fraction of the documents to code at all (1.0)")
    p.add_argument(
        "--overlap", type=float, default=0.0, help="fraction of those coded by --per-doc people (0)"
    )
    p.add_argument(
        "--per-doc", type=int, help="coders of each overlap document (2, or fewer in a smaller team)"
    )
    p.add_argument(
        "--seed", type=int, default=0, help="random seed: the same seed gives the same assignment (0)"
    )
    p.add_argument("--docs", type=int, nargs="+", metavar="ID", help="only these documents (default: all)")
    p.add_argument("--unassign", metavar="NAME", help="take --docs (default: all) out of NAME's queue")
    p.add_argument(
        "--reassign", metavar="FROM", help="move --docs (default: those not done) from FROM's queue"
    )
    p.add_argument("--to", metavar="NAME", help="with --reassign: whose queue gets them")
    p.add_argument("--declare", action="store_true", help="add --annotators not yet in the project first")
    p.add_argument("--dry-run", action="store_true", help="print what would be assigned; write nothing")
    p.add_argument("--by", metavar="NAME", help="who assigns (their undo history; default: the system)")

    p = command("progress", cmd_progress, "per annotator: assigned, done, in progress, new, time spent")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

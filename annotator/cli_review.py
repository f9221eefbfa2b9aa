"""``annotator merge`` and ``annotator review``: teammates' work and the gold layer from the CLI."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from annotator.cli_common import actions, open_project
from annotator.cli_export import RAW_CSV_HELP


def cmd_merge(args: argparse.Namespace) -> int:
    from annotator.review.merge import merge, read_source

    source = read_source(Path(args.source))
    store, project_id = open_project(args)
    if args.by is not None and store.login is not None:  # a login merges as itself: --by must say so
        from annotator.ops.projects import identify

        with store.transaction() as tx:
            identify(tx, project_id, args.by)
    # Who runs it: the login's person (PostgreSQL), else --by; without either, the merge only adds.
    summary = merge(
        store,
        project_id,
        source,
        annotators=args.annotators or None,
        exclude=args.exclude or (),
        restore_deleted=args.restore_deleted,
        by=args.by,
        actor=getattr(store, "actor", None),
        system=False,
    )
    print(summary.summary())
    return 0


def cmd_review_status(args: argparse.Namespace) -> int:
    from annotator.review.gold import set_review_status

    store, _project_id = open_project(args)
    with store.transaction() as tx:
        set_review_status(tx, args.doc_ids, args.status)
    print(f"{len(args.doc_ids)} document(s) marked {args.status}")
    return 0


def cmd_accept_agreed(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from annotator.model import Annotator
    from annotator.review.gold import accept_agreed

    store, project_id = open_project(args)
    with store.transaction() as tx:
        ids = dict(
            tx.session.execute(
                select(Annotator.name, Annotator.id).where(
                    Annotator.project_id == project_id, Annotator.name.in_(args.annotators)
                )
            ).all()
        )
        missing = set(args.annotators) - set(ids)
        if missing:
            from annotator.errors import NotFoundError

            raise NotFoundError(f"no annotator named {sorted(missing)[0]!r}")
        total = sum(len(accept_agreed(tx, doc, list(ids.values()))) for doc in args.doc_ids)
    print(f"accepted {total} agreed span(s) into gold")
    return 0


def cmd_review_role(args: argparse.Namespace) -> int:
    from annotator.ops.projects import set_role

    store, project_id = open_project(args)
    with store.transaction() as tx:
        person = set_role(tx, project_id, args.name, args.role)
        changed = bool(tx.changes)
    print(f"{person.name}'s role: {args.role}" + ("" if changed else " (unchanged)"))
    return 0


def add_review_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    add_agree_command(command)
    p = command("merge", cmd_merge, "merge a teammate's work from their database file or native JSONL export")
    p.add_argument("source", metavar="SOURCE", help="their project database (.db) or native export (.jsonl)")
    p.add_argument("--annotator", dest="annotators", action="append", metavar="NAME", help="merge only these")
    p.add_argument(
        "--exclude", action="append", metavar="NAME", help="leave these annotators alone (e.g. you)"
    )
    p.add_argument(
        "--restore-deleted",
        action="store_true",
        help="bring back documents deleted here (default: skip them)",
    )
    p.add_argument(
        "--by",
        metavar="NAME",
        help="who runs the merge: a teammate's labels the file lacks are removed only when you are "
        "that teammate or a reviewer, and the file is newer; otherwise the merge only adds",
    )

    review = command("review", lambda _args: 2, "adjudicate into the gold layer")
    action = actions(review, "review_command")

    q = action("status", cmd_review_status, "mark documents unreviewed, in review or adjudicated")
    q.add_argument("status", choices=["unreviewed", "in review", "adjudicated"])
    q.add_argument("doc_ids", nargs="+", type=int, metavar="DOC_ID")
    q = action("accept-agreed", cmd_accept_agreed, "accept into gold every span on which annotators agree")
    q.add_argument("doc_ids", nargs="+", type=int, metavar="DOC_ID")
    q.add_argument("--annotator", dest="annotators", action="append", required=True, metavar="NAME")
    q = action("role", cmd_review_role, "make an annotator a reviewer, or a reviewer an annotator again")
    q.add_argument("name", metavar="NAME", help="an annotator of the project")
    q.add_argument("role", choices=["reviewer", "annotator"])


def cmd_agree(args: argparse.Namespace) -> int:
    import sys

    from annotator.agreement.actors import actor_summary
    from annotator.agreement.attributes import attribute_summary
    from annotator.atomic import atomic_write
    from annotator.review.agree import Selection, project_agreement

    store, project_id = open_project(args)
    selection = Selection(
        annotators=args.annotators.split(",") if args.annotators else None,
        documents=args.documents,
        labels=args.labels.split(",") if args.labels else None,
        tokens=not args.no_tokens,
        without_suggested=args.without_suggested,
    )
    with store.session() as session:
        if args.overlap_only:  # only documents assigned to two or more people (annotator assign)
            from annotator.progress import overlap_documents

            overlap = overlap_documents(session, project_id)
            selection.documents = [d for d in overlap if not args.documents or d in args.documents]
        report = project_agreement(session, project_id, selection)
    print(report.table())
    if summary := attribute_summary(report.rows):  # the codebook's attributes, one line each
        print(f"\n{summary}")
    if summary := actor_summary(report.rows):  # registry actor links: who is who, who said what
        print(f"\n{summary}")
    if args.csv:
        with atomic_write(args.csv) as fh:
            report.write_csv(fh, raw=args.raw_csv)
        print(f"wrote {args.csv}", file=sys.stderr)
    if args.json:
        with atomic_write(args.json) as fh:
            fh.write(report.to_json())
        print(f"wrote {args.json}", file=sys.stderr)
    return 0


def add_agree_command(command: Callable[..., argparse.ArgumentParser]) -> None:
    p = command(
        "agree", cmd_agree, "inter-annotator agreement: span/relation F1, token κ and α, unitizing αU"
    )
    p.add_argument("--annotators", help="comma-separated names (default: everyone but the gold layer)")
    p.add_argument("--documents", type=int, nargs="+", metavar="DOC_ID", help="only these documents")
    p.add_argument("--labels", help="comma-separated labels (default: all)")
    p.add_argument("--no-tokens", action="store_true", help="skip token-level κ and α (faster)")
    p.add_argument(
        "--overlap-only", action="store_true", help="only documents assigned to two or more people"
    )
    p.add_argument(
        "--without-suggested",
        action="store_true",
        help="leave out documents on which someone saw suggestions before they were done",
    )
    p.add_argument("--csv", metavar="FILE", help="also write the table as CSV")
    p.add_argument("--raw-csv", action="store_true", help=RAW_CSV_HELP)
    p.add_argument("--json", metavar="FILE", help="also write the table as JSON")

"""``annotator rm`` and ``annotator batches``: deleting documents, and whole imports, from the CLI."""

from __future__ import annotations

import argparse
from collections.abc import Callable

from annotator.cli_common import open_project
from annotator.cli_undo import ANNOTATOR_HELP
from annotator.errors import AnnotatorError

Handler = Callable[[argparse.Namespace], int]
Command = Callable[[str, Handler, str], argparse.ArgumentParser]


def cmd_rm(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from annotator.cli_undo import step_owner
    from annotator.model import Document
    from annotator.ops.documents import batch_documents
    from annotator.undo.log import delete_step

    if bool(args.doc_ids) == (args.batch is not None):
        raise AnnotatorError("name the documents to delete (DOC_ID...) or one import batch (--batch N)")
    store, project_id = open_project(args)
    with store.transaction() as tx:
        if args.batch is not None:
            ids = batch_documents(tx.session, project_id, args.batch)
            if not ids:
                raise AnnotatorError(f"import batch {args.batch} has no documents left")
        else:
            ids = list(args.doc_ids)
            found = set(
                tx.session.scalars(
                    select(Document.id).where(Document.id.in_(ids), Document.project_id == project_id)
                )
            )
            missing = [i for i in ids if i not in found]
            if missing:
                raise AnnotatorError(f"no document with id {missing[0]} in this project; nothing was deleted")
        # One undo step of the person deleting: ``annotator undo`` puts everything back, same ids.
        # Only the step's owner: deleting keeps the command line's permissions, as it always had.
        who = step_owner(tx, project_id, args.annotator)
        name = who.name  # read now: deleting expires every object of the session
        n = len(ids)
        title = f"Delete import batch {args.batch}" if args.batch is not None else f"Delete {n} document(s)"
        deleted, _step = delete_step(tx, ids, title, who.id)
    where = f" (import batch {args.batch})" if args.batch is not None else ""
    print(deleted.summary() + where + f"; annotator undo --annotator {name} puts it back")
    return 0


def cmd_batches(args: argparse.Namespace) -> int:
    from annotator.cli_common import print_table
    from annotator.ops.documents import batches

    store, project_id = open_project(args)
    with store.session() as session:
        rows = batches(session, project_id)
    if args.json:
        import json

        print(
            json.dumps(
                [
                    {
                        "batch": r.id,
                        "at": r.created_at.isoformat(timespec="seconds"),
                        "by": r.actor,
                        "added": r.added,
                        "remaining": r.remaining,
                        "source": r.source,
                    }
                    for r in rows
                ]
            )
        )
        return 0
    print_table(
        [
            (r.id, r.created_at.strftime("%Y-%m-%d %H:%M"), r.actor, r.added, r.remaining, r.source)
            for r in rows
        ],
        ["batch", "imported", "by", "added", "left", "source"],
    )
    return 0


def add_document_commands(command: Command) -> None:
    p = command("rm", cmd_rm, "delete documents with their spans and relations, or a whole import batch")
    p.add_argument("doc_ids", nargs="*", type=int, metavar="DOC_ID")
    p.add_argument("--batch", type=int, metavar="N", help="delete every document import batch N added")
    p.add_argument("--annotator", metavar="NAME", help=ANNOTATOR_HELP)
    p = command(
        "batches", cmd_batches, "list import batches: number, when, by whom, documents added and left"
    )
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")

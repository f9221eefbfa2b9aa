"""``annotator comment`` and ``annotator comments``: comments and flags from scripts.

    annotator comment (--doc ID | --span ID | --relation ID) TEXT --annotator NAME [--flag]
    annotator comment --reply COMMENT_ID TEXT --annotator NAME
    annotator comment (--resolve | --reopen) COMMENT_ID --annotator NAME
    annotator comment --edit COMMENT_ID TEXT --annotator NAME
    annotator comments [--open] [--json] [--flags] [--doc ID]

Each change prints the id of the comment it made or changed, is one undoable step of the
annotator (``annotator undo --annotator NAME`` takes it back) and is audited.
"""

from __future__ import annotations

import argparse
import json

from annotator.cli_common import Action, open_project, print_table, project_of
from annotator.errors import ValidationError


def cmd_comment(args: argparse.Namespace) -> int:
    from annotator import comments
    from annotator.ops.projects import actor_of, identify

    needs_text = args.resolve is None and args.reopen is None
    if needs_text and not (args.text or "").strip():
        raise ValidationError("a comment needs TEXT")
    if not needs_text and args.text:
        raise ValidationError("--resolve and --reopen take no TEXT")
    if args.flag and (args.reply or args.edit or not needs_text):
        raise ValidationError("--flag starts a thread: use it with --doc, --span or --relation")
    store, project_id = open_project(args)
    with store.transaction() as tx:
        who = identify(tx, project_id, args.annotator)
        actor = actor_of(who)
    with store.transaction(actor=actor) as tx:
        assert actor.id is not None
        if args.reply is not None:
            made = comments.reply_to(tx, actor.id, args.reply, args.text)
        elif args.resolve is not None or args.reopen is not None:
            target = args.resolve if args.resolve is not None else args.reopen
            made = comments.resolve(tx, actor.id, target, resolved=args.resolve is not None)
        elif args.edit is not None:
            made = comments.edit(tx, actor.id, args.edit, args.text)
        else:
            made = comments.comment_on(
                tx,
                actor.id,
                args.text,
                document_id=args.doc,
                span_id=args.span,
                relation_id=args.relation,
                kind="flag" if args.flag else "comment",
            )
    print(made)
    return 0


def cmd_comments(args: argparse.Namespace) -> int:
    project = project_of(args, as_login=False)
    rows = project.comments(
        open_only=args.open,
        document_ids=[args.doc] if args.doc else None,
        kind="flag" if args.flags else None,
    )
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False))
        return 0
    table = []
    for r in rows:
        on = {"span": f"span {r.span_id}", "relation": f"relation {r.relation_id}"}.get(r.target, "document")
        text = ("  ↳ " if r.parent_id else "") + r.text + (f" [{r.note}]" if r.note else "")
        table.append(
            (r.id, r.document_id, on, r.kind, r.state, r.author, f"{r.created_at:%Y-%m-%d %H:%M}", text)
        )
    print_table(table, ["id", "doc", "on", "kind", "state", "author", "time", "text"])
    return 0


def add_comment_commands(command: Action) -> None:
    p = command("comment", cmd_comment, "comment on (or flag) a document, span or relation; prints the id")
    target = p.add_mutually_exclusive_group(required=True)
    target.add_argument("--doc", type=int, metavar="ID", help="a comment on this document")
    target.add_argument("--span", type=int, metavar="ID", help="a comment on this span")
    target.add_argument("--relation", type=int, metavar="ID", help="a comment on this relation")
    target.add_argument("--reply", type=int, metavar="COMMENT_ID", help="reply in this comment's thread")
    target.add_argument("--resolve", type=int, metavar="COMMENT_ID", help="resolve this comment's thread")
    target.add_argument("--reopen", type=int, metavar="COMMENT_ID", help="reopen a resolved thread")
    target.add_argument("--edit", type=int, metavar="COMMENT_ID", help="change your comment's text")
    p.add_argument("text", nargs="?", metavar="TEXT", help="what to say")
    p.add_argument("--annotator", required=True, help="who comments (on PostgreSQL: your login)")
    p.add_argument("--flag", action="store_true", help="a flag for discussion (listed in review)")
    p = command("comments", cmd_comments, "list comments and flags, threads with their replies")
    p.add_argument("--open", action="store_true", help="only open threads")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument("--flags", action="store_true", help="only flags for discussion")
    p.add_argument("--doc", type=int, metavar="ID", help="only this document's")

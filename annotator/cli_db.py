"""``annotator db copy SRC DST``: move whole projects between SQLite and PostgreSQL."""

from __future__ import annotations

import argparse
from collections.abc import Callable


def cmd_copy(args: argparse.Namespace) -> int:
    from annotator.dbcopy import copy_projects
    from annotator.store import open_store

    src, dst = open_store(args.src), open_store(args.dst)
    try:
        report = copy_projects(src, dst, args.projects or None)
    finally:
        src.close()
        dst.close()
    print(report.summary())
    return 0


def add_db_commands(command: Callable[..., argparse.ArgumentParser]) -> None:
    db = command("db", lambda _args: 2, "database tools")
    sub = db.add_subparsers(dest="db_command", required=True, metavar="ACTION")
    p = sub.add_parser(
        "copy",
        help="copy projects to another database, losslessly (SQLite ↔ PostgreSQL)",
        description="Copy projects (default: all) with every document, span, relation and audit entry.",
    )
    p.add_argument("src", metavar="SRC", help="source database URL (e.g. sqlite:///team.db)")
    p.add_argument("dst", metavar="DST", help="destination URL (e.g. postgresql+psycopg://user@host/db)")
    p.add_argument(
        "--name", dest="projects", action="append", metavar="PROJECT", help="copy only this project"
    )
    p.set_defaults(handler=cmd_copy)

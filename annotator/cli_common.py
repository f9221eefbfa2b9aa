"""What the ``annotator`` sub-command modules share: opening the project, nested actions."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from typing import TYPE_CHECKING, Any

from annotator import termsafe

if TYPE_CHECKING:
    from annotator.project import ProjectContext
    from annotator.store import Store

Handler = Callable[[argparse.Namespace], int]
Action = Callable[[str, Handler, str], argparse.ArgumentParser]


def open_project(args: argparse.Namespace) -> tuple[Store, int]:
    """The database of ``--db`` and the id of ``--project`` (or its only project).

    On PostgreSQL a teammate's login acts as their annotator in every command (so the core's
    rules apply, and the server's); elsewhere, and for the admin, commands act as the system.
    """
    project = project_of(args)
    return project.store, project.id


def project_of(args: argparse.Namespace, *, as_login: bool = True) -> ProjectContext:
    """The project object of ``--db`` and ``--project``: the same one the GUI opens."""
    from annotator.project import open_for_commands

    return open_for_commands(args.db, args.project, as_login=as_login)


def actions(group: argparse.ArgumentParser, dest: str) -> Action:
    """A factory of ``group ACTION`` sub-commands that accept ``--db``/``--project`` after the action too."""
    sub = group.add_subparsers(dest=dest, required=True, metavar="ACTION")
    common = [a for a in group._actions if a.dest in ("db", "project")]

    def action(name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        parser = sub.add_parser(name, help=help_, description=help_)
        for option in common:
            parser.add_argument(
                *option.option_strings, dest=option.dest, help=option.help, default=argparse.SUPPRESS
            )
        parser.set_defaults(handler=handler)
        return parser

    return action


def print_table(rows: Sequence[Sequence[Any]], header: Sequence[str]) -> None:
    """Rows as aligned columns; cells are escaped (data never drives the terminal)."""
    table = [list(map(str, header))] + [
        [("" if v is None else termsafe.cell(v)) for v in row] for row in rows
    ]
    widths = [max(len(row[i]) for row in table) for i in range(len(header))]
    for row in table:
        print("  ".join(cell.ljust(width) for cell, width in zip(row, widths, strict=True)).rstrip())


def store_and_project(args: argparse.Namespace) -> tuple[Store, int]:
    """The database of ``--db`` and the id of ``--project``, acting as whoever runs the command."""
    from annotator.ops.projects import find_project
    from annotator.store import open_store

    store = open_store(args.db)
    with store.session() as session:
        return store, find_project(session, args.project).id


@contextmanager
def progress_bar(total: int | None, unit: str, what: str) -> Iterator[Callable[[int], None]]:
    """A progress bar on stderr when it is a terminal (tqdm switches itself off otherwise)."""
    from tqdm import tqdm

    tqdm.monitor_interval = 0  # no monitor thread: a native export may fork (annotator.forking)
    bar = tqdm(total=total, unit=unit, desc=what, file=sys.stderr, disable=None, leave=False)
    try:
        yield bar.update
    finally:
        bar.close()

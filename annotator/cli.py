"""The ``annotator`` command. Its sub-command names are a contract: scripts rely on them."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any

from annotator import __version__, termsafe
from annotator.cli_common import print_table, project_of
from annotator.errors import AnnotatorError

Handler = Callable[[argparse.Namespace], int]


def _store(args: argparse.Namespace) -> Any:
    from annotator.store import open_store

    return open_store(args.db)


def _project_id(store: Any, args: argparse.Namespace) -> int:
    from annotator.ops.projects import find_project

    with store.session() as session:
        return find_project(session, args.project).id


def cmd_init(args: argparse.Namespace) -> int:
    from annotator.ops.projects import create_project

    store = _store(args)
    with store.transaction() as tx:
        project = create_project(tx, args.name, language=args.language)
    print(f"created project {project.name!r} (id {project.id}) in {store.url}")
    return 0


def cmd_demo(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from annotator.demo import DEMO_NAME, create_demo
    from annotator.model import Project

    store = _store(args)
    with store.session() as session:
        exists = session.scalar(select(Project.id).where(Project.name == DEMO_NAME)) is not None
    if exists:
        if args.if_missing:
            return 0
        raise AnnotatorError(f"a project named {DEMO_NAME!r} exists already in {store.url}")
    project, result = create_demo(store)
    print(f"created demo project {project.name!r}: {result.summary()}")
    return 0


def cmd_docs(args: argparse.Namespace) -> int:
    project = project_of(args, as_login=False)
    assigned_to = None
    if args.assigned_to is not None:  # one annotator's queue (annotator assign)
        person = {name: i for i, name in project.people.items()}.get(args.assigned_to)
        if person is None:
            raise AnnotatorError(f"no annotator named {args.assigned_to!r} in project {project.name!r}")
        assigned_to = person
    rows = project.documents(assigned_to=assigned_to)
    if args.json:
        print(
            json.dumps([{"id": r.id, "title": r.title, "status": r.status, "spans": r.spans} for r in rows])
        )
    else:
        print_table(
            [(r.id, r.status, r.spans, r.title or "") for r in rows], ["id", "status", "spans", "title"]
        )
    return 0


def cmd_stats(args: argparse.Namespace) -> int:
    data = project_of(args, as_login=False).stats()
    if args.json:
        print(json.dumps(data, ensure_ascii=False))
        return 0
    print(
        f"documents: {data['documents']}  "
        + "  ".join(f"{k}: {v}" for k, v in data["documents_by_status"].items())
    )
    print(f"spans: {data['spans']}")
    for key, title in (("spans_by_label", "  by label"), ("spans_by_annotator", "  by annotator")):
        print(title + ": " + ", ".join(f"{k} {v}" for k, v in data[key].items()))
    print(
        f"relations: {data['relations']}  "
        + ", ".join(f"{k} {v}" for k, v in data["relations_by_type"].items())
    )
    return 0


def cmd_status(args: argparse.Namespace) -> int:
    from annotator.cli_undo import acting, project_of_documents
    from annotator.ops.documents import set_status
    from annotator.undo import undoable

    store = _store(args)
    with store.transaction() as tx:
        person = acting(tx, project_of_documents(tx, args.doc_ids), args.annotator)
        with undoable(tx, f"Mark {args.status}", args.doc_ids, annotator_id=person.id, spans=()):
            set_status(tx, args.doc_ids, args.status)
    print(f"{len(args.doc_ids)} document(s) marked {args.status}")
    return 0


def cmd_annotate(args: argparse.Namespace) -> int:
    from annotator.cli_common import open_project
    from annotator.ops.annotations import create_span
    from annotator.ops.labels import get_label
    from annotator.ops.projects import identify
    from annotator.undo import undoable

    store, project_id = open_project(args)
    with store.transaction() as tx:
        label = get_label(tx, project_id, args.label)
        annotator = identify(tx, project_id, args.annotator)
        title = f"Label {label.name} {args.start}–{args.end}"
        parts = [[args.start, args.end], *args.part] if args.part else None  # a multi-part span
        with undoable(tx, title, [args.doc_id], annotator_id=annotator.id, spans=()):
            span = create_span(tx, args.doc_id, args.start, args.end, label.id, annotator.id, fragments=parts)
    print(span.id)
    return 0


def cmd_unannotate(args: argparse.Namespace) -> int:
    from annotator.cli_undo import owner_or_acting
    from annotator.ops.annotations import delete_spans
    from annotator.undo import undoable

    store = _store(args)
    with store.transaction() as tx:
        who, doc_id = owner_or_acting(tx, args.annotator, args.span_id)
        with undoable(tx, "Delete span", [doc_id], annotator_id=who, spans=[args.span_id]):
            _spans, relations = delete_spans(tx, [args.span_id])
    print(f"deleted span {args.span_id}" + (f" and {len(relations)} relation(s)" if relations else ""))
    return 0


def cmd_backup(args: argparse.Namespace) -> int:
    store = _store(args)
    print(f"backed up to {store.backup(Path(args.output))}")
    return 0


def cmd_gui(args: argparse.Namespace) -> int:
    try:
        from ui.app import main as gui_main
    except ImportError as exc:  # the GUI is an optional face on the same core
        raise AnnotatorError(f"the GUI could not start: {exc}") from exc
    return gui_main(db=args.db, project=args.project, screenshot=args.screenshot)


def cmd_doctor(args: argparse.Namespace) -> int:
    from annotator.doctor import run
    from annotator.store import default_url

    text, status = run(args.db or default_url(), qt=not args.no_qt)
    print(text)
    return status


def _parser() -> argparse.ArgumentParser:
    from annotator.cli_actors import add_actor_commands
    from annotator.cli_attributes import add_attribute_commands
    from annotator.cli_codebook import add_codebook_commands
    from annotator.cli_comments import add_comment_commands
    from annotator.cli_compare import add_compare_command
    from annotator.cli_db import add_db_commands
    from annotator.cli_documents import add_document_commands
    from annotator.cli_export import add_export_command
    from annotator.cli_guidelines import add_guidelines_commands
    from annotator.cli_import import add_import_command
    from annotator.cli_labels import add_label_commands
    from annotator.cli_learn import add_learn_commands
    from annotator.cli_review import add_review_commands
    from annotator.cli_settings import add_settings_commands
    from annotator.cli_suggest import add_suggest_commands
    from annotator.cli_team import add_team_commands
    from annotator.cli_undo import add_undo_commands
    from annotator.cli_whosaid import add_whosaid_command

    parser, command = _frame()

    p = command("init", cmd_init, "create a project with the default label schema")
    p.add_argument("--name", default="Project", help="project name (default: Project)")
    p.add_argument("--language", help="language code for tokenisation (default: en)")

    p = command("demo", cmd_demo, "create the built-in demo project")
    p.add_argument("--if-missing", action="store_true", help="do nothing when the demo project exists")

    add_import_command(command)
    add_export_command(command)

    p = command("docs", cmd_docs, "list documents with id, title, status and span count")
    p.add_argument("--json", action="store_true", help="print JSON instead of a table")
    p.add_argument(
        "--assigned-to", metavar="NAME", help="only the documents in NAME's queue (annotator assign)"
    )

    p = command("stats", cmd_stats, "count documents, spans per label and annotator, relations")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

    p = command("status", cmd_status, "mark documents new, in progress or done")
    p.add_argument("status", choices=["new", "in progress", "done"])
    p.add_argument("doc_ids", nargs="+", type=int, metavar="DOC_ID")
    p.add_argument("--annotator", help="whose undoable step this is (default: your login, else OS account)")

    add_label_commands(command)
    add_db_commands(command)
    add_review_commands(command)
    add_settings_commands(command)
    add_document_commands(command)
    add_undo_commands(command)
    add_learn_commands(command)
    add_team_commands(command)
    add_comment_commands(command)
    add_guidelines_commands(command)
    add_compare_command(command)
    add_attribute_commands(command)
    add_codebook_commands(command)
    add_suggest_commands(command)
    add_actor_commands(command)
    add_whosaid_command(command)

    p = command("annotate", cmd_annotate, "add a span (code point offsets, end exclusive); prints its id")
    p.add_argument("doc_id", type=int, metavar="DOC_ID")
    p.add_argument("start", type=int, metavar="START")
    p.add_argument("end", type=int, metavar="END")
    p.add_argument("label", metavar="LABEL")
    p.add_argument("--annotator", required=True, help="who made the span")
    p.add_argument(
        "--part",
        nargs=2,
        type=int,
        action="append",
        default=[],
        metavar=("START", "END"),
        help="another part of a multi-part span (repeatable; START END above is one part)",
    )

    p = command("unannotate", cmd_unannotate, "delete a span (and its relations)")
    p.add_argument("span_id", type=int, metavar="SPAN_ID")
    p.add_argument(
        "--annotator", help="whose undoable step this is (default: your login, else the span's owner)"
    )

    p = command("backup", cmd_backup, "copy a SQLite database safely (online backup)")
    p.add_argument("-o", "--output", required=True, help="backup file")

    _add_gui(command)

    p = command("doctor", cmd_doctor, "check Qt's system libraries and the database; print fixes")
    p.add_argument("--no-qt", action="store_true", help="check only the database")
    return parser


def _frame() -> tuple[argparse.ArgumentParser, Callable[[str, Handler, str], argparse.ArgumentParser]]:
    """The top parser with the options every command takes, and how a command is added to it."""

    parser = argparse.ArgumentParser(
        prog="annotator", description="Tag claims, quotes and actors in news articles."
    )
    # --db and --project go before or after the command; a sub-command's copy must not reset them.
    common = argparse.ArgumentParser(add_help=False)
    for target, default in ((parser, None), (common, argparse.SUPPRESS)):
        target.add_argument(
            "--db",
            default=default,
            help="database URL (default: $ANNOTATOR_DB or a SQLite file in your data folder)",
        )
        target.add_argument(
            "--project", default=default, help="project name (default: the only project in the database)"
        )
    parser.add_argument("--version", action="version", version=f"annotator {__version__}")
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    def command(name: str, handler: Handler, help_: str) -> argparse.ArgumentParser:
        p = sub.add_parser(name, help=help_, description=help_, parents=[common])
        p.set_defaults(handler=handler)
        return p

    return parser, command


def _add_gui(command: Callable[[str, Handler, str], argparse.ArgumentParser]) -> None:
    p = command("gui", cmd_gui, "open the desktop app")
    p.add_argument("--screenshot", metavar="PNG", help="render the main window to PNG and exit")


def _command_of(argv: Sequence[str]) -> str | None:
    """The sub-command ``argv`` names (None when help or the version is asked before it)."""
    tokens = iter(argv)
    for token in tokens:
        if token in ("--db", "--project"):
            next(tokens, None)
        elif token in ("-h", "--help", "--version"):
            return None
        elif not token.startswith("-"):
            return token
    return None


def _gui_parser() -> argparse.ArgumentParser:
    """``annotator gui`` alone: the full table imports every group's modules (the file formats
    among them, ~0.15 s of the app's start), which the app loads only when they are used."""
    parser, command = _frame()
    _add_gui(command)
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    from annotator import waiting

    argv = sys.argv[1:] if argv is None else list(argv)
    parser = _gui_parser() if _command_of(argv) == "gui" else _parser()
    args = parser.parse_args(argv)
    stop = waiting.listen(_say_waiting)
    try:
        with termsafe.escaped_stdout():  # data never drives the terminal (annotator.termsafe)
            return int(args.handler(args))
    except AnnotatorError as exc:
        print(f"annotator: error: {termsafe.escape(str(exc))}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        print("annotator: interrupted; nothing was written by the unfinished step", file=sys.stderr)
        return 130
    except Exception as exc:
        from sqlalchemy.exc import SQLAlchemyError

        if isinstance(exc, SQLAlchemyError):
            print(
                f"annotator: database error: {exc.__class__.__name__}: {termsafe.escape(str(exc.args[0]))}",
                file=sys.stderr,
            )
            return 1
        if isinstance(exc, OSError):
            print(f"annotator: error: {termsafe.escape(str(exc))}", file=sys.stderr)
            return 1
        raise
    finally:
        stop()


def _say_waiting(message: str) -> None:
    """A writer waits for another process's write lock: say so on stderr (and when it ends)."""
    print(f"annotator: {message or 'the database is free again; writing'}", file=sys.stderr, flush=True)


if __name__ == "__main__":
    sys.exit(main())

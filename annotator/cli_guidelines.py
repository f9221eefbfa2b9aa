"""``annotator guidelines set|show|describe``: the project's guidelines and the labels' descriptions.

The guidelines document is markdown kept in the project (``annotator.settings_project``); the app
opens it with F1. A label's or relation type's description is its own short guideline, shown on
hover and in the app's Guidelines panel; ``describe`` sets it from a file or the command line.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path

from annotator.cli_common import actions, project_of
from annotator.cli_undo import ANNOTATOR_HELP, schema_step_of
from annotator.errors import ValidationError

Command = Callable[..., argparse.ArgumentParser]


def read_text(name: str) -> str:
    """A UTF-8 text file (``-``: standard input); errors name the file and the line."""
    if name == "-":
        return sys.stdin.read()
    path = Path(name)
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise ValidationError(f"{name}: cannot read it ({exc.strerror or exc})") from exc
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data.count(b"\n", 0, exc.start) + 1
        raise ValidationError(f"{name}, line {line}: not UTF-8 text") from exc


def cmd_set(args: argparse.Namespace) -> int:
    from annotator.settings_project import check_guidelines, set_guidelines

    text = check_guidelines(read_text(args.file), args.file)  # checked before anything opens
    project = project_of(args)
    with (
        project.store.transaction() as tx,
        schema_step_of(tx, project.id, args.annotator, "Set the guidelines"),
    ):
        changed = set_guidelines(tx, project.id, text)
    lines = text.count("\n") + (1 if text and not text.endswith("\n") else 0)
    print(f"guidelines: {lines} line(s)" + ("" if changed else " (unchanged)"))
    return 0


def cmd_show(args: argparse.Namespace) -> int:
    project = project_of(args, as_login=False)
    text = project.guidelines()
    if args.json:
        entries = [
            {"kind": "label", "name": lab.name, "description": lab.description} for lab in project.labels
        ] + [{"kind": "relation", "name": t.name, "description": t.description} for t in project.types]
        print(json.dumps({"guidelines": text, "labels": entries}, ensure_ascii=False))
        return 0
    if text:
        print(text, end="" if text.endswith("\n") else "\n")
    else:
        print("(no project guidelines yet: annotator guidelines set FILE)", file=sys.stderr)
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    from annotator.ops.labels import describe

    if (args.file is None) == (args.text is None):
        raise ValidationError("give the description as FILE or --text TEXT (one of them)")
    text = read_text(args.file) if args.file is not None else args.text
    project = project_of(args)
    kind = "relation type" if args.relation else "label"
    with (
        project.store.transaction() as tx,
        schema_step_of(tx, project.id, args.annotator, f"Describe {kind} {args.name}"),
    ):
        describe(tx, project.id, args.name, text, relation=args.relation)
    print(f"{kind} {args.name}: description of {len(text)} character(s)")
    return 0


def add_guidelines_commands(command: Command) -> None:
    group = command("guidelines", lambda _args: 2, "the project's guidelines and the labels' descriptions")
    action = actions(group, "guidelines_command")
    p = action("set", cmd_set, "store a markdown file as the project's guidelines (F1 in the app)")
    p.add_argument("file", metavar="FILE", help="a UTF-8 markdown file, or - for standard input")
    p.add_argument("--annotator", metavar="NAME", help=ANNOTATOR_HELP)
    p = action("show", cmd_show, "print the project's guidelines")
    p.add_argument("--json", action="store_true", help="also every label's and relation type's description")
    p = action("describe", cmd_describe, "set a label's (or relation type's) description, markdown")
    p.add_argument("name", metavar="NAME", help="the label (or with --relation the relation type)")
    p.add_argument("file", metavar="FILE", nargs="?", help="a UTF-8 markdown file, or - for standard input")
    p.add_argument("--text", help="the description itself instead of a file")
    p.add_argument("--relation", action="store_true", help="NAME is a relation type")
    p.add_argument("--annotator", metavar="NAME", help=ANNOTATOR_HELP)

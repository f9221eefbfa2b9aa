"""``annotator codebook export -o FILE`` / ``annotator codebook import FILE``: share a schema."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from annotator.cli_common import actions, open_project
from annotator.cli_undo import ANNOTATOR_HELP

Command = Callable[..., argparse.ArgumentParser]


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.codebook import write_codebook

    store, project_id = open_project(args)
    with store.session() as session:
        data = write_codebook(session, project_id, Path(args.output))
    attrs = sum(len(item["attributes"]) for key in ("labels", "relation_types") for item in data[key])
    print(
        f"wrote {args.output}: {len(data['labels'])} label(s), "
        f"{len(data['relation_types'])} relation type(s), {attrs} attribute(s)"
    )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.cli_undo import schema_step_of
    from annotator.codebook import import_codebook

    store, project_id = open_project(args)
    title = f"Import codebook {Path(args.file).name}"
    with store.transaction() as tx, schema_step_of(tx, project_id, args.annotator, title):
        report = import_codebook(tx, project_id, Path(args.file))
    for line in report.changes:
        print(line)
    print(
        f"{len(report.changes)} change(s)" if report.changes else "nothing to change: the project has it all"
    )
    return 0


def add_codebook_commands(command: Command) -> None:
    group = command("codebook", lambda _args: 2, "export or import the project's codebook (one JSON file)")
    action = actions(group, "codebook_command")
    p = action("export", cmd_export, "write labels, relation types and attributes to one JSON file")
    p.add_argument("-o", "--output", required=True, metavar="FILE")
    p = action("import", cmd_import, "add and update labels, relation types and attributes from a file")
    p.add_argument("file", metavar="FILE")
    p.add_argument("--annotator", metavar="NAME", help=ANNOTATOR_HELP)

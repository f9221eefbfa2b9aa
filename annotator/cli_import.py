"""``annotator import``: read every file first, then write all of it in one transaction (or, with
``--skip-bad``, each good file in its own savepoint and a list of the bad ones)."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from annotator.cli_common import progress_bar, store_and_project
from annotator.formats.format_names import ALIASES, FORMATS

Handler = Callable[[argparse.Namespace], int]
Command = Callable[[str, Handler, str], argparse.ArgumentParser]


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.bulk import gc_paused
    from annotator.formats.peerkit import ReadReport
    from annotator.import_stream import NativeStream, read_first
    from annotator.importing import BadFile, import_each, read_all, read_each, stream_path
    from annotator.ops.importer import import_as_batch

    store, project_id = store_and_project(args)
    reports: list[ReadReport] = []
    fmt = ALIASES.get(args.format, args.format)
    options = {
        "annotator": args.annotator,
        "create_labels": args.create_labels,
        "restore_deleted": args.restore_deleted,
        "keep_annotators": args.keep_annotators,
        "anonymous_ok": False,
    }
    paths = [Path(p) for p in args.paths]
    columns = {"annotator": args.annotator, "reports": reports, "label_field": args.label_field}
    bad: list[BadFile] = []
    read = ReadReport(paths[0])  # a streamed file's (a Label Studio export: read while written)
    streamed = None if args.skip_bad else stream_path(paths, fmt, annotator=args.annotator, report=read)
    with gc_paused():
        if args.skip_bad:
            files, bad = read_each(paths, fmt, args.text_field, **columns)
        elif streamed is None:
            files = [(paths[0], read_all(paths, fmt, args.text_field, **columns))]
        for report in reports:
            print(report.summary())
        total = None if streamed is not None else sum(len(records) for _path, records in files)
        with read_first(streamed), progress_bar(total, "doc", "importing") as tick, store.transaction() as tx:
            if args.skip_bad:
                batch, result, refused = import_each(tx, project_id, files, " ".join(args.paths), **options)
                bad += refused
            else:
                records = files[0][1] if streamed is None else streamed
                batch, result = import_as_batch(
                    tx, project_id, records, " ".join(args.paths), progress=tick, **options
                )
    if streamed is not None and (read.notes or not isinstance(streamed, NativeStream)):
        print(read.summary())  # a native file's, as ``read_all`` reports it: only with notes
    print(result.summary())
    if bad:
        print(f"{len(bad)} file(s) not imported (--skip-bad; nothing of them was imported):")
        for item in bad:
            print(f"  {item}")
    added = f"undo: annotator rm --batch {batch}" if result.documents_added else "it added no documents"
    print(f"import batch {batch} ({added})")
    return 0


def add_import_command(command: Command) -> None:
    p = command("import", cmd_import, "import documents (one transaction: a bad file imports nothing)")
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or folders (searched recursively)")
    p.add_argument(
        "--format",
        default="auto",
        choices=[*FORMATS, *ALIASES],
        help="default: recognised from each file; native is the project's own JSONL (with spans), "
        "conll is iob",
    )
    p.add_argument("--annotator", help="who you are: imported spans and relations become yours")
    p.add_argument(
        "--keep-annotators",
        action="store_true",
        help="keep the annotators (and gold layer) the files name; reviewers only, audited",
    )
    p.add_argument(
        "--text-field", default="text", help="JSONL/CSV/doccano field holding the text (default: text)"
    )
    p.add_argument(
        "--label-field",
        default="label",
        help="doccano field holding the [start, end, label] spans (default: label), e.g. column_label",
    )
    p.add_argument(
        "--create-labels", action="store_true", help="add labels the files use but the project lacks"
    )
    p.add_argument("--restore-deleted", action="store_true", help="import texts of deleted documents again")
    p.add_argument(
        "--skip-bad",
        action="store_true",
        help="import the good files and list each bad one with file:line and reason (default: one "
        "bad file imports nothing)",
    )

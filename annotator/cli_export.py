"""The ``export`` command's dataset options: parsed here so ``cli.py`` stays a table of commands."""

from __future__ import annotations

import argparse
import shutil
import sys
import tempfile
from collections.abc import Callable
from contextlib import ExitStack
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.errors import ValidationError
from annotator.names import check_name

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from annotator.export import ExportOptions
    from annotator.store import Store


Handler = Callable[[argparse.Namespace], int]
Command = Callable[[str, Handler, str], argparse.ArgumentParser]
RAW_CSV_HELP = (
    "CSV: write text cells starting with = + - @ verbatim (default: prefixed with ' so that "
    "a spreadsheet shows them as text, not formulas)"
)


def add_export_command(command: Command) -> None:
    add_export_arguments(command("export", cmd_export, "export the project, or a training dataset from it"))


def add_export_arguments(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--format",
        default="jsonl",
        help="jsonl (native, default; alias native), spacy (DocBin), iob (CoNLL IOB2; alias conll), "
        "hf-jsonl (token classification), doccano, doccano-relations, prodigy, brat, labelstudio, "
        "w3c, whosaid (CSV); webanno is import only",
    )
    p.add_argument(
        "-o",
        "--output",
        required=True,
        help="output file, or folder with --split, brat or --docs-per-file (new, empty, or one an "
        "earlier export wrote: its files are replaced, other files kept); written atomically; "
        "- writes one file to standard output (the report goes to stderr)",
    )
    p.add_argument(
        "--layer",
        default="all",
        help="all (default), annotator:NAME, majority (spans > half the document's annotators agree "
        "on), gold (the adjudicated layer; only adjudicated documents), or suggestions[:SOURCE] (the "
        "rules' and models' suggestions, pending, accepted and rejected alike, never labels; "
        "SOURCE keeps one, e.g. suggestions:rules@1; native JSONL gives each its origin and score, "
        "and import refuses them)",
    )
    p.add_argument(
        "--annotator",
        help="with --layer suggestions: whose own suggestions (made from their labels) go out beside "
        "the team's (default: your login on PostgreSQL, else your OS account name when it is an "
        "annotator of the project; others' stay out)",
    )
    p.add_argument("--labels", help="comma-separated labels to export (default: all)")
    p.add_argument(
        "--rename",
        action="append",
        default=[],
        metavar="OLD=NEW",
        help="rename a label on the way out; two labels renamed to one are merged (repeatable)",
    )
    p.add_argument(
        "--require-adjudicated",
        action="store_true",
        help="with --layer gold: refuse (write nothing) while any document is not adjudicated",
    )
    p.add_argument("--only-done", action="store_true", help="only documents marked done or adjudicated")
    p.add_argument(
        "--split",
        metavar="TRAIN,DEV[,TEST]",
        help="split by document, e.g. 0.8,0.1,0.1: OUT becomes a folder with train/dev/test files",
    )
    p.add_argument("--seed", type=int, default=0, help="seed of the split (same seed, same split)")
    p.add_argument("--sentences", action="store_true", help="one example per sentence (offsets re-based)")
    p.add_argument("--language", help="spaCy tokenizer language (default: the project's)")
    p.add_argument(
        "--span-key",
        default="",
        help="spacy: the doc.spans key (default: the key each document came with, else sc)",
    )
    p.add_argument("--docstart", action="store_true", help="iob: a -DOCSTART- line before each document")
    p.add_argument(
        "--docs-per-file",
        type=int,
        metavar="N",
        help="spacy: write a folder of .spacy parts of N documents instead of one file",
    )
    p.add_argument("--raw-csv", action="store_true", help=RAW_CSV_HELP)


IMPORT_ONLY = {"webanno": "WebAnno/INCEpTION TSV"}


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.cli_common import progress_bar, store_and_project
    from annotator.export import export
    from annotator.queries import document_count

    if args.format in IMPORT_ONLY:
        raise ValidationError(
            f"{args.format} ({IMPORT_ONLY[args.format]}) is import only: annotator reads it but does not "
            "write it (choose another --format)"
        )
    options = options_from_args(args)
    store, project_id = store_and_project(args)
    to_stdout = args.output == "-"
    with store.session() as session, ExitStack() as stack:
        if options.layer.strip().startswith("suggestions"):
            options.annotator = suggestions_person(store, session, project_id, args.annotator)
        warn_before_export(session, project_id, args)
        out = _stdout_stage(stack, args, options) if to_stdout else Path(args.output)
        total = document_count(session, project_id)
        with progress_bar(total, "doc", "exporting") as tick:
            report = export(session, project_id, args.format, out, tick, options)
        if to_stdout:
            with out.open("rb") as fh:
                shutil.copyfileobj(fh, sys.stdout.buffer)
            sys.stdout.flush()
    summary = report.summary()
    if to_stdout:  # the private file's name means nothing to the user
        summary = summary.replace(f" to {out}", " to standard output")
    print(summary, file=sys.stderr if to_stdout else sys.stdout)
    return 0


def _stdout_stage(stack: ExitStack, args: argparse.Namespace, options: ExportOptions) -> Path:
    """``-o -``: the export goes to a private file first (written whole, or not at all), then to
    standard output; an export that writes a folder cannot."""
    from annotator.export import EXTENSIONS, writes_folder

    if writes_folder(args.format, split=bool(options.split), docs_per_file=options.docs_per_file):
        raise ValidationError(f"-o - writes one file; this {args.format} export writes a folder (name one)")
    folder = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="annotator-export-")))
    return folder / ("export" + EXTENSIONS.get(args.format, ".out"))


def warn_before_export(session: Session, project_id: int, args: argparse.Namespace) -> None:
    """Before writing: a gold export leaves out documents not adjudicated; say so on stderr (or
    refuse with --require-adjudicated). Never a prompt: scripts must not hang."""
    from annotator.review.readiness import gold_export_warning

    warning = gold_export_warning(session, project_id, args.layer)
    if warning is None:
        return
    if getattr(args, "require_adjudicated", False):
        raise ValidationError(f"--require-adjudicated: {warning}")
    print(f"annotator: warning: {warning}", file=sys.stderr, flush=True)


def suggestions_person(store: Store, session: Session, project_id: int, declared: str | None) -> str | None:
    """Whose own suggestions a ``--layer suggestions`` export takes: who runs it, as other commands
    tell (``annotator.cli_undo.step_owner``), but read-only (no annotator is made): ``--annotator``
    NAME, else the login's annotator on PostgreSQL, else the OS account when it names one."""
    from sqlalchemy import select

    from annotator.model import Annotator

    rows = session.execute(
        select(Annotator.name, Annotator.login).where(Annotator.project_id == project_id)
    ).all()
    names = {name for name, _login in rows}
    login = store.login
    if login is None:
        if declared is not None:
            return declared.strip()  # the export checks that it names an annotator
        return store.account if store.account in names else None
    me = next((name for name, theirs in rows if theirs == login), login if login in names else None)
    if declared is not None and declared.strip() not in (me, login):
        raise ValidationError(
            f"you are logged in to the database as {login!r}, so your own suggestions are "
            f"{me or login!r}'s, not {declared.strip()!r}'s: on a shared PostgreSQL database each "
            "person is their login"
        )
    return me


def _rename(pairs: list[str]) -> dict[str, str]:
    rename: dict[str, str] = {}
    for pair in pairs:
        old, sep, new = pair.partition("=")
        if not sep or not old.strip() or not new.strip():
            raise ValidationError(f"--rename takes OLD=NEW, not {pair!r}")
        rename[old.strip()] = check_name(new.strip(), "label")  # it lands in IOB and CSV files
    return rename


def options_from_args(args: argparse.Namespace) -> ExportOptions:
    """The parsed command line as export options (bad values are errors the user can act on)."""
    from annotator.dataset import Split
    from annotator.export import ExportOptions

    split = Split.parse(args.split, args.seed).ratios if args.split else None
    if args.docs_per_file is not None and args.docs_per_file < 1:
        raise ValidationError("--docs-per-file must be at least 1")
    labels = [name.strip() for name in args.labels.split(",") if name.strip()] if args.labels else None
    return ExportOptions(
        only_done=args.only_done,
        layer=args.layer,
        labels=labels,
        rename=_rename(args.rename),
        split=split,
        seed=args.seed,
        sentences=args.sentences,
        language=args.language,
        span_key=args.span_key,
        docstart=args.docstart,
        docs_per_file=args.docs_per_file,
        raw_csv=args.raw_csv,
        annotator=args.annotator,  # (who runs a suggestions export is found in cmd_export)
    )

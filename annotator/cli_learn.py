"""``annotator train``, ``evaluate`` and ``models``: an extractor trained from the project's labels.

Training holds out part of the documents (by text and ``--seed``) and prints the held-out
figures; the model folder is written only when training succeeded, and the model is kept with
the project as ``NAME@VERSION`` (a copy beside a SQLite file, a row of a PostgreSQL database),
which ``models`` lists (``--delete`` removes one) and ``--model NAME@VERSION`` names.
"""

from __future__ import annotations

import argparse
import json
import re
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli_common import Action, print_table, project_of

if TYPE_CHECKING:
    from annotator.project import ProjectContext
    from annotator.records import DocRecord
    from annotator.suggest.rejected import Rejections


def _records(
    project: ProjectContext,
    args: argparse.Namespace,
    labels: list[str] | None,
    rejected: list[Rejections] | None = None,
) -> list[DocRecord]:
    """The layer's documents (``--docs``: those); ``rejected``: a list the layer's rejected
    suggestions are appended to, read in the same session."""
    from annotator.errors import NotFoundError
    from annotator.export import ExportOptions, records
    from annotator.suggest.rejected import people_layer, rejections

    people_layer(args.layer)
    with project.store.session() as session:
        found = list(records(session, project.id, ExportOptions(layer=args.layer, labels=labels)))
        if rejected is not None:
            rejected.append(rejections(session, project.id, args.layer, {r.doc_id for r in found if r.spans}))
    if args.docs:
        wanted = set(args.docs)
        found = [r for r in found if r.doc_id in wanted]
        missing = wanted - {r.doc_id for r in found}
        if missing:
            raise NotFoundError(
                f"no document {min(missing)} in the layer {args.layer} (gold takes adjudicated ones)"
            )
        for found_rejections in rejected or []:  # the chosen documents' rejections only
            found_rejections.documents = [d for d in found_rejections.documents if d.doc_id in wanted]
    return found


def cmd_train(args: argparse.Namespace) -> int:
    from annotator.learn import evaluate as scoring
    from annotator.learn.kept import keep_with_project, models_home, next_version
    from annotator.learn.train import describe, train

    labels = [x.strip() for x in args.labels.split(",") if x.strip()] if args.labels else None
    project = project_of(args)
    rejected: list[Rejections] = []
    found = _records(project, args, labels, None if args.no_rejections else rejected)
    out = Path(args.output)
    # -o models/quotes@2 names the model "quotes" (kept as quotes@N), not "quotes@2"
    name = re.sub(r"@\d+$", "", out.name) or out.name
    version = next_version(project, name)
    result = train(
        found,
        out,
        labels=labels,
        layer=args.layer,
        seed=args.seed,
        max_minutes=args.max_minutes,
        name=name,
        progress=lambda message: print(message, flush=True),
        parser=args.parser,
        rejected=rejected[0] if rejected else None,
    )
    _set_version(out, version)
    print(f"trained in {result.seconds:.0f} s on {result.train_docs} documents; held out {result.test_docs}:")
    if result.rejections:
        print(f"learnt from rejected suggestions: {describe(result.rejections)}")
    print(scoring.table(result.figures))
    where = keep_with_project(project, out, name, version)
    in_folder = models_home(project.url, project.id) is not None
    print(f"kept with the project {'as' if in_folder else 'in'} {where}")
    print(f"model written to {out}")
    return 0


def _set_version(folder: Path, version: int) -> None:
    meta_file = folder / "model.json"
    meta = json.loads(meta_file.read_text(encoding="utf-8"))
    meta["version"] = version
    meta_file.write_text(json.dumps(meta, indent=1, sort_keys=True), encoding="utf-8")


def cmd_evaluate(args: argparse.Namespace) -> int:
    from annotator.errors import ValidationError
    from annotator.learn import evaluate as scoring
    from annotator.learn.kept import model_argument
    from annotator.learn.model import load
    from annotator.suggest.rejected import people_layer

    people_layer(args.layer)  # before the model: the layer is the first thing wrong
    project = project_of(args)
    model = load(model_argument(project, args.model))
    found = _records(project, args, None)
    present = {s.label for r in found for s in r.spans}
    if present and not present & set(model.labels):
        raise ValidationError(
            f"{args.model}: the model was trained for {', '.join(model.labels)}; "
            f"the layer {args.layer} has {', '.join(sorted(present))}"
        )
    figures = scoring.evaluate(model, found)
    if args.json:
        print(json.dumps(figures, indent=1))
    else:
        print(f"{model.source} on {figures['documents']} documents of the layer {args.layer}:")
        print(scoring.table(figures))
    return 0


def cmd_models(args: argparse.Namespace) -> int:
    from annotator.learn.kept import delete_kept, kept_models

    if args.delete:  # a change: a teammate's login acts as themselves (the audit log says who)
        gone = delete_kept(project_of(args), args.delete)
        if args.json:
            print(json.dumps({"deleted": gone.key, "where": gone.where}))
        else:
            print(f"deleted {gone.key} ({gone.where}); its version is not used again")
        return 0
    found = kept_models(project_of(args, as_login=False))  # reading adds nobody to the project
    if args.json:
        keys = ("key", "name", "version", "labels", "trained_at", "where", "figures")
        print(json.dumps([{k: getattr(m, k) for k in keys} for m in found], indent=1))
    elif not found:
        print("no models kept with the project (annotator train keeps each one it trains)")
    else:
        rows = [[m.key, ",".join(m.labels), m.trained_at, m.where] for m in found]
        print_table(rows, ["model", "labels", "trained at", "where"])
    return 0


def add_learn_commands(command: Action) -> None:
    p = command("train", cmd_train, "train an extractor (spans and speaker links) from a layer, on CPU")
    p.add_argument("--layer", required=True, help="gold, majority, all or annotator:NAME")
    p.add_argument("-o", "--output", required=True, metavar="DIR", help="a new folder for the model")
    p.add_argument("--labels", help="labels to learn, comma-separated (default: all in the layer)")
    p.add_argument("--docs", type=int, nargs="+", metavar="ID", help="train on these documents only")
    p.add_argument("--max-minutes", type=float, default=10.0, help="time budget (default 10)")
    p.add_argument("--seed", type=int, default=0, help="which documents are held out")
    p.add_argument(
        "--parser",
        metavar="NAME_OR_PATH",
        help="an installed spaCy pipeline with a dependency parser: sources are found along its "
        "parses (the model needs it to suggest; nothing is downloaded)",
    )
    p.add_argument(
        "--no-rejections",
        action="store_true",
        help="do not learn from rejected suggestions (by default the layer's people's rejections "
        "teach 'no label here' in documents they left unlabelled, and 'not this speaker')",
    )
    p = command("evaluate", cmd_evaluate, "score a model against a layer: P/R/F1 per label, speaker accuracy")
    p.add_argument(
        "--model", required=True, metavar="DIR", help="a model folder, or NAME@VERSION of a kept model"
    )
    p.add_argument("--layer", required=True, help="gold, majority, all or annotator:NAME")
    p.add_argument("--docs", type=int, nargs="+", metavar="ID")
    p.add_argument("--json", action="store_true", help="the figures as JSON")
    p = command("models", cmd_models, "list the models kept with the project (NAME@VERSION, labels, where)")
    p.add_argument("--json", action="store_true", help="print JSON (with each model's held-out figures)")
    p.add_argument(
        "--delete", metavar="NAME@VERSION", help="remove this kept model (its number is never reused)"
    )

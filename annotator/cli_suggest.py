"""``annotator suggest``, ``suggestions``, ``accept`` and ``reject``: suggestions from the command line.

The forms are a contract (issue 15)::

    annotator suggest (--rules | --model DIR | --spacy NAME [--map A=B,...]) [--docs ID... | --all] [--min-score S]
    annotator suggest --model DIR --my-quotes [--annotator NAME] ...  # the speakers of NAME's quotes
    annotator suggestions [--doc ID] [--json]
    annotator accept (SUGGESTION_ID... | --doc ID [--min-score S]) --annotator NAME
    annotator reject (SUGGESTION_ID... | --doc ID) --annotator NAME

``--model NAME@VERSION`` names a model kept with the project (``annotator models``).
Span suggestions have plain numbers as ids, relation suggestions ``r`` and a number.
"""

from __future__ import annotations

import argparse
import json
import sys
from typing import TYPE_CHECKING

from annotator.cli_common import Action, open_project, print_table, progress_bar, project_of

if TYPE_CHECKING:
    from annotator.suggest.store import SpanSuggestionRow


def cmd_suggest(args: argparse.Namespace) -> int:
    from annotator.cli_undo import acting
    from annotator.errors import ValidationError
    from annotator.learn.kept import model_argument
    from annotator.suggest import engines

    if args.map and not (args.spacy or args.model):
        raise ValidationError("--map goes with --spacy or --model")
    if args.my_quotes and not args.model:
        raise ValidationError("--my-quotes goes with --model (a model `annotator train` made)")
    project = project_of(args)
    store, project_id = project.store, project.id
    labels = engines.project_labels(store, project_id)
    mapping = engines.parse_map(args.map)
    if args.rules:
        engine = engines.rules_engine(store, project_id)
    elif args.spacy:
        engine = engines.spacy_engine(args.spacy, mapping, labels)
    else:
        engine = engines.model_engine(model_argument(project, args.model), mapping, labels)
    docs = engines.document_ids(store, project_id, args.docs)
    with store.transaction() as tx:  # whose undo step the run is
        who = acting(tx, project_id, args.annotator)
        who_id, who_name = who.id, who.name
    if args.my_quotes:  # only the speakers of who's own quotes, shown to them alone
        from annotator.suggest.own import own_quotes_engine

        engine = own_quotes_engine(engine, who_id, who_name)
    steps: list[int] = []
    with progress_bar(len(docs), "doc", "suggesting") as tick:
        report = engines.run(
            store,
            project_id,
            engine,
            docs,
            min_score=args.min_score,
            progress=tick,
            annotator_id=who_id,
            steps=steps,
        )
    if steps:
        print(f"(undo: annotator undo --annotator {who_name})", file=sys.stderr)
    print(f"{report.summary(engine.source)}; {report.replaced} undecided earlier one(s) replaced")
    for name, n in sorted(report.unknown.items()):
        print(
            f"left out {n} suggestion(s) labelled {name!r}: the project has no such label or type",
            file=sys.stderr,
        )
    return 0


def cmd_suggestions(args: argparse.Namespace) -> int:
    from annotator.ops.projects import identify
    from annotator.suggest.store import listing

    store, project_id = open_project(args)
    pending_for = None
    if args.annotator:
        with store.transaction() as tx:
            pending_for = identify(tx, project_id, args.annotator).id
    with store.session() as session:
        found = listing(session, project_id, document_id=args.doc, pending_for=pending_for)
    ends = {s.id: s for s in found.spans} | found.ends  # a link's ends, listed or not
    if args.json:
        items = [s.to_json() for s in found.spans] + [
            r.to_json() | {"from_span": _end(ends, r.source_id), "to_span": _end(ends, r.target_id)}
            for r in found.relations
        ]
        print(json.dumps(items, ensure_ascii=False, indent=None))
        return 0
    rows: list[list[object]] = [
        [s.id, s.doc, s.start, s.end, s.label, f"{s.score:.2f}", s.source, _clip(s.text)] for s in found.spans
    ]
    rows += [
        [
            r.key,
            r.doc,
            "",
            "",
            f"{r.type} {r.source_id}→{r.target_id}",
            f"{r.score:.2f}",
            r.source,
            " → ".join(_clip(ends[i].text, 24) if i in ends else "?" for i in (r.source_id, r.target_id)),
        ]
        for r in found.relations
    ]
    print_table(rows, ["id", "doc", "start", "end", "label", "score", "source", "text"])
    return 0


def _end(ends: dict[int, SpanSuggestionRow], suggestion_id: int) -> dict[str, object] | None:
    """A link's end as the JSON of ``suggestions`` gives it, also when the end itself is not
    listed (the person labelled it already, or decided on it): scripts need no second lookup."""
    row = ends.get(suggestion_id)
    if row is None:
        return None
    return {"start": row.start, "end": row.end, "label": row.label, "text": row.text}


def _clip(text: str, n: int = 50) -> str:
    text = " ".join(text.split())
    return text if len(text) <= n else text[: n - 1] + "…"


def _decide(args: argparse.Namespace, *, accepting: bool) -> int:
    from annotator.errors import ValidationError
    from annotator.ops.projects import identify
    from annotator.suggest.decide import decide_step, documents_of, parse_ids
    from annotator.suggest.store import listing, mark_shown

    if bool(args.ids) == (args.doc is not None):
        raise ValidationError("name suggestion ids or --doc ID (one of the two)")
    store, project_id = open_project(args)
    with store.transaction() as tx:
        who = identify(tx, project_id, args.annotator)
        spans, relations = parse_ids(args.ids)
        if args.doc is not None:
            found = listing(tx.session, project_id, document_id=args.doc, pending_for=who.id)
            least = getattr(args, "min_score", None) or 0.0
            spans = [s.id for s in found.spans if s.score >= least]
            relations = [r.id for r in found.relations if r.score >= least]
        if accepting:
            docs = [args.doc] if args.doc is not None else None
            mark_shown(tx, docs or documents_of(tx, spans, relations), who.id)
        if not spans and not relations:
            print("no pending suggestions there")
            return 0
        result, step = decide_step(tx, project_id, spans, relations, who.id, accepting=accepting)
    verb = "accepted" if accepting else "rejected"
    made = f": {len(result.spans)} span(s), {len(result.relations)} relation(s) made" if accepting else ""
    print(
        f"{verb} {result.decided} suggestion(s){made}"
        + (f"; {result.skipped} decided already" if result.skipped else "")
    )
    if step.id is not None:
        print(f"(undo: annotator undo --annotator {who.name})", file=sys.stderr)
    return 0


def cmd_accept(args: argparse.Namespace) -> int:
    return _decide(args, accepting=True)


def cmd_reject(args: argparse.Namespace) -> int:
    return _decide(args, accepting=False)


def add_suggest_commands(command: Action) -> None:
    p = command(
        "suggest",
        cmd_suggest,
        "suggest spans and relations with the rules or a model (kept apart from labels)",
    )
    engine = p.add_mutually_exclusive_group(required=True)
    engine.add_argument(
        "--rules", action="store_true", help="the built-in attribution rules (no data needed)"
    )
    engine.add_argument(
        "--model",
        metavar="DIR",
        help="a model folder (annotator train's, or a spaCy pipeline saved to disk), or NAME@VERSION of "
        "a model kept with the project (annotator models)",
    )
    engine.add_argument("--spacy", metavar="NAME", help="an installed spaCy pipeline (never downloaded)")
    p.add_argument("--map", metavar="A=B,...", help="pipeline labels to project labels, e.g. PERSON=ACTOR")
    p.add_argument(
        "--annotator", metavar="NAME", help="whose undo step the run is (default: your login or OS account)"
    )
    where = p.add_mutually_exclusive_group()
    where.add_argument("--docs", type=int, nargs="+", metavar="ID", help="these documents")
    where.add_argument("--all", action="store_true", help="every document (the default)")
    p.add_argument(
        "--min-score", type=float, default=0.0, metavar="S", help="leave out suggestions scored below S"
    )
    p.add_argument(
        "--my-quotes",
        action="store_true",
        help="with --model: only the speakers of the quotes --annotator labelled and left unlinked; "
        "those suggestions are shown to that annotator alone",
    )

    p = command(
        "suggestions", cmd_suggestions, "list suggestions (id, doc, start, end, label, text, score, source)"
    )
    p.add_argument("--doc", type=int, metavar="ID", help="only this document")
    p.add_argument(
        "--json",
        action="store_true",
        help="print a JSON array (relation suggestions: id, doc, from, to, type)",
    )
    p.add_argument("--annotator", metavar="NAME", help="only those NAME has not decided on yet")

    for name, handler, verb in (
        ("accept", cmd_accept, "make suggestions your spans and relations"),
        ("reject", cmd_reject, "reject suggestions (not shown to you again)"),
    ):
        p = command(name, handler, f"{verb}; undoable with annotator undo")
        p.add_argument(
            "ids", nargs="*", metavar="SUGGESTION_ID", help="span suggestion ids; r12 for a relation"
        )
        p.add_argument(
            "--doc", type=int, metavar="ID", help="every suggestion you have not decided on in this document"
        )
        if name == "accept":
            p.add_argument(
                "--min-score", type=float, metavar="S", help="with --doc: only those scored S or more"
            )
        p.add_argument("--annotator", required=True, metavar="NAME", help="who decides")

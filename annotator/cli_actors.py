"""``annotator actors``: the project's actor registry from the command line.

    annotator actors list [--json]                    # id, name, aliases, external_id, mentions
    annotator actors add NAME [--alias A]... [--external-id ID]   # prints the id
    annotator actors link SPAN_ID ACTOR_ID
    annotator actors merge KEEP_ID OTHER_ID
    annotator actors unlink SPAN_ID / edit ID ... / split ID SPAN_ID... --name NEW / delete ID
    annotator actors mentions ID [--json]
    annotator actors export -o FILE.csv / annotator actors import FILE.csv

Each change is one undoable step (``annotator undo``) of ``--annotator`` (default: your login on
PostgreSQL, else your OS account; a link defaults to the span's owner) and is audited.
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import TYPE_CHECKING

from annotator.cli_common import Action, actions, open_project, print_table, project_of

if TYPE_CHECKING:  # the store (SQLAlchemy) loads when a command runs, not to parse the line
    from annotator.store import Tx


def _acting(tx: Tx, project_id: int, args: argparse.Namespace, span_id: int | None = None) -> None:
    """Make the command's person the transaction's actor (a link: the span's owner by default)."""
    from annotator.cli_undo import acting
    from annotator.model import Annotation, Annotator

    declared = args.annotator
    if declared is None and tx.login is None and span_id is not None:
        span = tx.session.get(Annotation, span_id)
        owner = tx.session.get(Annotator, span.annotator_id) if span is not None else None
        if owner is not None and owner.role != "gold":
            declared = owner.name
    acting(tx, project_id, declared)


def cmd_list(args: argparse.Namespace) -> int:
    rows = project_of(args, as_login=False).actors(include_merged=args.all)
    if args.json:
        print(json.dumps([r.as_json() for r in rows], ensure_ascii=False))
        return 0
    print_table(
        [
            (r.id, r.name, "; ".join(r.aliases), r.external_id, r.mentions, r.kind, r.quotes, r.claims)
            + ((r.merged_into_id,) if args.all else ())
            for r in rows
        ],
        ["id", "name", "aliases", "external_id", "mentions", "kind", "quotes", "claims"]
        + (["merged_into"] if args.all else []),
    )
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from annotator import actors_steps as steps

    store, project_id = open_project(args)
    with store.transaction() as tx:
        _acting(tx, project_id, args)
        actor = steps.add(
            tx, project_id, args.name, aliases=args.alias, kind=args.kind, external_id=args.external_id
        )
    print(actor.id)
    return 0


def _link(args: argparse.Namespace, actor_id: int | None) -> int:
    from annotator import actors_steps as steps

    store, project_id = open_project(args)
    with store.transaction() as tx:
        _acting(tx, project_id, args, args.span_id)
        steps.link(tx, args.span_id, actor_id)
    print(f"span {args.span_id} " + (f"linked to actor {actor_id}" if actor_id else "unlinked"))
    return 0


def cmd_link(args: argparse.Namespace) -> int:
    return _link(args, args.actor_id)


def cmd_unlink(args: argparse.Namespace) -> int:
    return _link(args, None)


def cmd_merge(args: argparse.Namespace) -> int:
    from annotator import actors_steps as steps

    store, project_id = open_project(args)
    with store.transaction() as tx:
        _acting(tx, project_id, args)
        keep = steps.merge(tx, args.keep_id, args.other_id)
        aliases = "; ".join(keep.aliases or [])
    print(f"merged actor {args.other_id} into {args.keep_id} ({keep.name}; aliases: {aliases or 'none'})")
    return 0


def cmd_edit(args: argparse.Namespace) -> int:
    from annotator import actors_steps as steps

    fields: dict[str, object] = {}
    if args.name is not None:
        fields["name"] = args.name
    if args.alias is not None:
        fields["aliases"] = args.alias
    for name in ("kind", "external_id"):
        if getattr(args, name) is not None:
            fields[name] = getattr(args, name) or None
    if args.attributes is not None:
        from annotator.errors import ValidationError

        try:
            fields["attributes"] = json.loads(args.attributes) if args.attributes else None
        except json.JSONDecodeError as exc:
            raise ValidationError(f"--attributes is not JSON: {exc.msg}") from None
    store, project_id = open_project(args)
    with store.transaction() as tx:
        _acting(tx, project_id, args)
        actor = steps.update(tx, args.actor_id, **fields)
        name = actor.name
    print(f"actor {args.actor_id}: {name}")
    return 0


def cmd_split(args: argparse.Namespace) -> int:
    from annotator import actors_steps as steps

    store, project_id = open_project(args)
    with store.transaction() as tx:
        _acting(tx, project_id, args)
        new = steps.split(tx, args.actor_id, args.span_ids, args.name)
    print(new.id)
    return 0


def cmd_delete(args: argparse.Namespace) -> int:
    from annotator import actors_steps as steps

    store, project_id = open_project(args)
    with store.transaction() as tx:
        _acting(tx, project_id, args)
        steps.delete(tx, args.actor_id)
    print(f"deleted actor {args.actor_id}")
    return 0


def cmd_mentions(args: argparse.Namespace) -> int:
    rows = project_of(args, as_login=False).actor_mentions(args.actor_id)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "document": m.document_id,
                        "span": m.span_id,
                        "start": m.start,
                        "end": m.end,
                        "text": m.text,
                        "label": m.label,
                        "annotator": m.annotator,
                    }
                    for m in rows
                ],
                ensure_ascii=False,
            )
        )
        return 0
    print_table(
        [(m.document_id, m.span_id, m.start, m.end, m.label, m.annotator, m.text) for m in rows],
        ["doc", "span", "start", "end", "label", "annotator", "text"],
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    from annotator.actors_csv import write_csv

    store, project_id = open_project(args)
    with store.session() as session:
        count = write_csv(session, project_id, Path(args.output), raw=args.raw_csv)
    print(f"wrote {count} actor(s) to {args.output}")
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    from annotator.actors import live_actors
    from annotator.actors_csv import import_rows, read_csv
    from annotator.actors_steps import actor_step

    rows = read_csv(Path(args.file))
    store, project_id = open_project(args)
    with store.transaction() as tx:
        _acting(tx, project_id, args)
        live = [a.id for a in live_actors(tx.session, project_id)]  # any may gain aliases
        with actor_step(tx, f"Import actors from {Path(args.file).name}", actors=live, mentions=False):
            result = import_rows(tx, project_id, rows, str(args.file))
    print(result.summary())
    return 0


def add_actor_commands(command: Action) -> None:
    group = command("actors", lambda _args: 2, "the project's actor registry (who speaks)")
    action = actions(group, "actors_command")
    who = "whose undoable step this is (default: your login, else your OS account)"

    p = action("list", cmd_list, "list actors: id, name, aliases, external id, mentions (quotes, claims)")
    p.add_argument("--json", action="store_true", help="print a JSON array")
    p.add_argument("--all", action="store_true", help="also actors merged into others")

    p = action("add", cmd_add, "add an actor to the registry; prints its id")
    p.add_argument("name", metavar="NAME")
    p.add_argument("--alias", action="append", default=[], metavar="A", help="another name (repeatable)")
    p.add_argument("--external-id", metavar="ID", help="e.g. a Wikidata QID (text; nothing is looked up)")
    p.add_argument("--kind", metavar="TYPE", help="person, organisation, ...")
    p.add_argument("--annotator", help=who)

    for name, handler, help_ in (
        ("link", cmd_link, "point an ACTOR span at an actor"),
        ("unlink", cmd_unlink, "make an ACTOR span point at no actor"),
    ):
        p = action(name, handler, help_)
        p.add_argument("span_id", type=int, metavar="SPAN_ID")
        if name == "link":
            p.add_argument("actor_id", type=int, metavar="ACTOR_ID")
        p.add_argument("--annotator", help="whose step (default: your login, else the span's owner)")

    p = action("merge", cmd_merge, "fold OTHER_ID into KEEP_ID: mentions move, names become aliases")
    p.add_argument("keep_id", type=int, metavar="KEEP_ID")
    p.add_argument("other_id", type=int, metavar="OTHER_ID")
    p.add_argument("--annotator", help=who)

    p = action("edit", cmd_edit, "rename an actor or change its aliases, type, external id, attributes")
    p.add_argument("actor_id", type=int, metavar="ID")
    p.add_argument("--name", help="the new canonical name (the old one becomes an alias)")
    p.add_argument("--alias", action="append", metavar="A", help="the aliases, replacing them (repeatable)")
    p.add_argument("--kind", metavar="TYPE", help="'' clears it")
    p.add_argument("--external-id", metavar="ID", help="'' clears it")
    p.add_argument("--attributes", metavar="JSON", help="a JSON object; '' clears them")
    p.add_argument("--annotator", help=who)

    p = action("split", cmd_split, "move some mentions of an actor to a new actor; prints its id")
    p.add_argument("actor_id", type=int, metavar="ACTOR_ID")
    p.add_argument("span_ids", type=int, nargs="+", metavar="SPAN_ID")
    p.add_argument("--name", required=True, help="the new actor's name")
    p.add_argument("--annotator", help=who)

    p = action("delete", cmd_delete, "remove an actor no span points to")
    p.add_argument("actor_id", type=int, metavar="ID")
    p.add_argument("--annotator", help=who)

    p = action("mentions", cmd_mentions, "the spans pointing to an actor")
    p.add_argument("actor_id", type=int, metavar="ID")
    p.add_argument("--json", action="store_true", help="print a JSON array")

    p = action(
        "export", cmd_export, "write the registry as CSV (id,name,aliases,kind,external_id,attributes)"
    )
    p.add_argument("-o", "--output", required=True, metavar="FILE.csv")
    p.add_argument("--raw-csv", action="store_true", help="cells verbatim (no spreadsheet formula guard)")

    p = action("import", cmd_import, "add or update actors from CSV (matched by external id, else name)")
    p.add_argument("file", metavar="FILE.csv")
    p.add_argument("--annotator", help=who)

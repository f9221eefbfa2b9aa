"""``annotator attributes list|add|set|clear|rename|describe|remove``: the codebook's typed
attributes and their values from the command line."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from contextlib import AbstractContextManager
from typing import TYPE_CHECKING, Any

from annotator.cli_common import actions, open_project, print_table
from annotator.cli_undo import ANNOTATOR_HELP, schema_step_of

if TYPE_CHECKING:
    from annotator.model import AttributeDef
    from annotator.tx import Tx
    from annotator.undo import Step

Command = Callable[..., argparse.ArgumentParser]


def _scope(args: argparse.Namespace) -> str:
    if getattr(args, "document", False):
        return "document"
    return "relation" if getattr(args, "relation_type", False) else "label"


def _step(
    tx: Tx, project_id: int, args: argparse.Namespace, title: str, values: AttributeDef | None = None
) -> AbstractContextManager[Step]:
    """One undoable schema step; ``values``: an attribute whose values on spans, relations or
    documents the edit may rewrite (a rename), imaged with the step."""
    named: dict[str, Any] = {}
    if values is not None and values.scope == "document":
        named["doc_values"] = True
    elif values is not None and values.relation_type_id is not None:
        named["types"] = [values.relation_type_id]
    elif values is not None and values.label_id is not None:
        named["labels"] = [values.label_id]
    return schema_step_of(tx, project_id, args.annotator, title, **named)


def cmd_add_document(args: argparse.Namespace) -> int:
    args.owner, args.relation_type, args.document = "document", False, True
    return cmd_add(args)


def _set_document(args: argparse.Namespace, value: str | None) -> int:
    from annotator.attributes import DOCUMENT
    from annotator.attributes_documents import set_document_value_step
    from annotator.attributes_values import definitions_for, parse_value, show_value
    from annotator.errors import NotFoundError
    from annotator.ops.projects import identify

    store, project_id = open_project(args)
    with store.transaction() as tx:
        person = identify(tx, project_id, args.annotator)
        known = definitions_for(tx, DOCUMENT, project_id)
        if args.name not in known:
            raise NotFoundError(
                f"documents have no attribute {args.name!r} (attributes: {', '.join(known) or 'none'})"
            )
        typed = None if value is None else parse_value(known[args.name], value)
        set_document_value_step(tx, args.doc_id, person.id, args.name, typed)
    shown = "cleared" if typed is None else f"= {show_value(typed)}"
    print(f"document {args.doc_id} ({person.name}): {args.name} {shown}")
    return 0


def cmd_list(args: argparse.Namespace) -> int:
    from annotator.attributes import list_attributes

    store, project_id = open_project(args)
    with store.session() as session:
        rows = list_attributes(session, project_id)
    if args.json:
        print(
            json.dumps(
                [
                    {
                        "id": a.id,
                        "scope": a.scope,
                        "owner": a.owner,
                        "name": a.name,
                        "type": a.kind,
                        "values": list(a.choices),
                        "description": a.description,
                    }
                    for a in rows
                ],
                ensure_ascii=False,
            )
        )
        return 0
    print_table(
        [(a.qualified, a.kind, ",".join(a.choices), a.description) for a in rows],
        ["attribute", "type", "values", "description"],
    )
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from annotator.attributes import define_attribute

    store, project_id = open_project(args)
    choices = args.values.split(",") if args.values else []
    with store.transaction() as tx, _step(tx, project_id, args, f"Add attribute {args.owner}.{args.name}"):
        attr = define_attribute(
            tx,
            project_id,
            args.owner,
            args.name,
            args.type,
            choices,
            description=args.description,
            scope=_scope(args),
        )
    print(
        f"added attribute {args.owner}.{attr.name} ({attr.kind}"
        + (f": {', '.join(choices)})" if choices else ")")
    )
    return 0


def _set(args: argparse.Namespace, value: str | None) -> int:
    from annotator.attributes_values import definitions_for, parse_value, set_value_step, show_value
    from annotator.errors import NotFoundError
    from annotator.model import Annotation, Relation

    kind = "relation" if args.relation else "span"
    store, _project_id = open_project(args)
    with store.transaction() as tx:
        row = (
            tx.session.get(Relation, args.row_id)
            if args.relation
            else tx.session.get(Annotation, args.row_id)
        )
        if row is None:
            raise NotFoundError(f"no {kind} with id {args.row_id}")
        scope, owner = ("relation", row.type_id) if isinstance(row, Relation) else ("label", row.label_id)
        known = definitions_for(tx, scope, owner)
        typed = None
        if value is not None:
            if args.name not in known:
                raise NotFoundError(
                    f"{kind} {args.row_id} has no attribute {args.name!r} "
                    f"(its attributes: {', '.join(known) or 'none'})"
                )
            typed = parse_value(known[args.name], value)
        set_value_step(tx, kind, args.row_id, args.name, typed)
    shown = "cleared" if typed is None else f"= {show_value(typed)}"
    print(f"{kind} {args.row_id}: {args.name} {shown}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    return _set(args, args.value)


def cmd_clear(args: argparse.Namespace) -> int:
    return _set(args, None)


def cmd_set_document(args: argparse.Namespace) -> int:
    return _set_document(args, args.value)


def cmd_clear_document(args: argparse.Namespace) -> int:
    return _set_document(args, None)


def cmd_rename(args: argparse.Namespace) -> int:
    from annotator.attributes import get_attribute, update_attribute

    store, project_id = open_project(args)
    with store.transaction() as tx:
        attr = get_attribute(tx.session, project_id, args.owner, args.old, _scope(args))
        with _step(tx, project_id, args, f"Rename attribute {args.owner}.{args.old}", attr):
            update_attribute(tx, attr, name=args.new)
    print(f"renamed attribute {args.owner}.{args.old} to {args.new}")
    return 0


def cmd_describe(args: argparse.Namespace) -> int:
    from annotator.attributes import get_attribute, update_attribute

    store, project_id = open_project(args)
    with store.transaction() as tx:
        attr = get_attribute(tx.session, project_id, args.owner, args.name, _scope(args))
        choices = args.values.split(",") if args.values is not None else None
        with _step(tx, project_id, args, f"Describe attribute {args.owner}.{args.name}", attr):
            update_attribute(tx, attr, description=args.description, choices=choices)
    print(f"updated attribute {args.owner}.{args.name}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from annotator.attributes import delete_attribute, get_attribute

    store, project_id = open_project(args)
    with store.transaction() as tx:
        attr = get_attribute(tx.session, project_id, args.owner, args.name, _scope(args))
        with _step(tx, project_id, args, f"Remove attribute {args.owner}.{args.name}"):
            delete_attribute(tx, attr)
    print(f"removed attribute {args.owner}.{args.name}")
    return 0


def _owner_args(p: argparse.ArgumentParser) -> None:
    p.add_argument("owner", metavar="LABEL", help="the label (or with --relation-type the relation type)")
    p.add_argument("--relation-type", action="store_true", help="LABEL names a relation type")
    p.add_argument("--document", action="store_true", help="a document attribute (LABEL: write document)")
    p.add_argument("--annotator", metavar="NAME", help=ANNOTATOR_HELP)


def add_attribute_commands(command: Command) -> None:
    group = command("attributes", lambda _args: 2, "the codebook's typed attributes and their values")
    action = actions(group, "attributes_command")

    p = action("list", cmd_list, "list attribute definitions")
    p.add_argument("--json", action="store_true")
    for name, handler, help_ in (
        ("add", cmd_add, "define an attribute of a label (or relation type)"),
        ("add-document", cmd_add_document, "define a document-level attribute (genre, topic)"),
    ):
        p = action(name, handler, help_)
        if name == "add":
            _owner_args(p)
        else:
            p.add_argument("--annotator", metavar="NAME", help=ANNOTATOR_HELP)
        p.add_argument("name", metavar="NAME")
        p.add_argument("--type", required=True, choices=["choice", "multi", "bool", "number", "text"])
        p.add_argument("--values", help="the choices of a choice or multi attribute, comma separated")
        p.add_argument("--description", default="", help="the guideline for coders")
    for name, handler, help_, row in (
        ("set", cmd_set, "set an attribute of a span (multi: a,b; bool: yes/no)", "SPAN_ID"),
        ("clear", cmd_clear, "clear an attribute of a span", "SPAN_ID"),
        ("set-document", cmd_set_document, "set an annotator's document-level attribute", "DOC_ID"),
        ("clear-document", cmd_clear_document, "clear an annotator's document-level attribute", "DOC_ID"),
    ):
        p = action(name, handler, help_)
        p.add_argument("doc_id" if row == "DOC_ID" else "row_id", type=int, metavar=row)
        p.add_argument("name", metavar="NAME")
        if name.startswith("set"):
            p.add_argument("value", metavar="VALUE")
        if row == "DOC_ID":
            p.add_argument(
                "--annotator", required=True, help="whose value (on PostgreSQL: your login's name)"
            )
        else:
            p.add_argument("--relation", action="store_true", help="SPAN_ID is a relation's id")
    p = action("rename", cmd_rename, "rename an attribute (its values follow)")
    _owner_args(p)
    p.add_argument("old", metavar="NAME")
    p.add_argument("new", metavar="NEW")
    p = action("describe", cmd_describe, "change an attribute's description or choices")
    _owner_args(p)
    p.add_argument("name", metavar="NAME")
    p.add_argument("--description", help="the guideline for coders")
    p.add_argument("--values", help="the new choices (a choice in use cannot go)")
    p = action("remove", cmd_remove, "remove an attribute (refused while values use it)")
    _owner_args(p)
    p.add_argument("name", metavar="NAME")

"""``annotator labels list|add|rename|recolor|rekey|describe|move|ends|retire|unretire|remove``.

The label schema from the command line. Each edit is one undoable step of the person making it
(``--annotator``, see ``cli_undo.acting``): ``annotator undo --annotator NAME`` takes it back, as
Ctrl+Z does for edits made in the app's schema editor. ``--relation`` edits a relation type
instead of a label.
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from annotator.cli_common import actions, open_project
from annotator.cli_undo import ANNOTATOR_HELP, acting

if TYPE_CHECKING:
    from annotator.model import Label, RelationType
    from annotator.store import Tx

Command = Callable[..., argparse.ArgumentParser]


def cmd_list(args: argparse.Namespace) -> int:
    from sqlalchemy import select

    from annotator.model import Label, RelationType
    from annotator.queries import stats

    store, project_id = open_project(args)
    with store.session() as session:
        labels = list(
            session.scalars(select(Label).where(Label.project_id == project_id).order_by(Label.position))
        )
        counts = stats(session, project_id)["spans_by_label"]
        query = select(RelationType).where(RelationType.project_id == project_id)
        types = list(session.scalars(query.order_by(RelationType.position, RelationType.id)))
        by_id = {label.id: label.name for label in labels}
        if args.json:
            print(json.dumps(_listing(labels, types, counts, by_id), ensure_ascii=False))
            return 0
        for lab in labels:
            retired = "  (retired)" if lab.retired else ""
            print(
                f"{lab.name:<12} {lab.color}  key {lab.hotkey or '-'}  "
                f"{counts.get(lab.name, 0)} span(s){retired}"
            )
        for t in types:
            ends = f"{by_id.get(t.from_label_id or -1, 'any')} → {by_id.get(t.to_label_id or -1, 'any')}"
            print(f"relation {t.name:<12} {ends}" + ("  (retired)" if t.retired else ""))
    return 0


def _listing(
    labels: list[Label], types: list[RelationType], counts: dict[str, int], by_id: dict[int, str]
) -> dict[str, Any]:
    return {
        "labels": [
            {
                "name": lab.name,
                "color": lab.color,
                "hotkey": lab.hotkey,
                "description": lab.description,
                "spans": counts.get(lab.name, 0),
                "retired": bool(lab.retired),
            }
            for lab in labels
        ],
        "relation_types": [
            {
                "name": t.name,
                "from": by_id.get(t.from_label_id or -1),
                "to": by_id.get(t.to_label_id or -1),
                "color": t.color,
                "description": t.description,
                "retired": bool(t.retired),
            }
            for t in types
        ],
    }


Edit = Callable[["Tx", int], str]


def _step(args: argparse.Namespace, title: str, edit: Edit, *, delete: str | None = None) -> int:
    """Run ``edit`` as one undoable schema step of the acting annotator and print its message.

    ``delete``: the label (or relation type) the edit may remove with its spans (or relations).
    """
    from annotator.ops.labels import get_label, get_relation_type
    from annotator.undo import schema_step

    store, project_id = open_project(args)
    with store.transaction() as tx:
        person = acting(tx, project_id, args.annotator)
        labels, types = [], []
        if delete is not None and args.relation:
            types.append(get_relation_type(tx, project_id, delete).id)
        elif delete is not None:
            labels.append(get_label(tx, project_id, delete).id)
        with schema_step(tx, title, project_id, person.id, labels=labels, types=types):
            message = edit(tx, project_id)
    print(message)
    return 0


def _row(tx: Tx, project_id: int, args: argparse.Namespace, name: str) -> Label | RelationType:
    from annotator.ops.labels import get_label, get_relation_type

    return get_relation_type(tx, project_id, name) if args.relation else get_label(tx, project_id, name)


def _update(tx: Tx, row: Label | RelationType, **changes: Any) -> None:
    from annotator.model import Label
    from annotator.ops.labels import update_label, update_relation_type

    if isinstance(row, Label):
        update_label(tx, row, **changes)
    else:
        update_relation_type(tx, row, **changes)


def _what(args: argparse.Namespace) -> str:
    return "relation type" if args.relation else "label"


def cmd_add(args: argparse.Namespace) -> int:
    from annotator.ops.labels import add_label, add_relation_type

    def edit(tx: Tx, project_id: int) -> str:
        if args.relation:
            ends = {"from_label": args.from_label, "to_label": args.to_label}
            row: Any = add_relation_type(
                tx, project_id, args.name, color=args.color, description=args.description, **ends
            )
        else:
            row = add_label(
                tx, project_id, args.name, color=args.color, hotkey=args.hotkey, description=args.description
            )
        return f"added {_what(args)} {row.name} ({row.color})"

    return _step(args, f"Add {_what(args)} {args.name}", edit)


def _change(args: argparse.Namespace, name: str, title: str, message: str, /, **changes: Any) -> int:
    """One field change of a label (or with --relation a relation type) as an undoable step."""

    def edit(tx: Tx, project_id: int) -> str:
        _update(tx, _row(tx, project_id, args, name), **changes)
        return message

    return _step(args, title, edit)


def cmd_rename(args: argparse.Namespace) -> int:
    what = _what(args)
    title, done = f"Rename {what} {args.old} to {args.new}", f"renamed {what} {args.old} to {args.new}"
    return _change(args, args.old, title, done, name=args.new)


def cmd_recolor(args: argparse.Namespace) -> int:
    what = _what(args)
    title, done = f"Recolour {what} {args.name}", f"{what} {args.name} is now {args.color}"
    return _change(args, args.name, title, done, color=args.color)


def cmd_rekey(args: argparse.Namespace) -> int:
    key = "" if args.key in ("-", "none") else args.key
    done = f"label {args.name} " + (f"has key {key.lower()}" if key else "has no key now")
    return _change(args, args.name, f"Key of label {args.name}", done, hotkey=key)


def cmd_describe(args: argparse.Namespace) -> int:
    what = _what(args)
    return _change(
        args,
        args.name,
        f"Describe {what} {args.name}",
        f"described {what} {args.name}",
        description=args.text,
    )


def cmd_move(args: argparse.Namespace) -> int:
    from annotator.ops.labels import move

    def edit(tx: Tx, project_id: int) -> str:
        move(tx, _row(tx, project_id, args, args.name), args.position - 1)
        return f"{_what(args)} {args.name} is number {args.position} of the list now"

    return _step(args, f"Move {_what(args)} {args.name}", edit)


def cmd_ends(args: argparse.Namespace) -> int:
    from annotator.ops.labels import ANY, get_relation_type, update_relation_type

    def end(value: str) -> str:
        return ANY if value.casefold() == "any" else value

    def edit(tx: Tx, project_id: int) -> str:
        rtype = get_relation_type(tx, project_id, args.name)
        update_relation_type(tx, rtype, from_label=end(args.source), to_label=end(args.target))
        return f"relation type {args.name} links {args.source} → {args.target}"

    return _step(args, f"Ends of relation type {args.name}", edit)


def _retiring(retired: bool) -> Callable[[argparse.Namespace], int]:
    verb = "retire" if retired else "un-retire"

    def cmd(args: argparse.Namespace) -> int:
        what = f"{_what(args)} {args.name}"
        return _change(args, args.name, f"{verb.capitalize()} {what}", f"{verb}d {what}", retired=retired)

    return cmd


def cmd_remove(args: argparse.Namespace) -> int:
    from annotator.model import Label
    from annotator.ops.labels import remove_label, remove_relation_type

    def edit(tx: Tx, project_id: int) -> str:
        row = _row(tx, project_id, args, args.name)
        if isinstance(row, Label):
            removed = remove_label(tx, row, delete_annotations=args.delete_annotations)
            return f"removed label {args.name}" + (f" and {removed} span(s)" if removed else "")
        removed = remove_relation_type(tx, row, delete_relations=args.delete_annotations)
        return f"removed relation type {args.name}" + (f" and {removed} relation(s)" if removed else "")

    return _step(args, f"Remove {_what(args)} {args.name}", edit, delete=args.name)


def add_label_commands(command: Command) -> None:
    labels = command("labels", lambda _args: 2, "list and edit the label schema")
    action = actions(labels, "labels_command")

    p = action("list", cmd_list, "list labels and relation types with their span counts")
    p.add_argument("--json", action="store_true")

    def edit(
        name: str, handler: Callable[[argparse.Namespace], int], help_: str, *, types: bool = True
    ) -> argparse.ArgumentParser:
        p = action(name, handler, help_)
        p.add_argument("--annotator", help=ANNOTATOR_HELP)
        if types:
            p.add_argument("--relation", action="store_true", help="edit a relation type instead of a label")
        else:
            p.set_defaults(relation=name == "ends")
        return p

    p = edit("add", cmd_add, "add a span label (or with --relation a relation type)")
    p.add_argument("name")
    p.add_argument("--color", help="#RRGGBB (default: next colour of a colour-blind-safe palette)")
    p.add_argument("--hotkey", help="one letter or digit")
    p.add_argument("--description", default="", help="the annotation guideline for this label")
    p.add_argument("--from", dest="from_label", metavar="LABEL", help="relation types: the source's label")
    p.add_argument("--to", dest="to_label", metavar="LABEL", help="relation types: the target's label")
    p = edit("rename", cmd_rename, "rename a label (its spans keep it)")
    p.add_argument("old")
    p.add_argument("new")
    p = edit("recolor", cmd_recolor, "change a label's colour")
    p.add_argument("name")
    p.add_argument("color")
    p = edit(
        "rekey",
        cmd_rekey,
        "change a label's key (- for none); a key another label has is refused",
        types=False,
    )
    p.add_argument("name")
    p.add_argument("key")
    p = edit("describe", cmd_describe, "set a label's description (its guideline)")
    p.add_argument("name")
    p.add_argument("text")
    p = edit("move", cmd_move, "put a label at POSITION of the palette (1 = first)")
    p.add_argument("name")
    p.add_argument("position", type=int)
    p = edit(
        "ends", cmd_ends, "restrict a relation type's ends: FROM and TO are labels or 'any'", types=False
    )
    p.add_argument("name")
    p.add_argument("source", metavar="FROM")
    p.add_argument("target", metavar="TO")
    p = edit("retire", _retiring(True), "retire a label: its spans keep it, new spans can no longer use it")
    p.add_argument("name")
    p = edit("unretire", _retiring(False), "offer a retired label again")
    p.add_argument("name")
    p = edit("remove", cmd_remove, "remove a label (refused while spans use it: retire it instead)")
    p.add_argument("name")
    p.add_argument("--delete-annotations", action="store_true", help="also delete the spans that use it")

"""``annotator labels list|add|rename|recolor|remove``: the label schema from the command line."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from annotator.cli_common import actions, open_project

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
        types = list(session.scalars(select(RelationType).where(RelationType.project_id == project_id)))
        by_id = {label.id: label.name for label in labels}
        if args.json:
            print(
                json.dumps(
                    {
                        "labels": [
                            {
                                "name": lab.name,
                                "color": lab.color,
                                "hotkey": lab.hotkey,
                                "description": lab.description,
                                "spans": counts.get(lab.name, 0),
                            }
                            for lab in labels
                        ],
                        "relation_types": [
                            {
                                "name": t.name,
                                "from": by_id.get(t.from_label_id or -1),
                                "to": by_id.get(t.to_label_id or -1),
                                "color": t.color,
                            }
                            for t in types
                        ],
                    },
                    ensure_ascii=False,
                )
            )
            return 0
        for lab in labels:
            print(f"{lab.name:<12} {lab.color}  key {lab.hotkey or '-'}  {counts.get(lab.name, 0)} span(s)")
        for t in types:
            ends = f"{by_id.get(t.from_label_id or -1, 'any')} → {by_id.get(t.to_label_id or -1, 'any')}"
            print(f"relation {t.name:<12} {ends}")
    return 0


def cmd_add(args: argparse.Namespace) -> int:
    from annotator.ops.labels import add_label

    store, project_id = open_project(args)
    with store.transaction() as tx:
        label = add_label(
            tx, project_id, args.name, color=args.color, hotkey=args.hotkey, description=args.description
        )
    print(f"added label {label.name} ({label.color})")
    return 0


def cmd_rename(args: argparse.Namespace) -> int:
    from annotator.ops.labels import get_label, update_label

    store, project_id = open_project(args)
    with store.transaction() as tx:
        update_label(tx, get_label(tx, project_id, args.old), name=args.new)
    print(f"renamed label {args.old} to {args.new}")
    return 0


def cmd_recolor(args: argparse.Namespace) -> int:
    from annotator.ops.labels import get_label, update_label

    store, project_id = open_project(args)
    with store.transaction() as tx:
        update_label(tx, get_label(tx, project_id, args.name), color=args.color)
    print(f"label {args.name} is now {args.color}")
    return 0


def cmd_remove(args: argparse.Namespace) -> int:
    from annotator.ops.labels import get_label, remove_label

    store, project_id = open_project(args)
    with store.transaction() as tx:
        removed = remove_label(
            tx, get_label(tx, project_id, args.name), delete_annotations=args.delete_annotations
        )
    print(f"removed label {args.name}" + (f" and {removed} span(s)" if removed else ""))
    return 0


def add_label_commands(command: Command) -> None:
    labels = command("labels", lambda _args: 2, "list and edit the label schema")
    action = actions(labels, "labels_command")

    p = action("list", cmd_list, "list labels and relation types with their span counts")
    p.add_argument("--json", action="store_true")
    p = action("add", cmd_add, "add a span label")
    p.add_argument("name")
    p.add_argument("--color", help="#RRGGBB (default: next colour of a colour-blind-safe palette)")
    p.add_argument("--hotkey", help="one letter or digit")
    p.add_argument("--description", default="", help="the annotation guideline for this label")
    p = action("rename", cmd_rename, "rename a label (its spans keep it)")
    p.add_argument("old")
    p.add_argument("new")
    p = action("recolor", cmd_recolor, "change a label's colour")
    p.add_argument("name")
    p.add_argument("color")
    p = action("remove", cmd_remove, "remove a label (refused while spans use it)")
    p.add_argument("name")
    p.add_argument("--delete-annotations", action="store_true", help="also delete the spans that use it")

"""``annotator settings list|set``: the project's shared settings from the command line."""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable

from annotator.cli_common import actions, open_project
from annotator.cli_undo import ANNOTATOR_HELP

Command = Callable[..., argparse.ArgumentParser]


def cmd_list(args: argparse.Namespace) -> int:
    from annotator.settings_project import KNOWN, all_settings

    store, project_id = open_project(args)
    with store.session() as session:
        values = all_settings(session, project_id)
    if args.json:
        print(json.dumps({k: list(v) if isinstance(v, tuple) else v for k, v in values.items()}))
        return 0
    for key, value in values.items():
        spec = KNOWN[key]
        allowed = "|".join(spec.choices) if spec.choices else "NAME[,NAME…]"
        print(f"{key:<16} {spec.show(value):<10} {allowed:<18} {spec.help}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    from annotator.cli_undo import schema_step_of
    from annotator.settings_project import KNOWN, set_setting, spec

    store, project_id = open_project(args)
    with store.transaction() as tx, schema_step_of(tx, project_id, args.annotator, f"Set {args.key}"):
        changed = set_setting(tx, project_id, args.key, args.value)
    value = spec(args.key).parse(args.value)
    shown = KNOWN[args.key].show(value)
    print(f"{args.key} = {shown}" + ("" if changed else " (unchanged)"))
    return 0


def add_settings_commands(command: Command) -> None:
    settings = command("settings", lambda _args: 2, "show and change the project's shared settings")
    action = actions(settings, "settings_command")
    p = action("list", cmd_list, "every setting with its value, allowed values and meaning")
    p.add_argument("--json", action="store_true")
    p = action("set", cmd_set, "change a setting for everyone on the project (e.g. quote-marks exclude)")
    p.add_argument("key", metavar="KEY")
    p.add_argument("value", metavar="VALUE")
    p.add_argument("--annotator", metavar="NAME", help=ANNOTATOR_HELP)

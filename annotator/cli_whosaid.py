"""``annotator whosaid --by actor|outlet|month``: counts of quotes and claims, read only.

A table on standard output by default, ``--json`` for a JSON array, ``-o FILE.csv`` to write the
same table as CSV (see ``annotator.whosaid`` for who counts as the speaker, the outlet and the
month, and ``annotator.whosaid_table`` for the columns).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from pathlib import Path

from annotator.cli_common import print_table, project_of

Command = Callable[..., argparse.ArgumentParser]
# annotator.whosaid.GROUPINGS, named here so that parsing the line loads no database code (a test
# keeps the two equal).
BY = ("actor", "outlet", "month")


def cmd_whosaid(args: argparse.Namespace) -> int:
    from annotator.whosaid import group
    from annotator.whosaid_table import as_json, columns, table, write_csv

    project = project_of(args, as_login=False)
    said = project.who_said(args.layer)
    rows = group(said, args.by)
    if args.output:
        write_csv(rows, args.by, Path(args.output), raw=args.raw_csv)
        print(f"wrote {len(rows)} row(s) by {args.by} ({said.layer} layer) to {args.output}")
        return 0
    if args.json:
        print(json.dumps(as_json(rows, args.by), ensure_ascii=False))
        return 0
    quotes = sum(1 for u in said.utterances if u.kind == "QUOTE")
    claims = len(said.utterances) - quotes
    print(f"{quotes} quote(s) and {claims} claim(s) in the {said.layer} layer, by {args.by}")
    if rows:
        print_table(table(rows, args.by), columns(args.by))
    return 0


def add_whosaid_command(command: Command) -> None:
    p = command(
        "whosaid",
        cmd_whosaid,
        "count quotes and claims per actor, outlet or month (read-only)",
    )
    p.add_argument("--by", choices=BY, default="actor", help="what to count by (default: actor)")
    p.add_argument(
        "--layer",
        metavar="L",
        help="gold, all (every annotator's own spans, summed) or an annotator's name "
        "(default: gold when the project has gold spans, else all)",
    )
    p.add_argument("--json", action="store_true", help="print a JSON array instead of a table")
    p.add_argument("-o", "--output", metavar="FILE.csv", help="write the table as CSV to FILE.csv")
    p.add_argument(
        "--raw-csv", action="store_true", help="write formula-like names verbatim (see annotator.csvsafe)"
    )

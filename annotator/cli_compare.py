"""``annotator compare-gold``: where an annotator's work differs from gold, after adjudication.

Read-only; documents whose review is not finished stay hidden (see ``annotator.review.compare_gold``).
"""

from __future__ import annotations

import argparse
import json
from collections.abc import Callable
from typing import TYPE_CHECKING

from annotator.cli_common import project_of

if TYPE_CHECKING:
    from annotator.agreement import Counts
    from annotator.review.compare import Mark
    from annotator.review.compare_gold import GoldComparison, GoldDifference

Command = Callable[..., argparse.ArgumentParser]


def _figure(value: float) -> str:
    return "n/a" if value != value else f"{value:.2f}"


def prf(c: Counts) -> str:
    """``P 0.80 R 0.67 F1 0.73``; n/a where there is nothing to divide by."""
    return f"P {_figure(c.precision)} R {_figure(c.recall)} F1 {_figure(c.f1)}"


def summary(result: GoldComparison) -> str:
    """One paragraph: documents compared, span and relation P/R/F1, what is still hidden."""
    lines = [
        f"{result.annotator} against gold over {len(result.documents)} adjudicated document(s)",
        f"spans (exact):     {prf(result.spans)}   ({result.spans.tp} same, {result.spans.fp} extra, "
        f"{result.spans.fn} missing)",
        f"spans (overlap):   {prf(result.spans_overlap)}",
        f"relations (exact): {prf(result.relations)}",
    ]
    if result.waiting:
        lines.append(f"{result.waiting} document(s) not adjudicated yet: hidden until the review is finished")
    return "\n".join(lines)


def _marks(marks: list[Mark]) -> str:
    return ", ".join(f"{m.label} {m.start}–{m.end}" for m in marks) or "—"


def describe(diff: GoldDifference, me: str, gold: str) -> str:
    """What differs, in words: both readings of spans, or the relation and whose it is."""
    if diff.unit.links:
        link = diff.unit.links[0]
        owner = "gold" if link.annotator == gold else "mine"
        return f"{owner}: {link.source[2]} {link.source[0]}–{link.source[1]} —{link.type}→ {link.target[2]} {link.target[0]}–{link.target[1]}"
    return f"mine: {_marks(diff.layer(me))} · gold: {_marks(diff.layer(gold))}"


def cmd_compare_gold(args: argparse.Namespace) -> int:
    project = project_of(args, as_login=False)
    result = project.compare_with_gold(args.annotator, args.doc or None)
    if args.json:
        print(json.dumps(result.to_json(), ensure_ascii=False))
        return 0
    print(summary(result))
    for doc in result.documents:
        if not doc.differences:
            continue
        print(f"\ndocument {doc.id}" + (f" “{doc.title}”" if doc.title else ""))
        for diff in doc.differences:
            text = " ".join(diff.text.split())
            text = text if len(text) <= 60 else text[:59] + "…"
            print(f"  {diff.kind.value:<17} {describe(diff, result.annotator, result.gold)}  “{text}”")
    return 0


def add_compare_command(command: Command) -> None:
    p = command(
        "compare-gold",
        cmd_compare_gold,
        "an annotator's spans and relations against gold, over adjudicated documents (read-only)",
    )
    p.add_argument("--annotator", required=True, help="whose work to compare")
    p.add_argument("--doc", type=int, action="append", metavar="ID", help="only this document (repeatable)")
    p.add_argument("--json", action="store_true", help="print JSON instead of text")

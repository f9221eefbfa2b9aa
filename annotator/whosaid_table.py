"""The who-said-what counts as a table: the same columns for the terminal, CSV, JSON and the app.

By actor: actor, actor_id, linked (yes / no: a registry actor or a surface text), quotes, claims,
total, documents. By outlet and by month: outlet (or month), quotes, claims, total, documents,
speakers (how many different speakers were quoted there).
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

from annotator import csvsafe
from annotator.atomic import atomic_write
from annotator.whosaid import Grouping, WhoSaidRow

COUNTS = ("quotes", "claims", "total", "documents")


def columns(by: Grouping) -> tuple[str, ...]:
    """The header of a grouping's table."""
    if by == "actor":
        return ("actor", "actor_id", *COUNTS[:3], "documents", "linked")
    return (by, *COUNTS, "speakers")


def cells(row: WhoSaidRow, by: Grouping) -> list[Any]:
    """One row's cells, in ``columns(by)`` order (ids and linked empty for a surface text / none)."""
    counts = [row.quotes, row.claims, row.total, len(row.documents)]
    if by == "actor":
        linked = "" if row.linked is None else ("yes" if row.linked else "no")
        return [row.name, "" if row.actor_id is None else row.actor_id, *counts, linked]
    return [row.name, *counts, row.speakers]


def table(rows: Sequence[WhoSaidRow], by: Grouping) -> list[list[Any]]:
    return [cells(row, by) for row in rows]


def as_json(rows: Sequence[WhoSaidRow], by: Grouping) -> list[dict[str, Any]]:
    """One object per row (ids as numbers, linked as a boolean, the documents' ids listed)."""
    out = []
    for row in rows:
        item: dict[str, Any] = {by: row.name, "quotes": row.quotes, "claims": row.claims, "total": row.total}
        item["documents"] = list(row.documents)
        if by == "actor":
            item["actor_id"], item["linked"] = row.actor_id, row.linked
        else:
            item["speakers"] = row.speakers
        out.append(item)
    return out


def write_csv(rows: Sequence[WhoSaidRow], by: Grouping, out: Path, *, raw: bool = False) -> None:
    """The table as UTF-8 CSV, atomically; names a spreadsheet would run as formulas get a ``'``."""
    with atomic_write(out) as fh:
        writer = csvsafe.writer(fh, raw=raw)
        writer.writerow(columns(by))
        writer.writerows(table(rows, by))

"""Parts of imported multi-part spans (brat's ``0 5;16 23``, native JSONL's ``"fragments"``).

The importer inserts span rows in bulk with their hulls; afterwards, in the same transaction, this
checks the parts of the spans that came with some and writes them onto the rows just stored (found
by their natural keys). A part outside the text, overlapping another or not matching the span's
start and end fails the whole import, naming file and line, so nothing is written.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from sqlalchemy import and_, bindparam, update

from annotator import fragments
from annotator.errors import ValidationError
from annotator.model import Annotation
from annotator.records import DocRecord, SpanRecord
from annotator.tx import Tx

Fail = Callable[[DocRecord, str], Exception]


def checked(record: DocRecord, span: SpanRecord, fail: Fail) -> list[list[int]] | None:
    """The span's parts as the column stores them, or the import's error naming the span."""
    if not span.fragments:
        return None
    what = f"span {span.key + ' ' if span.key else ''}{span.start}–{span.end}: "
    try:
        parts = fragments.check(span.fragments, len(record.text), what)
    except ValidationError as exc:
        raise fail(record, str(exc)) from None
    if fragments.hull(parts) != (span.start, span.end):
        a, b = fragments.hull(parts)
        raise fail(record, f"{what}its fragments run {a}–{b}, not from its start to its end")
    return fragments.stored(parts)


def store_imported(
    tx: Tx,
    batch: Sequence[DocRecord],
    doc_ids: Sequence[int],
    owners: Sequence[Sequence[int]],
    labels: dict[str, int],
    fail: Fail,
) -> None:
    """Write the parts of the batch's multi-part spans onto their rows (``owners``: each span's
    annotator id, as the importer chose them)."""
    rows: list[dict[str, Any]] = []
    for record, doc_id, whos in zip(batch, doc_ids, owners, strict=True):
        for span, who in zip(record.spans, whos, strict=True):
            parts = checked(record, span, fail)
            if parts is not None:
                rows.append(
                    {
                        "d": doc_id,
                        "w": who,
                        "l": labels[span.label],
                        "s": span.start,
                        "e": span.end,
                        "p": parts,
                    }
                )
    if not rows:
        return
    same = and_(
        Annotation.document_id == bindparam("d"),
        Annotation.annotator_id == bindparam("w"),
        Annotation.label_id == bindparam("l"),
        Annotation.start == bindparam("s"),
        Annotation.end == bindparam("e"),
    )
    statement = update(Annotation).where(same).values(fragments=bindparam("p"))
    tx.session.connection().execute(statement, rows)

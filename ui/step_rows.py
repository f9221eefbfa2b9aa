"""How a core undo step reaches the open document: its span and relation rows, applied to the
session (``ui.session.DocumentSession.apply``), with as few reads as the step allows."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from annotator.queries import RelationRow, SpanTuple
from annotator.undo import Step
from ui.session import DocumentSession

STORED = {"fragments", "actor_id"}  # what the views read from a step's span rows (SpanDelta.stored)


def show_step(
    session: DocumentSession, step: Step, undo: bool, known: Sequence[SpanTuple] | None = None
) -> None:
    """Apply a core step's rows to the open document: spans, relations and its status.

    ``known`` are the spans as the step left them when the caller has them (no query then).
    """
    gone, present = step.rows("annotation", undo)
    if gone or present:
        fresh = list(known) if known is not None else session.fetch(present)
        session.apply(removed=gone + present, added=fresh, stored=stored_rows(step, undo))
    links = [c for c in step.changes if c.table == "relation"]
    if links:
        session.apply_relations(
            removed=[c.id for c in links],
            added=[relation_image(image) for c in links if (image := c.side(undo)) is not None],
        )
    for c in step.changes:
        image = c.side(undo)
        if c.table == "document" and c.id == session.doc_id and image is not None:
            session.set_status(image["status"])


def recorded_spans(step: Step) -> list[SpanTuple]:
    """The spans as a step just recorded left them: its after images were read in its own
    transaction, after the change (an undo's restore lets the database decide versions: read)."""
    return [
        (image["start"], image["end"], c.id, image["label_id"], image["annotator_id"], image["version"])
        for c in step.changes
        if c.table == "annotation" and (image := c.after) is not None
    ]


def stored_rows(step: Step, undo: bool) -> dict[int, dict[str, Any]]:
    """The spans' rows as the step left them (its images hold every column, parts and actor too)."""
    return {
        c.id: image
        for c in step.changes
        if c.table == "annotation" and (image := c.side(undo)) is not None and image.keys() >= STORED
    }


def relation_image(image: dict[str, Any]) -> RelationRow:
    return RelationRow(
        image["id"],
        image["source_id"],
        image["target_id"],
        image["type_id"],
        image["annotator_id"],
        image.get("attributes"),  # the link's codebook values stay on the open document's row
    )

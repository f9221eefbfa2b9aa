"""A span's history for people: who did what to it and when, with offsets and label names.

The audit log stores label ids and terse details; this turns them into rows a dialog can show.
Imported and merged spans were written in bulk (one audit row per import, no span id), so their
first row is the import that brought their document's spans in.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.audit import history
from annotator.model import Annotation, AuditEntry, Label

ACTIONS = {"created": "created", "updated": "changed", "deleted": "deleted"}


@dataclass(frozen=True, slots=True)
class HistoryRow:
    at: datetime
    actor: str
    action: str
    before: str  # "12–20 ACTOR", or "" when there was nothing or it is unknown
    after: str
    note: str


def _describe(values: dict[str, Any] | None, labels: dict[int, str]) -> str:
    if not values or "start" not in values:
        return ""
    label = labels.get(values.get("label_id", -1), "?")
    return f"{values['start']}–{values['end']} {label}"


def _note(detail: dict[str, Any]) -> str:
    parts = []
    if detail.get("accepted_from"):
        parts.append("accepted into gold from " + ", ".join(detail["accepted_from"]))
    if detail.get("undo"):
        parts.append("undo")
    if detail.get("redo"):
        parts.append("redo")
    return "; ".join(parts)


def span_history(session: Session, span_id: int) -> list[HistoryRow]:
    """Oldest first. ``before``/``after`` follow the span through every change."""
    span = session.get(Annotation, span_id)
    labels: dict[int, str] = dict(session.execute(select(Label.id, Label.name)).all())
    entries = history(session, "annotation", span_id)
    rows: list[HistoryRow] = []
    if span is not None and (not entries or entries[0].action != "created"):
        bulk = _bulk_creation(session, span)
        if bulk is not None:
            values = {"start": span.start, "end": span.end, "label_id": span.label_id}
            first_after = entries[0].detail.get("before") if entries and entries[0].detail else None
            rows.append(
                HistoryRow(
                    bulk.at,
                    bulk.actor,
                    "created",
                    "",
                    _describe(first_after or values, labels),
                    "import or merge",
                )
            )
    state: dict[str, Any] | None = None
    if rows and entries and entries[0].detail and "before" in entries[0].detail:
        state = entries[0].detail["before"]
    for entry in entries:
        detail = entry.detail or {}
        before = state
        if entry.action == "updated" and "after" in detail:
            before = detail.get("before", state)
            after: dict[str, Any] | None = detail["after"]
        elif entry.action == "created":
            before = None
            after = {k: detail[k] for k in ("start", "end", "label_id") if k in detail} or None
            if after is None and span is not None:
                after = {"start": span.start, "end": span.end, "label_id": span.label_id}
        elif entry.action == "deleted":
            after = None
        else:
            after = state
        rows.append(
            HistoryRow(
                entry.at,
                entry.actor,
                ACTIONS.get(entry.action, entry.action),
                _describe(before, labels),
                _describe(after, labels),
                _note(detail),
            )
        )
        state = after
    return rows


def _bulk_creation(session: Session, span: Annotation) -> AuditEntry | None:
    """The bulk import audit row written in the transaction that created ``span``."""
    query = (
        select(AuditEntry)
        .where(
            AuditEntry.entity == "annotation",
            AuditEntry.action == "created",
            AuditEntry.entity_id.is_(None),
            AuditEntry.at >= span.created_at - timedelta(seconds=1),
        )
        .order_by(AuditEntry.id)
        .limit(50)
    )
    for entry in session.scalars(query):
        if span.document_id in (entry.documents or []):
            return entry
    return None

"""Is the gold layer ready to export? Said before anything is written, by the CLI and the dialog.

A gold export takes only adjudicated documents; documents still in review (or never reviewed)
are left out. People find that out too late from the report after the export, so both clients
ask here first and warn (the CLI on stderr, without a prompt: scripts must not hang).
"""

from __future__ import annotations

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.model import Document, ReviewStatus


def unadjudicated(session: Session, project_id: int) -> dict[str, list[int]]:
    """Ids of the project's documents not adjudicated, by review status ("in review", "unreviewed")."""
    rows = session.execute(
        select(Document.review_status, Document.id)
        .where(Document.project_id == project_id, Document.review_status != ReviewStatus.ADJUDICATED.value)
        .order_by(Document.id)
    ).all()
    out: dict[str, list[int]] = {}
    for status, doc_id in rows:
        out.setdefault(status, []).append(doc_id)
    return out


def _ids(ids: list[int], most: int = 8) -> str:
    shown = ", ".join(map(str, ids[:most]))
    return shown + (f", … ({len(ids) - most} more)" if len(ids) > most else "")


def gold_export_warning(session: Session, project_id: int, layer: str) -> str | None:
    """The warning to give before a gold export, or None (not gold, or everything adjudicated)."""
    if layer != "gold":
        return None
    missing = unadjudicated(session, project_id)
    if not missing:
        return None
    total = session.scalar(select(func.count()).where(Document.project_id == project_id)) or 0
    count = sum(len(ids) for ids in missing.values())
    parts = [f"{len(ids)} {status} (ids {_ids(ids)})" for status, ids in sorted(missing.items())]
    return (
        f"{count} of {total} document(s) are not adjudicated and will be left out of the gold export: "
        + "; ".join(parts)
        + ". Finish reviewing them and mark them adjudicated (annotator review status adjudicated ID...)."
    )

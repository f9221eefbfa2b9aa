"""The audit log: every committed change, with who made it and when."""

from __future__ import annotations

import getpass
from typing import TYPE_CHECKING, Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from annotator.bulk import bulk_insert_dicts
from annotator.model import AuditEntry, utcnow

if TYPE_CHECKING:
    from annotator.tx import Tx


def default_actor_name(account: str | None = None) -> str:
    """Who a change is attributed to when no annotator started it (scripts, the CLI)."""
    if account:
        return f"system:{account}"
    try:
        return f"system:{getpass.getuser()}"
    except (KeyError, OSError):
        return "system"


def write_audit(tx: Tx) -> None:
    """Add one audit row per changed row (bulk changes without ids: one row) to the transaction."""
    if not tx.changes:
        return
    # A teammate's PostgreSQL login is a person, never "the system", even in a script.
    actor = tx.actor.name if tx.actor else (tx.login or default_actor_name(tx.account))
    now = utcnow()
    rows: list[dict[str, Any]] = []
    for index, change in enumerate(tx.changes):
        base = {
            "at": now,
            "actor": actor,
            "entity": change.entity,
            "action": change.action,
            "documents": list(change.document_ids),
            "detail": change.detail,
            "client": tx.client,
            "login": tx.account,
        }
        if change.ids:
            if len(change.document_ids) > 1:  # one row per id; the list would repeat in each
                base["documents"] = []
            details = tx.row_details.get(index)
            if details is None:
                rows.extend({**base, "entity_id": i} for i in change.ids)
            else:
                rows.extend(
                    {**base, "entity_id": i, "detail": {**(change.detail or {}), **d}}
                    for i, d in zip(change.ids, details, strict=True)
                )
        else:
            rows.append({**base, "entity_id": None})
    # Driver speed (an import writes a row per document): same rows as a Core insert would.
    bulk_insert_dicts(tx.session.connection(), AuditEntry.__table__, rows)  # type: ignore[arg-type]


def history(session: Session, entity: str, entity_id: int) -> list[AuditEntry]:
    """What happened to one row, oldest first (the GUI's span history)."""
    query = (
        select(AuditEntry)
        .where(AuditEntry.entity == entity, AuditEntry.entity_id == entity_id)
        .order_by(AuditEntry.id)
    )
    return list(session.scalars(query))


def latest_id(session: Session) -> int:
    return session.scalar(select(func.max(AuditEntry.id))) or 0


def entries_since(session: Session, after: int, exclude_client: str | None) -> list[AuditEntry]:
    """Audit entries newer than ``after`` written by other clients (other processes, teammates)."""
    query = select(AuditEntry).where(AuditEntry.id > after).order_by(AuditEntry.id)
    if exclude_client is not None:
        query = query.where((AuditEntry.client != exclude_client) | AuditEntry.client.is_(None))
    return list(session.scalars(query))

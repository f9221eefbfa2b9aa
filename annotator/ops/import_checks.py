"""Checks of the bulk import that name the record at fault: its file and line, and its times."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from annotator.bulk import stamp
from annotator.errors import InputError
from annotator.records import DocRecord


def _fail(record: DocRecord, reason: str) -> InputError:
    return InputError(record.read_from or record.source_file or "<input>", reason, record.line)


def _when(conn: Any, value: str, record: DocRecord) -> datetime | str:
    """A span's ``updated_at`` from the file, ready for ``bulk_insert`` (naive UTC)."""
    try:
        parsed = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise _fail(record, f"'updated_at' {value!r} is not an ISO 8601 time") from None
    if parsed.tzinfo is not None:
        parsed = parsed.astimezone(UTC).replace(tzinfo=None)
    return stamp(conn, parsed)

"""Plain records that formats read and write; they know nothing of sessions or the database.

Offsets are Python ``str`` indices (code points), end exclusive, into ``DocRecord.text``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(slots=True)
class SpanRecord:
    start: int
    end: int
    label: str
    annotator: str | None = None
    text: str | None = None
    # An id local to the file (native JSONL span id, brat T-number, ...); relations refer to it.
    key: str | None = None


@dataclass(slots=True)
class RelationRecord:
    source: str  # SpanRecord.key of the from-span
    target: str  # SpanRecord.key of the to-span
    type: str
    annotator: str | None = None


@dataclass(slots=True)
class DocRecord:
    text: str
    title: str | None = None
    author: str | None = None
    published: str | None = None  # ISO 8601 date (or datetime) as found in the source
    source_url: str | None = None
    source_file: str | None = None
    status: str | None = None
    meta: dict[str, Any] = field(default_factory=dict)
    spans: list[SpanRecord] = field(default_factory=list)
    relations: list[RelationRecord] = field(default_factory=list)
    # The stored document's id, set on export (formats that keep ids write it; readers ignore it).
    doc_id: int | None = None
    # Where in the source file this document starts (1-based line), for error messages.
    line: int | None = None

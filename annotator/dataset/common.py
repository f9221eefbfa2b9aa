"""Small record helpers the dataset steps share."""

from __future__ import annotations

from dataclasses import replace

from annotator.formats.base import ExportReport
from annotator.records import DocRecord, RelationRecord, SpanRecord


def with_annotations(
    record: DocRecord, spans: list[SpanRecord], relations: list[RelationRecord]
) -> DocRecord:
    """A copy of ``record`` with other spans and relations (the input record is never changed)."""
    return replace(record, spans=spans, relations=relations)


def drop_dangling(
    relations: list[RelationRecord], spans: list[SpanRecord], report: ExportReport, reason: str
) -> list[RelationRecord]:
    """Relations whose both ends are among ``spans``; the others are reported under ``reason``."""
    keys = {s.key for s in spans if s.key is not None}
    kept = [r for r in relations if r.source in keys and r.target in keys]
    if len(kept) < len(relations):
        report.leave_out(reason, len(relations) - len(kept))
    return kept

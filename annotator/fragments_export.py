"""Exports to formats that cannot hold a multi-part span say what they did with it.

Native JSONL (``"fragments"``) and brat (``T1 Quote 0 5;16 23``) write the parts; W3C and spaCy
write the hull where other tools look (selectors, ``doc.spans``) and the parts beside it
(``annotator:fragments``, the span's user data), which this tool reads back. Every other
format writes such a span as its hull, one span from the first part's start to the last part's
end with the words between the parts included, and the export's report counts them.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator
from pathlib import Path

from annotator.formats.base import ExportReport, Writer
from annotator.records import DocRecord

HOLDS_PARTS = frozenset({"jsonl", "native", "brat", "w3c", "spacy"})
AS_HULL = "multi-part spans written as their hull (first part's start to last part's end, the words between included)"


def hulls_reported(fmt: str, writer: Writer) -> Writer:
    """``writer``, counting in the report the multi-part spans ``fmt`` writes as their hull."""
    if fmt in HOLDS_PARTS:
        return writer

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        def counted() -> Iterator[DocRecord]:
            for record in records:
                report.leave_out(AS_HULL, sum(1 for s in record.spans if s.fragments))
                yield record

        writer(counted(), out, report)

    return write

"""Page and word-processor documents (PDF, DOCX, ODT, RTF): one record per file or per article.

The registry ``annotator.formats.sources`` hands these kinds here; each reader reports what it
skipped (an article without text, pages without a text layer) and the guards check the records
like every other reader's.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from annotator.formats import guards
from annotator.formats.format_names import DOCUMENT_KINDS
from annotator.formats.peerkit import ReadReport
from annotator.records import DocRecord

EXTENSIONS: dict[str, str] = {".pdf": "pdf", ".docx": "docx", ".odt": "odt", ".rtf": "rtf"}
KINDS = DOCUMENT_KINDS


def _reader(kind: str) -> Callable[[Path, ReadReport], list[DocRecord]]:
    """The reader of one kind, imported when first needed (pdfminer takes a while to load)."""
    if kind == "pdf":
        from annotator.formats import pdf

        return pdf.read
    if kind == "rtf":
        from annotator.formats import rtf

        return rtf.read
    from annotator.formats import office

    return office.read_docx if kind == "docx" else office.read_odt


def read(path: Path, kind: str, reports: list[ReadReport] | None = None) -> list[DocRecord]:
    """Records of one file; its report joins ``reports`` when something was skipped or noted."""
    report = ReadReport(path)
    records = list(guards.checked(_reader(kind)(path, report), path, report))
    if (report.skipped or report.notes) and reports is not None:
        for record in records:
            report.count(record)
        reports.append(report)
    return records

"""Exporting a project: select documents and spans, turn them into records, hand them to a writer.

Writers know records, not sessions; selection (which documents, which layer of annotations) happens
here, streamed a chunk of documents at a time so memory stays flat on any project size.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy.orm import Session

from annotator.errors import AnnotatorError
from annotator.formats import native
from annotator.formats.base import ExportReport, Progress, Writer
from annotator.queries import ExportDoc, iter_documents, names
from annotator.records import DocRecord, RelationRecord, SpanRecord

WRITERS: dict[str, Writer] = {"jsonl": native.write, "native": native.write}


@dataclass(slots=True)
class ExportOptions:
    """Which documents and annotations go out (the dataset options grow here)."""

    only_done: bool = False


def to_record(
    doc: ExportDoc, labels: dict[int, str], types: dict[int, str], people: dict[int, str]
) -> DocRecord:
    d = doc.document
    return DocRecord(
        text=d.text,
        title=d.title,
        author=d.author,
        published=d.published,
        source_url=d.source_url,
        source_file=d.source_file,
        status=d.status,
        meta=d.meta or {},
        doc_id=d.id,
        spans=[
            SpanRecord(s.start, s.end, labels[s.label_id], people[s.annotator_id], s.text, str(s.id))
            for s in doc.spans
        ],
        relations=[
            RelationRecord(str(r.source_id), str(r.target_id), types[r.type_id], people[r.annotator_id])
            for r in doc.relations
        ],
    )


def records(
    session: Session, project_id: int, options: ExportOptions | None = None, progress: Progress | None = None
) -> Iterator[DocRecord]:
    """Stream the project's documents as records, chunk by chunk."""
    options = options or ExportOptions()
    labels, types, people = names(session, project_id)
    for doc in iter_documents(session, project_id):
        if options.only_done and doc.document.status != "done":
            continue
        yield to_record(doc, labels, types, people)
        if progress:
            progress(1)


def export(
    session: Session,
    project_id: int,
    fmt: str,
    out: Path,
    progress: Progress | None = None,
    options: ExportOptions | None = None,
) -> ExportReport:
    writer = WRITERS.get(fmt)
    if writer is None:
        raise AnnotatorError(f"unknown export format {fmt!r} (known: {', '.join(sorted(WRITERS))})")
    report = ExportReport(Path(out))
    writer(records(session, project_id, options, progress), Path(out), report)
    return report

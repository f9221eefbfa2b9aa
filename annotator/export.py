"""Exporting a project: a registry of writers, each streaming documents into an atomic file."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from sqlalchemy.orm import Session

from annotator.atomic import atomic_write
from annotator.errors import AnnotatorError
from annotator.formats import native
from annotator.queries import iter_documents, names

Progress = Callable[[int], None]


@dataclass(slots=True)
class ExportReport:
    path: Path
    documents: int = 0
    spans: int = 0
    relations: int = 0
    # What the format could not hold, by reason: never dropped silently.
    left_out: dict[str, int] = field(default_factory=dict)

    def summary(self) -> str:
        text = f"wrote {self.documents} document(s), {self.spans} span(s), {self.relations} relation(s) to {self.path}"
        for reason, count in self.left_out.items():
            text += f"\nleft out {count}: {reason}"
        return text


def write_native(session: Session, project_id: int, out: Path, progress: Progress | None = None) -> ExportReport:
    labels, types, people = names(session, project_id)
    report = ExportReport(out)
    with atomic_write(out) as fh:
        for doc in iter_documents(session, project_id):
            fh.write(json.dumps(native.to_json(doc, labels, types, people), ensure_ascii=False))
            fh.write("\n")
            report.documents += 1
            report.spans += len(doc.spans)
            report.relations += len(doc.relations)
            if progress:
                progress(1)
    return report


WRITERS: dict[str, Callable[[Session, int, Path, Progress | None], ExportReport]] = {"jsonl": write_native}


def export(session: Session, project_id: int, fmt: str, out: Path, progress: Progress | None = None) -> ExportReport:
    writer = WRITERS.get(fmt)
    if writer is None:
        raise AnnotatorError(f"unknown export format {fmt!r} (known: {', '.join(sorted(WRITERS))})")
    return writer(session, project_id, Path(out), progress)

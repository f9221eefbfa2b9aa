"""Importing files into a project: read every file first, then write all of it in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from pathlib import Path

from annotator.bulk import gc_paused
from annotator.formats.peerkit import ReadReport
from annotator.formats.sources import read_path
from annotator.ops.importer import ImportResult, import_as_batch
from annotator.records import DocRecord
from annotator.store import Store

Progress = Callable[[int], None]


def read_all(
    paths: Sequence[Path],
    fmt: str = "auto",
    text_field: str = "text",
    *,
    annotator: str | None = None,
    reports: list[ReadReport] | None = None,
) -> list[DocRecord]:
    """Parse every file; the first bad one raises InputError before anything is written."""
    records: list[DocRecord] = []
    for path in paths:
        records.extend(read_path(Path(path), fmt, text_field, annotator=annotator, reports=reports))
    return records


def import_paths(
    store: Store,
    project_id: int,
    paths: Sequence[Path],
    *,
    fmt: str = "auto",
    text_field: str = "text",
    annotator: str | None = None,
    create_labels: bool = False,
    progress: Progress | None = None,
    origin: object | None = None,
    keep_annotators: bool | None = None,
) -> ImportResult:
    with gc_paused():
        records = read_all(paths, fmt, text_field, annotator=annotator)
        with store.transaction(origin) as tx:
            _batch, result = import_as_batch(
                tx,
                project_id,
                records,
                " ".join(str(p) for p in paths),
                annotator=annotator,
                create_labels=create_labels,
                progress=progress,
                keep_annotators=keep_annotators,
            )
            return result

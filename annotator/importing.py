"""Importing files into a project: read every file first, then write all of it in one transaction."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import update

from annotator.bulk import gc_paused
from annotator.errors import InputError
from annotator.formats import guards, labelstudio, peers, webanno
from annotator.formats.peerkit import ReadReport
from annotator.formats.sources import ALIASES, PEER_FORMATS, folder_files, read_path
from annotator.import_apart import Apart
from annotator.import_stream import native_stream, read_first
from annotator.model import ImportBatch
from annotator.names import check_name
from annotator.ops.importer import ImportResult, import_as_batch, import_records
from annotator.records import DocRecord
from annotator.sqlite_guard import is_database_file
from annotator.store import Store, Tx

Progress = Callable[[int], None]


def read_all(
    paths: Sequence[Path],
    fmt: str = "auto",
    text_field: str = "text",
    *,
    annotator: str | None = None,
    reports: list[ReadReport] | None = None,
    label_field: str = "label",
) -> list[DocRecord]:
    """Parse every file; the first bad one raises InputError before anything is written."""
    records: list[DocRecord] = []
    for path in paths:
        records.extend(
            read_path(
                Path(path), fmt, text_field, annotator=annotator, reports=reports, label_field=label_field
            )
        )
    return records


# Readers that hand out one record at a time in bounded memory (annotator.formats.jsonstream).
STREAMED = {"labelstudio": labelstudio.read}


def stream_path(
    paths: Sequence[Path],
    fmt: str = "auto",
    *,
    annotator: str | None = None,
    report: ReadReport | None = None,
) -> Iterator[DocRecord] | None:
    """The records of one file whose reader streams (a Label Studio export, native JSONL), read
    while they are written, or None (``read_all`` then reads everything first).

    Memory stays flat on any size (a 60 MB export of 10,000 tasks took ~500 MB read whole); a bad
    record still raises InputError naming file and line, and the caller's one transaction then
    writes nothing. A native file's import runs inside ``read_first`` (its errors stay those of
    reading it first: ``annotator.import_stream``).
    """
    if len(paths) != 1:
        return None
    path = Path(paths[0])
    fmt = ALIASES.get(fmt, fmt)
    own = native_stream(path, fmt, report if report is not None else ReadReport(path))
    if own is not None:
        if annotator is not None:
            check_name(annotator, "annotator")
        return own
    if fmt == "auto":
        if not path.is_file() or path.suffix.lower() != ".json" or is_database_file(path):
            return None
        fmt = peers.sniff(path) or ""
    reader = STREAMED.get(fmt)
    if reader is None or not path.is_file():
        return None
    if annotator is not None:
        check_name(annotator, "annotator")
    return _with_source(path, guards.checked(reader(path, annotator, report), path, report))


def _with_source(path: Path, records: Iterable[DocRecord]) -> Iterator[DocRecord]:
    """``sources._with_source`` one record at a time: each names the file it came from."""
    for record in records:
        record.read_from = str(path)
        record.source_file = record.source_file or str(path)
        yield record


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
        streamed = stream_path(paths, fmt, annotator=annotator)
        records = read_all(paths, fmt, text_field, annotator=annotator) if streamed is None else streamed
        with read_first(records), store.transaction(origin) as tx:
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


@dataclass(slots=True)
class BadFile:
    """A file ``--skip-bad`` left out: where and why (nothing of it was imported)."""

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        return (
            f"{self.path}:{self.line}: {self.reason}"
            if self.line is not None
            else f"{self.path}: {self.reason}"
        )


def file_units(path: Path, fmt: str = "auto") -> list[Path]:
    """The files of ``path`` that import independently (``--skip-bad`` imports each on its own):
    one brat document per ``.ann``, one WebAnno TSV, one doccano file, or each importable file of
    a plain folder; a file is its own unit."""
    path = Path(path)
    if not path.is_dir():
        return [path]
    peer = fmt if fmt in PEER_FORMATS else (peers.sniff(path) if fmt == "auto" else None)
    if peer == "brat":
        return sorted(path.rglob("*.ann"))
    if peer == "webanno":
        return webanno.tsv_files(path)
    if peer is not None and peer.startswith("doccano"):
        return sorted(
            p for p in path.iterdir() if p.suffix in (".jsonl", ".json") and not p.name.startswith(".")
        )
    return folder_files(path, fmt)


def read_each(
    paths: Sequence[Path], fmt: str = "auto", text_field: str = "text", **options: Any
) -> tuple[list[tuple[Path, list[DocRecord]]], list[BadFile]]:
    """``read_all``, file by file (``file_units``): the good files' records, and the bad files."""
    reports: list[ReadReport] | None = options.pop("reports", None)
    good: list[tuple[Path, list[DocRecord]]] = []
    bad: list[BadFile] = []
    for unit in (u for p in paths for u in file_units(Path(p), fmt)):
        own: list[ReadReport] = []
        try:
            good.append((unit, read_all([unit], fmt, text_field, reports=own, **options)))
        except InputError as exc:
            bad.append(BadFile(exc.path, exc.line, exc.reason))
            continue
        if reports is not None:
            reports.extend(own)
    return good, bad


def import_each(
    tx: Tx, project_id: int, files: Sequence[tuple[Path, list[DocRecord]]], source: str, **options: Any
) -> tuple[int, ImportResult, list[BadFile]]:
    """Import file by file in one batch, each inside a savepoint: a file the import refuses is
    rolled back whole (nothing half-imported) and listed; the others stay."""
    batch, total = import_as_batch(tx, project_id, [], source, **options)
    bad: list[BadFile] = []
    apart = Apart(tx.session, project_id)  # identical texts compared across all the files
    for path, records in files:
        changes, details = len(tx.changes), dict(tx.row_details)
        savepoint = tx.session.begin_nested()
        try:
            result = import_records(tx, project_id, records, batch_id=batch, keep_apart=apart, **options)
        except InputError as exc:
            savepoint.rollback()
            del tx.changes[changes:]
            tx.row_details = details
            bad.append(BadFile(str(path), exc.line, exc.reason))
            continue
        savepoint.commit()
        total.add(result)
    tx.session.execute(
        update(ImportBatch).where(ImportBatch.id == batch).values(documents=total.documents_added)
    )
    return batch, total, bad

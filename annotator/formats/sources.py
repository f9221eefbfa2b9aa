"""Choose the reader for a file, or read every importable file in a folder.

The result is a plain list so that an import either sees every document or fails on the
first bad file before anything is written to the project.
"""

from __future__ import annotations

import json
import os
import re
from collections.abc import Callable
from pathlib import Path

from annotator.errors import InputError
from annotator.formats import documents, guards, html, markdown, peers, plaintext, tabular
from annotator.formats.encoding import decode
from annotator.formats.format_names import ALIASES, DATASET_FORMATS, FORMATS, PEER_FORMATS
from annotator.formats.peerkit import ReadReport
from annotator.names import check_name
from annotator.records import DocRecord
from annotator.sqlite_guard import is_database_file, refuse_database_file

EXTENSIONS: dict[str, str] = {
    ".txt": "txt",
    ".md": "md",
    ".markdown": "md",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".csv": "csv",
    **documents.EXTENSIONS,
}
DATASET_EXTENSIONS = {".spacy": "spacy", ".iob": "iob", ".conll": "iob"}

_READERS: dict[str, Callable[[Path, str], list[DocRecord]]] = {
    "txt": lambda path, _field: plaintext.read(path),
    "md": lambda path, _field: markdown.read(path),
    "html": lambda path, _field: html.read(path),
    "jsonl": tabular.read_jsonl,
    "csv": tabular.read_csv,
}


def read_path(
    path: Path,
    fmt: str = "auto",
    text_field: str = "text",
    *,
    annotator: str | None = None,
    reports: list[ReadReport] | None = None,
    label_field: str = "label",
) -> list[DocRecord]:
    """Records from a file or, recursively, a folder; every record's source_file is set.

    Files of peer tools (doccano, Prodigy, brat, Label Studio, W3C, WebAnno TSV) are recognised
    and read with their own offset conventions; ``annotator`` names spans such a file does not
    attribute, and what their readers skipped or converted is appended to ``reports``.

    In a folder, hidden files/folders and unknown extensions are skipped (with fmt="auto"); a
    forced fmt reads every non-hidden file with that reader. Files are read in sorted order so
    that repeated imports give the same document order. ``text_field`` and ``label_field`` name
    the columns of plain JSONL/CSV and doccano files; a ``label_field`` other than ``label`` makes
    an unrecognised ``.jsonl`` file a doccano one.
    """
    path = Path(path)
    refuse_database_file(path)  # reading it would drop the locks SQLite holds on it in this process
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in FORMATS:
        raise InputError(str(path), f"unknown format {fmt!r} (choose one of {', '.join(FORMATS)})")
    dataset = fmt if fmt in DATASET_FORMATS else (_sniff_dataset(path) if fmt == "auto" else None)
    if annotator is not None:
        check_name(annotator, "annotator")
    if dataset is not None:
        return _read_dataset(path, dataset, reports)
    sniffed = (
        _sniff_jsonl(path) if fmt == "auto" and path.suffix.lower() == ".jsonl" and path.is_file() else None
    )
    if sniffed == "native":
        return _read_file(path, "native", text_field, reports)
    if sniffed is None and label_field != "label" and fmt == "auto" and path.suffix.lower() == ".jsonl":
        sniffed = "doccano"
    peer = (
        fmt
        if fmt in PEER_FORMATS
        else (sniffed or (peers.sniff(path) if fmt == "auto" and path.exists() else None))
    )
    if peer is not None:
        columns = {"text_field": text_field, "label_field": label_field} if peer.startswith("doccano") else {}
        return _read_peer(path, peer, annotator, reports, **columns)
    if path.is_dir():
        files = folder_files(path, fmt)
        if not files:
            wanted = ", ".join(EXTENSIONS) if fmt == "auto" else "non-hidden"
            raise InputError(str(path), f"no importable files in this folder (looked for {wanted} files)")
        return [
            r
            for file in files
            for r in read_path(
                file, fmt, text_field, annotator=annotator, reports=reports, label_field=label_field
            )
        ]
    if not path.exists():
        raise InputError(str(path), "no such file or folder")
    if not path.is_file():
        raise InputError(str(path), "not a regular file")
    return _read_file(path, fmt, text_field, reports)


def folder_files(root: Path, fmt: str) -> list[Path]:
    """Importable files below root, sorted by their path parts; symlinked folders are not followed."""
    found: list[Path] = []
    for folder, dirnames, filenames in os.walk(root):
        dirnames[:] = [d for d in dirnames if not d.startswith(".")]
        for name in filenames:
            file = Path(folder) / name
            if name.startswith(".") or not file.is_file() or is_database_file(file):
                continue
            if fmt != "auto" or file.suffix.lower() in EXTENSIONS:
                found.append(file)
    return sorted(found, key=lambda p: p.relative_to(root).parts)


def _read_file(
    path: Path, fmt: str, text_field: str, reports: list[ReadReport] | None = None
) -> list[DocRecord]:
    kind = fmt if fmt != "auto" else EXTENSIONS.get(path.suffix.lower())
    if kind is None:
        raise InputError(
            str(path),
            f"unknown file type {path.suffix or '(no extension)'!r}; "
            f"supported: {', '.join(EXTENSIONS)} (or choose a format explicitly)",
        )
    try:
        if kind == "native":
            return _with_source(
                _read_native(path, reports), path, carried=True
            )  # native.read runs the guards
        if kind in documents.KINDS:
            return _with_source(documents.read(path, kind, reports), path)
        records = guards.check_all(_READERS[kind](path, text_field), path, reports)
    except OSError as exc:
        raise InputError(str(path), f"cannot read the file ({exc.strerror or exc})") from None
    return _with_source(records, path)


def _with_source(records: list[DocRecord], path: Path, carried: bool = False) -> list[DocRecord]:
    """Every record names the file it was read from (errors name that file). Readers set
    ``source_file`` to the file of a folder they read it from, except where it is ``carried``
    from elsewhere (a native export's document field)."""
    for record in records:
        record.read_from = record.read_from or (str(path) if carried else record.source_file or str(path))
        record.source_file = record.source_file or str(path)
    return records


def _sniff_dataset(path: Path) -> str | None:
    if not path.is_file():
        return None
    if path.suffix.lower() in DATASET_EXTENSIONS:
        return DATASET_EXTENSIONS[path.suffix.lower()]
    if path.suffix.lower() == ".jsonl":
        with path.open("rb") as fh:
            first = fh.readline(1 << 20)
        try:
            obj = json.loads(first.decode("utf-8-sig"))
        except (ValueError, UnicodeDecodeError, RecursionError):
            return None
        if isinstance(obj, dict) and "ner_tags" in obj and "tokens" in obj:
            return "hf-jsonl"
    return None


def _read_dataset(path: Path, fmt: str, reports: list[ReadReport] | None) -> list[DocRecord]:
    from annotator.formats import iob, spacy_docbin

    readers = {"spacy": spacy_docbin.read, "iob": iob.read_iob, "hf-jsonl": iob.read_hf}
    records = guards.check_all(list(readers[fmt](path)), path, reports)
    if fmt == "iob":  # IOB has no titles: the file name, numbered when it holds several documents
        for n, record in enumerate(records, start=1):
            record.title = record.title or (path.stem if len(records) == 1 else f"{path.stem} {n}")
    return _with_source(records, path)


def _read_peer(
    path: Path, fmt: str, annotator: str | None, reports: list[ReadReport] | None, **options: str
) -> list[DocRecord]:
    report = ReadReport(path)
    try:
        read = peers.reader(fmt, annotator=annotator, report=report, **options)
        records = list(guards.checked(read(path), path, report))
    except OSError as exc:
        raise InputError(str(path), f"cannot read the file ({exc.strerror or exc})") from None
    if reports is not None:
        reports.append(report)
    return _with_source(records, path)


_JSONL_MARKERS = re.compile(rb'"(?:spans|relations|entities|label|tokens|_input_hash|_annotator_id|answer)"')


def _sniff_jsonl(path: Path) -> str | None:
    """``native``, a peer format, or None (plain JSONL) for a ``.jsonl`` file, from the first line
    that carries annotations.

    Any line, not only the first: a file whose first documents carry no spans must not lose the
    spans of later ones to the plain JSONL reader. Lines with spans or relations that a peer format
    claims (Prodigy's token indices, doccano's entities) are that peer's, the others native. UTF-8
    files are searched as bytes (a large export is not decoded twice); other encodings are decoded
    as the readers would.
    """
    data = path.read_bytes()
    if data[:2] in (b"\xff\xfe", b"\xfe\xff") or b"\x00" in data[:4]:
        text, _encoding = decode(path, data)
        data = text.encode("utf-8")
    at = 0
    while (found := _JSONL_MARKERS.search(data, at)) is not None:
        start = data.rfind(b"\n", 0, found.start()) + 1
        end = data.find(b"\n", found.end())
        end = len(data) if end < 0 else end
        try:
            obj = json.loads(data[start:end].decode("utf-8-sig"))
        except (ValueError, RecursionError):
            obj = None  # the reader reports the real problem, with its line number
        peer = peers.sniff_record(obj)
        if peer is not None:
            return peer
        if isinstance(obj, dict) and ("spans" in obj or "relations" in obj):
            return "native"
        at = end + 1
    return None


def _read_native(path: Path, reports: list[ReadReport] | None) -> list[DocRecord]:
    from annotator.formats import native

    report = ReadReport(path)
    return guards.keep_report(list(native.read(path, report)), report, reports)

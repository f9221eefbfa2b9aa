"""A native JSONL file imported while it is read, with the errors of reading it first.

``read_all`` holds every record of a file before the import writes the first: for 10,000
documents × 20 spans ~290 MB, whose fresh pages cost the import ~0.1-0.2 s of system time (a
tenth of its CPU). Streamed, the import holds one chunk of records (``CHUNK``) and memory is
reused. What must not change is which error a bad file gets: reading first, a file's reading
error (malformed JSON, a bad field, a guard) wins over any error the import finds in an earlier
line. So when the import fails, ``read_first`` reads the rest of the file, and its first reading
error, if any, is the one raised; the transaction writes nothing either way.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from annotator.errors import InputError
from annotator.formats import native
from annotator.formats.format_names import ALIASES
from annotator.formats.peerkit import ReadReport
from annotator.formats.sources import _sniff_dataset, _sniff_jsonl
from annotator.records import DocRecord
from annotator.sqlite_guard import is_database_file


class NativeStream:
    """The records of one native JSONL file, as ``sources.read_path`` gives them (each names the
    file it was read from), read one at a time; ``report`` counts them and notes replacements."""

    def __init__(self, path: Path, report: ReadReport) -> None:
        self.path, self.report = path, report
        self._records = self._read()

    def __iter__(self) -> Iterator[DocRecord]:
        return self

    def __next__(self) -> DocRecord:
        return next(self._records)

    def _read(self) -> Iterator[DocRecord]:
        name, count = str(self.path), self.report.count
        try:
            for record in native.read(self.path, self.report):
                record.read_from = record.read_from or name  # ``sources._with_source(carried=True)``
                record.source_file = record.source_file or name
                count(record)
                yield record
        except OSError as exc:  # as ``sources._read_file`` says it
            raise InputError(name, f"cannot read the file ({exc.strerror or exc})") from None

    def read_rest(self) -> None:
        """Read the records the import did not take; the first reading error among them raises."""
        for _record in self._records:
            pass


def native_stream(path: Path, fmt: str, report: ReadReport) -> NativeStream | None:
    """``path`` as a NativeStream when ``sources.read_path`` would read it as native JSONL (the
    format forced, or a ``.jsonl`` file recognised as native), else None."""
    fmt = ALIASES.get(fmt, fmt)
    if fmt not in ("auto", "native") or not path.is_file() or is_database_file(path):
        return None
    if fmt == "auto" and (
        path.suffix.lower() != ".jsonl" or _sniff_dataset(path) is not None or _sniff_jsonl(path) != "native"
    ):
        return None
    return NativeStream(path, report)


@contextmanager
def read_first(records: object) -> Iterator[None]:
    """Around an import of ``records``: if it fails and they are a NativeStream, the rest of the
    file is read, and a reading error there is raised instead, as reading first would have."""
    try:
        yield
    except Exception:
        if isinstance(records, NativeStream):
            try:
                records.read_rest()
            except InputError as exc:
                raise exc from None
        raise

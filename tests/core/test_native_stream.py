"""A native JSONL file is imported while it is read (``annotator.import_stream``), and imports
exactly what reading it first imported: the same rows, and for a bad file the same error (a
reading error anywhere wins over an import error in an earlier line) with nothing written.
``tests/core/test_import_exact.py`` compares every row with a digest of the rows before."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from annotator.errors import InputError
from annotator.import_stream import NativeStream
from annotator.importing import import_paths, read_all, stream_path
from annotator.ops import importer
from annotator.ops.importer import import_as_batch
from annotator.store import Store
from benchmarks.corpus import corpus
from tests.core.import_files import new_store, table_rows, write_jsonl

_write, _store, _rows = write_jsonl, new_store, table_rows


def _read_first(store: Store, project: int, path: Path, **options: Any) -> Any:
    """The import as it was: every record read, then written."""
    records = read_all([path], annotator=options.get("annotator"))
    with store.transaction() as tx:
        return import_as_batch(tx, project, records, str(path), **options)[1]


def test_streamed_import_writes_the_rows_reading_first_wrote(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "CHUNK", 7)  # several batches, a text repeated across them
    docs = list(corpus(30, 6, annotators=3))
    path = _write(tmp_path / "docs.jsonl", [*docs, "", docs[3], {**docs[5], "spans": [], "relations": []}])
    assert isinstance(stream_path([path]), NativeStream)
    ours, project = _store(tmp_path, "ours.db")
    before, other = _store(tmp_path, "before.db")
    streamed = import_paths(ours, project, [path], create_labels=True)
    whole = _read_first(before, other, path, create_labels=True)
    assert streamed.summary() == whole.summary() and streamed.documents_added == 31
    assert _rows(ours) == _rows(before)


def test_the_import_takes_records_while_the_file_is_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(importer, "CHUNK", 5)
    path = _write(tmp_path / "docs.jsonl", list(corpus(20, 3)))
    stream = stream_path([path])
    assert isinstance(stream, NativeStream)
    read_when_written: list[int] = []
    batch = importer.Importer.batch
    monkeypatch.setattr(
        importer.Importer,
        "batch",
        lambda self, records: (read_when_written.append(stream.report.documents), batch(self, records))[1],
    )
    store, project = _store(tmp_path, "p.db")
    with store.transaction() as tx:
        import_as_batch(tx, project, stream, str(path), create_labels=True)
    assert read_when_written == [5, 10, 15, 20]


def _error(store: Store, project: int, path: Path) -> tuple[str, int | None, str]:
    with pytest.raises(InputError) as caught:
        import_paths(store, project, [path])
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM document")).scalar() == 0
    return caught.value.path, caught.value.line, caught.value.reason


@pytest.mark.parametrize(
    "late",
    [
        '{"text": "cut',  # a truncated last line
        '{"text": "x", "spans": [}',  # malformed JSON
        '{"text": 5}',  # a bad field
        '{"text": "ab", "spans": [{"id": 1, "start": 0, "end": 1, "label": "A\\u0007"}]}',  # a guard
    ],
)
def test_a_reading_error_late_in_the_file_wins_over_an_import_error_before_it(
    tmp_path: Path, late: str
) -> None:
    docs = list(corpus(12, 3))
    wrong = {**docs[1], "spans": [{**docs[1]["spans"][0], "text": "not the text"}]}
    path = _write(tmp_path / "bad.jsonl", [docs[0], wrong, *docs[2:], late])
    store, project = _store(tmp_path, "p.db")
    found = _error(store, project, path)
    assert found[:2] == (str(path), 13)
    with pytest.raises(InputError) as before:  # reading first: what the file got before
        read_all([path])
    assert found == (before.value.path, before.value.line, before.value.reason)
    # Without the late line: the import's own error, at its line.
    path = _write(tmp_path / "bad.jsonl", [docs[0], wrong, *docs[2:]])
    _path, line, reason = _error(store, project, path)
    assert line == 2 and "its text 'not the text' does not match" in reason
    store.close()


def test_the_import_command_reports_a_native_file_as_before(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from tests.core.cli_run import new_project, run

    url = new_project(capsys, tmp_path)
    path = _write(tmp_path / "docs.jsonl", list(corpus(4, 3)))
    code, out, err = run(capsys, "--db", url, "import", str(path), "--create-labels", "--annotator", "ana")
    assert code == 0, err
    assert "4 document(s) added" in out and "read 4 document(s)" not in out
    nul = _write(tmp_path / "nul.jsonl", [{"text": "a\u0000b", "spans": []}])
    code, out, err = run(capsys, "--db", url, "import", str(nul), "--annotator", "ana")
    assert code == 0, err
    assert "note (1): NUL characters" in out

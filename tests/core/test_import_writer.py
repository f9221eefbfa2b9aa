"""The import's bulk inserts on a thread of their own (``annotator.import_writer``) write what the
import wrote in line: the same rows, and for a bad file the same error with nothing written, be
the error deep in the file, a reading error after an import error, or an insert's own error
before a later import error (in line the insert fails first). ``tests/core/test_import_exact.py``
compares every row with a digest of the rows from before (threaded, as every import now is)."""

from __future__ import annotations

import re
import threading
import time
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from annotator import import_writer
from annotator.errors import InputError
from annotator.importing import import_paths
from annotator.ops import importer
from annotator.store import Store
from benchmarks.corpus import corpus
from tests.core.import_files import new_store as _store
from tests.core.import_files import table_rows
from tests.core.import_files import write_jsonl as _write

STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+")
TABLES = ("document", "annotation", "relation", "import_batch", "label", "annotator", "document_fts")


def _rows(store: Store) -> dict[str, list[Any]]:
    return table_rows(store, TABLES)


def _import(
    monkeypatch: pytest.MonkeyPatch, threaded: bool, store: Store, project: int, path: Path, **options: Any
) -> Any:
    monkeypatch.setattr(import_writer, "THREADED", threaded)
    return import_paths(store, project, [path], **options)


@pytest.fixture
def writer_threads(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The names of the threads the inserts ran on (the test's own thread: in line); each insert
    handed to the thread starts late (as under load): a statement that did not wait for it would
    miss its rows."""
    seen: list[str] = []
    rows = importer.bulk_insert

    def spy(*args: Any, **kwargs: Any) -> None:
        later = kwargs.get("later")
        if later is None:
            seen.append(threading.current_thread().name)
        else:
            kwargs["later"] = lambda job: later(
                lambda: (seen.append(threading.current_thread().name), time.sleep(0.02), job())[2]
            )
        rows(*args, **kwargs)

    monkeypatch.setattr(importer, "bulk_insert", spy)
    return seen


def test_a_threaded_import_writes_the_rows_an_import_in_line_writes(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, writer_threads: list[str]
) -> None:
    monkeypatch.setattr(importer, "CHUNK", 7)  # many batches; texts repeated across them
    docs = list(corpus(60, 6, annotators=3))
    other = {**docs[5], "spans": docs[5]["spans"][:2], "relations": []}  # same text, other labels
    lines = [*docs, docs[3], other, {**docs[9], "spans": [], "relations": []}]
    path = _write(tmp_path / "docs.jsonl", lines)
    threaded, project = _store(tmp_path, "threaded.db")
    in_line, other_project = _store(tmp_path, "in_line.db")
    first = _import(monkeypatch, True, threaded, project, path, create_labels=True)
    assert writer_threads and set(writer_threads) == {"import-writer"}
    writer_threads.clear()
    second = _import(monkeypatch, False, in_line, other_project, path, create_labels=True)
    assert writer_threads and "import-writer" not in writer_threads
    assert first.summary() == second.summary() and first.documents_added == 62 and first.kept_apart
    assert _rows(threaded) == _rows(in_line)
    # Into a project that holds them: merged, the same way.
    again = _write(tmp_path / "again.jsonl", [*docs[::-1], other])
    first = _import(monkeypatch, True, threaded, project, again, create_labels=True)
    second = _import(monkeypatch, False, in_line, other_project, again, create_labels=True)
    assert first.summary() == second.summary()
    assert _rows(threaded) == _rows(in_line)
    for store in (threaded, in_line):
        store.close()


def _failure(
    monkeypatch: pytest.MonkeyPatch, threaded: bool, store: Store, project: int, path: Path
) -> tuple[type[BaseException], str]:
    with pytest.raises(Exception) as caught:
        _import(monkeypatch, threaded, store, project, path)
    with store.engine.connect() as conn:
        assert conn.execute(text("SELECT count(*) FROM document")).scalar() == 0
        assert conn.execute(text("SELECT count(*) FROM annotation")).scalar() == 0
    return type(caught.value), str(caught.value)


@pytest.mark.parametrize("late", [None, '{"text": "x", "spans": [}'])
def test_an_error_deep_in_a_file_is_the_same_and_nothing_is_written(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, late: str | None
) -> None:
    monkeypatch.setattr(importer, "CHUNK", 9)
    docs = list(corpus(300, 4))
    wrong = {**docs[280], "spans": [{**docs[280]["spans"][0], "text": "not the text"}]}
    path = _write(tmp_path / "bad.jsonl", [*docs[:280], wrong, *docs[281:], *([late] if late else [])])
    store, project = _store(tmp_path, "p.db")
    threaded = _failure(monkeypatch, True, store, project, path)
    assert threaded == _failure(monkeypatch, False, store, project, path)
    assert threaded[0] is InputError
    if late is None:
        assert threaded[1].startswith(f"{path}:281: span ") and "does not match" in threaded[1]
    else:  # a reading error after it wins, as when the file was read first
        assert threaded[1].startswith(f"{path}:301: malformed JSON")
    store.close()


def test_an_insert_that_fails_fails_the_import_before_a_later_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A document the database refuses (a trigger here) in the first batch, a text mismatch in
    the second: in line the insert failed first, and so it does on the thread."""
    monkeypatch.setattr(importer, "CHUNK", 5)
    docs = list(corpus(12, 3))
    docs[2]["title"] = "REFUSED"
    wrong = {**docs[8], "spans": [{**docs[8]["spans"][0], "text": "not the text"}]}
    path = _write(tmp_path / "bad.jsonl", [*docs[:8], wrong, *docs[9:]])
    store, project = _store(tmp_path, "p.db")
    with store.engine.begin() as conn:
        conn.execute(
            text(
                "CREATE TRIGGER refuse BEFORE INSERT ON document WHEN NEW.title = 'REFUSED' "
                "BEGIN SELECT RAISE(ABORT, 'refused here'); END"
            )
        )
    threaded = _failure(monkeypatch, True, store, project, path)
    in_line = _failure(monkeypatch, False, store, project, path)
    assert threaded[0] is in_line[0]
    assert STAMP.sub("(when)", threaded[1]) == STAMP.sub("(when)", in_line[1])  # but for the import's time
    assert "IntegrityError" in threaded[0].__name__ and "refused here" in threaded[1]
    store.close()


@pytest.mark.parametrize(
    ("cores", "load", "threaded"), [(2, 0.3, True), (2, 1.6, True), (2, 9.5, False), (1, 0.1, False)]
)
def test_the_inserts_go_to_the_thread_only_when_a_core_is_spare(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    writer_threads: list[str],
    cores: int,
    load: float,
    threaded: bool,
) -> None:
    monkeypatch.setattr(import_writer.os, "sched_getaffinity", lambda _pid: set(range(cores)))
    monkeypatch.setattr(import_writer.os, "getloadavg", lambda: (load, load, load))
    assert import_writer.spare_core() is threaded
    store, project = _store(tmp_path, "p.db")
    path = _write(tmp_path / "docs.jsonl", list(corpus(4, 3)))
    monkeypatch.setattr(import_writer, "THREADED", None)
    import_paths(store, project, [path], create_labels=True)
    assert writer_threads and (set(writer_threads) == {"import-writer"}) is threaded
    assert ("import-writer" in writer_threads) is threaded
    store.close()

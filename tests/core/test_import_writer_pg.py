"""On PostgreSQL the import's COPYs run on the writer's thread too (``annotator.import_writer``):
the same rows as in line, and for a file the server refuses part of, the same error in the same
order with nothing written."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import ExitStack
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import text

from annotator.ops import importer
from annotator.ops.projects import create_project
from annotator.store import Store, open_store
from benchmarks.corpus import corpus
from tests.conftest import TEMPLATE, pg_database
from tests.core.import_files import table_rows
from tests.core.import_files import write_jsonl as _write
from tests.core.test_import_writer import _import, writer_threads  # noqa: F401 (a fixture)

STAMP = re.compile(r"\d{4}-\d\d-\d\d \d\d:\d\d:\d\d\.\d+")
TABLES = ("document", "annotation", "relation", "import_batch", "label", "annotator")


@pytest.fixture
def two_stores(pg_template: str) -> Iterator[list[tuple[Store, int]]]:
    """Two new projects, each in a database of its own on the test server."""
    with ExitStack() as stack:
        out = []
        for _ in range(2):
            store = open_store(stack.enter_context(pg_database(TEMPLATE)))
            stack.callback(store.close)
            with store.transaction() as tx:
                out.append((store, create_project(tx, "p").id))
        yield out


def _rows(store: Store) -> dict[str, list[Any]]:
    return table_rows(store, TABLES, order="id")


def test_the_copies_on_the_thread_write_what_an_import_in_line_writes(
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
    writer_threads: list[str],  # noqa: F811
    two_stores: list[tuple[Store, int]],
) -> None:
    monkeypatch.setattr(importer, "CHUNK", 7)  # many batches; texts repeated across them
    docs = list(corpus(60, 6, annotators=3))
    other = {**docs[5], "spans": docs[5]["spans"][:2], "relations": []}  # same text, other labels
    path = _write(tmp_path / "docs.jsonl", [*docs, docs[3], other])
    (threaded, project), (in_line, other_project) = two_stores
    first = _import(monkeypatch, True, threaded, project, path, create_labels=True)
    assert writer_threads and set(writer_threads) == {"import-writer"}
    writer_threads.clear()
    second = _import(monkeypatch, False, in_line, other_project, path, create_labels=True)
    assert writer_threads and "import-writer" not in writer_threads
    assert first.summary() == second.summary() and first.documents_added == 61 and first.kept_apart
    assert _rows(threaded) == _rows(in_line)
    again = _write(tmp_path / "again.jsonl", [*docs[::-1], other])  # merged into what is there
    first = _import(monkeypatch, True, threaded, project, again, create_labels=True)
    second = _import(monkeypatch, False, in_line, other_project, again, create_labels=True)
    assert first.summary() == second.summary()
    assert _rows(threaded) == _rows(in_line)


def test_a_copy_the_server_refuses_fails_the_import_before_a_later_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, two_stores: list[tuple[Store, int]]
) -> None:
    """A document the server refuses (a trigger) in the first batch, a text mismatch in the
    second: in line the COPY failed first, and so it does on the thread; nothing is written."""
    monkeypatch.setattr(importer, "CHUNK", 5)
    docs = list(corpus(12, 3))
    docs[2]["title"] = "REFUSED"
    wrong = {**docs[8], "spans": [{**docs[8]["spans"][0], "text": "not the text"}]}
    path = _write(tmp_path / "bad.jsonl", [*docs[:8], wrong, *docs[9:]])
    failures = []
    for (store, project), threaded in zip(two_stores, (True, False), strict=True):
        with store.engine.begin() as conn:
            conn.execute(
                text(
                    "CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "IF NEW.title = 'REFUSED' THEN RAISE EXCEPTION 'refused here'; END IF; "
                    "RETURN NEW; END $$"
                )
            )
            conn.execute(
                text("CREATE TRIGGER refuse BEFORE INSERT ON document FOR EACH ROW EXECUTE FUNCTION refuse()")
            )
        with pytest.raises(Exception) as caught:
            _import(monkeypatch, threaded, store, project, path)
        failures.append((type(caught.value), STAMP.sub("(when)", str(caught.value))))
        with store.engine.connect() as conn:
            assert conn.execute(text("SELECT count(*) FROM document")).scalar() == 0
            assert conn.execute(text("SELECT count(*) FROM annotation")).scalar() == 0
    assert failures[0] == failures[1]
    assert "refused here" in failures[0][1]

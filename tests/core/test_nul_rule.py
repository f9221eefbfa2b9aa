"""One rule for NUL on both backends: replaced by U+FFFD and reported, at import and when an older
SQLite project that holds NUL is copied to PostgreSQL, so every project can move."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.dbcopy import copy_projects
from annotator.hashing import content_hash
from annotator.model import Annotation, Document, Label
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project
from annotator.records import DocRecord, SpanRecord
from annotator.store import open_store
from tests.conftest import pg_database


def test_nul_in_a_file_imports_on_every_backend(
    backend_url: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Ann\x00 said no."
    path = tmp_path / "nul.jsonl"
    line = {
        "text": text,
        "title": "a\x00b",
        "meta": {"x": "\x00"},
        "spans": [{"id": 1, "start": 0, "end": 4, "text": text[:4], "label": "ACTOR", "annotator": "ann"}],
    }
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert main(["--db", backend_url, "init"]) == 0
    assert main(["--db", backend_url, "import", str(path), "--keep-annotators"]) == 0
    out = capsys.readouterr().out
    assert "note (3): NUL characters or unpaired surrogates replaced by U+FFFD" in out
    store = open_store(backend_url)
    try:
        with store.session() as s:
            doc = s.scalars(select(Document)).one()
            span = s.scalars(select(Annotation)).one()
            assert (doc.text, doc.title, doc.meta) == ("Ann\ufffd said no.", "a\ufffdb", {"x": "\ufffd"})
            assert doc.content_hash == content_hash(doc.text)
            assert (span.start, span.end, span.text) == (0, 4, "Ann\ufffd")
    finally:
        store.close()


def test_db_copy_moves_an_old_sqlite_project_holding_nul_to_postgresql(
    tmp_path: Path, pg_template: str, capsys: pytest.CaptureFixture[str]
) -> None:
    src_url = f"sqlite:///{tmp_path / 'old.db'}"
    src = open_store(src_url)
    text = "Ann\x00 said\x00 no."
    with src.transaction() as tx:  # straight into the store, as imports did before the rule
        project = create_project(tx, "Old")
        record = DocRecord(
            text,
            title="t\x00",
            meta={"k\x00": ["\x00", 1]},
            spans=[SpanRecord(0, 4, "ACTOR", "ann", text[:4])],
        )
        import_records(tx, project.id, [record])
        tx.session.add(Label(project_id=project.id, name="BAD\x00", color="#000000", position=9))
    src.close()
    with pg_database(None) as dst_url:
        open_store(dst_url).close()
        assert main(["db", "copy", src_url, dst_url]) == 0
        out = capsys.readouterr().out
        assert "replaced 2 NUL character(s) by U+FFFD in document.text" in out
        assert "replaced 1 NUL character(s) by U+FFFD in document.title" in out
        assert "replaced 2 NUL character(s) by U+FFFD in document.meta" in out
        assert "replaced 1 NUL character(s) by U+FFFD in annotation.text" in out
        assert "replaced 1 NUL character(s) by U+FFFD in label.name" in out
        dst = open_store(dst_url)
        try:
            with dst.session() as s:
                doc = s.scalars(select(Document)).one()
                assert doc.text == "Ann\ufffd said\ufffd no."
                assert doc.content_hash == content_hash(doc.text)
                assert doc.meta == {"k\ufffd": ["\ufffd", 1]}
                assert s.scalars(select(Annotation.text)).one() == "Ann\ufffd"
                assert "BAD\ufffd" in set(s.scalars(select(Label.name)))
        finally:
            dst.close()


def test_copy_report_is_silent_without_nul(tmp_path: Path) -> None:
    src = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    dst = open_store(f"sqlite:///{tmp_path / 'b.db'}")
    try:
        with src.transaction() as tx:
            import_records(tx, create_project(tx, "Clean").id, [DocRecord("Plain text.")])
        report = copy_projects(src, dst)
        assert report.replaced == {} and "replaced" not in report.summary()
    finally:
        src.close()
        dst.close()

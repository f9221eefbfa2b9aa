"""A gold export with documents not adjudicated says so before writing (a real CLI process)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from sqlalchemy import text

from annotator.model import Role
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project, ensure_annotator
from annotator.records import DocRecord, SpanRecord
from annotator.review.gold import accept_spans, set_review_status
from annotator.store import Actor, open_store


def _project(db: str) -> None:
    """Three documents: one adjudicated, one in review, one never reviewed."""
    store = open_store(db)
    with store.transaction() as tx:
        project = create_project(tx, "P")
        riley = ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        docs = import_records(
            tx,
            project.id,
            [
                DocRecord(f"Text number {n} says a thing.", spans=[SpanRecord(0, 4, "ACTOR", "alice")])
                for n in range(3)
            ],
        ).document_ids
    with store.transaction(actor=Actor("riley", riley.id, Role.REVIEWER.value)) as tx:
        for doc in docs[:2]:
            span = tx.session.execute(
                text("SELECT id FROM annotation WHERE document_id = :d"), {"d": doc}
            ).scalar_one()
            accept_spans(tx, [span])
        set_review_status(tx, [docs[0]], "adjudicated")
    store.close()


def _export(db: str, out: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    args = [sys.executable, "-m", "annotator.cli", "--db", db, "export", "--layer", "gold", "-o", str(out)]
    return subprocess.run([*args, *extra], capture_output=True, text=True, check=False, timeout=120)


def test_a_gold_export_warns_before_writing_and_can_refuse(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    _project(db)
    done = _export(db, tmp_path / "gold.jsonl")
    assert done.returncode == 0 and (tmp_path / "gold.jsonl").exists()
    first = done.stderr.splitlines()[0]
    assert first.startswith("annotator: warning: 2 of 3 document(s) are not adjudicated")
    assert "1 in review (ids 2)" in first and "1 unreviewed (ids 3)" in first
    # Before writing: the warning comes even when writing then fails.
    failed = _export(db, tmp_path / "gold.jsonl" / "under-a-file.jsonl")
    assert failed.returncode != 0
    assert failed.stderr.splitlines()[0].startswith("annotator: warning: 2 of 3")
    # A pipeline that wants a complete gold layer refuses instead, and writes nothing.
    strict = _export(db, tmp_path / "strict.jsonl", "--require-adjudicated")
    assert strict.returncode == 1 and not (tmp_path / "strict.jsonl").exists()
    assert "--require-adjudicated: 2 of 3 document(s) are not adjudicated" in strict.stderr
    # Other layers: no warning.
    assert (
        "warning"
        not in subprocess.run(
            [sys.executable, "-m", "annotator.cli", "--db", db, "export", "-o", str(tmp_path / "all.jsonl")],
            capture_output=True,
            text=True,
            check=False,
            timeout=120,
        ).stderr
    )

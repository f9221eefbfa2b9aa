"""Writers behind a long merge on SQLite (issue 11 §5), with real processes.

A merge reads, matches and checks without holding the write lock, so another process's write goes
through meanwhile; a writer that must wait for the lock keeps waiting past SQLite's busy timeout
and says so on stderr, and its label is stored.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.model import Annotation, Annotator
from annotator.store import open_store
from tests.core.lock_holder import hold, release

ROOT = Path(__file__).resolve().parents[2]


def _cli(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "annotator.cli", *args],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env={**os.environ, **(env or {})},
    )


def _project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[Path, str]:
    path = tmp_path / "team.db"
    db = f"sqlite:///{path}"
    article = tmp_path / "a.txt"
    article.write_text("Mayor Ana Ruiz said the bridge opens in May.", encoding="utf-8")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "import", str(article)]) == 0
    capsys.readouterr()
    return path, db


def _spans(db: str) -> list[tuple[str, int, int]]:
    store = open_store(db)
    try:
        with store.session() as s:
            rows = s.execute(
                select(Annotator.name, Annotation.document_id, Annotation.start).join(
                    Annotator, Annotator.id == Annotation.annotator_id
                )
            ).all()
        return sorted((r[0], r[1], r[2]) for r in rows)
    finally:
        store.close()


def test_a_writer_behind_the_lock_keeps_waiting_says_so_and_writes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path, db = _project(tmp_path, capsys)
    holder = hold(path)
    # A short busy timeout: SQLite gives up many times before the lock is free; the writer does not.
    writer = _cli(
        "--db",
        db,
        "annotate",
        "1",
        "0",
        "5",
        "ACTOR",
        "--annotator",
        "bob",
        env={"ANNOTATOR_SQLITE_BUSY_MS": "200"},
    )
    assert writer.stderr is not None
    said = writer.stderr.readline()
    assert "annotator: waiting for the database (another process is writing)…" in said, said
    assert writer.poll() is None  # still waiting, past many busy timeouts
    release(holder)
    out, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert out.strip().isdigit() and "the database is free again" in err
    assert _spans(db) == [("bob", 1, 0)]


def _teammate_file(tmp_path: Path, docs: int) -> Path:
    path = tmp_path / "carol.jsonl"
    with path.open("w", encoding="utf-8") as fh:
        for i in range(docs):
            text = f"Article {i}: Mayor Ana Ruiz said the bridge opens in May."
            start = text.index("Ana")
            span = {"id": 1, "start": start, "end": start + 8, "label": "ACTOR", "annotator": "carol"}
            fh.write(json.dumps({"text": text, "spans": [span]}) + "\n")
        # The project's own article too: carol labelled it as well.
        fh.write(
            json.dumps(
                {
                    "text": "Mayor Ana Ruiz said the bridge opens in May.",
                    "spans": [{"id": 1, "start": 6, "end": 14, "label": "ACTOR", "annotator": "carol"}],
                }
            )
            + "\n"
        )
    return path


def test_a_merge_lets_others_write_while_it_plans(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    _path, db = _project(tmp_path, capsys)
    pause = tmp_path / "pause"
    pause.mkdir()
    merge = _cli(
        "--db",
        db,
        "merge",
        str(_teammate_file(tmp_path, 200)),
        env={"ANNOTATOR_TEST_MERGE_PAUSE": str(pause)},
    )
    while not (pause / "planned").exists():
        assert merge.poll() is None, merge.communicate()
        time.sleep(0.05)
    # The merge has read, matched and checked everything: a write from another process goes through
    # now, and finishes while the merge has not.
    writer = _cli("--db", db, "annotate", "1", "0", "5", "ACTOR", "--annotator", "bob")
    _out, writer_err = writer.communicate(timeout=120)
    assert writer.returncode == 0, writer_err
    assert "waiting for the database" not in writer_err
    assert merge.poll() is None
    (pause / "go").touch()
    out, err = merge.communicate(timeout=120)
    assert merge.returncode == 0, err
    assert "merged carol: 200 new document(s); spans +201" in out
    spans = _spans(db)
    # bob's label, made during the merge, is there, and so is all of carol's work.
    assert ("bob", 1, 0) in spans and ("carol", 1, 6) in spans
    assert sum(1 for who, _d, _s in spans if who == "carol") == 201


def test_a_merge_killed_before_it_writes_changes_nothing_and_can_run_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _path, db = _project(tmp_path, capsys)
    pause = tmp_path / "pause"
    pause.mkdir()
    source = _teammate_file(tmp_path, 50)
    merge = _cli("--db", db, "merge", str(source), env={"ANNOTATOR_TEST_MERGE_PAUSE": str(pause)})
    while not (pause / "planned").exists():
        assert merge.poll() is None, merge.communicate()
        time.sleep(0.05)
    merge.kill()
    merge.communicate(timeout=60)
    assert _spans(db) == []
    again = _cli("--db", db, "merge", str(source))
    out, err = again.communicate(timeout=120)
    assert again.returncode == 0, err
    assert "merged carol: 50 new document(s); spans +51" in out

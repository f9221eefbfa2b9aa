"""A merge replaces a teammate's labels only with that teammate's own newer ones (issue 12), and
never changes the teammate's database file, not even its schema (issue 11 §5)."""

from __future__ import annotations

import hashlib
import json
import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.model import Annotation, Annotator
from annotator.review.merge import merge, read_source
from annotator.store import Actor, open_store

TEXT = 'Mayor Ana Ruiz said: "The bridge opens in May." Critics disagree.'
FIXTURES = Path(__file__).parent.parent / "fixtures" / "migrations"


def _project(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """alice labelled two spans; bob is an annotator, riley a reviewer."""
    db = f"sqlite:///{tmp_path / 'team.db'}"
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "import", str(article)]) == 0
    ana, critics = TEXT.index("Ana"), TEXT.index("Critics")
    assert main(["--db", db, "annotate", "1", str(ana), str(ana + 8), "ACTOR", "--annotator", "alice"]) == 0
    assert (
        main(["--db", db, "annotate", "1", str(critics), str(critics + 16), "CLAIM", "--annotator", "alice"])
        == 0
    )
    for who in ("bob", "riley"):
        assert main(["--db", db, "annotate", "1", "0", "5", "ACTOR", "--annotator", who]) == 0
    assert main(["--db", db, "review", "role", "riley", "reviewer"]) == 0
    capsys.readouterr()
    return db


def _crafted(tmp_path: Path, as_of: str | None) -> Path:
    """A file naming alice with one span only: as if she had deleted the other two."""
    start = TEXT.index("May.")
    line: dict[str, object] = {
        "text": TEXT,
        "spans": [{"id": 1, "start": start, "end": start + 3, "label": "ACTOR", "annotator": "alice"}],
    }
    if as_of is not None:
        line["as_of"] = as_of
    path = tmp_path / "crafted.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


def _alice(db: str) -> list[str]:
    store = open_store(db)
    try:
        with store.session() as s:
            return sorted(
                s.scalars(
                    select(Annotation.text)
                    .join(Annotator, Annotator.id == Annotation.annotator_id)
                    .where(Annotator.name == "alice")
                )
            )
    finally:
        store.close()


def test_a_file_naming_a_teammate_does_not_delete_their_labels(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _project(tmp_path, capsys)
    source = read_source(_crafted(tmp_path, "2099-01-01T00:00:00"))
    store = open_store(db)
    try:
        summary = merge(store, 1, source, by="bob")
    finally:
        store.close()
    # Her two labels stay; the file's one is added.
    assert _alice(db) == ["Ana Ruiz", "Critics disagree", "May"]
    assert (summary.spans_added, summary.spans_removed) == (1, 0)
    assert (
        "not replaced (only added): 2 label(s) of alice the file lacks (bob is neither alice nor a reviewer)"
        in (summary.summary())
    )


def test_the_command_line_names_who_merges(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = _project(tmp_path, capsys)
    path = _crafted(tmp_path, "2099-01-01T00:00:00")
    assert main(["--db", db, "merge", str(path)]) == 0
    assert "2 label(s) of alice the file lacks (a merge that names nobody (--by)" in capsys.readouterr().out
    assert _alice(db) == ["Ana Ruiz", "Critics disagree", "May"]
    # A reviewer may replace her labels with a newer file of hers, and the report says so.
    assert main(["--db", db, "merge", str(path), "--by", "riley"]) == 0
    assert "replaced alice's labels in 1 document(s)" in capsys.readouterr().out
    assert _alice(db) == ["May"]


@pytest.mark.parametrize(
    ("as_of", "reason"),
    [
        ("2001-01-01T00:00:00", "after the file's 2001-01-01 00:00"),
        (None, "the file does not say when its labels were made"),
    ],
)
def test_an_older_file_only_adds(
    as_of: str | None, reason: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _project(tmp_path, capsys)
    assert main(["--db", db, "merge", str(_crafted(tmp_path, as_of)), "--by", "alice"]) == 0
    assert reason in capsys.readouterr().out
    assert _alice(db) == ["Ana Ruiz", "Critics disagree", "May"]


def test_a_teammate_may_replace_their_own_labels_with_a_newer_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _project(tmp_path, capsys)
    store = open_store(db)
    try:
        with store.session() as s:
            alice = s.scalars(select(Annotator.id).where(Annotator.name == "alice")).one()
        summary = merge(
            store, 1, read_source(_crafted(tmp_path, "2099-01-01T00:00:00")), actor=Actor("alice", alice)
        )
    finally:
        store.close()
    assert summary.spans_removed == 2 and _alice(db) == ["May"]


# --- the teammate's database file ---------------------------------------------------------------


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.mark.parametrize("fails", [False, True])
def test_merging_a_database_never_changes_the_file(
    fails: bool, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    mate = tmp_path / "mate" / "teammate.db"
    mate.parent.mkdir()
    shutil.copy(FIXTURES / "schema-0003.db", mate)
    before = _digest(mate)
    db = f"sqlite:///{tmp_path / 'ours.db'}"
    assert main(["--db", db, "init"]) == 0
    if fails:  # a label the teammate uses and we lack: the merge fails after reading
        assert main(["--db", db, "labels", "rename", "CLAIM", "ASSERTION"]) == 0
    capsys.readouterr()
    code = main(["--db", db, "merge", str(mate), "--by", "riley"])
    out, err = capsys.readouterr()
    if fails:
        assert code == 1 and "unknown label 'CLAIM'" in err and str(mate) in err
    else:
        assert code == 0 and "merged alice, bob" in out
    assert _digest(mate) == before
    assert sorted(p.name for p in mate.parent.iterdir()) == ["teammate.db"]


def test_a_file_that_is_not_a_project_is_refused_clearly(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    import sqlite3

    other = tmp_path / "other.db"
    with sqlite3.connect(other) as conn:
        conn.execute("CREATE TABLE notes (x)")
    db = f"sqlite:///{tmp_path / 'ours.db'}"
    assert main(["--db", db, "init"]) == 0
    before = _digest(other)
    assert main(["--db", db, "merge", str(other)]) == 1
    err = capsys.readouterr().err
    assert err == f"annotator: error: {other}: has tables but is not an annotator database\n"
    assert _digest(other) == before
    newer = tmp_path / "newer.db"
    shutil.copy(FIXTURES / "schema-0003.db", newer)
    with sqlite3.connect(newer) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    assert main(["--db", db, "merge", str(newer)]) == 1
    err = capsys.readouterr().err
    assert err.startswith(f"annotator: error: {newer}: written by a newer version of annotator (schema 9999")

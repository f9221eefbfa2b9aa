"""Names with control characters are refused where they are made, and data printed by the CLI
never reaches the terminal as raw control characters."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import update

from annotator.errors import ValidationError
from annotator.model import Annotator, Label
from annotator.ops.labels import add_label, add_relation_type, get_label, update_label
from annotator.ops.projects import create_project, ensure_annotator
from annotator.store import open_store
from tests.core.cli_run import new_project, run

HOSTILE_TITLE = "\x1b]0;pwned\x07\x1b[2J\x1b[31mRed\r\u202eevil\x85 title"


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    return new_project(capsys, tmp_path, "n.db")


@pytest.mark.parametrize(
    "name", ["NEW\nLINE", "TAB\tBED", "\x1b[2J", "C\rR", "NUL\x00", "RTL\u202eX", "L\u2028S"]
)
def test_label_names_with_control_characters_are_refused(
    name: str, db: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(capsys, "--db", db, "labels", "add", name)
    assert code == 1 and "label name" in err and "names must be printable on one line" in err
    assert "\x1b" not in err and "\r" not in err
    code, _, err = run(capsys, "--db", db, "labels", "rename", "ACTOR", name)
    assert code == 1 and "label name" in err
    listing = json.loads(run(capsys, "--db", db, "labels", "list", "--json")[1])
    assert [lab["name"] for lab in listing["labels"]] == ["CLAIM", "QUOTE", "ACTOR", "CUE"]


def test_ops_refuse_control_characters_in_every_name(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'o.db'}")
    try:
        with store.transaction() as tx:
            project = create_project(tx, "P")
            with pytest.raises(ValidationError, match="relation type name"):
                add_relation_type(tx, project.id, "said\nby")
            with pytest.raises(ValidationError, match="annotator name"):
                ensure_annotator(tx, project.id, "bo\x07b")
            with pytest.raises(ValidationError, match="label name"):
                add_label(tx, project.id, "A\x9bB")
            with pytest.raises(ValidationError, match="label name"):
                update_label(tx, get_label(tx, project.id, "ACTOR"), name="ACT\nOR")
            with pytest.raises(ValidationError, match="project name"):
                create_project(tx, "Q\x1b[2J")
            assert (
                add_label(tx, project.id, "Ort-Überblick 終").name == "Ort-Überblick 終"
            )  # printable is fine
    finally:
        store.close()


def test_annotate_refuses_an_annotator_name_with_a_newline(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("Ann spoke.", encoding="utf-8")
    assert run(capsys, "--db", db, "import", str(tmp_path / "a.txt"))[0] == 0
    code, _, err = run(capsys, "--db", db, "annotate", "1", "0", "3", "ACTOR", "--annotator", "ann\nB-ACTOR")
    assert code == 1 and "annotator name 'ann\\nB-ACTOR' contains a control character" in err


def _hostile_project(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A title with terminal escapes (titles are text, kept as written) and, as an older database
    may hold them, a label and an annotator whose names carry escapes."""
    line = {
        "text": "Ann spoke.",
        "title": HOSTILE_TITLE,
        "spans": [{"id": 1, "start": 0, "end": 3, "label": "ACTOR", "annotator": "ann"}],
    }
    path = tmp_path / "t.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    assert run(capsys, "--db", db, "import", str(path), "--keep-annotators")[0] == 0
    store = open_store(db)
    try:
        with store.transaction() as tx:
            tx.session.execute(update(Label).where(Label.name == "ACTOR").values(name="ACT\x1b[2JOR"))
            tx.session.execute(
                update(Annotator).where(Annotator.name == "ann").values(name="an\x1b]0;x\x07n")
            )
    finally:
        store.close()


RAW = ("\x1b", "\x07", "\r", "\u202e", "\x85")


def test_cli_listings_escape_control_characters(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _hostile_project(db, tmp_path, capsys)
    for command in (["docs"], ["stats"], ["labels", "list"]):
        code, out, _ = run(capsys, "--db", db, *command)
        assert code == 0
        assert not any(c in out for c in RAW), (command, out)
    out = run(capsys, "--db", db, "docs")[1]
    assert "\\u001b]0;pwned\\u0007\\u001b[2J\\u001b[31mRed\\u000d\\u202eevil\\u0085 title" in out
    assert "ACT\\u001b[2JOR" in run(capsys, "--db", db, "labels", "list")[1]
    assert "an\\u001b]0;x\\u0007n" in run(capsys, "--db", db, "stats")[1]


def test_json_output_stays_valid_and_exact(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _hostile_project(db, tmp_path, capsys)
    out = run(capsys, "--db", db, "docs", "--json")[1]
    assert not any(c in out for c in RAW)
    assert json.loads(out)[0]["title"] == HOSTILE_TITLE
    stats = json.loads(run(capsys, "--db", db, "stats", "--json")[1])
    assert stats["spans_by_annotator"] == {"an\x1b]0;x\x07n": 1}


def test_a_real_terminal_process_gets_no_escape_sequences(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _hostile_project(db, tmp_path, capsys)
    done = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "--db", db, "docs"],
        capture_output=True,
        check=True,
        env={**os.environ, "PYTHONIOENCODING": "utf-8"},
    )
    out = done.stdout.decode("utf-8")
    assert "\\u001b]0;pwned" in out and not any(c in out for c in RAW)


def test_export_rename_to_a_name_with_a_newline_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "x.iob"
    code, _, err = run(
        capsys, "--db", db, "export", "--format", "iob", "--rename", "ACTOR=A\nB-X", "-o", str(out)
    )
    assert code == 1 and "label name 'A\\nB-X' contains a control character" in err
    assert not out.exists()

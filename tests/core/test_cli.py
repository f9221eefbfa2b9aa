"""The `annotator` command: names, exit codes, output a script can rely on."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main

COMMANDS = [
    "init",
    "import",
    "export",
    "docs",
    "stats",
    "labels",
    "annotate",
    "unannotate",
    "gui",
    "demo",
    "status",
    "backup",
    "settings",
]


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def db(tmp_path: Path) -> str:
    return f"sqlite:///{tmp_path / 'cli.db'}"


@pytest.mark.parametrize("command", COMMANDS)
def test_every_command_has_help(command: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as done:
        main([command, "--help"])
    assert done.value.code == 0
    assert "usage: annotator " + command in capsys.readouterr().out


def test_scripted_session(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    article = tmp_path / "article.txt"
    article.write_text("Minister Lea Park said the plan works. 😀 Critics disagree.\n", encoding="utf-8")
    assert run(capsys, "--db", db, "init", "--name", "Desk")[0] == 0
    code, out, _ = run(capsys, "--db", db, "import", str(article))
    assert code == 0 and "1 document(s) added" in out
    code, out, _ = run(capsys, "--db", db, "import", str(article))
    assert "0 document(s) added, 1 already present" in out

    code, out, _ = run(capsys, "docs", "--db", db, "--json")
    docs = json.loads(out)
    assert [(d["title"], d["spans"], d["status"]) for d in docs] == [(article.read_text().strip(), 0, "new")]
    doc_id = docs[0]["id"]

    code, out, _ = run(
        capsys, "annotate", "--db", db, str(doc_id), "9", "17", "ACTOR", "--annotator", "alice"
    )
    assert code == 0
    span_id = int(out.strip())
    text = article.read_text(encoding="utf-8")
    start = text.index("Critics")
    code, out, _ = run(
        capsys, "annotate", "--db", db, str(doc_id), str(start), str(start + 7), "ACTOR", "--annotator", "bob"
    )
    assert code == 0

    code, out, _ = run(capsys, "stats", "--db", db, "--json")
    data = json.loads(out)
    assert data["spans_by_label"]["ACTOR"] == 2
    assert data["spans_by_annotator"] == {"alice": 1, "bob": 1}

    out_file = tmp_path / "out.jsonl"
    code, out, _ = run(capsys, "export", "--db", db, "--format", "jsonl", "-o", str(out_file))
    assert code == 0
    exported = json.loads(out_file.read_text(encoding="utf-8"))
    assert sorted(s["text"] for s in exported["spans"]) == ["Critics", "Lea Park"]

    assert run(capsys, "unannotate", "--db", db, str(span_id))[0] == 0
    assert json.loads(run(capsys, "stats", "--db", db, "--json")[1])["spans"] == 1
    assert run(capsys, "status", "--db", db, "done", str(doc_id))[0] == 0
    assert json.loads(run(capsys, "docs", "--db", db, "--json")[1])[0]["status"] == "done"


def test_label_commands(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    run(capsys, "--db", db, "init")
    assert run(capsys, "labels", "add", "PLACE", "--db", db, "--color", "#CC79A7", "--hotkey", "p")[0] == 0
    assert run(capsys, "labels", "rename", "PLACE", "LOCATION", "--db", db)[0] == 0
    assert run(capsys, "labels", "recolor", "LOCATION", "#000000", "--db", db)[0] == 0
    listing = json.loads(run(capsys, "labels", "list", "--json", "--db", db)[1])
    assert [lab["name"] for lab in listing["labels"]] == ["CLAIM", "QUOTE", "ACTOR", "CUE", "LOCATION"]
    assert listing["labels"][4]["color"] == "#000000"
    assert {t["name"]: (t["from"], t["to"]) for t in listing["relation_types"]} == {
        "speaker": ("QUOTE", "ACTOR"),
        "claimant": ("CLAIM", "ACTOR"),
        "cue": (None, "CUE"),
    }
    assert run(capsys, "labels", "remove", "LOCATION", "--db", db)[0] == 0


def test_removing_a_used_label_is_refused_without_the_flag(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_text("Someone said something.", encoding="utf-8")
    run(capsys, "--db", db, "init")
    run(capsys, "--db", db, "import", str(tmp_path / "a.txt"))
    run(capsys, "--db", db, "annotate", "1", "0", "7", "ACTOR", "--annotator", "alice")
    code, _, err = run(capsys, "--db", db, "labels", "remove", "ACTOR")
    assert code == 1 and "used by 1 span" in err
    code, out, _ = run(capsys, "--db", db, "labels", "remove", "ACTOR", "--delete-annotations")
    assert code == 0 and "1 span(s)" in out


def test_errors_go_to_stderr_with_nonzero_exit(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(capsys, "--db", db, "docs")
    assert code == 1 and out == "" and "no project yet" in err
    run(capsys, "--db", db, "init")
    bad = tmp_path / "bad.jsonl"
    bad.write_text('{"text": "fine"}\n{"text": \n', encoding="utf-8")
    code, out, err = run(capsys, "--db", db, "import", str(bad))
    assert code == 1 and "bad.jsonl:2" in err
    assert json.loads(run(capsys, "--db", db, "docs", "--json")[1]) == []
    code, _, err = run(capsys, "--db", db, "annotate", "99", "0", "1", "ACTOR", "--annotator", "a")
    assert code == 1 and "no document with id 99" in err


def test_demo_project_has_two_disagreeing_annotators(db: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, "--db", db, "demo")[0] == 0
    assert run(capsys, "--db", db, "demo", "--if-missing")[0] == 0
    data = json.loads(run(capsys, "--db", db, "stats", "--json")[1])
    assert data["documents"] >= 2
    assert set(data["spans_by_annotator"]) == {"alice", "bob"}
    assert data["relations"] > 0


def test_installed_entry_point_runs() -> None:
    exe = shutil.which("annotator", path=str(Path(sys.executable).parent))
    assert exe is not None
    done = subprocess.run([exe, "--help"], capture_output=True, text=True, check=False)
    assert done.returncode == 0
    for command in COMMANDS:
        assert command in done.stdout

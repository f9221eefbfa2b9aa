"""`annotator rm`, `annotator rm --batch N`, `annotator batches` and `import --restore-deleted`."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def _docs(capsys: pytest.CaptureFixture[str], db: str) -> list[tuple[int, str]]:
    code, out, _ = run(capsys, "--db", db, "docs", "--json")
    assert code == 0
    return [(d["id"], d["title"]) for d in json.loads(out)]


def test_rm_and_batches(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    for name, body in (("a.txt", "Alpha said one thing.\n"), ("b.txt", "Beta said another.\n")):
        (tmp_path / name).write_text(body, encoding="utf-8")
    (tmp_path / "c.txt").write_text("Gamma stayed quiet.\n", encoding="utf-8")
    assert run(capsys, "--db", db, "init")[0] == 0
    code, out, _ = run(capsys, "--db", db, "import", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))
    assert code == 0 and "import batch 1 (undo: annotator rm --batch 1)" in out
    code, out, _ = run(capsys, "--db", db, "import", str(tmp_path / "c.txt"))
    assert "import batch 2" in out
    assert run(capsys, "--db", db, "annotate", "1", "0", "5", "ACTOR", "--annotator", "ana")[1].strip() == "1"

    code, _out, err = run(capsys, "--db", db, "rm", "1", "99")
    assert code == 1 and "no document with id 99" in err and "nothing was deleted" in err
    assert [i for i, _t in _docs(capsys, db)] == [1, 2, 3]

    code, out, _ = run(capsys, "--db", db, "rm", "1", "--annotator", "ana")
    assert code == 0 and out.strip() == (
        "deleted 1 document(s) with 1 span(s) and 0 relation(s); annotator undo --annotator ana puts it back"
    )
    assert [i for i, _t in _docs(capsys, db)] == [2, 3]

    code, out, _ = run(capsys, "--db", db, "batches", "--json")
    listed = json.loads(out)
    assert [(b["batch"], b["added"], b["remaining"]) for b in listed] == [(1, 2, 1), (2, 1, 1)]
    assert listed[0]["source"].endswith("b.txt")
    code, out, _ = run(capsys, "--db", db, "batches")
    assert out.splitlines()[0].split() == ["batch", "imported", "by", "added", "left", "source"]

    code, out, _ = run(capsys, "--db", db, "rm", "--batch", "1")
    assert code == 0 and "deleted 1 document(s)" in out and "import batch 1" in out
    assert [i for i, _t in _docs(capsys, db)] == [3]
    code, _out, err = run(capsys, "--db", db, "rm", "--batch", "1")
    assert code == 1 and "no documents left" in err
    code, _out, err = run(capsys, "--db", db, "rm", "--batch", "7")
    assert code == 1 and "no import batch 7" in err

    # Importing a deleted text again is skipped, and said so, unless asked for.
    code, out, _ = run(capsys, "--db", db, "import", str(tmp_path / "a.txt"))
    assert "1 document(s) skipped: deleted from the project earlier" in out
    assert "it added no documents" in out
    assert [i for i, _t in _docs(capsys, db)] == [3]
    code, out, _ = run(capsys, "--db", db, "import", "--restore-deleted", str(tmp_path / "a.txt"))
    assert "1 document(s) added" in out
    assert [t for _i, t in _docs(capsys, db)] == ["Gamma stayed quiet.", "Alpha said one thing."]
    assert [i for i, _t in _docs(capsys, db)][-1] > 3  # a new id, never a deleted one's


def test_rm_needs_documents_or_a_batch(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'c.db'}"
    run(capsys, "--db", db, "init")
    code, _out, err = run(capsys, "--db", db, "rm")
    assert code == 1 and "--batch" in err


def test_rm_is_an_undo_step_of_who_deleted(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Deleting documents (one by one or a whole import batch) is taken back by ``annotator undo``
    with the same ids and spans, and redone by ``annotator redo``."""
    db = f"sqlite:///{tmp_path / 'c.db'}"
    for name, body in (("a.txt", "Alpha said one thing.\n"), ("b.txt", "Beta said another.\n")):
        (tmp_path / name).write_text(body, encoding="utf-8")
    assert run(capsys, "--db", db, "init")[0] == 0
    assert run(capsys, "--db", db, "import", str(tmp_path / "a.txt"), str(tmp_path / "b.txt"))[0] == 0
    assert run(capsys, "--db", db, "annotate", "1", "0", "5", "ACTOR", "--annotator", "ana")[0] == 0

    assert run(capsys, "--db", db, "rm", "1", "--annotator", "ana")[0] == 0
    assert [i for i, _t in _docs(capsys, db)] == [2]
    code, out, err = run(capsys, "--db", db, "undo", "--annotator", "ana")
    assert code == 0, err
    assert [i for i, _t in _docs(capsys, db)] == [1, 2]
    code, out, _ = run(capsys, "--db", db, "docs", "--json")
    assert code == 0 and [d["spans"] for d in json.loads(out)] == [1, 0]  # its span is back too
    assert run(capsys, "--db", db, "redo", "--annotator", "ana")[0] == 0
    assert [i for i, _t in _docs(capsys, db)] == [2]

    assert run(capsys, "--db", db, "rm", "--batch", "1", "--annotator", "bo")[0] == 0
    assert _docs(capsys, db) == []
    assert run(capsys, "--db", db, "undo", "--annotator", "bo")[0] == 0
    assert [i for i, _t in _docs(capsys, db)] == [2]

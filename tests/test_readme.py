"""The README's command-line examples really run (on small files made here)."""

from __future__ import annotations

import json
import re
import shlex
from pathlib import Path

import pytest

from annotator.cli import main

README = Path(__file__).parents[1] / "README.md"


def _block(heading: str) -> list[str]:
    """The ``annotator`` lines of the first sh block after ``heading``, comments removed."""
    text = README.read_text(encoding="utf-8")
    section = text[text.index(heading) :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    return [
        line.split(" #")[0].strip() for line in block.group(1).splitlines() if line.startswith("annotator ")
    ]


def _run(line: str, capsys: pytest.CaptureFixture[str]) -> tuple[int, str]:
    code = main(shlex.split(line)[1:])
    captured = capsys.readouterr()
    return code, captured.out + captured.err


def test_command_line_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANNOTATOR_DB", f"sqlite:///{tmp_path / 'newsroom.db'}")
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(
        "Minister Ana Lima said the port reopens in May.\n", encoding="utf-8"
    )
    (tmp_path / "articles" / "b.md").write_text(
        "# Harbour\n\nThe union said talks continue.\n", encoding="utf-8"
    )
    (tmp_path / "items.csv").write_text(
        "id,body\n1,Critics said the plan fails.\n2,Officials disagreed.\n", encoding="utf-8"
    )
    lines = _block("## Command line")
    assert len(lines) >= 15
    for line in lines:
        code, output = _run(line, capsys)
        expected = 1 if line.startswith("annotator labels remove") and "--delete" not in line else 0
        assert code == expected or line.startswith("annotator labels remove"), (line, output)
    assert (tmp_path / "corpus.jsonl").exists() and (tmp_path / "newsroom-copy.db").exists()
    assert (tmp_path / "window.png").stat().st_size > 10_000
    docs = [json.loads(x) for x in (tmp_path / "corpus.jsonl").read_text(encoding="utf-8").splitlines()]
    assert len(docs) == 4 and docs[2]["meta"]["id"] == "1"


def test_team_and_dataset_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANNOTATOR_DB", f"sqlite:///{tmp_path / 'newsroom.db'}")
    assert main(["demo"]) == 0
    assert main(["--db", f"sqlite:///{tmp_path / 'colleague.db'}", "demo"]) == 0
    capsys.readouterr()
    for line in _block("## Teams"):
        if line.startswith("annotator db copy"):
            line = f"annotator db copy sqlite:///{tmp_path / 'newsroom.db'} sqlite:///{tmp_path / 'copy.db'}"
        code, output = _run(line, capsys)
        assert code == 0, (line, output)
    for line in _block("## Training datasets"):
        code, output = _run(line, capsys)
        assert code == 0, (line, output)
    assert (tmp_path / "data" / "train.spacy").exists() and (tmp_path / "who-said-what.csv").exists()


def test_running_a_team_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setenv("ANNOTATOR_DB", f"sqlite:///{tmp_path / 'team.db'}")
    for i in range(6):
        (tmp_path / f"{i}.txt").write_text(f"Story {i}: the mayor spoke.\n", encoding="utf-8")
    assert main(["init"]) == 0
    assert main(["import", *(str(tmp_path / f"{i}.txt") for i in range(6))]) == 0
    capsys.readouterr()
    for line in _block("### Running a team"):
        code, out = _run(line, capsys)
        assert code == 0, f"{line}: {out}"

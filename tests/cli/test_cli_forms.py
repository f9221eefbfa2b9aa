"""tests.cli_forms: a command run in-process answers exactly as the real process does."""

from __future__ import annotations

import subprocess
from pathlib import Path

import pytest

from tests.cli_forms import form, in_process, run


@pytest.fixture(scope="module")
def url(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('forms') / 'p.db'}"
    assert run("--db", url, "init", real=True).returncode == 0
    return url


@pytest.mark.parametrize(
    "args",
    [
        ("labels", "list"),  # success, a table on stdout
        ("stats", "--json"),
        ("labels", "add", "QUOTE"),  # refused: exit 1, the message on stderr
        ("assign", "--no-such-option"),  # usage error: exit 2, argparse's usage on stderr
        ("undo", "--annotator", "nobody"),
    ],
    ids=lambda args: " ".join(args),
)
def test_in_process_matches_the_real_process(url: str, args: tuple[str, ...]) -> None:
    real = run("--db", url, *args, real=True)
    here = in_process("--db", url, *args)
    assert (here.returncode, here.stdout, here.stderr) == (real.returncode, real.stdout, real.stderr)


def test_each_form_runs_once_in_a_real_process(url: str, monkeypatch: pytest.MonkeyPatch) -> None:
    started: list[list[str]] = []

    def started_process(command: list[str], **_options: object) -> subprocess.CompletedProcess[str]:
        started.append(command)
        return subprocess.CompletedProcess(command, 0, "", "")

    monkeypatch.setattr(subprocess, "run", started_process)
    run("--db", url, "docs", "--json")
    run("--db", url, "docs", "--json")  # a repeat of the form: in-process
    run("--db", url, "docs")  # another form (no --json): a real process
    assert [c[-2:] for c in started] == [["docs", "--json"], [url, "docs"]]


def test_a_form_is_its_words_and_option_names() -> None:
    assert form(["codebook", "export", "-o", "a.json"]) == form(["codebook", "export", "-o", "b.json"])
    assert form(["annotate", "1", "0", "5", "ACTOR", "--annotator", "ann"])[0] == ("annotate",)
    assert form(["assign", "--unassign", "ana"]) != form(["assign", "--reassign", "ana", "--to", "ben"])


def test_a_path_is_not_a_word(tmp_path: Path) -> None:
    assert form(["import", str(tmp_path / "a.txt"), "--format", "txt"]) == (
        ("import",),
        frozenset({"--format"}),
    )

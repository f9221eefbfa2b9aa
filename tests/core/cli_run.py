"""Running the ``annotator`` command in-process, for tests of its output."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.cli import main


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    """Exit status, standard output and standard error of one command."""
    code = main(list(args))
    out, err = capsys.readouterr()
    return code, out, err


def new_project(capsys: pytest.CaptureFixture[str], folder: Path, name: str = "cli.db") -> str:
    """The URL of a fresh SQLite database in ``folder`` holding one default project."""
    url = f"sqlite:///{folder / name}"
    assert run(capsys, "--db", url, "init")[0] == 0
    return url

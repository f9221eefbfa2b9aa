"""Running ``annotator`` commands from tests: each command form once in a real process per test file,
its repeats in-process through the same entry point.

The forms are a contract (scripts outside the repository call them), so the first use of each form
in a test file runs the real command in a fresh process: its exit status, standard output and error
are what a script sees. A form's repeats in that file (the same sub-command with the same option
names, other values) call ``annotator.cli.main`` in the test process with its output captured: the
same parsing, handler, messages and exit status, without the ~0.5 s (CPU) start of a process that
the suite otherwise paid a few hundred times. What spans processes (locks, live refresh, a second
writer) keeps its own real processes in its tests.
"""

from __future__ import annotations

import io
import os
import re
import shutil
import subprocess
import sys
import traceback
from collections.abc import Sequence
from contextlib import redirect_stderr, redirect_stdout
from pathlib import Path

from annotator.cli import main

# The installed command, as users and scripts call it (``python -m annotator.cli`` where it is not).
_SCRIPT = shutil.which("annotator", path=str(Path(sys.executable).parent))
REAL = [_SCRIPT] if _SCRIPT else [sys.executable, "-m", "annotator.cli"]
_WORD = re.compile(r"[a-z][a-z-]*")
_ran_real: set[tuple[str, tuple[str, ...], frozenset[str]]] = set()


def form(args: Sequence[str]) -> tuple[tuple[str, ...], frozenset[str]]:
    """The command form of ``args`` (without ``--db URL``): its leading sub-command words (at most
    two: ``codebook export``) and the names of the options it passes, not their values."""
    words: list[str] = []
    for token in args:
        if len(words) == 2 or not _WORD.fullmatch(token):
            break
        words.append(token)
    return tuple(words), frozenset(t.split("=")[0] for t in args if t.startswith("-"))


def _test_file() -> str:
    """The file of the running test (pytest sets ``PYTEST_CURRENT_TEST``: ``path::name (phase)``)."""
    return os.environ.get("PYTEST_CURRENT_TEST", "").split("::")[0]


def run(*args: str, stdin: str | None = None, real: bool | None = None) -> subprocess.CompletedProcess[str]:
    """``annotator ARGS``: in a real process the first time its form is used in this test file (or
    when ``real``), else in-process; the same exit status, standard output and standard error."""
    words, options = form(_without_db(args))
    key = (_test_file(), words, options)
    if real or (real is None and key not in _ran_real):
        _ran_real.add(key)
        return subprocess.run([*REAL, *args], input=stdin, capture_output=True, text=True, check=False)
    return in_process(*args, stdin=stdin)


def _without_db(args: Sequence[str]) -> list[str]:
    """``args`` without ``--db URL`` (every helper passes it; it is not part of the form)."""
    out: list[str] = []
    skip = False
    for token in args:
        if skip:
            skip = False
        elif token == "--db":
            skip = True
        else:
            out.append(token)
    return out


def in_process(*args: str, stdin: str | None = None) -> subprocess.CompletedProcess[str]:
    """``annotator.cli.main(ARGS)`` with standard input, output and error captured; a usage error
    exits 2 and an unexpected exception prints its traceback and exits 1, as the process would."""
    out, err = io.StringIO(), io.StringIO()
    saved_stdin = sys.stdin
    if stdin is not None:
        sys.stdin = io.StringIO(stdin)
    try:
        with redirect_stdout(out), redirect_stderr(err):
            try:
                code = main(list(args))
            except SystemExit as exc:  # argparse: usage errors (2) and --help (0)
                code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
                if isinstance(exc.code, str):
                    print(exc.code, file=sys.stderr)
            except Exception:
                traceback.print_exc()
                code = 1
    finally:
        sys.stdin = saved_stdin
    return subprocess.CompletedProcess(["annotator", *args], code, out.getvalue(), err.getvalue())

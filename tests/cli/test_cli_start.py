"""CLI start: a command loads what it uses; the file formats, models and GUI load only where used.

Every ``annotator`` command is a fresh process (scripts run hundreds of them), so what it imports
is what each start costs. Each check runs in a real process: a test process has everything loaded.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from annotator import whosaid
from annotator.cli_whosaid import BY
from annotator.formats import documents
from annotator.formats.format_names import DOCUMENT_KINDS

# Loaded only by the commands that use them: import/export (the formats and their libraries),
# agreement and models (numpy, spaCy), migrating a database (Alembic), the app (Qt).
HEAVY = (
    "alembic",
    "numpy",
    "spacy",
    "orjson",
    "lxml",
    "charset_normalizer",
    "PySide6",
    "ui",
    "annotator.formats.sources",
    "annotator.formats.peers",
    "annotator.formats.html",
    "annotator.formats.markdown",
    "annotator.learn",
    "annotator.agreement",
    "annotator.dataset",
)
# After --help nothing of the database is loaded either.
DATABASE = ("sqlalchemy", "annotator.store", "annotator.model")

LOADED = (
    "import contextlib, io, json, sys\n"
    "from annotator.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()):\n"
    "    try:\n"
    "        code = main(sys.argv[1:])\n"
    "    except SystemExit as exc:\n"
    "        code = exc.code\n"
    "heavy = {heavy!r}\n"
    "print(json.dumps([code, sorted({{m for m in sys.modules for h in heavy if m == h or m.startswith(h + '.')}})]))\n"
)


def loaded(*args: str, heavy: tuple[str, ...] = HEAVY) -> tuple[object, list[str]]:
    """Exit status of ``annotator ARGS`` in a fresh process, and which of ``heavy`` it loaded."""
    done = subprocess.run(
        [sys.executable, "-c", LOADED.format(heavy=heavy), *args],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    code, modules = json.loads(done.stdout.strip().splitlines()[-1])
    return code, modules


@pytest.fixture(scope="module")
def demo(tmp_path_factory: pytest.TempPathFactory) -> str:
    url = f"sqlite:///{tmp_path_factory.mktemp('cli-start') / 'demo.db'}"
    done = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "--db", url, "demo"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    return url


def test_help_loads_neither_the_database_nor_any_heavy_module() -> None:
    assert loaded("--help", heavy=HEAVY + DATABASE) == (0, [])


@pytest.mark.parametrize(
    "args",
    [
        ("docs",),
        ("stats",),
        ("annotate", "1", "0", "5", "ACTOR", "--annotator", "ann"),
        ("undo", "--annotator", "ann"),
        ("labels", "list"),
        ("actors", "list"),
        ("whosaid",),
        ("progress",),
    ],
    ids=lambda args: args[0],
)
def test_a_simple_command_loads_no_heavy_module(demo: str, args: tuple[str, ...]) -> None:
    assert loaded("--db", demo, *args) == (0, [])


def test_import_still_loads_its_formats(demo: str, tmp_path: Path) -> None:
    """The check above can fail: a command that reads files does load the readers."""
    (tmp_path / "a.txt").write_text("The mayor said the bridge opens in May.\n", encoding="utf-8")
    code, modules = loaded("--db", demo, "import", str(tmp_path / "a.txt"), "--annotator", "ann")
    assert code == 0 and "annotator.formats.sources" in modules


def test_the_light_names_are_the_readers_names() -> None:
    """The names the parser offers (kept apart from the readers) are the ones the readers know."""
    assert BY == whosaid.GROUPINGS
    assert documents.KINDS == DOCUMENT_KINDS and set(documents.EXTENSIONS.values()) == set(DOCUMENT_KINDS)

"""Issue 11 §1: looking at the project's folder in any file dialog must not cost a label.

Qt's file dialogs read the files they list to tell their types; reading the project's SQLite
files inside the app drops the app's locks, the next process to exit deletes the WAL, and the
app's next label goes into a deleted file. The app here is a real separate process
(tests/ui/dialog_driver.py): it opens every file dialog on the project's folder, a second process
writes a span and exits, the app labels a word, and a third process must count both spans, while
the app runs and after it was killed with -9. PostgreSQL has no such files; the same test proves it.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

import pytest
from pytestqt.qtbot import QtBot

from annotator.ops.importer import import_records
from annotator.ops.projects import create_project
from annotator.records import DocRecord
from annotator.store import open_store
from tests.ui.helpers import point_of
from ui.main_window import MainWindow
from ui.qt import QMessageBox, Qt

ROOT = Path(__file__).parents[2]
TEXT = "Ana said the vote was rigged, and nobody asked her why.\n"


def _cli(url: str, *args: str) -> str:
    done = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "--db", url, *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.stdout


def _spans_seen_by_another_process(url: str) -> int:
    return int(json.loads(_cli(url, "stats", "--json"))["spans"])


def _wait_for(path: Path, app: subprocess.Popen[str]) -> None:
    """Until the app writes ``path`` (a hang fails after two minutes; no timing is asserted)."""
    deadline = time.monotonic() + 120
    while not path.exists():
        if app.poll() is not None:
            pytest.fail(f"the app exited ({app.returncode}): {app.stderr.read() if app.stderr else ''}")
        if time.monotonic() > deadline:
            app.kill()
            pytest.fail(f"the app never wrote {path.name}")
        time.sleep(0.05)


@pytest.mark.slow
def test_file_dialogs_on_the_project_folder_lose_no_label(backend_url: str, tmp_path: Path) -> None:
    folder = tmp_path  # the SQLite database lives here: the app is started from this folder
    (folder / "articles").mkdir()
    (folder / "articles" / "one.txt").write_text(TEXT)
    store = open_store(backend_url)
    with store.transaction() as tx:
        project = create_project(tx, "P")
        doc = import_records(tx, project.id, [DocRecord(text=TEXT)]).document_ids[0]
    store.close()  # nobody else holds the database: as when the user runs the app alone
    signals = tmp_path / "signals"
    signals.mkdir()
    env = {
        **os.environ,
        "QT_QPA_PLATFORM": "offscreen",
        "PYTHONPATH": str(ROOT),
        "HOME": str(tmp_path / "home"),
        "XDG_CONFIG_HOME": str(tmp_path / "home" / "config"),
        "XDG_DATA_HOME": str(tmp_path / "home" / "data"),
    }
    app = subprocess.Popen(
        [sys.executable, "-m", "tests.ui.dialog_driver", backend_url, str(signals)],
        cwd=folder,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        _wait_for(signals / "dialogs-done", app)
        _cli(backend_url, "annotate", str(doc), "0", "3", "CLAIM", "--annotator", "bob")  # writes, exits
        (signals / "go").write_text("go")
        _wait_for(signals / "labelled", app)
        assert int((signals / "labelled").read_text()) >= 1  # the app shows its span
        assert _spans_seen_by_another_process(backend_url) == 2
    finally:
        app.send_signal(signal.SIGKILL)
        app.communicate(timeout=60)
    assert _spans_seen_by_another_process(backend_url) == 2  # nothing the killed app showed is gone


def test_the_dialogs_icon_provider_never_opens_a_file(tmp_path: Path) -> None:
    """Types and icons come from names: a file nobody may read, or a FIFO (where an open for
    reading would block the test forever), is typed as any other file."""
    from ui.file_dialogs import NameOnlyIconProvider
    from ui.qt import QFileInfo

    unreadable = tmp_path / "c.db-wal"
    unreadable.write_bytes(b"\x37\x7f\x06\x82" + bytes(28))
    unreadable.chmod(0)
    fifo = tmp_path / "c.db-shm"
    os.mkfifo(fifo)
    provider = NameOnlyIconProvider()
    assert provider.type(QFileInfo(str(unreadable))) == "DB-WAL file"
    assert provider.type(QFileInfo(str(fifo))) == "DB-SHM file"
    assert provider.type(QFileInfo(str(tmp_path))) == "Folder"
    assert not provider.icon(QFileInfo(str(fifo))).isNull()


def test_the_window_says_when_it_had_to_reopen_the_database(
    open_window: Callable[..., MainWindow], backend_url: str, qtbot: QtBot
) -> None:
    """Defence in depth, as the user sees it: locks lost anyway (here: the files read by hand),
    another process writes and exits; the next label is still stored, and the window says why the
    database was reopened."""
    if not backend_url.startswith("sqlite"):
        pytest.skip("PostgreSQL has no lock files to lose")
    window = open_window(TEXT)
    db = Path(backend_url.removeprefix("sqlite:///"))
    for name in (db, Path(f"{db}-wal"), Path(f"{db}-shm")):
        with open(name, "rb") as fh:  # what Qt's type sniffing did
            fh.read(16)
    doc = window.session.doc_id
    assert doc is not None
    _cli(backend_url, "annotate", str(doc), "0", "3", "CLAIM", "--annotator", "bob")
    view = window.pane.view
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=point_of(view, 1))
    qtbot.keyClick(view, Qt.Key.Key_A)
    qtbot.waitUntil(lambda: window.findChild(QMessageBox, "lock_notice") is not None)
    box = window.findChild(QMessageBox, "lock_notice")
    assert box is not None and box.isVisible() and "nothing was lost" in box.text()
    assert "reopened" in window.statusBar().currentMessage()
    assert len(window.session.index) == 1
    assert _spans_seen_by_another_process(backend_url) == 2
    box.accept()

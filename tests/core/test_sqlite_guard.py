"""A process that lost SQLite's locks (a file of the database was read outside SQLite) must never
write into a WAL another process has deleted: the guard reopens first, or refuses the commit.

Each test breaks the locks exactly as a file dialog does (open and close the files), lets another
process write and exit (it then believes it is alone: it checkpoints and deletes the WAL), writes
here, and counts with a third process what really reached the file.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import sqlite_guard
from annotator.atomic import atomic_write
from annotator.errors import AnnotatorError, InputError
from annotator.formats.sources import read_path
from annotator.model import Annotation
from annotator.ops.annotations import create_span
from annotator.ops.projects import create_project, ensure_annotator
from annotator.review.merge import read_source
from annotator.store import Store, open_store
from tests.core.helpers import add_doc, label_id

ROOT = Path(__file__).parents[2]
COUNT = (
    "import sys, sqlite3; con = sqlite3.connect(sys.argv[1]); "
    "print(con.execute('SELECT count(*) FROM annotation').fetchone()[0])"
)


def _read_outside_sqlite(db: Path) -> None:
    """What Qt's file-type sniffing does to every file of the folder it lists."""
    for suffix in ("", "-wal", "-shm"):
        if Path(f"{db}{suffix}").exists():
            with open(f"{db}{suffix}", "rb") as fh:
                fh.read(16)


def _other_process_writes(url: str, doc: int, label: int) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tests.core.writer_process", url, str(doc), str(label), "bob", "1"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr


def _spans_on_disk(db: Path) -> int:
    """Counted by a third process: what any other program (or this one after a crash) would see."""
    out = subprocess.run([sys.executable, "-c", COUNT, str(db)], capture_output=True, text=True, timeout=60)
    assert out.returncode == 0, out.stderr
    return int(out.stdout)


@pytest.fixture
def opened(tmp_path: Path) -> tuple[Store, Path, int, int, int]:
    db = tmp_path / "c.db"
    store = open_store(f"sqlite:///{db}")
    with store.transaction() as tx:
        project = create_project(tx, "P")
        me = ensure_annotator(tx, project.id, "ana").id
    doc = add_doc(store, project.id, "Ana said the vote was rigged.")
    return store, db, doc, label_id(store, project.id, "CLAIM"), me


def _holds_locks(store: Store, db: Path) -> bool:
    """This process's shared lock on the database, as the kernel lists it (with a connection open)."""
    with store.session() as s:
        s.execute(select(1))
        locks = sqlite_guard.held_locks()
        return locks is not None and any(ino == db.stat().st_ino for ino, _start in locks)


def _span(store: Store, doc: int, label: int, me: int, start: int) -> None:
    with store.transaction() as tx:
        create_span(tx, doc, start, start + 3, label, me)


def test_write_after_lost_locks_reaches_the_file(opened: tuple[Store, Path, int, int, int]) -> None:
    store, db, doc, label, me = opened
    messages: list[str] = []

    def heard(path: Path, message: str) -> None:
        assert path == db
        messages.append(message)

    sqlite_guard.listeners.append(heard)
    try:
        _span(store, doc, label, me, 0)
        _read_outside_sqlite(db)
        _other_process_writes(store.url, doc, label)
        _span(store, doc, label, me, 4)  # before the guard: committed into the deleted WAL
    finally:
        sqlite_guard.listeners.remove(heard)
    assert _spans_on_disk(db) == 3
    assert messages and "nothing was lost" in messages[0]
    with store.session() as s:  # and this process sees the other's span again
        assert len(s.scalars(select(Annotation.id)).all()) == 3
    store.close()
    assert _spans_on_disk(db) == 3


def test_locks_lost_during_a_change_refuse_the_commit(opened: tuple[Store, Path, int, int, int]) -> None:
    store, db, doc, label, me = opened
    with pytest.raises(sqlite_guard.LockLost, match="not saved"), store.transaction() as tx:
        create_span(tx, doc, 0, 3, label, me)
        _read_outside_sqlite(db)
    _other_process_writes(store.url, doc, label)
    _span(store, doc, label, me, 4)
    assert _spans_on_disk(db) == 2  # the other's span and the retried one; the refused one never was
    store.close()


def test_opening_the_open_database_again_keeps_its_locks(opened: tuple[Store, Path, int, int, int]) -> None:
    """Re-opening the project (File ▸ Open on the same file) checked its header with open()."""
    store, db, doc, label, me = opened
    second = open_store(f"sqlite:///{db}")
    assert _holds_locks(store, db)
    second.close()
    _other_process_writes(store.url, doc, label)
    _span(store, doc, label, me, 4)
    assert _spans_on_disk(db) == 2
    store.close()


def test_a_file_that_is_not_a_database_is_still_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("hello, not SQLite\n")
    with pytest.raises(AnnotatorError, match="not a SQLite database"):
        open_store(f"sqlite:///{bogus}")


def test_the_open_database_files_are_never_read_as_documents(
    opened: tuple[Store, Path, int, int, int],
) -> None:
    store, db = opened[:2]
    (db.parent / "article.txt").write_text("A plain article.\n")
    assert sqlite_guard.is_database_file(db) and sqlite_guard.is_database_file(f"{db}-wal")
    assert not sqlite_guard.is_database_file(db.parent / "article.txt")
    with pytest.raises(InputError, match="open project's database"):
        read_path(Path(f"{db}-wal"), fmt="txt")
    with pytest.raises(InputError, match="open project's database"):
        read_source(db)  # File ▸ Merge teammate's work… pointed at the project itself
    with pytest.raises(InputError, match="open project's database"), atomic_write(db) as out:
        out.write("an export saved over the project by a slip of the mouse")
    with pytest.raises(InputError, match="open project's database"):
        store.backup(Path(f"{db}-wal"))
    # A forced format reads every file of a folder: but never the project's own database files.
    records = read_path(db.parent, fmt="txt")
    assert [Path(r.source_file or "").name for r in records] == ["article.txt"]
    assert _holds_locks(store, db)
    store.close()
    assert not sqlite_guard.is_database_file(db)


WRITE_AND_HANG = """
import sys, time
from annotator.ops.annotations import create_span
from annotator.store import open_store
store = open_store(sys.argv[1])
with store.transaction() as tx:
    create_span(tx, int(sys.argv[2]), 8, 12, int(sys.argv[3]), int(sys.argv[4]))
print("committed", flush=True)
time.sleep(600)
"""


def test_reopening_never_deletes_a_wal_that_holds_others_commits(
    opened: tuple[Store, Path, int, int, int],
) -> None:
    """After the lost locks, another process commits into a new WAL and is killed before it could
    checkpoint: that WAL alone holds its span. Closing this process's stale connections the plain
    way lets SQLite believe it is the last user: it "checkpoints" and deletes the WAL by name."""
    store, db, doc, label, me = opened
    _span(store, doc, label, me, 0)
    _read_outside_sqlite(db)
    _other_process_writes(store.url, doc, label)  # checkpoints and deletes the WAL this one uses
    killed = subprocess.Popen(
        [sys.executable, "-c", WRITE_AND_HANG, store.url, str(doc), str(label), str(me)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )
    assert killed.stdout is not None and killed.stdout.readline().strip() == "committed"
    killed.kill()
    killed.wait()
    assert Path(f"{db}-wal").stat().st_size > 0  # its span is only there
    _span(store, doc, label, me, 16)
    store.close()
    assert _spans_on_disk(db) == 4

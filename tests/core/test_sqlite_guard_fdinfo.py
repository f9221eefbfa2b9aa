"""The guard reads this process's SQLite locks from /proc/self/fdinfo (cheap) instead of
/proc/locks (every lock of the machine): on this kernel it must still see them, and still catch
them lost the way a file dialog loses them, also when it remembered where they were.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import sqlite_guard
from annotator.ops.projects import create_project
from annotator.store import Store, open_store

pytestmark = pytest.mark.skipif(not Path("/proc/self/fdinfo").is_dir(), reason="Linux's /proc only")


@pytest.fixture
def store(tmp_path: Path) -> Store:
    db = tmp_path / "g.db"
    opened = open_store(f"sqlite:///{db}")
    with opened.transaction() as tx:
        create_project(tx, "P")
    return opened


def _drop_locks_like_a_file_dialog(db: Path) -> None:
    for suffix in ("", "-wal", "-shm"):
        with open(f"{db}{suffix}", "rb") as fh:
            fh.read(16)


def _problem(store: Store) -> str | None:
    assert store.guard is not None
    with store.session() as s:
        s.execute(select(1))  # a connection is held while looking, as in begin/before_commit
        return store.guard.problem()


def test_fdinfo_lists_sqlite_locks_on_this_kernel(store: Store) -> None:
    """What the guard relies on: the database's shared lock and the -shm's dead-man switch are
    listed under the descriptors SQLite opened, exactly as /proc/locks lists them (where it can)."""
    assert store.guard is not None and store.guard._check_locks == "fdinfo"
    db = store.guard.path
    with store.session() as s:
        s.execute(select(1))
        inodes = {os.stat(db).st_ino, os.stat(f"{db}-shm").st_ino}
        files = [os.stat(name) for name in (db, f"{db}-shm")]
        fds = sqlite_guard.fds_on([(st.st_dev, st.st_ino) for st in files])
        seen = sqlite_guard.fd_locks(fds)
        assert seen is not None
        assert any(ino == os.stat(db).st_ino for ino, _ in seen)
        assert (os.stat(f"{db}-shm").st_ino, sqlite_guard.SHM_DMS) in seen
        everywhere = sqlite_guard.held_locks()
        if everywhere:  # /proc/locks is empty in some PID namespaces
            assert seen == {lock for lock in everywhere if lock[0] in inodes}
    store.close()


def test_locks_dropped_by_a_read_are_caught_through_fdinfo(store: Store) -> None:
    """The guard first remembers where the locks are (a check that passes), then a read outside
    SQLite drops them: the remembered descriptors must not vouch for locks that are gone."""
    assert store.guard is not None
    db = store.guard.path
    assert _problem(store) is None
    assert store.guard._fds  # remembered: the next check reads only these
    with store.session() as s:
        s.execute(select(1))
        _drop_locks_like_a_file_dialog(db)
        assert sqlite_guard.fd_locks(store.guard._fds) == set()  # gone from fdinfo at once
        problem = store.guard.problem()
    assert problem is not None and "lost its lock" in problem
    store.close()


def test_descriptors_of_a_reopened_database_are_found_again(store: Store) -> None:
    """After the pool is closed and SQLite opens the files afresh (new descriptors, maybe other
    numbers), the remembered ones say nothing: a fresh look finds the locks, no false alarm."""
    assert store.guard is not None
    assert _problem(store) is None
    before = list(store.guard._fds)
    store.engine.dispose()
    keep = [os.open(os.devnull, os.O_RDONLY) for _ in range(3)]  # the next opens get other numbers
    try:
        assert _problem(store) is None
        assert store.guard._fds and store.guard._fds != before
    finally:
        for fd in keep:
            os.close(fd)
    store.close()

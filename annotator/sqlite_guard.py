"""Keeping SQLite's locks: no stray opens of the database files, and a check before every commit.

SQLite coordinates processes with POSIX locks, and closing ANY file descriptor a process holds on a
file drops ALL that process's locks on it. One ``open(); read(); close()`` of ``x.db``, ``x.db-wal``
or ``x.db-shm`` anywhere in the app (a file dialog sniffing types, a header check) lets the next
process that closes believe it is alone: it checkpoints and deletes the WAL, and this process goes
on committing into a file nobody else can see (lost when the app stops).

So: code outside SQLite never opens those files (``is_database_file`` tells which they are,
``check_header`` reads a header through SQLite), and ``Guard`` checks, before the app writes,
that the process still holds its locks and that the WAL it writes to is not deleted
(``/proc/self/fd``, read with ``readlink``/``stat``, which open nothing). The locks are read from
``/proc/self/fdinfo/<fd>`` of the descriptors open on the database and its -shm (Linux lists there
the locks held through each; ``/proc/locks`` walks every lock of the machine, milliseconds per
read on a busy host, and serves only where fdinfo shows none). When either check fails it closes
the database without letting SQLite checkpoint or delete anything, and reopens it.
"""

from __future__ import annotations

import contextlib
import fcntl
import os
import sqlite3
import struct
import tempfile
import threading
import weakref
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

from sqlalchemy import text
from sqlalchemy.engine import Engine
from sqlalchemy.orm import Session

from annotator.errors import AnnotatorError, InputError

SIDECARS = ("-wal", "-shm", "-journal")
# Byte offsets of SQLite's locks (os_unix.c): the dead-man switch every connection holds on the
# -shm file, and the range of the shared lock a WAL connection holds on the database while open.
SHM_DMS = 128
SHARED_FIRST, SHARED_SIZE = 0x40000002, 510

# Told (database file, message) whenever a guard found lost locks and reopened its database; the
# GUI shows it in the window that has that database open.
listeners: list[Callable[[Path, str], None]] = []

# The guards of every database file this process has open through a Store (several stores may
# share a file: SQLite shares their file descriptors and locks, so they are reopened together).
# Weak: a store dropped without close() takes its connections, and its entry, with it.
_open: dict[Path, weakref.WeakSet[Guard]] = {}
_mutex = threading.Lock()


class LockLost(AnnotatorError):
    """The database lost its locks mid-change: the change was not written (it was rolled back)."""


def register(guard: Guard) -> None:
    with _mutex:
        _open.setdefault(guard.path, weakref.WeakSet()).add(guard)


def unregister(guard: Guard) -> None:
    with _mutex:
        _open.get(guard.path, weakref.WeakSet()).discard(guard)


def _sharing(path: Path) -> list[Guard]:
    with _mutex:
        return list(_open.get(path, ()))


def _open_paths() -> list[Path]:
    with _mutex:
        return [path for path, guards in _open.items() if len(guards)]


def _identity(path: Path | str) -> tuple[int, int] | None:
    try:
        st = os.stat(path)
    except OSError:
        return None
    return st.st_dev, st.st_ino


def is_database_file(path: Path | str) -> bool:
    """True when ``path`` is (by inode, so also through links) a database this process has open,
    or one of its -wal/-shm/-journal files: reading it with ``open()`` would drop SQLite's locks."""
    ident = _identity(path)
    if ident is None:
        return False
    opened = _open_paths()
    return any(_identity(f"{db}{suffix}") == ident for db in opened for suffix in ("", *SIDECARS))


def refuse_database_file(path: Path | str) -> None:
    """Raise a clear error instead of reading (or replacing) a file SQLite holds open in this process."""
    if is_database_file(path):
        raise InputError(
            str(path),
            "this is the open project's database (or its -wal/-shm/-journal file); annotator reads and "
            "writes it only through SQLite: choose another file",
        )


def check_header(path: Path) -> None:
    """Refuse a file that is not a SQLite database, reading its header through SQLite itself.

    SQLite shares one set of file descriptors and locks per file within a process, so this is safe
    while the app holds the same database open; a plain ``open()`` here would drop the app's locks.
    """
    try:
        con = sqlite3.connect(f"{path.resolve().as_uri()}?mode=ro", uri=True)
    except sqlite3.Error:
        return  # unreadable: the real open reports it with SQLite's own words
    try:
        con.execute("PRAGMA schema_version").fetchone()
    except sqlite3.DatabaseError as exc:
        if "not a database" in str(exc):
            raise AnnotatorError(
                f"{path}: not a SQLite database (its first bytes are not the SQLite header)"
            ) from None
    finally:
        con.close()


def held_locks() -> set[tuple[int, int]] | None:
    """(inode, first byte) of every POSIX lock this process holds, or None where Linux's
    ``/proc/locks`` is not there to tell."""
    try:
        with open("/proc/locks", encoding="ascii", errors="replace") as fh:
            lines = fh.read().splitlines()
    except OSError:
        return None
    pid, found = str(os.getpid()), set()
    for line in lines:
        fields = line.split()
        if len(fields) >= 8 and fields[1] == "POSIX" and fields[4] == pid:
            found.add((int(fields[5].rsplit(":", 1)[1]), int(fields[6])))
    return found


def fd_locks(fds: Iterable[int]) -> set[tuple[int, int]] | None:
    """(inode, first byte) of every POSIX lock this process holds through these descriptors, read
    from ``/proc/self/fdinfo`` (a closed descriptor adds none); None where Linux does not list them.

    The kernel lists a lock under the descriptor it was taken through, and only while this process
    holds it: closing any descriptor on the file drops it from every fdinfo at once."""
    found: set[tuple[int, int]] = set()
    for fd in fds:
        try:
            with open(f"/proc/self/fdinfo/{fd}", encoding="ascii", errors="replace") as fh:
                info = fh.read()
        except FileNotFoundError:
            continue  # closed meanwhile
        except OSError:
            return None
        for line in info.splitlines():
            fields = line.split()
            if len(fields) >= 9 and fields[0] == "lock:" and fields[2] == "POSIX":
                found.add((int(fields[6].rsplit(":", 1)[1]), int(fields[7])))
    return found


def fds_on(files: Iterable[tuple[int, int]]) -> list[int]:
    """This process's descriptors open on any of these (device, inode) files: ``stat`` through
    ``/proc/self/fd`` follows each link without opening the file (no lock can drop)."""
    wanted, out = set(files), list[int]()
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return out
    for fd in fds:
        if _identity(f"/proc/self/fd/{fd}") in wanted:
            out.append(int(fd))
    return sorted(out)


_visible: dict[int, str] = {}


def _locks_visible(folder: Path) -> str:
    """Where this process's locks on files in ``folder`` show: "fdinfo", else "proc" (/proc/locks,
    not in every PID namespace), else "" (neither: some file systems). Found by locking a scratch
    file there and looking, once per device."""
    dev = _identity(folder)
    if dev is None:
        return ""
    if dev[0] not in _visible:
        try:
            with tempfile.TemporaryFile(dir=folder) as scratch:
                fcntl.lockf(scratch, fcntl.LOCK_EX | fcntl.LOCK_NB, 1, 7)
                mine = (os.fstat(scratch.fileno()).st_ino, 7)
                if mine in (fd_locks([scratch.fileno()]) or ()):
                    _visible[dev[0]] = "fdinfo"
                else:
                    _visible[dev[0]] = "proc" if mine in (held_locks() or ()) else ""
        except OSError:
            _visible[dev[0]] = ""
    return _visible[dev[0]]


def _deleted_sidecar(db: Path) -> str | None:
    """A -wal/-shm file this process still has open although it was deleted or replaced."""
    try:
        fds = os.listdir("/proc/self/fd")
    except OSError:
        return None
    for suffix in ("-wal", "-shm"):
        name = f"{db}{suffix}"
        on_disk = _identity(name)
        for fd in fds:
            try:
                target = os.readlink(f"/proc/self/fd/{fd}")
            except OSError:
                continue
            if target == f"{name} (deleted)" or (
                target == name and _identity(f"/proc/self/fd/{fd}") != on_disk
            ):
                return name
    return None


class Guard:
    """Watches one SQLite database file of one engine (see the module's docstring)."""

    def __init__(self, path: Path, dispose: Callable[[], None], checked_out: Callable[[], int]) -> None:
        self.path = path
        self._dispose = dispose
        self._checked_out = checked_out
        self._check_locks = _locks_visible(path.parent)  # "fdinfo", "proc" or "" (see there)
        self._wal: bool | None = None  # the locks watched here are those of WAL mode
        # The descriptors on the database and -shm where the locks were last seen: reading only
        # their fdinfo is the fast path (see _locks_lost).
        self._fds: list[int] = []

    def _watching(self, session: Session) -> bool:
        if self._wal is None:
            mode = session.execute(text("PRAGMA journal_mode")).scalar()
            self._wal = str(mode).lower() == "wal"
        return self._wal

    def problem(self) -> str | None:
        """Why writing now would be unsafe, or None. Call while holding a connection (WAL mode).

        While this process holds its shared lock on the database nobody can delete the WAL, so
        where /proc/locks shows locks that is the whole check; elsewhere look for a deleted WAL.
        """
        if not self._check_locks:
            gone = _deleted_sidecar(self.path)
            return None if gone is None else f"{gone} was deleted by another program while this one used it"
        db, shm = _identity(self.path), _identity(f"{self.path}-shm")
        if db is None or not self._locks_lost(db, shm):
            return None
        return f"this program had lost its lock on {self.path.name} (a file was read outside SQLite)"

    def _locks_lost(self, db: tuple[int, int], shm: tuple[int, int] | None) -> bool:
        """Whether this process lacks its lock on the database or the -shm's dead-man switch.

        Fast path: the fdinfo of the descriptors where the locks were seen last time. It cannot
        go stale: fdinfo lists only locks held right now (a lock dropped by any close is gone from
        it), and the lock lines name their inode, so a descriptor number reused for another file
        cannot pass either. Finding both there proves them held; anything less is decided by a
        fresh look at every descriptor on the two files, as if nothing were remembered.
        """
        if self._check_locks == "proc":
            return _missing(held_locks(), db, shm)
        if self._fds and not _missing(fd_locks(self._fds), db, shm):
            return False
        self._fds = fds_on([db] if shm is None else [db, shm])
        return _missing(fd_locks(self._fds), db, shm)

    def begin(self, session: Session, options: dict[str, Any]) -> None:
        """Start a write; if the locks were lost, reopen first (nothing was written yet)."""
        session.connection(execution_options=options)
        problem = self.problem() if self._watching(session) else None
        if problem is None:
            return
        self._reopen_or_raise(session, problem, saved=True)
        session.connection(execution_options=options)
        still = self.problem()
        if still is not None:
            session.close()
            raise LockLost(f"{self.path}: {still}; close the project and open it again")

    def before_commit(self, session: Session) -> None:
        """Refuse to commit into files nobody else sees: roll back, reopen, raise ``LockLost``."""
        problem = self.problem() if self._wal else None
        if problem is not None:
            self._reopen_or_raise(session, problem, saved=False)
            raise LockLost(f"{self.path}: {problem}; the change was not saved, please make it again")

    def check_idle(self, session: Session) -> None:
        """Between actions (the app's poll): reopen at once rather than at the next change."""
        session.execute(text("SELECT 1"))
        problem = self.problem() if self._watching(session) else None
        if problem is not None:
            self._reopen_or_raise(session, problem, saved=True)

    def _reopen_or_raise(self, session: Session, why: str, saved: bool) -> None:
        session.rollback()
        session.close()
        if any(g._checked_out() > 0 for g in _sharing(self.path)):  # a job's connection: it must finish
            raise LockLost(f"{self.path}: {why}; wait for the running job to finish, then try again")
        self.reopen(why, saved)

    def reopen(self, why: str, saved: bool) -> None:
        """Close the pooled connections safely (the next one opens the files afresh) and say so."""
        self._fenced_dispose()
        outcome = "nothing was lost" if saved else "your last change was NOT saved: please make it again"
        message = f"The project database was reopened: {why}; {outcome}."
        for listener in list(listeners):
            listener(self.path, message)

    def close(self) -> None:
        """Close the engine; after lost locks, without letting SQLite checkpoint or delete."""
        if self.problem() is None:
            self._dispose()
        else:
            self._fenced_dispose()

    def _fenced_dispose(self) -> None:
        """Close every pooled connection without SQLite checkpointing or deleting anything:
        another program may own the current WAL, and a checkpoint from a stale one corrupts."""
        fence = _fence(self.path)
        try:
            for guard in {id(g): g for g in [self, *_sharing(self.path)]}.values():
                guard._dispose()
        finally:
            if fence is not None:
                os.close(fence)  # no connection of this process is left on the file: no lock to drop


def _fence(path: Path) -> int | None:
    """An open-file-description read lock on the database's shared range: while it is held,
    SQLite in this process cannot take the exclusive lock it needs to checkpoint and delete the WAL
    when its last connection closes (OFD locks conflict with the process's own POSIX locks)."""
    op = getattr(fcntl, "F_OFD_SETLK", None)
    if op is None:
        return None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_CLOEXEC)
    except OSError:
        return None
    # Refused only while another program holds it exclusively: then it is not ours to delete either.
    with contextlib.suppress(OSError):
        fcntl.fcntl(
            fd, op, struct.pack("hhxxxxqqixxxx", fcntl.F_RDLCK, os.SEEK_SET, SHARED_FIRST, SHARED_SIZE, 0)
        )
    return fd


def _missing(locks: set[tuple[int, int]] | None, db: tuple[int, int], shm: tuple[int, int] | None) -> bool:
    """No lock on the database's inode, or none on the -shm's dead-man switch (None: unknown)."""
    if locks is None:
        return False
    return not any(ino == db[1] for ino, _start in locks) or (
        shm is not None and (shm[1], SHM_DMS) not in locks
    )


def guard_for(engine: Engine) -> Guard | None:
    """A guard for a SQLite file database (None for memory databases and other back ends)."""
    database = engine.url.database
    if (
        engine.dialect.name != "sqlite"
        or not database
        or database == ":memory:"
        or database.startswith("file:")
    ):
        return None
    return Guard(
        Path(database).resolve(), engine.dispose, lambda: int(getattr(engine.pool, "checkedout", lambda: 0)())
    )

"""An import's bulk inserts run on a thread of their own, the import going on meanwhile.

SQLite does a bulk insert's work (the B-trees, indexes, FTS5 terms) in C with the GIL released:
nearly half of a large import's CPU, which one thread spent waiting for it. A ``Writer`` runs the
importer's document, span and relation inserts (``bulk.bulk_insert(..., later=writer.later)``) in
order on its thread, while the importer reads, checks and builds the next rows on the second
core. The importer's other statements need the inserts done: any statement of the transaction's
connection first waits for the writer (a ``before_execute`` event), and so does the end of the
import. The rows, their order and ids, are those written in line (ids are handed out up front);
an insert's error is raised at the next statement or at the end, before any error the importer
met after the insert was handed over (in line it would have been raised first), and the
caller's one transaction then writes nothing. Only when a core is spare (``spare_core``): on a
machine whose cores are all busy the inserts run in line, as before.

On PostgreSQL the inserts are COPYs through psycopg: the server does their work as the rows
arrive, and in line the client waited at the end of each; on the thread the client reads and
checks the next rows meanwhile (10,000 documents idle: 3.5 s against 4.2 s).
"""

from __future__ import annotations

import os
import queue
import sys
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import Connection

THREADED: bool | None = None  # None: when a core is spare (``spare_core``); True/False: always/never
SWITCH = 0.0005  # s: how soon the writer gets the GIL back for its next statement (Python's 0.005)


class Writer:
    """Runs handed-over inserts in order on one thread; ``wait`` returns when they are done."""

    def __init__(self, conn: Connection) -> None:
        self.conn = conn
        self.jobs: queue.Queue[Callable[[], None] | None] = queue.Queue()
        self.done = threading.Condition()
        self.pending = 0  # jobs handed over and not done
        self.failed = False  # a job failed: nothing more is written
        self.error: BaseException | None = None  # its error, until ``wait`` raises it
        self.thread = threading.Thread(target=self._run, name="import-writer", daemon=True)
        self.thread.start()
        event.listen(conn, "before_execute", self._before)

    def later(self, job: Callable[[], None]) -> None:
        """Run ``job`` after the jobs handed over before it."""
        with self.done:
            self.pending += 1
        self.jobs.put(job)

    def wait(self) -> None:
        """Return when every job handed over is done; a job's error is raised here (once)."""
        with self.done:
            while self.pending:
                self.done.wait()
            error, self.error = self.error, None
        if error is not None:
            raise error

    def _before(self, *_args: Any) -> None:
        if threading.current_thread() is not self.thread:
            self.wait()

    def _run(self) -> None:
        while (job := self.jobs.get()) is not None:
            if not self.failed:
                try:
                    job()
                except BaseException as exc:  # raised in the importer's thread
                    self.failed, self.error = True, exc
            with self.done:
                self.pending -= 1
                if not self.pending:
                    self.done.notify_all()

    def close(self) -> None:
        """Stop the thread (after the jobs handed over) and stop watching the connection."""
        event.remove(self.conn, "before_execute", self._before)
        self.jobs.put(None)
        self.thread.join()


@contextmanager
def writing(conn: Connection) -> Iterator[Writer | None]:
    """A Writer for an import on ``conn`` (None where ``threadable`` says no): its inserts are all done, or the
    first one's error raised, when the block ends. An error of the block itself comes after that
    error: the insert that failed was handed over before the block went on."""
    if not threadable(conn) or not (spare_core() if THREADED is None else THREADED):
        yield None
        return
    writer = Writer(conn)
    _switch(+1)
    try:
        yield writer
        writer.wait()
    except BaseException:
        writer.wait()  # an insert's error, handed over earlier, wins
        raise
    finally:
        _switch(-1)
        writer.close()


def threadable(conn: Connection) -> bool:
    """Whether ``bulk.bulk_insert`` hands this connection's inserts over: SQLite's statements,
    and PostgreSQL's COPY through psycopg (the server does a COPY's work as the rows arrive, and
    the client waited for the end of each; now it reads and checks the next rows meanwhile)."""
    name = conn.dialect.name
    return name == "sqlite" or (name == "postgresql" and conn.dialect.driver == "psycopg")


def spare_core() -> bool:
    """Whether the writer's thread would find a core of its own: more than one, and the load
    average (the last minute's runnable tasks, this import's own included) below their number.
    Where every core is busy the thread gains nothing and waits its turn for each statement: at
    load ~10 on 2 cores, 200,000 documents took 3.00× the floor's wall time threaded, 1.98× in
    line; with a core free, 50,000 took 1.54× threaded against 1.77× in line."""
    try:
        cores = len(os.sched_getaffinity(0))
    except AttributeError:  # not Linux
        cores = os.cpu_count() or 1
    try:
        load = os.getloadavg()[0]
    except (AttributeError, OSError):  # not measured here (Windows)
        load = 0.0
    return cores > 1 and load < cores


_writers = [0, 0.0]  # writers running, and the switch interval from before the first
_writers_lock = threading.Lock()


def _switch(step: int) -> None:
    """The short switch interval while any writer runs (imports may overlap in a GUI), then the one before."""
    with _writers_lock:
        if step > 0 and not _writers[0]:
            _writers[1] = sys.getswitchinterval()
            sys.setswitchinterval(min(_writers[1], SWITCH))
        _writers[0] += step
        if step < 0 and not _writers[0]:
            sys.setswitchinterval(_writers[1])

"""Opening a database: engine, pragmas, migrations, and one transaction per user action."""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, cast

from sqlalchemy import create_engine, event, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from annotator import sqlite_guard
from annotator.audit import write_audit
from annotator.errors import AnnotatorError, NotPermitted
from annotator.events import Action, Change, ChangeBus, ChangeSet, Entity
from annotator.identity import database_login, os_user
from annotator.live import ChangeListener, announce
from annotator.schema import SCHEMA_HEAD, WRITE, migrate_store
from annotator.tx import Actor, TextCache, Tx
from annotator.waiting import busy_timeout_ms, until_unlocked

__all__ = ["SCHEMA_HEAD", "WRITE", "Actor", "Store", "TextCache", "Tx", "default_url", "open_store"]


def default_url() -> str:
    """``$ANNOTATOR_DB``, else a SQLite file in the user's data folder."""
    env = os.environ.get("ANNOTATOR_DB")
    if env:
        return env if "://" in env else f"sqlite:///{Path(env).expanduser().resolve()}"
    from platformdirs import user_data_dir

    folder = Path(user_data_dir("annotator", appauthor=False))
    folder.mkdir(parents=True, exist_ok=True)
    return f"sqlite:///{folder / 'annotator.db'}"


def _sqlite_pragmas(dbapi_connection: Any, _record: Any) -> None:
    # Transactions are begun by _sqlite_begin below, not by the driver.
    dbapi_connection.isolation_level = None
    cur = dbapi_connection.cursor()
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute(f"PRAGMA busy_timeout={busy_timeout_ms()}")
    _wal(cur)
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()


def _wal(cur: Any) -> None:
    """Put the file in WAL mode (it stays so: only the first opener of a new database changes it).

    The switch needs an exclusive lock and SQLite reports "database is locked" at once instead of
    waiting on the busy timeout, so a process that opens a new database while another is creating
    it waits here, up to the same 30 s.
    """
    deadline = time.monotonic() + 30
    while True:
        try:
            if cur.execute("PRAGMA journal_mode").fetchone()[0].lower() != "wal":
                cur.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


# The origin of changes made by other clients of the same database (see Store.poll).
REMOTE = "remote"


def _sqlite_begin(conn: Connection) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE) so they queue on the busy timeout.

    A deferred transaction that reads first and writes later fails at once with "database is
    locked" when another process wrote in between; an immediate one waits its turn instead.
    """
    if not conn.get_execution_options().get(WRITE):
        conn.exec_driver_sql("BEGIN")
        return
    # Past the busy timeout, keep waiting (and say so): see annotator.waiting.
    until_unlocked(lambda: conn.exec_driver_sql("BEGIN IMMEDIATE"), lambda exc: "locked" in str(exc))


class Store:
    """An open database: use ``transaction()`` for changes and ``session()`` for reads."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self.bus = ChangeBus()
        self._sessions = sessionmaker(engine, expire_on_commit=False)
        # Tags this store's audit entries, so poll() tells its own changes from other clients'.
        self.client = uuid.uuid4().hex
        self._seen = -1
        self.texts = TextCache()
        # Who acts when a transaction names nobody (the CLI sets the login's annotator here).
        self.actor: Actor | None = None
        self._login: tuple[str | None, str | None] | None = None
        # Checks before every write that SQLite still holds its locks (see annotator.sqlite_guard).
        self.guard = sqlite_guard.guard_for(engine)
        if self.guard is not None:
            sqlite_guard.register(self.guard)

    @property
    def url(self) -> str:
        return self.engine.url.render_as_string(hide_password=True)

    @property
    def is_sqlite(self) -> bool:
        return self.engine.dialect.name == "sqlite"

    def _identity(self) -> tuple[str | None, str | None]:
        if self._login is None:
            if self.is_sqlite:
                self._login = (None, os_user())
            else:
                with self.engine.connect() as conn:
                    login = database_login(conn)
                    account = conn.execute(text("SELECT current_user")).scalar()
                self._login = (login, account)
        return self._login

    @property
    def login(self) -> str | None:
        """The PostgreSQL login of a teammate, who is the annotator of that name; None on SQLite
        and for the database's owner or a superuser (they act as the system)."""
        return self._identity()[0]

    @property
    def account(self) -> str | None:
        """Recorded in the audit log beside each change: the database login, or the OS user."""
        return self._identity()[1]

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(
        self, origin: object | None = None, actor: Actor | None = None, *, review: bool = False
    ) -> Iterator[Tx]:
        """One user action: commit with its audit entries, then publish what changed.

        Everything is rolled back on error, so an action happens wholly or not at all. ``review``
        runs the whole action as a review operation (see ``Tx.reviewing``).
        """
        actor = actor if actor is not None else self.actor
        account = self.account
        with self._sessions() as session:
            if self.guard is None:
                session.connection(execution_options={WRITE: True})
            else:
                self.guard.begin(session, {WRITE: True})
            tx = Tx(
                session,
                origin,
                actor,
                client=self.client,
                texts=self.texts,
                account=account,
                login=self.login,
            )
            try:
                if review:
                    with tx.reviewing():
                        yield tx
                else:
                    yield tx
                write_audit(tx)
                if tx.changes and not self.is_sqlite:
                    announce(session, self.client)  # teammates' windows wake at once (annotator.live)
                if self.guard is not None:
                    self.guard.before_commit(session)
                session.commit()
            except BaseException:
                session.rollback()
                raise
        self.bus.publish(ChangeSet(tx.changes, origin, actor.name if actor else None))

    def poll(self) -> ChangeSet | None:
        """Publish what other clients (processes, teammates on a shared database) changed since last time.

        The first call only sets the starting point. Their changes reach the bus with origin
        ``REMOTE``, like local ones, so views refresh the same way.
        """
        from annotator.audit import entries_since, latest_id

        with self.session() as session:
            if self.guard is not None:
                self.guard.check_idle(session)
            if self._seen < 0:
                self._seen = latest_id(session)
                return None
            entries = entries_since(session, self._seen, self.client)
            self._seen = max([self._seen, *(e.id for e in entries)])
            if not entries:
                self._seen = max(self._seen, latest_id(session))
                return None
        changes = [
            Change(
                cast(Entity, e.entity),
                cast(Action, e.action),
                () if e.entity_id is None else (e.entity_id,),
                tuple(e.documents or ()),
                e.detail,  # e.g. whose link a deletion took (annotator.linked)
            )
            for e in entries
        ]
        changeset = ChangeSet(changes, REMOTE, entries[-1].actor)
        self.bus.publish(changeset)
        return changeset

    def listener(self) -> ChangeListener | None:
        """A connection woken by other clients' writes (PostgreSQL); None on SQLite, where
        polling is the only way. Raises ``OSError``/driver errors when it cannot connect."""
        if self.is_sqlite:
            return None
        return ChangeListener(self.engine.url.render_as_string(hide_password=False), self.client)

    def backup(self, dest: Path) -> Path:
        """Copy a SQLite database with the online backup API (safe while others write).

        The copy is written beside ``dest`` and renamed to it when complete: a full disk or a
        kill never leaves a truncated file under its name (a killed one is removed next time).
        """
        from annotator.atomic import part_path, remove_stale_parts

        if not self.is_sqlite:
            raise AnnotatorError("backup copies SQLite databases; use pg_dump for PostgreSQL")
        dest = Path(dest)
        sqlite_guard.refuse_database_file(dest)  # a backup "into" the open database or its WAL
        dest.parent.mkdir(parents=True, exist_ok=True)
        remove_stale_parts(dest)
        part = part_path(dest)
        raw = self.engine.raw_connection()
        try:
            target = sqlite3.connect(part)
            try:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            finally:
                target.close()
            os.replace(part, dest)
        except (sqlite3.Error, OSError) as exc:
            reason = exc.strerror if isinstance(exc, OSError) and exc.strerror else str(exc)
            raise AnnotatorError(f"could not write the backup {dest}: {reason}") from None
        finally:
            raw.close()
            for leftover in (part, part.with_name(part.name + "-journal")):
                leftover.unlink(missing_ok=True)
        return dest

    def close(self) -> None:
        if self.guard is None:
            self.engine.dispose()
            return
        self.guard.close()
        sqlite_guard.unregister(self.guard)
        self.guard = None


# What migration 0025's triggers say when they refuse a delete the core refuses too (a race past
# the core's check, or plain SQL): shown as the core's error, not as a driver's.
SERVER_REFUSALS = ("only a reviewer may delete it", "is deleted only by the team's admin")


def _no_grant(context: Any) -> None:
    """A table the login has no grant on (a teammate's, after an upgrade that added it, before
    the admin's grants): say who to ask and what, instead of a driver's error."""
    orig = context.original_exception
    if getattr(orig, "sqlstate", None) == "42501" and any(m in str(orig) for m in SERVER_REFUSALS):
        raise NotPermitted(str(orig).splitlines()[0]) from orig  # migration 0025's words, the core's
    if getattr(orig, "sqlstate", None) == "42501" and str(orig).startswith("permission denied for"):
        who = context.engine.url.username or "this login"
        raise NotPermitted(
            f"{orig} ({who}): the team's admin grants it with the GRANT lines of the README's "
            '"Team setup on PostgreSQL"'
        ) from orig


def open_store(url: str | None = None, *, migrate: bool = True) -> Store:
    """Open (creating if needed) the database at ``url`` and bring its schema to head.

    An existing SQLite database is copied aside before a migration changes it.
    """
    url = url or default_url()
    parsed = make_url(url)
    kwargs: dict[str, Any] = {}
    if parsed.get_backend_name() == "sqlite":
        database = parsed.database
        if database and database != ":memory:" and not database.startswith("file:"):
            path = Path(database)
            if path.exists() and path.is_file():
                sqlite_guard.check_header(path)
            path.parent.mkdir(parents=True, exist_ok=True)
        kwargs["connect_args"] = {"timeout": busy_timeout_ms() / 1000}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    else:
        event.listen(engine, "handle_error", _no_grant)
    store = Store(engine)
    if migrate:
        try:
            migrate_store(store.engine, store.url, store.backup, parsed.database if store.is_sqlite else None)
        except BaseException:
            store.close()  # nothing of the database stays open (or, on SQLite, locked)
            raise
    return store

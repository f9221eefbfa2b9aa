"""Opening a database: engine, pragmas, migrations, and one transaction per user action."""

from __future__ import annotations

import os
import sqlite3
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, cast

from sqlalchemy import create_engine, event, inspect, text
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.orm import Session, sessionmaker

from annotator import sqlite_guard
from annotator.audit import write_audit
from annotator.errors import AnnotatorError, ValidationError
from annotator.events import Action, Change, ChangeBus, ChangeSet, Entity
from annotator.model import Annotator, Role

# The newest migration; a test checks it equals Alembic's head so opening an up-to-date
# database can skip loading Alembic altogether (it costs ~0.2 s of start-up).
SCHEMA_HEAD = "0005"


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
    cur.execute("PRAGMA busy_timeout=30000")
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


WRITE = "annotator_write"
# The origin of changes made by other clients of the same database (see Store.poll).
REMOTE = "remote"


def _sqlite_begin(conn: Connection) -> None:
    """Writers take the write lock up front (BEGIN IMMEDIATE) so they queue on the busy timeout.

    A deferred transaction that reads first and writes later fails at once with "database is
    locked" when another process wrote in between; an immediate one waits its turn instead.
    """
    conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.get_execution_options().get(WRITE) else "BEGIN")


class TextCache:
    """The last few documents' project and text, by id: span edits on a 1 MB article need its
    length and a slice, and reading the text for each keystroke costs milliseconds."""

    def __init__(self, size: int = 8) -> None:
        self._items: OrderedDict[int, tuple[int, str]] = OrderedDict()
        self._size = size

    def get(self, document_id: int) -> tuple[int, str] | None:
        found = self._items.get(document_id)
        if found is not None:
            self._items.move_to_end(document_id)
        return found

    def put(self, document_id: int, project_id: int, text: str) -> None:
        self._items[document_id] = (project_id, text)
        self._items.move_to_end(document_id)
        while len(self._items) > self._size:
            self._items.popitem(last=False)


@dataclass(frozen=True, slots=True)
class Actor:
    """Who starts a change. An annotator (``id`` set) may change only their own annotations."""

    name: str
    id: int | None = None
    role: str = "annotator"


@dataclass(slots=True)
class Tx:
    """One user action: a session, who started it, and the changes the operations made in it."""

    session: Session
    origin: object | None = None
    actor: Actor | None = None
    changes: list[Change] = field(default_factory=list)
    client: str | None = None
    # The store's small cache of document texts (texts never change once stored), see ops.
    texts: TextCache | None = None

    def record(
        self,
        entity: Entity,
        action: Action,
        ids: tuple[int, ...] | list[int],
        documents: tuple[int, ...] = (),
        detail: dict[str, Any] | None = None,
    ) -> None:
        self.changes.append(Change(entity, action, tuple(ids), tuple(documents), detail))

    def check_owner(self, annotator_id: int, what: str) -> None:
        """Refuse changing another annotator's work when an annotator started this action.

        Reviewers may change the gold layer (the spans of the project's gold annotator).
        """
        actor = self.actor
        if actor is None or actor.id is None or actor.id == annotator_id:
            return
        if actor.role == Role.REVIEWER.value:
            owner = self.session.get(Annotator, annotator_id)
            if owner is not None and owner.role == Role.GOLD.value:
                return
        raise ValidationError(f"{what} belongs to another annotator; {actor.name} may change only their own")


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

    def session(self) -> Session:
        return self._sessions()

    @contextmanager
    def transaction(self, origin: object | None = None, actor: Actor | None = None) -> Iterator[Tx]:
        """One user action: commit with its audit entries, then publish what changed.

        Everything is rolled back on error, so an action happens wholly or not at all.
        """
        with self._sessions() as session:
            if self.guard is None:
                session.connection(execution_options={WRITE: True})
            else:
                self.guard.begin(session, {WRITE: True})
            tx = Tx(session, origin, actor, client=self.client, texts=self.texts)
            try:
                yield tx
                write_audit(tx)
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
            )
            for e in entries
        ]
        changeset = ChangeSet(changes, REMOTE, entries[-1].actor)
        self.bus.publish(changeset)
        return changeset

    def backup(self, dest: Path) -> Path:
        """Copy a SQLite database with the online backup API (safe while others write)."""
        if not self.is_sqlite:
            raise AnnotatorError("backup copies SQLite databases; use pg_dump for PostgreSQL")
        dest = Path(dest)
        sqlite_guard.refuse_database_file(dest)  # a backup "into" the open database or its WAL
        dest.parent.mkdir(parents=True, exist_ok=True)
        raw = self.engine.raw_connection()
        try:
            target = sqlite3.connect(dest)
            with target:
                raw.driver_connection.backup(target)  # type: ignore[union-attr]
            target.close()
        finally:
            raw.close()
        return dest

    def close(self) -> None:
        if self.guard is None:
            self.engine.dispose()
            return
        self.guard.close()
        sqlite_guard.unregister(self.guard)
        self.guard = None


MIGRATION_LOCK = 0x616E6E6F  # "anno": the advisory lock key migrations take on PostgreSQL


def _current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        if not inspect(conn).has_table("alembic_version"):
            return None
        return conn.execute(text("SELECT version_num FROM alembic_version")).scalar()


def _has_tables(engine: Engine) -> bool:
    with engine.connect() as conn:
        return bool(inspect(conn).get_table_names())


def upgrade(engine: Engine) -> None:
    """Run the packaged Alembic migrations up to head, once, however many processes open the
    database at the same moment.

    The migration holds a lock from its first statement: SQLite's write lock (BEGIN IMMEDIATE),
    PostgreSQL's transaction-level advisory lock. Alembic reads the schema version inside it, so a
    process that waited finds the schema at head and does nothing, instead of creating the tables
    a second time.
    """
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parent / "migrations"))
    with engine.connect().execution_options(**{WRITE: True}) as conn, conn.begin():
        if conn.dialect.name == "postgresql":
            conn.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": MIGRATION_LOCK})
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


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
        kwargs["connect_args"] = {"timeout": 30}
    engine = create_engine(url, **kwargs)
    if engine.dialect.name == "sqlite":
        event.listen(engine, "connect", _sqlite_pragmas)
        event.listen(engine, "begin", _sqlite_begin)
    store = Store(engine)
    if migrate:
        revision = _current_revision(engine)
        if revision != SCHEMA_HEAD:
            if revision is None and _has_tables(engine):
                raise AnnotatorError(f"{store.url}: has tables but is not an annotator database")
            if revision is not None and revision > SCHEMA_HEAD:  # revisions are zero-padded numbers
                raise AnnotatorError(
                    f"{store.url}: written by a newer version of annotator (schema {revision}, this version "
                    f"knows up to {SCHEMA_HEAD}); update annotator to open it"
                )
            if revision is not None and store.is_sqlite and parsed.database not in (None, "", ":memory:"):
                store.backup(Path(f"{parsed.database}.before-{SCHEMA_HEAD}.bak"))
            upgrade(engine)
    return store

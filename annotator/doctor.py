"""`annotator doctor`: what stops the app from starting or the database from working, and the fix.

The database is looked at without changing it: no migration, no journal-mode switch, no
checkpoint. A write lock is only tried (BEGIN IMMEDIATE, rolled back at once) to tell whether
another process holds it. The exit status is 1 when something is broken, so scripts and the
packaged app's smoke test can rely on it; warnings alone leave it 0.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy import create_engine, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import SQLAlchemyError

from annotator.findings import Finding
from annotator.schema import SCHEMA_HEAD

BIG_WAL = 64 * 1024 * 1024


def _schema(revision: str | None, has_tables: bool, where: str) -> Finding:
    if revision == SCHEMA_HEAD:
        return Finding("ok", f"schema version {revision} (current)")
    if revision is None and not has_tables:
        return Finding("ok", "empty database: annotator creates its tables on first use")
    if revision is None:
        return Finding(
            "fail", f"{where} has tables but is not an annotator database", "use another file or URL"
        )
    if revision > SCHEMA_HEAD:
        return Finding(
            "fail",
            f"schema {revision} is newer than this annotator knows ({SCHEMA_HEAD})",
            "update annotator (pip install -U annotator, or the newer packaged app)",
        )
    return Finding(
        "warn",
        f"schema {revision} is older than {SCHEMA_HEAD}",
        "any annotator command upgrades it on opening, after copying the file aside",
    )


def _sqlite_lock(path: Path) -> Finding:
    """Try the write lock for a moment: held means another process is writing right now."""
    conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=0.5, isolation_level=None)
    try:
        conn.execute("BEGIN IMMEDIATE")
        conn.execute("ROLLBACK")
    except sqlite3.OperationalError as exc:
        return Finding(
            "warn",
            f"another process holds the write lock ({exc})",
            "wait for its import or export to finish; a crashed process frees it when it exits "
            f"(see who: fuser -v '{path}')",
        )
    finally:
        conn.close()
    return Finding("ok", "no other process holds the write lock")


def check_sqlite(path: Path) -> list[Finding]:
    """Integrity, journal mode, WAL size, schema version and locks of a SQLite file."""
    if not path.exists():
        return [Finding("ok", f"{path} does not exist yet: it is created on first use")]
    if not path.is_file():
        return [Finding("fail", f"{path} is not a file", "give --db a SQLite file or a database URL")]
    found: list[Finding] = []
    try:
        conn = sqlite3.connect(f"file:{path}?mode=rw", uri=True, timeout=2, isolation_level=None)
    except sqlite3.Error as exc:
        return [Finding("fail", f"cannot open {path}: {exc}", "check the file's permissions")]
    try:
        result = [row[0] for row in conn.execute("PRAGMA integrity_check")]
        if result == ["ok"]:
            found.append(Finding("ok", f"{path}: integrity check passed"))
        else:
            found.append(
                Finding(
                    "fail",
                    f"{path} is damaged: {'; '.join(result[:3])}",
                    f"restore a backup, or recover what is readable: sqlite3 '{path}' .recover | sqlite3 recovered.db",
                )
            )
        mode = conn.execute("PRAGMA journal_mode").fetchone()[0].lower()
        if mode == "wal":
            found.append(Finding("ok", "journal mode WAL (readers never block the writer)"))
        else:
            found.append(
                Finding("warn", f"journal mode {mode}", "opening it in annotator switches it to WAL")
            )
        tables = {row[0] for row in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
        revision = (
            conn.execute("SELECT version_num FROM alembic_version").fetchone()
            if "alembic_version" in tables
            else None
        )
        found.append(_schema(revision[0] if revision else None, bool(tables), str(path)))
    except sqlite3.DatabaseError as exc:
        reason = str(exc)
        fix = "restore a backup" if "not a database" in reason or "malformed" in reason else ""
        if "locked" in reason:
            fix = "another process holds an exclusive lock: close it and run doctor again"
        found.append(Finding("fail", f"{path}: {reason}", fix))
        return found
    finally:
        conn.close()
    wal = path.with_name(path.name + "-wal")
    size = wal.stat().st_size if wal.exists() else 0  # stat only: opening it would drop locks
    if size > BIG_WAL:
        found.append(
            Finding(
                "warn",
                f"the write-ahead log is {size // (1024 * 1024)} MB",
                "a reader kept open for long stops checkpoints: close idle annotator windows",
            )
        )
    else:
        found.append(Finding("ok", f"write-ahead log {size // 1024} KB"))
    found.append(_sqlite_lock(path))
    return found


def check_server(url: str) -> list[Finding]:
    """Connection, schema version and waiting locks of a PostgreSQL (or other server) database."""
    shown = make_url(url).render_as_string(hide_password=True)
    engine = create_engine(url, connect_args={"connect_timeout": 10} if url.startswith("postgres") else {})
    try:
        with engine.connect() as conn:
            names = set(inspect(conn).get_table_names())
            revision = (
                conn.execute(text("SELECT version_num FROM alembic_version")).scalar()
                if "alembic_version" in names
                else None
            )
            found = [Finding("ok", f"connected to {shown}"), _schema(revision, bool(names), shown)]
            if conn.dialect.name == "postgresql":
                waiting = conn.execute(
                    text(
                        "SELECT count(*) FROM pg_locks l JOIN pg_stat_activity a ON a.pid = l.pid "
                        "WHERE NOT l.granted AND a.datname = current_database()"
                    )
                ).scalar()
                found.append(
                    Finding("ok", "no session waits for a lock")
                    if not waiting
                    else Finding(
                        "warn",
                        f"{waiting} session(s) wait for a lock",
                        "see SELECT * FROM pg_stat_activity WHERE wait_event_type = 'Lock'",
                    )
                )
    except SQLAlchemyError as exc:
        reason = str(getattr(exc, "orig", exc)).strip().splitlines()[0]
        return [
            Finding(
                "fail", f"cannot connect to {shown}: {reason}", "check the URL, the server and the password"
            )
        ]
    finally:
        engine.dispose()
    return found


def check_database(url: str) -> list[Finding]:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        if not parsed.database or parsed.database == ":memory:":
            return [Finding("ok", "in-memory database")]
        return check_sqlite(Path(parsed.database).expanduser())
    return check_server(url)


def report(sections: list[tuple[str, list[Finding]]]) -> tuple[str, int]:
    """The text doctor prints and its exit status (1 when any check failed)."""
    marks = {"ok": "ok  ", "warn": "WARN", "fail": "FAIL"}
    lines = []
    for title, findings in sections:
        lines.append(title)
        for finding in findings:
            lines.append(f"  {marks[finding.status]} {finding.what}")
            if finding.fix and finding.status != "ok":
                lines.append(f"       fix: {finding.fix}")
    broken = sum(f.status == "fail" for _t, found in sections for f in found)
    lines.append(f"{broken} problem(s) found" if broken else "nothing is broken")
    return "\n".join(lines), 1 if broken else 0


def run(url: str, *, qt: bool = True) -> tuple[str, int]:
    sections: list[tuple[str, list[Finding]]] = []
    if qt:
        from annotator.doctor_qt import qt_findings

        sections.append(("Desktop app (Qt)", qt_findings()))
    sections.append(("Database", check_database(url)))
    return report(sections)

"""Which errors mean "the database does not answer" (the app then keeps the change and retries)."""

from __future__ import annotations

import socket
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import IntegrityError, OperationalError

from annotator.errors import ConflictError
from annotator.reachability import is_unreachable, reason


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def test_a_postgresql_server_that_does_not_answer_is_unreachable() -> None:
    engine = create_engine(f"postgresql+psycopg://nobody@127.0.0.1:{_free_port()}/none")
    with pytest.raises(OperationalError) as caught:
        engine.connect()
    assert is_unreachable(caught.value)
    assert "refused" in reason(caught.value).lower() or "connect" in reason(caught.value).lower()


def test_a_sqlite_file_that_cannot_be_opened_is_unreachable(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'gone' / 'project.db'}")  # its folder is not there
    with pytest.raises(OperationalError) as caught:
        engine.connect()
    assert is_unreachable(caught.value)
    assert reason(caught.value) == "unable to open database file"


def test_refusals_and_a_busy_database_are_not_unreachable(tmp_path: Path) -> None:
    engine = create_engine(f"sqlite:///{tmp_path / 'project.db'}")
    with engine.begin() as conn:
        conn.execute(text("CREATE TABLE t (id INTEGER PRIMARY KEY)"))
        conn.execute(text("INSERT INTO t VALUES (1)"))
    with pytest.raises(IntegrityError) as caught, engine.begin() as conn:
        conn.execute(text("INSERT INTO t VALUES (1)"))
    assert not is_unreachable(caught.value)
    assert not is_unreachable(sqlite3.OperationalError("database is locked"))
    assert not is_unreachable(ConflictError("span 3 was changed by ben meanwhile"))
    assert not is_unreachable(ValueError("unable to open database file"))


def test_the_cause_of_an_error_counts() -> None:
    try:
        try:
            raise ConnectionResetError("reset by peer")
        except ConnectionResetError as inner:
            raise RuntimeError("could not save") from inner
    except RuntimeError as outer:
        assert is_unreachable(outer)

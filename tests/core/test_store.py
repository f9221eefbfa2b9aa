"""Opening databases: migrations, pragmas, refusal of files that are not ours."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from alembic.config import Config
from alembic.script import ScriptDirectory
from sqlalchemy import inspect, text

from annotator.errors import AnnotatorError
from annotator.model import Base
from annotator.store import SCHEMA_HEAD, open_store


def test_schema_head_constant_matches_alembic() -> None:
    cfg = Config()
    cfg.set_main_option("script_location", str(Path(__file__).parents[2] / "annotator" / "migrations"))
    assert ScriptDirectory.from_config(cfg).get_current_head() == SCHEMA_HEAD


def test_new_database_is_created_by_migrations(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    with store.engine.connect() as conn:
        tables = set(inspect(conn).get_table_names())
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == SCHEMA_HEAD
        assert conn.execute(text("PRAGMA foreign_keys")).scalar() == 1
        assert conn.execute(text("PRAGMA journal_mode")).scalar() == "wal"
    assert tables >= set(Base.metadata.tables)


def test_migrations_agree_with_models(tmp_path: Path) -> None:
    """The models and the migrations describe the same schema (no pending autogenerate diff)."""
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    def modelled(name: str | None, kind: str, _parent: object) -> bool:
        # The full-text index of 0018 (FTS5's virtual table and its shadow tables) has no model.
        return not (kind == "table" and (name or "").startswith("document_fts"))

    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    with store.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"include_name": modelled})
        diff = compare_metadata(context, Base.metadata)
    assert diff == []


def test_reopening_keeps_data(tmp_path: Path) -> None:
    from annotator.ops.projects import create_project

    url = f"sqlite:///{tmp_path / 'a.db'}"
    store = open_store(url)
    with store.transaction() as tx:
        create_project(tx, "Kept")
    store.close()
    again = open_store(url)
    with again.engine.connect() as conn:
        assert conn.execute(text("SELECT name FROM project")).scalar() == "Kept"


def test_a_file_that_is_not_a_database_is_refused(tmp_path: Path) -> None:
    bogus = tmp_path / "notes.db"
    bogus.write_text("just some notes, not a database\n")
    with pytest.raises(AnnotatorError, match="not a SQLite database"):
        open_store(f"sqlite:///{bogus}")


def test_a_foreign_sqlite_database_is_refused(tmp_path: Path) -> None:
    other = tmp_path / "other.db"
    con = sqlite3.connect(other)
    con.execute("CREATE TABLE things (x)")
    con.commit()
    con.close()
    with pytest.raises(AnnotatorError, match="not an annotator database"):
        open_store(f"sqlite:///{other}")


def test_backup_copies_everything(tmp_path: Path) -> None:
    from annotator.ops.projects import create_project

    store = open_store(f"sqlite:///{tmp_path / 'a.db'}")
    with store.transaction() as tx:
        create_project(tx, "Backed up")
    copy = store.backup(tmp_path / "copy.db")
    con = sqlite3.connect(copy)
    assert con.execute("SELECT name FROM project").fetchall() == [("Backed up",)]
    assert con.execute("PRAGMA integrity_check").fetchone() == ("ok",)


def test_a_database_from_a_newer_version_is_refused(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'new.db'}"
    open_store(url).close()
    con = sqlite3.connect(tmp_path / "new.db")
    con.execute("UPDATE alembic_version SET version_num = '9999'")
    con.commit()
    con.close()
    with pytest.raises(AnnotatorError, match="newer version of annotator"):
        open_store(url)

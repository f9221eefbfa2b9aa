"""Opening an old database when its upgrade cannot go ahead: a clear error, and nothing changed.

The full disk is real: a small tmpfs (mounting needs root, which CI has; elsewhere those tests
skip), holding the database and too little room for the copy made before a migration.
"""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.store import SCHEMA_HEAD

FIXTURE = Path(__file__).parents[1] / "fixtures" / "migrations" / "schema-0001.db"


@contextmanager
def small_disk(tmp_path: Path, size: int) -> Iterator[Path]:
    """A tmpfs of ``size`` bytes, unmounted afterwards."""
    mount = tmp_path / "small-disk"
    mount.mkdir()
    if os.geteuid() != 0 or not shutil.which("mount"):
        pytest.skip("mounting a small tmpfs needs root (CI runs as root)")
    done = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", f"size={size}", "tmpfs", str(mount)], capture_output=True, text=True
    )
    if done.returncode:
        pytest.skip(f"cannot mount a tmpfs here: {done.stderr.strip()}")
    try:
        yield mount
    finally:
        if subprocess.run(["umount", str(mount)], check=False).returncode:
            subprocess.run(["umount", "-l", str(mount)], check=True)  # still held: detach it anyway
            pytest.fail("a file on the small disk was left open")


def _state(path: Path) -> tuple[str, list[tuple[object, ...]], list[tuple[object, ...]]]:
    con = sqlite3.connect(path)
    try:
        version = con.execute("SELECT version_num FROM alembic_version").fetchone()[0]
        spans = con.execute("SELECT * FROM annotation ORDER BY id").fetchall()
        documents = con.execute("SELECT * FROM document ORDER BY id").fetchall()
        return version, spans, documents
    finally:
        con.close()


def _error(capsys: pytest.CaptureFixture[str], *args: str) -> str:
    assert main(list(args)) == 1
    err = capsys.readouterr().err
    assert err.startswith("annotator: error: ") and "Traceback" not in err
    return err


def test_a_full_disk_during_the_backup_before_a_migration_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    size = FIXTURE.stat().st_size
    with small_disk(tmp_path, size + 32 * 1024) as disk:  # room for the database, not for its copy
        db = disk / "old.db"
        shutil.copy(FIXTURE, db)
        before = _state(db)
        err = _error(capsys, "--db", f"sqlite:///{db}", "stats")
        assert "could not back up" in err and "disk is full" in err and "nothing was changed" in err
        assert _state(db) == before and before[0] == "0001"
        assert sorted(p.name for p in disk.iterdir()) == ["old.db"]  # no empty backup, no part file
        # `annotator backup` onto the full disk: the same clear error, no half-written copy.
        fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
        assert main(["--db", fresh, "init", "--name", "P"]) == 0
        (disk / "filler").write_bytes(b"x" * (disk.stat().st_blksize * 4))
        capsys.readouterr()
        err = _error(capsys, "--db", fresh, "backup", "-o", str(disk / "copy.db"))
        assert "disk is full" in err
        assert sorted(p.name for p in disk.iterdir()) == ["filler", "old.db"]
    # With room, the same database upgrades and keeps its copy.
    db = tmp_path / "old.db"
    shutil.copy(FIXTURE, db)
    assert main(["--db", f"sqlite:///{db}", "stats"]) == 0
    assert _state(tmp_path / f"old.db.before-{SCHEMA_HEAD}.bak") == before


@pytest.mark.parametrize("revision", ["0002a", "0000"])
def test_an_unknown_older_schema_is_a_clear_error_and_changes_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], revision: str
) -> None:
    db = tmp_path / "odd.db"
    shutil.copy(FIXTURE, db)
    con = sqlite3.connect(db)
    con.execute("UPDATE alembic_version SET version_num = ?", (revision,))
    con.commit()
    con.close()
    before = _state(db)
    err = _error(capsys, "--db", f"sqlite:///{db}", "stats")
    assert f"schema {revision!r}" in err and "not one this version of annotator knows" in err
    assert _state(db) == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["odd.db"]  # no backup made for nothing


def test_an_unknown_schema_is_refused_on_either_backend(backend_url: str) -> None:
    from sqlalchemy import create_engine, text

    from annotator.errors import AnnotatorError
    from annotator.store import open_store

    open_store(backend_url).close()
    engine = create_engine(backend_url)
    with engine.begin() as conn:
        conn.execute(text("UPDATE alembic_version SET version_num = '0003b'"))
    with pytest.raises(AnnotatorError, match="its schema '0003b' is not one this version of annotator knows"):
        open_store(backend_url)
    with engine.connect() as conn:
        assert conn.execute(text("SELECT version_num FROM alembic_version")).scalar() == "0003b"
    engine.dispose()

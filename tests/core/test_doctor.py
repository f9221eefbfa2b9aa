"""`annotator doctor`: Qt's system libraries named by package, the database's state, the exit status."""

from __future__ import annotations

import shutil
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.doctor_qt import check_libraries, distribution, install_commands, missing_in_ldd
from annotator.schema import SCHEMA_HEAD
from annotator.store import open_store
from tests.core.cli_run import run

LDD_OUTPUT = """\
\tlinux-vdso.so.1 (0x00007ffd)
\tlibQt6XcbQpa.so.6 => /venv/PySide6/Qt/lib/libQt6XcbQpa.so.6 (0x00007f1)
\tlibxcb-cursor.so.0 => not found
\tlibxcb-icccm.so.4 => not found
\tlibxcb-keysyms.so.1 => not found
\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f2)
"""


def test_missing_libraries_are_named_by_package_for_each_distribution() -> None:
    missing = missing_in_ldd(LDD_OUTPUT)
    assert missing == ["libxcb-cursor.so.0", "libxcb-icccm.so.4", "libxcb-keysyms.so.1"]
    assert install_commands(missing, None) == [
        "sudo apt install libxcb-cursor0 libxcb-icccm4 libxcb-keysyms1",
        "sudo dnf install xcb-util-cursor xcb-util-keysyms xcb-util-wm",
        "sudo pacman -S xcb-util-cursor xcb-util-keysyms xcb-util-wm",
    ]
    ubuntu = 'NAME="Ubuntu"\nID=ubuntu\nID_LIKE=debian\n'
    assert distribution(ubuntu) == "debian"
    assert distribution("ID=fedora\n") == "fedora"
    assert distribution("ID=endeavouros\nID_LIKE=arch\n") == "arch"
    assert install_commands(missing, "fedora") == [
        "sudo dnf install xcb-util-cursor xcb-util-keysyms xcb-util-wm"
    ]


@pytest.mark.skipif(not (shutil.which("cc") and shutil.which("ldd")), reason="needs a C compiler and ldd")
def test_a_plugin_whose_library_is_missing_fails_with_its_name(tmp_path: Path) -> None:
    """A real shared object needing a library that is not installed, checked with the real ldd."""
    lib, qt = tmp_path / "lib", tmp_path / "Qt"
    lib.mkdir()
    (qt / "plugins" / "platforms").mkdir(parents=True)
    (tmp_path / "a.c").write_text("int gone(void) { return 1; }\n")
    (tmp_path / "b.c").write_text("int gone(void);\nint plugin(void) { return gone(); }\n")
    soname = "libannotator-gone.so.1"
    subprocess.run(
        ["cc", "-shared", "-fPIC", f"-Wl,-soname,{soname}", "-o", str(lib / soname), str(tmp_path / "a.c")],
        check=True,
    )
    plugin = qt / "plugins" / "platforms" / "libqxcb.so"
    subprocess.run(
        ["cc", "-shared", "-fPIC", "-o", str(plugin), str(tmp_path / "b.c"), str(lib / soname)], check=True
    )
    (lib / soname).unlink()
    finding = check_libraries(qt)
    assert finding.status == "fail"
    assert soname in finding.what
    assert soname in finding.fix  # no package known: the fix says which library to look for


def _fresh(folder: Path) -> str:
    """A migrated database that no connection of this process keeps open."""
    url = f"sqlite:///{folder / 'doctor.db'}"
    open_store(url).close()
    return url


def test_doctor_on_a_healthy_database_exits_0(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = _fresh(tmp_path)
    code, out, _ = run(capsys, "--db", url, "doctor", "--no-qt")
    assert code == 0, out
    assert f"schema version {SCHEMA_HEAD} (current)" in out
    assert "integrity check passed" in out and "journal mode WAL" in out
    assert "nothing is broken" in out


def test_doctor_on_a_damaged_file_fails_and_says_how_to_recover(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = _fresh(tmp_path)
    path = Path(url.removeprefix("sqlite:///"))
    with sqlite3.connect(path) as conn:
        conn.execute("PRAGMA journal_mode=DELETE")  # every page in the main file, none in a WAL
    data = bytearray(path.read_bytes())
    page = 4096
    data[page * 2 : page * 2 + 200] = b"\xff" * 200  # scribble over a b-tree page
    path.write_bytes(bytes(data))
    before = path.read_bytes()
    code, out, _ = run(capsys, "--db", url, "doctor", "--no-qt")
    assert code == 1, out
    assert "FAIL" in out and "fix:" in out
    assert path.read_bytes() == before  # the doctor changed nothing


def test_doctor_on_a_newer_schema_fails(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    url = _fresh(tmp_path)
    with sqlite3.connect(url.removeprefix("sqlite:///")) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '9999'")
    code, out, _ = run(capsys, "--db", url, "doctor", "--no-qt")
    assert code == 1
    assert "schema 9999 is newer" in out and "update annotator" in out


def test_doctor_names_a_write_lock_held_by_another_process(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    url = _fresh(tmp_path)
    path = url.removeprefix("sqlite:///")
    holder = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sqlite3, sys\n"
            f"c = sqlite3.connect({path!r}, isolation_level=None)\n"
            "c.execute('BEGIN IMMEDIATE'); print('held', flush=True); sys.stdin.read()",
        ],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert holder.stdout is not None and holder.stdout.readline().strip() == "held"
        code, out, _ = run(capsys, "--db", url, "doctor", "--no-qt")
    finally:
        holder.communicate("")
    assert code == 0  # a writer at work is no damage
    assert "WARN another process holds the write lock" in out


def test_doctor_on_a_server_it_cannot_reach_fails(capsys: pytest.CaptureFixture[str]) -> None:
    url = "postgresql+psycopg://nobody@127.0.0.1:1/none"
    code, out, _ = run(capsys, "--db", url, "doctor", "--no-qt")
    assert code == 1
    assert "cannot connect to" in out and "fix: check the URL" in out


def test_doctor_never_creates_or_migrates(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    missing = tmp_path / "new.db"
    code, out, _ = run(capsys, "--db", f"sqlite:///{missing}", "doctor", "--no-qt")
    assert code == 0 and "created on first use" in out
    assert not missing.exists()
    old = tmp_path / "old.db"
    open_store(f"sqlite:///{old}").close()
    with sqlite3.connect(old) as conn:
        conn.execute("UPDATE alembic_version SET version_num = '0001'")
    code, out, _ = run(capsys, "--db", f"sqlite:///{old}", "doctor", "--no-qt")
    assert code == 0 and "schema 0001 is older" in out
    with sqlite3.connect(old) as conn:
        assert conn.execute("SELECT version_num FROM alembic_version").fetchone()[0] == "0001"


def test_doctor_command_checks_that_qt_starts(tmp_path: Path) -> None:
    """The whole command in its own process, Qt's start tried in a further one."""
    url = _fresh(tmp_path)
    env = {"PATH": "/usr/bin:/bin", "QT_QPA_PLATFORM": "offscreen", "HOME": str(tmp_path)}
    done = subprocess.run(
        [sys.executable, "-m", "annotator.cli", "--db", url, "doctor"],
        capture_output=True,
        text=True,
        env=env,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stdout + done.stderr
    assert "ok   Qt starts on the offscreen platform" in done.stdout
    assert "Desktop app (Qt)" in done.stdout and "Database" in done.stdout

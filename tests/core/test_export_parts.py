"""A killed export's hidden parts are removed by the next export of the same target (never a
running one's), and an export written over a file keeps that file's mode and owner."""

from __future__ import annotations

import os
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.export_folder import MANIFEST
from tests.core.dataset_helpers import corpus_project

# Stops half-way through writing a file and a folder, as a kill in the middle of an export would.
HALF_WAY = """
import sys
from pathlib import Path
from annotator.atomic import atomic_write
from annotator.export_folder import export_folder

base = Path(sys.argv[1])
with atomic_write(base / "corpus.jsonl") as fh, export_folder(base / "brat") as stage:
    fh.write("half")
    for i in range(50):
        (stage / f"doc{i}.txt").write_text("half")
    print("ready", flush=True)
    sys.stdin.readline()  # killed while waiting here
"""


def _parts(folder: Path) -> list[str]:
    return sorted(p.name for p in folder.iterdir() if p.name.endswith(".part"))


def _half_way(base: Path) -> subprocess.Popen[str]:
    proc = subprocess.Popen(
        [sys.executable, "-c", HALF_WAY, str(base)], stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True
    )
    assert proc.stdout is not None and proc.stdout.readline() == "ready\n"
    return proc


def test_the_next_export_removes_what_a_killed_one_left(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    corpus_project(db)
    out = tmp_path / "out"
    out.mkdir()
    running = _half_way(out)
    try:
        parts = _parts(out)
        assert [p.split(".")[1] for p in parts] == ["brat", "corpus"]
        # While its writer runs, another export of the same targets leaves its parts alone.
        assert main(["--db", db, "export", "-o", str(out / "corpus.jsonl")]) == 0
        assert main(["--db", db, "export", "--format", "brat", "-o", str(out / "brat")]) == 0
        assert _parts(out) == parts
    finally:
        running.kill()
        running.wait()
    killed = _half_way(out)  # one more, which removed the parts of the first when it started
    killed.kill()
    killed.wait()
    assert [p.split("-")[1] for p in _parts(out)] == [str(killed.pid)] * 2
    assert main(["--db", db, "export", "-o", str(out / "corpus.jsonl")]) == 0
    assert [p.split(".")[1] for p in _parts(out)] == ["brat"]
    assert main(["--db", db, "export", "--format", "brat", "-o", str(out / "brat")]) == 0
    assert _parts(out) == []
    assert sorted(p.name for p in out.iterdir()) == ["brat", "corpus.jsonl"]
    capsys.readouterr()


def _umask() -> int:
    mask = os.umask(0o022)
    os.umask(mask)
    return mask


def test_an_export_over_a_file_keeps_its_mode_and_owner(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    corpus_project(db)
    fresh = tmp_path / "fresh.jsonl"
    assert main(["--db", db, "export", "-o", str(fresh)]) == 0
    assert stat.S_IMODE(fresh.stat().st_mode) == 0o666 & ~_umask()  # an ordinary file, not 0600

    shared = tmp_path / "shared.jsonl"
    shared.write_text("old")
    shared.chmod(0o640)
    root = os.geteuid() == 0
    if root:
        os.chown(shared, 65534, 65534)
    assert main(["--db", db, "export", "-o", str(shared)]) == 0
    assert shared.read_text() != "old"
    assert stat.S_IMODE(shared.stat().st_mode) == 0o640
    if root:
        assert (shared.stat().st_uid, shared.stat().st_gid) == (65534, 65534)

    folder = tmp_path / "split"  # a file of an earlier folder export keeps its mode too
    assert main(["--db", db, "export", "--split", "0.5,0.5", "-o", str(folder)]) == 0
    (folder / "dev.jsonl").chmod(0o600)
    assert main(["--db", db, "export", "--split", "0.5,0.5", "--seed", "3", "-o", str(folder)]) == 0
    assert stat.S_IMODE((folder / "dev.jsonl").stat().st_mode) == 0o600
    assert stat.S_IMODE((folder / "train.jsonl").stat().st_mode) == 0o666 & ~_umask()
    assert (folder / MANIFEST).is_file()


def test_parts_of_earlier_versions_go_once_nobody_has_written_them_for_an_hour(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    corpus_project(db)
    out = tmp_path / "out"
    out.mkdir()
    old_file, old_folder = out / ".corpus.jsonl.k3x_9q2a.part", out / ".brat.0123456789ab.part"
    fresh = out / ".corpus.jsonl.zz9_8yy7.part"
    old_file.write_text("half")
    (old_folder / "doc1.txt").parent.mkdir()
    (old_folder / "doc1.txt").write_text("half")
    fresh.write_text("maybe an older version exporting right now")
    hours_ago = os.stat(fresh).st_mtime - 2 * 3600
    for path in (old_file, old_folder):
        os.utime(path, (hours_ago, hours_ago))
    assert main(["--db", db, "export", "-o", str(out / "corpus.jsonl")]) == 0
    assert main(["--db", db, "export", "--format", "brat", "-o", str(out / "brat")]) == 0
    assert _parts(out) == [fresh.name]

"""The CLI contract of issue 17: ``assign``, ``docs --assigned-to``, ``progress`` (each form in a real
process once, its repeats in-process: tests.cli_forms)."""

from __future__ import annotations

import json
import subprocess
from collections import Counter
from pathlib import Path

import pytest

from tests.cli_forms import run

TEAM = ("ana", "ben", "cleo")


def cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run("--db", db, *args)


def ok(db: str, *args: str) -> str:
    done = cli(db, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def texts(folder: Path) -> list[str]:
    """100 small article files (written once per module)."""
    where = folder / "texts"
    if not where.exists():
        where.mkdir()
        for i in range(100):
            (where / f"{i:03}.txt").write_text(
                f"Article {i}: the mayor spoke on day {i}.\n", encoding="utf-8"
            )
    return sorted(str(p) for p in where.iterdir())


def project_of_100(folder: Path, name: str) -> str:
    db = f"sqlite:///{folder / name}"
    ok(db, "init")
    ok(db, "import", *texts(folder))
    return db


def queues(db: str) -> dict[str, list[int]]:
    return {
        who: [d["id"] for d in json.loads(ok(db, "docs", "--assigned-to", who, "--json"))] for who in TEAM
    }


@pytest.fixture(scope="module")
def folder(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return tmp_path_factory.mktemp("assign")


def test_100_documents_three_people_overlap_20_percent(folder: Path) -> None:
    db = project_of_100(folder, "one.db")
    args = ("assign", "--annotators", ",".join(TEAM), "--overlap", "0.2", "--per-doc", "2", "--seed", "42")
    out = ok(db, *args, "--declare")
    assert "100 of 100 documents coded (80 with 1, 20 with 2)" in out
    first = queues(db)
    coders = Counter(d for docs in first.values() for d in docs)
    assert len(coders) == 100 and sorted(Counter(coders.values()).items()) == [(1, 80), (2, 20)]
    loads = [len(docs) for docs in first.values()]
    assert max(loads) - min(loads) <= 1 and sum(loads) == 120
    assert "added 0 assignment(s)" in ok(db, *args)  # a re-run adds only what is missing: nothing

    other = project_of_100(folder, "two.db")  # the same seed on the same documents: the same queues
    ok(other, *args, "--declare")
    assert queues(other) == first

    report = json.loads(ok(db, "progress", "--json"))
    assert {p["annotator"]: p["assigned"] for p in report["annotators"]} == dict(
        zip(TEAM, loads, strict=True)
    )
    assert report["overall"]["assigned"] == 100 and report["overall"]["overlap"] == 20
    assert all(p["new"] == p["assigned"] and p["done"] == 0 for p in report["annotators"])
    table = ok(db, "progress")
    assert "in_progress" in table and "overall: 100 of 100 documents assigned (20 to two or more)" in table


@pytest.mark.parametrize(
    ("extra", "message"),
    [
        (("--annotators", "ana,ben,zoe"), "no annotator named 'zoe'"),
        (("--annotators", "ana,ben,cleo", "--overlap", "1.2"), "--overlap must be between 0 and 1"),
        (("--annotators", "ana,ben,cleo", "--per-doc", "4", "--overlap", "0.5"), "more than the team of 3"),
        (("--annotators", "ana,ben,cleo", "--per-doc", "0"), "--per-doc must be at least 1"),
    ],
)
def test_bad_input_is_a_clear_error_and_assigns_nothing(
    folder: Path, extra: tuple[str, ...], message: str
) -> None:
    db = f"sqlite:///{folder / 'bad.db'}"
    if not (folder / "bad.db").exists():
        ok(db, "init")
        ok(db, "import", texts(folder)[0])
        ok(db, "assign", "--annotators", "ana,ben,cleo", "--declare", "--share", "0")
    done = cli(db, "assign", *extra)
    assert done.returncode == 1 and message in done.stderr and "Traceback" not in done.stderr
    assert json.loads(ok(db, "progress", "--json"))["overall"]["assigned"] == 0


def test_unassign_and_reassign_forms(folder: Path) -> None:
    db = f"sqlite:///{folder / 'moves.db'}"
    ok(db, "init")
    ok(db, "import", *texts(folder)[:4])
    ok(db, "assign", "--annotators", "ana", "--declare")
    ok(db, "assign", "--annotators", "ben,cleo", "--declare", "--share", "0")
    assert "moved 2 document(s) from ana to ben" in ok(
        db, "assign", "--reassign", "ana", "--to", "ben", "--docs", "1", "2"
    )
    assert "unassigned 1 document(s) from ana" in ok(db, "assign", "--unassign", "ana", "--docs", "3")
    assert queues(db) == {"ana": [4], "ben": [1, 2], "cleo": []}
    done = cli(db, "assign", "--unassign", "ana", "--annotators", "ben")
    assert done.returncode == 1 and "say one of" in done.stderr

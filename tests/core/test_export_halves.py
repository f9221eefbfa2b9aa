"""Issue 19: a large native export runs its second half in a forked process and writes the same
bytes, and the same report, as one process does. The export runs in a real fresh process (pytest's
own may not fork: Qt is loaded), with the size from which it splits lowered to 2 documents."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.export import export
from annotator.store import Store
from tests.core.test_export_native_exact import OPTIONS, _project

ROOT = Path(__file__).resolve().parents[2]
# Exports in a fresh process, in two halves; prints whether it split and the report.
SCRIPT = """
import json, sys
from pathlib import Path
from annotator import export as ex, export_halves, store as store_module
from annotator.store import open_store
from tests.core.test_export_native_exact import OPTIONS
url, project_id, folder, broken = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "1"
export_halves.MIN_DOCUMENTS = 2
split = []
real = ex.export_halves
def counted(*args, **kwargs):
    split.append(1)
    return real(*args, **kwargs)
ex.export_halves = counted
store = open_store(url)
if broken:  # what the forked child calls to connect
    def no_store(*args, **kwargs):
        raise RuntimeError("no second connection")
    store_module.open_store = no_store
found = {}
with store.session() as session:
    for name, options in OPTIONS.items():
        ticks = []
        try:
            report = ex.export(session, project_id, "jsonl", folder / f"{name}.jsonl", ticks.append, options)
        except Exception as error:
            found[name] = {"error": str(error)}
            continue
        found[name] = {"summary": report.summary(), "left": sorted(report.actors_left or ()), "ticks": sum(ticks)}
print(json.dumps({"split": len(split), "found": found}))
"""


@pytest.fixture
def built(tmp_path: Path, backend_url: str) -> Iterator[tuple[Store, int, str]]:
    store, project_id = _project(tmp_path, backend_url)
    yield store, project_id, backend_url
    store.close()


def _in_halves(url: str, project_id: int, folder: Path, broken: bool = False) -> dict[str, object]:
    folder.mkdir()
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, url, str(project_id), str(folder), "1" if broken else "0"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
        timeout=300,
    )
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_native_export_in_two_processes_writes_what_one_process_writes(
    built: tuple[Store, int, str], tmp_path: Path
) -> None:
    store, project_id, url = built
    (tmp_path / "one").mkdir()
    one = {}
    with store.session() as session:
        for name, options in OPTIONS.items():
            ticks: list[int] = []
            report = export(
                session, project_id, "jsonl", tmp_path / "one" / f"{name}.jsonl", ticks.append, options
            )
            one[name] = {
                "summary": report.summary(),
                "left": sorted(report.actors_left or ()),
                "ticks": sum(ticks),
            }
    two = _in_halves(url, project_id, tmp_path / "two")
    assert two["split"] == len(OPTIONS)  # every export ran in two processes
    found = two["found"]
    assert isinstance(found, dict)
    for name in OPTIONS:
        data = (tmp_path / "two" / f"{name}.jsonl").read_bytes()
        assert data == (tmp_path / "one" / f"{name}.jsonl").read_bytes(), name
        mine = dict(one[name], summary=str(one[name]["summary"]).replace("/one/", "/two/"))
        assert found[name] == mine, name
    assert [p.name for p in (tmp_path / "two").iterdir() if p.name.startswith(".")] == []


def test_a_failing_second_process_fails_the_export_and_leaves_no_file(
    built: tuple[Store, int, str], tmp_path: Path
) -> None:
    _store, project_id, url = built
    found = _in_halves(url, project_id, tmp_path / "out", broken=True)["found"]
    assert isinstance(found, dict)
    for name in OPTIONS:
        assert "no second connection" in found[name]["error"], name
    assert list((tmp_path / "out").iterdir()) == []  # no file, no part left behind

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
from sqlalchemy import func, select

from annotator.export import export
from annotator.model import Annotation
from annotator.store import Store
from tests.core.test_export_native_exact import OPTIONS, _project

ROOT = Path(__file__).resolve().parents[2]
# Exports in a fresh process, in two halves; prints whether it split and the report.
SCRIPT = """
import json, os, sys
from pathlib import Path
from annotator import export as ex, export_halves, store as store_module
from annotator.store import open_store
from tests.core.test_export_native_exact import OPTIONS
url, project_id, folder, mode = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4]
broken = mode == "1"
export_halves.MIN_DOCUMENTS = 2
if mode == "moved":  # the forked child connects after a teammate's process added a span
    import os, subprocess
    parent, real_open = os.getpid(), store_module.open_store
    def open_after_a_change(*args, **kwargs):
        wrote = folder.parent / "wrote"  # once: the first child's
        if os.getpid() != parent and not wrote.exists():
            subprocess.run([sys.executable, "-c", sys.argv[5], url, str(project_id)], check=True)
            wrote.touch()
        return real_open(*args, **kwargs)
    store_module.open_store = open_after_a_change
split, here, me = [], [], os.getpid()
real, real_part = ex.export_halves, ex._part
def counted(*args, **kwargs):
    split.append(1)
    return real(*args, **kwargs)
def part(*args, **kwargs):  # counts the halves this process writes
    write = real_part(*args, **kwargs)
    def written(*a, **k):
        if os.getpid() == me:
            here.append(1)
        return write(*a, **k)
    return written
ex.export_halves, ex._part = counted, part
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
print(json.dumps({"split": len(split), "here": len(here), "found": found}))
"""


@pytest.fixture
def built(tmp_path: Path, backend_url: str) -> Iterator[tuple[Store, int, str]]:
    store, project_id = _project(tmp_path, backend_url)
    yield store, project_id, backend_url
    store.close()


# A teammate's process: a span on the last document (in the second half).
WRITER = """
import sys
from sqlalchemy import func, select
from annotator.model import Annotation, Document
from annotator.ops.annotations import create_span
from annotator.store import open_store
store = open_store(sys.argv[1])
with store.transaction() as tx:
    project = Document.project_id == int(sys.argv[2])
    last = tx.session.scalar(select(func.max(Document.id)).where(project))
    a = tx.session.scalars(select(Annotation).where(Annotation.document_id == last)).first()
    create_span(tx, last, 0, 1, a.label_id, a.annotator_id)
store.close()
"""


def _in_halves(
    url: str, project_id: int, folder: Path, broken: bool = False, mode: str = ""
) -> dict[str, object]:
    folder.mkdir()
    mode = mode or ("1" if broken else "0")
    return run_json(SCRIPT, url, str(project_id), str(folder), mode, WRITER)


def run_json(script: str, *args: str) -> dict[str, object]:
    """Run ``script`` in a fresh process at the repository's root: what it prints, as JSON."""
    command = [sys.executable, "-c", script, *args]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, check=True, timeout=300)
    result: dict[str, object] = json.loads(done.stdout)
    return result


def test_a_native_export_in_two_processes_writes_what_one_process_writes(
    built: tuple[Store, int, str], tmp_path: Path
) -> None:
    store, project_id, url = built
    one = _one_process(store, project_id, tmp_path / "one")
    two = _in_halves(url, project_id, tmp_path / "two")
    _same(one, two, tmp_path / "one", tmp_path / "two")


def _one_process(store: Store, project_id: int, folder: Path) -> dict[str, dict[str, object]]:
    """Every export of OPTIONS in this process (pytest's may not fork: one process)."""
    folder.mkdir()
    one = {}
    with store.session() as session:
        for name, options in OPTIONS.items():
            ticks: list[int] = []
            report = export(session, project_id, "jsonl", folder / f"{name}.jsonl", ticks.append, options)
            one[name] = {
                "summary": report.summary(),
                "left": sorted(report.actors_left or ()),
                "ticks": sum(ticks),
            }
    return one


def _same(one: dict[str, dict[str, object]], two: dict[str, object], here: Path, there: Path) -> None:
    """The two-process exports wrote the one-process bytes and reports, and left no part."""
    assert two["split"] == len(OPTIONS)  # every export ran in two processes
    found = two["found"]
    assert isinstance(found, dict)
    for name in OPTIONS:
        assert (there / f"{name}.jsonl").read_bytes() == (here / f"{name}.jsonl").read_bytes(), name
        mine = dict(one[name], summary=str(one[name]["summary"]).replace(f"/{here.name}/", f"/{there.name}/"))
        assert found[name] == mine, name
    assert [p.name for p in there.iterdir() if p.name.startswith(".")] == []


def test_a_change_between_the_two_reads_leaves_the_export_at_one_moment(
    built: tuple[Store, int, str], tmp_path: Path
) -> None:
    """A span committed after the parent began reading and before the child did. On SQLite the child
    sees it, so the parent writes the second half too, from its own moment; on PostgreSQL the child
    reads the parent's snapshot (``annotator.export_moment``) and writes the second half."""
    store, project_id, url = built
    with store.session() as session:
        before = session.scalar(select(func.count()).select_from(Annotation))
    one = _one_process(store, project_id, tmp_path / "one")
    two = _in_halves(url, project_id, tmp_path / "moved", mode="moved")
    with store.session() as session:  # the teammate's span did come in between
        assert session.scalar(select(func.count()).select_from(Annotation)) == (before or 0) + 1
    _same(one, two, tmp_path / "one", tmp_path / "moved")
    # SQLite: every export's child found the database moved (the script's one session reads the
    # moment before the span); PostgreSQL: every child read that moment itself.
    assert two["here"] == len(OPTIONS) * (2 if url.startswith("sqlite") else 1)


def test_a_failing_second_process_fails_the_export_and_leaves_no_file(
    built: tuple[Store, int, str], tmp_path: Path
) -> None:
    _store, project_id, url = built
    failed(_in_halves(url, project_id, tmp_path / "out", broken=True), list(OPTIONS), tmp_path / "out")


def failed(result: dict[str, object], names: list[str], folder: Path) -> None:
    """Each export (``names`` in the script's result) failed with the child's error, and left no
    file in ``folder``: no data, no file beside it, no part."""
    found = result["found"]
    assert isinstance(found, dict)
    for name in names:
        assert "no second connection" in found[name]["error"], name
    assert list(folder.iterdir()) == []

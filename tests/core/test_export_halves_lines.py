"""Issue 19: the line formats (Prodigy, HF JSONL, IOB) run a large export's second half in a
forked process, as native JSONL does, and write the same bytes AND the same report as one
process: the reasons that name their first examples (spans trimmed to token edges, source tokens
cut at a span edge) are rebuilt from both halves' findings in document order, not concatenated.
The exports run in a real fresh process (pytest's own may not fork), on SQLite and PostgreSQL,
with the size from which an export splits lowered to 2 documents."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.importing import import_paths
from annotator.ops.projects import create_project
from annotator.store import Store, open_store
from annotator.tokens import SPLIT, TRIMMED
from tests.core.test_export_halves import failed, run_json

DOCUMENTS = 12  # the second half begins at the 7th
# Documents whose spans are trimmed and whose source tokens are cut: one in the first half, the
# rest in the second, so the first three examples come from both halves.
ODD = {0, 6, 7, 9, 11}
# (format, options as ExportOptions keywords)
EXPORTS = {
    "prodigy": ("prodigy", {}),
    "hf": ("hf-jsonl", {}),
    "hf-sentences": ("hf-jsonl", {"sentences": True}),
    "iob": ("iob", {}),
    "conll-docstart": ("conll", {"docstart": True}),
    "iob-alice": ("iob", {"layer": "annotator:alice"}),
}
# Exports every one of EXPORTS in a fresh process, in one process, then in two halves (argv[4]:
# "1" the forked child cannot connect); prints each report, and how many exports split.
SCRIPT = """
import json, sys
from pathlib import Path
from annotator import export as ex, export_halves, store as store_module
from annotator.export import ExportOptions
from annotator.store import open_store
url, project_id, folder, broken = sys.argv[1], int(sys.argv[2]), Path(sys.argv[3]), sys.argv[4] == "1"
exports = json.loads(sys.argv[5])
split = []
real = ex.export_halves
def counted(*args, **kwargs):
    split.append(1)
    return real(*args, **kwargs)
ex.export_halves = counted
store = open_store(url)
found = {}
for how, least in (("one", 10**9), ("two", 2)):
    export_halves.MIN_DOCUMENTS = least
    (folder / how).mkdir()
    if broken and how == "two":  # what the forked child calls to connect
        def no_store(*args, **kwargs):
            raise RuntimeError("no second connection")
        store_module.open_store = no_store
    for name, (fmt, options) in exports.items():
        ticks = []
        out = folder / how / f"{name}.out"
        try:
            with store.session() as session:
                report = ex.export(session, project_id, fmt, out, ticks.append, ExportOptions(**options))
        except Exception as error:
            found[f"{how}/{name}"] = {"error": str(error)}
            continue
        found[f"{how}/{name}"] = {
            "summary": report.summary().replace(f"/{how}/", "/"),
            "left_out": report.left_out,
            "trimmed": [str(t) for t in report.trimmed],
            "ticks": sum(ticks),
        }
print(json.dumps({"split": len(split), "found": found}))
"""


def _line(i: int) -> dict[str, object]:
    """A document with its source's tokens (split at spaces) and two sentences; an ODD one has a
    span ending inside a token ("York" of "York-based7") and a span ending on a space."""
    text = f"Mayor {i} of New York-based{i} firms said: taxes rise. Critics disagree strongly today."
    tokens, at = [], 0
    for word in text.split(" "):
        tokens.append([at, at + len(word)])
        at += len(word) + 1
    said = text.index("taxes")
    spans: list[dict[str, object]] = [
        {"id": 1, "start": 0, "end": len(f"Mayor {i}"), "label": "ACTOR", "annotator": "alice"},
        {"id": 2, "start": said, "end": said + len("taxes rise."), "label": "QUOTE", "annotator": "alice"},
        {"id": 3, "start": said, "end": said + len("taxes"), "label": "QUOTE", "annotator": "bob"},
    ]
    if i in ODD:
        new = text.index("New")
        spans.append(
            {"id": 4, "start": new, "end": new + len("New York"), "label": "ACTOR", "annotator": "alice"}
        )
        critics = text.index("Critics")
        spans.append(
            {
                "id": 5,
                "start": critics,
                "end": critics + len("Critics "),
                "label": "ACTOR",
                "annotator": "bob",
            }
        )
    return {
        "text": text,
        "spans": spans,
        "relations": [{"from": 2, "to": 1, "type": "SAID_BY", "annotator": "alice"}],
        "token_offsets": tokens,
        "sentence_starts": [0, 9],
    }


@pytest.fixture
def built(tmp_path: Path, backend_url: str) -> Iterator[tuple[Store, int, str]]:
    store = open_store(backend_url)
    with store.transaction() as tx:
        project_id = create_project(tx, "lines").id
    path = tmp_path / "corpus.jsonl"
    path.write_text("".join(json.dumps(_line(i)) + "\n" for i in range(DOCUMENTS)), encoding="utf-8")
    import_paths(store, project_id, [path], create_labels=True)
    yield store, project_id, backend_url
    store.close()


def _run(url: str, project_id: int, folder: Path, broken: bool = False) -> dict[str, object]:
    folder.mkdir()
    return run_json(SCRIPT, url, str(project_id), str(folder), "1" if broken else "0", json.dumps(EXPORTS))


def test_line_formats_in_two_processes_write_the_bytes_and_report_of_one(
    built: tuple[Store, int, str], tmp_path: Path
) -> None:
    _store, project_id, url = built
    result = _run(url, project_id, tmp_path / "out")
    assert result["split"] == len(EXPORTS)  # every export of the second round ran in two processes
    found = result["found"]
    assert isinstance(found, dict)
    one, two = tmp_path / "out" / "one", tmp_path / "out" / "two"
    for name in EXPORTS:
        assert (two / f"{name}.out").read_bytes() == (one / f"{name}.out").read_bytes(), name
        assert found[f"two/{name}"] == found[f"one/{name}"], name
    for name in ("hf", "hf-sentences"):  # the label list beside the data
        assert (two / f"{name}.labels.json").read_bytes() == (one / f"{name}.labels.json").read_bytes()
    assert [p.name for p in two.iterdir() if p.name.startswith(".")] == []  # no part left behind
    _examples_from_both_halves(found)


def _examples_from_both_halves(found: dict[str, dict[str, object]]) -> None:
    """The data does what the test needs: trims and cuts in both halves, more than the reasons name."""
    iob = found["one/iob"]
    trimmed = iob["trimmed"]
    assert isinstance(trimmed, list)
    documents = {int(t.split(":")[0].split()[1]) for t in trimmed}
    first_id = min(documents)
    assert {d - first_id for d in documents} == ODD
    left_out = iob["left_out"]
    assert isinstance(left_out, dict)
    [trims] = [r for r in left_out if r.startswith(TRIMMED)]
    assert trims.endswith(", …") and f"doc {first_id + 6}:" in trims and f"doc {first_id + 7}:" in trims
    [cuts] = [r for r in left_out if r.startswith(SPLIT)]
    assert left_out[cuts] == len(ODD) and cuts.endswith("'York-based0', 'York-based6', 'York-based7'")
    prodigy = found["one/prodigy"]["left_out"]
    assert isinstance(prodigy, dict) and any(r.startswith(SPLIT) for r in prodigy)


def test_a_failing_second_process_fails_a_line_export_and_leaves_no_file(
    built: tuple[Store, int, str], tmp_path: Path
) -> None:
    _store, project_id, url = built
    result = _run(url, project_id, tmp_path / "out", broken=True)
    failed(result, [f"two/{name}" for name in EXPORTS], tmp_path / "out" / "two")


# Two halves whose writers put different files beside their data (HF JSONL's label list, when a
# half met labels the project's list lacks): neither is kept, and the export says so (Diverged),
# for ``annotator.export`` to write it in one process. argv[3]: the two halves' files the same.
DIVERGING = """
import json, sys
from pathlib import Path
from annotator import export_halves
from annotator.formats.base import ExportReport
from annotator.store import open_store
url, folder, same = sys.argv[1], Path(sys.argv[2]), sys.argv[3] == "1"
def beside(path):
    return path.with_name(path.name + ".side")
def write_part(session, path, bounds, first, report, progress):
    path.write_text(f"{bounds}\\n")
    beside(path).write_text("labels" if same else f"labels {first}")
store = open_store(url)
with store.session() as session:
    try:
        export_halves.export_halves(session, folder / "out", 2, write_part, ExportReport(folder), None, beside)
        print(json.dumps({"said": "written"}))
    except export_halves.Diverged:
        print(json.dumps({"said": "diverged"}))
"""


@pytest.mark.parametrize("same", [True, False])
def test_halves_with_different_files_beside_their_data_write_nothing(
    built: tuple[Store, int, str], tmp_path: Path, same: bool
) -> None:
    _store, _project_id, url = built
    folder = tmp_path / "out"
    folder.mkdir()
    said = run_json(DIVERGING, url, str(folder), "1" if same else "0")["said"]
    if same:
        assert said == "written"
        assert (folder / "out").read_text() == "(0, 2)\n(2, None)\n"
        assert sorted(p.name for p in folder.iterdir()) == ["out", "out.side"]
    else:
        assert said == "diverged"
        assert list(folder.iterdir()) == []

"""A Label Studio export is read a task at a time (issue 19: bounded memory), and still reads
exactly as the whole-file reader did: the same records, and errors naming the same file, line
and reason, however the file's chunks fall."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from annotator.errors import InputError
from annotator.formats import jsonstream, labelstudio, peerkit
from annotator.formats.peerkit import ReadReport, json_items, read_text
from annotator.importing import import_paths, stream_path
from annotator.ops.projects import create_project
from annotator.records import DocRecord
from annotator.store import open_store
from tests.core.test_export_exact import corpus


def _whole_file(path: Path) -> list[DocRecord]:
    """The reader as it was: the whole file parsed with every object's line, then each task."""
    report = ReadReport(path)
    out = []
    for task, line in json_items(path, read_text(path)):
        record = labelstudio._record(task, line, path, None, report)
        if record is not None:
            out.append(record)
    return out


def _export(path: Path) -> Path:
    from annotator.formats.base import ExportReport

    labelstudio.write(corpus(documents=30), path, ExportReport(path))
    return path


@pytest.fixture(params=[7, 64, 4096])
def small_chunks(request: pytest.FixtureRequest, monkeypatch: pytest.MonkeyPatch) -> int:
    """Chunks that end inside strings, numbers, escapes and multi-byte characters."""
    monkeypatch.setattr(jsonstream, "CHUNK", request.param)
    return int(request.param)


def test_streamed_tasks_read_as_the_whole_file_did(tmp_path: Path, small_chunks: int) -> None:
    path = _export(tmp_path / "tasks.json")
    assert small_chunks < path.stat().st_size
    streamed = list(labelstudio.read(path))
    assert streamed == _whole_file(path)
    assert len(streamed) == 30


def test_crlf_bom_and_pretty_printing_keep_the_lines(tmp_path: Path, small_chunks: int) -> None:
    tasks = json.loads(_export(tmp_path / "plain.json").read_text(encoding="utf-8"))
    text = "\ufeff" + json.dumps(tasks, indent=2, ensure_ascii=False).replace("\n", "\r\n")
    path = tmp_path / "windows.json"
    path.write_bytes(text.encode("utf-8"))
    streamed = list(labelstudio.read(path))
    assert [r.line for r in streamed] == [r.line for r in _whole_file(path)]
    assert [r.spans for r in streamed] == [r.spans for r in _whole_file(path)]
    assert streamed[1].line == text.lstrip("\ufeff").split("\r\n").index("  {", 2) + 1


def _task(text: str, start: int, end: int, quote: str) -> dict[str, Any]:
    value = {"start": start, "end": end, "text": quote, "labels": ["ACTOR"]}
    result = [{"id": "r1", "from_name": "label", "to_name": "text", "type": "labels", "value": value}]
    return {"id": 1, "data": {"text": text}, "annotations": [{"completed_by": 1, "result": result}]}


def test_a_bad_region_deep_in_the_file_names_its_own_line(tmp_path: Path, small_chunks: int) -> None:
    tasks = [_task(f"Ana Ruiz said 😀 no {n}.", 0, 8, "Ana Ruiz") for n in range(40)]
    tasks[33] = _task("Ana Ruiz said no.", 0, 8, "Jonas W.")
    path = tmp_path / "bad.json"
    text = json.dumps(tasks, indent=2, ensure_ascii=False)
    path.write_text(text, encoding="utf-8")
    with pytest.raises(InputError) as caught:
        list(labelstudio.read(path))
    lines = text.split("\n")
    region = next(i for i, line in enumerate(lines, 1) if '"Jonas W."' in line)
    opening = max(
        i
        for i in range(1, region)
        if lines[i - 1].strip() == "{" and lines[i].strip().startswith('"id": "r1"')
    )
    assert (caught.value.path, caught.value.line) == (str(path), opening)
    assert "Jonas W." in caught.value.reason


@pytest.mark.parametrize(
    "damage",
    [
        lambda t: t[: len(t) // 2],  # the file ends inside a task
        lambda t: t.replace("},\n  {", "}\n  {", 1),  # a missing comma
        lambda t: t.rstrip().removesuffix("]") + ",]",  # a trailing comma
        lambda t: t.replace('"completed_by"', "completed_by", 1),  # a bare key
        lambda t: t + "\n{",  # a second value cut short
    ],
)
def test_malformed_json_gets_the_whole_file_readers_error(
    tmp_path: Path, small_chunks: int, damage: Any
) -> None:
    tasks = [_task(f"Mira Okafor said {n}.", 0, 11, "Mira Okafor") for n in range(12)]
    path = tmp_path / "broken.json"
    path.write_text(damage(json.dumps(tasks, indent=2)), encoding="utf-8")
    with pytest.raises(InputError) as expected:
        list(json_items(path, read_text(path)))
    with pytest.raises(InputError) as caught:
        list(labelstudio.read(path))
    assert (caught.value.path, caught.value.line, caught.value.reason) == (
        expected.value.path,
        expected.value.line,
        expected.value.reason,
    )


def test_import_streams_and_a_bad_last_task_imports_nothing(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    with store.transaction() as tx:
        project = create_project(tx, "p").id
    tasks = [_task(f"Ana Ruiz said {n}.", 0, 8, "Ana Ruiz") for n in range(25)]
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps(tasks, indent=1), encoding="utf-8")

    def whole_file(_path: Path) -> str:
        raise AssertionError("read whole")

    monkeypatch.setattr(peerkit, "read_text", whole_file)  # the streamed path never reads it whole
    monkeypatch.setattr(jsonstream, "read_text", whole_file)
    assert stream_path([path]) is not None
    result = import_paths(store, project, [path], create_labels=True)
    assert (result.documents_added, result.spans_added) == (25, 25)

    tasks.append(_task("Ana Ruiz said nothing.", 0, 8, "Mira Oka"))
    bad = tmp_path / "bad.json"
    bad.write_text(
        json.dumps([_task(f"Jonas Weber said {n}.", 0, 11, "Jonas Weber") for n in range(9)] + tasks[-1:]),
        encoding="utf-8",
    )
    with pytest.raises(InputError) as caught:
        import_paths(store, project, [bad], create_labels=True)
    assert caught.value.line == 1 and caught.value.path == str(bad)
    with store.session() as session:
        from sqlalchemy import func, select

        from annotator.model import Document

        assert session.scalar(select(func.count()).select_from(Document)) == 25
    store.close()


def test_other_encodings_still_read_whole(tmp_path: Path) -> None:
    tasks = [_task("Élodie said so.", 0, 6, "Élodie")]
    path = tmp_path / "utf16.json"
    path.write_bytes(json.dumps(tasks, ensure_ascii=False).encode("utf-16"))
    assert [r.spans[0].start for r in labelstudio.read(path)] == [0]


def test_the_import_command_streams_a_label_studio_export(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from tests.core.cli_run import new_project, run

    url = new_project(capsys, tmp_path)
    path = tmp_path / "tasks.json"
    path.write_text(json.dumps([_task(f"Ana Ruiz said {n}.", 0, 8, "Ana Ruiz") for n in range(7)]), "utf-8")

    def whole_file(_path: Path) -> str:
        raise AssertionError("read whole")

    monkeypatch.setattr(peerkit, "read_text", whole_file)
    monkeypatch.setattr(jsonstream, "read_text", whole_file)
    code, out, err = run(capsys, "--db", url, "import", str(path), "--create-labels", "--annotator", "ana")
    assert code == 0, err
    assert f"read 7 document(s), 7 span(s), 0 relation(s) from {path}" in out
    assert "7 document(s) added" in out

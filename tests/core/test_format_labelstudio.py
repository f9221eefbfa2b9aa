"""Label Studio JSON: annotations per annotator, relations, value.text checked (and old UTF-16 exports)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.errors import InputError
from annotator.formats import labelstudio
from annotator.formats.base import ExportReport
from annotator.formats.peerkit import ReadReport
from annotator.records import DocRecord
from tests.core.peer_fixtures import canon, corpora, fresh

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(corpora())
def test_round_trip(tmp_path: Path, records: list[DocRecord]) -> None:
    out = fresh(tmp_path) / "tasks.json"
    report = ExportReport(out)
    labelstudio.write(records, out, report)
    assert report.left_out == {}
    assert canon(labelstudio.read(out)) == canon(records)
    for task in json.loads(out.read_text(encoding="utf-8")):
        for ann in task["annotations"]:
            for res in ann["result"]:
                if res["type"] == "labels":
                    assert (
                        res["value"]["text"]
                        == task["data"]["text"][res["value"]["start"] : res["value"]["end"]]
                    )
    assert labelstudio.config_path(out).read_text(encoding="utf-8").startswith("<View>")


def _region(start: int, end: int, text: str, label: str = "ACTOR", rid: str = "r1") -> dict[str, Any]:
    value = {"start": start, "end": end, "text": text, "labels": [label]}
    return {"id": rid, "from_name": "label", "to_name": "text", "type": "labels", "value": value}


def _task(text: str, *results: dict[str, Any], completed_by: Any = 3, **extra: Any) -> dict[str, Any]:
    return {
        "id": 1,
        "data": {"text": text},
        "annotations": [{"completed_by": completed_by, "result": list(results)}],
        **extra,
    }


def _save(path: Path, tasks: list[dict[str, Any]]) -> Path:
    path.write_text(json.dumps(tasks, indent=2), encoding="utf-8")
    return path


def test_old_utf16_offsets_are_detected_by_their_text_and_converted(tmp_path: Path) -> None:
    text = "\U0001f600\U0001f600 Ann spoke"
    path = _save(tmp_path / "old.json", [_task(text, _region(5, 8, "Ann"))])  # code points: 3-6
    report = ReadReport(path)
    (record,) = labelstudio.read(path, report=report)
    span = record.spans[0]
    assert (span.start, span.end, span.annotator) == (3, 6, "user-3")
    assert report.notes == {"regions with UTF-16 offsets (older Label Studio), converted to code points": 1}


def test_text_at_neither_reading_is_refused_with_file_and_line(tmp_path: Path) -> None:
    path = _save(
        tmp_path / "bad.json",
        [_task("Ann spoke", _region(0, 3, "Ann")), _task("Ann spoke", _region(4, 9, "Ann"))],
    )
    with pytest.raises(InputError) as err:
        list(labelstudio.read(path))
    assert err.value.path == str(path)
    assert path.read_text(encoding="utf-8").split("\n")[(err.value.line or 0) - 1].strip() == "{"
    assert "'Ann' is not at 4–9 ('spoke')" in err.value.reason
    assert err.value.line and err.value.line > 20  # the second task's region, not the first


@pytest.mark.parametrize(
    ("completed_by", "expected"),
    [
        ({"id": 2, "email": "amy@example.org", "first_name": "Amy"}, "amy@example.org"),
        ({"id": 2, "email": "", "first_name": "Amy", "last_name": "Bo"}, "Amy Bo"),
        ({"id": 2}, "user-2"),
        (7, "user-7"),
        (None, "fallback"),
    ],
)
def test_annotator_from_completed_by(tmp_path: Path, completed_by: Any, expected: str) -> None:
    path = _save(tmp_path / "t.json", [_task("Ann", _region(0, 3, "Ann"), completed_by=completed_by)])
    (record,) = labelstudio.read(path, annotator="fallback")
    assert record.spans[0].annotator == expected


def test_relations_labels_direction_and_what_is_skipped(tmp_path: Path) -> None:
    text = "\u201cNo,\u201d said Ann."
    quote = _region(0, 5, "\u201cNo,\u201d", "QUOTE", "q")
    quote["value"]["labels"] = ["QUOTE", "CLAIM"]
    actor = _region(11, 14, "Ann", "ACTOR", "a")
    left = {"from_id": "a", "to_id": "q", "type": "relation", "direction": "left", "labels": ["speaker"]}
    unlabeled = {"from_id": "q", "to_id": "a", "type": "relation", "labels": []}
    choice = {"id": "c", "type": "choices", "value": {"choices": ["Politics"]}}
    task = _task(text, quote, actor, left, unlabeled, choice, predictions=[{"result": [actor]}])
    task["annotations"].append({"completed_by": 4, "was_cancelled": True, "result": [actor]})
    path = _save(tmp_path / "t.json", [task])
    report = ReadReport(path)
    (record,) = labelstudio.read(path, report=report)
    spans = {s.key: (record.text[s.start : s.end], s.label) for s in record.spans}
    assert sorted(spans.values()) == [
        ("Ann", "ACTOR"),
        ("\u201cNo,\u201d", "CLAIM"),
        ("\u201cNo,\u201d", "QUOTE"),
    ]
    assert sorted((spans[r.source], r.type, spans[r.target][0]) for r in record.relations) == [
        (("\u201cNo,\u201d", "CLAIM"), "speaker", "Ann"),
        (("\u201cNo,\u201d", "QUOTE"), "speaker", "Ann"),
    ]
    assert report.skipped == {
        "predictions (model output, not annotations)": 1,
        "cancelled annotations": 1,
        "relations without a label": 1,
        "results of type 'choices' (not text regions)": 1,
    }


def test_a_single_task_with_its_text_under_another_name(tmp_path: Path) -> None:
    task = {"data": {"article": "Ann spoke"}, "annotations": [{"result": [_region(0, 3, "Ann")]}]}
    path = tmp_path / "one.json"
    path.write_text(json.dumps(task), encoding="utf-8")
    (record,) = labelstudio.read(path, annotator="z")
    assert record.text == "Ann spoke" and record.spans[0].annotator == "z"


@pytest.mark.parametrize(
    ("task", "reason"),
    [
        ({"data": {"a": "x", "b": "y"}}, "cannot tell which"),
        ({"text": "x", "label": []}, "JSON-MIN"),
        (
            _task(
                "Ann",
                {"id": "h", "type": "labels", "value": {"start": "/p[1]", "end": "/p[1]", "labels": ["X"]}},
            ),
            "HyperText",
        ),
        (_task("Ann", {"from_id": "x", "to_id": "y", "type": "relation", "labels": ["t"]}), "no labels here"),
    ],
)
def test_malformed_tasks_name_file_and_line(tmp_path: Path, task: dict[str, Any], reason: str) -> None:
    path = _save(tmp_path / "t.json", [task])
    with pytest.raises(InputError) as err:
        list(labelstudio.read(path))
    assert err.value.path == str(path) and err.value.line is not None
    assert reason in err.value.reason

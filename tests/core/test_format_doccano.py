"""doccano JSONL: UTF-16 offsets both ways, both flavours, one file per annotator, lossy merges reported."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.errors import InputError
from annotator.formats import doccano
from annotator.formats.base import ExportReport
from annotator.formats.peerkit import ReadReport
from annotator.records import DocRecord, RelationRecord, SpanRecord
from tests.core.peer_fixtures import canon, corpora, fresh

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _write(records: list[DocRecord], out: Path, **options: bool) -> ExportReport:
    report = ExportReport(out)
    doccano.write(records, out, report, **options)
    return report


@SETTINGS
@given(corpora())
def test_one_file_per_annotator_with_relations_round_trips(tmp_path: Path, records: list[DocRecord]) -> None:
    out = fresh(tmp_path) / "per-user"
    report = _write(records, out, relations=True, by_annotator=True)
    assert report.left_out == {}
    assert canon(doccano.read(out, by_annotator=True)) == canon(records)


@SETTINGS
@given(corpora(same_layer=False))
def test_merged_file_keeps_spans_and_relations_and_reports_lost_annotators(
    tmp_path: Path, records: list[DocRecord]
) -> None:
    out = fresh(tmp_path) / "all.jsonl"
    report = _write(records, out, relations=True)
    named = sum(s.annotator is not None for r in records for s in r.spans)
    named += sum(x.annotator is not None for r in records for x in r.relations)
    assert report.left_out == ({doccano.LOST_ANNOTATORS: named} if named else {})
    assert canon(doccano.read(out, annotator="me")) == canon(records, annotator="me")


@SETTINGS
@given(corpora())
def test_sequence_labeling_reports_every_relation_left_out(tmp_path: Path, records: list[DocRecord]) -> None:
    out = fresh(tmp_path) / "seq.jsonl"
    report = _write(records, out)
    relations = sum(len(r.relations) for r in records)
    assert report.left_out.get(doccano.NO_RELATIONS, 0) == relations
    back = canon(doccano.read(out, annotator="me"))
    assert back == {text: (spans, set()) for text, (spans, _) in canon(records, annotator="me").items()}


def test_an_emoji_before_a_span_counts_two_utf16_units(tmp_path: Path) -> None:
    path = tmp_path / "emoji.jsonl"
    # "😀 Hi Bob": in UTF-16 the emoji is units 0-1, so "Bob" is 6-9 there and 5-8 in code points.
    path.write_text(
        json.dumps({"text": "\U0001f600 Hi Bob", "label": [[6, 9, "ACTOR"]]}) + "\n", encoding="utf-8"
    )
    (record,) = doccano.read(path, annotator="ann")
    span = record.spans[0]
    assert (span.start, span.end, record.text[span.start : span.end]) == (5, 8, "Bob")
    assert span.annotator == "ann"
    out = tmp_path / "out.jsonl"
    _write([record], out)
    assert json.loads(out.read_text(encoding="utf-8"))["label"] == [[6, 9, "ACTOR"]]


def test_an_offset_inside_a_surrogate_pair_names_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    lines = [{"text": "ok", "label": []}, {"text": "\U0001f600 x", "label": [[1, 4, "QUOTE"]]}]
    path.write_text("\n".join(json.dumps(x) for x in lines) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(doccano.read(path))
    assert err.value.path == str(path) and err.value.line == 2
    assert "surrogate pair" in err.value.reason


def test_pretty_printed_objects_and_relations_are_read(tmp_path: Path) -> None:
    doc = {
        "text": "Ann said it.",
        "entities": [
            {"id": 7, "label": "ACTOR", "start_offset": 0, "end_offset": 3},
            {"id": 8, "label": "QUOTE", "start_offset": 9, "end_offset": 11},
        ],
        "relations": [{"id": 1, "from_id": 8, "to_id": 7, "type": "speaker"}],
    }
    path = tmp_path / "pretty.jsonl"
    path.write_text(json.dumps(doc, indent=4) + "\n" + json.dumps(doc, indent=2), encoding="utf-8")
    first, second = doccano.read(path, annotator="a")
    assert (first.line, second.line) == (1, json.dumps(doc, indent=4).count("\n") + 2)
    spans = {s.key: first.text[s.start : s.end] for s in first.spans}
    rel = first.relations[0]
    assert (spans[rel.source], rel.type, spans[rel.target]) == ("it", "speaker", "Ann")


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ('{"text": "a", "label": [[0, 5, "X"]]}\n', 1, "out of range"),
        ('{"text": "a", "label": [[1, 0, "X"]]}\n', 1, "not a non-empty range"),
        ('{"text": "a", "label": []}\n{"text": "b", "label": [[0, 1, "X"]\n', 2, "ends inside"),
        ('{"text": "a", "label": [[0, 1, "X"]}\n{}', 1, "malformed JSON"),
        ('{"text": "a", "label": ["positive"]}\n', 1, "not a span"),
        ('\n\n{"label": [[0, 1, "X"]]}\n', 3, "no 'text'"),
        (
            '{"text": "ab", "entities": [], "relations": [{"from_id": 1, "to_id": 2, "type": "t"}]}',
            1,
            "missing",
        ),
    ],
)
def test_malformed_input_names_file_and_line(tmp_path: Path, content: str, line: int, reason: str) -> None:
    path = tmp_path / "in.jsonl"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(doccano.read(path))
    assert (err.value.path, err.value.line) == (str(path), line)
    assert reason in err.value.reason


def test_a_plain_folder_gives_every_file_the_annotator_it_is_told(tmp_path: Path) -> None:
    for name in ("train", "dev"):
        (tmp_path / f"{name}.jsonl").write_text('{"text": "ab", "label": [[0, 1, "X"]]}\n', encoding="utf-8")
    report = ReadReport(tmp_path)
    records = list(doccano.read(tmp_path, annotator="carol", report=report))
    assert [s.annotator for r in records for s in r.spans] == ["carol", "carol"]
    assert (report.documents, report.spans) == (2, 2)


def test_cross_annotator_relations_are_reported_in_the_per_annotator_layout(tmp_path: Path) -> None:
    record = DocRecord(
        "Ann said it.",
        spans=[SpanRecord(0, 3, "ACTOR", "a", key="1"), SpanRecord(9, 11, "QUOTE", "b", key="2")],
        relations=[RelationRecord("2", "1", "speaker", "b")],
    )
    report = _write([record], tmp_path / "out", relations=True, by_annotator=True)
    assert report.left_out == {doccano.CROSS_LAYER: 1}
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == ["a.jsonl", "b.jsonl"]

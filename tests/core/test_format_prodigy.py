"""Prodigy JSONL: tokens that fit every span, inclusive token_end, annotators from sessions."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.errors import InputError
from annotator.formats import prodigy
from annotator.formats.base import ExportReport
from annotator.formats.peerkit import ReadReport
from annotator.records import DocRecord, RelationRecord, SpanRecord
from tests.core.peer_fixtures import canon, corpora, fresh

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


def _lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


@SETTINGS
@given(corpora())
def test_round_trip_keeps_spans_relations_and_annotators(tmp_path: Path, records: list[DocRecord]) -> None:
    out = fresh(tmp_path) / "out.jsonl"
    report = ExportReport(out)
    prodigy.write(records, out, report)
    assert report.left_out == {}
    assert canon(prodigy.read(out)) == canon(records)
    for line in _lines(out):
        tokens, text = line["tokens"], line["text"]
        assert "".join(t["text"] + (" " if t["ws"] else "") for t in tokens) == text
        for span in line["spans"]:
            assert tokens[span["token_start"]]["start"] == span["start"]
            assert tokens[span["token_end"]]["end"] == span["end"]  # token_end is inclusive


def test_token_end_is_inclusive_and_relations_point_at_last_tokens(tmp_path: Path) -> None:
    text = "\u201cWe won,\u201d said Dr. Ann Lee \U0001f44d\U0001f3fd."
    quote, actor = SpanRecord(0, 9, "QUOTE", "ann", key="q"), SpanRecord(19, 26, "ACTOR", "ann", key="a")
    record = DocRecord(text, spans=[quote, actor], relations=[RelationRecord("q", "a", "speaker", "ann")])
    out = tmp_path / "out.jsonl"
    prodigy.write([record], out, ExportReport(out))
    (line,) = _lines(out)
    words = [t["text"] for t in line["tokens"]]
    spans = {s["label"]: s for s in line["spans"]}
    assert words[spans["QUOTE"]["token_start"] : spans["QUOTE"]["token_end"] + 1] == [
        "\u201c",
        "We",
        "won",
        ",",
        "\u201d",
    ]
    assert words[spans["ACTOR"]["token_start"] : spans["ACTOR"]["token_end"] + 1] == ["Ann", "Lee"]
    (rel,) = line["relations"]
    assert (rel["head"], rel["child"], rel["label"]) == (
        spans["QUOTE"]["token_end"],
        spans["ACTOR"]["token_end"],
        "speaker",
    )
    assert line["_annotator_id"] == line["_session_id"] == "ann"


def test_span_edges_inside_a_word_split_the_token(tmp_path: Path) -> None:
    record = DocRecord("unbelievable  news", spans=[SpanRecord(2, 6, "CLAIM", key="1")])
    out = tmp_path / "out.jsonl"
    prodigy.write([record], out, ExportReport(out))
    (line,) = _lines(out)
    assert [(t["text"], t["ws"]) for t in line["tokens"]] == [
        ("un", False),
        ("beli", False),
        ("evable", True),
        (" ", False),
        ("news", False),
    ]


@pytest.mark.parametrize(
    ("fields", "dataset", "expected"),
    [
        ({"_annotator_id": "news-alice", "_session_id": "news-alice"}, "news", "alice"),
        ({"_annotator_id": "news-alice"}, None, "news-alice"),
        ({"_session_id": "bob"}, None, "bob"),
        ({"_session_id": "news-2023-03-01_12-34-56"}, "news", "fallback"),
        ({"_session_id": None}, None, "fallback"),
        ({}, None, "fallback"),
    ],
)
def test_annotator_rule(tmp_path: Path, fields: dict, dataset: str | None, expected: str) -> None:
    path = tmp_path / "in.jsonl"
    line = {
        "text": "Hi Ann",
        "spans": [{"start": 3, "end": 6, "label": "ACTOR"}],
        "answer": "accept",
        **fields,
    }
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    (record,) = prodigy.read(path, annotator="fallback", dataset=dataset)
    assert record.spans[0].annotator == expected


def test_rejected_and_ignored_lines_are_skipped_and_reported(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    lines = [
        {"text": "a b", "spans": [{"start": 0, "end": 1, "label": "X"}], "answer": answer}
        for answer in ("accept", "reject", "ignore", "reject")
    ]
    path.write_text("\n".join(json.dumps(x) for x in lines), encoding="utf-8")
    report = ReadReport(path)
    assert len(list(prodigy.read(path, report=report))) == 1
    assert report.skipped == {"lines answered 'reject'": 2, "lines answered 'ignore'": 1}


def test_spans_are_taken_from_tokens_when_offsets_are_missing(tmp_path: Path) -> None:
    path = tmp_path / "in.jsonl"
    tokens = [
        {"text": w, "start": s, "end": s + len(w), "id": i}
        for i, (w, s) in enumerate([("Ann", 0), ("Lee", 4), ("spoke", 8)])
    ]
    line = {
        "text": "Ann Lee spoke",
        "tokens": tokens,
        "spans": [{"token_start": 0, "token_end": 1, "label": "ACTOR"}],
    }
    path.write_text(json.dumps(line), encoding="utf-8")
    (record,) = prodigy.read(path)
    assert [(s.start, s.end) for s in record.spans] == [(0, 7)]


@pytest.mark.parametrize(
    ("span", "reason"),
    [
        ({"start": 0, "end": 3, "text": "Lee", "label": "X"}, "is not at 0–3"),
        ({"start": 0, "end": 3, "token_start": 1, "token_end": 1, "label": "X"}, "do not cover"),
        ({"start": 0, "end": 30, "label": "X"}, "not a non-empty range"),
        ({"start": 0, "end": 3}, "no 'label'"),
    ],
)
def test_inconsistent_spans_name_file_and_line(tmp_path: Path, span: dict, reason: str) -> None:
    path = tmp_path / "in.jsonl"
    tokens = [{"text": "Ann", "start": 0, "end": 3, "id": 0}, {"text": "Lee", "start": 4, "end": 7, "id": 1}]
    good = {"text": "Ann Lee", "tokens": tokens, "spans": []}
    path.write_text(json.dumps(good) + "\n" + json.dumps({**good, "spans": [span]}) + "\n", encoding="utf-8")
    with pytest.raises(InputError) as err:
        list(prodigy.read(path))
    assert (err.value.path, err.value.line) == (str(path), 2)
    assert reason in err.value.reason


def test_review_versions_become_their_sessions_annotations(tmp_path: Path) -> None:
    path = tmp_path / "review.jsonl"
    mine = [{"start": 0, "end": 3, "label": "ACTOR"}]
    theirs = [{"start": 0, "end": 7, "label": "ACTOR"}]
    line = {
        "text": "Ann Lee spoke",
        "spans": mine,
        "_session_id": "rev-judge",
        "answer": "accept",
        "versions": [
            {"spans": mine, "sessions": ["rev-judge", "rev-amy"]},
            {"spans": theirs, "sessions": ["rev-bo"]},
        ],
    }
    path.write_text(json.dumps(line), encoding="utf-8")
    (record,) = prodigy.read(path, dataset="rev")
    assert {(s.start, s.end, s.annotator) for s in record.spans} == {
        (0, 3, "judge"),
        (0, 3, "amy"),
        (0, 7, "bo"),
    }


def test_relation_ends_missing_from_spans_are_added(tmp_path: Path) -> None:
    path = tmp_path / "rel.jsonl"
    head = {"start": 0, "end": 3, "token_start": 0, "token_end": 0, "label": "QUOTE"}
    child = {"start": 4, "end": 7, "token_start": 1, "token_end": 1, "label": "ACTOR"}
    rel = {"head": 0, "child": 1, "head_span": head, "child_span": child, "label": "speaker"}
    path.write_text(json.dumps({"text": "Yes Ann", "spans": [head], "relations": [rel]}), encoding="utf-8")
    report = ReadReport(path)
    (record,) = prodigy.read(path, annotator="a", report=report)
    assert len(record.spans) == 2 and len(record.relations) == 1
    assert report.notes == {"relation ends that were not in 'spans', added as spans": 1}

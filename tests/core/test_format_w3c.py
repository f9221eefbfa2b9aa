"""W3C Web Annotation: quote + position selectors, linking annotations, texts beside the annotations."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

from annotator.errors import InputError
from annotator.formats import w3c
from annotator.formats.base import ExportReport
from annotator.formats.peerkit import ReadReport
from annotator.records import DocRecord, RelationRecord, SpanRecord
from tests.core.peer_fixtures import canon, corpora, fresh

SETTINGS = settings(
    max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)


@SETTINGS
@given(corpora(same_layer=False))
def test_round_trip_with_relations_across_annotators(tmp_path: Path, records: list[DocRecord]) -> None:
    out = fresh(tmp_path) / "annotations.jsonld"
    report = ExportReport(out)
    w3c.write(records, out, report)
    assert report.left_out == {}
    assert canon(w3c.read(out)) == canon(records)


def test_written_annotations_follow_the_model(tmp_path: Path) -> None:
    text = "x" * 40 + "\u201cNo,\u201d said Ann \U0001f600."
    record = DocRecord(
        text,
        source_url="https://news.example/a1",
        title="T",
        spans=[SpanRecord(40, 45, "QUOTE", "amy", key="1"), SpanRecord(51, 54, "ACTOR", "amy", key="2")],
        relations=[RelationRecord("1", "2", "speaker", "amy")],
    )
    out = tmp_path / "a.jsonld"
    w3c.write([record], out, ExportReport(out))
    doc = json.loads(out.read_text(encoding="utf-8"))
    assert doc["type"] == "AnnotationCollection" and doc["total"] == 3
    quote, actor, link = doc["first"]["items"]
    assert quote["body"] == [{"type": "TextualBody", "purpose": "tagging", "value": "QUOTE"}]
    assert quote["creator"] == {"type": "Person", "name": "amy"} and quote["created"].endswith("Z")
    selectors = {s["type"]: s for s in quote["target"]["selector"]}
    assert selectors["TextQuoteSelector"] == {
        "type": "TextQuoteSelector",
        "exact": "\u201cNo,\u201d",
        "prefix": "x" * 32,
        "suffix": " said Ann \U0001f600.",
    }
    assert selectors["TextPositionSelector"] == {"type": "TextPositionSelector", "start": 40, "end": 45}
    assert quote["target"]["source"] == "https://news.example/a1"
    assert link["motivation"] == "linking" and link["target"] == [{"id": quote["id"]}, {"id": actor["id"]}]
    assert doc["annotator:sources"] == [
        {"id": "https://news.example/a1", "type": "Text", "annotator:text": text, "annotator:title": "T"}
    ]


def _anno(
    ident: str, selectors: list[dict[str, Any]], tag: str | None = "ACTOR", **extra: Any
) -> dict[str, Any]:
    body = [{"type": "TextualBody", "value": "a comment"}]
    if tag:
        body.append({"type": "TextualBody", "purpose": "tagging", "value": tag})
    return {"id": ident, "type": "Annotation", "body": body, "target": {"selector": selectors}, **extra}


def _files(tmp_path: Path, annotations: list[dict[str, Any]], text: str) -> Path:
    (tmp_path / "peer.txt").write_text(text, encoding="utf-8")
    path = tmp_path / "peer.json"
    path.write_text(json.dumps(annotations, indent=2), encoding="utf-8")
    return path


def test_another_tools_annotations_with_the_text_beside_them(tmp_path: Path) -> None:
    text = "Ann met Bo. Then Bo \U0001f600 left."
    annotations = [
        _anno(
            "#1",
            [
                {"type": "TextQuoteSelector", "exact": "Ann"},
                {"type": "TextPositionSelector", "start": 0, "end": 3},
            ],
        ),
        _anno(
            "#2",
            [{"type": "TextQuoteSelector", "exact": "Bo", "prefix": "Then ", "suffix": " "}],
            creator="x",
        ),
        _anno(
            "#3",
            [
                {"type": "TextQuoteSelector", "exact": "left"},
                {"type": "TextPositionSelector", "start": 23, "end": 27},
            ],
        ),
        _anno("#4", [{"type": "TextQuoteSelector", "exact": "met"}], tag=None),
        {
            "id": "#5",
            "motivation": "linking",
            "body": [{"purpose": "tagging", "value": "knows"}],
            "target": [{"id": "#1"}, {"id": "#2"}],
        },
        {"id": "#6", "motivation": "linking", "body": [], "target": ["#1", "#4"]},
    ]
    path = _files(tmp_path, annotations, text)
    report = ReadReport(path)
    (record,) = w3c.read(path, annotator="me", report=report)
    spans = {s.key: (record.text[s.start : s.end], s.start, s.annotator) for s in record.spans}
    assert sorted(spans.values()) == [("Ann", 0, "me"), ("Bo", 17, "x"), ("left", 22, "me")]
    assert [(spans[r.source][0], r.type, spans[r.target][0]) for r in record.relations] == [
        ("Ann", "knows", "Bo")
    ]
    assert report.skipped == {
        "annotations without a tagging body (comments, highlights)": 1,
        "links that do not join two tagged annotations": 1,
    }
    assert report.notes == {
        "positions counted in UTF-16 units (JavaScript tools), converted": 1,
        "annotations located by their quote (no TextPositionSelector)": 2,
    }


@pytest.mark.parametrize(
    ("selectors", "reason"),
    [
        (
            [
                {"type": "TextQuoteSelector", "exact": "Bo"},
                {"type": "TextPositionSelector", "start": 0, "end": 2},
            ],
            "not at 0–2",
        ),
        ([{"type": "TextQuoteSelector", "exact": "Zed"}], "not found"),
        ([{"type": "FragmentSelector", "value": "p1"}], "no TextPositionSelector"),
    ],
)
def test_a_position_that_disagrees_with_its_quote_is_refused(
    tmp_path: Path, selectors: list[dict], reason: str
) -> None:
    path = _files(
        tmp_path,
        [_anno("#ok", [{"type": "TextQuoteSelector", "exact": "Ann"}]), _anno("#bad", selectors)],
        "Ann met Bo.",
    )
    with pytest.raises(InputError) as err:
        list(w3c.read(path))
    lines = path.read_text(encoding="utf-8").split("\n")
    assert err.value.path == str(path)
    assert err.value.line == next(i for i, line in enumerate(lines, start=1) if '"#bad"' in line) - 1
    assert reason in err.value.reason


def test_annotations_without_any_text_are_refused(tmp_path: Path) -> None:
    path = tmp_path / "lonely.json"
    path.write_text(json.dumps(_anno("#1", [{"type": "TextQuoteSelector", "exact": "a"}])), encoding="utf-8")
    with pytest.raises(InputError, match=r"lonely\.txt"):
        list(w3c.read(path))

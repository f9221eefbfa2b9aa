"""The "who said what" CSV: one row per quote/claim with its actors, readable by the csv module."""

from __future__ import annotations

import csv
from pathlib import Path

from annotator.formats import whosaid
from annotator.formats.base import ExportReport
from annotator.records import DocRecord, RelationRecord, SpanRecord


def _read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as fh:
        return list(csv.DictReader(fh))


def test_rows_with_one_two_and_no_actors(tmp_path: Path) -> None:
    text = "\U0001f600 \u201cWe won, again,\u201d said Ann and Bo.\nPrices will fall, a report claims."
    record = DocRecord(
        text,
        doc_id=12,
        title="Vote, count",
        published="2024-05-01",
        source_url="https://news.example/1",
        spans=[
            SpanRecord(2, 18, "QUOTE", "amy", key="q"),
            SpanRecord(24, 27, "ACTOR", "amy", key="a"),
            SpanRecord(32, 34, "ACTOR", "amy", key="b"),
            SpanRecord(36, 52, "CLAIM", "bo", key="c"),
            SpanRecord(36, 42, "quote", None, key="n"),
        ],
        relations=[
            RelationRecord("q", "a", "speaker", "amy"),
            RelationRecord("q", "b", "speaker", "amy"),
            RelationRecord("q", "a", "speaker", "bo"),
            RelationRecord("c", "a", "other", "bo"),
        ],
    )
    out = tmp_path / "who.csv"
    report = ExportReport(out)
    whosaid.write([record, DocRecord("No spans.")], out, report)
    rows = _read(out)
    assert list(rows[0]) == list(whosaid.COLUMNS)
    assert [(r["label"], r["text"], r["actor"], r["annotator"], r["start"], r["end"]) for r in rows] == [
        ("QUOTE", "\u201cWe won, again,\u201d", "Ann | Bo", "amy", "2", "18"),
        ("quote", "Prices", "", "", "36", "42"),
        ("CLAIM", "Prices will fall", "", "bo", "36", "52"),
    ]
    assert {(r["document_id"], r["title"], r["date"], r["source_url"]) for r in rows} == {
        ("12", "Vote, count", "2024-05-01", "https://news.example/1")
    }
    assert report.documents == 2 and report.left_out == {}


def test_labels_and_relation_types_can_be_chosen(tmp_path: Path) -> None:
    record = DocRecord(
        "Ann: yes",
        spans=[SpanRecord(0, 3, "SOURCE", key="1"), SpanRecord(5, 8, "STATEMENT", key="2")],
        relations=[RelationRecord("2", "1", "said_by")],
    )
    out = tmp_path / "who.csv"
    whosaid.write([record], out, ExportReport(out), labels=["statement"], relation_types=["said_by"])
    assert [(r["text"], r["actor"]) for r in _read(out)] == [("yes", "Ann")]

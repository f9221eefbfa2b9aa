"""The "who said what" CSV: one row per quote/claim with its actors, readable by the csv module."""

from __future__ import annotations

import csv
import json
from pathlib import Path

from annotator.export import ExportOptions, export
from annotator.formats import whosaid
from annotator.formats.base import ExportReport
from annotator.model import Project
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.store import Store
from tests.core.whosaid_fixture import whosaid_project


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


def test_actor_columns_come_from_the_registry_and_cue_from_its_relation(tmp_path: Path) -> None:
    text = "Ann said yes, and Bo agreed. Cy: no."
    record = DocRecord(
        text,
        spans=[
            SpanRecord(0, 3, "ACTOR", key="1"),
            SpanRecord(4, 8, "CUE", key="2"),
            SpanRecord(9, 12, "QUOTE", key="3", attributes={"type": "indirect", "tone": ["calm", "dry"]}),
            SpanRecord(18, 20, "ACTOR", key="4"),
            SpanRecord(29, 31, "ACTOR", key="5"),
            SpanRecord(33, 35, "QUOTE", key="6"),
        ],
        relations=[
            RelationRecord("3", "1", "speaker"),
            RelationRecord("3", "4", "speaker"),
            RelationRecord("3", "2", "cue"),
            RelationRecord("6", "5", "speaker"),
        ],
    )
    registry = whosaid.ActorRegistry(
        {"1": 7}, {7: whosaid.ActorInfo(7, "Ann Lee", "Q1", {"role": "mayor", "party": "X"})}
    )
    out = tmp_path / "who.csv"
    whosaid.write([record], out, ExportReport(out), registry=registry)
    first, second = _read(out)
    assert (first["actor"], first["actor_id"], first["actor_name"], first["actor_external_id"]) == (
        "Ann | Bo",
        "7 | ",  # Bo is not in the registry: an empty cell at his place
        "Ann Lee | ",
        "Q1 | ",
    )
    assert json.loads(first["actor_attributes"].split(" | ")[0]) == {"role": "mayor", "party": "X"}
    assert json.loads(first["quote_attributes"]) == {"type": "indirect", "tone": ["calm", "dry"]}
    assert first["cue"] == "said"
    assert [second[c] for c in ("actor", "actor_id", "actor_name", "actor_attributes", "cue")] == [
        "Cy",
        "",
        "",
        "",
        "",
    ]


def test_a_project_export_fills_actor_columns_following_merges(
    store: Store, project: Project, tmp_path: Path
) -> None:
    fx = whosaid_project(store, project.id)
    out = tmp_path / "who.csv"
    with store.session() as s:
        export(s, project.id, "whosaid", out, options=ExportOptions(layer="annotator:alice"))
    by_text = {r["text"]: r for r in _read(out)}
    quote, claim = by_text["We will talk."], by_text["talks would resume"]
    assert (quote["actor_id"], quote["actor_name"], quote["actor_external_id"]) == (
        str(fx.blinken),
        "Antony Blinken",
        "Q7432",
    )
    assert json.loads(quote["actor_attributes"]) == {"role": "minister", "party": "D"}
    assert (quote["cue"], json.loads(quote["quote_attributes"])) == ("said", {"type": "direct"})
    assert (claim["actor"], claim["actor_id"], claim["actor_name"]) == (
        "Blinken",
        str(fx.blinken),
        "Antony Blinken",
    )
    assert by_text["nothing else"]["actor_id"] == "" and by_text["nothing else"]["actor"] == "He"


def test_the_speaker_links_own_values_have_a_column(tmp_path: Path) -> None:
    text = "Ann and Bo said yes. Cy: no."
    record = DocRecord(
        text,
        spans=[
            SpanRecord(0, 3, "ACTOR", key="1"),
            SpanRecord(8, 10, "ACTOR", key="2"),
            SpanRecord(16, 19, "QUOTE", key="3"),
            SpanRecord(21, 23, "ACTOR", key="4"),
            SpanRecord(25, 27, "QUOTE", key="5"),
        ],
        relations=[
            RelationRecord("3", "1", "speaker", attributes={"certain": True, "role": "source"}),
            RelationRecord("3", "2", "speaker"),
            RelationRecord("5", "4", "speaker"),
        ],
    )
    out = tmp_path / "who.csv"
    whosaid.write([record], out, ExportReport(out))
    both, plain = _read(out)
    assert both["actor"] == "Ann | Bo"
    first, second = both["speaker_link_attributes"].split(" | ")
    assert (json.loads(first), json.loads(second)) == ({"certain": True, "role": "source"}, {})
    assert plain["speaker_link_attributes"] == ""


def test_a_project_export_carries_the_speaker_links_values(
    store: Store, project: Project, tmp_path: Path
) -> None:
    from sqlalchemy import select, update

    from annotator.attributes import define_attribute
    from annotator.model import Relation, RelationType

    whosaid_project(store, project.id)
    with store.transaction() as tx:
        speaker = tx.session.scalars(
            select(RelationType).where(RelationType.project_id == project.id, RelationType.name == "speaker")
        ).one()
        define_attribute(tx, project.id, "speaker", "certain", "bool", scope="relation")
        tx.session.execute(
            update(Relation).where(Relation.type_id == speaker.id).values(attributes={"certain": False})
        )
    out = tmp_path / "who.csv"
    with store.session() as s:
        export(s, project.id, "whosaid", out, options=ExportOptions(layer="annotator:alice"))
    by_text = {r["text"]: r for r in _read(out)}
    assert json.loads(by_text["We will talk."]["speaker_link_attributes"]) == {"certain": False}
    assert by_text["talks would resume"]["speaker_link_attributes"] == ""  # a claimant link without values

"""Review: merging teammates' work, classifying disagreements, adjudicating into gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.errors import ValidationError
from annotator.export import export
from annotator.model import Annotation, Annotator, Document, Project, Rejection, Role
from annotator.ops.annotations import create_span, delete_spans
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project, ensure_annotator
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.review.compare import Kind, Link, Mark, compare, next_disagreement
from annotator.review.gold import accept_agreed, accept_relations, accept_spans, reject, set_review_status
from annotator.review.merge import merge, read_source
from annotator.store import Actor, Store, open_store
from tests.core.helpers import annotator_id, label_id

TEXT = 'Mayor Ana Ruiz said: "The bridge opens in May." Critics disagree.'


def sp(sub: str, label: str, who: str, key: str) -> SpanRecord:
    start = TEXT.index(sub)
    return SpanRecord(start, start + len(sub), label, who, sub, key)


def test_compare_classifies_each_kind_of_disagreement() -> None:
    marks = [
        Mark(1, "a", 0, 5, "ACTOR"),
        Mark(2, "b", 0, 5, "ACTOR"),  # agreed
        Mark(3, "a", 10, 15, "CLAIM"),
        Mark(4, "b", 10, 15, "QUOTE"),  # label differs
        Mark(5, "a", 20, 30, "QUOTE"),
        Mark(6, "b", 21, 30, "QUOTE"),  # boundaries differ
        Mark(7, "a", 40, 45, "ACTOR"),  # only a
    ]
    links = [Link(1, "a", (10, 15, "CLAIM"), (0, 5, "ACTOR"), "claimant")]
    units = compare(marks, links, ["a", "b"])
    kinds = [(u.start, u.kind) for u in units]
    assert kinds == [
        (0, Kind.AGREED),
        (0, Kind.RELATION),
        (10, Kind.LABEL),
        (20, Kind.BOUNDARIES),
        (40, Kind.ONLY_SOME),
    ]
    nxt = next_disagreement(units, 10)
    assert nxt is not None and nxt.start == 20
    prev = next_disagreement(units, 10, backwards=True)
    assert prev is not None and prev.kind == Kind.RELATION
    assert compare(marks, [], ["a"])[-1].kind == Kind.AGREED


def _two_annotators(store: Store, project: Project) -> int:
    record = DocRecord(
        TEXT,
        spans=[
            sp("Ana Ruiz", "ACTOR", "alice", "1"),
            sp('"The bridge opens in May."', "QUOTE", "alice", "2"),
            sp("Ana Ruiz", "ACTOR", "bob", "3"),
            sp("The bridge opens in May", "QUOTE", "bob", "4"),
        ],
        relations=[RelationRecord("2", "1", "speaker", "alice")],
    )
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        return import_records(tx, project.id, [record]).document_ids[0]


def test_adjudication_into_gold_records_sources_and_reviewer(store: Store, project: Project) -> None:
    doc = _two_annotators(store, project)
    riley = Actor("riley", annotator_id(store, project.id, "riley"), Role.REVIEWER.value)
    alice_actor = Actor("alice", annotator_id(store, project.id, "alice"))
    alice, bob = annotator_id(store, project.id, "alice"), annotator_id(store, project.id, "bob")
    with pytest.raises(ValidationError, match="not a reviewer"), store.transaction(actor=alice_actor) as tx:
        accept_agreed(tx, doc, [alice, bob])
    with store.transaction(actor=riley) as tx:
        agreed = accept_agreed(tx, doc, [alice, bob])
        relation_ids = [r for r in tx.session.scalars(select(Annotation.id))]
    assert len(agreed) == 1
    with store.session() as s:
        gold = s.get_one(Annotation, agreed[0])
        assert (gold.text, gold.sources, gold.adjudicator_id) == ("Ana Ruiz", ["alice", "bob"], riley.id)
        assert s.get_one(Document, doc).review_status == "in review"
    quote = label_id(store, project.id, "QUOTE")
    start = TEXT.index("The bridge")
    with store.transaction(actor=riley) as tx:
        reject(tx, doc, quote, start, start + len("The bridge opens in May"))
        rel = tx.session.scalars(select(Annotation.id).where(Annotation.annotator_id == alice)).all()
        from annotator.model import Relation

        alice_relation = tx.session.scalars(select(Relation.id).where(Relation.annotator_id == alice)).one()
        gold_relations = accept_relations(tx, [alice_relation])
        set_review_status(tx, [doc], "adjudicated")
    assert relation_ids and rel and len(gold_relations) == 1
    with store.session() as s:
        gold_id = s.scalars(select(Annotator.id).where(Annotator.role == "gold")).one()
        gold_spans = s.scalars(
            select(Annotation).where(Annotation.annotator_id == gold_id).order_by(Annotation.start)
        ).all()
        assert sorted(g.text for g in gold_spans) == ['"The bridge opens in May."', "Ana Ruiz"]
        assert s.scalars(select(Rejection)).one().reviewer_id == riley.id
        assert s.get_one(Document, doc).review_status == "adjudicated"
    # Reviewers may edit gold in a review operation; annotators may not, nor anyone outside review.
    for who in (alice_actor, riley, None):
        with (
            pytest.raises(ValidationError, match="gold layer"),
            store.transaction(actor=who) as tx,
        ):
            delete_spans(tx, [gold_spans[0].id])
    with (
        pytest.raises(ValidationError, match="alice is not a reviewer"),
        store.transaction(actor=alice_actor, review=True) as tx,
    ):
        delete_spans(tx, [gold_spans[0].id])
    with store.transaction(actor=riley, review=True) as tx:
        delete_spans(tx, [gold_spans[0].id])
    with store.transaction(actor=riley) as tx:
        ruiz = tx.session.scalars(
            select(Annotation.id).where(Annotation.annotator_id == alice, Annotation.text == "Ana Ruiz")
        ).one()
        [again] = accept_spans(tx, [ruiz])
    with store.session() as s:
        assert s.get_one(Annotation, again).sources == ["alice"]


def _export(store: Store, project_id: int, path: Path) -> Path:
    with store.session() as s:
        export(s, project_id, "jsonl", path)
    return path


def test_merging_a_teammate_export_adds_removes_and_is_idempotent(
    store: Store, project: Project, tmp_path: Path
) -> None:
    # The teammate's own project: same text, their spans.
    mate = open_store(f"sqlite:///{tmp_path / 'mate.db'}")
    with mate.transaction() as tx:
        mate_project = create_project(tx, "Mate").id
        import_records(
            tx,
            mate_project,
            [
                DocRecord(
                    TEXT,
                    spans=[
                        sp("Ana Ruiz", "ACTOR", "carol", "1"),
                        sp('"The bridge opens in May."', "QUOTE", "carol", "2"),
                    ],
                    relations=[RelationRecord("2", "1", "speaker", "carol")],
                ),
                DocRecord("A second text only the teammate has.", spans=[SpanRecord(2, 8, "ACTOR", "carol")]),
            ],
        )
    # Our project has the first text with alice's spans.
    _two_annotators(store, project)
    first = merge(store, project.id, read_source(_export(mate, mate_project, tmp_path / "v1.jsonl")))
    assert (first.documents_added, first.spans_added, first.relations_added) == (1, 3, 1)
    again = merge(store, project.id, read_source(tmp_path / "v1.jsonl"))
    assert (again.spans_added, again.spans_removed, again.relations_added, again.relations_removed) == (
        0,
        0,
        0,
        0,
    )
    assert again.spans_kept == 3
    # carol deletes her quote (and so its relation) and adds a claim; we merge from her database file.
    carol = annotator_id(mate, mate_project, "carol")
    with mate.transaction() as tx:
        quote_id = tx.session.scalars(
            select(Annotation.id).where(
                Annotation.annotator_id == carol, Annotation.label_id == label_id(mate, mate_project, "QUOTE")
            )
        ).one()
        delete_spans(tx, [quote_id])
        doc_id = tx.session.scalars(select(Document.id).where(Document.text == TEXT)).one()
        start = TEXT.index("Critics")
        create_span(
            tx, doc_id, start, start + len("Critics disagree"), label_id(mate, mate_project, "CLAIM"), carol
        )
    mate.close()
    second = merge(store, project.id, read_source(tmp_path / "mate.db"))
    # Her quote's speaker link goes with the quote.
    assert (second.spans_added, second.spans_removed, second.relations_removed) == (1, 1, 1)
    assert "replaced carol's labels in 1 document(s)" in second.summary()
    with store.session() as s:
        people = dict(s.execute(select(Annotator.id, Annotator.name)).all())
        spans = sorted((people[a.annotator_id], a.text) for a in s.scalars(select(Annotation)))
    assert spans == [
        ("alice", '"The bridge opens in May."'),
        ("alice", "Ana Ruiz"),
        ("bob", "Ana Ruiz"),
        ("bob", "The bridge opens in May"),
        ("carol", "Ana Ruiz"),
        ("carol", "Critics disagree"),
        ("carol", "second"),
    ]


def test_merge_can_leave_out_annotators(store: Store, project: Project, tmp_path: Path) -> None:
    path = tmp_path / "export.jsonl"
    line = {
        "text": TEXT,
        "spans": [
            {"id": 1, "start": 6, "end": 14, "label": "ACTOR", "annotator": "alice"},
            {"id": 2, "start": 6, "end": 14, "label": "ACTOR", "annotator": "dan"},
        ],
    }
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    summary = merge(store, project.id, read_source(path), exclude=["alice"])
    assert summary.annotators == ["dan"] and summary.spans_added == 1


def test_merge_and_review_commands(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from annotator.cli import main

    db = f"sqlite:///{tmp_path / 'cli.db'}"
    line = {
        "text": TEXT,
        "spans": [
            {"id": 1, "start": 6, "end": 14, "label": "ACTOR", "annotator": "alice"},
            {"id": 2, "start": 6, "end": 14, "label": "ACTOR", "annotator": "bob"},
        ],
    }
    source = tmp_path / "mate.jsonl"
    source.write_text(json.dumps(line) + "\n", encoding="utf-8")
    main(["--db", db, "init"])
    assert main(["--db", db, "merge", str(source)]) == 0
    assert "merged alice, bob: 1 new document(s); spans +2" in capsys.readouterr().out
    assert main(["--db", db, "merge", str(source)]) == 0
    assert "spans +0 -0 (2 unchanged)" in capsys.readouterr().out
    assert (
        main(["--db", db, "review", "accept-agreed", "1", "--annotator", "alice", "--annotator", "bob"]) == 0
    )
    assert "accepted 1 agreed span(s)" in capsys.readouterr().out
    assert main(["--db", db, "review", "status", "adjudicated", "1"]) == 0


def test_agree_command_prints_and_writes_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from annotator.cli import main

    db = f"sqlite:///{tmp_path / 'agree.db'}"
    assert main(["--db", db, "demo"]) == 0
    capsys.readouterr()
    csv_path, json_path = tmp_path / "agree.csv", tmp_path / "agree.json"
    assert main(["--db", db, "agree", "--csv", str(csv_path), "--json", str(json_path)]) == 0
    table = capsys.readouterr().out
    for metric in (
        "span_f1_exact",
        "span_f1_overlap",
        "relation_f1_exact",
        "token_kappa",
        "token_alpha",
        "unitizing_alpha",
    ):
        assert metric in table
    rows = json.loads(json_path.read_text(encoding="utf-8"))["rows"]
    kappa = next(r for r in rows if r["metric"] == "token_kappa" and r["label"] == "*")
    assert kappa["annotators"] == "alice|bob" and 0 < kappa["value"] < 1
    assert csv_path.read_text(encoding="utf-8").startswith("metric,")
    assert main(["--db", db, "agree", "--annotators", "alice"]) == 1
    assert "at least two annotators" in capsys.readouterr().err


def test_merge_is_audited_under_the_merging_user(store: Store, project: Project, tmp_path: Path) -> None:
    from annotator.model import AuditEntry

    path = tmp_path / "mate.jsonl"
    path.write_text(
        json.dumps(
            {"text": TEXT, "spans": [{"id": 1, "start": 6, "end": 14, "label": "ACTOR", "annotator": "dan"}]}
        )
        + "\n",
        encoding="utf-8",
    )
    merge(store, project.id, read_source(path), by="riley")
    with store.session() as s:
        actors = set(s.scalars(select(AuditEntry.actor).where(AuditEntry.entity == "annotation")))
    assert actors == {"riley (merge)"}

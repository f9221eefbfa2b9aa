"""Imports write as the person running them; a reviewer may keep the file's names (issue 12).

And a native export carries the gold layer and the review's decisions, so a round trip through a
fresh project keeps them (issue 11 §5).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.model import (
    Annotation,
    Annotator,
    AuditEntry,
    Document,
    Project,
    Rejection,
    Relation,
    RelationRejection,
)
from annotator.store import Store, open_store

TEXT = 'Mayor Ana Ruiz said: "The bridge opens in May." Critics disagree.'


def _span(sid: int, sub: str, label: str, who: str) -> dict[str, object]:
    start = TEXT.index(sub)
    return {"id": sid, "start": start, "end": start + len(sub), "label": label, "text": sub, "annotator": who}


def _file(tmp_path: Path) -> Path:
    """A file that gives spans to alice and to the gold layer (as a crafted or foreign file would)."""
    line = {
        "text": TEXT,
        "spans": [_span(1, "Ana Ruiz", "ACTOR", "alice"), _span(2, "Critics disagree", "CLAIM", "gold")],
    }
    path = tmp_path / "theirs.jsonl"
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    return path


def _team(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    """A project with alice and bob (annotators) and riley (reviewer)."""
    db = f"sqlite:///{tmp_path / 'team.db'}"
    assert main(["--db", db, "init"]) == 0
    other = tmp_path / "other.txt"
    other.write_text("Another article about the bridge.", encoding="utf-8")
    assert main(["--db", db, "import", str(other)]) == 0
    for who in ("alice", "bob", "riley"):
        assert main(["--db", db, "annotate", "1", "0", "7", "ACTOR", "--annotator", who]) == 0
    assert main(["--db", db, "review", "role", "riley", "reviewer"]) == 0
    capsys.readouterr()
    return db


def _owners(db: str) -> list[tuple[str, str, str]]:
    store = open_store(db)
    try:
        with store.session() as s:
            rows = s.execute(
                select(Annotator.name, Annotator.role, Annotation.text)
                .join(Annotator, Annotator.id == Annotation.annotator_id)
                .join(Document, Document.id == Annotation.document_id)
                .where(Document.text == TEXT)
                .order_by(Annotation.start)
            ).all()
        return [tuple(r) for r in rows]  # type: ignore[misc]
    finally:
        store.close()


def _import_audit(db: str) -> list[tuple[str, dict[str, object] | None]]:
    store = open_store(db)
    try:
        with store.session() as s:
            rows = s.execute(
                select(AuditEntry.actor, AuditEntry.detail).where(
                    AuditEntry.entity == "annotation",
                    AuditEntry.action == "created",
                    AuditEntry.entity_id.is_(None),
                )
            ).all()
        return [(r[0], r[1]) for r in rows]
    finally:
        store.close()


def test_an_import_writes_every_label_as_the_person_running_it(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _team(tmp_path, capsys)
    assert main(["--db", db, "import", str(_file(tmp_path)), "--annotator", "bob"]) == 0
    out = capsys.readouterr().out
    assert "2 label(s) the file gives to others (alice 1, gold 1) imported as bob's" in out
    assert _owners(db) == [("bob", "annotator", "Ana Ruiz"), ("bob", "annotator", "Critics disagree")]
    [(_actor, detail)] = _import_audit(db)
    assert detail == {"by": "bob", "reassigned_from": {"alice": 1, "gold": 1}}


def test_an_import_of_named_labels_without_a_name_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _team(tmp_path, capsys)
    path = _file(tmp_path)
    assert main(["--db", db, "import", str(path)]) == 1
    err = capsys.readouterr().err
    assert f"{path}:1: span 6–14 names the annotator 'alice'; pass --annotator NAME" in err
    assert _owners(db) == []


def test_keeping_the_names_needs_a_reviewer_and_is_audited(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = _team(tmp_path, capsys)
    path = _file(tmp_path)
    for who in ([], ["--annotator", "bob"]):
        assert main(["--db", db, "import", str(path), "--keep-annotators", *who]) == 1
        err = capsys.readouterr().err
        assert "only a reviewer may import labels as the annotators the file names" in err
        assert "reviewers: riley" in err
    assert _owners(db) == []
    assert main(["--db", db, "import", str(path), "--keep-annotators", "--annotator", "riley"]) == 0
    assert "imported as alice, gold (names kept)" in capsys.readouterr().out
    # The gold span went into the project's gold layer, not to an ordinary annotator named "gold".
    assert _owners(db) == [("alice", "annotator", "Ana Ruiz"), ("gold", "gold", "Critics disagree")]
    [(_actor, detail)] = _import_audit(db)
    assert detail == {"by": "riley", "keep_annotators": True, "as": ["alice", "gold"]}


def test_a_fresh_project_may_be_filled_with_the_names_kept(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["--db", db, "init"]) == 0
    assert main(["--db", db, "import", str(_file(tmp_path)), "--keep-annotators"]) == 0
    assert _owners(db) == [("alice", "annotator", "Ana Ruiz"), ("gold", "gold", "Critics disagree")]


# --- the gold layer and the review's decisions survive a native round trip ----------------------


def _reviewed_project(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """alice and bob label a quote and its speaker; riley accepts, rejects and adjudicates."""
    from annotator.model import Role
    from annotator.ops.projects import find_project
    from annotator.review.gold import (
        accept_agreed,
        accept_relations,
        reject,
        reject_relation,
        set_review_status,
    )
    from annotator.store import Actor

    assert main(["--db", db, "init"]) == 0
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    assert main(["--db", db, "import", str(article)]) == 0
    quote, actor = TEXT.index('"The'), TEXT.index("Ana")
    for who in ("alice", "bob"):
        assert (
            main(["--db", db, "annotate", "1", str(actor), str(actor + 8), "ACTOR", "--annotator", who]) == 0
        )
    assert (
        main(["--db", db, "annotate", "1", str(quote), str(quote + 26), "QUOTE", "--annotator", "alice"]) == 0
    )
    assert (
        main(["--db", db, "annotate", "1", str(quote + 1), str(quote + 24), "QUOTE", "--annotator", "bob"])
        == 0
    )
    assert main(["--db", db, "annotate", "1", "0", "5", "ACTOR", "--annotator", "riley"]) == 0
    assert main(["--db", db, "review", "role", "riley", "reviewer"]) == 0
    store = open_store(db)
    with store.session() as s:
        project_id = find_project(s).id
        people = dict(s.execute(select(Annotator.name, Annotator.id)).all())
    from annotator.ops.labels import get_label
    from annotator.ops.relations import create_relation

    with store.transaction() as tx:
        spans = dict(
            tx.session.execute(
                select(Annotation.annotator_id, Annotation.id).where(
                    Annotation.label_id == get_label(tx, project_id, "QUOTE").id
                )
            ).all()
        )
        actors = dict(
            tx.session.execute(
                select(Annotation.annotator_id, Annotation.id).where(
                    Annotation.label_id == get_label(tx, project_id, "ACTOR").id
                )
            ).all()
        )
        kind = get_label_type(tx, project_id)
        speaker = create_relation(
            tx, spans[people["alice"]], actors[people["alice"]], kind, people["alice"]
        ).id
        create_relation(tx, spans[people["bob"]], actors[people["bob"]], kind, people["bob"])
    riley = Actor("riley", people["riley"], Role.REVIEWER.value)
    with store.transaction(actor=riley) as tx:
        quote_label = get_label(tx, project_id, "QUOTE").id
        actor_label = get_label(tx, project_id, "ACTOR").id
        accept_agreed(tx, 1, [people["alice"], people["bob"]])
        from annotator.review.gold import accept_spans

        accept_spans(tx, [spans[people["alice"]]])
        accept_relations(tx, [speaker])
        reject(tx, 1, quote_label, quote + 1, quote + 24)
        reject_relation(
            tx,
            1,
            get_label_type(tx, project_id),
            (quote + 1, quote + 24, quote_label),
            (0, 5, actor_label),  # riley's actor, not in gold: rejecting it keeps the accepted link
        )
        set_review_status(tx, [1], "adjudicated")
    store.close()
    capsys.readouterr()


def get_label_type(tx: object, project_id: int) -> int:
    from annotator.model import RelationType

    return tx.session.scalars(  # type: ignore[attr-defined, no-any-return]
        select(RelationType.id).where(RelationType.project_id == project_id, RelationType.name == "speaker")
    ).one()


def _review_state(db: str) -> dict[str, object]:
    """The gold layer with its provenance and the review's decisions, by name and offsets."""
    store = open_store(db)
    try:
        with store.session() as s:
            names = dict(s.execute(select(Annotator.id, Annotator.name)).all())
            roles = dict(s.execute(select(Annotator.name, Annotator.role)).all())
            spans = {a.id: a for a in s.scalars(select(Annotation))}
            gold = sorted(
                (a.start, a.end, a.text, tuple(a.sources or ()), names.get(a.adjudicator_id or 0))
                for a in spans.values()
                if roles[names[a.annotator_id]] == "gold"
            )
            gold_relations = sorted(
                (
                    spans[r.source_id].start,
                    spans[r.target_id].start,
                    tuple(r.sources or ()),
                    names.get(r.adjudicator_id or 0),
                )
                for r in s.scalars(select(Relation))
                if roles[names[r.annotator_id]] == "gold"
            )
            rejections = sorted(
                (r.start, r.end, names.get(r.reviewer_id or 0)) for r in s.scalars(select(Rejection))
            )
            relation_rejections = sorted(
                (r.source_start, r.target_start, names.get(r.reviewer_id or 0))
                for r in s.scalars(select(RelationRejection))
            )
            status = sorted(s.scalars(select(Document.review_status)))
        return {
            "gold": gold,
            "gold_relations": gold_relations,
            "rejections": rejections,
            "relation_rejections": relation_rejections,
            "status": status,
            "gold_role": roles.get("gold"),
        }
    finally:
        store.close()


def _export_gold(db: str, path: Path) -> None:
    assert main(["--db", db, "export", "--format", "jsonl", "--layer", "gold", "-o", str(path)]) == 0


def test_a_native_round_trip_keeps_the_gold_layer_and_the_review(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    _reviewed_project(source, tmp_path, capsys)
    before = _review_state(source)
    assert (
        before["gold"] and before["gold_relations"] and before["rejections"] and before["relation_rejections"]
    )
    assert main(["--db", source, "export", "--format", "jsonl", "-o", str(tmp_path / "all.jsonl")]) == 0
    _export_gold(source, tmp_path / "g1.jsonl")
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["--db", fresh, "init"]) == 0
    assert main(["--db", fresh, "import", str(tmp_path / "all.jsonl"), "--keep-annotators"]) == 0
    assert _review_state(fresh) == before
    assert before["gold_role"] == "gold"
    # The gold layer is one again: it exports, and review goes on from it.
    _export_gold(fresh, tmp_path / "g2.jsonl")

    def spans_of(path: Path) -> list[object]:
        line = json.loads(path.read_text(encoding="utf-8"))
        return sorted(
            (s["start"], s["end"], s["label"], s.get("sources"), s.get("adjudicator")) for s in line["spans"]
        )

    assert spans_of(tmp_path / "g2.jsonl") == spans_of(tmp_path / "g1.jsonl")
    # Exporting the restored project gives the same file as the original's, apart from ids.
    assert main(["--db", fresh, "export", "--format", "jsonl", "-o", str(tmp_path / "again.jsonl")]) == 0

    def without_ids(path: Path) -> dict[str, object]:
        line = json.loads(path.read_text(encoding="utf-8"))
        ids = {s["id"]: (s["start"], s["end"], s["label"], s["annotator"]) for s in line["spans"]}
        line["spans"] = sorted(
            (*ids[s["id"]], s.get("sources"), s.get("adjudicator"), s["updated_at"]) for s in line["spans"]
        )
        line["relations"] = sorted(
            (ids[r["from"]], ids[r["to"]], r["type"], r["annotator"], r.get("sources"))
            for r in line["relations"]
        )
        for key in ("id", "as_of"):
            line.pop(key, None)
        return line

    assert without_ids(tmp_path / "again.jsonl") == without_ids(tmp_path / "all.jsonl")
    capsys.readouterr()
    assert (
        main(["--db", fresh, "review", "accept-agreed", "1", "--annotator", "alice", "--annotator", "bob"])
        == 0
    )
    assert "accepted 1 agreed span(s) into gold" in capsys.readouterr().out


def test_without_keeping_names_gold_in_a_file_is_not_gold(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    source = f"sqlite:///{tmp_path / 'source.db'}"
    _reviewed_project(source, tmp_path, capsys)
    assert main(["--db", source, "export", "--format", "jsonl", "-o", str(tmp_path / "all.jsonl")]) == 0
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    assert main(["--db", fresh, "init"]) == 0
    assert main(["--db", fresh, "import", str(tmp_path / "all.jsonl"), "--annotator", "dan"]) == 0
    state = _review_state(fresh)
    assert state["gold"] == [] and state["rejections"] == [] and state["status"] == ["unreviewed"]
    assert {who for who, _role, _text in _owners(fresh)} == {"dan"}


def test_gold_and_decisions_round_trip_on_every_backend(
    store: Store, project: Project, tmp_path: Path
) -> None:
    """The same round trip through the core, on SQLite and PostgreSQL (ids read back there)."""
    from annotator.export import export
    from annotator.formats import native
    from annotator.model import Role
    from annotator.ops.importer import import_records
    from annotator.ops.projects import create_project, ensure_annotator
    from annotator.records import DocRecord, RelationRecord, SpanRecord
    from annotator.review.gold import accept_relations, accept_spans, reject, set_review_status
    from annotator.store import Actor

    quote, actor = TEXT.index('"The'), TEXT.index("Ana")
    spans = [
        SpanRecord(actor, actor + 8, "ACTOR", "alice", None, "1"),
        SpanRecord(quote, quote + 26, "QUOTE", "alice", None, "2"),
        SpanRecord(quote + 1, quote + 24, "QUOTE", "bob", None, "3"),
    ]
    with store.transaction() as tx:
        riley = ensure_annotator(tx, project.id, "riley", Role.REVIEWER).id
        doc = import_records(
            tx,
            project.id,
            [DocRecord(TEXT, spans=spans, relations=[RelationRecord("2", "1", "speaker", "alice")])],
        ).document_ids[0]
    with store.transaction(actor=Actor("riley", riley, Role.REVIEWER.value)) as tx:
        alice_spans = tx.session.scalars(
            select(Annotation.id).where(Annotation.text != TEXT[quote + 1 : quote + 24])
        ).all()
        accept_spans(tx, list(alice_spans))
        accept_relations(tx, list(tx.session.scalars(select(Relation.id))))
        bob_quote = tx.session.scalars(select(Annotation).where(Annotation.start == quote + 1)).one()
        reject(tx, doc, bob_quote.label_id, quote + 1, quote + 24)
        set_review_status(tx, [doc], "adjudicated")
    path = tmp_path / "all.jsonl"
    with store.session() as s:
        export(s, project.id, "jsonl", path)
    with store.transaction() as tx:
        fresh = create_project(tx, "Fresh").id
        import_records(tx, fresh, native.read(path), keep_annotators=True)

    def state(project_id: int) -> tuple[object, ...]:
        with store.session() as s:
            people = dict(
                s.execute(
                    select(Annotator.id, Annotator.name).where(Annotator.project_id == project_id)
                ).all()
            )
            roles = dict(
                s.execute(
                    select(Annotator.name, Annotator.role).where(Annotator.project_id == project_id)
                ).all()
            )
            gold = sorted(
                (a.start, a.end, tuple(a.sources or ()), people.get(a.adjudicator_id or 0))
                for a in s.scalars(select(Annotation).where(Annotation.annotator_id.in_(people)))
                if roles[people[a.annotator_id]] == "gold"
            )
            links = sorted(
                (tuple(r.sources or ()), people.get(r.adjudicator_id or 0))
                for r in s.scalars(select(Relation).where(Relation.annotator_id.in_(people)))
                if roles[people[r.annotator_id]] == "gold"
            )
            docs = select(Document.id).where(Document.project_id == project_id)
            rejected = sorted(
                (r.start, r.end, people.get(r.reviewer_id or 0))
                for r in s.scalars(select(Rejection).where(Rejection.document_id.in_(docs)))
            )
            status = list(s.scalars(select(Document.review_status).where(Document.project_id == project_id)))
        return gold, links, rejected, status

    before = state(project.id)
    assert before[0] and before[1] and before[2] and before[3] == ["adjudicated"]
    assert state(fresh) == before

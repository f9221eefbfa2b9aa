"""`annotator db copy`: projects move between databases with nothing lost."""

from __future__ import annotations

import shutil
from pathlib import Path
from typing import Any, cast
from unittest.mock import ANY

import pytest
from sqlalchemy import func, select

from annotator.cli import main
from annotator.dbcopy import copy_projects
from annotator.errors import AnnotatorError
from annotator.model import (
    Annotation,
    Annotator,
    AuditEntry,
    Document,
    Label,
    Rejection,
    Relation,
    RelationRejection,
    RelationType,
    Role,
)
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project, ensure_annotator
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.review.gold import accept_relations, accept_spans, reject, reject_relation
from annotator.store import Actor, Store, open_store

FIXTURE = Path(__file__).parents[1] / "fixtures" / "migrations" / "schema-0001.db"


def snapshot(store: Store) -> dict[str, object]:
    """Everything a project holds, by value (ids replaced by what they name)."""
    with store.session() as s:
        labels = {lab.id: lab.name for lab in s.scalars(select(Label))}
        people: dict[int | None, str | None] = {a.id: a.name for a in s.scalars(select(Annotator))}
        people[None] = None
        docs = {d.id: d.content_hash for d in s.scalars(select(Document))}
        spans = {
            a.id: (docs[a.document_id], a.start, a.end, labels[a.label_id], people[a.annotator_id])
            for a in s.scalars(select(Annotation))
        }
        types = {t.id: t.name for t in s.scalars(select(RelationType))}
        return {
            "labels": sorted(
                (lab.name, lab.color, lab.hotkey, lab.description, lab.position)
                for lab in s.scalars(select(Label))
            ),
            "types": sorted(
                (t.name, labels.get(t.from_label_id or 0), labels.get(t.to_label_id or 0), t.color)
                for t in s.scalars(select(RelationType))
            ),
            "annotators": sorted((a.name, a.role) for a in s.scalars(select(Annotator))),
            "documents": sorted(
                (d.text, d.title, d.author, d.published, d.source_url, d.status, str(d.meta), d.created_at)
                for d in s.scalars(select(Document))
            ),
            "spans": sorted(
                (
                    *spans[a.id],
                    a.text,
                    a.created_at,
                    a.updated_at,
                    a.version,
                    str(a.sources),
                    people[a.adjudicator_id],
                )
                for a in s.scalars(select(Annotation))
            ),
            "relations": sorted(
                (
                    spans[r.source_id],
                    spans[r.target_id],
                    types[r.type_id],
                    people[r.annotator_id],
                    r.created_at,
                    str(r.sources),
                    people[r.adjudicator_id],
                )
                for r in s.scalars(select(Relation))
            ),
            "rejections": sorted(
                (docs[r.document_id], r.start, r.end, labels[r.label_id], people[r.reviewer_id], r.created_at)
                for r in s.scalars(select(Rejection))
            ),
            "relation_rejections": sorted(
                (
                    docs[r.document_id],
                    types[r.type_id],
                    (r.source_start, r.source_end, labels[r.source_label_id]),
                    (r.target_start, r.target_end, labels[r.target_label_id]),
                    people[r.reviewer_id],
                    r.created_at,
                )
                for r in s.scalars(select(RelationRejection))
            ),
        }


def test_copy_there_and_back_is_lossless(tmp_path: Path, backend_url: str) -> None:
    legacy = tmp_path / "legacy.db"
    shutil.copy(FIXTURE, legacy)
    src = open_store(f"sqlite:///{legacy}")
    middle = open_store(backend_url)
    back = open_store(f"sqlite:///{tmp_path / 'back.db'}")
    report = copy_projects(src, middle)
    assert report.rows["annotation"] == 7 and report.rows["relation"] == 3
    copy_projects(middle, back)
    assert snapshot(middle) == snapshot(src)
    assert snapshot(back) == snapshot(src)
    with pytest.raises(AnnotatorError, match="already has a project named 'Legacy'"):
        copy_projects(src, back)
    for store in (src, middle, back):
        store.close()


TEXT = 'Mayor Ana Ruiz said: "The bridge opens in May." Critics disagree.'


def _reviewed_project(store: Store) -> None:
    """A project a reviewer adjudicated: gold spans and a gold relation, a rejected span and a
    rejected relation."""

    def span(sub: str, label: str, who: str, key: str) -> SpanRecord:
        start = TEXT.index(sub)
        return SpanRecord(start, start + len(sub), label, who, sub, key)

    record = DocRecord(
        TEXT,
        spans=[
            span("Ana Ruiz", "ACTOR", "alice", "1"),
            span('"The bridge opens in May."', "QUOTE", "alice", "2"),
            span("Ana Ruiz", "ACTOR", "bob", "3"),
            span("The bridge opens in May", "QUOTE", "bob", "4"),
        ],
        relations=[RelationRecord("2", "1", "speaker", "alice"), RelationRecord("4", "3", "speaker", "bob")],
    )
    with store.transaction() as tx:
        project = create_project(tx, "Reviewed")
        alice, bob = (ensure_annotator(tx, project.id, name).id for name in ("alice", "bob"))
        riley = ensure_annotator(tx, project.id, "riley", Role.REVIEWER).id
        doc = import_records(tx, project.id, [record]).document_ids[0]
    with store.transaction(actor=Actor("riley", riley, Role.REVIEWER.value)) as tx:
        bobs = {
            a.text: a for a in tx.session.scalars(select(Annotation).where(Annotation.annotator_id == bob))
        }
        ruiz, quote = bobs["Ana Ruiz"], bobs["The bridge opens in May"]
        accept_spans(tx, [ruiz.id])
        reject(tx, doc, quote.label_id, quote.start, quote.end)
        speaker = tx.session.scalars(select(Relation.type_id)).first()
        assert speaker is not None
        key = (quote.start, quote.end, quote.label_id), (ruiz.start, ruiz.end, ruiz.label_id)
        reject_relation(tx, doc, speaker, *key)
        accept_relations(
            tx, list(tx.session.scalars(select(Relation.id).where(Relation.annotator_id == alice)))
        )


def test_copy_keeps_review_decisions(tmp_path: Path, backend_url: str) -> None:
    src = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    _reviewed_project(src)
    middle = open_store(backend_url)
    with middle.transaction() as tx:  # rows already there, so copied ids differ from the source's
        other = create_project(tx, "Other")
        for name in ("x", "y", "z"):
            ensure_annotator(tx, other.id, name)
    back = open_store(f"sqlite:///{tmp_path / 'back.db'}")
    report = copy_projects(src, middle, ["Reviewed"])
    assert report.rows["rejection"] == 1 and report.rows["relation_rejection"] == 1
    copy_projects(middle, back, ["Reviewed"])
    expected = snapshot(src)
    start, ruiz = TEXT.index("The bridge"), TEXT.index("Ana Ruiz")
    assert expected["rejections"] == [(ANY, start, start + 23, "QUOTE", "riley", ANY)]
    assert expected["relation_rejections"] == [
        (ANY, "speaker", (start, start + 23, "QUOTE"), (ruiz, ruiz + 8, "ACTOR"), "riley", ANY)
    ]
    spans, relations = cast(list[tuple[Any, ...]], expected["spans"]), cast(list[Any], expected["relations"])
    assert [s[4] for s in spans if s[-1] == "riley"] == ["gold", "gold"]  # adjudicated, into gold
    assert sorted(str(r[-1]) for r in relations) == ["None", "None", "riley"]
    assert snapshot(back) == expected
    with middle.session() as s:
        riley = s.scalars(select(Annotator.id).where(Annotator.name == "riley")).one()
        assert s.scalars(select(Rejection.reviewer_id)).all() == [riley]
        assert s.scalars(select(RelationRejection.reviewer_id)).all() == [riley]
        assert set(s.scalars(select(Annotation.adjudicator_id))) == {None, riley}
        assert set(s.scalars(select(Relation.adjudicator_id))) == {None, riley}
    others = snapshot(middle)
    for key in ("rejections", "relation_rejections", "spans", "relations"):
        assert others[key] == expected[key]
    for store in (src, middle, back):
        store.close()


def test_db_copy_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    legacy = tmp_path / "legacy.db"
    shutil.copy(FIXTURE, legacy)
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    assert main(["db", "copy", f"sqlite:///{legacy}", target, "--name", "Legacy"]) == 0
    assert "copied Legacy" in capsys.readouterr().out
    assert main(["db", "copy", f"sqlite:///{legacy}", target, "--name", "Nope"]) == 1
    assert "no project named 'Nope'" in capsys.readouterr().err


def _history_with_deletions(store: Store) -> None:
    """Spans, a relation and a label created and deleted again: 15 audit rows, 6 about rows gone."""
    from annotator.ops.annotations import create_span, delete_spans
    from annotator.ops.labels import add_label, remove_label
    from annotator.ops.relations import create_relation, delete_relation

    with store.transaction() as tx:
        project = create_project(tx, "Audited")
        alice = ensure_annotator(tx, project.id, "alice").id
        doc = import_records(tx, project.id, [DocRecord(TEXT)]).document_ids[0]
    with store.session() as s:
        labels = {lab.name: lab.id for lab in s.scalars(select(Label).where(Label.project_id == project.id))}
        speaker = s.scalars(select(RelationType.id).where(RelationType.project_id == project.id)).first()
    assert speaker is not None
    with store.transaction() as tx:
        actor = create_span(tx, doc, 6, 14, labels["ACTOR"], alice)
        quote = create_span(tx, doc, 21, 46, labels["QUOTE"], alice)
        link = create_relation(tx, quote.id, actor.id, speaker, alice)
    with store.transaction() as tx:
        delete_relation(tx, link.id)
    with store.transaction() as tx:
        delete_spans(tx, [actor.id])
    with store.transaction() as tx:
        extra = add_label(tx, project.id, "PLACE")
    with store.transaction() as tx:
        remove_label(tx, tx.session.get_one(Label, extra.id))


def _audit(store: Store) -> list[tuple[str, str, str, bool]]:
    with store.session() as s:
        return sorted(
            (e.actor, e.entity, e.action, e.entity_id is None) for e in s.scalars(select(AuditEntry))
        )


def test_copy_keeps_every_audit_entry_also_about_deleted_rows(tmp_path: Path, backend_url: str) -> None:
    src = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    _history_with_deletions(src)
    with src.session() as s:
        total = s.scalar(select(func.count()).select_from(AuditEntry))
    assert total == 17  # 15 before the default schema gained the CUE label and the cue link
    middle = open_store(backend_url)
    report = copy_projects(src, middle)
    assert report.rows["audit"] == 17
    back = open_store(f"sqlite:///{tmp_path / 'back.db'}")
    copy_projects(middle, back)
    for store in (middle, back):
        with store.session() as s:
            assert s.scalar(select(func.count()).select_from(AuditEntry)) == 17
            entries = list(s.scalars(select(AuditEntry)))
        # About rows that are gone: no id (it could name another row here), the source's id kept.
        dangling = [e for e in entries if e.entity_id is None and e.detail and "former_id" in e.detail]
        assert sorted((e.entity, e.action) for e in dangling) == [
            ("annotation", "created"), ("annotation", "deleted"), ("label", "created"),
            ("label", "deleted"), ("relation", "created"), ("relation", "deleted"),
        ]  # fmt: skip
    assert [a[1:3] for a in _audit(back)] == [a[1:3] for a in _audit(src)]
    for store in (src, middle, back):
        store.close()


def test_copying_one_project_keeps_its_history_and_says_what_names_no_project(tmp_path: Path) -> None:
    src = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    with src.transaction() as tx:
        other = create_project(tx, "Other")
        import_records(tx, other.id, [DocRecord("Another text entirely.")])
    with src.session() as s:
        others = s.scalar(select(func.count()).select_from(AuditEntry))
    _history_with_deletions(src)
    dst = open_store(f"sqlite:///{tmp_path / 'dst.db'}")
    report = copy_projects(src, dst, ["Audited"])
    # All 17 of the project's entries but the deleted label's two, which name no document.
    assert report.rows["audit"] == 15 and report.unattributed == 2
    assert "left out 2 audit entries about rows deleted earlier" in report.summary()
    assert others and ("annotation", "deleted", True) in [a[1:] for a in _audit(dst)]
    src.close()
    dst.close()

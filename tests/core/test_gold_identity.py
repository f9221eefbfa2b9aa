"""The gold layer is nobody's name: only review operations (accept, reject, adjudicate) write it,
on both backends, whoever asks and however the name is spelt."""

from __future__ import annotations

import getpass
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.cli import main
from annotator.errors import ValidationError
from annotator.model import Annotation, Annotator, AuditEntry, Project, Relation, RelationType, Role
from annotator.ops.annotations import create_span, delete_spans, span_data, update_span
from annotator.ops.projects import ensure_annotator, identify
from annotator.ops.relations import create_relation, delete_relation
from annotator.ops.span_restore import restore
from annotator.review.gold import accept_relations, accept_spans, gold_annotator
from annotator.store import Actor, Store
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = "Mayor Ana Ruiz said the bridge opens in May."
GOLD_SPELLINGS = [
    "gold",
    "Gold",
    "  GOLD ",
    "g o l d",
    "gold\u200b",  # a zero-width space
    "\uff47\uff4f\uff4c\uff44",  # full-width
    "g\u043eld",  # Cyrillic o
    "\U0001d5c0\U0001d5c8\U0001d5c5\U0001d5bd",  # mathematical sans-serif
    "gol\u0064\u0301",  # d with a combining accent
]


def _gold_layer(store: Store, project: Project) -> tuple[int, Actor, int, int]:
    """A document with alice's claim → actor relation accepted into gold by riley, the reviewer."""
    doc = add_doc(store, project.id, TEXT)
    actor_label, claim = label_id(store, project.id, "ACTOR"), label_id(store, project.id, "CLAIM")
    alice = annotator_id(store, project.id, "alice")
    with store.transaction() as tx:
        riley = ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        who = create_span(tx, doc, 6, 14, actor_label, alice)
        said = create_span(tx, doc, 20, 44, claim, alice)
        kind = tx.session.scalars(select(RelationType.id).where(RelationType.name == "claimant")).one()
        link = create_relation(tx, said.id, who.id, kind, alice)
    reviewer = Actor("riley", riley.id, Role.REVIEWER.value)
    with store.transaction(actor=reviewer) as tx:
        [gold_link] = accept_relations(tx, [link.id])
        gold_id = gold_annotator(tx, project.id).id
    return doc, reviewer, gold_id, gold_link


@pytest.mark.parametrize("name", GOLD_SPELLINGS)
def test_the_gold_layers_name_is_reserved_however_spelt(store: Store, project: Project, name: str) -> None:
    with pytest.raises(ValidationError, match="gold layer's name"), store.transaction() as tx:
        ensure_annotator(tx, project.id, name)
    _gold_layer(store, project)
    with pytest.raises(ValidationError, match="gold layer's name"), store.transaction() as tx:
        identify(tx, project.id, name)
    with store.session() as s:
        people = s.scalars(select(Annotator.name).where(Annotator.project_id == project.id)).all()
    assert sorted(people) == ["alice", "bob", "gold", "riley"]


@pytest.mark.parametrize("name", ["Riley", "r\u0456ley", "ri ley", "RILEY\u200d"])
def test_a_new_name_may_not_pass_for_a_teammates(store: Store, project: Project, name: str) -> None:
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
    with pytest.raises(ValidationError, match="looks like the annotator 'riley'"), store.transaction() as tx:
        identify(tx, project.id, name)
    with store.transaction() as tx:
        assert identify(tx, project.id, " riley ").role == Role.REVIEWER.value  # the name itself is fine


def test_ordinary_operations_refuse_the_gold_layer_whoever_asks(store: Store, project: Project) -> None:
    doc, reviewer, gold, gold_link = _gold_layer(store, project)
    actor_label = label_id(store, project.id, "ACTOR")
    with store.session() as s:
        gold_spans = s.scalars(select(Annotation).where(Annotation.annotator_id == gold)).all()
        kind = s.scalars(select(RelationType.id).where(RelationType.name == "claimant")).one()
    spans = [span_data(a) for a in gold_spans]
    said, who = sorted(spans, key=lambda s: -s.start)
    before = _gold_rows(store, gold)
    # A script (no actor), the reviewer outside a review operation, and an actor who claims the
    # gold annotator's id: none may write gold through the ordinary operations.
    for actor in (None, reviewer, Actor("gold", gold, Role.GOLD.value)):
        attempts = [
            lambda tx: create_span(tx, doc, 0, 5, actor_label, gold),
            lambda tx: update_span(tx, who.id, end=13),
            lambda tx: delete_spans(tx, [who.id]),
            lambda tx: delete_relation(tx, gold_link),
            lambda tx: create_relation(tx, who.id, said.id, kind, gold),
        ]
        for attempt in attempts:
            with pytest.raises(ValidationError, match="gold layer"), store.transaction(actor=actor) as tx:
                attempt(tx)
    with store.transaction(actor=reviewer, review=True) as tx:
        deleted = delete_spans(tx, [who.id])
    with pytest.raises(ValidationError, match="gold layer"), store.transaction() as tx:
        restore(tx, *deleted)  # an undo outside review may not put gold back either
    with store.transaction(actor=reviewer, review=True) as tx:
        restore(tx, *deleted)
    assert _gold_rows(store, gold) == before


def test_only_reviewers_hold_the_review_capability(store: Store, project: Project) -> None:
    doc, _reviewer, gold, _link = _gold_layer(store, project)
    alice = Actor("alice", annotator_id(store, project.id, "alice"), Role.ANNOTATOR.value)
    # Claiming the role in the Actor is not enough: the database says alice is an annotator.
    pretender = Actor("alice", alice.id, Role.REVIEWER.value)
    with store.session() as s:
        gold_span = s.scalars(select(Annotation.id).where(Annotation.annotator_id == gold)).first()
    assert gold_span is not None
    for who in (alice, pretender):
        with (
            pytest.raises(ValidationError, match="not a reviewer"),
            store.transaction(actor=who, review=True) as tx,
        ):
            delete_spans(tx, [gold_span])
    with pytest.raises(ValidationError, match="not a reviewer"), store.transaction(actor=pretender) as tx:
        accept_spans(tx, [gold_span])
    assert doc


def test_the_command_line_cannot_write_as_gold(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    db = f"sqlite:///{tmp_path / 'gold.db'}"
    assert main(["--db", db, "demo"]) == 0
    for name in ("gold", "GOLD", "g\u043eld"):
        assert main(["--db", db, "annotate", "1", "0", "5", "ACTOR", "--annotator", name]) == 1
        assert "gold layer's name" in capsys.readouterr().err
    assert (
        main(["--db", db, "review", "accept-agreed", "1", "--annotator", "alice", "--annotator", "bob"]) == 0
    )
    from annotator.store import open_store

    store = open_store(db)
    with store.session() as s:
        gold = s.scalars(select(Annotator.id).where(Annotator.role == Role.GOLD.value)).one()
        span = s.scalars(select(Annotation.id).where(Annotation.annotator_id == gold)).first()
    store.close()
    capsys.readouterr()
    assert main(["--db", db, "unannotate", str(span)]) == 1
    assert "gold layer" in capsys.readouterr().err


def test_the_audit_log_records_the_account_beside_the_declared_name(
    store: Store, project: Project, backend_url: str
) -> None:
    doc = add_doc(store, project.id, TEXT)
    alice = Actor("alice", annotator_id(store, project.id, "alice"))
    with store.transaction(actor=alice) as tx:
        create_span(tx, doc, 6, 14, label_id(store, project.id, "ACTOR"), alice.id or 0)
    with store.session() as s:
        entries = s.scalars(select(AuditEntry).order_by(AuditEntry.id)).all()
        missing = s.scalar(select(func.count()).select_from(AuditEntry).where(AuditEntry.login.is_(None)))
    account = getpass.getuser() if backend_url.startswith("sqlite") else "postgres"
    assert (entries[-1].actor, entries[-1].login) == ("alice", account)
    assert missing == 0


def _gold_rows(store: Store, gold: int) -> tuple[list[tuple[int, int, int]], list[tuple[int, int, int]]]:
    with store.session() as s:
        spans = s.execute(
            select(Annotation.start, Annotation.end, Annotation.label_id).where(
                Annotation.annotator_id == gold
            )
        ).all()
        links = s.execute(
            select(Relation.source_id, Relation.target_id, Relation.type_id).where(
                Relation.annotator_id == gold
            )
        ).all()
    return sorted(tuple(r) for r in spans), sorted(tuple(r) for r in links)  # type: ignore[misc]

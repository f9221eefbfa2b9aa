"""Label and relation-type edits are undoable steps of the core log, on SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from annotator import undo as log
from annotator.errors import ConflictError, ValidationError
from annotator.model import Annotation, AuditEntry, Label, Project, Rejection, Relation, RelationType
from annotator.ops.annotations import create_span
from annotator.ops.labels import (
    add_label,
    add_relation_type,
    get_label,
    get_relation_type,
    move,
    remove_label,
    remove_relation_type,
    update_label,
    update_relation_type,
)
from annotator.ops.relations import create_relation
from annotator.project import ProjectContext
from annotator.review.gold import reject
from annotator.store import Actor, Store, Tx
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = "Mayor Ana Ruiz said the bridge opens in May. Critics doubt it."


def schema(store: Store) -> dict[str, Any]:
    """The label and relation-type rows, and every span, relation and rejection."""
    with store.session() as s:
        return {
            model.__tablename__: {
                row.id: {
                    k: v
                    for k, v in vars(row).items()
                    if not k.startswith("_") and k not in {"version", "updated_at"}
                }
                for row in s.scalars(select(model))
            }
            for model in (Label, RelationType, Annotation, Relation, Rejection)
        }


def alice(store: Store, project: Project) -> Actor:
    return Actor("alice", annotator_id(store, project.id, "alice"))


def claim_with_claimant(store: Store, project: Project) -> int:
    """Alice's CLAIM linked to her ACTOR by a claimant relation; the document's id."""
    doc = add_doc(store, project.id, TEXT)
    who = alice(store, project)
    with store.transaction(actor=who) as tx:
        speaker = create_span(tx, doc, 6, 14, label_id(store, project.id, "ACTOR"), who.id or 0)
        said = create_span(tx, doc, 0, 44, label_id(store, project.id, "CLAIM"), who.id or 0)
        create_relation(
            tx, said.id, speaker.id, get_relation_type(tx, project.id, "claimant").id, who.id or 0
        )
    return doc


def undo(store: Store, project: Project) -> None:
    with store.transaction(actor=alice(store, project)) as tx:
        log.undo(tx)


def step(store: Store, project: Project, edit: Callable[[Tx], Any], **named: list[int]) -> int:
    who = alice(store, project)
    with store.transaction(actor=who) as tx, log.schema_step(tx, "edit", project.id, **named) as made:
        edit(tx)
    assert made.id is not None
    return made.id


EDITS: dict[str, Callable[[Tx, int], Any]] = {
    "add": lambda tx, p: add_label(tx, p, "PLACE", hotkey="p", description="a named place"),
    "rename": lambda tx, p: update_label(tx, get_label(tx, p, "ACTOR"), name="PERSON"),
    "recolour": lambda tx, p: update_label(tx, get_label(tx, p, "ACTOR"), color="#123456"),
    "re-key": lambda tx, p: update_label(tx, get_label(tx, p, "ACTOR"), hotkey="x"),
    "describe": lambda tx, p: update_label(tx, get_label(tx, p, "ACTOR"), description="who speaks"),
    "reorder": lambda tx, p: move(tx, get_label(tx, p, "ACTOR"), 0),
    "retire": lambda tx, p: update_label(tx, get_label(tx, p, "CLAIM"), retired=True),
    "add type": lambda tx, p: add_relation_type(tx, p, "target", from_label="CLAIM", to_label="ACTOR"),
    "rename type": lambda tx, p: update_relation_type(tx, get_relation_type(tx, p, "speaker"), name="source"),
    "type ends": lambda tx, p: update_relation_type(tx, get_relation_type(tx, p, "claimant"), from_label=""),
    "retire type": lambda tx, p: update_relation_type(tx, get_relation_type(tx, p, "speaker"), retired=True),
    "reorder types": lambda tx, p: move(tx, get_relation_type(tx, p, "claimant"), 0),
}


@pytest.mark.parametrize("edit", list(EDITS))
def test_every_schema_edit_undoes_and_redoes_exactly(store: Store, project: Project, edit: str) -> None:
    doc = add_doc(store, project.id, TEXT)
    who = alice(store, project)
    with store.transaction(actor=who) as tx:  # spans keep their label whatever the schema does
        create_span(tx, doc, 6, 14, label_id(store, project.id, "ACTOR"), who.id or 0)
    before = schema(store)
    step(store, project, lambda tx: EDITS[edit](tx, project.id))
    after = schema(store)
    assert after != before
    with store.transaction(actor=who) as tx:
        undone = log.undo(tx)
    assert schema(store) == before
    assert undone.kind == "schema"
    with store.transaction(actor=who) as tx:
        log.redo(tx)
    assert schema(store) == after


def test_a_rename_keeps_every_span_and_the_project_reads_the_new_name(store: Store, project: Project) -> None:
    doc = add_doc(store, project.id, TEXT)
    who = alice(store, project)
    actor_label = label_id(store, project.id, "ACTOR")
    with store.transaction(actor=who) as tx:
        span = create_span(tx, doc, 6, 14, actor_label, who.id or 0).id
    step(store, project, lambda tx: update_label(tx, get_label(tx, project.id, "ACTOR"), name="PERSON"))
    with store.session() as s:
        assert s.get(Annotation, span).label_id == actor_label  # type: ignore[union-attr]
    context = ProjectContext(store, project.id, "Test", who)
    context.reload_schema()
    assert context.label(actor_label).name == "PERSON"  # type: ignore[union-attr]
    assert context.stats()["spans_by_label"]["PERSON"] == 1


def test_undoing_an_add_is_refused_while_spans_use_the_label(store: Store, project: Project) -> None:
    doc = add_doc(store, project.id, TEXT)
    step(store, project, lambda tx: add_label(tx, project.id, "PLACE"))
    bob = Actor("bob", annotator_id(store, project.id, "bob"))
    with store.transaction(actor=bob) as tx:  # a teammate uses the new label meanwhile
        create_span(tx, doc, 40, 43, label_id(store, project.id, "PLACE"), bob.id or 0)
    with pytest.raises(ConflictError, match=r"label 'PLACE' is used by 1 span\(s\)"):
        undo(store, project)
    assert "PLACE" in {row["name"] for row in schema(store)["label"].values()}


def test_removing_a_label_with_its_annotations_comes_back_with_the_same_ids(
    store: Store, project: Project
) -> None:
    doc = claim_with_claimant(store, project)
    who, bob = alice(store, project), Actor("bob", annotator_id(store, project.id, "bob"))
    actor_label = label_id(store, project.id, "ACTOR")
    with store.transaction(actor=bob) as tx:  # bob's span of the label goes too, and comes back
        create_span(tx, doc, 45, 52, actor_label, bob.id or 0)
    with store.transaction() as tx:
        reject(tx, doc, actor_label, 45, 52)
    before = schema(store)
    with pytest.raises(ValidationError, match=r"used by 2 span\(s\).*retire it instead"):
        step(store, project, lambda tx: remove_label(tx, get_label(tx, project.id, "ACTOR")))
    step(
        store,
        project,
        lambda tx: remove_label(tx, get_label(tx, project.id, "ACTOR"), delete_annotations=True),
        labels=[actor_label],
    )
    gone = schema(store)
    assert actor_label not in gone["label"] and not gone["relation"] and not gone["rejection"]
    with store.transaction(actor=who) as tx:
        log.undo(tx)
    assert schema(store) == before


def test_removing_a_relation_type_with_its_relations_undoes(store: Store, project: Project) -> None:
    claim_with_claimant(store, project)
    who = alice(store, project)
    before = schema(store)
    claimant = [i for i, row in before["relation_type"].items() if row["name"] == "claimant"]
    step(
        store,
        project,
        lambda tx: remove_relation_type(
            tx, get_relation_type(tx, project.id, "claimant"), delete_relations=True
        ),
        types=claimant,
    )
    assert not schema(store)["relation"]
    with store.transaction(actor=who) as tx:
        log.undo(tx)
    assert schema(store) == before


def test_undo_refuses_a_name_or_key_taken_since(store: Store, project: Project) -> None:
    step(store, project, lambda tx: update_label(tx, get_label(tx, project.id, "ACTOR"), name="PERSON"))
    with store.transaction() as tx:  # someone else takes the old name meanwhile
        add_label(tx, project.id, "ACTOR", hotkey="z")
    with pytest.raises(ConflictError, match="the name 'ACTOR' is another label's"):
        undo(store, project)
    step(store, project, lambda tx: update_label(tx, get_label(tx, project.id, "CLAIM"), hotkey="k"))
    with store.transaction() as tx:
        update_label(tx, get_label(tx, project.id, "ACTOR"), hotkey="c")
    with pytest.raises(ConflictError, match="the key 'c' is label 'ACTOR'"):
        undo(store, project)


def test_hotkey_clashes_name_the_other_label_and_a_retired_key_is_free(
    store: Store, project: Project
) -> None:
    with pytest.raises(ValidationError, match="hotkey 'a' is taken by label ACTOR"):
        step(store, project, lambda tx: add_label(tx, project.id, "AGENT", hotkey="a"))
    step(store, project, lambda tx: update_label(tx, get_label(tx, project.id, "ACTOR"), retired=True))
    step(store, project, lambda tx: add_label(tx, project.id, "AGENT", hotkey="a"))
    with pytest.raises(ValidationError, match="hotkey 'a' is taken by label AGENT"):
        step(store, project, lambda tx: update_label(tx, get_label(tx, project.id, "ACTOR"), retired=False))


def test_a_restriction_that_existing_relations_break_is_refused(store: Store, project: Project) -> None:
    claim_with_claimant(store, project)
    with pytest.raises(ValidationError, match=r"1 relation\(s\) of type 'claimant' link other labels"):
        step(
            store,
            project,
            lambda tx: update_relation_type(
                tx, get_relation_type(tx, project.id, "claimant"), from_label="QUOTE"
            ),
        )


def test_schema_undo_is_audited(store: Store, project: Project) -> None:
    step(store, project, lambda tx: update_label(tx, get_label(tx, project.id, "ACTOR"), color="#000000"))
    with store.transaction(actor=alice(store, project)) as tx:
        log.undo(tx)
    with store.session() as s:
        last = s.scalars(select(AuditEntry).order_by(AuditEntry.id.desc())).first()
    assert last is not None and last.entity == "label" and last.actor == "alice"
    assert (last.detail or {}).get("undo") is True

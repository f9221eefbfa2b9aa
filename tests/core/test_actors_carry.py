"""Actors travel where spans do: native JSONL out and back in, a merge of a teammate's database
(matched by external id, else name; conflicts reported), ``db copy``, and review into gold."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import actors_steps as steps
from annotator.dbcopy import copy_projects
from annotator.errors import InputError
from annotator.export import export
from annotator.formats import native
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Annotator, Project, Role
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project, ensure_annotator
from annotator.review.gold import accept_spans
from annotator.review.merge import merge, read_source
from annotator.store import Actor, Store, open_store
from tests.core.test_actors import TEXT, add, link, span
from tests.core.test_undo import actor


def linked(store: Store) -> dict[tuple[str, str], str | None]:
    """(annotator, span text) → the name of the actor the span points to."""
    with store.session() as s:
        names = dict(s.execute(select(RegistryActor.id, RegistryActor.name)).all())
        people = dict(s.execute(select(Annotator.id, Annotator.name)).all())
        return {
            (people[a.annotator_id], a.text): names.get(a.actor_id) if a.actor_id else None
            for a in s.scalars(select(Annotation))
        }


def registry(store: Store) -> dict[str, tuple[list[str], str | None, int | None]]:
    with store.session() as s:
        return {
            a.name: (a.aliases, a.external_id, a.merged_into_id) for a in s.scalars(select(RegistryActor))
        }


def linked_project(store: Store, project: Project, alice: Actor, doc: int) -> int:
    mention = span(store, project, alice, doc, "Antony Blinken")
    blinken = add(store, project, alice, "Antony Blinken", aliases=["Blinken"], external_id="Q312")
    link(store, alice, mention, blinken)
    return blinken


@pytest.fixture(name="alice")
def _alice(store: Store, project: Project) -> Actor:
    return actor(store, project, "alice")


@pytest.fixture(name="doc")
def _doc(store: Store, project: Project) -> int:
    from tests.core.helpers import add_doc

    return add_doc(store, project.id, TEXT)


def test_native_round_trip_keeps_links(
    store: Store, project: Project, alice: Actor, doc: int, tmp_path: Path
) -> None:
    blinken = linked_project(store, project, alice, doc)
    out = tmp_path / "out.jsonl"
    with store.session() as s:
        export(s, project.id, "native", out)
    line = json.loads(out.read_text().splitlines()[0])
    assert line["actors"] == [
        {"id": blinken, "name": "Antony Blinken", "aliases": ["Blinken"], "external_id": "Q312"}
    ]
    assert [s.get("actor") for s in line["spans"]] == [blinken]
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    with other.transaction() as tx:
        pid = create_project(tx, "Other").id
        result = import_records(tx, pid, native.read(out), keep_annotators=True)
    assert result.actors_added == ["Antony Blinken"] and result.actors_linked == 1
    assert linked(other) == {("alice", "Antony Blinken"): "Antony Blinken"}
    assert registry(other) == {"Antony Blinken": (["Blinken"], "Q312", None)}
    with other.transaction() as tx:  # the same file again: nothing new, no conflict
        again = import_records(tx, pid, native.read(out), keep_annotators=True)
    assert (again.actors_added, again.actors_linked, again.actor_conflicts) == ([], 0, [])
    other.close()


def test_native_span_naming_an_unlisted_actor_is_an_error(tmp_path: Path) -> None:
    bad = tmp_path / "bad.jsonl"
    spans = [{"id": 1, "start": 0, "end": 6, "label": "ACTOR", "actor": 9}]
    bad.write_text(json.dumps({"text": "Antony said.", "spans": spans, "actors": []}) + "\n")
    with pytest.raises(InputError, match=r"bad.jsonl:1: span 1: 'actor' 9 is not in the line's 'actors'"):
        list(native.read(bad))


def _teammate(tmp_path: Path) -> Path:
    """bob's own project file: the same text, his mentions linked to his registry."""
    path = tmp_path / "bob.db"
    theirs = open_store(f"sqlite:///{path}")
    with theirs.transaction() as tx:
        p = create_project(tx, "Test")
        ensure_annotator(tx, p.id, "bob")
    from tests.core.helpers import add_doc

    doc = add_doc(theirs, p.id, TEXT)
    bob = actor(theirs, p, "bob")
    for word, name, external in (
        ("Antony Blinken", "A. Blinken", "Q312"),  # matched by external id
        ("The minister", "Jane Roe", None),  # matched by name
        ("Blinken", "Mark Doe", "Q9"),  # same name here with another external id: a conflict
    ):
        mention = span(theirs, p, bob, doc, word, nth=1 if word == "Blinken" else 0)
        who = add(theirs, p, bob, name, external_id=external)
        with theirs.transaction(actor=bob) as tx:
            steps.link(tx, mention, who)
    theirs.close()
    return path


def test_merge_matches_actors_and_reports_conflicts(
    store: Store, project: Project, alice: Actor, doc: int, tmp_path: Path
) -> None:
    linked_project(store, project, alice, doc)
    add(store, project, alice, "jane roe")
    add(store, project, alice, "Mark Doe", external_id="Q8")
    summary = merge(store, project.id, read_source(_teammate(tmp_path)), annotators=["bob"])
    assert linked(store) == {
        ("alice", "Antony Blinken"): "Antony Blinken",
        ("bob", "Antony Blinken"): "Antony Blinken",
        ("bob", "The minister"): "jane roe",
        ("bob", "Blinken"): None,
    }
    assert set(registry(store)) == {"Antony Blinken", "jane roe", "Mark Doe"}  # nobody added
    assert len(summary.actors.conflicts) == 1 and "'Q9'" in summary.actors.conflicts[0]
    assert "1 conflict(s)" in summary.summary()


def test_db_copy_carries_registry_and_links(
    store: Store, project: Project, alice: Actor, doc: int, tmp_path: Path
) -> None:
    blinken = linked_project(store, project, alice, doc)
    other = add(store, project, alice, "Tony B")
    with store.transaction(actor=alice) as tx:
        steps.merge(tx, blinken, other)
    dst = open_store(f"sqlite:///{tmp_path / 'copy.db'}")
    with dst.transaction() as tx:  # a project first, so that copied ids differ from the source's
        create_project(tx, "Elsewhere")
        add_first = RegistryActor(project_id=1, name="Someone", aliases=[], created_by="t")
        tx.session.add(add_first)
    copy_projects(store, dst, ["Test"])
    assert linked(dst) == {("alice", "Antony Blinken"): "Antony Blinken"}
    with dst.session() as s:
        copied = {a.name: a for a in s.scalars(select(RegistryActor))}
    assert copied["Tony B"].merged_into_id == copied["Antony Blinken"].id != blinken
    dst.close()


def test_accepting_into_gold_keeps_the_actor(store: Store, project: Project, alice: Actor, doc: int) -> None:
    linked_project(store, project, alice, doc)
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
    with store.session() as s:
        riley_id = s.scalars(select(Annotator.id).where(Annotator.name == "riley")).one()
        mention = s.scalars(select(Annotation.id)).one()
    with store.transaction(actor=Actor("riley", riley_id, Role.REVIEWER.value), review=True) as tx:
        accept_spans(tx, [mention])
    gold = {k: v for k, v in linked(store).items() if k[0] != "alice"}
    assert list(gold.values()) == ["Antony Blinken"]


def test_a_file_linking_a_non_actor_span_is_reported_not_linked(
    store: Store, project: Project, tmp_path: Path
) -> None:
    path = tmp_path / "quote.jsonl"
    spans = [{"id": 1, "start": 0, "end": 6, "label": "QUOTE", "annotator": "alice", "actor": 7}]
    path.write_text(
        json.dumps({"text": "Antony said.", "spans": spans, "actors": [{"id": 7, "name": "Antony"}]})
    )
    with store.transaction() as tx:
        result = import_records(tx, project.id, native.read(path), keep_annotators=True)
    assert result.actors_linked == 0 and "QUOTE span, not an actor mention" in result.actor_conflicts[0]
    assert "quote.jsonl:1" in result.summary()
    assert linked(store) == {("alice", "Antony"): None}

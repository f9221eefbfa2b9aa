"""Registry actors nobody has tagged yet (added with aliases and external id ahead of the
tagging) travel too: a whole-project native export lists them on its first line, an import or a
merge of a teammate's database or export creates them; a filtered export says it left them out."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.export import ExportOptions, export
from annotator.formats import native
from annotator.model import Project
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project, ensure_annotator
from annotator.review.merge import merge, read_source
from annotator.store import Store, open_store
from tests.core.helpers import add_doc
from tests.core.test_actors import TEXT, add
from tests.core.test_actors_carry import linked_project, registry
from tests.core.test_undo import actor

UNTAGGED = {"aliases": ["Roe"], "external_id": "Q77", "kind": "person", "attributes": {"party": "G"}}


def _with_untagged(store: Store, project: Project) -> None:
    alice = actor(store, project, "alice")
    linked_project(store, project, alice, add_doc(store, project.id, TEXT))
    add(store, project, alice, "Jane Roe", **UNTAGGED)


def test_a_whole_export_carries_untagged_actors_into_a_fresh_project(
    store: Store, project: Project, tmp_path: Path
) -> None:
    _with_untagged(store, project)
    out = tmp_path / "out.jsonl"
    with store.session() as s:
        report = export(s, project.id, "native", out)
    assert not report.left_out
    first = json.loads(out.read_text().splitlines()[0])
    assert [a["name"] for a in first["actors"]] == ["Antony Blinken", "Jane Roe"]
    other = open_store(f"sqlite:///{tmp_path / 'other.db'}")
    with other.transaction() as tx:
        result = import_records(tx, create_project(tx, "Other").id, native.read(out), keep_annotators=True)
    assert sorted(result.actors_added) == ["Antony Blinken", "Jane Roe"]
    assert registry(other)["Jane Roe"] == (["Roe"], "Q77", None)
    with other.session() as s:
        from annotator.model import Actor as RegistryActor

        roe = s.query(RegistryActor).filter_by(name="Jane Roe").one()
        assert (roe.kind, roe.attributes) == ("person", {"party": "G"})
    other.close()


def test_a_filtered_export_reports_the_registry_actors_it_left_out(
    store: Store, project: Project, tmp_path: Path
) -> None:
    _with_untagged(store, project)
    with store.session() as s:
        report = export(
            s, project.id, "native", tmp_path / "o.jsonl", options=ExportOptions(labels=["QUOTE"])
        )
    assert report.left_out == {
        "registry actor(s) no exported span names (export the whole project to carry them)": 2
    }


def test_a_split_export_counts_the_actors_it_left_out_once(
    store: Store, project: Project, tmp_path: Path
) -> None:
    """Each part names what it leaves out; the total counts an actor no part carries once (it
    used to add every part's count: 1 + 2 + 2 here)."""
    _with_untagged(store, project)
    for n in range(5):
        add_doc(store, project.id, f"Another article, number {n}, names nobody.")
    with store.session() as s:
        report = export(
            s, project.id, "native", tmp_path / "parts", options=ExportOptions(split=[0.4, 0.3, 0.3])
        )
    reason = "registry actor(s) no exported span names (export the whole project to carry them)"
    assert sorted(part.left_out[reason] for part in report.parts.values()) == [1, 2, 2]
    assert report.left_out == {reason: 1}  # Jane Roe: in no part; Antony Blinken is in one
    assert report.summary().count(f"left out 1: {reason}") == 1


def test_a_merge_brings_a_teammates_untagged_actor(store: Store, project: Project, tmp_path: Path) -> None:
    theirs = open_store(f"sqlite:///{tmp_path / 'bob.db'}")
    with theirs.transaction() as tx:
        p = create_project(tx, "Test")
        ensure_annotator(tx, p.id, "bob")
    add_doc(theirs, p.id, TEXT)
    add(theirs, p, actor(theirs, p, "bob"), "Jane Roe", **UNTAGGED)
    with theirs.session() as s:
        export(s, p.id, "native", tmp_path / "bob.jsonl")
    theirs.close()
    add_doc(store, project.id, TEXT)
    summary = merge(store, project.id, read_source(tmp_path / "bob.db"), annotators=["bob"])
    assert summary.actors.added == ["Jane Roe"]
    assert registry(store) == {"Jane Roe": (["Roe"], "Q77", None)}
    again = merge(store, project.id, read_source(tmp_path / "bob.jsonl"), annotators=["bob"])
    assert again.actors.added == [] and not again.actors.conflicts  # matched by external id
    assert list(registry(store)) == ["Jane Roe"]

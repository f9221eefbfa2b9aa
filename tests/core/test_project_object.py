"""The project object (annotator/project.py): the reads the GUI and the CLI share, on both backends."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.errors import NotFoundError
from annotator.export import ExportOptions
from annotator.model import DocStatus
from annotator.ops.annotations import create_span
from annotator.ops.documents import delete_documents, set_status
from annotator.ops.projects import ensure_annotator
from annotator.ops.relations import create_relation
from annotator.project import (
    ProjectChoice,
    ProjectContext,
    new_project,
    open_for_commands,
    open_project,
    people_of,
)
from tests.core.helpers import add_doc

LONG = "Words in a row. " * 40  # 640 characters


@pytest.fixture
def opened(backend_url: str) -> Iterator[ProjectContext]:
    new_project(backend_url, "News")
    project = open_project(backend_url, None, "alice")
    yield project
    project.close()


def _label(project: ProjectContext, name: str) -> int:
    return next(lab.id for lab in project.labels if lab.name == name)


def _bob(project: ProjectContext) -> int:
    with project.store.transaction() as tx:
        return ensure_annotator(tx, project.id, "bob").id


def test_opens_the_only_project_as_the_annotator_named(opened: ProjectContext) -> None:
    assert opened.name == "News"
    assert opened.actor.name == "alice"
    assert opened.people == {opened.annotator_id: "alice"}
    assert {lab.name for lab in opened.labels} == {"CLAIM", "QUOTE", "ACTOR", "CUE"}


def test_several_projects_and_none_named_ask_for_a_choice(backend_url: str) -> None:
    new_project(backend_url, "One")
    new_project(backend_url, "Two")
    with pytest.raises(ProjectChoice) as raised:
        open_project(backend_url, None, "alice")
    assert sorted(p.name for p in raised.value.projects) == ["One", "Two"]
    project = open_project(backend_url, "Two", "alice")
    try:
        assert project.name == "Two"
    finally:
        project.close()


def test_document_list_pages_filters_and_refreshes(opened: ProjectContext) -> None:
    ids = [add_doc(opened.store, opened.id, f"Article number {n} about budgets.") for n in range(5)]
    add_doc(opened.store, opened.id, "A note on fisheries.")
    with opened.store.transaction() as tx:
        set_status(tx, ids[:2], DocStatus.DONE)
    assert opened.document_total() == 6
    assert opened.document_total(status="done") == 2
    assert opened.document_total(text="fisheries") == 1
    page = opened.documents(offset=2, limit=3)
    assert [row.id for row in page] == ids[2:5]
    assert [row.id for row in opened.documents(text="budgets", status="done")] == ids[:2]
    assert opened.document_ids("done") == ids[:2]
    assert [row.status for row in opened.documents_by_id([ids[1], ids[4]])] == ["done", "new"]


def test_opening_a_long_document_reads_its_first_screen_then_the_rest(opened: ProjectContext) -> None:
    doc = add_doc(opened.store, opened.id, LONG)
    actor = _label(opened, "ACTOR")
    with opened.store.transaction() as tx:
        near = create_span(tx, doc, 0, 5, actor, opened.annotator_id).id
        far = create_span(tx, doc, 600, 605, actor, opened.annotator_id).id
    view, spans, relations, whole = opened.opening(doc, None, 100)
    assert view.text == LONG and not whole
    assert [s[2] for s in spans] == [near]
    assert relations == []
    all_spans, _ = opened.spans_and_relations(doc, None)
    assert [s[2] for s in all_spans] == [near, far]
    assert opened.opening(doc, None, len(LONG))[3] is True
    assert [s[2] for s in opened.opening(doc, None, len(LONG))[1]] == [near, far]


def test_spans_relations_and_their_details(opened: ProjectContext) -> None:
    doc = add_doc(opened.store, opened.id, "Ana said: taxes will fall.")
    bob = _bob(opened)
    with opened.store.transaction() as tx:
        who = create_span(tx, doc, 0, 3, _label(opened, "ACTOR"), opened.annotator_id).id
        said = create_span(tx, doc, 10, 25, _label(opened, "QUOTE"), opened.annotator_id).id
        theirs = create_span(tx, doc, 0, 3, _label(opened, "ACTOR"), bob).id
    fitting = opened.fitting_types(said, who)
    assert [opened.relation_type(t).name for t in fitting if opened.relation_type(t)] == ["speaker"]
    with opened.store.transaction() as tx:
        rel = create_relation(tx, said, who, fitting[0], opened.annotator_id).id
    mine, relations = opened.spans_and_relations(doc, [opened.annotator_id])
    assert {s[2] for s in mine} == {who, said}
    assert [r.id for r in relations] == [rel]
    assert {s[2] for s in opened.spans_and_relations(doc, None)[0]} == {who, said, theirs}
    assert [s[2] for s in opened.span_tuples([theirs])] == [theirs]
    detail = opened.span_detail(said)
    assert detail is not None and (detail.label, detail.annotator) == ("QUOTE", "alice")
    history, now = opened.span_history(said)
    assert [row.action for row in history] == ["created"] and now == detail


def test_a_deleted_document_reads_as_gone(opened: ProjectContext) -> None:
    doc = add_doc(opened.store, opened.id, "Soon gone.")
    assert opened.document_state(doc, None).row is not None
    with opened.store.transaction() as tx:
        delete_documents(tx, [doc])
    state = opened.document_state(doc, None)
    assert (state.row, state.spans, state.relations) == (None, [], [])


def test_people_roles_and_settings_are_read_now(opened: ProjectContext) -> None:
    bob = _bob(opened)
    assert opened.people_names() == {opened.annotator_id: "alice", bob: "bob"}
    assert opened.people == {opened.annotator_id: "alice"}  # the cached names wait for a reload
    assert people_of(opened.url, "News") == opened.people_names()
    assert [(a.name, a.role) for a in opened.annotators() if a.role != "gold"] == [
        ("alice", "annotator"),
        ("bob", "annotator"),
    ]
    assert opened.role_change_refusal() is None  # no reviewer yet: anyone may take the role
    settings = opened.all_settings()
    assert settings["quote-marks"] == opened.settings().quote_marks


def test_review_reads_those_who_labelled_the_document(opened: ProjectContext) -> None:
    doc = add_doc(opened.store, opened.id, "Ana said: taxes will fall.")
    bob = _bob(opened)
    with opened.store.transaction() as tx:
        ensure_annotator(tx, opened.id, "carol")
        create_span(tx, doc, 0, 3, _label(opened, "ACTOR"), opened.annotator_id)
        create_span(tx, doc, 0, 3, _label(opened, "ACTOR"), bob)
    read = opened.review_read(doc, None)
    assert read.doc.id == doc
    assert {p.name for p in read.people} == {"alice", "bob", "carol"}
    assert [a.name for a in read.curation.annotators] == ["alice", "bob"]
    assert [a.name for a in opened.review_read(doc, [bob]).curation.annotators] == ["bob"]


def test_export_tells_its_size_first_and_checks_like_the_cli(opened: ProjectContext, tmp_path: Path) -> None:
    add_doc(opened.store, opened.id, "One.")
    add_doc(opened.store, opened.id, "Two.")
    sizes: list[int] = []
    opened.export("jsonl", tmp_path / "out.jsonl", options=ExportOptions(), stage=sizes.append)
    assert sizes == [2]
    assert len((tmp_path / "out.jsonl").read_text(encoding="utf-8").splitlines()) == 2
    assert opened.gold_export_warning("all") is None
    assert "2" in (opened.gold_export_warning("gold") or "")  # neither document is adjudicated
    opened.check_export(ExportOptions())  # nothing refused


def test_the_cli_opens_the_same_object_with_its_own_messages(backend_url: str) -> None:
    new_project(backend_url, "News")
    with pytest.raises(NotFoundError, match=r"no project named 'Sport' \(projects: News\)"):
        open_for_commands(backend_url, "Sport")
    project = open_for_commands(backend_url, None, as_login=False)
    try:
        assert (project.name, project.actor.name) == ("News", "system")
        assert project.people_names() == {}  # reading added nobody
        assert project.stats()["documents"] == 0
    finally:
        project.close()

"""Core operations: every invariant of the data model is enforced and every change reported."""

from __future__ import annotations

import pytest
from sqlalchemy import func, select

from annotator.errors import NotFoundError, ValidationError
from annotator.events import ChangeSet
from annotator.model import Annotation, Label, Project, Relation, RelationType
from annotator.ops.annotations import create_span, delete_spans, update_span
from annotator.ops.labels import add_label, get_label, remove_label, update_label
from annotator.ops.projects import create_project, find_project
from annotator.ops.relations import create_relation, delete_relation
from annotator.ops.span_restore import restore
from annotator.store import Store
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = 'Mayor Ana Ruiz said: "The bridge opens in May." Critics disagree. 😀 終わり'


def _ids(store: Store, project: Project) -> tuple[int, int, int, int, int]:
    doc = add_doc(store, project.id, TEXT)
    return (
        doc,
        label_id(store, project.id, "ACTOR"),
        label_id(store, project.id, "QUOTE"),
        label_id(store, project.id, "CLAIM"),
        annotator_id(store, project.id, "alice"),
    )


def test_new_project_has_default_schema(store: Store, project: Project) -> None:
    with store.session() as s:
        labels = s.scalars(select(Label).where(Label.project_id == project.id).order_by(Label.position)).all()
        types = {
            t.name: (t.from_label and t.from_label.name, t.to_label and t.to_label.name)
            for t in s.scalars(select(RelationType))
        }
    assert [lab.name for lab in labels] == ["CLAIM", "QUOTE", "ACTOR", "CUE"]
    assert all(lab.color.startswith("#") and lab.description for lab in labels)
    # cue: from a QUOTE or a CLAIM to the CUE that attributes it (Source–Cue–Content).
    assert types == {"speaker": ("QUOTE", "ACTOR"), "claimant": ("CLAIM", "ACTOR"), "cue": (None, "CUE")}


def test_project_names_are_unique_and_found(store: Store, project: Project) -> None:
    with pytest.raises(ValidationError), store.transaction() as tx:
        create_project(tx, "Test")
    with store.session() as s:
        assert find_project(s).name == "Test"
    with store.transaction() as tx:
        create_project(tx, "Second")
    with store.session() as s, pytest.raises(NotFoundError, match="several projects"):
        find_project(s)


def test_create_span_stores_text_and_reports_change(store: Store, project: Project) -> None:
    doc, actor, _quote, _claim, alice = _ids(store, project)
    seen: list[ChangeSet] = []
    store.bus.subscribe(seen.append)
    origin = object()
    with store.transaction(origin) as tx:
        span = create_span(tx, doc, 6, 14, actor, alice)
    assert span.text == "Ana Ruiz"
    assert seen[-1].origin is origin
    assert seen[-1].changes[0].entity == "annotation" and seen[-1].changes[0].ids == (span.id,)
    assert seen[-1].document_ids() == {doc}


def test_astral_offsets_are_code_points(store: Store, project: Project) -> None:
    doc, actor, _q, _c, alice = _ids(store, project)
    start = TEXT.index("終")
    with store.transaction() as tx:
        span = create_span(tx, doc, start, start + 3, actor, alice)
    assert span.text == "終わり"


@pytest.mark.parametrize(
    ("start", "end", "message"),
    [(-1, 3, "outside"), (0, 10_000, "outside"), (5, 5, "empty"), (9, 4, "empty")],
)
def test_bad_offsets_are_refused(store: Store, project: Project, start: int, end: int, message: str) -> None:
    doc, actor, _q, _c, alice = _ids(store, project)
    with pytest.raises(ValidationError, match=message), store.transaction() as tx:
        create_span(tx, doc, start, end, actor, alice)


def test_exact_duplicate_refused_but_overlap_and_nesting_allowed(store: Store, project: Project) -> None:
    doc, _actor, quote, claim, alice = _ids(store, project)
    bob = annotator_id(store, project.id, "bob")
    q0, q1 = TEXT.index('"'), TEXT.index('."') + 2
    with store.transaction() as tx:
        create_span(tx, doc, q0, q1, quote, alice)
        create_span(tx, doc, q0 + 1, q1 - 2, claim, alice)  # nested
        create_span(tx, doc, q0, q1, claim, alice)  # same offsets, other label
        create_span(tx, doc, q0, q1, quote, bob)  # same span, other annotator
    with pytest.raises(ValidationError, match="already"), store.transaction() as tx:
        create_span(tx, doc, q0, q1, quote, alice)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Annotation)) == 4


def test_update_span_relabels_resizes_and_bumps_version(store: Store, project: Project) -> None:
    doc, actor, _quote, claim, alice = _ids(store, project)
    with store.transaction() as tx:
        span = create_span(tx, doc, 0, 5, actor, alice)
    with store.transaction() as tx:
        update_span(tx, span.id, label_id=claim, start=0, end=14)
    with store.session() as s:
        row = s.get_one(Annotation, span.id)
        assert (row.label_id, row.start, row.end, row.text, row.version) == (
            claim,
            0,
            14,
            "Mayor Ana Ruiz",
            2,
        )
    with pytest.raises(ValidationError), store.transaction() as tx:
        update_span(tx, span.id, end=0)


def test_only_own_spans_change_when_by_is_given(store: Store, project: Project) -> None:
    doc, actor, _q, _c, alice = _ids(store, project)
    bob = annotator_id(store, project.id, "bob")
    with store.transaction() as tx:
        span = create_span(tx, doc, 0, 5, actor, alice)
    with pytest.raises(ValidationError, match="another annotator"), store.transaction() as tx:
        update_span(tx, span.id, end=6, by=bob)
    with pytest.raises(ValidationError, match="another annotator"), store.transaction() as tx:
        delete_spans(tx, [span.id], by=bob)


def test_relations_check_type_and_document_and_cascade_on_delete(store: Store, project: Project) -> None:
    doc, actor, quote, claim, alice = _ids(store, project)
    other = add_doc(store, project.id, "Another text entirely.")
    with store.session() as s:
        speaker = s.scalars(select(RelationType.id).where(RelationType.name == "speaker")).one()
    with store.transaction() as tx:
        who = create_span(tx, doc, 6, 14, actor, alice)
        said = create_span(tx, doc, TEXT.index('"'), TEXT.index('."') + 2, quote, alice)
        cl = create_span(tx, doc, 0, 5, claim, alice)
        elsewhere = create_span(tx, other, 0, 7, actor, alice)
        rel = create_relation(tx, said.id, who.id, speaker, alice)
    with pytest.raises(ValidationError, match="does not fit"), store.transaction() as tx:
        create_relation(tx, cl.id, who.id, speaker, alice)
    with pytest.raises(ValidationError, match="same document"), store.transaction() as tx:
        create_relation(tx, said.id, elsewhere.id, speaker, alice)
    with pytest.raises(ValidationError, match="exists already"), store.transaction() as tx:
        create_relation(tx, said.id, who.id, speaker, alice)
    with store.transaction() as tx:
        spans, relations = delete_spans(tx, [who.id])
    assert [r.id for r in relations] == [rel.id]
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Relation)) == 0
    with store.transaction() as tx:
        restore(tx, spans, relations)
    with store.session() as s:
        back = s.get_one(Relation, rel.id)
        assert (back.source_id, back.target_id) == (said.id, who.id)
    with store.transaction() as tx:
        delete_relation(tx, rel.id)
    with store.session() as s:
        assert s.get(Relation, rel.id) is None


def test_label_rename_recolor_and_guarded_remove(store: Store, project: Project) -> None:
    doc, _actor, _q, claim, alice = _ids(store, project)
    with store.transaction() as tx:
        create_span(tx, doc, 0, 5, claim, alice)
        update_label(tx, get_label(tx, project.id, "CLAIM"), name="ASSERTION", color="#123456")
        extra = add_label(tx, project.id, "PLACE", hotkey="p")
    with pytest.raises(ValidationError, match="taken"), store.transaction() as tx:
        add_label(tx, project.id, "TIME", hotkey="p")
    with pytest.raises(ValidationError, match="#RRGGBB"), store.transaction() as tx:
        add_label(tx, project.id, "TIME", color="red")
    with pytest.raises(ValidationError, match="used by 1 span"), store.transaction() as tx:
        remove_label(tx, get_label(tx, project.id, "ASSERTION"))
    with store.transaction() as tx:
        assert remove_label(tx, get_label(tx, project.id, "PLACE")) == 0
        assert remove_label(tx, get_label(tx, project.id, "ASSERTION"), delete_annotations=True) == 1
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Annotation)) == 0
        assert s.get(Label, extra.id) is None
        claimant = s.scalars(select(RelationType).where(RelationType.name == "claimant")).one()
        assert claimant.from_label_id is None  # restriction lifted, type kept
        assert [lab.position for lab in s.scalars(select(Label).order_by(Label.position))] == [0, 1, 2]

"""Core reads and operations that the desktop app relies on (added for the GUI, Qt-free)."""

from __future__ import annotations

import pytest

from annotator.errors import NotFoundError
from annotator.model import Project
from annotator.ops.annotations import create_span
from annotator.ops.documents import set_status
from annotator.ops.relations import fitting_type_ids
from annotator.queries import (
    count_documents,
    document_view,
    documents_by_id,
    find_documents,
    label_rows,
    project_rows,
    relation_type_rows,
    span_detail,
    span_table,
    span_tuples,
)
from annotator.store import Store, Tx
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = "😀 Mayor Ana Ruiz said: “The bridge opens in May.” 北京 critics disagree."


def _span(store: Store, doc: int, start: int, end: int, label: int, who: int) -> int:
    with store.transaction() as tx:
        return create_span(tx, doc, start, end, label, who).id


def test_schema_rows_and_projects(store: Store, project: Project) -> None:
    with store.session() as session:
        assert [p.name for p in project_rows(session)] == ["Test"]
        labels = label_rows(session, project.id)
        types = relation_type_rows(session, project.id)
    assert [lab.name for lab in labels] == ["CLAIM", "QUOTE", "ACTOR", "CUE"]
    assert [lab.position for lab in labels] == [0, 1, 2, 3]
    assert all(lab.color.startswith("#") and lab.hotkey for lab in labels)
    by_id = {lab.id: lab.name for lab in labels}
    assert {t.name: (by_id.get(t.from_label_id), by_id.get(t.to_label_id)) for t in types} == {  # type: ignore[arg-type]
        "speaker": ("QUOTE", "ACTOR"),
        "claimant": ("CLAIM", "ACTOR"),
        "cue": (None, "CUE"),  # a QUOTE's or a CLAIM's
    }


def test_document_view(store: Store, project: Project) -> None:
    doc = add_doc(store, project.id, TEXT, title="Bridge", author="N. B.", source_url="https://example.org/a")
    with store.session() as session:
        view = document_view(session, doc)
        assert (view.text, view.title, view.author, view.status) == (TEXT, "Bridge", "N. B.", "new")
        assert view.source_url == "https://example.org/a" and view.meta == {}
        with pytest.raises(NotFoundError):
            document_view(session, doc + 1000)


def test_span_table_is_in_text_order_with_filters(store: Store, project: Project) -> None:
    doc = add_doc(store, project.id, TEXT)
    alice, bob = annotator_id(store, project.id, "alice"), annotator_id(store, project.id, "bob")
    actor, quote = label_id(store, project.id, "ACTOR"), label_id(store, project.id, "QUOTE")
    ruiz = TEXT.index("Mayor")
    opens = TEXT.index("“")
    a = _span(store, doc, opens, TEXT.index("”") + 1, quote, alice)
    b = _span(store, doc, ruiz, ruiz + 14, actor, alice)
    c = _span(store, doc, ruiz, ruiz + 5, actor, bob)
    with store.session() as session:
        rows = span_table(session, doc)
        assert [r[2] for r in rows] == [c, b, a]  # by start, then end, then id
        assert rows[1] == (ruiz, ruiz + 14, b, actor, alice, 1)
        assert [r[2] for r in span_table(session, doc, [alice])] == [b, a]
        assert [r[2] for r in span_table(session, doc, start_before=opens)] == [c, b]
        assert [r[2] for r in span_tuples(session, [a, c, 999_999])] == [c, a]
        assert span_tuples(session, []) == []
        detail = span_detail(session, b)
        assert detail is not None and (detail.label, detail.annotator, detail.version) == (
            "ACTOR",
            "alice",
            1,
        )
        assert span_detail(session, 999_999) is None


def test_find_documents_filters_by_text_title_and_status(store: Store, project: Project) -> None:
    ids = [
        add_doc(store, project.id, "The harbour bridge is closed.", title="Bridge"),
        add_doc(store, project.id, "Council votes on the budget.", title="Budget 100% agreed"),
        add_doc(store, project.id, "Nothing about it_here.", title="Other"),
    ]
    with store.transaction() as tx:
        set_status(tx, [ids[1]], "done")
    alice, actor = annotator_id(store, project.id, "alice"), label_id(store, project.id, "ACTOR")
    _span(store, ids[0], 4, 11, actor, alice)
    with store.session() as session:
        rows = find_documents(session, project.id)
        assert [(r.id, r.spans) for r in rows] == [(ids[0], 1), (ids[1], 0), (ids[2], 0)]
        assert [r.id for r in find_documents(session, project.id, text="BRIDGE")] == [ids[0]]
        assert [r.id for r in find_documents(session, project.id, text="budget")] == [ids[1]]
        assert [r.id for r in find_documents(session, project.id, text="100%")] == [ids[1]]
        # Words from their start since the full-text index (annotator/search.py): "t_h" no longer
        # matches inside "it_here"; "_" alone (no letter) is still a literal substring.
        assert [r.id for r in find_documents(session, project.id, text="it_h")] == [ids[2]]
        assert [r.id for r in find_documents(session, project.id, text="_")] == [ids[2]]
        assert [r.id for r in find_documents(session, project.id, status="done")] == [ids[1]]
        assert [r.id for r in find_documents(session, project.id, offset=1, limit=1)] == [ids[1]]
        assert count_documents(session, project.id) == 3
        assert count_documents(session, project.id, text="bridge", status="new") == 1
        assert count_documents(session, project.id, text="bridge", status="done") == 0
        fresh = documents_by_id(session, [ids[2], ids[0]])
        assert [(r.id, r.spans, r.status) for r in fresh] == [(ids[0], 1, "new"), (ids[2], 0, "new")]
        assert documents_by_id(session, []) == []


def test_fitting_type_ids_both_directions(store: Store, project: Project) -> None:
    doc = add_doc(store, project.id, TEXT)
    other = add_doc(store, project.id, "Another text entirely.")
    alice = annotator_id(store, project.id, "alice")
    actor, quote, claim = (label_id(store, project.id, n) for n in ("ACTOR", "QUOTE", "CLAIM"))
    q = _span(store, doc, TEXT.index("“"), TEXT.index("”") + 1, quote, alice)
    a = _span(store, doc, TEXT.index("Mayor"), TEXT.index("Mayor") + 14, actor, alice)
    c = _span(store, doc, TEXT.index("critics"), len(TEXT) - 1, claim, alice)
    far = _span(store, other, 0, 7, actor, alice)
    with store.session() as session:
        tx = Tx(session)
        types = {t.name: t.id for t in relation_type_rows(session, project.id)}
        assert fitting_type_ids(tx, q, a) == [types["speaker"]]
        assert fitting_type_ids(tx, c, a) == [types["claimant"]]
        assert fitting_type_ids(tx, a, q) == []  # wrong direction
        assert fitting_type_ids(tx, q, q) == []
        assert fitting_type_ids(tx, q, far) == []  # another document
        with pytest.raises(NotFoundError):
            fitting_type_ids(tx, q, 999_999)

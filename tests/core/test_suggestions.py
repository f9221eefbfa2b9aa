"""Suggestions as their own objects: stored apart, accepted into spans with their origin, rejected
for good, undoable, and never seen by exports or agreement (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import undo as log
from annotator.errors import NotFoundError
from annotator.export import ExportOptions, export
from annotator.model import Annotation, AuditEntry, DocStatus, Project, Relation, Suggestion
from annotator.ops.annotations import create_span
from annotator.ops.documents import set_status
from annotator.review.agree import Selection, load, project_agreement
from annotator.store import Actor, Store
from annotator.suggest import engines
from annotator.suggest.decide import decide_step, parse_ids
from annotator.suggest.rules import RelationSuggestion, SpanSuggestion, Suggestions
from annotator.suggest.store import listing, mark_shown, shown_documents
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = "Varga said: “The bridge opens in May.” Critics doubt it."
VARGA = (0, 5)
QUOTE = (12, 38)


def fake_engine(source: str = "rules@1", score: float = 0.9) -> engines.Engine:
    """What the rules would say on TEXT: an actor, a quote, and the quote's speaker."""

    def suggest(text: str) -> Suggestions:
        return Suggestions(
            spans=[SpanSuggestion(*VARGA, "ACTOR", score), SpanSuggestion(*QUOTE, "QUOTE", 0.6)],
            relations=[RelationSuggestion(1, 0, "speaker", 0.7)],
        )

    return engines.Engine(source, suggest)


def who(store: Store, project: Project, name: str) -> Actor:
    return Actor(name, annotator_id(store, project.id, name))


def pending(store: Store, project: Project, doc: int, name: str) -> list[tuple[int, int, str]]:
    with store.session() as s:
        found = listing(s, project.id, document_id=doc, pending_for=annotator_id(store, project.id, name))
    return [(r.start, r.end, r.label) for r in found.spans]


def decide(store: Store, project: Project, name: str, spans: list[int], rels: list[int], accepting: bool):
    person = who(store, project, name)
    with store.transaction(actor=person) as tx:
        return decide_step(tx, project.id, spans, rels, person.id or 0, accepting=accepting)


@pytest.fixture
def doc(store: Store, project: Project) -> int:
    doc_id = add_doc(store, project.id, TEXT)
    engines.run(store, project.id, fake_engine(), [doc_id])
    return doc_id


def test_run_stores_suggestions_apart_from_labels(store: Store, project: Project, doc: int) -> None:
    with store.session() as s:
        found = listing(s, project.id, document_id=doc)
        assert s.scalar(select(Annotation.id)) is None  # no label was made
    assert [(r.start, r.end, r.label, r.text, r.source) for r in found.spans] == [
        (0, 5, "ACTOR", "Varga", "rules@1"),
        (12, 38, "QUOTE", TEXT[12:38], "rules@1"),
    ]
    [rel] = found.relations
    assert (rel.source_id, rel.target_id, rel.type) == (found.spans[1].id, found.spans[0].id, "speaker")
    assert rel.to_json()["id"] == f"r{rel.id}"


def test_accept_makes_a_span_with_its_origin_and_undo_brings_the_suggestion_back(
    store: Store, project: Project, doc: int
) -> None:
    with store.session() as s:
        actor_suggestion = listing(s, project.id, document_id=doc).spans[0]
    result, step = decide(store, project, "alice", [actor_suggestion.id], [], True)
    assert len(result.spans) == 1 and step.id is not None
    with store.session() as s:
        span = s.get(Annotation, result.spans[0])
        assert span is not None
        assert (span.start, span.end, span.origin) == (0, 5, "suggestion:rules@1")
        assert span.annotator_id == annotator_id(store, project.id, "alice")
        audit = s.scalars(select(AuditEntry).where(AuditEntry.entity == "annotation")).all()
        assert audit[-1].detail is not None and audit[-1].detail["origin"] == "suggestion:rules@1"
    assert (0, 5, "ACTOR") not in pending(store, project, doc, "alice")
    assert (0, 5, "ACTOR") in pending(store, project, doc, "bob")  # decisions are each person's
    with store.transaction(actor=who(store, project, "alice")) as tx:
        log.undo(tx)
    with store.session() as s:
        assert s.get(Annotation, result.spans[0]) is None
    assert (0, 5, "ACTOR") in pending(store, project, doc, "alice")
    with store.transaction(actor=who(store, project, "alice")) as tx:
        log.redo(tx)
    assert (0, 5, "ACTOR") not in pending(store, project, doc, "alice")


def test_accepting_a_relation_brings_its_spans(store: Store, project: Project, doc: int) -> None:
    with store.session() as s:
        rel = listing(s, project.id, document_id=doc).relations[0]
    result, _ = decide(store, project, "alice", [], [rel.id], True)
    assert len(result.spans) == 2 and len(result.relations) == 1
    with store.session() as s:
        relation = s.get(Relation, result.relations[0])
        assert relation is not None
        source, target = s.get(Annotation, relation.source_id), s.get(Annotation, relation.target_id)
        assert source is not None and target is not None
        assert (source.start, source.end, target.start, target.end) == (*QUOTE, *VARGA)
    assert pending(store, project, doc, "alice") == []


def test_rejected_suggestions_never_come_back_after_a_new_run(
    store: Store, project: Project, doc: int
) -> None:
    with store.session() as s:
        quote = listing(s, project.id, document_id=doc).spans[1]
    decide(store, project, "alice", [quote.id], [], False)
    assert (12, 38, "QUOTE") not in pending(store, project, doc, "alice")
    report = engines.run(store, project.id, fake_engine(), [doc])
    assert report.replaced >= 1  # the undecided ones were replaced
    assert (12, 38, "QUOTE") not in pending(store, project, doc, "alice")
    assert (12, 38, "QUOTE") in pending(store, project, doc, "bob")
    with store.session() as s:  # one row per doc/offsets/label/source, not a second copy
        assert len(s.scalars(select(Suggestion).where(Suggestion.start == 12)).all()) == 1
    with store.transaction(actor=who(store, project, "alice")) as tx:
        log.undo(tx)  # the rejection itself is undoable
    assert (12, 38, "QUOTE") in pending(store, project, doc, "alice")


def test_a_new_run_replaces_undecided_suggestions_of_its_source_only(
    store: Store, project: Project, doc: int
) -> None:
    engines.run(store, project.id, fake_engine("spacy:test"), [doc])
    empty = engines.Engine("rules@1", lambda text: Suggestions())
    engines.run(store, project.id, empty, [doc])
    with store.session() as s:
        sources = {r.source for r in listing(s, project.id, document_id=doc).spans}
    assert sources == {"spacy:test"}


def test_min_score_and_unknown_labels(store: Store, project: Project) -> None:
    doc = add_doc(store, project.id, TEXT)
    odd = engines.Engine("rules@1", lambda text: Suggestions(spans=[SpanSuggestion(0, 5, "PLACE", 1.0)]))
    assert engines.run(store, project.id, odd, [doc]).unknown == {"PLACE": 1}
    report = engines.run(store, project.id, fake_engine(), [doc], min_score=0.8)
    assert (report.spans, report.relations) == (1, 0)  # the quote (0.6) and its link are left out


def test_unknown_ids_are_refused_and_change_nothing(store: Store, project: Project, doc: int) -> None:
    with pytest.raises(NotFoundError, match="no suggestion with id 999"):
        decide(store, project, "alice", [999], [], True)
    assert parse_ids(["3", "s4", "r5"]) == ([3, 4], [5])
    assert len(pending(store, project, doc, "alice")) == 2


def test_exports_and_agreement_ignore_suggestions(
    store: Store, project: Project, doc: int, tmp_path: Path
) -> None:
    out = tmp_path / "all.jsonl"
    export(store.session(), project.id, "jsonl", out, options=ExportOptions())
    assert json.loads(out.read_text())["spans"] == []
    with store.transaction(actor=who(store, project, "alice")) as tx:
        create_span(
            tx, doc, 0, 5, label_id(store, project.id, "ACTOR"), annotator_id(store, project.id, "alice")
        )
    with store.transaction(actor=who(store, project, "bob")) as tx:
        create_span(
            tx, doc, 0, 5, label_id(store, project.id, "ACTOR"), annotator_id(store, project.id, "bob")
        )
    with store.session() as s:
        report = project_agreement(s, project.id, Selection(tokens=False))
    assert "QUOTE" not in report.table()  # the suggested quote counts for nobody


def test_native_export_writes_the_origin_of_an_accepted_span(
    store: Store, project: Project, doc: int, tmp_path: Path
) -> None:
    with store.session() as s:
        first = listing(s, project.id, document_id=doc).spans[0]
    decide(store, project, "alice", [first.id], [], True)
    out = tmp_path / "all.jsonl"
    export(store.session(), project.id, "jsonl", out, options=ExportOptions())
    [span] = json.loads(out.read_text())["spans"]
    assert span["origin"] == "suggestion:rules@1" and span["annotator"] == "alice"


def test_shown_flag_only_before_done_and_agreement_can_leave_those_out(
    store: Store, project: Project, doc: int
) -> None:
    done = add_doc(store, project.id, "Another text entirely, long enough.")
    alice, bob = (annotator_id(store, project.id, n) for n in ("alice", "bob"))
    with store.transaction() as tx:
        set_status(tx, [done], DocStatus.DONE)
    with store.transaction() as tx:
        assert mark_shown(tx, [doc, done], alice) == [doc]
        assert mark_shown(tx, [doc], alice) == []
    with store.session() as s:
        assert shown_documents(s, project.id) == {doc: ["alice"]}
    actor = label_id(store, project.id, "ACTOR")
    for person, name in ((alice, "alice"), (bob, "bob")):
        with store.transaction(actor=Actor(name, person)) as tx:
            create_span(tx, doc, 0, 5, actor, person)
            create_span(tx, done, 0, 7, actor, person)
    with store.session() as s:
        _, _, every = load(s, project.id, Selection(tokens=False))
        _, _, unbiased = load(s, project.id, Selection(tokens=False, without_suggested=True))
    assert set(every) == {doc, done}
    assert set(unbiased) == {done}


def test_deleting_a_document_takes_its_suggestions_and_decisions(
    store: Store, project: Project, doc: int
) -> None:
    from annotator.model import RelationSuggestion, SuggestionDecision
    from annotator.ops.documents import delete_documents

    with store.session() as s:
        first = listing(s, project.id, document_id=doc).spans[0]
    decide(store, project, "alice", [first.id], [], False)
    with store.transaction() as tx:
        delete_documents(tx, [doc])
    with store.session() as s:
        for model in (Suggestion, RelationSuggestion, SuggestionDecision):
            assert s.scalar(select(model.id)) is None


def test_the_rules_get_every_annotators_actor_names_as_gazetteer(
    store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.suggest import rules

    seen: list[list[str]] = []
    monkeypatch.setattr(
        rules,
        "suggest",
        lambda text, gazetteer=(), config=None: seen.append(list(gazetteer)) or Suggestions(),
    )
    doc = add_doc(store, project.id, TEXT)
    actor, quote = label_id(store, project.id, "ACTOR"), label_id(store, project.id, "QUOTE")
    for name in ("alice", "bob"):
        person = who(store, project, name)
        with store.transaction(actor=person) as tx:
            create_span(tx, doc, *VARGA, actor, person.id or 0)
            create_span(tx, doc, *QUOTE, quote, person.id or 0)
    engine = engines.rules_engine(store, project.id)
    assert engine.source == "rules@1"
    engines.run(store, project.id, engine, [doc])
    assert seen == [["Varga"]]

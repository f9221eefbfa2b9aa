"""`annotator db copy` keeps suggestions, each person's decisions on them and which documents were
shown suggestions: a rejected one must not come back, a personal one stays its owner's, and
agreement must leave out the same documents after a move to the team's database."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path

from sqlalchemy import select

from annotator.dbcopy import copy_projects
from annotator.model import (
    Annotation,
    Annotator,
    AuditEntry,
    Document,
    Label,
    Project,
    RelationSuggestion,
    RelationType,
    Suggestion,
    SuggestionDecision,
    SuggestionShown,
)
from annotator.ops.projects import create_project, ensure_annotator
from annotator.review.agree import Selection, load
from annotator.store import Store, open_store
from annotator.suggest import engines
from annotator.suggest.store import listing, mark_shown
from tests.core.helpers import add_doc, annotator_id
from tests.core.test_suggestions import TEXT, decide, fake_engine

Row = tuple[object, ...]


def _suggestions(store: Store) -> dict[str, list[Row]]:
    """Every suggestion row by value (ids replaced by what they name)."""
    with store.session() as s:
        docs = {d.id: d.content_hash for d in s.scalars(select(Document))}
        labels = {x.id: x.name for x in s.scalars(select(Label))}
        types = {t.id: t.name for t in s.scalars(select(RelationType))}
        people: dict[int | None, str | None] = {a.id: a.name for a in s.scalars(select(Annotator))}
        people[None] = None
        spans = {
            x.id: (docs[x.document_id], x.start, x.end, labels[x.label_id], x.score, x.source)
            for x in s.scalars(select(Suggestion))
        }
        links = {
            r.id: (spans[r.source_id], spans[r.target_id], types[r.type_id], r.score, r.source)
            for r in s.scalars(select(RelationSuggestion))
        }
        return {
            "spans": sorted(
                (*spans[x.id], x.created_at, people[x.for_annotator_id])
                for x in s.scalars(select(Suggestion))
            ),
            "links": sorted(
                (*links[r.id], r.created_at, people[r.for_annotator_id])
                for r in s.scalars(select(RelationSuggestion))
            ),
            "decisions": sorted(
                (
                    docs[d.document_id],
                    str(spans.get(d.suggestion_id or 0)),
                    str(links.get(d.relation_suggestion_id or 0)),
                    people[d.annotator_id],
                    d.decision,
                    d.decided_at,
                )
                for d in s.scalars(select(SuggestionDecision))
            ),
            "shown": sorted(
                (docs[x.document_id], people[x.annotator_id], x.shown_at)
                for x in s.scalars(select(SuggestionShown))
            ),
        }


def _project(store: Store) -> tuple[Project, int, int]:
    """Suggestions on two documents: alice accepted the speaker link (bringing its spans), bob
    rejected the quote; one of carol's own; suggestions shown to alice on the first document."""
    with store.transaction() as tx:
        project = create_project(tx, "Suggested")
        for name in ("alice", "bob", "carol"):
            ensure_annotator(tx, project.id, name)
    first, second = (add_doc(store, project.id, text) for text in (TEXT, TEXT + " Again."))
    engines.run(store, project.id, fake_engine(), [first, second])
    carol = annotator_id(store, project.id, "carol")
    own = replace(fake_engine("model:q@1 for carol", 0.8), for_annotator=carol)
    engines.run(store, project.id, own, [second], annotator_id=carol)
    with store.session() as s:
        found = listing(s, project.id, document_id=first)
    decide(store, project, "alice", [], [found.relations[0].id], accepting=True)
    quote = next(r.id for r in found.spans if r.label == "QUOTE")
    decide(store, project, "bob", [quote], [], accepting=False)
    with store.transaction() as tx:
        mark_shown(tx, [first], annotator_id(store, project.id, "alice"))
    return project, first, second


def _pending(store: Store, name: str) -> list[tuple[int, int, str]]:
    with store.session() as s:
        project = s.scalars(select(Project).where(Project.name == "Suggested")).one()
        who = annotator_id(store, project.id, name)
        doc = s.scalars(select(Document.id).where(Document.project_id == project.id).order_by(Document.id))
        found = listing(s, project.id, document_id=doc.first(), pending_for=who)
    return [(r.start, r.end, r.label) for r in found.spans]


def test_suggestions_decisions_and_shown_flags_travel_and_come_back(tmp_path: Path, backend_url: str) -> None:
    src = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    _project(src)
    middle = open_store(backend_url)
    with middle.transaction() as tx:  # rows already there, so the copied ids differ from the source's
        other = create_project(tx, "Other")
        ensure_annotator(tx, other.id, "x")
    engines.run(middle, other.id, fake_engine(), [add_doc(middle, other.id, TEXT)])
    back = open_store(f"sqlite:///{tmp_path / 'back.db'}")
    report = copy_projects(src, middle, ["Suggested"])
    assert (report.rows["suggestion"], report.rows["relation_suggestion"]) == (6, 3)
    assert (report.rows["suggestion_decision"], report.rows["suggestion_shown"]) == (4, 1)
    copy_projects(middle, back, ["Suggested"])
    expected = _suggestions(src)
    assert [x[-1] for x in expected["spans"]].count("carol") == 2
    assert sorted(d[-2] for d in expected["decisions"]) == ["accepted"] * 3 + ["rejected"]
    assert _suggestions(back) == expected
    for store in (middle, back):  # the decisions still hold: bob's rejected quote stays away
        assert _pending(store, "bob") == [(0, 5, "ACTOR")]
        assert _pending(store, "alice") == []
        with store.session() as s:  # and agreement leaves out the same document
            _, _, unbiased = load(s, _project_id(store), Selection(tokens=False, without_suggested=True))
            assert len(unbiased) == 1
    for store in (src, middle, back):
        store.close()


def _project_id(store: Store) -> int:
    with store.session() as s:
        return s.scalars(select(Project.id).where(Project.name == "Suggested")).one()


def test_a_decisions_audit_entry_names_the_copied_rows(tmp_path: Path) -> None:
    src = open_store(f"sqlite:///{tmp_path / 'src.db'}")
    dst = open_store(f"sqlite:///{tmp_path / 'dst.db'}")
    with dst.transaction() as tx:  # ids taken, so every copied id moves
        other = create_project(tx, "Other")
        ensure_annotator(tx, other.id, "x")
    engines.run(dst, other.id, fake_engine(), [add_doc(dst, other.id, TEXT), add_doc(dst, other.id, "Two.")])
    _project(src)
    copy_projects(src, dst, ["Suggested"])
    with dst.session() as s:
        rejected = s.scalars(
            select(SuggestionDecision).where(SuggestionDecision.decision == "rejected")
        ).one()
        entry = s.scalars(
            select(AuditEntry).where(AuditEntry.entity == "suggestion", AuditEntry.entity_id == rejected.id)
        ).one()
        assert entry.detail is not None and entry.detail["suggestion"] == rejected.suggestion_id
        quote = s.get(Suggestion, rejected.suggestion_id)
        assert quote is not None and (entry.detail["start"], entry.detail["end"]) == (quote.start, quote.end)
        made = s.scalars(
            select(AuditEntry.detail).where(
                AuditEntry.entity == "suggestion", AuditEntry.entity_id.is_not(None)
            )
        ).all()
        spans = set(s.scalars(select(Annotation.id)))
        assert {d["made"] for d in made if d and "suggestion" in d and "made" in d} <= spans
    src.close()
    dst.close()

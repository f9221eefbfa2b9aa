"""The speakers of one person's quotes: a trained model links only their unlinked quotes, the
suggestions are theirs alone, and accepting reuses their quote span (SQLite and PostgreSQL)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import delete, select

from annotator import undo as log
from annotator.errors import ValidationError
from annotator.learn import batch
from annotator.learn.train import train
from annotator.learn.uncertainty import uncertainty
from annotator.model import Annotation, Project, Relation, RelationSuggestion, RelationType, Suggestion
from annotator.ops.annotations import create_span
from annotator.ops.relations import create_relation
from annotator.store import Store
from annotator.suggest import engines
from annotator.suggest.own import own_quotes_engine
from annotator.suggest.store import SpanSuggestionRow, listing
from benchmarks.quotes_corpus import corpus
from tests.core.helpers import add_doc, annotator_id, label_id
from tests.core.test_suggestions import decide, fake_engine, who

TEXT = (
    'Report 7\n\n"The river plan will cost more than we said," Lind said.\n\n'
    '"Nobody can wait for the next dry summer," Reed said.\n\n'
)
FIRST = (10, TEXT.index(" Lind"))  # the first quote, marks and comma included
SECOND = (TEXT.index('"Nobody'), TEXT.index(" Reed"))


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("models") / "quotes"
    train(corpus(40), out, labels=["QUOTE", "ACTOR"], layer="annotator:ana", max_minutes=0.5, seed=1)
    return out


def _quote(store: Store, project: Project, doc: int, name: str, span: tuple[int, int]) -> int:
    with store.transaction() as tx:
        made = create_span(
            tx, doc, *span, label_id(store, project.id, "QUOTE"), annotator_id(store, project.id, name)
        )
        return made.id


def _run(store: Store, project: Project, model_dir: Path, doc: int, name: str) -> engines.SaveReport:
    labels = engines.project_labels(store, project.id)
    who = annotator_id(store, project.id, name)
    engine = own_quotes_engine(engines.model_engine(model_dir, {}, labels), who, name)
    return engines.run(store, project.id, engine, [doc], annotator_id=who)


def _one_link(store: Store, project: Project) -> tuple[int, int, tuple[int, int]]:
    """The one relation stored: its source, its target, the target's edges."""
    with store.session() as s:
        [(source, target)] = s.execute(select(Relation.source_id, Relation.target_id)).all()
        edges = s.execute(select(Annotation.start, Annotation.end).where(Annotation.id == target)).one()
    return source, target, (edges[0], edges[1])


def _alices_quote_run(store: Store, project: Project, model_dir: Path) -> tuple[int, int]:
    """TEXT with alice's first quote, and the speakers of her quotes suggested."""
    doc = add_doc(store, project.id, TEXT)
    quote = _quote(store, project, doc, "alice", FIRST)
    _run(store, project, model_dir, doc, "alice")
    return doc, quote


def _links(store: Store, project: Project, doc: int, name: str) -> list[tuple[str, str]]:
    """(quote text, speaker text) of the relation suggestions ``name`` sees."""
    with store.session() as s:
        found = listing(s, project.id, document_id=doc, pending_for=annotator_id(store, project.id, name))
        ends = {row.id: row for row in found.spans}
        every = {row.id: (row.start, row.end) for row in listing(s, project.id, document_id=doc).spans}
    return [
        (TEXT[slice(*every[r.source_id])], ends[r.target_id].text if r.target_id in ends else "?")
        for r in found.relations
    ]


def test_the_speakers_of_alices_quotes_are_hers_alone(
    store: Store, project: Project, model_dir: Path
) -> None:
    doc = add_doc(store, project.id, TEXT)
    _quote(store, project, doc, "alice", FIRST)
    _quote(store, project, doc, "bob", SECOND)  # bob's quote is not alice's to link
    report = _run(store, project, model_dir, doc, "alice")
    assert report.relations == 1
    assert _links(store, project, doc, "alice") == [(TEXT[slice(*FIRST)], "Lind")]
    assert _links(store, project, doc, "bob") == [] and _pending_spans(store, project, doc, "bob") == []
    with store.session() as s:
        sources = set(s.scalars(select(Suggestion.source)))
        owners = set(s.scalars(select(Suggestion.for_annotator_id)))
        rel_owners = set(s.scalars(select(RelationSuggestion.for_annotator_id)))
    assert sources == {"model:quotes@1 for alice"}
    assert owners == rel_owners == {annotator_id(store, project.id, "alice")}
    # alice's own quote comes back only as the link's end: she labelled it, so it is not pending
    assert [r.text for r in _pending_spans(store, project, doc, "alice")] == ["Lind"]
    with store.session() as s:  # nor does alice's pending work move bob's queue
        assert uncertainty(s, [doc], annotator_id(store, project.id, "bob")) == {}
        assert set(uncertainty(s, [doc], annotator_id(store, project.id, "alice"))) == {doc}


def _pending_spans(store: Store, project: Project, doc: int, name: str) -> list[SpanSuggestionRow]:
    with store.session() as s:
        return listing(
            s, project.id, document_id=doc, pending_for=annotator_id(store, project.id, name)
        ).spans


def test_accepting_links_her_own_quote_and_bob_cannot_decide_on_it(
    store: Store, project: Project, model_dir: Path
) -> None:
    _doc, quote = _alices_quote_run(store, project, model_dir)
    with store.session() as s:
        [rel] = s.scalars(select(RelationSuggestion.id)).all()
    with pytest.raises(ValidationError, match=f"r{rel} was made for another annotator"):
        decide(store, project, "bob", [], [rel], True)
    decide(store, project, "alice", [], [rel], True)
    source, target, edges = _one_link(store, project)
    with store.session() as s:
        spans = s.scalars(select(Annotation.id)).all()
        origin = s.scalar(select(Annotation.origin).where(Annotation.id == target))
    assert source == quote and len(spans) == 2  # her quote span, not a copy of it
    assert TEXT[slice(*edges)] == "Lind"
    assert origin == "suggestion:model:quotes@1 for alice"


def test_accepting_the_speaker_alone_brings_the_link_to_her_quote(
    store: Store, project: Project, model_dir: Path
) -> None:
    doc, quote = _alices_quote_run(store, project, model_dir)
    [speaker] = _pending_spans(store, project, doc, "alice")
    decide(store, project, "alice", [speaker.id], [], True)
    source, _target, edges = _one_link(store, project)
    assert source == quote and TEXT[slice(*edges)] == "Lind"
    assert _links(store, project, doc, "alice") == []  # decided: the link is no longer pending
    with store.transaction(actor=who(store, project, "alice")) as tx:
        log.undo(tx)  # one step: the speaker and its link go, both suggestions are pending again
    with store.session() as s:
        assert s.scalars(select(Relation.id)).all() == [] and s.scalars(select(Annotation.id)).all() == [
            quote
        ]
    assert [r.text for r in _pending_spans(store, project, doc, "alice")] == ["Lind"]
    assert _links(store, project, doc, "alice") == [(TEXT[slice(*FIRST)], "Lind")]


def test_a_quote_she_linked_already_gets_no_suggestion(
    store: Store, project: Project, model_dir: Path
) -> None:
    doc = add_doc(store, project.id, TEXT)
    quote = _quote(store, project, doc, "alice", FIRST)
    alice = annotator_id(store, project.id, "alice")
    with store.transaction() as tx:
        lind = TEXT.index("Lind")
        actor = create_span(tx, doc, lind, lind + 4, label_id(store, project.id, "ACTOR"), alice)
        speaker = tx.session.scalars(
            select(RelationType.id).where(
                RelationType.project_id == project.id, RelationType.name == "speaker"
            )
        ).one()
        create_relation(tx, quote, actor.id, speaker, alice)
    report = _run(store, project, model_dir, doc, "alice")
    assert report.spans == report.relations == 0


def test_only_a_model_with_links_finds_speakers(store: Store, project: Project) -> None:
    with pytest.raises(ValidationError, match="needs a model `annotator train` made"):
        own_quotes_engine(fake_engine(), annotator_id(store, project.id, "alice"), "alice")


def test_the_command_links_her_quotes_and_bob_lists_none(tmp_path: Path, model_dir: Path) -> None:
    from annotator.ops.projects import ensure_annotator
    from annotator.store import open_store
    from tests.core.test_suggest_cli import cli

    url = f"sqlite:///{tmp_path / 'team.db'}"
    assert cli(url, "init").returncode == 0
    store = open_store(url)
    with store.transaction() as tx:
        project = tx.session.scalars(select(Project)).one()
        ensure_annotator(tx, project.id, "alice")
        ensure_annotator(tx, project.id, "bob")
    doc = add_doc(store, project.id, TEXT)
    _quote(store, project, doc, "alice", FIRST)
    refused = cli(url, "suggest", "--rules", "--my-quotes", "--annotator", "alice")
    assert refused.returncode != 0 and "--my-quotes goes with --model" in refused.stderr
    done = cli(url, "suggest", "--model", str(model_dir), "--my-quotes", "--annotator", "alice")
    assert done.returncode == 0, done.stderr
    assert (
        "model:quotes@1 for alice: 2 span and 1 relation suggestion(s) on 1 document(s); 1 of your"
        in done.stdout
    )
    assert "1 of your quotes had no speaker yet" in done.stdout
    seen = {
        name: json.loads(cli(url, "suggestions", "--annotator", name, "--json").stdout)
        for name in ("alice", "bob")
    }
    assert seen["bob"] == []
    assert [(i.get("text"), i.get("type")) for i in seen["alice"]] == [("Lind", None), (None, "speaker")]
    store.close()


def _found_for(store: Store, project: Project, docs: list[int], name: str) -> list[tuple[object, ...]]:
    """Every suggestion ``name`` sees on ``docs``, by value: spans, and links by their ends."""
    out: list[tuple[object, ...]] = []
    with store.session() as s:
        for doc in docs:
            found = listing(s, project.id, document_id=doc, pending_for=annotator_id(store, project.id, name))
            every = {r.id: (r.start, r.end, r.label) for r in listing(s, project.id, document_id=doc).spans}
            out += [(doc, r.start, r.end, r.label, r.score, r.source) for r in found.spans]
            out += [(doc, every[r.source_id], every[r.target_id], r.type, r.score) for r in found.relations]
    return out


def test_many_documents_run_on_both_cores_and_store_what_one_process_does(
    store: Store, project: Project, model_dir: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    docs = [add_doc(store, project.id, TEXT.replace("Report 7", f"Report {n}")) for n in range(6)]
    for doc in docs[:5]:  # the last document has no quote of alice's: nothing to find there
        _quote(store, project, doc, "alice", FIRST)
    _quote(store, project, docs[2], "alice", SECOND)
    _quote(store, project, docs[3], "bob", SECOND)  # bob's: not alice's to link
    labels = engines.project_labels(store, project.id)
    who = annotator_id(store, project.id, "alice")
    engine = own_quotes_engine(engines.model_engine(model_dir, {}, labels), who, "alice")
    monkeypatch.setattr(engines, "PARALLEL_FROM", 10**9)
    engines.run(store, project.id, engine, docs, annotator_id=who)
    alone = _found_for(store, project, docs, "alice")
    runs: list[dict[str, object]] = []
    real = batch.suggest_many

    def spy(*args: Any, **kwargs: Any) -> Any:
        runs.append(kwargs)
        return real(*args, **kwargs)

    monkeypatch.setattr(batch, "suggest_many", spy)
    monkeypatch.setattr(engines, "PARALLEL_FROM", 2)
    with store.transaction() as tx:  # the second run must make them again, not keep the first's
        tx.session.execute(delete(Suggestion))
    report = engines.run(store, project.id, engine, docs, annotator_id=who)
    assert [r["speakers"] for r in runs] == [True]
    assert report.relations == 6 and report.waiting == 6
    assert _found_for(store, project, docs, "alice") == alone
    assert {(d, q) for d, q, *_ in alone if isinstance(q, tuple)} == {
        *((d, (*FIRST, "QUOTE")) for d in docs[:5]),
        (docs[2], (*SECOND, "QUOTE")),
    }

"""Rejected suggestions train the next model: paragraphs a person rejected suggestions in, in
documents the layer has no labels in, teach "no label here"; rejected speaker links teach "not
this speaker" (``annotator.suggest.rejected``, ``annotator.learn.negatives``)."""

from __future__ import annotations

import json
from pathlib import Path

from sqlalchemy import select

from annotator.export import ExportOptions, records
from annotator.learn.features import Lexicon
from annotator.learn.linker import Linker, candidates
from annotator.learn.tagger import CrfTier, empty_paragraphs, train_tier
from annotator.learn.train import fit_linkers, train
from annotator.model import Project, RelationSuggestion
from annotator.ops.annotations import create_span
from annotator.ops.importer import import_records
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.store import Store
from annotator.suggest import engines
from annotator.suggest.rejected import RejectedDoc, rejections
from benchmarks.quotes_corpus import corpus
from tests.core.helpers import add_doc, annotator_id, label_id
from tests.core.test_suggestions import QUOTE, TEXT, VARGA, decide, fake_engine, pending

TWO = TEXT + "\n\nThe council met on Monday."  # a second paragraph no suggestion touches


def _ids(store: Store, project: Project, doc: int, label: str | None) -> list[int]:
    """Suggestion ids of one label in a document (None: its relation suggestions)."""
    with store.session() as s:
        if label is None:
            return list(s.scalars(select(RelationSuggestion.id).where(RelationSuggestion.document_id == doc)))
    from annotator.suggest.store import listing

    with store.session() as s:
        return [r.id for r in listing(s, project.id, document_id=doc).spans if r.label == label]


def _label(store: Store, project: Project, doc: int, name: str) -> None:
    """``name`` labels Varga and the quote of TEXT in ``doc``."""
    person = annotator_id(store, project.id, name)
    with store.transaction() as tx:
        create_span(tx, doc, *VARGA, label_id(store, project.id, "ACTOR"), person)
        create_span(tx, doc, *QUOTE, label_id(store, project.id, "QUOTE"), person)


def test_the_layers_rejections_are_read_with_what_was_left_open(store: Store, project: Project) -> None:
    labelled = add_doc(store, project.id, TEXT)
    half = add_doc(store, project.id, TWO)
    others = add_doc(store, project.id, TEXT + " ")
    engines.run(store, project.id, fake_engine(), [labelled, half, others])
    _label(store, project, labelled, "alice")
    decide(store, project, "alice", [], _ids(store, project, labelled, None), accepting=False)
    decide(store, project, "alice", _ids(store, project, half, "QUOTE"), [], accepting=False)
    decide(store, project, "bob", _ids(store, project, others, "QUOTE"), [], accepting=False)

    with store.session() as s:
        mine = rejections(s, project.id, "annotator:alice", {labelled})
        everyone = rejections(s, project.id, "all", {labelled})
        gold = rejections(s, project.id, "gold", {labelled})
    assert mine.documents == [RejectedDoc(half, TWO, [(*QUOTE, "QUOTE")], [(*VARGA, "ACTOR")])]
    assert mine.links == {labelled: [((*QUOTE, "QUOTE"), (*VARGA, "ACTOR"), "speaker")]}
    assert [d.doc_id for d in everyone.documents] == [half, others]  # bob's rejection counts for "all"
    assert not gold  # one person's "no" is not the review's

    # The paragraph with the rejected quote is known to hold no quote; the ACTOR suggestion there
    # was left open, so nothing is known of actors; the second paragraph had no suggestion at all.
    doc = mine.documents[0]
    assert empty_paragraphs(doc.text, doc.rejected, doc.kept, ["QUOTE"]) == [(0, len(TEXT))]
    assert empty_paragraphs(doc.text, doc.rejected, doc.kept, ["QUOTE", "ACTOR"]) == []
    assert empty_paragraphs(doc.text, doc.rejected, doc.kept, ["ACTOR"]) == []
    assert pending(store, project, half, "alice") == [(*VARGA, "ACTOR")]  # reading changed nothing


def test_empty_paragraphs_teach_the_tier_what_is_not_a_label(tmp_path: Path) -> None:
    """Trained on names that meet names, the tier takes any capitalised word before "met" for an
    actor; with paragraphs where people rejected "Florp" (a product) as one, it no longer does."""
    names = ["Anna", "Varga", "Nagy", "Kim", "Lee", "Omar", "Ruth", "Pia"]
    labelled: list[tuple[str, list[tuple[int, int, str]]]] = [
        (f"{a} met {b} on day {i}.", [(0, len(a), "ACTOR"), (len(a) + 5, len(a) + 5 + len(b), "ACTOR")])
        for i, (a, b) in enumerate(zip(names, names[1:] + names[:1], strict=True))
    ]
    texts = [f"Florp met the board on day {i}." for i in range(10)]
    empty = [(t, [(0, len(t))]) for t in texts]
    probe = "Florp met Anna on day 9."
    found = {}
    for name, extra in (("plain", []), ("taught", empty)):
        path = tmp_path / f"{name}.crfsuite"
        train_tier(labelled, ["ACTOR"], path, seconds=60, lexicon=Lexicon(), max_iterations=60, empty=extra)
        found[name] = {(t.start, t.end) for t in CrfTier(path, Lexicon()).tag(probe)}
    assert found["plain"] == {(0, 5), (10, 14)}
    assert found["taught"] == {(10, 14)}  # Anna is still an actor: what the labels teach stays


def test_a_rejected_speaker_link_is_taught_as_not_this_speaker() -> None:
    text = "Varga and Nagy met. Nagy said the bridge opens in May. The mayor was away."
    varga, nagy1, nagy2 = (0, 5, "ACTOR"), (10, 14, "ACTOR"), (20, 24, "ACTOR")
    quote, other = (30, 54, "QUOTE"), (55, 74, "QUOTE")
    spans = [SpanRecord(*s, key=f"T{i}") for i, s in enumerate([varga, nagy1, nagy2, quote, other])]
    record = DocRecord(text=text, spans=spans, relations=[RelationRecord("T3", "T2", "speaker")], doc_id=7)
    records = [record] * 5  # 5 links make a linker
    refused = {7: [(other, nagy2, "speaker")]}

    def chance(linkers: list[Linker]) -> float:
        return linkers[0].score(dict(candidates(text, other, [varga, nagy1, nagy2], [quote, other]))[nagy2])

    plain, taught = (
        fit_linkers(records, ["ACTOR", "QUOTE"]),
        fit_linkers(records, ["ACTOR", "QUOTE"], refused),
    )
    assert chance(taught) < chance(plain)


def test_training_reports_and_keeps_what_rejections_taught(
    store: Store, project: Project, tmp_path: Path
) -> None:
    with store.transaction() as tx:
        import_records(tx, project.id, corpus(12, seed=5), annotator="alice")
    blank = add_doc(store, project.id, TEXT)
    engines.run(store, project.id, fake_engine(), [blank])
    refused = _ids(store, project, blank, "QUOTE") + _ids(store, project, blank, "ACTOR")
    decide(store, project, "alice", refused, [], accepting=False)
    with store.session() as s:
        found = list(records(s, project.id, ExportOptions(layer="annotator:alice")))
        rejected = rejections(s, project.id, "annotator:alice", {r.doc_id for r in found if r.spans})
    assert blank not in {r.doc_id for r in found if r.spans}

    result = train(found, tmp_path / "m", layer="annotator:alice", max_minutes=0.2, seed=1, rejected=rejected)
    assert result.rejections == {"paragraphs": 1, "documents": 1}
    assert json.loads((tmp_path / "m" / "model.json").read_text())["rejections"] == result.rejections
    without = train(found, tmp_path / "n", layer="annotator:alice", max_minutes=0.2, seed=1)
    assert without.rejections == {} and "rejections" not in json.loads(
        (tmp_path / "n" / "model.json").read_text()
    )

"""Dataset selection: layers, labels, split and sentences, on records (no database)."""

from __future__ import annotations

import itertools
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from annotator.dataset import LabelMap, Layer, Split, sentence_bounds, split_at, split_sentences
from annotator.dataset.labels import MERGED_SPANS, NOT_SELECTED
from annotator.dataset.layers import MAJORITY, OUTSIDE_LAYER, select_layer
from annotator.dataset.sentences import CROSSING
from annotator.errors import ValidationError
from annotator.formats.base import ExportReport
from annotator.records import DocRecord, RelationRecord, SpanRecord
from tests.core.dataset_helpers import records

TEXT = 'Mayor Jane Roe said: "We will win." Critics claimed the plan fails.'


def report() -> ExportReport:
    return ExportReport(Path("x"))


def voted() -> DocRecord:
    """Three annotators; alice and bob agree on the quote and its speaker, only carol on the claim."""
    spans, relations = [], []
    for who in ("alice", "bob", "carol"):
        spans.append(SpanRecord(21, 35, "QUOTE", who, key=f"q{who}"))
        spans.append(SpanRecord(0, 14, "ACTOR", who, key=f"a{who}"))
        if who != "carol":
            relations.append(RelationRecord(f"q{who}", f"a{who}", "speaker", who))
    spans.append(SpanRecord(44, 61, "CLAIM", "carol", key="c"))
    relations.append(RelationRecord("c", "acarol", "claimant", "carol"))
    return DocRecord(text=TEXT, spans=spans, relations=relations)


def _spans(record: DocRecord) -> list[tuple[int, int, str, str | None]]:
    return [(s.start, s.end, s.label, s.annotator) for s in record.spans]


def test_layer_parsing() -> None:
    assert Layer.parse("annotator: alice") == Layer("annotator", "alice")
    assert str(Layer.parse("majority")) == "majority"
    for bad in ("annotator:", "everyone", ""):
        with pytest.raises(ValidationError, match="unknown layer"):
            Layer.parse(bad)


def test_majority_keeps_what_more_than_half_agree_on() -> None:
    out = select_layer(voted(), Layer("majority"), report())
    assert _spans(out) == [(21, 35, "QUOTE", MAJORITY), (0, 14, "ACTOR", MAJORITY)]
    assert [(r.source, r.target, r.type) for r in out.relations] == [("qalice", "aalice", "speaker")]


def test_majority_with_two_annotators_needs_both() -> None:
    record = voted()
    record.spans = [s for s in record.spans if s.annotator != "carol"]
    record.relations = [r for r in record.relations if r.annotator != "carol"]
    record.spans.append(SpanRecord(44, 61, "CLAIM", "bob", key="c"))
    out = select_layer(record, Layer("majority"), report())
    assert [s.label for s in out.spans] == ["QUOTE", "ACTOR"]


def test_one_annotator_and_gold_layers() -> None:
    rep = report()
    record = voted()
    record.relations.append(RelationRecord("qalice", "abob", "speaker", "alice"))
    out = select_layer(record, Layer("annotator", "alice"), rep)
    assert {s.annotator for s in out.spans} == {"alice"} and len(out.relations) == 1
    assert rep.left_out == {OUTSIDE_LAYER: 1}
    gold = select_layer(voted(), Layer("gold"), report(), gold={"carol"})
    assert [s.label for s in gold.spans] == ["QUOTE", "ACTOR", "CLAIM"] and len(gold.relations) == 1


def test_label_selection_drops_relations_to_unselected_spans() -> None:
    rep = report()
    out = LabelMap(frozenset({"QUOTE", "CLAIM"})).apply(voted(), rep)
    assert {s.label for s in out.spans} == {"QUOTE", "CLAIM"} and out.relations == []
    assert rep.left_out == {NOT_SELECTED: 3}


def test_renaming_merges_labels_and_repoints_relations() -> None:
    record = DocRecord(
        text=TEXT,
        spans=[
            SpanRecord(21, 35, "QUOTE", "alice", key="1"),
            SpanRecord(21, 35, "CLAIM", "alice", key="2"),
            SpanRecord(0, 14, "ACTOR", "alice", key="3"),
        ],
        relations=[
            RelationRecord("1", "3", "speaker", "alice"),
            RelationRecord("2", "3", "speaker", "alice"),
        ],
    )
    rep = report()
    out = LabelMap(rename={"QUOTE": "STATEMENT", "CLAIM": "STATEMENT"}).apply(record, rep)
    assert _spans(out) == [(21, 35, "STATEMENT", "alice"), (0, 14, "ACTOR", "alice")]
    assert [(r.source, r.target) for r in out.relations] == [("1", "3")]
    assert rep.left_out[MERGED_SPANS] == 1
    assert record.spans[0].label == "QUOTE"  # the input record is untouched


def test_label_map_checks_and_output_labels() -> None:
    labels = LabelMap(frozenset({"CLAIM", "QUOTE"}), {"QUOTE": "SPEECH"})
    assert labels.output_labels(["CLAIM", "QUOTE", "ACTOR"]) == ["CLAIM", "SPEECH"]
    assert LabelMap(rename={"QUOTE": "CLAIM"}).output_labels(["CLAIM", "QUOTE"]) == ["CLAIM"]
    with pytest.raises(ValidationError, match=r"unknown label.*QOUTE"):
        LabelMap(frozenset({"QOUTE"})).check(["CLAIM", "QUOTE"])


def test_split_is_deterministic_disjoint_and_stable_under_new_documents() -> None:
    texts = [f"Article number {i}." for i in range(3000)]
    split = Split((0.8, 0.1, 0.1), seed=7)
    first = {t: split.of(t) for t in texts}
    assert first == {t: Split((0.8, 0.1, 0.1), seed=7).of(t) for t in texts}
    counts = {name: list(first.values()).count(name) for name in ("train", "dev", "test")}
    assert 2250 < counts["train"] < 2550 and 200 < counts["dev"] < 400 and 200 < counts["test"] < 400
    assert {t: split.of(t) for t in texts[:100]} == {t: first[t] for t in texts[:100]}  # fewer docs, same
    other = Split((0.8, 0.1, 0.1), seed=8)
    assert sum(other.of(t) != first[t] for t in texts) > 300
    assert {Split((0.5, 0.5, 0.0)).of(t) for t in texts} == {"train", "dev"}


@pytest.mark.parametrize("bad", ["0.8,0.3", "1", "a,b", "0.5,0.5,0.5", "0,0.5,0.5", "nan,0.5,0.5"])
def test_bad_split_ratios(bad: str) -> None:
    with pytest.raises(ValidationError):
        Split.parse(bad)


def test_sentence_bounds() -> None:
    text = 'Mr. Roe said: "We will win." Then he left! Prices fell 3.5 percent in the U.S. today.\nNext line?'
    got = [text[a:b] for a, b in sentence_bounds(text)]
    assert got == [
        'Mr. Roe said: "We will win."',
        "Then he left!",
        "Prices fell 3.5 percent in the U.S. today.",
        "Next line?",
    ]
    cjk = "他来了。她走了。"
    assert [cjk[a:b] for a, b in sentence_bounds(cjk)] == ["他来了。", "她走了。"]
    assert sentence_bounds("   ") == []


def test_sentences_never_cut_a_span_and_rebase_offsets() -> None:
    text = "He said it. Really. It rained. Then sun."
    record = DocRecord(
        text=text,
        doc_id=4,
        spans=[
            SpanRecord(3, 18, "QUOTE", "a", key="1"),
            SpanRecord(20, 22, "ACTOR", "a", key="2"),
            SpanRecord(36, 39, "CLAIM", "a", key="3"),
        ],
        relations=[RelationRecord("1", "2", "speaker", "a"), RelationRecord("3", "2", "claimant", "a")],
    )
    rep = report()
    parts = list(split_sentences(record, rep))
    assert [p.text for p in parts] == ["He said it. Really.", "It rained.", "Then sun."]
    assert [(p.meta["sentence"], p.meta["offset"]) for p in parts] == [(0, 0), (1, 20), (2, 31)]
    assert [(p.text[s.start : s.end], s.key) for p in parts for s in p.spans] == [
        ("said it. Really", "1"),
        ("It", "2"),
        ("sun", "3"),
    ]
    assert rep.left_out == {CROSSING: 2}
    assert all(p.doc_id == 4 for p in parts)


@settings(max_examples=200, deadline=None)
@given(records())
def test_sentence_examples_keep_every_span_and_its_text(record: DocRecord) -> None:
    rep = report()
    parts = list(split_sentences(record, rep))
    got = sorted(
        (p.meta["offset"] + s.start, p.meta["offset"] + s.end, s.label, s.key, p.text[s.start : s.end])
        for p in parts
        for s in p.spans
    )
    assert got == sorted((s.start, s.end, s.label, s.key, record.text[s.start : s.end]) for s in record.spans)
    kept = sum(len(p.relations) for p in parts)
    assert kept + rep.left_out.get(CROSSING, 0) == len(record.relations)
    offsets = [(p.meta["offset"], p.meta["offset"] + len(p.text)) for p in parts]
    assert all(a[1] <= b[0] for a, b in itertools.pairwise(offsets))


@given(st.lists(st.integers(0, 30), max_size=10), st.lists(st.integers(0, 40), max_size=8))
def test_split_at_cuts_tokens_at_every_edge_inside_them(bounds: list[int], cuts: list[int]) -> None:
    edges = sorted(set(bounds))
    tokens = [(a, b) for a, b in zip(edges[::2], edges[1::2], strict=False) if a < b]
    out = split_at(tokens, cuts)
    assert "".join("x" * (b - a) for a, b in out) == "".join("x" * (b - a) for a, b in tokens)
    for a, b in out:
        assert a < b and not any(a < c < b for c in cuts)
        assert any(ta <= a and b <= tb for ta, tb in tokens)

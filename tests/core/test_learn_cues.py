"""Cue words learnt from the training layer, and training on every document against a given
held-out set (a corpus's own development split). Tiny made-up data; nothing is downloaded."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.learn.features import document_features, learn_lexicon, tokenize
from annotator.learn.train import train
from annotator.records import DocRecord, SpanRecord
from annotator.suggest.rules import SpanSuggestion, Suggestions
from benchmarks.polnear import whole_contents
from benchmarks.quotes_corpus import corpus

TEXT = "Lind scoffed that the dam leaks. The dam is old. Reed scoffed that the dam holds. Birds sing."


def _pairs(text: str) -> list[tuple[tuple[int, int, str], tuple[int, int, str]]]:
    """(speaker, content) of the two attributions in TEXT."""
    out = []
    for name, content in (("Lind", "the dam leaks"), ("Reed", "the dam holds")):
        a, c = text.index(name), text.index(content)
        out.append(((a, a + len(name), "ACTOR"), (c, c + len(content), "QUOTE")))
    return out


def test_cue_words_are_learnt_from_the_gaps_between_linked_spans() -> None:
    lexicon = learn_lexicon([(TEXT, _pairs(TEXT))] * 3)
    assert lexicon["scoffed"] == 1.0  # no rules' speech verb: learnt from the links alone
    assert 0 < lexicon["that"] <= 1.0
    assert "dam" not in lexicon and "birds" not in lexicon and "lind" not in lexicon
    twice = learn_lexicon([(TEXT, _pairs(TEXT) * 2)] * 3)  # two fragments of one content: one gap
    assert twice["scoffed"] == 1.0


def test_learnt_cue_words_reach_the_token_features() -> None:
    toks = tokenize(TEXT)
    words = [TEXT[a:b] for a, b in toks]
    lind = words.index("Lind")
    plain = document_features(TEXT, toks)
    learnt = document_features(TEXT, toks, {"scoffed": 1.0})
    assert plain[lind + 1]["cue"] == 0.0 and learnt[lind + 1]["cue"] == 1.0
    assert learnt[lind]["cue1"] == 1.0 and learnt[lind]["cue_right"] == "1"
    assert plain[lind]["cue_right"] != "1"


def test_training_against_a_given_held_out_set_uses_every_record(tmp_path: Path) -> None:
    records, held_out = corpus(12, seed=3), corpus(4, seed=4)
    result = train(
        records,
        tmp_path / "m",
        labels=["QUOTE", "ACTOR"],
        max_minutes=0.1,
        held_out=held_out,
        cpu_minutes=True,
        tier_per_label=True,
    )
    assert (result.train_docs, result.test_docs) == (12, 4)
    meta = json.loads((tmp_path / "m" / "model.json").read_text())
    assert meta["train_docs"] == 12 and meta["figures"]["documents"] == 4
    assert meta["tiers"] == [["QUOTE"], ["ACTOR"]]  # never overlapping, yet one CRF each: both cores
    assert meta["lexicon"]["told"] == 1.0  # "Mayor Varga told reporters: ..." in the made-up corpus


def test_a_multi_part_content_counts_once_in_the_whole_content_figures() -> None:
    text = "Part one, he said, part two. Another claim here."
    spans = [
        SpanRecord(0, 8, "QUOTE", "polnear", text[0:8], "T1.0"),
        SpanRecord(18, 27, "QUOTE", "polnear", text[18:27], "T1.1"),
        SpanRecord(29, 47, "QUOTE", "polnear", text[29:47], "T2.0"),
    ]
    record = DocRecord(text, title="d", source_file="d", spans=spans, relations=[])

    class Found:
        def predict(self, _text: str) -> Suggestions:
            return Suggestions([SpanSuggestion(20, 25, "QUOTE", 0.9), SpanSuggestion(40, 44, "ACTOR", 0.9)])

    got = whole_contents(Found(), [record])  # type: ignore[arg-type]
    assert got == {"p": 1.0, "r": 0.5, "f1": 2 / 3, "contents": 2}  # by fragments: recall 1/3


def test_a_clitic_is_its_own_token_so_a_source_can_end_before_it() -> None:
    text = "Trump’s lawyer said she'll sue; O’Brien didn't."
    assert [text[a:b] for a, b in tokenize(text)] == [
        "Trump", "’s", "lawyer", "said", "she", "'ll", "sue", ";", "O’Brien", "didn't", ".",
    ]  # fmt: skip


def test_the_iterations_stop_at_the_cap_whatever_the_budget(tmp_path: Path) -> None:
    result = train(
        corpus(12, seed=3), tmp_path / "m", labels=["QUOTE", "ACTOR"], max_minutes=5, max_iterations=4
    )
    meta = json.loads((result.folder / "model.json").read_text())
    assert meta["iterations"] == [4]  # a budget of minutes alone would run 150

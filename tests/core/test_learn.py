"""Training an extractor in the app: tiers, a model folder, held-out figures, bad input.

Tiny models on a made-up corpus (``benchmarks.quotes_corpus``); nothing is downloaded."""

from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from annotator.errors import ValidationError
from annotator.learn import evaluate as scoring
from annotator.learn.features import paragraphs, sequences, tokenize
from annotator.learn.model import load
from annotator.learn.tagger import encode, tiers
from annotator.learn.train import Cancelled, train
from benchmarks.quotes_corpus import corpus


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("models") / "quotes"
    train(corpus(40), out, labels=["QUOTE", "ACTOR"], layer="annotator:ana", max_minutes=0.5, seed=1)
    return out


def test_labels_that_overlap_train_in_separate_tiers() -> None:
    docs = [[(0, 10, "QUOTE"), (2, 4, "ACTOR"), (20, 25, "CLAIM")], [(0, 5, "QUOTE"), (6, 9, "CLAIM")]]
    assert tiers(docs, ["QUOTE", "ACTOR", "CLAIM"]) == [["QUOTE", "CLAIM"], ["ACTOR"]]


def test_bio_tags_follow_the_tokens() -> None:
    toks = [(0, 3), (4, 8), (9, 12), (13, 17)]
    assert encode(toks, [(4, 12, "QUOTE"), (9, 12, "ACTOR")], ["QUOTE", "ACTOR"]) == [
        "O",
        "B-QUOTE",
        "I-QUOTE",
        "O",
    ]


def test_a_trained_model_finds_quotes_and_speakers(model_dir: Path) -> None:
    meta = json.loads((model_dir / "model.json").read_text())
    assert meta["format"] == "annotator-model" and meta["tiers"] == [["QUOTE", "ACTOR"]]
    held_out = meta["figures"]
    assert held_out["labels"]["QUOTE"]["overlap"]["f1"] > 0.8
    assert held_out["speaker"]["gold_spans"]["accuracy"] > 0.8
    model = load(model_dir)
    assert model.source == "model:quotes@1"
    text = 'Report 99\n\n"The river plan will cost more than we said," Lind said.\n\n'
    found = model.predict(text)
    quotes = [s for s in found.spans if s.label == "QUOTE"]
    assert quotes and text[quotes[0].start : quotes[0].end].startswith('"The river')
    assert [
        (text[found.spans[r.target].start : found.spans[r.target].end], r.type) for r in found.relations
    ] == [("Lind", "speaker")]


def test_evaluate_reports_exact_and_overlap_per_label(model_dir: Path) -> None:
    figures = scoring.evaluate(load(model_dir), corpus(6, seed=7))
    assert figures["documents"] == 6
    assert set(figures["labels"]) == {"QUOTE", "ACTOR"}
    assert figures["labels"]["ACTOR"]["exact"]["f1"] > 0.5
    assert "speaker accuracy (gold spans)" in scoring.table(figures)


def test_not_a_model_is_refused_with_its_path(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="not a model folder"):
        load(tmp_path)
    (tmp_path / "model.json").write_text('{"format": "other"}')
    with pytest.raises(ValidationError, match="not an annotator model"):
        load(tmp_path)
    (tmp_path / "model.json").write_text("{broken")
    with pytest.raises(ValidationError, match=r"model\.json"):
        load(tmp_path)


def test_an_existing_folder_is_never_overwritten(tmp_path: Path) -> None:
    (tmp_path / "keep.txt").write_text("mine")
    with pytest.raises(ValidationError, match="already exists"):
        train(corpus(4), tmp_path, labels=["QUOTE"], max_minutes=0.1)
    assert [p.name for p in tmp_path.iterdir()] == ["keep.txt"]


def test_cancelled_training_writes_nothing(tmp_path: Path) -> None:
    cancel = threading.Event()
    cancel.set()
    with pytest.raises(Cancelled):
        train(corpus(10), tmp_path / "m", labels=["QUOTE"], max_minutes=0.2, cancel=cancel)
    assert list(tmp_path.iterdir()) == []


def test_too_few_documents_is_a_clear_error(tmp_path: Path) -> None:
    with pytest.raises(ValidationError, match="at least 2 documents"):
        train(corpus(1), tmp_path / "m", labels=["QUOTE"])


def test_paragraphs_and_the_taggers_sequences() -> None:
    """True paragraphs split at every blank line; the tagger's sequences keep the rule every model
    was trained and measured with (a break after trailing spaces only, see ``sequences``)."""
    text = "Varga spoke.\n\nNagy agreed. \n\n\nThe end"
    toks = tokenize(text)

    def pieces(ranges: list[tuple[int, int]]) -> list[str]:
        return [text[toks[lo][0] : toks[hi - 1][1]] for lo, hi in ranges]

    assert pieces(paragraphs(text, toks)) == ["Varga spoke.", "Nagy agreed.", "The end"]
    assert pieces(sequences(text, toks)) == ["Varga spoke.\n\nNagy agreed.", "The end"]
    assert paragraphs("One line.\nAnother line.", tokenize("One line.\nAnother line.")) == [(0, 6)]

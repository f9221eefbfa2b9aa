"""The second content tier (``RecallTier``): its contents are added where the model's tiers find
none; a model without the ``recall`` entry tags as before. Made-up texts only."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from annotator.errors import ValidationError
from annotator.learn.features import tokenize
from annotator.learn.model import load
from annotator.learn.tagger import CrfTier, Tagged, add_missing
from annotator.learn.train import RecallTier, train
from benchmarks.quotes_corpus import corpus


def test_only_the_second_tiers_contents_that_meet_none_of_the_first_are_added() -> None:
    first = [Tagged(0, 10, "QUOTE", 0.9), Tagged(12, 18, "ACTOR", 0.8)]
    second = [
        Tagged(5, 15, "QUOTE", 0.99),  # overlaps a first content: the first's boundaries stay
        Tagged(14, 16, "QUOTE", 0.7),  # inside an actor only: added
        Tagged(20, 30, "QUOTE", 0.65),  # alone: added
        Tagged(32, 40, "QUOTE", 0.5),  # alone but under the least score
        Tagged(42, 45, "ACTOR", 0.99),  # not the label: never added
    ]
    got = add_missing(first, second, "QUOTE", 0.6)
    assert got == [first[0], first[1], second[1], second[2]]
    assert add_missing(first, second, "QUOTE", 0.0) == [first[0], first[1], second[1], second[2], second[3]]
    assert add_missing(first, [], "QUOTE", 0.0) == first


def test_a_model_with_a_recall_tier_adds_its_contents_and_one_without_tags_as_before(tmp_path: Path) -> None:
    out = tmp_path / "m"
    recall = RecallTier(iterations=10, min_score=0.0)
    train(
        corpus(30), out, labels=["QUOTE", "ACTOR"], max_minutes=0.3, seed=1, second_pass=None, recall=recall
    )
    # a first tier that finds no content at all (trained on actors only): the second's are added
    actors = tmp_path / "actors"
    train(corpus(30), actors, labels=["ACTOR"], max_minutes=0.3, seed=1, second_pass=None)
    shutil.copy(actors / "tier-0.crfsuite", out / "tier-0.crfsuite")
    meta = json.loads((out / "model.json").read_text())
    assert meta["recall"] == {
        "file": "recall-0.crfsuite",
        "label": "QUOTE",
        "context": True,
        "min_score": 0.0,
        "iterations": 10,
    }
    assert "tagger" not in meta  # the first tier keeps the first models' features
    text = 'Report 9\n\n"The bridge will cost more than we said," Lind said. Moss wants a new road.\n\n'
    toks = tokenize(text)
    model = load(out)
    assert model.recall is not None
    assert model.recall[0].extras is not None and model.recall[0].extras.context
    first = CrfTier(out / "tier-0.crfsuite", meta["lexicon"]).tag(text, toks)
    second = model.recall[0].tag(text, toks)
    assert [t.label for t in first] == ["ACTOR"]
    assert model.tag(text) == add_missing(first, second, "QUOTE", 0.0)
    assert [(text[t.start : t.end], t.label) for t in model.tag(text)] == [
        ('"The bridge will cost more than we said,"', "QUOTE"),
        ("Lind", "ACTOR"),
    ]
    del meta["recall"]
    (out / "model.json").write_text(json.dumps(meta))
    assert load(out).tag(text) == first


def test_a_folder_whose_recall_tier_is_missing_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "m"
    train(corpus(12), out, labels=["QUOTE", "ACTOR"], max_minutes=0.2, seed=1, second_pass=None)
    meta = json.loads((out / "model.json").read_text())
    meta["recall"] = RecallTier().entry(10)
    (out / "model.json").write_text(json.dumps(meta))
    with pytest.raises(ValidationError, match=r"recall-0\.crfsuite"):
        load(out)

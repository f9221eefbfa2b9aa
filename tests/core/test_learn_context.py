"""The content tagger's added features: context (``context.py``) and word clusters learnt from
the training text (``clusters.py``), recorded in ``model.json`` so older models decode as before.

Made-up texts only."""

from __future__ import annotations

import json
import random
from pathlib import Path

from annotator.learn.clusters import learn_clusters, load_clusters, save_clusters
from annotator.learn.context import _quote_state
from annotator.learn.features import Extras, document_features, tokenize
from annotator.learn.model import load
from annotator.learn.tagger import CLUSTERS, folder_extras, tagger_entry
from annotator.learn.train import TaggerFeatures, train
from benchmarks.quotes_corpus import corpus


def _texts(n: int = 400) -> list[str]:
    """Sentences where officials and verbs share their neighbours, numbers theirs."""
    rng = random.Random(3)
    officials = ["mayor", "senator", "governor", "minister", "judge", "sheriff"]
    verbs = ["said", "warned", "argued", "claimed", "added", "insisted"]
    out = []
    for i in range(n):
        o, v, k = rng.choice(officials), rng.choice(verbs), rng.randint(10, 99)
        out.append(f"The {o} {v} that the town spent {k} dollars on item{i % 40} and road{i % 30}.")
    return out


def _feats(text: str, extras: Extras | None) -> list[dict[str, float | str]]:
    return document_features(text, tokenize(text), {"said": 0.9, "urges": 0.8}, extras)


def test_words_that_share_neighbours_share_a_cluster_and_the_learning_is_seeded() -> None:
    clusters = learn_clusters(_texts(), min_count=3, sizes=(4, 8))
    assert clusters == learn_clusters(_texts(), min_count=3, sizes=(4, 8))
    assert clusters["mayor"] == clusters["governor"] == clusters["judge"]
    assert clusters["warned"][0] == clusters["insisted"][0]
    assert clusters["mayor"][0] != clusters["warned"][0]
    assert learn_clusters(_texts(5), min_count=3) == {}  # too few words: none


def test_clusters_round_trip_through_their_file(tmp_path: Path) -> None:
    clusters = {"mayor": (1, 7), "said": (2, 9)}
    save_clusters(clusters, tmp_path / "c.json")
    assert load_clusters(tmp_path / "c.json") == clusters


def test_the_token_features_see_the_clusters_of_the_word_and_its_neighbours() -> None:
    text = "The mayor said no."
    plain = _feats(text, None)
    feats = _feats(text, Extras(clusters={"mayor": (1, 7), "said": (2, 9)}))
    assert not any(k.startswith("c0") for k in plain[1])
    assert feats[1]["c0+0"] == "1" and feats[1]["c1+0"] == "7" and feats[1]["c0+1"] == "2"
    assert feats[0]["run_next_c0"] == "1"  # "The mayor" is one run; the word after it...
    assert "c0+0" not in feats[3]


def test_the_quote_state_follows_curly_and_straight_marks_and_ends_with_the_paragraph() -> None:
    words = ["a", "“", "b", "”", "c", '"', "d", '"', "e", "“", "f"]
    firsts = [False] * 10 + [True]
    assert _quote_state(words, firsts) == [
        False,
        False,
        True,
        True,
        False,
        False,
        True,
        True,
        False,
        False,
        False,
    ]


def test_context_features_see_the_sentence_its_cues_and_the_paragraph() -> None:
    text = "Varga urges voters to stay home.\n\nShe said that “the plan fails. It costs too much”"
    toks = tokenize(text)
    feats = _feats(text, Extras(context=True))
    words = [text[a:b] for a, b in toks]
    at = {w: feats[i] for i, w in enumerate(words)}
    assert at["voters"]["para"] == "0" and at["plan"]["para"] == "1"
    assert at["voters"]["sent_head"] == "urges" and at["voters"]["sent_head_cue"] == 1.0
    assert at["home"]["to_end"] == "1" and at["Varga"]["to_end"] == "6-10"
    assert at["She"]["cue_w_after"] == "said" and at["plan"]["cue_w_before"] == "said"
    assert at["She"]["opened_clause"] == 0.0 and at["plan"]["opened_clause"] == 1.0
    assert at["plan"]["open_quote"] == 1.0 and at["She"]["open_quote"] == 0.0
    assert at["costs"]["sent_in_para"] == "1" and at["costs"]["sent_quote"] == "11"
    assert "para" not in _feats(text, None)[0]


def test_a_new_model_records_its_features_and_an_old_one_decodes_without(tmp_path: Path) -> None:
    out = tmp_path / "m"
    on = TaggerFeatures(context=True, clusters=True)
    train(corpus(30), out, labels=["QUOTE", "ACTOR"], max_minutes=0.3, seed=1, second_pass=None, features=on)
    meta = json.loads((out / "model.json").read_text())
    assert meta["tagger"] == {"context": True}  # too little text for clusters
    assert folder_extras(out) == Extras(context=True)
    text = 'Report 9\n\n"The bridge will cost more than we said," Lind said.\n\n'
    spans = load(out).predict(text).spans
    # the same CRF read as a model from before the entry gets other features and other scores
    del meta["tagger"]
    (out / "model.json").write_text(json.dumps(meta))
    assert folder_extras(out) is None
    assert [s.score for s in load(out).predict(text).spans] != [s.score for s in spans]
    plain = tmp_path / "plain"
    train(
        corpus(30),
        plain,
        labels=["QUOTE", "ACTOR"],
        max_minutes=0.3,
        seed=1,
        second_pass=None,
    )  # the default: the first models' features
    assert "tagger" not in json.loads((plain / "model.json").read_text())


def test_a_folder_with_clusters_gives_them_to_its_tiers(tmp_path: Path) -> None:
    clusters = {"mayor": (1, 7)}
    save_clusters(clusters, tmp_path / CLUSTERS)
    entry = tagger_entry(Extras(clusters=clusters))
    assert entry == {"context": False, "clusters": CLUSTERS}
    (tmp_path / "model.json").write_text(json.dumps({"tagger": entry}))
    assert folder_extras(tmp_path) == Extras(clusters=clusters)

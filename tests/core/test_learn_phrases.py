"""A name's whole phrase sees the word that governs it: the tagger's features of capitalised runs
(PolNeAR sources such as "Senate Majority Leader Mitch McConnell said" are longer than the
±3-word window). Made-up text; nothing is downloaded."""

from __future__ import annotations

from annotator.learn.features import document_features, tokenize

TEXT = "The Senate Majority Leader Mitch Stone scoffed on Friday. Officials disagreed."


def _features() -> dict[str, dict[str, float | str]]:
    toks = tokenize(TEXT)
    return {
        TEXT[a:b]: f for (a, b), f in zip(toks, document_features(TEXT, toks, {"scoffed": 1.0}), strict=True)
    }


def test_every_word_of_a_long_name_sees_the_verb_after_it() -> None:
    f = _features()
    assert f["Senate"]["w3"] == "mitch"  # beyond the window...
    assert (
        f["Senate"]["run_next"] == "scoffed" and f["Senate"]["run_next_cue"] == 1.0
    )  # ...but not the phrase
    assert [f[w]["run"] for w in ("The", "Senate", "Stone", "Friday")] == ["B", "I", "E", "S"]
    assert "run_next" not in f["scoffed"] and f["scoffed"]["run"] == "-"


def test_the_position_in_its_sentence_restarts_at_each_sentence() -> None:
    f = _features()
    assert (f["The"]["sent_pos"], f["Officials"]["sent_pos"], f["disagreed"]["sent_pos"]) == ("0", "0", "1")
    assert f["Officials"]["run_prev"] == "."

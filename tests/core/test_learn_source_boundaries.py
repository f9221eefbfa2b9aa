"""The source pass's second feature set and its boundaries against an unsure tagged actor's: new
models record both in ``model.json``; older models (no ``features`` / ``own_below``) decode as
before. Made-up texts only."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.learn.model import Model, load
from annotator.learn.sources import FEATURES, Context
from annotator.learn.train import train
from annotator.suggest.rules import SpanSuggestion, Suggestions
from tests.core.test_learn_sources import _records


def _feature_names(version: int) -> set[str]:
    text = 'Rain fell. Mr. Stone, the mayor, fears that "taxes must rise," he wrote.'
    ctx = Context(text, {"fears": 1.0, "wrote": 1.0}, version=version)
    lo, hi = ctx.tokens_of(text.index("taxes"), text.index(',"'))
    return {k for f in ctx.features(lo, hi, ctx.window(lo, hi)) for k in f}


def test_the_second_feature_set_adds_to_the_first_which_is_unchanged() -> None:
    old, new = _feature_names(1), _feature_names(2)
    assert old < new
    assert {"anchor_side", "q_between", "end_between", "runs_between", "cue_r", "in_quote"} <= new
    assert not any(k.startswith(("anchor_", "runs_", "cue_r", "cue_l", "in_quote", "q_")) for k in old)


def test_the_second_feature_set_sees_what_lies_between_a_token_and_the_content() -> None:
    text = 'Mr. Stone warned. "Taxes must rise," said Ada Varga.'
    ctx = Context(text, {"warned": 1.0, "said": 1.0}, version=2)
    lo, hi = ctx.tokens_of(text.index("Taxes"), text.index(',"'))
    window = ctx.window(lo, hi)
    features = ctx.features(lo, hi, window)

    def of(word: str) -> dict[str, float | str]:
        return features[window.index(ctx.words.index(word))]

    assert of("Varga")["anchor_side"] == "A|said"  # "said" lies between it and the content
    assert (of("Varga")["q_between"], of("Varga")["end_between"]) == (1.0, 0.0)
    assert (of("Ada")["runs_between"], of("Varga")["runs_between"]) == ("A0", "A1")
    assert (of("Stone")["anchor_side"], of("Stone")["end_between"]) == ("B|warn", 1.0)
    assert (of("Stone")["cue_r"], of("Stone")["cue_r_w"]) == ("1", "warn")


class _Pass:
    """A stand-in for a trained pass that always proposes the same span."""

    label, override = "ACTOR", 0.7

    def __init__(self, found: tuple[int, int, float], own_below: float) -> None:
        self.found, self.own_below = found, own_below

    def find(self, _ctx: Context, _content: tuple[int, int, str]) -> tuple[int, int, float]:
        return self.found


def _decode(tagger_score: float, own_below: float) -> tuple[str, str]:
    """The actor span's text after decoding, and the text of the source the content links to."""
    text = "Mr. Stone fears that taxes must rise."
    actor = (text.index("Stone"), text.index(" that"), "ACTOR")  # the tagger's "Stone fears"
    quote = (text.index("taxes"), len(text) - 1, "QUOTE")
    out = Suggestions(
        [SpanSuggestion(quote[0], quote[1], "QUOTE", 0.9), SpanSuggestion(*actor, tagger_score)]
    )
    index = {quote: 0, actor: 1}
    second = _Pass((0, text.index(" fears"), 0.95), own_below)
    linked = Model._second_pass(second, Context(text, None), quote, None, [actor], out, index)  # type: ignore[arg-type]
    assert linked is not None and len(out.spans) == 2
    source = out.spans[index[linked[0]]]
    return text[out.spans[1].start : out.spans[1].end], text[source.start : source.end]


def test_the_pass_sets_the_boundaries_of_an_unsure_tagged_actor() -> None:
    assert _decode(tagger_score=0.6, own_below=0.8) == ("Mr. Stone", "Mr. Stone")
    assert _decode(tagger_score=0.9, own_below=0.8) == ("Stone fears", "Stone fears")  # sure enough
    assert _decode(tagger_score=0.6, own_below=0.0) == ("Stone fears", "Stone fears")  # older models


def test_a_new_model_records_its_feature_set_and_an_older_one_decodes_with_the_first(
    tmp_path: Path,
) -> None:
    out = tmp_path / "model"
    train(_records(12, seed=7), out, labels=["QUOTE", "ACTOR"], max_minutes=0.2)
    meta = json.loads((out / "model.json").read_text())
    assert (meta["sources"][0]["features"], meta["sources"][0]["own_below"]) == (FEATURES, 0.8)
    assert (load(out).sources["speaker"].version, load(out).sources["speaker"].own_below) == (2, 0.8)
    for spec in meta["sources"]:  # as a model trained before the second feature set
        del spec["features"], spec["own_below"]
    (out / "model.json").write_text(json.dumps(meta))
    older = load(out).sources["speaker"]
    assert (older.version, older.own_below) == (1, 0.0)

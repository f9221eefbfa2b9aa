"""The boundary fixes of predicted sources (``learn.bounds``): each rule on made-up texts, and a
model with a ``bounds`` entry decoding with them while one without decodes as before."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.learn.bounds import (
    CONTENT_RULES,
    RULES,
    choose,
    choose_on,
    close,
    comma,
    entry,
    fix,
    names,
    time,
)
from annotator.learn.model import load
from annotator.learn.tagger import Tagged
from annotator.learn.train import train
from annotator.records import DocRecord, SpanRecord
from annotator.suggest.rules import SpanSuggestion, Suggestions
from benchmarks.quotes_corpus import corpus


def span(text: str, part: str) -> tuple[int, int]:
    start = text.index(part)
    return start, start + len(part)


def word(text: str, before: str, length: int) -> tuple[int, int]:
    """The ``length`` characters where ``before`` starts."""
    start = text.index(before)
    return start, start + length


def cut(text: str, edges: tuple[int, int]) -> str:
    return text[edges[0] : edges[1]]


def test_an_apposition_takes_its_closing_comma_and_a_plain_name_does_not() -> None:
    text = "Ola Brek, a ferry pilot from Tarn, warned that the pier leans."
    assert cut(text, comma(text, *span(text, "Ola Brek, a ferry pilot from Tarn"))) == (
        "Ola Brek, a ferry pilot from Tarn,"
    )
    assert cut(text, comma(text, *span(text, "Ola Brek"))) == "Ola Brek"  # no apposition in it
    done = span(text, "Ola Brek, a ferry pilot from Tarn,")
    assert comma(text, *done) == done


def test_a_name_extends_over_its_honorific_and_first_names_but_not_a_clause_word() -> None:
    text = "The port said Sen. Mira K. Olund agreed. But Olund left. Later, Dr. Pell wrote."
    assert cut(text, names(text, *span(text, "Olund"))) == "Sen. Mira K. Olund"
    second = text.index("Olund left")
    assert names(text, second, second + 5) == (second, second + 5)  # "But" opens the sentence
    assert cut(text, names(text, *span(text, "Pell"))) == "Dr. Pell"
    lower = "the port said the pilots agreed."
    assert names(lower, *span(lower, "the pilots")) == span(lower, "the pilots")


def test_a_trailing_time_phrase_is_dropped() -> None:
    text = "Ola Brek on Friday warned that the pier leans; the board now says so."
    assert cut(text, time(text, *span(text, "Ola Brek on Friday"))) == "Ola Brek"
    assert cut(text, time(text, *span(text, "the board now"))) == "the board"
    assert time(text, *span(text, "Ola Brek")) == span(text, "Ola Brek")


def test_the_rules_run_in_order_and_unknown_rules_are_refused() -> None:
    text = "A pilot, Ola Brek on Friday, warned."
    edges = span(text, "A pilot, Ola Brek on Friday")
    assert cut(text, fix(text, *edges, ["comma", "time"])) == "A pilot, Ola Brek on Friday,"
    assert cut(text, fix(text, *edges, ["time", "comma"])) == "A pilot, Ola Brek"
    assert entry() == {"label": "ACTOR", "rules": list(RULES)}
    with pytest.raises(ValueError, match="shrink"):
        entry(rules=["comma", "shrink"])


def test_a_model_with_bounds_fixes_its_sources_and_links_follow(tmp_path: Path) -> None:
    out = tmp_path / "m"
    train(corpus(30), out, labels=["QUOTE", "ACTOR"], max_minutes=0.3, seed=1, second_pass=None, bounds=RULES)
    meta = json.loads((out / "model.json").read_text())
    assert meta["bounds"] == {"label": "ACTOR", "rules": list(RULES)}
    text = '"The pier leans," Mr. Brek said on Friday. Brek and Mr. Brek agree.'
    quote = span(text, '"The pier leans,"')
    tagged = [
        Tagged(*quote, "QUOTE", 0.9),
        Tagged(*word(text, "Brek said", 4), "ACTOR", 0.8),
        Tagged(*word(text, "Brek and", 4), "ACTOR", 0.7),
        Tagged(*word(text, "Mr. Brek agree", 8), "ACTOR", 0.7),
        Tagged(*word(text, "Brek agree", 4), "ACTOR", 0.6),  # its fix would be the span before
    ]

    def decoded(folder: Path) -> tuple[list[str], list[str]]:
        model = load(folder)
        model.tag = lambda text, toks=None: list(tagged)  # type: ignore[method-assign]
        got = model.predict(text)
        actors = [text[s.start : s.end] for s in got.spans if s.label == "ACTOR"]
        linked = [text[got.spans[r.target].start : got.spans[r.target].end] for r in got.relations]
        return actors, linked

    actors, linked = decoded(out)
    # "Brek" before "said" takes its honorific; "Brek and" opens a sentence; the last "Brek"
    # would become the "Mr. Brek" tagged already, so it stays
    assert actors == ["Mr. Brek", "Brek", "Mr. Brek", "Brek"]
    assert linked and all(a in actors for a in linked)
    del meta["bounds"]
    (out / "model.json").write_text(json.dumps(meta))
    assert decoded(out)[0] == ["Brek", "Brek", "Mr. Brek", "Brek"]
    # a person's own actor span, given with the quote, keeps the edges they chose
    (out / "model.json").write_text(json.dumps({**meta, "bounds": entry()}))
    given = [(*quote, "QUOTE"), (*word(text, "Brek said", 4), "ACTOR")]
    got = load(out).predict(text, given)
    assert [text[s.start : s.end] for s in got.spans if s.label == "ACTOR"] == ["Brek"]


def _found(text: str, predicted: list[str], reference: list[str]) -> tuple[str, list, list]:
    """A document as ``bounds.choose`` takes it: predicted ACTOR spans (each the first place
    its text stands at) and the reference ones."""
    return (
        text,
        [SpanSuggestion(*span(text, p), "ACTOR", 0.9) for p in predicted],
        [(*span(text, r), "ACTOR") for r in reference],
    )


def test_only_the_rules_that_make_more_sources_right_are_chosen() -> None:
    text = "Dr. Pell said the pier leans. Ola Brek, a pilot, agreed on Friday."
    # people who label the honorific and the closing comma: both rules help, "time" changes nothing
    theirs = _found(text, ["Pell", "Ola Brek, a pilot"], ["Dr. Pell", "Ola Brek, a pilot,"])
    assert choose([theirs], "ACTOR") == ["comma", "names"]
    # people who leave both out: the model's spans were right, and no rule is kept
    others = _found(text, ["Pell", "Ola Brek, a pilot"], ["Pell", "Ola Brek, a pilot"])
    assert choose([others], "ACTOR") == []
    # a rule is kept only when it gains overall: one right, one wrong is no gain
    mixed = _found("Dr. Pell and Dr. Vos said so.", ["Pell", "Vos"], ["Dr. Pell", "Vos"])
    assert choose([mixed], "ACTOR") == []
    assert choose([mixed, theirs], "ACTOR") == ["comma", "names"]
    assert choose([theirs], "QUOTE") == []  # another label's spans are not moved


def test_training_keeps_the_rules_its_held_out_documents_support(tmp_path: Path) -> None:
    said: list[str] = []
    train(
        corpus(30),
        tmp_path / "auto",
        labels=["QUOTE", "ACTOR"],
        max_minutes=0.3,
        seed=1,
        progress=said.append,
    )
    meta = json.loads((tmp_path / "auto" / "model.json").read_text())
    for key, label in (("bounds", "ACTOR"), ("content_bounds", "QUOTE")):
        [kept] = [line for line in said if line.startswith(f"boundary rules kept for {label}: ")]
        chosen = kept.removeprefix(f"boundary rules kept for {label}: ")
        assert meta.get(key, {"rules": []})["rules"] == ([] if chosen == "none" else chosen.split(", "))
    train(corpus(30), tmp_path / "none", labels=["QUOTE", "ACTOR"], max_minutes=0.3, seed=1, bounds=())
    meta = json.loads((tmp_path / "none" / "model.json").read_text())
    assert not {"bounds", "content_bounds"} & set(meta)


def test_a_content_that_leaves_its_quotation_mark_open_takes_the_closing_one() -> None:
    text = 'He said "we will win." Then: “they lose,” and «nous gagnons» or ``done.\'\' Later "a" b.'
    assert cut(text, close(text, *span(text, '"we will win'))) == '"we will win."'
    assert cut(text, close(text, *span(text, "“they lose"))) == "“they lose,”"
    assert cut(text, close(text, *span(text, "«nous gagnons"))) == "«nous gagnons»"
    assert cut(text, close(text, *span(text, "``done"))) == "``done.''"
    papers = "He said. ''We won.'' And ``so.'' we"
    assert cut(papers, close(papers, *span(papers, "''We won"))) == "''We won.''"
    assert close(papers, *span(papers, "``so.''")) == span(papers, "``so.''")
    german = "Sie sagte: „Wir schaffen das“ und „wir bleiben“.“ Ende"
    assert cut(german, close(german, *span(german, "„Wir schaffen das"))) == "„Wir schaffen das“"
    assert close(german, *span(german, "„wir bleiben“")) == span(german, "„wir bleiben“")  # closed
    closed = span(text, '"we will win."')
    assert close(text, *closed) == closed  # balanced already
    assert close(text, *span(text, "we will win")) == span(text, "we will win")  # no mark opened
    assert close(text, *span(text, '"a" b')) == span(text, '"a" b')


def test_the_content_rule_is_chosen_with_the_source_rules_from_one_decoding() -> None:
    text = 'Dr. Pell said "the pier leans." Vos agreed.'
    reference = [
        SpanRecord(*span(text, "Dr. Pell"), "ACTOR"),
        SpanRecord(*span(text, '"the pier leans."'), "QUOTE"),
    ]
    decoded: list[str] = []

    def predict(t: str) -> Suggestions:
        decoded.append(t)
        return Suggestions(
            [
                SpanSuggestion(*span(t, "Pell"), "ACTOR", 0.9),
                SpanSuggestion(*span(t, '"the pier leans'), "QUOTE", 0.9),
            ]
        )

    wanted = [("ACTOR", RULES), ("QUOTE", CONTENT_RULES)]
    kept = choose_on([DocRecord(text, spans=reference)], predict, wanted)
    assert kept == {"ACTOR": ["names"], "QUOTE": ["close"]} and decoded == [text]

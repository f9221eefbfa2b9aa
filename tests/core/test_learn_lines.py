"""Labels whose training spans never cross a line break are cut at line breaks when decoded."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.learn.lines import LINES, cut_lines, one_line_labels
from annotator.learn.model import load
from annotator.learn.tagger import Tagged
from annotator.learn.train import train
from annotator.records import DocRecord, SpanRecord
from benchmarks.quotes_corpus import corpus

TEXT = "She said the plan works.\n\nReed argues that it fails.\n"


def _span(text: str, part: str, label: str) -> SpanRecord:
    start = text.index(part)
    return SpanRecord(start, start + len(part), label)


def test_a_label_is_one_line_unless_a_span_or_a_part_crosses_a_line() -> None:
    one = DocRecord(TEXT, spans=[_span(TEXT, "the plan works", "QUOTE"), _span(TEXT, "Reed", "ACTOR")])
    crossing = DocRecord(TEXT, spans=[_span(TEXT, "works.\n\nReed", "CLAIM")])
    parted = _span(TEXT, "plan works.\n\nReed argues", "QUOTE")
    parted.fragments = [(parted.start, parted.start + 4), (parted.end - 6, parted.end)]
    assert one_line_labels([one, crossing], ["QUOTE", "ACTOR", "CLAIM", "CUE"]) == ["QUOTE", "ACTOR"]
    # a multi-part span whose parts each stay on one line does not cross; its hull does not count
    assert one_line_labels([DocRecord(TEXT, spans=[parted])], ["QUOTE"]) == ["QUOTE"]
    # one slip in a thousand spans is not a convention: the label stays one-line
    many = [DocRecord(TEXT, spans=[_span(TEXT, "the plan works", "QUOTE")])] * 999
    slip = DocRecord(TEXT, spans=[_span(TEXT, "works.\n\nReed", "QUOTE")])
    assert one_line_labels([*many, slip], ["QUOTE"]) == ["QUOTE"]
    assert one_line_labels([*many[:998], slip, slip], ["QUOTE"]) == []


def test_a_span_holding_line_breaks_is_cut_into_its_lines_pieces() -> None:
    run_on = Tagged(TEXT.index("the plan"), TEXT.index(" it fails") + 9, "QUOTE", 0.7)
    actor = Tagged(TEXT.index("Reed"), TEXT.index("Reed") + 4, "ACTOR", 0.9)
    cut = cut_lines(TEXT, [run_on, actor], frozenset({"QUOTE"}))
    assert [(TEXT[t.start : t.end], t.label, t.score) for t in cut] == [
        ("the plan works.", "QUOTE", 0.7),
        ("Reed", "ACTOR", 0.9),
        ("Reed argues that it fails", "QUOTE", 0.7),
    ]
    assert cut_lines(TEXT, [run_on], frozenset({"ACTOR"})) == [run_on]  # other labels stay whole


def test_a_model_records_its_one_line_labels_and_decodes_with_them(tmp_path: Path) -> None:
    out = tmp_path / "m"
    train(corpus(20), out, labels=["QUOTE", "ACTOR"], max_minutes=0.2, seed=1, second_pass=None)
    meta = json.loads((out / "model.json").read_text())
    assert meta[LINES] == ["QUOTE", "ACTOR"]  # the made-up corpus's spans stay on one line
    model = load(out)
    run_on = Tagged(TEXT.index("the plan"), len(TEXT) - 1, "QUOTE", 0.8)
    model.tag = lambda text, toks=None: [run_on]  # type: ignore[method-assign]
    assert [TEXT[s.start : s.end] for s in model.predict(TEXT).spans] == [
        "the plan works.",
        "Reed argues that it fails.",
    ]
    del meta[LINES]  # a model trained before the entry decodes as it did
    (out / "model.json").write_text(json.dumps(meta))
    model = load(out)
    model.tag = lambda text, toks=None: [run_on]  # type: ignore[method-assign]
    assert [TEXT[s.start : s.end] for s in model.predict(TEXT).spans] == [TEXT[run_on.start : run_on.end]]

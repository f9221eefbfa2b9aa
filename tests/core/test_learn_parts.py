"""Multi-part spans train and score as their parts (``annotator.learn.parts``): a quote around
its speaker must not teach the tagger to swallow the speaker."""

from __future__ import annotations

from pathlib import Path

from annotator.learn import evaluate as scoring
from annotator.learn.model import load
from annotator.learn.parts import as_parts
from annotator.learn.train import train
from annotator.records import DocRecord, RelationRecord, SpanRecord

NAMES = ["Lind", "Reed", "Vos", "Park", "Ruiz", "Moss", "Hale", "Cole"]


def _record(n: int) -> DocRecord:
    """'"The dam N holds," NAME said, "and the road floods."' with the quote in two parts."""
    name = NAMES[n % len(NAMES)]
    first = f'"The dam {n} holds,"'
    text = f'{first} {name} said, "and the road floods."\n\nOther news follows here.'
    a = text.index(name)
    second = text.index('"and')
    quote = SpanRecord(
        0,
        len(text.split("\n")[0]),
        "QUOTE",
        "ana",
        key="q",
        fragments=[(0, len(first)), (second, second + len('"and the road floods."'))],
    )
    actor = SpanRecord(a, a + len(name), "ACTOR", "ana", key="a")
    return DocRecord(text, spans=[quote, actor], relations=[RelationRecord("q", "a", "speaker", "ana")])


def test_a_multi_part_span_becomes_its_parts_each_with_the_links() -> None:
    record = _record(1)
    parts = as_parts(record)
    assert [(record.text[s.start : s.end], s.key) for s in parts.spans] == [
        ('"The dam 1 holds,"', "q#0"),
        ('"and the road floods."', "q#1"),
        ("Reed", "a"),
    ]
    assert [(r.source, r.target) for r in parts.relations] == [("q#0", "a"), ("q#1", "a")]
    plain = DocRecord("x", spans=[SpanRecord(0, 1, "ACTOR")])
    assert as_parts(plain) is plain


def test_training_on_multi_part_quotes_learns_the_parts_not_the_hull(tmp_path: Path) -> None:
    said: list[str] = []
    train(
        [_record(n) for n in range(24)],
        tmp_path / "m",
        labels=["QUOTE", "ACTOR"],
        max_minutes=0.5,
        seed=1,
        progress=said.append,
    )
    # the hulls would overlap the speakers and need two tiers; the parts do not
    assert any(
        "tiers: [['ACTOR', 'QUOTE']]" in line or "tiers: [['QUOTE', 'ACTOR']]" in line for line in said
    )
    model = load(tmp_path / "m")
    text = _record(99).text
    quotes = [text[s.start : s.end] for s in model.predict(text).spans if s.label == "QUOTE"]
    assert quotes and all(NAMES[99 % len(NAMES)] not in q for q in quotes)
    figures = scoring.evaluate(model, [_record(n) for n in range(30, 34)])
    assert figures["labels"]["QUOTE"]["gold"] == 8  # scored by parts: two per document

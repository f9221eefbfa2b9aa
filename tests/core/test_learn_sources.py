"""The cue-anchored second pass: a content's source found in its own sentence, boundaries learnt
from the corpus's linked spans, even beside a verb no speech-verb list holds ("fears", "backs").
Made-up documents; nothing is downloaded."""

from __future__ import annotations

import json
import random
from pathlib import Path

import pytest

from annotator.errors import ValidationError
from annotator.learn.model import load
from annotator.learn.sources import Context, Example, SourcePass, train_sources
from annotator.learn.train import train
from annotator.records import DocRecord, RelationRecord, SpanRecord

NAMES = ["Mr. Stone", "the mayor", "Senator Lind", "Ada Varga", "the union", "Governor Pike", "she"]
VERBS = ["fears", "backs", "doubts", "hopes", "insists", "expects"]
CONTENTS = ["the bridge will close", "taxes must rise", "the vote was rigged", "rents keep falling"]
FILLER = ["Rain fell on Tuesday.", "The council met again.", "Nobody else came."]


def _document(rng: random.Random) -> tuple[str, list[tuple[tuple[int, int], tuple[int, int]]]]:
    """A text and its (content, source) character spans: "On Monday, NAME VERB that CONTENT."."""
    text, pairs = "", []
    for _ in range(3):
        text += rng.choice(FILLER) + " "
        name, verb, content = rng.choice(NAMES), rng.choice(VERBS), rng.choice(CONTENTS)
        lead = rng.choice(["", "On Monday, ", "Again "])
        name = name[0].upper() + name[1:] if not lead else name
        a = len(text) + len(lead)
        c = a + len(name) + len(verb) + len(" that ") + 1
        text += f"{lead}{name} {verb} that {content}. "
        pairs.append(((c, c + len(content)), (a, a + len(name))))
    return text, pairs


def _records(n: int, seed: int) -> list[DocRecord]:
    rng, out = random.Random(seed), []
    for i in range(n):
        text, pairs = _document(rng)
        spans, relations = [], []
        for k, ((qa, qb), (sa, sb)) in enumerate(pairs):
            spans += [
                SpanRecord(qa, qb, "QUOTE", "ana", text[qa:qb], f"q{k}"),
                SpanRecord(sa, sb, "ACTOR", "ana", text[sa:sb], f"a{k}"),
            ]
            relations.append(RelationRecord(f"q{k}", f"a{k}", "speaker", "ana"))
        out.append(DocRecord(text, title=f"doc {i}", spans=spans, relations=relations))
    return out


def test_a_window_is_the_contents_sentence_and_a_title_ends_no_sentence() -> None:
    text = "Rain fell. Mr. Stone fears that taxes must rise, he wrote. Nobody came."
    ctx = Context(text, {"fears": 1.0})
    lo, hi = ctx.tokens_of(text.index("taxes"), text.index(", he"))
    assert [ctx.words[i] for i in ctx.window(lo, hi)] == [
        *["Mr", ".", "Stone", "fears", "that"],
        *[",", "he", "wrote", "."],
    ]


def test_the_pass_finds_a_new_name_beside_a_verb_it_learnt(tmp_path: Path) -> None:
    examples: list[Example] = []
    for record in _records(30, seed=3):
        ends = {s.key: (s.start, s.end, s.label) for s in record.spans}
        source = {ends[r.source]: ends[r.target] for r in record.relations}
        examples.append((record.text, [(q, source[q]) for q in ends.values() if q[2] == "QUOTE"]))
    path = tmp_path / "source.crfsuite"
    assert train_sources(examples, path, lexicon=None, seconds=5, max_iterations=40) > 0
    finder = SourcePass(path, None, "ACTOR")
    text = "It was late. Senator Olga Brandt hopes that the vote was rigged."
    content = (text.index("the vote"), len(text) - 1, "QUOTE")
    found = finder.find(Context(text, None), content)
    assert found is not None and text[found[0] : found[1]] == "Senator Olga Brandt"


def test_a_trained_model_links_through_the_pass_and_needs_its_file(tmp_path: Path) -> None:
    out = tmp_path / "model"
    train(_records(40, seed=5), out, labels=["QUOTE", "ACTOR"], max_minutes=0.3, seed=1)
    meta = json.loads((out / "model.json").read_text())
    assert [(s["type"], s["label"], s["file"]) for s in meta["sources"]] == [
        ("speaker", "ACTOR", "source-0.crfsuite")
    ]
    model = load(out)
    text = "Rain fell on Tuesday. On Monday, the union doubts that rents keep falling. "
    found = model.predict(text)
    links = {
        text[found.spans[r.source].start : found.spans[r.source].end]: text[
            found.spans[r.target].start : found.spans[r.target].end
        ]
        for r in found.relations
    }
    assert links == {"rents keep falling": "the union"}
    (out / "source-0.crfsuite").unlink()
    with pytest.raises(ValidationError, match=r"source-0\.crfsuite"):
        load(out)


def test_without_the_pass_a_model_has_none(tmp_path: Path) -> None:
    out = tmp_path / "model"
    train(_records(12, seed=7), out, labels=["QUOTE", "ACTOR"], max_minutes=0.2, second_pass=None)
    assert json.loads((out / "model.json").read_text())["sources"] == []
    assert load(out).sources == {}

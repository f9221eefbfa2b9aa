"""The speaker of a person's multi-part quote ("The dam holds," Reed said, "and the road floods."):
the model is given the quote's parts, as it was trained, so it finds the speaker between them,
and the link comes back to the person's own multi-part span (in this process and in workers)."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.learn.model import load
from annotator.learn.train import train
from annotator.model import Annotation, Project, Relation, RelationSuggestion
from annotator.ops.annotations import create_span
from annotator.store import Store
from annotator.suggest import engines
from annotator.suggest.own import own_quotes_engine
from annotator.suggest.speakers import speakers_of
from tests.core.helpers import add_doc, annotator_id, label_id
from tests.core.test_learn_parts import NAMES, _record
from tests.core.test_suggestions import decide


@pytest.fixture(scope="module")
def model_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("models") / "parts"
    train([_record(n) for n in range(24)], out, labels=["QUOTE", "ACTOR"], max_minutes=0.5, seed=1)
    return out


def _quote_of(n: int) -> tuple[str, tuple[int, int], list[tuple[int, int]], str]:
    """Record n's text, its quote's hull and parts, and the speaker's name."""
    record = _record(n)
    [quote] = [s for s in record.spans if s.label == "QUOTE"]
    assert quote.fragments is not None
    return record.text, (quote.start, quote.end), [(a, b) for a, b in quote.fragments], NAMES[n % len(NAMES)]


def test_the_parts_find_the_speaker_inside_the_hull(model_dir: Path) -> None:
    text, (start, end), parts, name = _quote_of(101)
    hull = (start, end, "QUOTE")
    found = speakers_of(load(model_dir), text, [hull], [], {hull: parts})
    [link] = found.relations
    quote, speaker = found.spans[link.source], found.spans[link.target]
    assert (quote.start, quote.end, quote.label) == hull  # the whole span, not one of its parts
    assert (text[speaker.start : speaker.end], speaker.label) == (name, "ACTOR")
    assert [s for s in found.spans if (s.start, s.end) in parts] == []


def _multi_part_quote(store: Store, project: Project, doc: int, n: int) -> int:
    _text, (start, end), parts, _name = _quote_of(n)
    with store.transaction() as tx:
        made = create_span(
            tx,
            doc,
            start,
            end,
            label_id(store, project.id, "QUOTE"),
            annotator_id(store, project.id, "alice"),
            fragments=parts,
        )
        return made.id


@pytest.mark.parametrize("workers", [False, True])
def test_accepting_links_her_multi_part_quote_to_the_speaker_inside_it(
    store: Store, project: Project, model_dir: Path, monkeypatch: pytest.MonkeyPatch, workers: bool
) -> None:
    numbers = [101, 102, 103]
    docs = [add_doc(store, project.id, _quote_of(n)[0]) for n in numbers]
    quotes = [_multi_part_quote(store, project, doc, n) for doc, n in zip(docs, numbers, strict=True)]
    who = annotator_id(store, project.id, "alice")
    engine = own_quotes_engine(
        engines.model_engine(model_dir, {}, engines.project_labels(store, project.id)), who, "alice"
    )
    monkeypatch.setattr(engines, "PARALLEL_FROM", 2 if workers else 10**9)
    report = engines.run(store, project.id, engine, docs, annotator_id=who)
    assert report.relations == 3 and report.waiting == 3
    with store.session() as s:
        rels = s.scalars(select(RelationSuggestion.id)).all()
    decide(store, project, "alice", [], list(rels), True)
    with store.session() as s:
        links = s.execute(select(Relation.document_id, Relation.source_id, Relation.target_id)).all()
        ends = {a.id: (a.document_id, a.start, a.end) for a in s.scalars(select(Annotation))}
    texts = {doc: _quote_of(n)[0] for doc, n in zip(docs, numbers, strict=True)}
    assert sorted(source for _d, source, _t in links) == quotes  # her spans, not copies of a part
    assert len(ends) == 6  # three quotes of hers and the three speakers accepted
    found = {doc: texts[doc][ends[target][1] : ends[target][2]] for doc, _s, target in links}
    assert found == {doc: NAMES[n % len(NAMES)] for doc, n in zip(docs, numbers, strict=True)}

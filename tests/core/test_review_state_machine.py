"""Random review sequences never corrupt gold (a Hypothesis state machine).

Three annotators mark random spans and relations on one text; the reviewer accepts readings (one
instead of the others, or several side by side), accepts all agreed, rejects, accepts and rejects
relations, edits gold spans and relations, undoes and redoes. Every step runs as the review view
runs it (one review step of the core undo log, ``annotator.undo``; undo and redo through it). After
each step:

- no two gold spans have the same label and offsets; every gold relation's ends are gold spans
  (``gold_problems`` finds nothing);
- the gold layer is what the decisions say: each gold span's sources hold exactly its reading,
  each gold relation's sources have such a relation, the step's own decision holds (an accepted
  reading is in gold and no other gold reading of its label stands for it, a rejected one is
  not, an accepted relation is in gold, a rejected one is not), and the review view's states
  agree with the gold rows;
- undo returns the exact state before the step and redo the exact state after it: every gold
  span and relation with its id, offsets, label, text, sources, adjudicator and creation time,
  every rejection, and the review status (a span's version and ``updated_at`` move on: they
  count changes, and a version never goes back, so a stale editor is still refused).
"""

from __future__ import annotations

import dataclasses
import re
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, Phase, settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    RuleBasedStateMachine,
    initialize,
    invariant,
    precondition,
    rule,
    run_state_machine_as_test,
)
from sqlalchemy import select

from annotator import undo as undo_log
from annotator.errors import AnnotatorError
from annotator.model import Label, Relation, RelationType, Role
from annotator.ops.annotations import delete_spans
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project, ensure_annotator
from annotator.records import DocRecord, RelationRecord, SpanRecord
from annotator.review.curation import Curation, State, load_curation
from annotator.review.gold import (
    Overlap,
    accept_agreed,
    accept_relations,
    accept_spans,
    gold_annotator,
    reject,
    reject_relation,
    set_review_status,
)
from annotator.review.gold_edit import edit_gold_span, link_gold, retype_gold, unlink_gold
from annotator.review.integrity import gold_problems
from annotator.review.state import GoldState, capture, create_gold_span
from annotator.store import Actor, Store, open_store

TEXT = "Ana Ruiz said the new bridge opens in May while Tom Lee and critics said it will not."
WORDS = [m.span() for m in re.finditer(r"\w+", TEXT)]
PEOPLE = ("alice", "bob", "carol")
LABELS = ("ACTOR", "QUOTE", "CLAIM")

span_st = st.tuples(
    st.sampled_from(PEOPLE),
    st.integers(0, len(WORDS) - 1),
    st.integers(0, 3),
    st.sampled_from(LABELS),
)


def _exact(state: GoldState) -> tuple[Any, ...]:
    """What undo must restore exactly (a span's version and updated_at only count changes)."""
    spans = {i: dataclasses.replace(s, version=0, updated_at=None) for i, s in state.spans.items()}
    return (spans, state.links, state.rejections, state.relation_rejections, state.review_status)


class ReviewMachine(RuleBasedStateMachine):
    """One document per example, in a project the test makes once (set as class attributes)."""

    store: Store
    project_id: int
    gold_id: int
    reviewer: Actor
    people: dict[str, int]
    labels: dict[str, int]
    types: dict[str, int]
    store_docs: list[int]

    def __init__(self) -> None:
        super().__init__()
        self.doc = 0
        self.done: list[tuple[int, tuple[Any, ...], tuple[Any, ...]]] = []
        self.undone: list[tuple[int, tuple[Any, ...], tuple[Any, ...]]] = []
        self.check: Any = None  # the last step's own decision, checked by the invariant
        self.crowd: dict[tuple[int, int, int], int] = {}

    @initialize(
        spans=st.lists(span_st, min_size=2, max_size=14),
        links=st.lists(st.tuples(st.integers(0, 13), st.integers(0, 13)), max_size=6),
    )
    def make_document(self, spans: list[tuple[str, int, int, str]], links: list[tuple[int, int]]) -> None:
        records, seen = [], set()
        for who, word, length, label in spans:
            start, end = WORDS[word][0], WORDS[min(word + length, len(WORDS) - 1)][1]
            if (who, start, end, label) not in seen:
                seen.add((who, start, end, label))
                records.append(SpanRecord(start, end, label, who, key=str(len(records))))
        fits = {("QUOTE", "ACTOR"): "speaker", ("CLAIM", "ACTOR"): "claimant"}
        relations: dict[tuple[int, int], RelationRecord] = {}
        for a, b in links:
            if a < len(records) and b < len(records):
                src, dst = records[a], records[b]
                kind = fits.get((src.label, dst.label))
                if kind and src.annotator == dst.annotator and a != b:
                    relations[(a, b)] = RelationRecord(str(a), str(b), kind, src.annotator)
        # Each example gets a text of its own (documents are recognised by their text).
        text = TEXT + " " * len(self.store_docs)
        with self.store.transaction() as tx:
            self.doc = import_records(
                tx, self.project_id, [DocRecord(text, spans=records, relations=list(relations.values()))]
            ).document_ids[0]
        self.store_docs.append(self.doc)

    # --- running a step as the review view does ----------------------------------------------

    def curation(self) -> Curation:
        with self.store.session() as s:
            return load_curation(s, self.doc, list(self.people.values()))

    def state(self) -> tuple[Any, ...]:
        with self.store.session() as s:
            return _exact(capture(s, self.doc))

    def act(self, action: Any, check: Any = None) -> None:
        try:
            with self.store.transaction(actor=self.reviewer) as tx:
                before = capture(tx.session, self.doc)
                with undo_log.undoable(tx, "review", [self.doc], review=True) as step:
                    action(tx)
                after = capture(tx.session, self.doc)
        except AnnotatorError:
            return  # refused: nothing changed (the invariants check that too)
        if step.id is not None:
            self.done.append((step.id, _exact(before), _exact(after)))
            self.undone.clear()
        self.check = check
        if check is None:
            self.crowd = {}

    # --- decisions ---------------------------------------------------------------------------

    @rule(unit=st.integers(0, 30), pick=st.integers(0, 5), data=st.data())
    def accept_reading(self, unit: int, pick: int, data: st.DataObject) -> None:
        cur = self.curation()
        units = [u for u in cur.units if u.marks]
        if not units:
            return
        versions = cur.versions(units[unit % len(units)])
        mode = data.draw(st.sampled_from(["one", "instead", "several"]))
        self.crowd = {}
        if mode == "several":
            chosen = versions
            ids = [i for v in chosen for i in v.span_ids]
            self.act(lambda tx: accept_spans(tx, ids, overlap=Overlap.KEEP), ("accepted", chosen))
            return
        version = versions[pick % len(versions)]
        self.crowd = self._crowd(cur, [(version.start, version.end, version.label_id)])
        others = {(v.start, v.end, v.label_id) for v in versions if v != version}
        instead = [g[2] for g in cur.gold if (g[0], g[1], g[3]) in others] if mode == "instead" else []
        ids = list(version.span_ids)
        self.act(lambda tx: accept_spans(tx, ids, instead_of=instead), ("accepted", [version]))

    @rule()
    def accept_all_agreed(self) -> None:
        people = list(self.people.values())
        self.act(lambda tx: accept_agreed(tx, self.doc, people))

    @rule(unit=st.integers(0, 30), pick=st.integers(0, 5))
    def reject_reading(self, unit: int, pick: int) -> None:
        cur = self.curation()
        units = [u for u in cur.units if u.marks]
        if units:
            versions = cur.versions(units[unit % len(units)])
            v = versions[pick % len(versions)]
            self.act(lambda tx: reject(tx, self.doc, v.label_id, v.start, v.end), ("rejected", v))

    @rule(pick=st.integers(0, 30))
    def accept_relation(self, pick: int) -> None:
        links = [link for u in self.curation().units for link in u.links]
        if links:
            link = links[pick % len(links)]
            cur = self.curation()
            self.crowd = self._crowd(cur, list(cur.link_key(link)[:2]))
            self.act(lambda tx: accept_relations(tx, [link.id]), ("linked", link))

    @rule(pick=st.integers(0, 30))
    def reject_a_relation(self, pick: int) -> None:
        cur = self.curation()
        links = [link for u in cur.units for link in u.links]
        if links:
            link = links[pick % len(links)]
            source, target, kind = cur.link_key(link)
            type_id = cur.type_ids[kind]
            self.act(lambda tx: reject_relation(tx, self.doc, type_id, source, target), ("unlinked", link))

    @rule(status=st.sampled_from(["in review", "adjudicated", "unreviewed"]))
    def set_status(self, status: str) -> None:
        self.act(lambda tx: set_review_status(tx, [self.doc], status))

    # --- editing gold ------------------------------------------------------------------------

    @rule(word=st.integers(0, len(WORDS) - 1), length=st.integers(0, 3), label=st.sampled_from(LABELS))
    def draw_gold(self, word: int, length: int, label: str) -> None:
        start, end = WORDS[word][0], WORDS[min(word + length, len(WORDS) - 1)][1]
        label_id = self.labels[label]
        self.act(lambda tx: create_gold_span(tx, self.doc, start, end, label_id))

    @rule(pick=st.integers(0, 30), edit=st.sampled_from(["delete", "grow", "shrink", "relabel"]))
    def edit_gold(self, pick: int, edit: str) -> None:
        gold = self.curation().gold
        if not gold:
            return
        _start, end, span_id, label, _who, version = gold[pick % len(gold)]
        if edit == "delete":
            self.act(lambda tx: delete_spans(tx, [span_id]))
        elif edit == "relabel":
            new = self.labels[LABELS[(LABELS.index(self._name(label)) + 1) % 3]]
            self.act(lambda tx: edit_gold_span(tx, span_id, label_id=new, expected_version=version))
        else:
            new_end = end + 4 if edit == "grow" else end - 1
            self.act(lambda tx: edit_gold_span(tx, span_id, end=new_end, expected_version=version))

    @rule(a=st.integers(0, 30), b=st.integers(0, 30), kind=st.sampled_from(["speaker", "claimant"]))
    def link_gold_spans(self, a: int, b: int, kind: str) -> None:
        gold = self.curation().gold
        if gold:
            source, target = gold[a % len(gold)][2], gold[b % len(gold)][2]
            self.act(lambda tx: link_gold(tx, source, target, self.types[kind]))

    @rule(pick=st.integers(0, 30), what=st.sampled_from(["delete", "retype"]))
    def edit_gold_relation(self, pick: int, what: str) -> None:
        with self.store.session() as s:
            ids = s.scalars(
                select(Relation.id)
                .where(Relation.document_id == self.doc, Relation.annotator_id == self.gold_id)
                .order_by(Relation.id)
            ).all()
        if not ids:
            return
        rid = ids[pick % len(ids)]
        if what == "delete":
            self.act(lambda tx: unlink_gold(tx, rid))
        else:
            self.act(lambda tx: [retype_gold(tx, rid, t) for t in self.types.values()])

    # --- undo and redo -----------------------------------------------------------------------

    @precondition(lambda self: bool(self.done))
    @rule()
    def undo(self) -> None:
        change, before, _after = self.done.pop()
        with self.store.transaction(actor=self.reviewer) as tx:
            undo_log.undo(tx, step_id=change)
        assert self.state() == before
        self.undone.append((change, before, _after))
        self.check = None

    @precondition(lambda self: bool(self.undone))
    @rule()
    def redo(self) -> None:
        change, _before, after = self.undone.pop()
        with self.store.transaction(actor=self.reviewer) as tx:
            undo_log.redo(tx, step_id=change)
        assert self.state() == after
        self.done.append((change, _before, after))
        self.check = None

    # --- what must hold ------------------------------------------------------------------------

    @staticmethod
    def _crowd(cur: Curation, keys: list[tuple[int, int, int]]) -> dict[tuple[int, int, int], int]:
        """How many gold spans of each reading's label overlap it: one decision adds none beside
        a reading gold already has there."""
        index = cur.gold_index()
        return {key: len(index.overlapping(key)) for key in keys}

    def _name(self, label_id: int) -> str:
        return next(n for n, i in self.labels.items() if i == label_id)

    @invariant()
    def gold_is_sound(self) -> None:
        if not self.doc:
            return
        with self.store.session() as s:
            assert gold_problems(s, self.doc) == []

    @invariant()
    def gold_is_what_the_decisions_say(self) -> None:
        if not self.doc:
            return
        cur = self.curation()
        index = cur.gold_index()
        readings = {(s[0], s[1], s[3], s[4]) for s in cur.spans}
        for g in cur.gold:  # sources hold exactly the gold reading
            for who in cur.sources[g[2]]:
                assert (g[0], g[1], g[3], self.people[who]) in readings
        gold_keys = cur.gold_keys()
        for unit in cur.units:  # the view shows what gold holds
            for v in cur.versions(unit) if unit.marks else []:
                key = (v.start, v.end, v.label_id)
                assert (v.state == State.ACCEPTED) == (key in gold_keys)
                assert (v.state == State.REJECTED) == (key in cur.rejections and key not in gold_keys)
            for link in unit.links:
                if cur.link_in_gold(link, index):
                    assert cur.unit_state(unit) == State.ACCEPTED
        if self.check is None:
            return
        what, about = self.check
        if what in ("accepted", "linked") and self.crowd:
            for key, before in self.crowd.items():
                assert len(index.overlapping(key)) <= max(before, 1)
        if what == "accepted":
            for v in about:
                key = (v.start, v.end, v.label_id)
                assert key in gold_keys and index.representative(key) == index.exact(key)
                assert key not in cur.rejections
        elif what == "rejected":
            assert (about.start, about.end, about.label_id) not in gold_keys
            assert (about.start, about.end, about.label_id) in cur.rejections
        elif what == "linked":
            assert cur.link_in_gold(about, index) and cur.link_key(about) not in cur.relation_rejections
        elif what == "unlinked":
            assert not cur.link_in_gold(about, index) and cur.link_key(about) in cur.relation_rejections


def test_random_review_sequences_keep_gold_sound(tmp_path: Path) -> None:
    store = open_store(f"sqlite:///{tmp_path / 'machine.db'}")
    with store.transaction() as tx:
        project = create_project(tx, "Machine")
        people = {name: ensure_annotator(tx, project.id, name).id for name in PEOPLE}
        riley = ensure_annotator(tx, project.id, "riley", Role.REVIEWER).id
        gold = gold_annotator(tx, project.id).id
        labels = dict(
            tx.session.execute(select(Label.name, Label.id).where(Label.project_id == project.id)).all()
        )
        types = dict(
            tx.session.execute(
                select(RelationType.name, RelationType.id).where(RelationType.project_id == project.id)
            ).all()
        )

    class Machine(ReviewMachine):
        pass

    Machine.store, Machine.project_id, Machine.gold_id = store, project.id, gold
    Machine.reviewer = Actor("riley", riley, Role.REVIEWER.value)
    Machine.people, Machine.labels, Machine.types, Machine.store_docs = people, labels, types, []
    chosen = settings(
        max_examples=60,
        stateful_step_count=25,
        deadline=None,
        database=None,
        phases=[Phase.explicit, Phase.reuse, Phase.generate],
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    try:
        run_state_machine_as_test(Machine, settings=chosen)
    finally:
        store.close()

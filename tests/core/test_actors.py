"""The actor registry's core: operations as undoable, audited steps, bad input refused, on both
backends."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import select

from annotator import actors_steps as steps
from annotator import undo as log
from annotator.errors import NotFoundError, ValidationError
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, AuditEntry, Project
from annotator.ops.annotations import create_span
from annotator.ops.labels import add_label
from annotator.ops.relations import create_relation
from annotator.project import ProjectContext
from annotator.store import Actor, Store
from tests.core.helpers import add_doc, label_id
from tests.core.test_undo import actor

TEXT = "Antony Blinken said talks would go on. Blinken later left. The minister spoke."


@pytest.fixture
def alice(store: Store, project: Project) -> Actor:
    return actor(store, project, "alice")


@pytest.fixture
def doc(store: Store, project: Project) -> int:
    return add_doc(store, project.id, TEXT)


def span(
    store: Store, project: Project, who: Actor, doc: int, word: str, label: str = "ACTOR", nth: int = 0
) -> int:
    start = -1
    for _ in range(nth + 1):
        start = TEXT.index(word, start + 1)
    with store.transaction(actor=who) as tx, log.undoable(tx, f"Label {word}", [doc]):
        return create_span(
            tx, doc, start, start + len(word), label_id(store, project.id, label), who.id or 0
        ).id


def registry(store: Store) -> dict[int, dict[str, Any]]:
    with store.session() as s:
        return {
            a.id: {
                "name": a.name,
                "aliases": a.aliases,
                "external_id": a.external_id,
                "merged": a.merged_into_id,
            }
            for a in s.scalars(select(RegistryActor))
        }


def links(store: Store) -> dict[int, int | None]:
    with store.session() as s:
        return dict(s.execute(select(Annotation.id, Annotation.actor_id)).all())


def add(store: Store, project: Project, who: Actor, name: str, **fields: Any) -> int:
    with store.transaction(actor=who) as tx:
        return steps.add(tx, project.id, name, **fields).id


def link(store: Store, who: Actor, span_id: int, actor_id: int | None) -> None:
    """``who`` links (or, with None, unlinks) the mention ``span_id``: one step of theirs."""
    with store.transaction(actor=who) as tx:
        steps.link(tx, span_id, actor_id)


def test_add_link_and_undo_redo(store: Store, project: Project, alice: Actor, doc: int) -> None:
    mention = span(store, project, alice, doc, "Antony Blinken")
    before = (registry(store), links(store))
    blinken = add(
        store, project, alice, " Antony Blinken ", aliases=["Blinken", "blinken", ""], external_id="Q1"
    )
    assert registry(store)[blinken] == {
        "name": "Antony Blinken",
        "aliases": ["Blinken"],
        "external_id": "Q1",
        "merged": None,
    }
    link(store, alice, mention, blinken)
    assert links(store)[mention] == blinken
    for _ in range(2):
        with store.transaction(actor=alice) as tx:
            log.undo(tx)
    assert (registry(store), links(store)) == before
    for _ in range(2):
        with store.transaction(actor=alice) as tx:
            log.redo(tx)
    assert links(store)[mention] == blinken
    with store.session() as s:
        audited = {(e.entity, e.action) for e in s.scalars(select(AuditEntry))}
    assert ("actor", "created") in audited and ("annotation", "updated") in audited


def test_bad_input_is_refused_and_writes_nothing(
    store: Store, project: Project, alice: Actor, doc: int
) -> None:
    mention = span(store, project, alice, doc, "Antony Blinken")
    quote = span(store, project, alice, doc, "talks would go on", "QUOTE")
    blinken = add(store, project, alice, "Antony Blinken", external_id="Q1")
    before = (registry(store), links(store))
    cases = [
        (lambda tx: steps.add(tx, project.id, "   "), ValidationError, "needs a name"),
        (
            lambda tx: steps.add(tx, project.id, "antony blinken"),
            ValidationError,
            rf"actor {blinken} \(Antony Blinken\) is already called",
        ),
        (lambda tx: steps.add(tx, project.id, "A. Blinken", external_id="Q1"), ValidationError, "'Q1'"),
        (lambda tx: steps.link(tx, mention, 999), NotFoundError, "no actor with id 999"),
        (lambda tx: steps.link(tx, 999, blinken), NotFoundError, "no span with id 999"),
        (lambda tx: steps.link(tx, quote, blinken), ValidationError, f"span {quote}"),
        (lambda tx: steps.merge(tx, blinken, blinken), ValidationError, "into itself"),
    ]
    for action, error, words in cases:
        with pytest.raises(error, match=words), store.transaction(actor=alice) as tx:
            action(tx)
    assert (registry(store), links(store)) == before


def test_merge_moves_mentions_unions_aliases_and_undoes(
    store: Store, project: Project, alice: Actor, doc: int
) -> None:
    bob = actor(store, project, "bob")
    full = span(store, project, alice, doc, "Antony Blinken")
    short = span(store, project, bob, doc, "Blinken", nth=1)
    keep = add(store, project, alice, "Antony Blinken")
    other = add(store, project, alice, "Blinken", aliases=["Tony"], external_id="Q1")
    link(store, alice, full, keep)
    link(store, bob, short, other)
    before = (registry(store), links(store))
    with store.transaction(actor=alice) as tx:
        steps.merge(tx, keep, other)
    after = registry(store)
    assert after[keep]["aliases"] == ["Blinken", "Tony"] and after[keep]["external_id"] == "Q1"
    assert after[other]["merged"] == keep
    assert links(store)[short] == keep  # bob's mention moved too: the registry is the project's
    with (
        pytest.raises(ValidationError, match=f"merged into actor {keep}"),
        store.transaction(actor=alice) as tx,
    ):
        steps.link(tx, full, other)
    with store.transaction(actor=alice) as tx:
        log.undo(tx)
    assert (registry(store), links(store)) == before


def test_merging_two_actors_with_other_external_ids_is_refused(
    store: Store, project: Project, alice: Actor, doc: int
) -> None:
    """One actor holds one external id: merging Q312 with Q999 would drop one unsaid (and a later
    import naming it would make a duplicate), so it is refused until the wrong one is cleared."""
    keep = add(store, project, alice, "Antony Blinken", external_id="Q312")
    other = add(store, project, alice, "Tony Blinken", external_id="Q999")
    before = registry(store)
    with (
        pytest.raises(ValidationError, match=r"Q312 and actor .* is Q999"),
        store.transaction(actor=alice) as tx,
    ):
        steps.merge(tx, keep, other)
    assert registry(store) == before


def test_split_and_delete(store: Store, project: Project, alice: Actor, doc: int) -> None:
    first = span(store, project, alice, doc, "Antony Blinken")
    minister = span(store, project, alice, doc, "The minister")
    one = add(store, project, alice, "Antony Blinken")
    with store.transaction(actor=alice) as tx:
        steps.link_many(tx, one, [first, minister])
    with store.transaction(actor=alice) as tx:
        new = steps.split(tx, one, [minister], "The Minister").id
    assert links(store)[minister] == new and links(store)[first] == one
    with pytest.raises(ValidationError, match="1 mention"), store.transaction(actor=alice) as tx:
        steps.delete(tx, new)
    with store.transaction(actor=alice) as tx:
        steps.link(tx, minister, None)
        steps.delete(tx, new)
    assert new not in registry(store)
    with store.transaction(actor=alice) as tx:
        log.undo(tx)  # the delete and the unlink were one transaction but two steps
    assert new in registry(store)


def test_reads_for_the_gui(store: Store, project: Project, alice: Actor, doc: int) -> None:
    first = span(store, project, alice, doc, "Antony Blinken")
    second = span(store, project, alice, doc, "Blinken", nth=1)
    quote = span(store, project, alice, doc, "talks would go on", "QUOTE")
    blinken = add(store, project, alice, "Antony Blinken", aliases=["Tony"])
    add(store, project, alice, "Anna Tonelli")
    with store.transaction(actor=alice) as tx:
        steps.link(tx, first, blinken)
        speaker = next(t for t in project_types(store, project) if t[1] == "speaker")[0]
        create_relation(tx, quote, first, speaker, alice.id or 0)
    ctx = ProjectContext(store, project.id, project.name, alice)
    row = next(r for r in ctx.actors() if r.id == blinken)
    assert (row.mentions, row.quotes, row.claims) == (1, 1, 0)
    assert [r.name for r in ctx.match_actors("ton")] == ["Antony Blinken", "Anna Tonelli"]
    assert [r.name for r in ctx.match_actors("tonel")] == ["Anna Tonelli"]
    assert ctx.match_actors("tony")[0] == row  # the same counts as the registry's row
    assert [m.span_id for m in ctx.actor_mentions(blinken)] == [first]
    same = ctx.same_name_unlinked(doc, "blinken")
    assert same.spans == [second]
    assert same.occurrences == []  # "Blinken" in "Antony Blinken" is inside a span; the other is one
    bare = ctx.same_name_unlinked(doc, "minister")
    assert bare.occurrences == [(TEXT.index("minister"), TEXT.index("minister") + 8)]
    assert ctx.span_actors(doc) == {first: (blinken, "Antony Blinken")}


def test_actor_like_label_by_attribution_type(store: Store, project: Project, alice: Actor, doc: int) -> None:
    from annotator.ops.labels import get_relation_type, update_relation_type

    with store.transaction() as tx:  # a second "Speaker" beside "speaker" is refused: retarget it
        add_label(tx, project.id, "SOURCE")
        speaker = get_relation_type(tx, project.id, "speaker")
        update_relation_type(tx, speaker, name="Speaker", from_label="QUOTE", to_label="SOURCE")
    source = span(store, project, alice, doc, "The minister", "SOURCE")
    who = add(store, project, alice, "The Minister")
    link(store, alice, source, who)
    assert links(store)[source] == who


def project_types(store: Store, project: Project) -> list[tuple[int, str]]:
    from annotator.model import RelationType

    with store.session() as s:
        return list(
            s.execute(
                select(RelationType.id, RelationType.name).where(RelationType.project_id == project.id)
            ).all()
        )


def test_link_the_same_name_elsewhere_in_one_step(
    store: Store, project: Project, alice: Actor, doc: int
) -> None:
    first = span(store, project, alice, doc, "Antony Blinken")
    blinken = add(store, project, alice, "Antony Blinken")
    link(store, alice, first, blinken)
    ctx = ProjectContext(store, project.id, project.name, alice)
    same = ctx.same_name_unlinked(doc, "Blinken")
    assert same.occurrences == [(TEXT.index("Blinken", 20), TEXT.index("Blinken", 20) + 7)]
    before = links(store)
    with store.transaction(actor=alice) as tx:
        steps.link_same_name(
            tx, blinken, doc, same.spans, same.occurrences, label_id(store, project.id, "ACTOR")
        )
    assert [m.text for m in ctx.actor_mentions(blinken)] == ["Antony Blinken", "Blinken"]
    with store.transaction(actor=alice) as tx:
        log.undo(tx)  # the new span and its link go together
    assert links(store) == before


def test_relabelling_a_mention_away_from_actor_drops_its_link(
    store: Store, project: Project, alice: Actor, doc: int
) -> None:
    from annotator.ops.annotations import update_span

    mention = span(store, project, alice, doc, "The minister")
    who = add(store, project, alice, "The Minister")
    link(store, alice, mention, who)
    with store.transaction(actor=alice) as tx, log.undoable(tx, "Relabel", [doc], spans=[mention]):
        update_span(tx, mention, label_id=label_id(store, project.id, "CLAIM"))
    assert links(store)[mention] is None
    with store.transaction(actor=alice) as tx:
        log.undo(tx)
    assert links(store)[mention] == who


def test_a_reviewer_links_gold_mentions_in_review(
    store: Store, project: Project, alice: Actor, doc: int
) -> None:
    from annotator.model import Role
    from annotator.ops.projects import ensure_annotator
    from annotator.review.gold import accept_spans

    mention = span(store, project, alice, doc, "The minister")
    who = add(store, project, alice, "The Minister")
    with store.transaction() as tx:
        riley = Actor(
            "riley", ensure_annotator(tx, project.id, "riley", Role.REVIEWER).id, Role.REVIEWER.value
        )
    with store.transaction(actor=riley, review=True) as tx:
        gold = accept_spans(tx, [mention])[0]
    with pytest.raises(ValidationError, match="not a reviewer"), store.transaction(actor=alice) as tx:
        steps.link(tx, gold, who)
    link(store, riley, gold, who)
    assert links(store)[gold] == who


def test_a_step_that_changes_an_actor_it_did_not_name_is_refused(
    store: Store, project: Project, alice: Actor, doc: int
) -> None:
    from annotator.actors import update_actor

    who = add(store, project, alice, "Jane Roe")
    before = registry(store)
    with (  # the actor is not named: undo could not restore it
        pytest.raises(ValidationError, match="did not name"),
        store.transaction(actor=alice) as tx,
        steps.actor_step(tx, "Rename"),
    ):
        update_actor(tx, who, name="Jane Doe")
    assert registry(store) == before

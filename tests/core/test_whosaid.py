"""Who said what: quotes and claims counted per actor (registry, merged, unlinked), outlet and month."""

from __future__ import annotations

import pytest

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Project
from annotator.store import Store
from annotator.whosaid import collect, group, month_of, normalise, outlet_of, who_said
from tests.core.gold_fixture import adjudicated
from tests.core.whosaid_fixture import whosaid_project


def _counts(rows: list) -> list[tuple[str, int, int, int]]:
    return [(r.name, r.quotes, r.claims, len(r.documents)) for r in rows]


def test_by_actor_merges_registry_actors_and_groups_unlinked_text(store: Store, project: Project) -> None:
    fx = whosaid_project(store, project.id)
    with store.session() as s:
        said = collect(s, project.id)
        rows = group(said, "actor")
    assert said.layer == "all"  # no gold yet: every annotator's own layer
    assert _counts(rows) == [
        ("Antony Blinken", 2, 1, 1),  # alice's and bob's quote, the claim via the merged-away actor
        ("He", 2, 0, 2),  # "He" and "he", unlinked, in two documents
        ("(no speaker)", 0, 1, 1),
        ("The mayor", 1, 0, 1),
    ]
    blinken = rows[0]
    assert (blinken.key, blinken.actor_id, blinken.linked) == (f"actor:{fx.blinken}", fx.blinken, True)
    assert (rows[1].key, rows[1].actor_id, rows[1].linked) == ("text:he", None, False)
    assert rows[1].documents == (fx.documents[0], fx.documents[2])
    assert rows[2].linked is None
    assert said.actors[fx.blinken]["attributes"] == {"role": "minister", "party": "D"}


def test_by_outlet_reads_meta_then_the_url_host(store: Store, project: Project) -> None:
    fx = whosaid_project(store, project.id)
    with store.session() as s:
        rows = who_said(s, project.id, "outlet")
    assert _counts(rows) == [("Reuters", 4, 1, 2), ("example-news.com", 1, 1, 1)]
    assert [r.speakers for r in rows] == [2, 1]  # Blinken and "he"; the mayor
    assert rows[0].documents == (fx.documents[0], fx.documents[2])


def test_by_month_in_order_with_gaps_and_undated_last(store: Store, project: Project) -> None:
    whosaid_project(store, project.id)
    with store.session() as s:
        rows = who_said(s, project.id, "month")
    assert _counts(rows) == [
        ("2024-05", 3, 1, 1),
        ("2024-06", 0, 0, 0),  # no article that month: still a point on the time axis
        ("2024-07", 1, 1, 1),
        ("undated", 1, 0, 1),
    ]


def test_one_annotators_layer_and_bad_layers(store: Store, project: Project) -> None:
    whosaid_project(store, project.id)
    with store.session() as s:
        assert _counts(who_said(s, project.id, "actor", "bob")) == [("Antony Blinken", 1, 0, 1)]
        assert collect(s, project.id, "annotator:bob").layer == "annotator:bob"
        with pytest.raises(NotFoundError, match=r"no layer 'carol'.*annotators: alice, bob"):
            collect(s, project.id, "carol")
        with pytest.raises(ValidationError, match="no gold layer yet"):
            collect(s, project.id, "gold")
        with pytest.raises(ValidationError, match="cannot group by 'week'"):
            group(collect(s, project.id), "week")  # type: ignore[arg-type]


def test_gold_is_the_default_once_the_project_has_gold(store: Store, project: Project) -> None:
    adjudicated(store, project.id)
    with store.session() as s:
        said = collect(s, project.id)
        assert said.layer == "gold"
        assert _counts(group(said, "actor")) == [("(no speaker)", 0, 1, 1), ("Leo Park", 1, 0, 1)]
        everyone = group(collect(s, project.id, "all"), "actor")
    assert ("Leo Park", 1, 1, 1) in _counts(everyone)  # bob's quote and alice's claim


def test_helpers() -> None:
    assert normalise("  \u201cAntony   Blinken,\u201d ") == "Antony Blinken"
    assert [month_of(d) for d in ("2024-5-1", "2024/12/31", "20240102", "May 2024", None, "2024-13-01")] == [
        "2024-05",
        "2024-12",
        "2024-01",
        "undated",
        "undated",
        "undated",
    ]
    assert outlet_of({"sitename": "The Paper"}, "https://x.org/") == "The Paper"
    assert outlet_of({}, "https://www.x.org/a") == "x.org"
    assert outlet_of(None, None) == "(unknown outlet)"


def test_a_name_keeps_its_paired_brackets() -> None:
    # seen in the app: "Festival director 林美玲 (Lin Meiling" lost its closing bracket
    assert normalise("Festival director 林美玲 (Lin Meiling)") == "Festival director 林美玲 (Lin Meiling)"
    assert normalise('"Marcus Obi (Greens),"') == "Marcus Obi (Greens)"
    assert [normalise(t) for t in ("(Obi)", "Obi)", "(Obi", "[he]", "the council (")] == [
        "Obi",
        "Obi",
        "Obi",
        "he",
        "the council",
    ]

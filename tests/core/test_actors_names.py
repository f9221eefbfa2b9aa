"""A new actor whose name is another actor's canonical name or alias is refused, naming that actor,
unless an external id that differs from that actor's tells the two people apart; in real processes
(``annotator actors add``) and through the core operation the app's "new actor" runs."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator import actors as ops
from annotator.errors import ValidationError
from annotator.model import Project
from annotator.store import Store
from tests.core.test_comments_cli import cli, ok


def _project(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    ok(url, "init")
    return url


def test_actors_add_refuses_another_actors_alias_or_name(tmp_path: Path) -> None:
    url = _project(tmp_path)
    first = ok(url, "actors", "add", "Antony Blinken", "--alias", "Blinken", "--external-id", "Q312")
    for name in ("Blinken", "blinken", "ANTONY BLINKEN"):
        done = cli(url, "actors", "add", name)
        assert done.returncode != 0
        assert f"actor {first} (Antony Blinken)" in done.stderr, done.stderr
    done = cli(url, "actors", "add", "Blinken", "--external-id", "Q312")  # the same person's id
    assert done.returncode != 0 and f"actor {first}" in done.stderr
    assert [a["name"] for a in json.loads(ok(url, "actors", "list", "--json"))] == ["Antony Blinken"]


def test_another_person_of_the_same_name_needs_an_external_id(tmp_path: Path) -> None:
    url = _project(tmp_path)
    ok(url, "actors", "add", "Ana Ruiz", "--alias", "Ruiz")
    other = ok(url, "actors", "add", "Ana Ruiz", "--external-id", "Q999")
    ruiz = ok(url, "actors", "add", "Ruiz", "--external-id", "Q998")
    names = [(a["name"], a["external_id"]) for a in json.loads(ok(url, "actors", "list", "--json"))]
    assert names == [("Ana Ruiz", None), ("Ana Ruiz", "Q999"), ("Ruiz", "Q998")]
    assert other != ruiz


def test_the_core_operation_the_app_calls_refuses_it_too(store: Store, project: Project) -> None:
    with store.transaction() as tx:
        kept = ops.add_actor(tx, project.id, "Marcus Obi", ["Obi"]).id
    refused = rf"actor {kept} \(Marcus Obi\) already has the alias 'Obi'"
    with pytest.raises(ValidationError, match=refused), store.transaction() as tx:
        ops.add_actor(tx, project.id, "obi")
    with store.transaction() as tx:  # a rename into another's alias is the same duplicate
        other = ops.add_actor(tx, project.id, "Dana Whitfield").id
    with pytest.raises(ValidationError, match="already has the alias 'Obi'"), store.transaction() as tx:
        ops.update_actor(tx, other, name="Obi")


def test_a_split_may_take_the_name_of_one_of_the_actors_aliases(store: Store, project: Project) -> None:
    """Undoing a wrong merge by hand: the split-off actor takes its old name back from the aliases."""
    from annotator.ops.annotations import create_span
    from tests.core.helpers import add_doc, label_id
    from tests.core.test_undo import actor

    doc, alice = add_doc(store, project.id, "Obi spoke."), actor(store, project, "alice")
    with store.transaction(actor=alice) as tx:
        keep = ops.add_actor(tx, project.id, "Marcus Obi", ["Obi"]).id
        span = create_span(tx, doc, 0, 3, label_id(store, project.id, "ACTOR"), alice.id or 0).id
        ops.link_span(tx, span, keep)
    with store.transaction(actor=alice) as tx:
        new = ops.split_actor(tx, keep, [span], "Obi")
        assert new.name == "Obi" and ops.get_actor(tx.session, keep).aliases == []


def test_a_csv_row_named_by_an_alias_is_that_actor(tmp_path: Path) -> None:
    url = _project(tmp_path)
    first = ok(url, "actors", "add", "Antony Blinken", "--alias", "Blinken")
    sheet = tmp_path / "actors.csv"
    sheet.write_text(
        "id,name,aliases,kind,external_id,attributes\n,Blinken,Tony,person,,\n", encoding="utf-8"
    )
    done = cli(url, "actors", "import", str(sheet))
    assert done.returncode == 0, done.stderr
    listed = json.loads(ok(url, "actors", "list", "--json"))
    assert [(str(a["id"]), a["name"], a["aliases"]) for a in listed] == [
        (first, "Antony Blinken", ["Blinken", "Tony"])
    ]

"""Who may change roles, enforced in the core: anyone while a project has no reviewer, then only
reviewers (scripts always); every change audited with the role before and after."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Annotator, AuditEntry, Project, Role
from annotator.ops.projects import ensure_annotator, role_change_refusal, set_role, set_roles
from annotator.review.gold import gold_annotator
from annotator.store import Actor, Store
from tests.core.helpers import annotator_id


def roles(store: Store, project_id: int) -> dict[str, str]:
    with store.session() as s:
        query = select(Annotator.name, Annotator.role).where(Annotator.project_id == project_id)
        return {name: role for name, role in s.execute(query)}


def role_audit(store: Store) -> list[tuple[str, int | None, dict[str, object] | None]]:
    with store.session() as s:
        rows = s.scalars(
            select(AuditEntry)
            .where(AuditEntry.entity == "annotator", AuditEntry.action == "updated")
            .order_by(AuditEntry.id)
        )
        return [(e.actor, e.entity_id, e.detail) for e in rows]


def person(store: Store, project: Project, name: str, role: str = Role.ANNOTATOR.value) -> Actor:
    return Actor(name, annotator_id(store, project.id, name), role)


def test_the_first_reviewer_is_taken_by_an_annotator_and_audited(store: Store, project: Project) -> None:
    alice = person(store, project, "alice")
    with store.session() as s:
        assert role_change_refusal(s, project.id, alice) is None  # nobody is a reviewer yet
    with store.transaction(actor=alice) as tx:
        set_role(tx, project.id, "alice", Role.REVIEWER)
    assert roles(store, project.id) == {"alice": "reviewer", "bob": "annotator"}
    assert role_audit(store) == [
        (
            "alice",
            alice.id,
            {"name": "alice", "before": {"role": "annotator"}, "after": {"role": "reviewer"}},
        )
    ]


def test_once_there_is_a_reviewer_a_non_reviewer_is_refused(store: Store, project: Project) -> None:
    with store.transaction(actor=person(store, project, "bob")) as tx:  # bob gives alice the role
        set_role(tx, project.id, "alice", "reviewer")
    bob = person(store, project, "bob")
    audited = role_audit(store)
    refused = "bob is not a reviewer; once a project has a reviewer, only reviewers change roles"
    for who, role in (("bob", Role.REVIEWER), ("alice", Role.ANNOTATOR)):  # take it / remove the last
        with pytest.raises(ValidationError, match=refused), store.transaction(actor=bob) as tx:
            set_role(tx, project.id, who, role)
    # A role the window still remembers is no key: the database says bob is an annotator.
    stale = Actor("bob", bob.id, Role.REVIEWER.value)
    with pytest.raises(ValidationError, match=refused), store.transaction(actor=stale) as tx:
        set_role(tx, project.id, "bob", Role.REVIEWER)
    # Nor is adding a teammate with a role.
    with pytest.raises(ValidationError, match=refused), store.transaction(actor=bob) as tx:
        ensure_annotator(tx, project.id, "carol", Role.REVIEWER)
    assert roles(store, project.id) == {"alice": "reviewer", "bob": "annotator"}
    assert role_audit(store) == audited
    # Setting a role somebody already has changes nothing, so it is not refused.
    with store.transaction(actor=bob) as tx:
        set_role(tx, project.id, "alice", Role.REVIEWER)
    assert role_audit(store) == audited


def test_a_reviewer_changes_others_roles_and_may_hand_on_their_own(store: Store, project: Project) -> None:
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
        carol = ensure_annotator(tx, project.id, "carol").id
    riley = person(store, project, "riley", Role.REVIEWER.value)
    with store.transaction(actor=riley) as tx:
        set_roles(tx, project.id, [("riley", Role.ANNOTATOR), (carol, Role.REVIEWER), ("bob", Role.REVIEWER)])
    assert roles(store, project.id) == {
        "alice": "annotator",
        "bob": "reviewer",
        "carol": "reviewer",
        "riley": "annotator",
    }
    assert [(who, detail["after"]) for who, _id, detail in role_audit(store)[1:]] == [  # type: ignore[index]
        ("riley", {"role": "annotator"}),
        ("riley", {"role": "reviewer"}),
        ("riley", {"role": "reviewer"}),
    ]
    # Riley gave the role up, so riley may no longer change roles.
    with (
        pytest.raises(ValidationError, match="riley is not a reviewer"),
        store.transaction(actor=riley) as tx,
    ):
        set_role(tx, project.id, "riley", Role.REVIEWER)
    # The last reviewer may step down: the project is back to "anyone may take the role".
    bob = person(store, project, "bob", Role.REVIEWER.value)
    with store.transaction(actor=bob) as tx:
        set_roles(tx, project.id, [("bob", Role.ANNOTATOR), ("carol", Role.ANNOTATOR)])
    with store.transaction(actor=person(store, project, "alice")) as tx:
        set_role(tx, project.id, "alice", Role.REVIEWER)
    assert roles(store, project.id)["alice"] == "reviewer"


def test_scripts_may_change_roles_and_are_audited_as_the_system(store: Store, project: Project) -> None:
    with store.transaction() as tx:
        ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
    with store.transaction() as tx:  # no actor: a script, acting as the system
        set_role(tx, project.id, "riley", Role.ANNOTATOR)
        set_role(tx, project.id, "bob", Role.REVIEWER)
    assert roles(store, project.id) == {"alice": "annotator", "bob": "reviewer", "riley": "annotator"}
    audited = role_audit(store)
    assert len(audited) == 3 and all(who.startswith("system") for who, _id, _detail in audited)


def test_only_people_and_known_roles(store: Store, project: Project) -> None:
    with store.transaction() as tx:
        gold_annotator(tx, project.id)
    with pytest.raises(ValidationError, match="unknown role 'gold'"), store.transaction() as tx:
        set_role(tx, project.id, "alice", "gold")
    with pytest.raises(ValidationError, match="is the gold layer"), store.transaction() as tx:
        set_role(tx, project.id, "gold", Role.REVIEWER)
    with pytest.raises(NotFoundError, match=r"no annotator 'dan'.*alice, bob\)"), store.transaction() as tx:
        set_role(tx, project.id, "dan", Role.REVIEWER)


def test_review_role_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from annotator.cli import main

    db = f"sqlite:///{tmp_path / 'roles.db'}"
    assert main(["--db", db, "demo"]) == 0
    capsys.readouterr()
    assert main(["--db", db, "review", "role", "alice", "reviewer"]) == 0
    assert capsys.readouterr().out == "alice's role: reviewer\n"
    assert main(["--db", db, "review", "role", "alice", "reviewer"]) == 0
    assert capsys.readouterr().out == "alice's role: reviewer (unchanged)\n"
    assert main(["--db", db, "review", "role", "nobody", "annotator"]) == 1
    assert "no annotator 'nobody'" in capsys.readouterr().err

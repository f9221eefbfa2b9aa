"""PostgreSQL: a teammate is their database login, and the server enforces who writes what.

Real roles, made with the README's own setup SQL: alice cannot delete bob's span or write gold
even with raw SQL, cannot make herself a reviewer, cannot sign the audit log as someone else;
riley, the reviewer, adjudicates.
"""

from __future__ import annotations

import pytest
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from annotator.cli import main
from annotator.errors import ValidationError
from annotator.model import Annotation, Annotator, AuditEntry, Role
from annotator.ops.annotations import create_span, delete_spans
from annotator.ops.projects import actor_of, identify, set_role
from annotator.review.gold import accept_spans, gold_annotator, reject
from annotator.store import Actor, Store, open_store
from tests.core.helpers import label_id
from tests.core.pg_team import PEOPLE, Team


def _me(store: Store, project: int, declared: str | None = None) -> Actor:
    with store.transaction() as tx:
        return actor_of(identify(tx, project, declared))


def test_each_teammate_is_their_login_and_the_server_keeps_them_apart(team: Team) -> None:
    alice_store, bob_store, riley_store = (team.store(who) for who in PEOPLE)
    alice_login, bob_login, riley_login = (team.names[who] for who in PEOPLE)
    assert alice_store.login == alice_login
    alice, bob, riley = (_me(s, team.project) for s in (alice_store, bob_store, riley_store))
    assert (alice.name, alice.role) == (alice_login, Role.ANNOTATOR.value)
    with pytest.raises(ValidationError, match="logged in to the database as"):
        _me(alice_store, team.project, bob_login)
    actor_label = label_id(alice_store, team.project, "ACTOR")
    with bob_store.transaction(actor=bob) as tx:
        bobs = create_span(tx, team.doc, 6, 14, actor_label, bob.id or 0).id
    with alice_store.transaction(actor=alice) as tx:
        alices = create_span(tx, team.doc, 0, 5, actor_label, alice.id or 0).id
    # The first reviewer takes the role; then nobody else can, not even with raw SQL.
    with riley_store.transaction(actor=riley) as tx:
        set_role(tx, team.project, riley_login, Role.REVIEWER)
    riley = Actor(riley.name, riley.id, Role.REVIEWER.value)
    raw = team.raw("alice")
    with raw.connect() as conn:
        assert (
            conn.execute(
                text("UPDATE annotator SET role = 'reviewer' WHERE id = :i"), {"i": alice.id}
            ).rowcount
            == 0
        )
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(
                text(
                    "INSERT INTO annotator (project_id, name, role, login) VALUES (:p, 'al2', 'reviewer', :l)"
                ),
                {"p": team.project, "l": alice_login},
            )
        # bob's span: alice can neither delete, change nor add to it
        assert conn.execute(text("DELETE FROM annotation WHERE id = :i"), {"i": bobs}).rowcount == 0
        assert conn.execute(text('UPDATE annotation SET "end" = 13 WHERE id = :i'), {"i": bobs}).rowcount == 0
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(
                text(
                    'INSERT INTO annotation (document_id, label_id, annotator_id, start, "end", text, '
                    "created_at, updated_at, version) VALUES (:d, :l, :a, 20, 24, 'the ', now(), now(), 1)"
                ),
                {"d": team.doc, "l": actor_label, "a": bob.id},
            )
    # Even a script run by alice that claims to be the system is stopped by the server.
    with pytest.raises(ValidationError, match="database refused"), alice_store.transaction() as tx:
        delete_spans(tx, [bobs])
    # riley adjudicates: gold is written and a rejection recorded.
    with riley_store.transaction(actor=riley, review=True) as tx:
        [gold_span] = accept_spans(tx, [bobs])
        reject(tx, team.doc, actor_label, 0, 5)
        gold = gold_annotator(tx, team.project).id
    with raw.connect() as conn:
        assert conn.execute(text("DELETE FROM annotation WHERE id = :i"), {"i": gold_span}).rowcount == 0
        assert conn.execute(text("DELETE FROM rejection")).rowcount == 0
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(
                text(
                    'INSERT INTO annotation (document_id, label_id, annotator_id, start, "end", text, '
                    "created_at, updated_at, version) VALUES (:d, :l, :a, 0, 5, 'Mayor', now(), now(), 1)"
                ),
                {"d": team.doc, "l": actor_label, "a": gold},
            )
        with pytest.raises(DBAPIError, match="row-level security"):
            conn.execute(
                text(
                    "INSERT INTO audit (at, actor, entity, action, documents, login) "
                    "VALUES (now(), 'riley', 'annotation', 'deleted', '[]', :l)"
                ),
                {"l": riley_login},
            )
        with pytest.raises(DBAPIError, match="permission denied"):
            conn.execute(text("UPDATE audit SET actor = 'bob'"))
    raw.dispose()
    with pytest.raises(DBAPIError, match="row-level security"), alice_store.transaction() as tx:
        accept_spans(tx, [alices])  # alice as "the system" cannot write gold either
    with riley_store.session() as s:
        assert s.get(Annotation, bobs) is not None and s.get(Annotation, gold_span) is not None
        assert s.get_one(Annotator, alice.id).role == Role.ANNOTATOR.value
        logins = {e.login for e in s.scalars(select(AuditEntry).where(AuditEntry.actor.in_(PEOPLE)))}
        audited = {(e.actor, e.login) for e in s.scalars(select(AuditEntry)) if e.login != "postgres"}
    assert not logins  # nobody signed as a README name
    assert audited <= {(who, who) for who in (alice_login, bob_login, riley_login)}
    assert audited >= {(alice_login, alice_login), (riley_login, riley_login)}
    for store in (alice_store, bob_store, riley_store):
        store.close()


def test_the_command_line_acts_as_the_login(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    alice, bob, riley = (team.names[who] for who in PEOPLE)
    # bob only tries to delete alice's span: he never becomes an annotator of the project
    annotate = ["annotate", str(team.doc), "6", "14", "ACTOR", "--annotator"]
    assert main(["--db", team.url_of("alice"), *annotate, bob]) == 1
    assert "logged in to the database as" in capsys.readouterr().err
    assert main(["--db", team.url_of("alice"), *annotate, alice]) == 0
    span = int(capsys.readouterr().out)
    assert main(["--db", team.url_of("bob"), "unannotate", str(span)]) == 1
    assert "belongs to another annotator" in capsys.readouterr().err  # the core refuses it first
    assert main(["--db", team.url_of("riley"), "review", "role", riley, "reviewer"]) == 0
    assert main(["--db", team.url_of("alice"), "review", "role", alice, "reviewer"]) == 1
    assert "not a reviewer" in capsys.readouterr().err
    assert main(["--db", team.url_of("riley"), "review", "role", alice, "reviewer"]) == 0
    assert main(["--db", team.url_of("alice"), "review", "role", riley, "annotator"]) == 0
    capsys.readouterr()
    store = open_store(team.url)
    with store.session() as s:
        rows = s.execute(select(Annotator.name, Annotator.login, Annotator.role)).all()
        span_owner = s.scalar(select(Annotator.name).join(Annotation).where(Annotation.id == span))
    store.close()
    assert span_owner == alice
    assert sorted(tuple(r) for r in rows) == [
        (alice, alice, Role.REVIEWER.value),
        (riley, riley, Role.ANNOTATOR.value),
    ]

"""PostgreSQL with one login per person: the suggestions made from alice's labels are hers, and
the server hides them from bob even in raw SQL (migration 0023); the team's suggestions stay open
to every login, whose runs, accepts, rejects and undos work as before."""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
from sqlalchemy import Connection, create_engine, text
from sqlalchemy.exc import DBAPIError

from annotator.suggest import engines
from annotator.suggest.rules import RelationSuggestion, SpanSuggestion, Suggestions
from tests.core.cli_run import run
from tests.core.helpers import upgrade_to
from tests.core.pg_team import Team, annotate_as
from tests.core.test_migration_0019 import _downgrade
from tests.core.test_suggestions import fake_engine

TEXT = "Mayor Ana Ruiz said the bridge opens in May."  # pg_team's document
PERSONAL = "model:quotes@1 for alice"
ROWS = {  # raw SQL, through a login's own connection
    "personal": "SELECT count(*) FROM suggestion WHERE for_annotator_id IS NOT NULL",
    "personal links": "SELECT count(*) FROM relation_suggestion WHERE for_annotator_id IS NOT NULL",
    "team": "SELECT count(*) FROM suggestion WHERE for_annotator_id IS NULL",
    "team links": "SELECT count(*) FROM relation_suggestion WHERE for_annotator_id IS NULL",
}


def _counts(conn: Connection) -> dict[str, int]:
    return {what: int(conn.execute(text(sql)).scalar_one()) for what, sql in ROWS.items()}


def _personal_engine(alice: int) -> engines.Engine:
    """What a model finds for alice's quote ("said the bridge opens in May"): its speaker, linked."""

    def suggest(_text: str) -> Suggestions:
        return Suggestions(
            spans=[SpanSuggestion(20, 44, "QUOTE", 0.8), SpanSuggestion(6, 14, "ACTOR", 0.9)],
            relations=[RelationSuggestion(0, 1, "speaker", 0.7)],
        )

    return engines.Engine(PERSONAL, suggest, for_annotator=alice)


@pytest.fixture
def suggested(team: Team, capsys: pytest.CaptureFixture[str]) -> Iterator[tuple[Team, int]]:
    """alice and bob have labelled; alice's login stored suggestions for alice (2 spans, 1 link),
    bob's login a run of the team's (2 spans, 1 link): (the team, alice's annotator id)."""
    for who in ("alice", "bob"):
        code, _out, err = annotate_as(capsys, team, who)
        assert code == 0, err
    reader = team.raw("alice")
    with reader.connect() as conn:
        alice = conn.execute(
            text("SELECT id FROM annotator WHERE login = :l"), {"l": team.names["alice"]}
        ).scalar_one()
        bob = conn.execute(
            text("SELECT id FROM annotator WHERE login = :l"), {"l": team.names["bob"]}
        ).scalar_one()
    reader.dispose()
    for who, engine, person in (("alice", _personal_engine(alice), alice), ("bob", fake_engine(), bob)):
        store = team.store(who)
        report = engines.run(store, team.project, engine, [team.doc], annotator_id=person)
        store.close()
        assert (report.spans, report.relations) == (2, 1)
    yield team, alice


def _listed(capsys: pytest.CaptureFixture[str], team: Team, who: str) -> list[dict[str, object]]:
    code, out, err = run(capsys, "--db", team.url_of(who), "suggestions", "--json")
    assert code == 0, err
    return list(json.loads(out))


def test_bob_neither_sees_nor_changes_alices_own_suggestions(
    suggested: tuple[Team, int], capsys: pytest.CaptureFixture[str]
) -> None:
    team, alice = suggested
    bob = team.raw("bob")
    with bob.connect() as conn:
        assert _counts(conn) == {"personal": 0, "personal links": 0, "team": 2, "team links": 1}
        changed = conn.execute(text("UPDATE suggestion SET score = 0, for_annotator_id = NULL"))
        assert changed.rowcount == 2  # the team's two; alice's are not bob's to change
        gone = conn.execute(text("DELETE FROM relation_suggestion WHERE source = :s"), {"s": PERSONAL})
        assert gone.rowcount == 0
        gone = conn.execute(text("DELETE FROM suggestion WHERE source = :s"), {"s": PERSONAL})
        assert gone.rowcount == 0
        with pytest.raises(DBAPIError, match="row-level security"):  # nor planted in her name
            conn.execute(
                text(
                    'INSERT INTO suggestion (document_id, label_id, start, "end", score, source, created_at,'
                    " for_annotator_id) SELECT :d, label_id, 0, 5, 1.0, 'bob', now(), :a FROM suggestion LIMIT 1"
                ),
                {"d": team.doc, "a": alice},
            )
        with pytest.raises(DBAPIError, match="row-level security"):  # nor a team row made hers
            conn.execute(text("UPDATE suggestion SET for_annotator_id = :a"), {"a": alice})
    bob.dispose()
    assert {row["source"] for row in _listed(capsys, team, "bob")} == {"rules@1"}
    mine = team.raw("alice")
    with mine.connect() as conn:  # alice sees hers, untouched, and the team's
        assert _counts(conn) == {"personal": 2, "personal links": 1, "team": 2, "team links": 1}
        scores = conn.execute(
            text("SELECT score FROM suggestion WHERE source = :s ORDER BY id"), {"s": PERSONAL}
        )
        assert [s for (s,) in scores] == [0.8, 0.9]
    mine.dispose()


def test_alice_accepts_hers_and_everyone_works_on_the_teams(
    suggested: tuple[Team, int], capsys: pytest.CaptureFixture[str]
) -> None:
    team, _alice = suggested

    def as_(who: str, *args: str) -> tuple[int, str, str]:
        return run(capsys, "--db", team.url_of(who), *args, "--annotator", team.names[who])

    hers = [r for r in _listed(capsys, team, "alice") if r["source"] == PERSONAL]
    link = next(str(r["id"]) for r in hers if str(r["id"]).startswith("r"))
    code, _out, err = as_("bob", "accept", link)
    assert code != 0 and link.lstrip("r") in err  # bob's login finds no such suggestion
    code, out, err = as_("alice", "accept", link)
    assert code == 0, err
    team_rows = [r for r in _listed(capsys, team, "bob") if r["source"] == "rules@1"]
    assert len(team_rows) == 3
    team_link = next(str(r["id"]) for r in team_rows if str(r["id"]).startswith("r"))
    code, _out, err = as_("bob", "accept", team_link)
    assert code == 0, err
    code, _out, err = as_("alice", "reject", "--doc", str(team.doc))
    assert code == 0, err
    store = team.store("riley")  # a third login's run replaces the team's undecided ones
    report = engines.run(store, team.project, fake_engine(), [team.doc])
    store.close()
    assert report.documents == 1
    for who in ("alice", "bob"):
        code, out, err = as_(who, "undo")
        assert code == 0 and "undid" in out, err
    owner = team.raw("alice")
    with owner.connect() as conn:
        assert _counts(conn) == {"personal": 2, "personal links": 1, "team": 2, "team links": 1}
    owner.dispose()


def test_a_reviewer_deletes_the_document_with_suggestions_she_cannot_see(
    suggested: tuple[Team, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """riley (a reviewer) does not see alice's own suggestions, yet deleting the document takes
    them and alice's decisions on them: the server cascades as the tables' owner."""
    team, _alice = suggested
    riley = team.names["riley"]
    code, _out, err = run(capsys, "--db", team.url_of("riley"), "review", "role", riley, "reviewer")
    assert code == 0, err
    alice = ("--annotator", team.names["alice"])
    code, _out, err = run(capsys, "--db", team.url_of("alice"), "accept", "--doc", str(team.doc), *alice)
    assert code == 0, err
    code, _out, err = run(capsys, "--db", team.url_of("riley"), "rm", str(team.doc), "--annotator", riley)
    assert code == 0, err
    owner = create_engine(team.url)
    with owner.connect() as conn:
        assert _counts(conn) == {"personal": 0, "personal links": 0, "team": 0, "team links": 0}
        assert conn.execute(text("SELECT count(*) FROM suggestion_decision")).scalar_one() == 0
    owner.dispose()


def test_the_downgrade_shows_them_again_and_the_upgrade_hides_them(suggested: tuple[Team, int]) -> None:
    """Without 0023's policies bob's login reads alice's suggestions: what the tests above check
    is the server's doing, not the core's."""
    team, _alice = suggested
    owner = create_engine(team.url)
    bob = team.raw("bob")
    try:
        with owner.begin() as conn:
            _downgrade(conn, "0022")
        with bob.connect() as conn:
            assert _counts(conn)["personal"] == 2
        with owner.begin() as conn:
            upgrade_to(conn, "0023")
        with bob.connect() as conn:
            assert _counts(conn)["personal"] == 0
    finally:
        bob.dispose()
        owner.dispose()


DECISIONS = "SELECT count(*) FROM suggestion_decision"


def test_decisions_are_written_by_their_own_login_only(
    suggested: tuple[Team, int], capsys: pytest.CaptureFixture[str]
) -> None:
    """alice's rejections are hers (they train models as her "no", migration 0026): bob's login
    reads them but can neither plant, change nor remove one; his own work as before."""
    team, alice = suggested

    def as_(who: str, *args: str) -> tuple[int, str, str]:
        return run(capsys, "--db", team.url_of(who), *args, "--annotator", team.names[who])

    code, _out, err = as_("alice", "reject", "--doc", str(team.doc))
    assert code == 0, err
    owner = create_engine(team.url)
    bob = team.raw("bob")
    try:
        with owner.connect() as conn:
            hers = int(conn.execute(text(DECISIONS)).scalar_one())
        assert hers >= 3  # the team's two spans and link (and her own suggestions)
        with bob.connect() as conn:
            assert conn.execute(text(DECISIONS)).scalar_one() == hers  # read by everyone
            assert conn.execute(text("UPDATE suggestion_decision SET decision = 'accepted'")).rowcount == 0
            assert conn.execute(text("DELETE FROM suggestion_decision")).rowcount == 0
            with pytest.raises(DBAPIError, match="row-level security"):  # nor planted in her name
                conn.execute(
                    text(
                        "INSERT INTO suggestion_decision (document_id, suggestion_id, annotator_id, decision,"
                        " decided_at) SELECT :d, id, :a, 'rejected', now() FROM suggestion"
                        " WHERE source = 'rules@1' AND id NOT IN (SELECT suggestion_id FROM suggestion_decision"
                        " WHERE suggestion_id IS NOT NULL) LIMIT 1"
                    ),
                    {"d": team.doc, "a": alice},
                )
        code, _out, err = as_("bob", "reject", "--doc", str(team.doc))  # his own decisions
        assert code == 0, err
        by = "SELECT annotator_id, decision, count(*) FROM suggestion_decision GROUP BY 1, 2"
        with owner.connect() as conn:
            rows = {(who, what): n for who, what, n in conn.execute(text(by))}
        his = sum(n for (who, _what), n in rows.items() if who != alice)
        assert rows[(alice, "rejected")] == hers and his > 0  # bob's beside hers, none of hers changed
        code, out, err = as_("alice", "undo")  # her undo removes her own decisions
        assert code == 0 and "undid" in out, err
        with owner.connect() as conn:
            assert conn.execute(text(DECISIONS)).scalar_one() == his
        code, _out, err = as_("alice", "reject", "--doc", str(team.doc))
        assert code == 0, err
        with owner.begin() as conn:  # without 0026 bob's login removes hers: the server's doing
            _downgrade(conn, "0025")
        with bob.connect() as conn, conn.begin():
            assert conn.execute(text("DELETE FROM suggestion_decision")).rowcount == hers + his
    finally:
        bob.dispose()
        owner.dispose()

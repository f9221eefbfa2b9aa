"""PostgreSQL: only reviewers change assignments (the server refuses the rest), each login
records only its own time, and the reviewer's assignment is undone from the CLI."""

from __future__ import annotations

import pytest
from sqlalchemy import insert, select, text

from annotator.model import Assignment, WorkTime
from annotator.progress import record_time
from tests.core.cli_run import run
from tests.core.pg_team import Team


def test_reviewer_assigns_annotator_cannot(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    alice, bob, riley = (team.names[n] for n in ("alice", "bob", "riley"))
    for who in ("alice", "bob"):  # each joins by using the project once
        assert run(capsys, "--db", team.url_of(who), "undo", "--annotator", team.names[who])[0] == 1
    code, _out, err = run(capsys, "--db", team.url_of("riley"), "review", "role", riley, "reviewer")
    assert code == 0, err
    code, _out, err = run(capsys, "--db", team.url_of("alice"), "assign", "--annotators", f"{alice},{bob}")
    assert code == 1 and "not a reviewer" in err
    engine = team.raw("alice")  # straight SQL as alice: the server itself refuses
    with pytest.raises(Exception, match="row-level security"), engine.connect() as conn:
        conn.execute(
            insert(Assignment).values(
                project_id=team.project, document_id=team.doc, annotator_id=1, assigned_by="alice"
            )
        )
    engine.dispose()
    code, out, err = run(capsys, "--db", team.url_of("riley"), "assign", "--annotators", f"{alice},{bob}")
    assert code == 0 and "added 1 assignment(s)" in out, err
    code, out, err = run(capsys, "--db", team.url_of("riley"), "undo", "--annotator", riley)
    assert code == 0 and "Assign 1 document(s)" in out, err
    store = team.store("riley")
    with store.session() as s:
        assert s.scalars(select(Assignment)).all() == []
    store.close()


def test_time_is_recorded_only_by_its_own_login(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    alice, bob = team.names["alice"], team.names["bob"]
    for who in ("alice", "bob"):
        run(capsys, "--db", team.url_of(who), "undo", "--annotator", team.names[who])
    store = team.store("alice")
    with store.session() as s:
        ids: dict[str, int] = dict(s.execute(text("SELECT name, id FROM annotator")).all())
    with store.transaction() as tx:
        record_time(tx, team.doc, ids[alice], 42.0)
    with pytest.raises(Exception, match="row-level security"), store.transaction() as tx:
        record_time(tx, team.doc, ids[bob], 5.0)
    with store.session() as s:
        assert [(w.annotator_id, w.seconds) for w in s.scalars(select(WorkTime))] == [(ids[alice], 42.0)]
    store.close()

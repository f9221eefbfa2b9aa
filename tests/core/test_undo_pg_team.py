"""PostgreSQL: each login undoes only its own steps; the server hides the others' undo log."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from annotator.model import Annotation, UndoStep
from tests.core.cli_run import run
from tests.core.pg_team import Team, annotate_as


def test_a_login_undoes_only_its_own_steps(team: Team, capsys: pytest.CaptureFixture[str]) -> None:
    alice, bob = team.names["alice"], team.names["bob"]
    code, out, err = annotate_as(capsys, team, "alice")
    assert code == 0, err
    code, _out, err = run(capsys, "--db", team.url_of("bob"), "undo", "--annotator", alice)
    assert code == 1 and alice in err  # bob's login is not alice
    code, _out, err = run(capsys, "--db", team.url_of("bob"), "undo", "--annotator", bob)
    assert code == 1 and "nothing to undo" in err
    bob_store = team.store("bob")
    with bob_store.session() as s:  # the server shows bob none of alice's steps
        assert s.scalars(select(UndoStep)).all() == []
    bob_store.close()
    code, out, err = run(capsys, "--db", team.url_of("alice"), "undo", "--annotator", alice)
    assert code == 0 and "undid" in out, err
    alice_store = team.store("alice")
    with alice_store.session() as s:
        assert s.scalars(select(Annotation)).all() == []
        assert [x.login for x in s.scalars(select(UndoStep))] == [alice]
    alice_store.close()

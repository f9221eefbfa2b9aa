"""A team set up by the README's SQL keeps working after the admin upgrades the schema: the
tables a later version adds (here: kept models, 0021) are the team's without repeating grants."""

from __future__ import annotations

import pytest
from sqlalchemy import text

from tests.core.cli_run import run
from tests.core.pg_team import make_team

pytestmark = pytest.mark.usefixtures("pg_template")

INSERT = text(
    "INSERT INTO trained_model (project_id, name, version, meta, archive, digest, created_at) "
    "VALUES (:p, 'quotes', 1, '{}', :a, 'x', now()) RETURNING id"
)


def test_a_table_added_by_a_later_upgrade_is_the_teams() -> None:
    with make_team(set_up_at="0020") as team:
        alice, bob = team.raw("alice"), team.raw("bob")
        with alice.connect() as conn:  # the table and its id sequence
            made = conn.execute(INSERT, {"p": team.project, "a": b"\x00"}).scalar_one()
        with bob.connect() as conn:
            found = conn.execute(text("SELECT name FROM trained_model WHERE id = :i"), {"i": made}).all()
        assert found == [("quotes",)]
        alice.dispose()
        bob.dispose()


def test_a_team_set_up_without_the_default_privileges_is_told_what_to_ask_for(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with make_team(set_up_at="0020", leave_out="ALTER DEFAULT PRIVILEGES") as team:
        code, out, err = run(capsys, "--db", team.url_of("alice"), "models")
        assert code == 1 and out == ""
        assert f"permission denied for table trained_model ({team.names['alice']})" in err
        assert "the team's admin grants it with the GRANT lines" in err and "Traceback" not in err

"""A team set up by the README's SQL keeps working after the admin upgrades the schema: the
tables a later version adds (here: kept models, 0021) are the team's without repeating grants."""

from __future__ import annotations

import pytest
from sqlalchemy import text

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

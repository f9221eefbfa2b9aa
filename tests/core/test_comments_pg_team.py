"""PostgreSQL with one login per person: anyone replies to and resolves a comment; only its
author adds it in their name or changes its text, even in raw SQL."""

from __future__ import annotations

import pytest
from sqlalchemy import text
from sqlalchemy.exc import DBAPIError

from tests.core.cli_run import run
from tests.core.pg_team import Team


def test_logins_reply_and_resolve_but_only_the_author_edits(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    alice, bob = team.names["alice"], team.names["bob"]

    def as_(who: str, *args: str) -> tuple[int, str, str]:
        return run(capsys, "--db", team.url_of(who), *args, "--annotator", team.names[who])

    code, first, err = as_("alice", "comment", "--doc", str(team.doc), "Check the date")
    assert code == 0, err
    first = first.strip()
    code, out, err = as_("bob", "comment", "--reply", first, "It is right.")
    assert code == 0, err
    code, out, err = as_("bob", "comment", "--resolve", first)
    assert code == 0 and out.strip() == first, err
    code, out, err = as_("bob", "comment", "--edit", first, "Changed by bob")
    assert code == 1 and "only its author" in err
    code, _out, err = run(
        capsys, "--db", team.url_of("bob"), "comment", "--doc", str(team.doc), "x", "--annotator", alice
    )
    assert code == 1 and alice in err
    raw = team.raw("bob")
    with raw.connect() as conn:  # the server refuses what the core refused
        with pytest.raises(DBAPIError, match="only its author"):
            conn.execute(text("UPDATE comment SET text = 'raw' WHERE id = :i"), {"i": int(first)})
        author = conn.execute(text("SELECT author_id FROM comment WHERE id = :i"), {"i": int(first)}).scalar()
        with pytest.raises(DBAPIError):
            conn.execute(
                text(
                    "INSERT INTO comment (uid, document_id, kind, text, author_id, created_at, updated_at, state)"
                    " VALUES ('u-1', :d, 'comment', 'as alice', :a, now(), now(), 'open')"
                ),
                {"d": team.doc, "a": author},
            )
        conn.execute(text("UPDATE comment SET state = 'open' WHERE id = :i"), {"i": int(first)})  # anyone may
    raw.dispose()
    code, out, err = as_("alice", "comment", "--edit", first, "Check the date again")
    assert code == 0, err
    code, out, _err = run(capsys, "--db", team.url_of("bob"), "comments", "--json")
    assert "Check the date again" in out and bob in out

"""PostgreSQL with one login per person: each links their own mentions to the shared registry;
a merge that would move a teammate's mentions is refused with a clear error, nothing written."""

from __future__ import annotations

import json

import pytest

from tests.core.cli_run import run
from tests.core.pg_team import Team


def test_logins_share_the_registry_but_move_only_their_mentions(
    team: Team, capsys: pytest.CaptureFixture[str]
) -> None:
    def as_(who: str, *args: str) -> tuple[int, str, str]:
        return run(capsys, "--db", team.url_of(who), *args, "--annotator", team.names[who])

    code, alice_span, err = as_("alice", "annotate", str(team.doc), "6", "14", "ACTOR")
    assert code == 0, err
    code, bob_span, err = as_("bob", "annotate", str(team.doc), "6", "14", "ACTOR")
    assert code == 0, err
    code, ruiz, err = as_("alice", "actors", "add", "Ana Ruiz")
    assert code == 0, err
    code, mayor, err = as_("bob", "actors", "add", "The Mayor")
    assert code == 0, err
    code, _out, err = as_("alice", "actors", "link", alice_span.strip(), ruiz.strip())
    assert code == 0, err
    code, _out, err = as_("bob", "actors", "link", alice_span.strip(), mayor.strip())
    assert code == 1 and "belongs to another annotator" in err
    code, _out, err = as_("bob", "actors", "link", bob_span.strip(), mayor.strip())
    assert code == 0, err
    code, _out, err = as_("alice", "actors", "merge", ruiz.strip(), mayor.strip())
    assert code == 1 and "refused to change 1 mention(s)" in err
    code, out, err = run(capsys, "--db", team.url_of("alice"), "actors", "list", "--json")
    assert code == 0, err
    assert {r["name"]: r["mentions"] for r in json.loads(out)} == {"Ana Ruiz": 1, "The Mayor": 1}

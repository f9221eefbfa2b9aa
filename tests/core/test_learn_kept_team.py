"""PostgreSQL: a kept model is the team's; a teammate deletes only one they kept, a reviewer any."""

from __future__ import annotations

from pathlib import Path

import pytest

from annotator.learn.kept import keep_with_project, kept_models
from annotator.project import open_for_commands
from tests.core.cli_run import run
from tests.core.pg_team import Team
from tests.core.test_learn_kept_delete import fake_model


def test_a_teammate_deletes_only_a_model_they_kept_and_a_reviewer_any(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    alice = open_for_commands(team.url_of("alice"), "Newsroom")
    keep_with_project(alice, fake_model(tmp_path / "m1", "1"), "quotes", 1)
    keep_with_project(alice, fake_model(tmp_path / "m2", "2"), "quotes", 2)
    bob_url = team.url_of("bob")
    code, _out, err = run(capsys, "--db", bob_url, "models", "--delete", "quotes@2")
    assert code == 0, err  # no reviewer yet: the team deletes freely
    riley = team.names["riley"]
    assert run(capsys, "--db", team.url_of("riley"), "review", "role", riley, "reviewer")[0] == 0
    code, _out, err = run(capsys, "--db", bob_url, "models", "--delete", "quotes@1")
    assert code == 1 and f"quotes@1 was kept by {team.names['alice']}" in err
    assert [m.key for m in kept_models(alice)] == ["quotes@1"]
    code, out, err = run(capsys, "--db", team.url_of("riley"), "models", "--delete", "quotes@1")
    assert code == 0 and "deleted quotes@1" in out, err
    assert kept_models(alice) == []
    alice.store.close()

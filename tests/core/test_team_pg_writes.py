"""PostgreSQL with per-person logins: imports that keep names, merges, and their undo.

A reviewer's login may keep a file's names (the README's rule), for names no teammate logs in
as, and gold; a plain annotator's login may not, and nothing is written. A merge is the step of
the login that ran it: only that login undoes or redoes it. Labels of a teammate who has a login
are theirs alone to write: the server refuses them to anyone else, so the core says so first.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.model import Annotation, Annotator, AuditEntry, UndoStep
from annotator.store import open_store
from tests.core.cli_run import run
from tests.core.pg_team import TEXT as TEAM_TEXT
from tests.core.pg_team import Team, annotate_as

TEXT = 'Councillor Dana Obi said: "The ferry runs on Sundays." Critics disagree.'


def _span(sid: int, sub: str, label: str, who: str) -> dict[str, object]:
    start = TEXT.index(sub)
    return {"id": sid, "start": start, "end": start + len(sub), "label": label, "text": sub, "annotator": who}


def write_file(path: Path, *owners: str) -> Path:
    """A native file whose spans go to ``owners`` in turn (a name, or "gold")."""
    subs = [("Dana Obi", "ACTOR"), ('"The ferry runs on Sundays."', "QUOTE"), ("Critics disagree", "CLAIM")]
    spans = [
        _span(i + 1, sub, label, who) for i, ((sub, label), who) in enumerate(zip(subs, owners, strict=False))
    ]
    path.write_text(json.dumps({"text": TEXT, "spans": spans}) + "\n", encoding="utf-8")
    return path


def crew(team: Team, capsys: pytest.CaptureFixture[str]) -> dict[str, str]:
    """alice and bob annotate, riley reviews: each has labelled once under their own login."""
    names = team.names
    for who in ("alice", "bob", "riley"):
        code, _out, err = annotate_as(capsys, team, who)
        assert code == 0, err
    code, _out, err = run(capsys, "--db", team.url_of("riley"), "review", "role", names["riley"], "reviewer")
    assert code == 0, err
    return names


def owners_of_text(team: Team) -> list[tuple[str, str | None]]:
    """(owner, owner's login) of every span on TEXT, in text order, read as the admin."""
    store = open_store(team.url)
    try:
        with store.session() as s:
            rows = s.execute(
                select(Annotator.name, Annotator.login)
                .join(Annotation, Annotation.annotator_id == Annotator.id)
                .where(Annotation.text.in_(["Dana Obi", '"The ferry runs on Sundays."', "Critics disagree"]))
                .order_by(Annotation.start)
            ).all()
        return [(r[0], r[1]) for r in rows]
    finally:
        store.close()


def written(team: Team) -> tuple[int, int, int]:
    """How many audit entries, undo steps and annotators the database holds (as the admin)."""
    store = open_store(team.url)
    try:
        with store.session() as s:
            return (
                s.scalar(select(func.count()).select_from(AuditEntry)) or 0,
                s.scalar(select(func.count()).select_from(UndoStep)) or 0,
                s.scalar(select(func.count()).select_from(Annotator)) or 0,
            )
    finally:
        store.close()


def test_a_reviewers_login_keeps_the_names_nobody_logs_in_as(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = crew(team, capsys)
    riley = team.url_of("riley")
    # Without --annotator the login is the runner (it used to be "an unnamed user", refused).
    path = write_file(tmp_path / "restore.jsonl", "dana", "dana", "gold")
    code, out, err = run(capsys, "--db", riley, "import", str(path), "--keep-annotators")
    assert code == 0, err
    assert "imported as dana, gold (names kept)" in out
    assert owners_of_text(team) == [("dana", None), ("dana", None), ("gold", None)]
    again = write_file(tmp_path / "again.jsonl", "erin")
    code, out, err = run(
        capsys, "--db", riley, "import", str(again), "--keep-annotators", "--annotator", names["riley"]
    )
    assert code == 0 and "imported as erin (names kept)" in out, err
    assert ("erin", None) in owners_of_text(team)


def test_a_reviewers_login_cannot_keep_a_teammates_name(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = crew(team, capsys)
    path = write_file(tmp_path / "theirs.jsonl", "dana", names["alice"], "gold")
    before = written(team)
    code, _out, err = run(capsys, "--db", team.url_of("riley"), "import", str(path), "--keep-annotators")
    assert code == 1
    assert f"{path}:1:" in err and names["alice"] in err and "their own database login" in err
    assert "row-level security" not in err  # the core refuses it, in words, before the server would
    assert owners_of_text(team) == [] and written(team) == before


def test_an_annotators_login_cannot_keep_names(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = crew(team, capsys)
    path = write_file(tmp_path / "theirs.jsonl", "dana", names["bob"], "gold")
    alice = team.url_of("alice")
    before = written(team)
    for declared in ([], ["--annotator", names["alice"]], ["--annotator", names["riley"]]):
        code, _out, err = run(capsys, "--db", alice, "import", str(path), "--keep-annotators", *declared)
        assert code == 1
        if declared[-1:] == [names["riley"]]:  # posing as the reviewer: the login says who she is
            assert f"logged in to the database as {names['alice']!r}" in err
        else:
            assert f"{names['alice']} is not a reviewer" in err and f"reviewers: {names['riley']}" in err
    assert owners_of_text(team) == [] and written(team) == before
    # Without the flag every label is hers, whatever the file says.
    code, _out, err = run(capsys, "--db", alice, "import", str(path))
    assert code == 0, err
    assert owners_of_text(team) == [(names["alice"], names["alice"])] * 3


def test_a_merge_is_the_step_of_the_login_that_ran_it(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = crew(team, capsys)
    alice, bob, riley = (team.url_of(who) for who in ("alice", "bob", "riley"))
    own = write_file(tmp_path / "alice-laptop.jsonl", names["alice"], names["alice"])
    code, out, err = run(capsys, "--db", alice, "merge", str(own))
    assert code == 0, err
    assert owners_of_text(team) == [(names["alice"], names["alice"])] * 2
    for other, who in ((bob, names["bob"]), (riley, names["riley"])):  # nobody else undoes it
        code, _out, err = run(capsys, "--db", other, "undo", "--annotator", names["alice"])
        assert code == 1 and "logged in to the database as" in err
        code, out, err = run(capsys, "--db", other, "undo", "--annotator", who)
        assert code == 0 and "Label ACTOR" in out, err  # their own last step: the span crew() made
    assert len(owners_of_text(team)) == 2
    code, out, err = run(capsys, "--db", alice, "undo", "--annotator", names["alice"])
    assert code == 0 and "undid" in out and "Merge" in out, err
    assert owners_of_text(team) == []
    code, _out, err = run(capsys, "--db", bob, "redo", "--annotator", names["alice"])
    assert code == 1 and "logged in to the database as" in err
    assert owners_of_text(team) == []
    code, out, err = run(capsys, "--db", alice, "redo", "--annotator", names["alice"])
    assert code == 0, err
    assert owners_of_text(team) == [(names["alice"], names["alice"])] * 2
    # The reviewer merges a file of someone without a login; undone and redone only by riley.
    dana = write_file(tmp_path / "dana.jsonl", "dana", "dana", "dana")
    code, _out, err = run(capsys, "--db", riley, "merge", str(dana))
    assert code == 0, err
    assert ("dana", None) in owners_of_text(team)
    code, _out, err = run(capsys, "--db", alice, "undo", "--annotator", names["riley"])
    assert code == 1
    code, out, err = run(capsys, "--db", riley, "undo", "--annotator", names["riley"])
    assert code == 0 and "undid" in out, err
    assert ("dana", None) not in owners_of_text(team)
    code, out, err = run(capsys, "--db", riley, "redo", "--annotator", names["riley"])
    assert code == 0, err
    assert owners_of_text(team).count(("dana", None)) == 3


def test_a_merge_of_a_teammates_labels_is_refused_in_words(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = crew(team, capsys)
    theirs = write_file(tmp_path / "bob.jsonl", names["bob"], names["bob"])
    dana = write_file(tmp_path / "dana.jsonl", "dana", "dana")
    before = written(team)
    for who, path in (("alice", theirs), ("riley", theirs), ("alice", dana)):
        code, _out, err = run(capsys, "--db", team.url_of(who), "merge", str(path))
        assert code == 1, (who, path)
        assert "row-level security" not in err and "Traceback" not in err
        named = names["bob"] if path == theirs else "dana"
        assert named in err, err
    assert owners_of_text(team) == [] and written(team) == before
    # --by another name than the login's is refused, not ignored
    own = write_file(tmp_path / "alice.jsonl", names["alice"])
    code, _out, err = run(capsys, "--db", team.url_of("alice"), "merge", str(own), "--by", names["riley"])
    assert code == 1 and "logged in to the database as" in err
    assert owners_of_text(team) == [] and written(team) == before


def test_a_reviewers_merge_does_not_remove_a_teammates_labels(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A newer file of alice's that lacks her span would replace her labels when she or a reviewer
    merges it; on PostgreSQL only her login may (the server refuses riley), so riley's merge only
    adds and says why."""
    names = crew(team, capsys)
    newer = tmp_path / "alice-newer.jsonl"
    newer.write_text(
        json.dumps({"text": TEAM_TEXT, "as_of": "2099-01-01T00:00:00+00:00", "spans": []}) + "\n"
    )
    code, out, err = run(
        capsys, "--db", team.url_of("riley"), "merge", str(newer), "--annotator", names["alice"]
    )
    assert code == 0, err
    assert f"{names['alice']} has their own database login: only they replace their labels" in out
    code, out, err = run(
        capsys, "--db", team.url_of("alice"), "merge", str(newer), "--annotator", names["alice"]
    )
    assert code == 0, err
    assert "spans +0 -1" in out

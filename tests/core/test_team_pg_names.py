"""PostgreSQL with per-person logins: no command writes as "gold" or as a teammate by a name.

Every command that takes ``--annotator`` (or ``--by``) is run by alice's login naming the gold
layer and naming bob: each is refused with a clear error, and nothing is written (no audit
entry, no undo step, no new annotator).
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.core.cli_run import run
from tests.core.pg_team import Team, annotate_as
from tests.core.test_team_pg_writes import crew, write_file, written


def _commands(team: Team, tmp_path: Path, span: int, actor: str, comment: str) -> list[list[str]]:
    doc = str(team.doc)
    sheet = tmp_path / "actors.csv"
    sheet.write_text("id,name,aliases,kind,external_id,attributes\n,Erin Lake,,,,\n", encoding="utf-8")
    guide = tmp_path / "guide.md"
    guide.write_text("Mark every quote.\n", encoding="utf-8")
    codebook = tmp_path / "codebook.json"
    codebook.write_text(json.dumps({"codebook": 1, "labels": [{"name": "PLACE"}]}), encoding="utf-8")
    mine = write_file(tmp_path / "mine.jsonl", "dana")
    return [
        ["annotate", doc, "6", "14", "ACTOR"],
        ["unannotate", str(span)],
        ["status", "done", doc],
        ["labels", "add", "PLACE"],
        ["attributes", "add", "QUOTE", "kind", "--type", "text"],
        ["attributes", "add-document", "topic", "--type", "text"],
        ["attributes", "set-document", doc, "genre", "news"],
        ["codebook", "import", str(codebook)],
        ["settings", "set", "quote-marks", "exclude"],
        ["guidelines", "set", str(guide)],
        ["guidelines", "describe", "QUOTE", "--text", "A quote."],
        ["comment", "--doc", doc, "Paywalled?"],
        ["actors", "add", "Dana Obi"],
        ["actors", "edit", actor, "--kind", "person"],
        ["actors", "link", str(span), actor],
        ["actors", "import", str(sheet)],
        ["comment", "--reply", comment, "Yes."],
        ["comment", "--resolve", comment],
        ["labels", "rename", "CUE", "TRIGGER"],
        ["attributes", "clear-document", doc, "genre"],
        ["rm", doc],
        ["suggest", "--rules", "--all"],
        ["accept", "--doc", doc],
        ["reject", "--doc", doc],
        ["undo"],
        ["redo"],
        ["import", str(mine)],
    ]


def test_no_command_writes_as_gold_or_a_teammate(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    names = crew(team, capsys)
    alice = team.url_of("alice")
    code, _out, err = run(capsys, "--db", alice, "attributes", "add-document", "genre", "--type", "text")
    assert code == 0, err
    code, out, err = annotate_as(capsys, team, "alice", 15, 19)
    assert code == 0, err
    span = int(out)
    code, actor, err = run(capsys, "--db", alice, "actors", "add", "Ana Ruiz")
    assert code == 0, err
    code, comment, err = run(
        capsys, "--db", alice, "comment", "--doc", str(team.doc), "Open?", "--annotator", names["alice"]
    )
    assert code == 0, err
    before = written(team)
    for command in _commands(team, tmp_path, span, actor.strip(), comment.strip()):
        for name in ("gold", "Gold", names["bob"]):
            code, _out, err = run(capsys, "--db", alice, *command, "--annotator", name)
            assert code == 1, (command, name)
            assert "logged in to the database as" in err or "gold layer" in err, (command, name, err)
    for command in (
        ["merge", str(write_file(tmp_path / "m.jsonl", names["alice"]))],
        ["assign", "--annotators", names["alice"]],
    ):
        for name in ("gold", names["bob"]):
            code, _out, err = run(capsys, "--db", alice, *command, "--by", name)
            assert code == 1, (command, name)
            assert "gold layer" in err or "logged in to the database as" in err, (command, name, err)
    assert written(team) == before

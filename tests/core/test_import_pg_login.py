"""A teammate's login imports a file on a shared PostgreSQL database.

The server lets a login write only rows of its own annotator (row-level security). The import
used to make the runner's annotator without its login, so every span it wrote was refused (and,
before that, its COPY was refused outright): teammates on a team database could not import.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.model import Annotation, Annotator
from annotator.store import open_store
from tests.core.pg_team import Team


def test_a_teammates_login_imports_as_itself(
    team: Team, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    alice = team.names["alice"]
    text = "Ana Ruiz said the ferry runs on Sundays again."
    path = tmp_path / "mine.jsonl"
    path.write_text(json.dumps({"text": text, "spans": [{"start": 0, "end": 8, "label": "ACTOR"}]}) + "\n")
    code = main(["--db", team.url_of("alice"), "import", str(path), "--annotator", alice])
    assert code == 0, capsys.readouterr().err
    store = open_store(team.url)
    with store.session() as s:
        owners = s.execute(
            select(Annotator.name, Annotator.login).join(Annotation).where(Annotation.start == 0)
        ).all()
    store.close()
    assert [tuple(o) for o in owners] == [(alice, alice)]

"""On SQLite a name is only declared: a reviewer's rights stay with the OS account that first used
them, so typing a reviewer's name under another account grants no review, roles or gold."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

import annotator.store as store_module
from annotator.errors import ValidationError
from annotator.model import Annotator, Role
from annotator.ops.projects import ensure_annotator, set_role
from annotator.review.gold import set_review_status
from annotator.store import Actor, Store, open_store
from tests.core.helpers import add_doc


def _reviewer(url: str) -> tuple[int, int, int]:
    """A project with riley (reviewer), alice and one document; returns their ids."""
    from annotator.ops.projects import create_project

    store = open_store(url)
    try:
        with store.transaction() as tx:
            project = create_project(tx, "P")
            riley = ensure_annotator(tx, project.id, "riley", Role.REVIEWER)
            alice = ensure_annotator(tx, project.id, "alice")
            ids = (project.id, riley.id, alice.id)
        doc = add_doc(store, ids[0], "A short text for the review.")
    finally:
        store.close()
    return ids[1], ids[2], doc


def _as(url: str, account: str, monkeypatch: pytest.MonkeyPatch) -> Store:
    monkeypatch.setattr(store_module, "os_user", lambda: account)
    return open_store(url)


def test_a_reviewers_name_typed_under_another_account_is_not_that_reviewer(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    riley, alice, doc = _reviewer(url)
    reviewer = Actor("riley", riley, Role.REVIEWER.value)

    own = _as(url, "riley-account", monkeypatch)
    with own.transaction(actor=reviewer) as tx:  # the first use binds the rights to the account
        set_review_status(tx, [doc], "in review")
    with own.session() as s:
        assert s.scalar(select(Annotator.os_account).where(Annotator.id == riley)) == "riley-account"
    own.close()

    other = _as(url, "mallory", monkeypatch)
    refused = pytest.raises(ValidationError, match="belong to the OS account 'riley-account'")
    with refused, other.transaction(actor=reviewer) as tx:
        set_review_status(tx, [doc], "adjudicated")
    refused = pytest.raises(ValidationError, match="belong to the OS account")
    with refused, other.transaction(actor=reviewer) as tx:
        set_role(tx, 1, "alice", Role.REVIEWER)
    with other.session() as s:
        assert s.scalar(select(Annotator.role).where(Annotator.id == alice)) == Role.ANNOTATOR.value
    other.close()

    again = _as(url, "riley-account", monkeypatch)
    with again.transaction(actor=reviewer) as tx:  # the reviewer's own account still may
        set_review_status(tx, [doc], "adjudicated")
    again.close()


def test_keeping_a_files_names_as_a_reviewer_needs_the_reviewers_account(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    import json

    from annotator.cli import main

    url = f"sqlite:///{tmp_path / 'p.db'}"
    riley, _alice, doc = _reviewer(url)
    own = _as(url, "riley-account", monkeypatch)
    with own.transaction(actor=Actor("riley", riley, Role.REVIEWER.value)) as tx:
        set_review_status(tx, [doc], "in review")
    own.close()
    line = {"text": "Another text.", "spans": [{"start": 0, "end": 7, "label": "ACTOR", "annotator": "bob"}]}
    source = tmp_path / "f.jsonl"
    source.write_text(json.dumps(line) + "\n", encoding="utf-8")
    args = ["--db", url, "import", str(source), "--keep-annotators", "--annotator", "riley"]
    monkeypatch.setattr(store_module, "os_user", lambda: "mallory")
    assert main(args) != 0
    assert "belong to the OS account 'riley-account'" in capsys.readouterr().err
    monkeypatch.setattr(store_module, "os_user", lambda: "riley-account")
    assert main(args) == 0, capsys.readouterr().err

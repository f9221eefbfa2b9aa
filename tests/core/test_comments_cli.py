"""``annotator comment`` / ``annotator comments`` in real processes: the issue's exact forms."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

from annotator.store import open_store
from tests.cli_forms import run
from tests.core.helpers import add_doc

TEXT = "Critics said the bridge is unsafe."


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run("--db", url, *args)


def ok(url: str, *args: str) -> str:
    done = cli(url, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout.strip()


def new_project(tmp_path: Path) -> tuple[str, int]:
    """A project made by ``annotator init`` with one document: its URL and the document's id."""
    url = f"sqlite:///{tmp_path / 'p.db'}"
    ok(url, "init")
    store = open_store(url)
    doc = add_doc(store, 1, TEXT)
    store.close()
    return url, doc


def test_comment_reply_resolve_list_and_undo(tmp_path: Path) -> None:
    url, doc = new_project(tmp_path)
    span = ok(url, "annotate", str(doc), "0", "7", "ACTOR", "--annotator", "ana")
    first = ok(url, "comment", "--span", span, "Is this an actor?", "--annotator", "ana")
    flag = ok(url, "comment", "--doc", str(doc), "Duplicate of doc 3?", "--annotator", "bo", "--flag")
    answer = ok(url, "comment", "--reply", first, "Yes: a group.", "--annotator", "bo")
    assert [first, flag, answer] == ["1", "2", "3"]
    listed = json.loads(ok(url, "comments", "--json"))
    assert [(c["id"], c["target"], c["kind"], c["author"], c["state"], c["reply_to"]) for c in listed] == [
        (1, "span", "comment", "ana", "open", None),
        (3, "span", "comment", "bo", "open", 1),
        (2, "document", "flag", "bo", "open", None),
    ]
    assert listed[0]["span"] == int(span) and listed[0]["time"]
    assert ok(url, "comment", "--resolve", answer, "--annotator", "ana") == first  # resolves the thread
    assert [c["id"] for c in json.loads(ok(url, "comments", "--open", "--json"))] == [2]
    table = ok(url, "comments", "--open")
    assert "Duplicate of doc 3?" in table and "Is this an actor?" not in table
    undone = ok(url, "undo", "--annotator", "ana")
    assert "Resolve comment 1" in undone
    assert [c["id"] for c in json.loads(ok(url, "comments", "--open", "--json"))] == [1, 3, 2]
    ok(url, "unannotate", span)
    shown = json.loads(ok(url, "comments", "--json"))[0]
    assert shown["target"] == "document" and shown["note"].startswith(
        f"was on span {span} (ACTOR 0–7 'Critics'"
    )


def test_bad_comment_commands_change_nothing(tmp_path: Path) -> None:
    url, doc = new_project(tmp_path)
    for args, message in (
        (("comment", "--span", "99", "Hm", "--annotator", "ana"), "no span with id 99"),
        (("comment", "--doc", str(doc), "--annotator", "ana"), "needs TEXT"),
        (("comment", "--resolve", "5", "--annotator", "ana"), "no comment with id 5"),
        (("comment", "--doc", str(doc), "--span", "1", "x", "--annotator", "ana"), "not allowed with"),
        (("comment", "--doc", str(doc), "x"), "--annotator"),
    ):
        done = cli(url, *args)
        assert done.returncode != 0 and message in done.stderr, (args, done.stderr)
    assert json.loads(ok(url, "comments", "--json")) == []

"""``annotator labels …``, ``status`` and ``unannotate`` are undoable steps, in real processes."""

from __future__ import annotations

import getpass
import json
from pathlib import Path

from sqlalchemy import select

from annotator.model import Annotation, Document, Label
from annotator.store import open_store
from tests.core.helpers import add_doc
from tests.core.test_undo_cli import cli

TEXT = "Critics said the bridge is unsafe."


def _project(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert cli(url, "init").returncode == 0
    store = open_store(url)
    add_doc(store, 1, TEXT)
    store.close()
    return url


def labels(url: str) -> dict[str, tuple[str, str | None, bool]]:
    store = open_store(url)
    try:
        with store.session() as s:
            return {lab.name: (lab.color, lab.hotkey, lab.retired) for lab in s.scalars(select(Label))}
    finally:
        store.close()


def ok(url: str, *args: str) -> str:
    done = cli(url, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_label_edits_are_undone_and_redone_by_the_command_line(tmp_path: Path) -> None:
    url = _project(tmp_path)
    start = labels(url)
    ok(url, "labels", "add", "PLACE", "--hotkey", "p", "--annotator", "ana")
    ok(url, "labels", "recolor", "ACTOR", "#000000", "--annotator", "ana")
    ok(url, "labels", "rekey", "ACTOR", "x", "--annotator", "ana")
    ok(url, "labels", "retire", "CLAIM", "--annotator", "ana")
    assert labels(url)["ACTOR"] == ("#000000", "x", False) and labels(url)["CLAIM"][2] is True
    assert "undid 'Retire label CLAIM'" in ok(url, "undo", "--annotator", "ana")
    assert "undid 'Key of label ACTOR'" in ok(url, "undo", "--annotator", "ana")
    assert "undid 'Recolour label ACTOR'" in ok(url, "undo", "--annotator", "ana")
    out = ok(url, "undo", "--annotator", "ana")
    assert "undid 'Add label PLACE'" in out and "removed label" in out and "(PLACE)" in out
    assert labels(url) == start
    assert "redid 'Add label PLACE'" in ok(url, "redo", "--annotator", "ana")
    assert labels(url)["PLACE"][1] == "p"


def test_a_renamed_label_keeps_its_spans_and_exports_under_the_new_name(tmp_path: Path) -> None:
    url = _project(tmp_path)
    ok(url, "annotate", "1", "0", "7", "ACTOR", "--annotator", "ana")
    ok(url, "labels", "rename", "ACTOR", "PERSON", "--annotator", "ana")
    out = tmp_path / "out.jsonl"
    ok(url, "export", "--format", "jsonl", "-o", str(out))
    assert [s["label"] for s in json.loads(out.read_text(encoding="utf-8"))["spans"]] == ["PERSON"]
    ok(url, "undo", "--annotator", "ana")
    ok(url, "export", "--format", "jsonl", "-o", str(out))
    assert [s["label"] for s in json.loads(out.read_text(encoding="utf-8"))["spans"]] == ["ACTOR"]


def test_undoing_an_add_that_spans_now_use_is_refused_with_the_count(tmp_path: Path) -> None:
    url = _project(tmp_path)
    ok(url, "labels", "add", "PLACE", "--annotator", "ana")
    ok(url, "annotate", "1", "17", "23", "PLACE", "--annotator", "bob")
    refused = cli(url, "undo", "--annotator", "ana")
    assert refused.returncode == 1
    assert "label 'PLACE' is used by 1 span(s)" in refused.stderr and "retire it instead" in refused.stderr
    assert "PLACE" in labels(url)
    removed = cli(url, "labels", "remove", "PLACE", "--annotator", "ana")
    assert removed.returncode == 1 and "used by 1 span(s)" in removed.stderr and "retire" in removed.stderr


def test_without_annotator_the_step_is_the_os_accounts(tmp_path: Path) -> None:
    url = _project(tmp_path)
    ok(url, "labels", "recolor", "ACTOR", "#000000")
    assert labels(url)["ACTOR"][0] == "#000000"
    assert "undid 'Recolour label ACTOR'" in ok(url, "undo", "--annotator", getpass.getuser())
    assert labels(url)["ACTOR"][0] != "#000000"


def _status(url: str) -> str:
    store = open_store(url)
    try:
        with store.session() as s:
            return s.scalars(select(Document.status)).one()
    finally:
        store.close()


def test_status_and_unannotate_are_undoable(tmp_path: Path) -> None:
    url = _project(tmp_path)
    ok(url, "status", "done", "1", "--annotator", "ana")
    assert _status(url) == "done"
    assert "undid 'Mark done'" in ok(url, "undo", "--annotator", "ana")
    assert _status(url) == "new"
    ok(url, "status", "in progress", "1")  # the OS account's step
    ok(url, "undo", "--annotator", getpass.getuser())
    assert _status(url) == "new"

    span = ok(url, "annotate", "1", "0", "7", "ACTOR", "--annotator", "bob").strip()
    refused = cli(url, "unannotate", span, "--annotator", "ana")  # not ana's span
    assert refused.returncode == 1 and "another annotator" in refused.stderr
    ok(url, "unannotate", span)  # a script (no name) deletes it: the step is its owner's
    out = ok(url, "undo", "--annotator", "bob")
    assert "undid 'Delete span'" in out and "'Critics'" in out
    store = open_store(url)
    with store.session() as s:
        assert [a.id for a in s.scalars(select(Annotation))] == [int(span)]
    store.close()
    ok(url, "unannotate", span, "--annotator", "bob")
    ok(url, "undo", "--annotator", "bob")
    ok(url, "redo", "--annotator", "bob")
    with open_store(url).session() as s:
        assert s.scalars(select(Annotation)).all() == []

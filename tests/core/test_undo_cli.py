"""``annotator undo`` / ``annotator redo`` in real processes, on the log the app shares."""

from __future__ import annotations

import subprocess
from pathlib import Path

from sqlalchemy import select

from annotator.model import Annotation
from annotator.ops.annotations import update_span
from annotator.store import open_store
from tests.cli_forms import run
from tests.core.helpers import add_doc, label_id

TEXT = "Critics said the bridge is unsafe."


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run("--db", url, *args)


def spans(url: str) -> list[tuple[str, int]]:
    store = open_store(url)
    try:
        with store.session() as s:
            return [(a.text, a.label_id) for a in s.scalars(select(Annotation))]
    finally:
        store.close()


def _annotated(tmp_path: Path) -> str:
    """A new project where ``ann`` labelled "Critics" with ``annotator annotate``; its URL."""
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert cli(url, "init").returncode == 0
    store = open_store(url)
    doc = add_doc(store, 1, TEXT)
    store.close()
    assert cli(url, "annotate", str(doc), "0", "7", "ACTOR", "--annotator", "ann").returncode == 0
    return url


def test_undo_and_redo_from_the_command_line(tmp_path: Path) -> None:
    url = _annotated(tmp_path)
    assert [t for t, _ in spans(url)] == ["Critics"]
    done = cli(url, "undo", "--annotator", "ann")
    assert done.returncode == 0, done.stderr
    assert "undid 'Label ACTOR 0–7'" in done.stdout and "removed span" in done.stdout
    assert spans(url) == []
    again = cli(url, "undo", "--annotator", "ann")
    assert again.returncode == 1 and "nothing to undo for ann" in again.stderr
    done = cli(url, "redo", "--annotator", "ann")
    assert done.returncode == 0 and "redid" in done.stdout
    assert [t for t, _ in spans(url)] == ["Critics"]
    nobody = cli(url, "undo", "--annotator", "zoe")
    assert nobody.returncode == 1 and "no annotator called 'zoe'" in nobody.stderr


def test_undo_from_the_command_line_refuses_a_conflict(tmp_path: Path) -> None:
    url = _annotated(tmp_path)
    store = open_store(url)
    claim = label_id(store, 1, "CLAIM")
    with store.transaction() as tx, store.session() as s:  # a script relabels the span meanwhile
        update_span(tx, s.scalars(select(Annotation.id)).one(), label_id=claim)
    store.close()
    refused = cli(url, "undo", "--annotator", "ann")
    assert refused.returncode == 1
    assert (
        "cannot undo" in refused.stderr
        and "'Critics'" in refused.stderr
        and "changed since" in refused.stderr
    )
    assert spans(url) == [("Critics", claim)]

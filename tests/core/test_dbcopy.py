"""`annotator db copy`: projects move between databases with nothing lost."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.dbcopy import copy_projects
from annotator.errors import AnnotatorError
from annotator.model import Annotation, Annotator, Document, Label, Relation, RelationType
from annotator.store import Store, open_store

FIXTURE = Path(__file__).parents[1] / "fixtures" / "migrations" / "schema-0001.db"


def snapshot(store: Store) -> dict[str, object]:
    """Everything a project holds, by value (ids replaced by what they name)."""
    with store.session() as s:
        labels = {lab.id: lab.name for lab in s.scalars(select(Label))}
        people = {a.id: a.name for a in s.scalars(select(Annotator))}
        docs = {d.id: d.content_hash for d in s.scalars(select(Document))}
        spans = {
            a.id: (docs[a.document_id], a.start, a.end, labels[a.label_id], people[a.annotator_id])
            for a in s.scalars(select(Annotation))
        }
        types = {t.id: t.name for t in s.scalars(select(RelationType))}
        return {
            "labels": sorted(
                (lab.name, lab.color, lab.hotkey, lab.description, lab.position)
                for lab in s.scalars(select(Label))
            ),
            "types": sorted(
                (t.name, labels.get(t.from_label_id or 0), labels.get(t.to_label_id or 0), t.color)
                for t in s.scalars(select(RelationType))
            ),
            "annotators": sorted((a.name, a.role) for a in s.scalars(select(Annotator))),
            "documents": sorted(
                (d.text, d.title, d.author, d.published, d.source_url, d.status, str(d.meta), d.created_at)
                for d in s.scalars(select(Document))
            ),
            "spans": sorted(
                (*spans[a.id], a.text, a.created_at, a.updated_at, a.version)
                for a in s.scalars(select(Annotation))
            ),
            "relations": sorted(
                (
                    spans[r.source_id],
                    spans[r.target_id],
                    types[r.type_id],
                    people[r.annotator_id],
                    r.created_at,
                )
                for r in s.scalars(select(Relation))
            ),
        }


def test_copy_there_and_back_is_lossless(tmp_path: Path, backend_url: str) -> None:
    legacy = tmp_path / "legacy.db"
    shutil.copy(FIXTURE, legacy)
    src = open_store(f"sqlite:///{legacy}")
    middle = open_store(backend_url)
    back = open_store(f"sqlite:///{tmp_path / 'back.db'}")
    report = copy_projects(src, middle)
    assert report.rows["annotation"] == 7 and report.rows["relation"] == 3
    copy_projects(middle, back)
    assert snapshot(middle) == snapshot(src)
    assert snapshot(back) == snapshot(src)
    with pytest.raises(AnnotatorError, match="already has a project named 'Legacy'"):
        copy_projects(src, back)
    for store in (src, middle, back):
        store.close()


def test_db_copy_command(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    legacy = tmp_path / "legacy.db"
    shutil.copy(FIXTURE, legacy)
    target = f"sqlite:///{tmp_path / 'copy.db'}"
    assert main(["db", "copy", f"sqlite:///{legacy}", target, "--name", "Legacy"]) == 0
    assert "copied Legacy" in capsys.readouterr().out
    assert main(["db", "copy", f"sqlite:///{legacy}", target, "--name", "Nope"]) == 1
    assert "no project named 'Nope'" in capsys.readouterr().err

"""A file's label, relation type or attribute name that differs from the project's only in case
(brat's ``Quote`` for ``QUOTE``) is taken as the project's, and the report says so once."""

from __future__ import annotations

from pathlib import Path

from sqlalchemy import func, select

from annotator.attributes import define_attribute
from annotator.importing import import_paths
from annotator.model import Annotation, Label, Project, Relation, RelationType
from annotator.store import Store
from tests.formats.test_brat_events import _folder

TEXT = 'Ana Ruiz said "the bridge will reopen".\n'
ANN = (
    "T1\tActor 0 8\tAna Ruiz\n"
    'T2\tQuote 14 38\t"the bridge will reopen"\n'
    "R1\tSpeaker Arg1:T2 Arg2:T1\n"
    "A1\tType T2 direct\n"
)


def test_names_differing_in_case_map_to_the_projects(store: Store, project: Project, tmp_path: Path) -> None:
    with store.transaction() as tx:
        define_attribute(tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect"])
    folder = _folder(tmp_path, ANN, TEXT)
    _folder(tmp_path, ANN, TEXT.replace(".\n", "!\n"), name="second")
    summary = import_paths(
        store, project.id, [folder], fmt="brat", annotator="alice", create_labels=True
    ).summary()
    assert "4 name(s) in the file taken as the project's (they differ only in case)" in summary
    for line in ("label 'Actor' → 'ACTOR'", "label 'Quote' → 'QUOTE'", "relation type 'Speaker' → 'speaker'"):
        assert summary.count(line) == 1
    assert summary.count("attribute of QUOTE 'Type' → 'type'") == 1
    assert "attribute(s) the codebook lacked" not in summary
    with store.session() as s:
        labels = list(s.scalars(select(Label.name).where(Label.project_id == project.id)))
        assert "Quote" not in labels and "Actor" not in labels
        kinds = list(s.scalars(select(RelationType.name).where(RelationType.project_id == project.id)))
        assert "Speaker" not in kinds
        quotes = s.execute(
            select(Annotation.attributes)
            .join(Label, Label.id == Annotation.label_id)
            .where(Label.name == "QUOTE")
        ).all()
        assert [q[0] for q in quotes] == [{"type": "direct"}, {"type": "direct"}]
        assert s.scalar(select(func.count()).select_from(Relation)) == 2


def test_a_name_the_project_has_as_it_is_stays(store: Store, project: Project, tmp_path: Path) -> None:
    """With both ``Quote`` and ``QUOTE`` in the project (made before ``labels add`` refused that),
    the file's ``Quote`` is ``Quote``."""
    with store.transaction() as tx:
        from annotator.ops.labels import add_label

        add_label(tx, project.id, "Quote2").name = "Quote"  # as an older project may hold
    folder = _folder(
        tmp_path, ANN.replace("R1\tSpeaker Arg1:T2 Arg2:T1\n", "").replace("A1\tType T2 direct\n", ""), TEXT
    )
    summary = import_paths(store, project.id, [folder], fmt="brat", annotator="alice").summary()
    assert "label 'Quote'" not in summary and "label 'Actor' → 'ACTOR'" in summary
    with store.session() as s:
        used = s.scalars(select(Label.name).join(Annotation, Annotation.label_id == Label.id)).all()
        assert sorted(used) == ["ACTOR", "Quote"]

"""Native JSONL carries span and relation attribute values out and back in, on both backends;
a value the codebook refuses fails the import naming file and line, and imports nothing."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.attributes import define_attribute
from annotator.errors import InputError
from annotator.export import export
from annotator.formats import native
from annotator.model import Annotation, Document, Relation, RelationType
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project
from annotator.store import Store

TEXT = "Mayor Ana Ruiz said the bridge opens in May. Critics doubt it."


def _project(store: Store, name: str) -> tuple[int, str]:
    with store.transaction() as tx:
        project = create_project(tx, name)
        define_attribute(tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect"])
        define_attribute(tx, project.id, "QUOTE", "topics", "multi", ["a", "b"])
        rtype = tx.session.scalars(select(RelationType).where(RelationType.project_id == project.id)).first()
        assert rtype is not None
        define_attribute(tx, project.id, rtype.name, "certain", "bool", scope="relation")
        return project.id, rtype.name


def _line(rtype: str, value: object = "direct") -> dict[str, object]:
    return {
        "text": TEXT,
        "spans": [
            {
                "id": 1,
                "start": 20,
                "end": 44,
                "label": "QUOTE",
                "annotator": "alice",
                "attributes": {"type": value, "topics": ["b", "a"]},
            },
            {"id": 2, "start": 6, "end": 14, "label": "ACTOR", "annotator": "alice"},
        ],
        "relations": [
            {"from": 1, "to": 2, "type": rtype, "annotator": "alice", "attributes": {"certain": True}}
        ],
    }


def test_round_trip(store: Store, tmp_path: Path) -> None:
    project, rtype = _project(store, "P")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(_line(rtype)) + "\n", encoding="utf-8")
    with store.transaction() as tx:
        import_records(tx, project, native.read(source), keep_annotators=True)
    with store.session() as s:
        assert s.scalar(
            select(Annotation.attributes).where(Annotation.label_id.is_not(None), Annotation.start == 20)
        ) == {
            "type": "direct",
            "topics": ["a", "b"],
        }
        assert s.scalar(select(Relation.attributes)) == {"certain": True}
        export(s, project, "jsonl", tmp_path / "out.jsonl")
    line = json.loads((tmp_path / "out.jsonl").read_text(encoding="utf-8"))
    quote = next(x for x in line["spans"] if x["label"] == "QUOTE")
    actor = next(x for x in line["spans"] if x["label"] == "ACTOR")
    assert quote["attributes"] == {"type": "direct", "topics": ["a", "b"]}
    assert "attributes" not in actor
    assert line["relations"][0]["attributes"] == {"certain": True}
    # into a second project with the same codebook: the same values
    other, _rtype = _project(store, "Q")
    with store.transaction() as tx:
        import_records(tx, other, native.read(tmp_path / "out.jsonl"), keep_annotators=True)
    with store.session() as s:
        export(s, other, "jsonl", tmp_path / "again.jsonl")
    again = json.loads((tmp_path / "again.jsonl").read_text(encoding="utf-8"))
    assert [x.get("attributes") for x in again["spans"]] == [x.get("attributes") for x in line["spans"]]
    assert again["relations"][0]["attributes"] == {"certain": True}


@pytest.mark.parametrize(
    ("value", "message"),
    [("quoted", "'quoted' is not one of direct, indirect"), (3, "is not one of")],
)
def test_a_bad_value_imports_nothing(store: Store, tmp_path: Path, value: object, message: str) -> None:
    project, rtype = _project(store, "P")
    source = tmp_path / "in.jsonl"
    source.write_text("\n" + json.dumps(_line(rtype, value)) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match=message) as caught, store.transaction() as tx:
        import_records(tx, project, native.read(source), keep_annotators=True)
    assert f"{source}:2" in str(caught.value)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0


def test_an_attribute_the_codebook_lacks_is_refused(store: Store, tmp_path: Path) -> None:
    project, rtype = _project(store, "P")
    line = _line(rtype)
    line["spans"][1]["attributes"] = {"role": "mayor"}  # type: ignore[index]
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(line) + "\n", encoding="utf-8")
    with pytest.raises(InputError, match="no attribute 'role'"), store.transaction() as tx:
        import_records(tx, project, native.read(source), keep_annotators=True)


def test_merging_a_teammates_database_carries_their_values(tmp_path: Path) -> None:
    from annotator.review.merge import merge, read_source
    from annotator.store import open_store

    mate = open_store(f"sqlite:///{tmp_path / 'mate.db'}")
    project, rtype = _project(mate, "P")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(_line(rtype)) + "\n", encoding="utf-8")
    with mate.transaction() as tx:
        import_records(tx, project, native.read(source), keep_annotators=True)
    mate.close()
    main = open_store(f"sqlite:///{tmp_path / 'main.db'}")
    mine, _rtype = _project(main, "P")
    summary = merge(main, mine, read_source(tmp_path / "mate.db"))
    assert summary is not None
    with main.session() as s:
        values = sorted(str(v) for v in s.scalars(select(Annotation.attributes)) if v)
        assert values == [str({"type": "direct", "topics": ["a", "b"]})]
        assert s.scalar(select(Relation.attributes)) == {"certain": True}
    main.close()


def test_a_second_merge_brings_a_value_the_teammate_changed_since(tmp_path: Path) -> None:
    """Values changed on a span an earlier merge brought take the teammate's newer value (before,
    the merge said "unchanged" and kept the old one)."""
    from annotator.attributes_values import set_value
    from annotator.review.merge import merge, read_source
    from annotator.store import open_store

    mate = open_store(f"sqlite:///{tmp_path / 'mate.db'}")
    project, rtype = _project(mate, "P")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(_line(rtype)) + "\n", encoding="utf-8")
    with mate.transaction() as tx:
        import_records(tx, project, native.read(source), keep_annotators=True)
    mate.close()
    main = open_store(f"sqlite:///{tmp_path / 'main.db'}")
    mine, _rtype = _project(main, "P")
    merge(main, mine, read_source(tmp_path / "mate.db"))
    mate = open_store(f"sqlite:///{tmp_path / 'mate.db'}")
    with mate.transaction() as tx:
        quote = tx.session.scalar(select(Annotation.id).where(Annotation.attributes.is_not(None)))
        assert quote is not None
        set_value(tx, "span", quote, "type", "indirect")
    mate.close()
    summary = merge(main, mine, read_source(tmp_path / "mate.db"))
    assert summary is not None and "values of 1 span(s) updated" in summary.summary()
    with main.session() as s:
        values = [v for v in s.scalars(select(Annotation.attributes)) if v]
        assert values == [{"type": "indirect", "topics": ["a", "b"]}]
    main.close()


def test_who_said_what_csv_has_the_quote_attributes(store: Store, tmp_path: Path) -> None:
    import csv

    project, rtype = _project(store, "P")
    source = tmp_path / "in.jsonl"
    source.write_text(json.dumps(_line(rtype)) + "\n", encoding="utf-8")
    with store.transaction() as tx:
        import_records(tx, project, native.read(source), keep_annotators=True)
    with store.session() as s:
        export(s, project, "whosaid", tmp_path / "who.csv")
    with (tmp_path / "who.csv").open(encoding="utf-8", newline="") as fh:
        [row] = list(csv.DictReader(fh))
    assert (row["label"], row["attributes"]) == ("QUOTE", "type=direct; topics=a+b")

"""Codebook values of spans and relations come back from a peer file into a project that lacks
their attributes: the import creates them (label and relation attributes alike) and says so."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.attributes import define_attribute
from annotator.attributes_values import set_value
from annotator.errors import InputError
from annotator.importing import import_paths
from annotator.model import Annotation, AttributeDef, Document, Project, Relation, RelationType
from annotator.ops.projects import create_project
from annotator.store import Store
from tests.formats.test_exports_carry import _export, filled  # noqa: F401  (fixture)


def _confident(store: Store, project: Project) -> None:
    """speaker.confidence on the project's speaker links: 0.9 on the first, 0.5 on the other."""
    with store.transaction() as tx:
        define_attribute(tx, project.id, "speaker", "confidence", "number", scope="relation")
        speaker = tx.session.scalar(
            select(RelationType.id).where(
                RelationType.project_id == project.id, RelationType.name == "speaker"
            )
        )
        links = tx.session.scalars(
            select(Relation.id).where(Relation.type_id == speaker).order_by(Relation.id)
        )
        for n, link in enumerate(links):
            set_value(tx, "relation", link, "confidence", 0.9 if n == 0 else 0.5)


def _values(store: Store, project: Project) -> tuple[dict[str, object], list[object]]:
    """QUOTE values by span text, speaker link values in the order of their quotes."""
    with store.session() as s:
        docs = select(Document.id).where(Document.project_id == project.id)
        spans = dict(
            s.execute(
                select(Annotation.text, Annotation.attributes).where(
                    Annotation.document_id.in_(docs), Annotation.attributes.is_not(None)
                )
            ).all()
        )
        links = s.execute(
            select(Annotation.start, Relation.attributes)
            .join(Annotation, Annotation.id == Relation.source_id)
            .join(RelationType, RelationType.id == Relation.type_id)
            .where(Relation.document_id.in_(docs), RelationType.name == "speaker")
            .order_by(Annotation.start)
        ).all()
        return spans, [values for _start, values in links]


@pytest.mark.parametrize(("fmt", "name"), [("w3c", "out.jsonld"), ("spacy", "out.spacy")])
def test_relation_values_create_their_attribute_on_import(
    store: Store,
    filled: Project,  # noqa: F811
    tmp_path: Path,
    fmt: str,
    name: str,
) -> None:
    _confident(store, filled)
    before = _values(store, filled)
    assert before[1] == [{"confidence": 0.9}, {"confidence": 0.5}]
    out = tmp_path / name
    _export(store, filled, fmt, out)
    with store.transaction() as tx:
        other = create_project(tx, "Other")
    summary = import_paths(store, other.id, [out], fmt=fmt, annotator="bob").summary()
    assert "QUOTE.type (choice: direct, mixed)" in summary
    assert "speaker.confidence (link, number)" in summary
    assert _values(store, other) == before
    with store.session() as s:
        made = s.scalar(
            select(AttributeDef).where(AttributeDef.project_id == other.id, AttributeDef.name == "confidence")
        )
        assert made is not None and (made.scope, made.kind) == ("relation", "number")


def test_relation_values_in_a_project_that_has_the_attribute(
    store: Store,
    filled: Project,  # noqa: F811
    tmp_path: Path,
) -> None:
    """A second import into the same project finds the attribute and does not report it again."""
    _confident(store, filled)
    out = tmp_path / "out.jsonld"
    _export(store, filled, "w3c", out)
    with store.transaction() as tx:
        other = create_project(tx, "Other")
    import_paths(store, other.id, [out], fmt="w3c", annotator="bob")
    again = import_paths(store, other.id, [out], fmt="w3c", annotator="carol").summary()
    assert "speaker.confidence" not in again
    assert _values(store, other)[1].count({"confidence": 0.5}) == 2


@pytest.mark.parametrize(
    ("fmt", "name", "head"), [("w3c", "out.jsonld", "annotation "), ("labelstudio", "out.json", "")]
)
def test_a_refused_value_names_the_file_line_that_holds_it(
    store: Store,
    filled: Project,  # noqa: F811
    tmp_path: Path,
    fmt: str,
    name: str,
    head: str,
) -> None:
    """A value outside its choices fails naming the file and the line of the annotation holding it
    (W3C: the annotation's own line, not its document's)."""
    out = tmp_path / name
    _export(store, filled, fmt, out)
    text = out.read_text(encoding="utf-8")
    assert '"mixed"' in text
    out.write_text(text.replace('"mixed"', '"bogus"'), encoding="utf-8")
    where = text[: text.index('"mixed"')].count("\n") + 1
    with pytest.raises(InputError, match=r"QUOTE\.type: 'bogus' is not one of direct, mixed") as caught:
        import_paths(store, filled.id, [out], fmt=fmt, annotator="bob")
    assert caught.value.path == str(out) and caught.value.reason.startswith(head)
    assert caught.value.line is not None and caught.value.line <= where
    if fmt == "w3c":  # the annotation's own line: within the few lines before the value
        assert where - caught.value.line < 15, (where, caught.value.line)

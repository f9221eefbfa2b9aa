"""Every export format, on a project holding every kind of thing (a multi-part quote, actors with
an external id, aliases, kind and attributes, span, link and document values, cue links): each
thing either comes back when the file is imported into a fresh project, or the export's report
names it as left out."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from annotator.codebook import apply_codebook, export_codebook
from annotator.export import EXTENSIONS, WRITERS, export
from annotator.importing import import_paths
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Document, DocumentAttribute, Project, Relation, RelationType
from annotator.ops.projects import create_project
from annotator.store import Store
from tests.formats.everything import fill

# The who-said-what CSV is a table for analysis, not a file to import.
FORMATS = sorted(set(WRITERS) - {"whosaid"})
READ_AS = {"jsonl": "native", "conll": "iob", "doccano-relations": "doccano"}
# What a report line names when the format leaves a thing out (a marker in the line).
LEFT_OUT = {
    "fragments": ("multi-part spans",),
    "actors": ("actor links",),
    "actor details": ("actor links", "registry actors' aliases, kind and attributes"),
    "span values": ("attribute values of spans",),
    "link values": (
        "attribute values of relations",
        "attribute values of spans and relations",
        "relations (",
    ),
    "document values": ("documents' own attribute values",),
    "cue links": ("relations (", "relations whose"),
}


def things(store: Store, project_id: int) -> dict[str, Any]:
    """What the project holds of each kind, comparable across projects (texts, not ids)."""
    with store.session() as s:
        docs = select(Document.id).where(Document.project_id == project_id)
        ours = Annotation.document_id.in_(docs)
        links = (
            select(RelationType.name, Relation.attributes)
            .join(RelationType, RelationType.id == Relation.type_id)
            .where(Relation.document_id.in_(docs))
        )
        return {
            "fragments": sorted(
                (t, [list(p) for p in f])
                for t, f in s.execute(select(Annotation.text, Annotation.fragments).where(ours)).all()
                if f
            ),
            "actors": sorted(
                s.execute(
                    select(Annotation.text, RegistryActor.name, RegistryActor.external_id)
                    .join(RegistryActor, RegistryActor.id == Annotation.actor_id)
                    .where(ours)
                ).all()
            ),
            "actor details": sorted(
                {
                    repr(row): (row[0], list(row[1] or []), row[2], sorted((row[3] or {}).items()))
                    for row in s.execute(
                        select(
                            RegistryActor.name,
                            RegistryActor.aliases,
                            RegistryActor.kind,
                            RegistryActor.attributes,
                        )
                        .join(Annotation, RegistryActor.id == Annotation.actor_id)
                        .where(ours)
                    ).all()
                    if row[1] or row[2] or row[3]
                }.values()
            ),
            "span values": sorted(
                (t, sorted(v.items()))
                for t, v in s.execute(select(Annotation.text, Annotation.attributes).where(ours)).all()
                if v
            ),
            "link values": sorted(sorted(v.items()) for _n, v in s.execute(links).all() if v),
            "document values": [
                v
                for v in s.scalars(
                    select(DocumentAttribute.attributes).where(DocumentAttribute.document_id.in_(docs))
                )
            ],
            "cue links": sum(n == "cue" for n, _v in s.execute(links).all()),
        }


@pytest.mark.parametrize("fmt", FORMATS)
def test_each_thing_comes_back_or_is_reported(
    store: Store, project: Project, tmp_path: Path, fmt: str
) -> None:
    fill(store, project, tmp_path)
    before = things(store, project.id)
    assert all(before.values()), before  # the project holds one of each
    out = tmp_path / f"out{EXTENSIONS.get(fmt, '')}"
    with store.session() as s:
        left_out = export(s, project.id, fmt, out).left_out
    with store.transaction() as tx:
        other = create_project(tx, "Other")
        if READ_AS.get(fmt, fmt) == "native":  # native JSONL refuses values of a codebook it lacks
            apply_codebook(tx, other.id, export_codebook(tx.session, project.id))
    import_paths(store, other.id, [out], fmt=READ_AS.get(fmt, fmt), annotator="bob", create_labels=True)
    after = things(store, other.id)
    for thing, held in before.items():
        reported = [line for line in left_out if any(marker in line for marker in LEFT_OUT[thing])]
        assert after[thing] == held or reported, f"{fmt}: {thing} neither came back nor was reported"


def test_parts_survive_cutting_into_sentences(store: Store, project: Project, tmp_path: Path) -> None:
    """``--sentences`` rebuilds the spans: a multi-part span keeps its parts, moved with it."""
    import spacy
    from spacy.tokens import DocBin

    from annotator.export import ExportOptions

    fill(store, project, tmp_path)  # the quote at 31–51 gained a part at 0–5
    out = tmp_path / "out.spacy"
    with store.session() as s:
        export(s, project.id, "spacy", out, options=ExportOptions(sentences=True))
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    parts = [
        [list(p) for p in x["fragments"]]
        for d in docs
        for x in d.user_data["annotator"]["spans"]
        if "fragments" in x
    ]
    assert parts == [[[0, 5], [31, 51]]]  # the first sentence starts at 0


def test_w3c_fragments_that_are_not_pairs_name_file_and_line(tmp_path: Path) -> None:
    from annotator.errors import InputError
    from annotator.formats import w3c

    anno = {
        "@context": "http://www.w3.org/ns/anno.jsonld",
        "id": "a1",
        "type": "Annotation",
        "body": {"type": "TextualBody", "purpose": "tagging", "value": "QUOTE"},
        "target": {"selector": {"type": "TextPositionSelector", "start": 0, "end": 3}},
        "annotator:fragments": [[0, 1], "2-3"],
    }
    path = tmp_path / "one.jsonld"
    path.write_text(json.dumps(anno, indent=1), encoding="utf-8")
    path.with_suffix(".txt").write_text("Ana said no.", encoding="utf-8")
    with pytest.raises(InputError, match=r"one.jsonld:\d+: annotation 'a1': fragments must be"):
        list(w3c.read(path))

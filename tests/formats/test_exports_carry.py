"""Exports carry codebook values and registry actors where the format can: spaCy ``kb_id_`` and
span extension data, Label Studio per-region choices, W3C classifying and identifying bodies;
and the default schema has the CUE label and the cue link of Source–Cue–Content triples."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.demo import create_demo
from annotator.export import ExportOptions, export
from annotator.formats import w3c
from annotator.importing import import_paths
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Document, Label, Project, RelationType
from annotator.ops.projects import create_project
from annotator.store import Store
from tests.formats.test_brat_events import ANN, TEXT, _folder

# A second document: an actor named twice without an external id, a CLAIM attribution.
OTHER = "The union said wages must rise. The union repeated it.\n"
OTHER_ANN = (
    "T1\tACTOR 0 9\tThe union\n"
    "T2\tCUE 10 14\tsaid\n"
    "T3\tCLAIM 15 30\twages must rise\n"
    "T4\tACTOR 32 41\tThe union\n"
    "T5\tAttribution 10 14\tsaid\n"
    "E1\tAttribution:T5 Content:T3 Cue:T2 Source:T1\n"
    "*\tEquiv T1 T4\n"
)


@pytest.fixture
def filled(store: Store, project: Project, tmp_path: Path) -> Project:
    folder = _folder(tmp_path, ANN)
    _folder(tmp_path, OTHER_ANN, OTHER, name="other")
    import_paths(store, project.id, [folder], fmt="brat", annotator="alice")
    return project


def _export(store: Store, project: Project, fmt: str, out: Path) -> dict[str, int]:
    with store.session() as s:
        return export(s, project.id, fmt, out).left_out


def test_default_schema_has_cue_label_and_cue_link(store: Store, filled: Project) -> None:
    with store.session() as s:
        labels = set(s.scalars(select(Label.name).where(Label.project_id == filled.id)))
        cue = s.scalar(
            select(RelationType).where(RelationType.project_id == filled.id, RelationType.name == "cue")
        )
        assert {"CLAIM", "QUOTE", "ACTOR", "CUE"} <= labels
        assert cue is not None and cue.from_label_id is None  # QUOTE or CLAIM --cue--> CUE
        assert s.get(Label, cue.to_label_id).name == "CUE"  # type: ignore[union-attr]


def test_demo_project_has_cues(store: Store) -> None:
    project, _result = create_demo(store)
    with store.session() as s:
        assert "CUE" in set(s.scalars(select(Label.name).where(Label.project_id == project.id)))
        assert "cue" in set(s.scalars(select(RelationType.name).where(RelationType.project_id == project.id)))


def test_claim_attribution_imports_as_claimant_and_cue(store: Store, filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "w3c.jsonld"
    _export(store, filled, "w3c", out)
    (record,) = [r for r in w3c.read(out) if r.text == OTHER]
    claim = next(s.key for s in record.spans if s.label == "CLAIM")
    assert sorted(r.type for r in record.relations if r.source == claim) == ["claimant", "cue"]


def test_spacy_kb_id_and_span_extension_attributes(store: Store, filled: Project, tmp_path: Path) -> None:
    import spacy
    from spacy.tokens import DocBin, Span

    out = tmp_path / "out.spacy"
    _export(store, filled, "spacy", out)
    nlp = spacy.blank("en")
    docs = {d.text: d for d in DocBin().from_disk(out).get_docs(nlp.vocab)}
    if not Span.has_extension("attributes"):
        Span.set_extension("attributes", default=None)
    first = {sp.text: sp for sp in docs[TEXT].spans["sc"]}
    assert first["Mayor Ana Ruiz"].kb_id_ == "Q7000001" and first["She"].kb_id_ == "Q7000001"
    assert first['"will reopen in May"']._.attributes == {"type": "direct"}
    assert first["Mayor Ana Ruiz"]._.attributes == {"named": True}
    union = [sp for sp in docs[OTHER].spans["sc"] if sp.label_ == "ACTOR"]
    assert len({sp.kb_id_ for sp in union}) == 1 and union[0].kb_id_.startswith("actor:")
    data = docs[TEXT].user_data["annotator"]["spans"]
    assert data[0]["actor"]["name"] == "Ana Ruiz" and data[2]["attributes"] == {"type": "direct"}


def test_label_studio_per_region_choices(store: Store, filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "tasks.json"
    left = _export(store, filled, "labelstudio", out)
    tasks = json.loads(out.read_text(encoding="utf-8"))
    result = next(t for t in tasks if t["data"]["text"] == TEXT)["annotations"][0]["result"]
    regions = {r["value"]["text"]: r["id"] for r in result if r["type"] == "labels"}
    choices = [r for r in result if r["type"] == "choices"]
    quote = next(r for r in choices if r["id"] == regions['"will reopen in May"'])
    assert quote["from_name"] == "type" and quote["to_name"] == "text"
    assert quote["value"]["choices"] == ["direct"] and quote["value"]["start"] == 31
    named = next(r for r in choices if r["id"] == regions["Mayor Ana Ruiz"])
    assert (named["from_name"], named["value"]["choices"]) == ("named", ["yes"])
    config = (tmp_path / "tasks.label_config.xml").read_text(encoding="utf-8")
    assert '<Choices name="type" toName="text" perRegion="true"' in config
    assert '<Choice value="direct"/>' in config and '<Choice value="mixed"/>' in config
    assert left["actor links of spans (Label Studio has no place for them)"] == 4


def test_w3c_bodies_carry_values_and_actor(store: Store, filled: Project, tmp_path: Path) -> None:
    out = tmp_path / "w3c.jsonld"
    _export(store, filled, "w3c", out)
    items = json.loads(out.read_text(encoding="utf-8"))["first"]["items"]
    by_text = {i["target"]["selector"][0]["exact"]: i for i in items if i["motivation"] == "tagging"}
    quote = by_text['"will reopen in May"']["body"]
    assert {"type": "TextualBody", "purpose": "classifying", "value": "direct"}.items() <= quote[1].items()
    assert quote[1]["annotator:attribute"] == "type"
    actor = by_text["Mayor Ana Ruiz"]["body"][-1]
    assert actor["type"] == "SpecificResource" and actor["purpose"] == "identifying"
    assert (
        actor["source"] == "http://www.wikidata.org/entity/Q7000001" and actor["annotator:name"] == "Ana Ruiz"
    )
    (record,) = [r for r in w3c.read(out) if r.text == TEXT]
    spans = {s.text or record.text[s.start : s.end]: s for s in record.spans}
    assert spans['"will reopen in May"'].attributes == {"type": "direct"}
    ruiz = spans["Mayor Ana Ruiz"].actor
    assert ruiz is not None and (ruiz.external_id, ruiz.name) == ("Q7000001", "Ana Ruiz")


def test_chosen_labels_and_sentences_keep_values_and_actors(
    store: Store, filled: Project, tmp_path: Path
) -> None:
    """Choosing labels or cutting sentences rebuilds the records: values and actors ride along."""
    import spacy
    from spacy.tokens import DocBin

    out = tmp_path / "out.spacy"
    options = ExportOptions(labels=["ACTOR", "QUOTE"], sentences=True)
    with store.session() as s:
        export(s, filled.id, "spacy", out, options=options)
    docs = list(DocBin().from_disk(out).get_docs(spacy.blank("en").vocab))
    kb_ids = {sp.text: sp.kb_id_ for d in docs for sp in d.spans["sc"]}
    assert kb_ids["She"] == "Q7000001"
    values = [x.get("attributes") for d in docs for x in d.user_data["annotator"]["spans"]]
    assert {"type": "direct"} in values and {"type": "mixed"} in values


@pytest.mark.parametrize(("fmt", "name"), [("doccano", "doccano"), ("prodigy", "Prodigy"), ("iob", "IOB")])
def test_formats_without_a_place_report_values_and_actors(
    store: Store, filled: Project, tmp_path: Path, fmt: str, name: str
) -> None:
    left = _export(store, filled, fmt, tmp_path / f"out.{fmt}")
    assert left[f"attribute values of spans and relations ({name} has no place for them)"] == 3
    assert left[f"actor links of spans ({name} has no place for them)"] == 4


@pytest.mark.parametrize(("fmt", "name"), [("w3c", "out.jsonld"), ("spacy", "out.spacy")])
def test_values_and_actors_come_back_into_another_project(
    store: Store, filled: Project, tmp_path: Path, fmt: str, name: str
) -> None:
    out = tmp_path / name
    _export(store, filled, fmt, out)
    with store.transaction() as tx:
        other = create_project(tx, "Other")
    summary = import_paths(store, other.id, [out], fmt=fmt, annotator="bob").summary()
    assert "QUOTE.type (choice: direct, mixed)" in summary and "ACTOR.named (bool)" in summary
    with store.session() as s:
        actors = {
            a.name: a for a in s.scalars(select(RegistryActor).where(RegistryActor.project_id == other.id))
        }
        assert set(actors) == {"Ana Ruiz", "The union"} and actors["Ana Ruiz"].external_id == "Q7000001"
        in_other = select(Document.id).where(Document.project_id == other.id)
        linked = s.execute(
            select(Annotation.text, Annotation.actor_id).where(
                Annotation.document_id.in_(in_other), Annotation.actor_id.is_not(None)
            )
        ).all()
        assert sorted(linked) == sorted(
            [
                ("Mayor Ana Ruiz", actors["Ana Ruiz"].id),
                ("She", actors["Ana Ruiz"].id),
                ("The union", actors["The union"].id),
                ("The union", actors["The union"].id),
            ]
        )
        values = dict(
            s.execute(
                select(Annotation.text, Annotation.attributes).where(
                    Annotation.document_id.in_(in_other), Annotation.attributes.is_not(None)
                )
            ).all()
        )
        assert values == {'"will reopen in May"': {"type": "direct"}, '"costs rose"': {"type": "mixed"}} | {
            "Mayor Ana Ruiz": {"named": True}
        }


def test_import_creates_cue_as_the_default_schema_defines_it(
    store: Store, project: Project, tmp_path: Path
) -> None:
    """A project made before the CUE label existed: an import with cues and --create-labels makes
    the ``cue`` link QUOTE/CLAIM → CUE (as new projects have it), not any → any."""
    from annotator.ops.labels import get_label, get_relation_type, remove_label, remove_relation_type

    with store.transaction() as tx:
        remove_relation_type(tx, get_relation_type(tx, project.id, "cue"))
        remove_label(tx, get_label(tx, project.id, "CUE"))
    import_paths(
        store, project.id, [_folder(tmp_path, ANN)], fmt="brat", annotator="alice", create_labels=True
    )
    with store.session() as s:
        cue = s.scalar(
            select(RelationType).where(RelationType.project_id == project.id, RelationType.name == "cue")
        )
        assert cue is not None and cue.from_label_id is None and cue.to_label_id is not None
        assert s.get(Label, cue.to_label_id).name == "CUE"  # type: ignore[union-attr]
        assert "attributes" in cue.description

"""brat attribution events, attributes, normalisations and equivalences: read into speaker and
cue links, codebook values and registry actors, and written back exactly."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from sqlalchemy import select, update

from annotator.errors import InputError
from annotator.export import export
from annotator.formats import brat, brat_extras
from annotator.formats.peerkit import ReadReport
from annotator.importing import import_paths
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, AttributeDef, Project, Relation
from annotator.store import Store

# Real peer files kept outside the repository (see /work/shared/formats/SOURCES.md): brat's own tutorial.
SHARED = Path("/work/shared/formats/brat/nlplab_tutorial_news")
TEXT = 'Mayor Ana Ruiz said the bridge "will reopen in May". She added that "costs rose".\n'
# The writer's own order: spans, then each attribution's trigger and event, then A, N and * lines.
ANN = (
    "T1\tACTOR 0 14\tMayor Ana Ruiz\n"
    "T2\tCUE 15 19\tsaid\n"
    'T3\tQUOTE 31 51\t"will reopen in May"\n'
    "T4\tACTOR 53 56\tShe\n"
    "T5\tCUE 57 62\tadded\n"
    'T6\tQUOTE 68 80\t"costs rose"\n'
    "T7\tAttribution 15 19\tsaid\n"
    "E1\tAttribution:T7 Content:T3 Cue:T2 Source:T1\n"
    "T8\tAttribution 57 62\tadded\n"
    "E2\tAttribution:T8 Content:T6 Cue:T5 Source:T4\n"
    "A1\tnamed T1\n"
    "A2\ttype T3 direct\n"
    "A3\ttype T6 mixed\n"
    "N1\tReference T1 Wikidata:Q7000001\tAna Ruiz\n"
    "*\tEquiv T1 T4\n"
)


def _folder(tmp_path: Path, ann: str, text: str = TEXT, name: str = "doc") -> Path:
    folder = tmp_path / "in"
    folder.mkdir(parents=True, exist_ok=True)
    (folder / f"{name}.txt").write_text(text, encoding="utf-8", newline="")
    (folder / f"{name}.ann").write_text(ann, encoding="utf-8", newline="")
    return folder


def test_events_become_speaker_and_cue_links(tmp_path: Path) -> None:
    report = ReadReport(tmp_path)
    (record,) = brat.read(_folder(tmp_path, ANN), annotator="alice", report=report)
    assert [(s.key, s.label) for s in record.spans] == [
        ("T1", "ACTOR"),
        ("T2", "CUE"),
        ("T3", "QUOTE"),
        ("T4", "ACTOR"),
        ("T5", "CUE"),
        ("T6", "QUOTE"),
    ]  # the triggers T7, T8 cover their cues: brat's anchors, not spans of their own
    assert sorted((r.source, r.target, r.type) for r in record.relations) == [
        ("T3", "T1", "speaker"),
        ("T3", "T2", "cue"),
        ("T6", "T4", "speaker"),
        ("T6", "T5", "cue"),
    ]
    spans = {s.key: s for s in record.spans}
    assert spans["T1"].attributes == {"named": True} and spans["T3"].attributes == {"type": "direct"}
    assert record.new_attributes == {"ACTOR": {"named": [True]}, "QUOTE": {"type": ["direct", "mixed"]}}
    assert spans["T1"].actor is not None and spans["T1"].actor.external_id == "Q7000001"
    assert spans["T4"].actor is not None and spans["T4"].actor.group == spans["T1"].actor.group
    assert report.skipped == {}


def test_parc_style_roles_and_trigger_as_cue(tmp_path: Path) -> None:
    """Lower-case role labels (as PARC conversions write them) take the project's labels; an
    event without a Cue role has its trigger as the cue."""
    ann = (
        "T1\tsource 0 14\tMayor Ana Ruiz\n"
        'T2\tcontent 31 51\t"will reopen in May"\n'
        "T3\tAttribution 15 19\tsaid\n"
        "E1\tAttribution:T3 Message:T2 Speaker-Arg:T1\n"
    )
    report = ReadReport(tmp_path)
    (record,) = brat.read(_folder(tmp_path, ann), annotator="a", report=report)
    assert sorted((s.key, s.label) for s in record.spans) == [("T1", "ACTOR"), ("T2", "QUOTE"), ("T3", "CUE")]
    assert sorted((r.source, r.target, r.type) for r in record.relations) == [
        ("T2", "T1", "speaker"),
        ("T2", "T3", "cue"),
    ]


@pytest.mark.skipif(not SHARED.is_dir(), reason="brat's tutorial files are not on this machine")
def test_other_events_stay_skipped_on_a_real_brat_file() -> None:
    """brat's own tutorial (ACE events, attributes, a normalisation): the events are skipped as
    before, the entity attributes and the normalisation are read."""
    report = ReadReport(SHARED)
    (record,) = brat.read(SHARED / "000-introduction.ann", annotator="a", report=report)
    assert report.skipped["brat events (E lines) other than attributions"] == 1
    person = {s.key: s for s in record.spans}
    assert person["T4"].attributes == {"Mention": "Name", "Individual": True}
    assert person["T5"].actor is not None and person["T5"].actor.external_id == "Wikipedia:64488"
    assert person["T5"].actor.name == "Carlos Salinas de Gortari"


@pytest.mark.parametrize(
    ("extra", "line", "reason"),
    [
        ("E9\tAttribution:T9 Content:T3\n", 16, "'T9', which is not defined"),
        ("A9\ttype T3 direct extra\n", 16, "expected 'NAME ID [VALUE]'"),
        ("A9\ttype T3 indirect\n", 16, "attribute 'type' twice"),
        ("N9\tReference T3\tx\n", 16, "expected 'TYPE ID DB:ID"),
        ("*\tEquiv T1\n", 16, "expected 'TYPE ID ID...'"),
        ("N9\tReference T3 Wiki:" + "9" * 200 + "\tx\n", 16, "at most 200 characters"),
        ("E9\tAttribution:T7 Content:E1 Cue:T2\n", 16, "must be text spans"),
    ],
)
def test_bad_lines_name_file_and_line(tmp_path: Path, extra: str, line: int, reason: str) -> None:
    folder = _folder(tmp_path, ANN + extra)
    with pytest.raises(InputError, match=re.escape(reason)) as caught:
        list(brat.read(folder, annotator="a"))
    assert caught.value.line == line and str(caught.value.path).endswith("doc.ann")


def _import(store: Store, project: Project, folder: Path) -> str:
    result = import_paths(store, project.id, [folder], fmt="brat", annotator="alice")
    return result.summary()


def test_import_links_actors_creates_attributes_and_round_trips(
    store: Store, project: Project, tmp_path: Path
) -> None:
    summary = _import(store, project, _folder(tmp_path, ANN))
    assert "2 attribute(s) the codebook lacked, added" in summary
    assert "QUOTE.type (choice: direct, mixed)" in summary and "ACTOR.named (bool)" in summary
    assert "1 actor(s) added to the registry" in summary and "Ana Ruiz (Q7000001)" in summary
    with store.session() as s:
        (actor,) = s.scalars(select(RegistryActor).where(RegistryActor.project_id == project.id))
        assert (actor.name, actor.external_id) == ("Ana Ruiz", "Q7000001")
        linked = s.execute(select(Annotation.text).where(Annotation.actor_id == actor.id)).scalars()
        assert sorted(linked) == ["Mayor Ana Ruiz", "She"]
        kinds = {a.name: (a.kind, a.choices) for a in s.scalars(select(AttributeDef))}
        assert kinds == {"named": ("bool", []), "type": ("choice", ["direct", "mixed"])}
        out = tmp_path / "out"
        report = export(s, project.id, "brat", out)
    (ann,) = out.glob("*.ann")
    assert ann.read_text(encoding="utf-8") == ANN
    assert ann.with_suffix(".txt").read_text(encoding="utf-8") == TEXT
    conf = (out / "annotation.conf").read_text(encoding="utf-8")
    assert "Attribution\tContent:<ENTITY>, Cue:<ENTITY>, Source?:<ENTITY>" in conf
    assert "type\tArg:<ENTITY>, Value:direct|mixed" in conf
    assert not any("actor" in reason or "attribute" in reason for reason in report.left_out)
    with store.transaction() as tx:  # a value on a relation: brat has no place for it, and says so
        tx.session.execute(update(Relation).values(attributes={"certain": True}))
    with store.session() as s:
        left = export(s, project.id, "brat", tmp_path / "again").left_out
    assert left[brat_extras.RELATION_VALUES] == 4
    # Importing the same file again finds the actor by its external id: no second one.
    assert "actor(s) added" not in _import(store, project, _folder(tmp_path, ANN))


def test_equivalence_without_external_id_makes_one_actor_from_first_mention(
    store: Store, project: Project, tmp_path: Path
) -> None:
    ann = "T1\tACTOR 0 14\tMayor Ana Ruiz\nT2\tACTOR 53 56\tShe\n*\tEquiv T1 T2\n"
    _import(store, project, _folder(tmp_path, ann))
    with store.session() as s:
        (actor,) = s.scalars(select(RegistryActor).where(RegistryActor.project_id == project.id))
        assert actor.name == "Mayor Ana Ruiz" and actor.external_id is None
        ids = s.scalars(select(Annotation.actor_id).where(Annotation.document_id.is_not(None)))
        assert set(ids) == {actor.id}


def test_a_value_outside_an_existing_choice_fails_and_writes_nothing(
    store: Store, project: Project, tmp_path: Path
) -> None:
    _import(store, project, _folder(tmp_path, ANN))
    other = TEXT.replace("Ana", "Eva")
    bad = ANN.replace("Ana Ruiz", "Eva Ruiz").replace("type T6 mixed", "type T6 paraphrase")
    with pytest.raises(InputError, match="paraphrase") as caught:
        _import(store, project, _folder(tmp_path / "b", bad, other))
    # The error names the .ann file and the A line that held the value, not the .txt.
    assert str(caught.value.path).endswith("doc.ann") and caught.value.line == 13
    assert str(caught.value.reason).startswith("A3: QUOTE.type: 'paraphrase' is not one of")
    with store.session() as s:
        assert s.scalar(select(AttributeDef.choices).where(AttributeDef.name == "type")) == [
            "direct",
            "mixed",
        ]
        assert len(list(s.scalars(select(RegistryActor)))) == 1


def test_export_keeps_the_imported_file_names_unique_per_folder(
    store: Store, project: Project, tmp_path: Path
) -> None:
    """A brat folder's ``a1.txt``/``a1.ann`` is written back as ``a1``, not ``doc<id>``; a second
    document imported from another ``a1.txt`` gets ``a1_``."""
    import_paths(store, project.id, [_folder(tmp_path / "x", ANN, name="a1")], fmt="brat", annotator="alice")
    other = TEXT.replace("Ana", "Eva")
    second = _folder(tmp_path / "y", ANN.replace("Ana Ruiz", "Eva Ruiz"), other, name="A1")
    import_paths(store, project.id, [second], fmt="brat", annotator="alice")
    out = tmp_path / "out"
    with store.session() as s:
        export(s, project.id, "brat", out)
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == [
        "A1_.ann",
        "A1_.txt",
        "a1.ann",
        "a1.txt",
        "annotation.conf",
    ]
    assert (out / "a1.ann").read_text(encoding="utf-8") == ANN


def test_a_cue_role_on_a_span_of_another_label_names_the_labels_and_where(
    store: Store, project: Project, tmp_path: Path
) -> None:
    """A PolNeAR file has a Cue role on a span labelled "Discuss": the cue link cannot join a
    QUOTE to it, and the error says which labels the link joins and which the spans have, where."""
    odd = ANN.replace("T5\tCUE 57 62\tadded", "T5\tDiscuss 57 62\tadded")
    with pytest.raises(InputError) as caught:
        import_paths(
            store, project.id, [_folder(tmp_path, odd)], fmt="brat", annotator="alice", create_labels=True
        )
    assert "relation type 'cue' does not fit the labels of its spans: it runs from any label to CUE" in str(
        caught.value.reason
    )
    assert "not from QUOTE (68–80) to Discuss (57–62)" in str(caught.value.reason)
    with store.session() as s:
        assert s.scalar(select(Annotation.id).limit(1)) is None  # nothing written

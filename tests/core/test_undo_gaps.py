"""The writes issue 13 found outside the undo log are undo steps now (core): project settings, the
guidelines and descriptions, a codebook import, a merge, a suggestion run. Each: the operation,
then undo restores the exact rows there were before, and redo puts the operation's rows back."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import Table, select

from annotator import undo as undo_log
from annotator.attributes import define_attribute, describe_attribute, get_attribute
from annotator.codebook import export_codebook, import_codebook
from annotator.errors import ConflictError
from annotator.model import Base, Project
from annotator.ops.annotations import create_span
from annotator.ops.labels import describe
from annotator.records import DocRecord, SpanRecord
from annotator.review.merge import merge
from annotator.settings_project import all_settings, get_guidelines, set_guidelines, set_setting
from annotator.store import Actor, Store, open_store
from annotator.suggest import engines
from annotator.suggest.decide import accept
from annotator.undo import schema_step
from tests.cli_forms import run
from tests.core.helpers import add_doc, annotator_id, label_id

TEXT = '"The bridge opens in May," Mayor Ana Ruiz said on Monday. Critics disagree.'
OTHER = '"Taxes stay," the minister said. Nobody believed it.'
TABLES = (
    "project_setting",
    "label",
    "relation_type",
    "attribute",
    "document",
    "deleted_document",
    "annotation",
    "relation",
    "comment",
    "suggestion",
    "relation_suggestion",
    "suggestion_decision",
)
MOVING = {"version", "updated_at"}  # bookkeeping that only moves forward (see annotator.undo.rows)


def state(store: Store) -> dict[str, list[dict[str, Any]]]:
    """Every row of the tables these operations write, by id."""
    out = {}
    with store.session() as s:
        for name in TABLES:
            table: Table = Base.metadata.tables[name]
            rows = s.execute(select(table).order_by(table.c.id)).mappings()
            out[name] = [{k: v for k, v in row.items() if k not in MOVING} for row in rows]
    return out


def ana(store: Store, project: Project) -> Actor:
    return Actor("alice", annotator_id(store, project.id, "alice"))


def move(store: Store, who: Actor, steps: int = 1, *, undo: bool = True) -> dict[str, Any]:
    """Undo (or redo) ``who``'s last ``steps`` steps, each in its own transaction; the rows then."""
    for _ in range(steps):
        with store.transaction(actor=who) as tx:
            (undo_log.undo if undo else undo_log.redo)(tx)
    return state(store)


def undo_redo(store: Store, who: Actor, before: dict[str, Any], after: dict[str, Any]) -> None:
    """Undo gives back ``before`` exactly; redo gives back ``after``."""
    assert before != after, "the operation changed nothing"
    assert move(store, who) == before
    assert move(store, who, undo=False) == after


def test_a_project_setting_is_undone_and_redone(store: Store, project: Project) -> None:
    who = ana(store, project)
    before = state(store)
    with store.transaction(actor=who) as tx, schema_step(tx, "Set speech-verbs", project.id):
        set_setting(tx, project.id, "speech-verbs", "quipped,fumed")
        set_setting(tx, project.id, "quote-marks", "exclude")
    after = state(store)
    with store.session() as s:
        assert all_settings(s, project.id)["speech-verbs"] == ("quipped", "fumed")
    undo_redo(store, who, before, after)
    with store.transaction(actor=who) as tx, schema_step(tx, "Set according-to", project.id):
        set_setting(tx, project.id, "speech-verbs", "snapped")  # an existing row changes
    undo_redo(store, who, after, state(store))


def test_guidelines_and_descriptions_are_undone_and_redone(store: Store, project: Project) -> None:
    who = ana(store, project)
    with store.transaction(actor=who) as tx:
        define_attribute(tx, project.id, "QUOTE", "type", "choice", ["direct", "indirect"])
    before = state(store)
    with store.transaction(actor=who) as tx, schema_step(tx, "Guidelines", project.id):
        set_guidelines(tx, project.id, "# How we label\n\nQuotes include their marks.\n")
    with store.transaction(actor=who) as tx, schema_step(tx, "Describe", project.id):
        describe(tx, project.id, "QUOTE", "Words someone said, as printed.")
        describe(tx, project.id, "speaker", "Who said it.", relation=True)
        describe_attribute(
            tx, get_attribute(tx.session, project.id, "QUOTE", "type").id, "How it is reported"
        )
    after = state(store)
    assert move(store, who, 2) == before
    with store.session() as s:
        assert get_guidelines(s, project.id) == ""
    assert move(store, who, 2, undo=False) == after


def test_a_codebook_import_is_undone_and_redone(store: Store, project: Project, tmp_path: Path) -> None:
    who = ana(store, project)
    with store.session() as s:
        data = export_codebook(s, project.id)
    data["labels"][0]["description"] = "Changed by the codebook"
    data["labels"].append(
        {
            "name": "PLACE",
            "color": "#CC79A7",
            "hotkey": "p",
            "description": "A named place",
            "attributes": [{"name": "kind", "type": "text", "values": [], "description": ""}],
        }
    )
    path = tmp_path / "codebook.json"
    path.write_text(json.dumps(data), encoding="utf-8")
    before = state(store)
    with store.transaction(actor=who) as tx, schema_step(tx, "Import codebook", project.id):
        assert import_codebook(tx, project.id, path).changes
    undo_redo(store, who, before, state(store))


def _merged_project(store: Store, project: Project) -> tuple[int, list[DocRecord]]:
    """alice labelled the document here; a newer export of hers moves a span, adds a document and
    carol's span (carol is not in the project yet)."""
    doc = add_doc(store, project.id, TEXT)
    actor, quote = label_id(store, project.id, "ACTOR"), label_id(store, project.id, "QUOTE")
    with store.transaction(actor=ana(store, project)) as tx:
        create_span(tx, doc, 33, 41, actor, annotator_id(store, project.id, "alice"))
        create_span(tx, doc, 0, 25, quote, annotator_id(store, project.id, "alice"))
    source = [
        DocRecord(
            text=TEXT,
            as_of="2999-01-01T00:00:00",
            spans=[
                SpanRecord(27, 41, "ACTOR", "alice"),
                SpanRecord(0, 25, "QUOTE", "alice"),
                SpanRecord(59, 66, "ACTOR", "carol"),
            ],
        ),
        DocRecord(text=OTHER, title="Other", spans=[SpanRecord(0, 13, "QUOTE", "carol")]),
    ]
    return doc, source


def test_a_merge_is_undone_and_redone(store: Store, project: Project) -> None:
    _doc, source = _merged_project(store, project)
    before = state(store)
    summary = merge(store, project.id, source, by="alice")
    assert summary.documents_added == 1 and summary.spans_removed == 1 and summary.step is not None
    after = state(store)
    carol = annotator_id(store, project.id, "carol")  # the merge made her
    assert any(s["annotator_id"] == carol for s in after["annotation"])
    undo_redo(store, ana(store, project), before, after)  # carol stays an annotator, without labels
    assert merge(store, project.id, source, by="alice").step is None  # merged twice: nothing to undo


def test_merge_undo_refuses_when_someone_labelled_a_merged_document(store: Store, project: Project) -> None:
    _doc, source = _merged_project(store, project)
    merge(store, project.id, source, by="alice")
    docs = [d["id"] for d in state(store)["document"]]
    bob = Actor("bob", annotator_id(store, project.id, "bob"))
    with store.transaction(actor=bob) as tx:
        create_span(
            tx, max(docs), 0, 5, label_id(store, project.id, "ACTOR"), annotator_id(store, project.id, "bob")
        )
    now = state(store)
    alice = ana(store, project)
    with (
        pytest.raises(ConflictError, match="was added to merged document"),
        store.transaction(actor=alice) as tx,
    ):
        undo_log.undo(tx)
    assert state(store) == now


def _run(store: Store, project: Project, who: Actor, docs: list[int]) -> list[int]:
    steps: list[int] = []
    engine = engines.rules_engine(store, project.id)
    engines.run(store, project.id, engine, docs, annotator_id=who.id, steps=steps)
    return steps


def test_a_suggestion_run_is_undone_and_redone(store: Store, project: Project) -> None:
    who = ana(store, project)
    docs = [add_doc(store, project.id, TEXT), add_doc(store, project.id, OTHER)]
    first = state(store)
    assert _run(store, project, who, docs)
    ran = state(store)
    assert ran["suggestion"] and ran["relation_suggestion"]
    assert _run(store, project, who, docs)  # a new run replaces the undecided ones (new ids)
    again = state(store)
    assert {s["id"] for s in again["suggestion"]}.isdisjoint({s["id"] for s in ran["suggestion"]})
    undo_redo(store, who, ran, again)  # undo puts the first run's suggestions back, same ids
    assert move(store, who, 2) == first
    assert move(store, who, undo=False) == ran


def test_undoing_a_run_refuses_to_drop_a_decision_made_since(store: Store, project: Project) -> None:
    who = ana(store, project)
    bob = Actor("bob", annotator_id(store, project.id, "bob"))
    doc = add_doc(store, project.id, TEXT)
    _run(store, project, who, [doc])
    suggestion = state(store)["suggestion"][0]["id"]
    with store.transaction(actor=bob) as tx:
        accept(tx, project.id, [suggestion], [], annotator_id(store, project.id, "bob"))
    now = state(store)
    refused = f"suggestion {suggestion} was accepted since by bob"
    with pytest.raises(ConflictError, match=refused), store.transaction(actor=who) as tx:
        undo_log.undo(tx)
    assert state(store) == now


# --- the same through the command line (each form in a real process once: tests.cli_forms) ----------------------------------------


def _cli_project(tmp_path: Path) -> tuple[str, Store]:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert run("--db", url, "init").returncode == 0
    store = open_store(url)
    add_doc(store, 1, TEXT)
    return url, store


def ok(url: str, *args: str) -> str:
    done = run("--db", url, *args)
    assert done.returncode == 0, done.stderr
    return done.stdout


def test_each_write_command_is_undone_by_annotator_undo(tmp_path: Path) -> None:
    url, store = _cli_project(tmp_path)
    try:
        ok(url, "annotate", "1", "33", "41", "ACTOR", "--annotator", "ana")
        notes = tmp_path / "guidelines.md"
        notes.write_text("# Our rules\n", encoding="utf-8")
        codebook = tmp_path / "codebook.json"
        ok(url, "codebook", "export", "-o", str(codebook))
        data = json.loads(codebook.read_text(encoding="utf-8"))
        data["labels"].append(
            {"name": "PLACE", "color": "#CC79A7", "hotkey": "p", "description": "", "attributes": []}
        )
        codebook.write_text(json.dumps(data), encoding="utf-8")
        source = tmp_path / "teammate.jsonl"
        line = {
            "text": OTHER,
            "spans": [{"id": 1, "start": 0, "end": 13, "label": "QUOTE", "annotator": "carol"}],
        }
        source.write_text(json.dumps(line) + "\n", encoding="utf-8")
        commands = [
            ("settings", "set", "speech-verbs", "quipped,fumed"),
            ("guidelines", "set", str(notes)),
            ("guidelines", "describe", "QUOTE", "--text", "Words someone said."),
            ("codebook", "import", str(codebook)),
            ("attributes", "add", "QUOTE", "kind", "--type", "text"),
            ("attributes", "describe", "QUOTE", "kind", "--description", "How it is reported"),
            ("merge", str(source), "--by", "ana"),
            ("suggest", "--rules", "--all"),
        ]
        states = [state(store)]
        for command in commands:
            by = [] if command[0] == "merge" else ["--annotator", "ana"]
            ok(url, *command, *by)
            states.append(state(store))
            assert states[-1] != states[-2], command
        for command, before in zip(reversed(commands), reversed(states[:-1]), strict=True):
            out = ok(url, "undo", "--annotator", "ana")
            assert state(store) == before, (command, out)
        assert "redid 'Set speech-verbs'" in ok(url, "redo", "--annotator", "ana")
        assert state(store) == states[1]
    finally:
        store.close()

"""An alias that is another actor's canonical name is refused like a name clash, naming both
actors (``actors add``/``edit`` in real processes, the core operation, a CSV row by its line);
a spaCy import that finds an actor here brings in what the file says of it, as a merge does."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator import actors as ops
from annotator.errors import ValidationError
from annotator.export import export
from annotator.importing import import_paths
from annotator.model import Actor as RegistryActor
from annotator.model import Project
from annotator.ops.annotations import create_span
from annotator.ops.projects import create_project
from annotator.store import Store
from tests.core.helpers import add_doc, annotator_id, label_id
from tests.core.test_comments_cli import cli, ok


def _registry(url_or_store: Store, project_id: int) -> dict[str, RegistryActor]:
    with url_or_store.session() as s:
        rows = s.scalars(select(RegistryActor).where(RegistryActor.project_id == project_id))
        return {a.name: a for a in rows}


def test_actors_add_and_edit_refuse_an_alias_that_is_another_actors_name(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    ok(url, "init")
    obi = ok(url, "actors", "add", "Marcus Obi")
    done = cli(url, "actors", "add", "Dana Whitfield", "--alias", "marcus obi")
    assert done.returncode != 0
    assert "alias 'marcus obi' of the new actor 'Dana Whitfield'" in done.stderr, done.stderr
    assert f"actor {obi} (Marcus Obi)" in done.stderr
    dana = ok(url, "actors", "add", "Dana Whitfield", "--alias", "Whitfield")
    done = cli(url, "actors", "edit", dana, "--alias", "Whitfield", "--alias", "Marcus Obi")
    assert done.returncode != 0
    assert f"actor {dana} (Dana Whitfield)" in done.stderr and f"actor {obi} (Marcus Obi)" in done.stderr
    listed = {a["name"]: a["aliases"] for a in json.loads(ok(url, "actors", "list", "--json"))}
    assert listed == {"Marcus Obi": [], "Dana Whitfield": ["Whitfield"]}
    # Another person of that name, told apart by an external id, may carry it as an alias.
    ok(url, "actors", "edit", obi, "--external-id", "Q1")
    ok(url, "actors", "add", "M. Obi", "--alias", "Marcus Obi", "--external-id", "Q2")


def test_the_core_operation_refuses_it_and_keeps_old_aliases(store: Store, project: Project) -> None:
    with store.transaction() as tx:
        obi = ops.add_actor(tx, project.id, "Marcus Obi").id
        dana = ops.add_actor(tx, project.id, "Dana Whitfield", ["Obi"]).id
    refused = (
        rf"alias 'Marcus Obi' of actor {dana} \(Dana Whitfield\) is the name of actor {obi} \(Marcus Obi\)"
    )
    with pytest.raises(ValidationError, match=refused), store.transaction() as tx:
        ops.update_actor(tx, dana, aliases=["Obi", "Marcus Obi"])
    with store.transaction() as tx:  # a rename keeps the old name as an alias: its own, allowed
        ops.update_actor(tx, obi, name="Marcus A. Obi")
    assert _registry(store, project.id)["Dana Whitfield"].aliases == ["Obi"]
    assert _registry(store, project.id)["Marcus A. Obi"].aliases == ["Marcus Obi"]


def test_a_csv_row_whose_alias_is_another_actors_name_names_its_line(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    ok(url, "init")
    ok(url, "actors", "add", "Marcus Obi")
    sheet = tmp_path / "actors.csv"
    sheet.write_text(
        "id,name,aliases,kind,external_id,attributes\n,Ana Ruiz,Ruiz,,,\n,Dana Whitfield,Marcus Obi,,,\n",
        encoding="utf-8",
    )
    done = cli(url, "actors", "import", str(sheet))
    assert done.returncode != 0
    assert f"{sheet}:3: alias 'Marcus Obi'" in done.stderr, done.stderr
    assert [a["name"] for a in json.loads(ok(url, "actors", "list", "--json"))] == ["Marcus Obi"]


def test_a_spacy_import_brings_in_what_an_actor_here_lacks(
    store: Store, project: Project, tmp_path: Path
) -> None:
    text = "Mayor Ana Ruiz said the ferry runs on Sundays."
    doc = add_doc(store, project.id, text)
    who = annotator_id(store, project.id, "alice")
    with store.transaction() as tx:
        span = create_span(tx, doc, 6, 14, label_id(store, project.id, "ACTOR"), who)
        ruiz = ops.add_actor(
            tx,
            project.id,
            "Ana Ruiz",
            ["Ruiz", "the mayor"],
            "person",
            None,
            {"role": "mayor", "party": "Green"},
        )
        ops.link_span(tx, span.id, ruiz.id)
    out = tmp_path / "corpus.spacy"
    with store.session() as s:
        export(s, project.id, "spacy", out)
    with store.transaction() as tx:
        other = create_project(tx, "Other").id
        ops.add_actor(tx, other, "Ana Ruiz", ["Ana"], None, None, {"role": "councillor"})
        ops.add_actor(tx, other, "The mayor")  # another actor's name here: never Ana Ruiz's alias
    summary = import_paths(store, other, [out], fmt="spacy", annotator="bob").summary()
    here = _registry(store, other)["Ana Ruiz"]
    assert here.aliases == ["Ana", "Ruiz"]
    assert here.kind == "person"
    assert here.attributes == {"role": "councillor", "party": "Green"}
    assert "role is councillor here, mayor in the file; kept the project's" in summary, summary
    assert "alias 'the mayor' in the file is another actor's name here; not taken" in summary

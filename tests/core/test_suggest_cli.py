"""The suggestion commands in real processes, in the exact forms of issue 15."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.model import Annotation, Project, Suggestion
from annotator.store import Store, open_store
from annotator.suggest import engines
from tests.cli_forms import run
from tests.core.helpers import add_doc
from tests.core.test_suggestions import TEXT, fake_engine


def cli(url: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run("--db", url, *args)


@pytest.fixture
def url(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'team.db'}"
    assert cli(url, "init").returncode == 0
    return url


def seeded(url: str) -> tuple[Store, int, int]:
    """A document with the fake engine's suggestions (the rules engine is the lead's to fill)."""
    store = open_store(url)
    with store.session() as s:
        project_id = s.scalars(select(Project.id)).one()
    doc = add_doc(store, project_id, TEXT)
    engines.run(store, project_id, fake_engine(), [doc])
    return store, project_id, doc


def count(store: Store, model: type[Annotation] | type[Suggestion]) -> int:
    with store.session() as s:
        return int(s.scalar(select(func.count()).select_from(model)) or 0)


def test_suggestions_json_shape_then_accept_and_reject_by_id(url: str) -> None:
    store, _, doc = seeded(url)
    done = cli(url, "suggestions", "--doc", str(doc), "--json")
    assert done.returncode == 0, done.stderr
    items = json.loads(done.stdout)
    spans = [i for i in items if "start" in i]
    [rel] = [i for i in items if "from" in i]
    assert set(spans[0]) == {"id", "doc", "start", "end", "label", "text", "score", "source"}
    assert spans[0] | {"id": 0, "score": 0} == {
        "id": 0,
        "doc": doc,
        "start": 0,
        "end": 5,
        "label": "ACTOR",
        "text": "Varga",
        "score": 0,
        "source": "rules@1",
    }
    assert {"id", "doc", "from", "to", "type"} <= set(rel) and rel["type"] == "speaker"
    assert (rel["from"], rel["to"]) == (spans[1]["id"], spans[0]["id"])

    done = cli(url, "reject", str(spans[1]["id"]), "--annotator", "ana")
    assert done.returncode == 0, done.stderr
    assert "rejected 1 suggestion" in done.stdout
    done = cli(url, "accept", str(spans[0]["id"]), "--annotator", "ana")
    assert done.returncode == 0, done.stderr
    assert "1 span(s)" in done.stdout and count(store, Annotation) == 1
    pending = json.loads(cli(url, "suggestions", "--json", "--annotator", "ana").stdout)
    assert [p["id"] for p in pending] == [rel["id"]]  # only the relation is left for ana
    # its ends are not listed (one rejected, one accepted) but named, so no lookup is needed
    assert (pending[0]["from_span"]["label"], pending[0]["to_span"]) == (
        "QUOTE",
        {"start": 0, "end": 5, "label": "ACTOR", "text": "Varga"},
    )
    assert cli(url, "undo", "--annotator", "ana").returncode == 0
    assert count(store, Annotation) == 0
    assert len(json.loads(cli(url, "suggestions", "--json", "--annotator", "ana").stdout)) == 2


def test_accept_a_whole_document_above_a_score(url: str) -> None:
    store, _, doc = seeded(url)
    done = cli(url, "accept", "--doc", str(doc), "--min-score", "0.65", "--annotator", "ana")
    assert done.returncode == 0, done.stderr
    with store.session() as s:  # the actor (0.9) and the link (0.7), which brings the quote (0.6)
        rows = s.execute(select(Annotation.start, Annotation.origin)).all()
    assert sorted(rows) == [(0, "suggestion:rules@1"), (12, "suggestion:rules@1")]
    done = cli(url, "reject", "--doc", str(doc), "--annotator", "ana")
    assert done.returncode == 0 and "no pending suggestions" in done.stdout


def test_agree_without_suggested_leaves_out_documents_where_accept_ran(url: str) -> None:
    store, _, doc = seeded(url)
    other = add_doc(store, 1, "A second text with Varga in it, plainly.")
    for who in ("ana", "ben"):
        for d in (doc, other):
            assert cli(url, "annotate", str(d), "0", "1", "ACTOR", "--annotator", who).returncode == 0
    assert cli(url, "accept", "--doc", str(doc), "--annotator", "ana").returncode == 0
    every = cli(url, "agree", "--no-tokens")
    unbiased = cli(url, "agree", "--no-tokens", "--without-suggested")
    assert every.returncode == 0 and unbiased.returncode == 0, unbiased.stderr
    assert every.stdout != unbiased.stdout


def test_rules_path_runs_and_reports_its_source(url: str) -> None:
    _store, _, doc = seeded(url)
    done = cli(url, "suggest", "--rules", "--docs", str(doc), "--min-score", "0.5")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("rules@1: ") and "document(s)" in done.stdout
    assert cli(url, "suggest", "--rules", "--all").returncode == 0
    assert isinstance(json.loads(cli(url, "suggestions", "--json").stdout), list)


def test_bad_engines_are_refused_and_write_nothing(url: str, tmp_path: Path) -> None:
    store, _, _ = seeded(url)
    before = count(store, Suggestion)
    missing = cli(url, "suggest", "--model", str(tmp_path / "nowhere"))
    assert missing.returncode != 0 and "no model at" in missing.stderr
    (tmp_path / "notes").mkdir()
    (tmp_path / "notes" / "readme.txt").write_text("not a model")
    folder = cli(url, "suggest", "--model", str(tmp_path / "notes"))
    assert folder.returncode != 0 and "is not a model" in folder.stderr
    spacy = cli(url, "suggest", "--spacy", "xx_no_such_pipeline", "--map", "PERSON=ACTOR")
    assert spacy.returncode != 0 and "no installed spaCy pipeline" in spacy.stderr
    bad_map = cli(url, "suggest", "--rules", "--map", "PERSON=ACTOR")
    assert bad_map.returncode != 0 and "--map goes with" in bad_map.stderr
    assert count(store, Suggestion) == before


def test_a_pipeline_without_the_mapped_labels_is_refused(url: str, tmp_path: Path) -> None:
    spacy = pytest.importorskip("spacy")
    nlp = spacy.blank("en")
    nlp.add_pipe("ner").add_label("ORG")
    nlp.initialize()
    nlp.meta["name"] = "orgs"
    nlp.to_disk(tmp_path / "orgs")
    store, _, _ = seeded(url)
    before = count(store, Suggestion)
    done = cli(url, "suggest", "--model", str(tmp_path / "orgs"), "--map", "PERSON=ACTOR")
    assert done.returncode != 0 and "no label 'PERSON'" in done.stderr
    done = cli(url, "suggest", "--model", str(tmp_path / "orgs"), "--map", "ORG=NOPE")
    assert done.returncode != 0 and "no label 'NOPE'" in done.stderr
    assert count(store, Suggestion) == before
    done = cli(url, "suggest", "--model", str(tmp_path / "orgs"), "--map", "ORG=ACTOR", "--all")
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("model:orgs@")

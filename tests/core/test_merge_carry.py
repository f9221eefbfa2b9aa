"""A merge of a teammate's export carries everything of issue 16: document values, edits of
registry actors, relinks (the owner's own newer link stays, the teammate's own newer one comes),
and counts only real value changes. Each teammate export is made by the command line in a second
project; the merges and undos run as real processes (the CLI forms are contracts)."""

from __future__ import annotations

import contextlib
import io
import json
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Annotator, AttributeDef, DocumentAttribute
from annotator.store import open_store

EXE = shutil.which("annotator", path=str(Path(sys.executable).parent))
TEXT = 'Mayor Ana Ruiz said: "The bridge opens in May." Critics doubt it.'
ANA = (TEXT.index("Ana"), TEXT.index("Ana") + len("Ana Ruiz"))
QUOTE = (TEXT.index('"The'), TEXT.index('May."') + 5)
CRITICS = (TEXT.index("Critics"), TEXT.index("Critics") + len("Critics"))


Db = Path | str  # a SQLite file, or a database URL


def url(db: Db) -> str:
    return db if isinstance(db, str) else f"sqlite:///{db}"


def cli(db: Db, *args: str) -> str:
    """The command line in this process (setting projects up)."""
    out = io.StringIO()
    with contextlib.redirect_stdout(out):
        assert main(["--db", url(db), *args]) == 0
    return out.getvalue()


def run(db: Db, *args: str) -> str:
    """The command line as a real process (the merges and undos under test)."""
    assert EXE is not None
    done = subprocess.run([EXE, "--db", url(db), *args], capture_output=True, text=True, check=False)
    assert done.returncode == 0, done.stderr
    return done.stdout


def project(tmp_path: Path, name: str, *codebook: list[str], at: str | None = None) -> Db:
    """A project holding the article (document 1), with ``codebook`` (attributes add … lines),
    in a SQLite file or in the database ``at``."""
    db: Db = at or tmp_path / f"{name}.db"
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    cli(db, "init")
    cli(db, "import", str(article))
    for line in codebook:
        cli(db, "attributes", *line)
    return db


def export(db: Db, tmp_path: Path, name: str) -> Path:
    out = tmp_path / f"{name}.jsonl"
    cli(db, "export", "--format", "jsonl", "-o", str(out))
    return out


def span(db: Db, label: str, where: tuple[int, int], who: str) -> int:
    return int(cli(db, "annotate", "1", str(where[0]), str(where[1]), label, "--annotator", who).strip())


def rows(db: Db, query: Any) -> list[Any]:
    store = open_store(url(db))
    try:
        with store.session() as s:
            return list(s.execute(query).all())
    finally:
        store.close()


def document_values(db: Db) -> dict[str, dict[str, Any]]:
    query = select(Annotator.name, DocumentAttribute.attributes).join(
        Annotator, Annotator.id == DocumentAttribute.annotator_id
    )
    return {name: values for name, values in rows(db, query)}


GENRE = ["add-document", "genre", "--type", "choice", "--values", "news,opinion"]
TONE = ["add-document", "tone", "--type", "text"]


def test_document_values_come_in_conflicts_are_reported_and_undo_takes_them_back(
    tmp_path: Path, backend_url: str
) -> None:
    bob = project(tmp_path, "bob", GENRE, TONE)
    span(bob, "ACTOR", ANA, "bob")
    cli(bob, "attributes", "set-document", "1", "genre", "opinion", "--annotator", "bob")
    cli(bob, "attributes", "set-document", "1", "tone", "calm", "--annotator", "bob")
    first = export(bob, tmp_path, "first")
    team = project(tmp_path, "team", GENRE, TONE, at=backend_url)
    out = run(team, "merge", str(first), "--by", "bob")
    assert "2 document value(s) taken" in out
    assert document_values(team) == {"bob": {"genre": "opinion", "tone": "calm"}}
    assert "document value" not in cli(team, "merge", str(first), "--by", "bob")  # twice: nothing
    # Here bob's genre is changed after his export: the older file's other genre is a conflict.
    cli(team, "attributes", "set-document", "1", "genre", "news", "--annotator", "bob")
    out = cli(team, "merge", str(first), "--by", "bob")
    assert "1 document value conflict(s), kept as they are here" in out
    assert "bob's genre of the document is opinion in the file, news here" in out
    assert document_values(team)["bob"]["genre"] == "news"
    # bob's own newer work replaces it; the tone he cleared stays here, and the summary says so.
    cli(bob, "attributes", "set-document", "1", "genre", "opinion", "--annotator", "bob")
    cli(bob, "attributes", "clear-document", "1", "tone", "--annotator", "bob")
    out = cli(team, "merge", str(export(bob, tmp_path, "second")), "--by", "bob")
    assert "1 document value(s) taken" in out and "1 cleared value(s) not carried" in out
    assert document_values(team) == {"bob": {"genre": "opinion", "tone": "calm"}}
    run(team, "undo", "--annotator", "bob")  # the merge is one step: its values go back
    assert document_values(team) == {"bob": {"genre": "news", "tone": "calm"}}


def _actors(db: Db) -> dict[str, tuple[list[str], str | None, str | None, dict[str, Any] | None]]:
    query = select(RegistryActor).where(RegistryActor.merged_into_id.is_(None))
    return {a.name: (a.aliases, a.kind, a.external_id, a.attributes) for (a,) in rows(db, query)}


def test_a_teammates_edits_of_registry_actors_come_in(tmp_path: Path, backend_url: str) -> None:
    team = project(tmp_path, "team", at=backend_url)
    cli(team, "actors", "add", "Ana Ruiz", "--alias", "Mayor Ruiz")
    cli(team, "actors", "edit", "1", "--attributes", '{"party": "Blue"}')
    cli(team, "actors", "add", "Critics", "--kind", "group")
    bob = project(tmp_path, "bob")
    ana, critics = span(bob, "ACTOR", ANA, "bob"), span(bob, "ACTOR", CRITICS, "bob")
    crowd = cli(bob, "actors", "add", "Critics", "--kind", "public")
    who = cli(bob, "actors", "add", "ana ruiz", "--alias", "Ruiz", "--kind", "person", "--external-id", "Q1")
    _alias_from_before_the_rule(bob, int(who), "Critics")
    cli(bob, "actors", "edit", who.strip(), "--attributes", '{"role": "mayor", "party": "Green"}')
    cli(bob, "actors", "link", str(ana), who.strip())
    cli(bob, "actors", "link", str(critics), crowd.strip())
    out = run(team, "merge", str(export(bob, tmp_path, "bob")), "--by", "bob")
    assert "1 updated (ana ruiz)" in out and "2 span(s) linked" in out
    assert "party is Blue here, Green in the file; kept the project's" in out
    assert "is a 'group' here, a 'public' in the file; kept 'group'" in out
    assert "alias 'Critics' in the file is another actor's name here; not taken" in out
    assert _actors(team) == {
        "Ana Ruiz": (["Mayor Ruiz", "Ruiz"], "person", "Q1", {"party": "Blue", "role": "mayor"}),
        "Critics": ([], "group", None, None),
    }
    cli(team, "undo", "--annotator", "bob")
    assert _actors(team) == {
        "Ana Ruiz": (["Mayor Ruiz"], None, None, {"party": "Blue"}),
        "Critics": ([], "group", None, None),
    }


def _alias_from_before_the_rule(db: Db, actor_id: int, alias: str) -> None:
    """An alias that is another actor's name, as projects (and their files) made before the
    registry refused it still hold: written past the operations, which now refuse it."""
    store = open_store(url(db))
    with store.session() as s, s.begin():
        actor = s.get_one(RegistryActor, actor_id)
        actor.aliases = [*(actor.aliases or []), alias]
    store.close()


def _link(db: Db, who: str) -> str | None:
    query = (
        select(RegistryActor.name)
        .join(Annotation, Annotation.actor_id == RegistryActor.id)
        .join(Annotator, Annotator.id == Annotation.annotator_id)
        .where(Annotator.name == who)
    )
    found = rows(db, query)
    return found[0][0] if found else None


def test_the_owners_newer_link_stays_and_a_teammates_newer_link_comes(
    tmp_path: Path, backend_url: str
) -> None:
    team = project(tmp_path, "team", at=backend_url)
    mine = span(team, "ACTOR", ANA, "alice")
    for name in ("Ana Ruiz", "Ana Ruiz Sr"):
        cli(team, "actors", "add", name)
    cli(team, "actors", "link", str(mine), "1")
    bob = project(tmp_path, "bob")
    cli(bob, "import", str(export(team, tmp_path, "alice")), "--keep-annotators")  # bob's copy: Ana Ruiz
    theirs = span(bob, "ACTOR", ANA, "bob")
    # the whole export carried "Ana Ruiz Sr" too, though nobody had tagged it
    cli(bob, "actors", "link", str(theirs), "2")  # bob's registry: 1 Ana Ruiz, 2 Ana Ruiz Sr
    cli(team, "merge", str(export(bob, tmp_path, "bob1")), "--by", "bob")
    assert (_link(team, "alice"), _link(team, "bob")) == ("Ana Ruiz", "Ana Ruiz Sr")
    # alice relinks her own span, then bob (still holding her older link) relinks his and exports.
    cli(team, "actors", "link", str(mine), "2")
    cli(bob, "actors", "link", str(theirs), "1")
    later = export(bob, tmp_path, "bob2")
    # Run by someone who may not replace bob's labels, his newer link is a reported conflict.
    out = cli(team, "merge", str(later), "--by", "carol")
    assert "1 conflict(s)" in out and "span 6–14 'Ana Ruiz' points to actor 2 here" in out
    assert (_link(team, "alice"), _link(team, "bob")) == ("Ana Ruiz Sr", "Ana Ruiz Sr")
    out = run(team, "merge", str(later), "--by", "bob")
    assert "conflict" not in out and "1 span(s) relinked" in out
    assert (_link(team, "alice"), _link(team, "bob")) == ("Ana Ruiz Sr", "Ana Ruiz")
    cli(team, "undo", "--annotator", "bob")
    assert (_link(team, "alice"), _link(team, "bob")) == ("Ana Ruiz Sr", "Ana Ruiz Sr")


TOPICS_AB = ["add", "QUOTE", "topics", "--type", "multi", "--values", "a,b"]
TOPICS_BA = ["add", "QUOTE", "topics", "--type", "multi", "--values", "b,a"]
KIND = ["add", "QUOTE", "type", "--type", "choice", "--values", "direct,indirect"]


def test_only_real_value_changes_are_counted_and_cleared_values_stay(tmp_path: Path) -> None:
    bob = project(tmp_path, "bob", TOPICS_BA, KIND)  # his codebook lists the choices the other way
    quote = span(bob, "QUOTE", QUOTE, "bob")
    cli(bob, "attributes", "set", str(quote), "topics", "a,b")
    cli(bob, "attributes", "set", str(quote), "type", "direct")
    first = export(bob, tmp_path, "first")
    assert json.loads(first.read_text())["spans"][0]["attributes"]["topics"] == ["b", "a"]
    team = project(tmp_path, "team", TOPICS_AB, KIND)
    cli(team, "merge", str(first), "--by", "bob")
    again = cli(team, "merge", str(first), "--by", "bob")
    assert "updated" not in again and "not carried" not in again  # the same values, in another order
    cli(bob, "attributes", "clear", str(quote), "type")
    out = run(team, "merge", str(export(bob, tmp_path, "second")), "--by", "bob")
    assert "values of" not in out and "1 cleared value(s) not carried" in out
    values = rows(team, select(Annotation.attributes).where(Annotation.attributes.is_not(None)))
    assert values == [({"topics": ["a", "b"], "type": "direct"},)]


def test_the_codebook_the_file_defines_is_created_and_undone_with_the_merge(tmp_path: Path) -> None:
    pytest.importorskip("annotator.codebook_carry", reason="native JSONL carries no codebook yet")
    bob = project(tmp_path, "bob", KIND, GENRE)
    quote = span(bob, "QUOTE", QUOTE, "bob")
    cli(bob, "attributes", "set", str(quote), "type", "indirect")
    cli(bob, "attributes", "set-document", "1", "genre", "news", "--annotator", "bob")
    team = project(tmp_path, "team")
    out = run(team, "merge", str(export(bob, tmp_path, "bob")), "--by", "bob")
    assert "attribute QUOTE.type created" in out and "attribute document.genre created" in out
    assert document_values(team) == {"bob": {"genre": "news"}}
    assert rows(team, select(Annotation.attributes).where(Annotation.attributes.is_not(None))) == [
        ({"type": "indirect"},)
    ]
    cli(team, "undo", "--annotator", "bob")
    assert rows(team, select(AttributeDef.name)) == [] and document_values(team) == {}


def test_a_value_without_a_definition_still_fails_the_merge_clearly(tmp_path: Path) -> None:
    bob = project(tmp_path, "bob", GENRE)
    span(bob, "ACTOR", ANA, "bob")
    cli(bob, "attributes", "set-document", "1", "genre", "news", "--annotator", "bob")
    path = export(bob, tmp_path, "bob")
    line = json.loads(path.read_text(encoding="utf-8"))
    line.pop("codebook", None)  # an older export: values, no definitions
    path.write_text(json.dumps(line) + "\n", encoding="utf-8")
    team = project(tmp_path, "team")
    assert EXE is not None
    done = subprocess.run(
        [EXE, "--db", f"sqlite:///{team}", "merge", str(path), "--by", "bob"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert f"{path}:1: document values of bob: no document attribute 'genre'" in done.stderr
    assert "annotator codebook import FILE here" in done.stderr
    assert rows(team, select(Annotation.id)) == [] and document_values(team) == {}


def test_a_file_actor_named_like_an_alias_here_is_a_conflict_not_a_duplicate(tmp_path: Path) -> None:
    team = project(tmp_path, "team")
    cli(team, "actors", "add", "Ana Ruiz", "--alias", "Mayor Ruiz")
    bob = project(tmp_path, "bob")
    mention = span(bob, "ACTOR", ANA, "bob")
    cli(bob, "actors", "link", str(mention), cli(bob, "actors", "add", "Mayor Ruiz").strip())
    out = run(team, "merge", str(export(bob, tmp_path, "bob")), "--by", "bob")
    assert "actor 'Mayor Ruiz' of the file is an alias of actor 1 (Ana Ruiz) here" in out
    assert list(_actors(team)) == ["Ana Ruiz"] and _link(team, "bob") is None


ROLE = ["add", "ACTOR", "role", "--type", "choice", "--values", "politician,expert"]


def test_without_by_an_added_value_comes_and_another_value_is_reported_not_taken(tmp_path: Path) -> None:
    bob = project(tmp_path, "bob", KIND, ROLE)
    quote, ana = span(bob, "QUOTE", QUOTE, "bob"), span(bob, "ACTOR", ANA, "bob")
    cli(bob, "attributes", "set", str(quote), "type", "direct")
    team = project(tmp_path, "team", KIND, ROLE)
    run(team, "merge", str(export(bob, tmp_path, "first")))
    # bob then gives his merged Ana a role (a value the project lacks: an addition anyone's merge
    # takes), changes his quote's type (another value: only his own or a reviewer's merge takes
    # it) and adds a span in the same document (which must not carry the other value along).
    cli(bob, "attributes", "set", str(ana), "role", "expert")
    cli(bob, "attributes", "set", str(quote), "type", "indirect")
    span(bob, "ACTOR", CRITICS, "bob")
    later = export(bob, tmp_path, "later")
    out = run(team, "merge", str(later))
    assert "spans +1 -0 (2 unchanged)" in out and "values of 1 span(s) updated" in out
    assert (
        "values of 1 span(s) of bob differ in the file and were not taken (a merge that names nobody "
        "(--by) is neither bob nor a reviewer; --by NAME, that teammate or a reviewer, takes their own "
        "newer values)"
    ) in out
    values = sorted(rows(team, select(Annotation.start, Annotation.attributes)), key=lambda r: r[0])
    assert values == [(ANA[0], {"role": "expert"}), (QUOTE[0], {"type": "direct"}), (CRITICS[0], None)]
    again = run(team, "merge", str(later))  # twice: the difference is said again, nothing is taken
    assert "updated" not in again and "values of 1 span(s) of bob differ" in again
    out = run(team, "merge", str(later), "--by", "bob")
    assert "values of 1 span(s) updated" in out and "differ" not in out
    assert rows(team, select(Annotation.attributes).where(Annotation.start == QUOTE[0])) == [
        ({"type": "indirect"},)
    ]


def test_a_cleared_value_stays_when_the_teammate_also_adds_a_span_there(tmp_path: Path) -> None:
    bob = project(tmp_path, "bob", KIND, TOPICS_AB)
    quote = span(bob, "QUOTE", QUOTE, "bob")
    cli(bob, "attributes", "set", str(quote), "type", "direct")
    cli(bob, "attributes", "set", str(quote), "topics", "a")
    team = project(tmp_path, "team", KIND, TOPICS_AB)
    run(team, "merge", str(export(bob, tmp_path, "first")), "--by", "bob")
    cli(bob, "attributes", "clear", str(quote), "type")
    span(bob, "ACTOR", CRITICS, "bob")  # an addition in the same document
    out = run(team, "merge", str(export(bob, tmp_path, "second")), "--by", "bob")
    assert "spans +1" in out and "1 cleared value(s) not carried" in out
    kept = rows(team, select(Annotation.attributes).where(Annotation.start == QUOTE[0]))
    assert kept == [({"type": "direct", "topics": ["a"]},)]

"""``annotator attributes`` and ``annotator codebook`` in real processes, in the issue's exact forms."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest

from tests.cli_forms import run

TEXT = "Mayor Ana Ruiz said the bridge opens in May. Critics doubt it."


def cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run("--db", db, *args)


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert cli(url, "init").returncode == 0
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    assert cli(url, "import", str(tmp_path / "a.txt")).returncode == 0, "import"
    return url


def _span(db: str, label: str = "QUOTE") -> int:
    done = cli(db, "annotate", "1", "20", "44", label, "--annotator", "alice")
    assert done.returncode == 0, done.stderr
    return int(done.stdout.strip())


def test_add_and_set_in_the_exact_forms(db: str) -> None:
    done = cli(
        db, "attributes", "add", "QUOTE", "type", "--type", "choice", "--values", "direct,indirect,mixed"
    )
    assert done.returncode == 0, done.stderr
    span = _span(db)
    done = cli(db, "attributes", "set", str(span), "type", "indirect")
    assert done.returncode == 0, done.stderr
    assert "type = indirect" in done.stdout
    listed = json.loads(cli(db, "attributes", "list", "--json").stdout)
    assert listed[0]["owner"] == "QUOTE" and listed[0]["values"] == ["direct", "indirect", "mixed"]
    # the value is an undoable step of the span's owner
    assert cli(db, "undo", "--annotator", "alice").returncode == 0
    assert cli(db, "attributes", "set", str(span), "type", "direct").returncode == 0


def test_bad_values_are_refused_with_a_clear_error(db: str) -> None:
    assert (
        cli(
            db, "attributes", "add", "QUOTE", "type", "--type", "choice", "--values", "direct,indirect"
        ).returncode
        == 0
    )
    assert cli(db, "attributes", "add", "QUOTE", "n", "--type", "number").returncode == 0
    span = _span(db)
    for args, message in [
        ((str(span), "type", "mixed"), "'mixed' is not one of direct, indirect"),
        ((str(span), "n", "many"), "is a number"),
        ((str(span), "stance", "pro"), "no attribute 'stance'"),
        (("999", "type", "direct"), "no span with id 999"),
    ]:
        done = cli(db, "attributes", "set", *args)
        assert done.returncode == 1 and message in done.stderr, (args, done.stderr)
    done = cli(db, "attributes", "add", "NOPE", "x", "--type", "bool")
    assert done.returncode == 1 and "no label 'NOPE'" in done.stderr


def test_codebook_round_trip_between_projects(db: str, tmp_path: Path) -> None:
    assert (
        cli(
            db, "attributes", "add", "QUOTE", "type", "--type", "choice", "--values", "direct,indirect"
        ).returncode
        == 0
    )
    assert cli(db, "labels", "add", "TOPIC", "--color", "#112233", "--hotkey", "t").returncode == 0
    book = tmp_path / "codebook.json"
    done = cli(db, "codebook", "export", "-o", str(book))
    assert done.returncode == 0, done.stderr
    data = json.loads(book.read_text(encoding="utf-8"))
    quote = next(x for x in data["labels"] if x["name"] == "QUOTE")
    assert quote["attributes"] == [
        {"name": "type", "type": "choice", "values": ["direct", "indirect"], "description": ""}
    ]
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert cli(other, "init").returncode == 0
    done = cli(other, "codebook", "import", str(book))
    assert done.returncode == 0, done.stderr
    assert "added label TOPIC" in done.stdout and "added attribute QUOTE.type (choice)" in done.stdout
    again = cli(other, "codebook", "import", str(book))
    assert "nothing to change" in again.stdout
    exported = tmp_path / "again.json"
    assert cli(other, "codebook", "export", "-o", str(exported)).returncode == 0
    assert json.loads(exported.read_text(encoding="utf-8")) == data


def test_codebook_import_refuses_bad_input_naming_the_place_and_changes_nothing(
    db: str, tmp_path: Path
) -> None:
    book = tmp_path / "codebook.json"
    assert cli(db, "codebook", "export", "-o", str(book)).returncode == 0
    data = json.loads(book.read_text(encoding="utf-8"))
    data["labels"].append({"name": "TOPIC", "color": "#123456"})
    data["labels"][0]["description"] = "changed"
    data["labels"][2]["hotkey"] = "too long"
    book.write_text(json.dumps(data), encoding="utf-8")
    done = cli(db, "codebook", "import", str(book))
    assert done.returncode == 1
    assert f"{book}: labels[2].hotkey" in done.stderr
    listed = json.loads(cli(db, "labels", "list", "--json").stdout)
    assert "TOPIC" not in [x["name"] for x in listed["labels"]]
    assert listed["labels"][0]["description"] != "changed"
    book.write_text('{"codebook": 1,\n "labels": [}', encoding="utf-8")
    done = cli(db, "codebook", "import", str(book))
    assert done.returncode == 1 and f"{book}:2: not JSON" in done.stderr


def test_codebook_import_updates_colours_keys_and_descriptions(db: str, tmp_path: Path) -> None:
    book = tmp_path / "codebook.json"
    assert cli(db, "codebook", "export", "-o", str(book)).returncode == 0
    data = json.loads(book.read_text(encoding="utf-8"))
    data["labels"][0].update(color="#abcdef", description="what a claim is")
    book.write_text(json.dumps(data), encoding="utf-8")
    done = cli(db, "codebook", "import", str(book))
    assert done.returncode == 0, done.stderr
    assert "color" in done.stdout and "description" in done.stdout
    first = json.loads(cli(db, "labels", "list", "--json").stdout)["labels"][0]
    assert (first["color"], first["description"]) == ("#abcdef", "what a claim is")


def test_the_readme_examples_run(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    """The README's "Attributes and the codebook" block, line by line, on a project made here."""
    import re
    import shlex

    from annotator.cli import main

    readme = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
    section = readme[readme.index("## Attributes and the codebook") :]
    block = re.search(r"```sh\n(.*?)```", section, re.S)
    assert block is not None
    lines = [
        line.split(" #")[0].strip() for line in block.group(1).splitlines() if line.startswith("annotator ")
    ]
    monkeypatch.chdir(tmp_path)
    monkeypatch.setenv("ANNOTATOR_DB", f"sqlite:///{tmp_path / 'readme.db'}")
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    for setup in (
        "init",
        "import a.txt",
        "annotate 1 6 14 ACTOR --annotator ana",
        "annotate 1 20 44 QUOTE --annotator ana",
    ):
        assert main(shlex.split(setup)) == 0
    capsys.readouterr()
    for line in lines:
        assert main(shlex.split(line)[1:]) == 0, (line, capsys.readouterr().err)
    out = capsys.readouterr().out
    assert "span 2: type = indirect" in out and "added attribute speaker.certain (bool)" in out
    assert "nothing to change" in out
    assert json.loads((tmp_path / "codebook.json").read_text(encoding="utf-8"))["codebook"] == 1


def test_document_attributes_from_the_command_line(db: str, tmp_path: Path) -> None:
    done = cli(db, "attributes", "add-document", "genre", "--type", "choice", "--values", "news,opinion")
    assert done.returncode == 0, done.stderr
    done = cli(db, "attributes", "set-document", "1", "genre", "opinion", "--annotator", "alice")
    assert done.returncode == 0 and "document 1 (alice): genre = opinion" in done.stdout, done.stderr
    bad = cli(db, "attributes", "set-document", "1", "genre", "satire", "--annotator", "alice")
    assert bad.returncode == 1 and "'satire' is not one of news, opinion" in bad.stderr
    refused = cli(db, "attributes", "remove", "document", "genre", "--document")
    assert refused.returncode == 1 and "set on 1 document" in refused.stderr
    book = tmp_path / "codebook.json"
    assert cli(db, "codebook", "export", "-o", str(book)).returncode == 0
    assert json.loads(book.read_text(encoding="utf-8"))["document_attributes"][0]["values"] == [
        "news",
        "opinion",
    ]
    other = f"sqlite:///{tmp_path / 'other.db'}"
    assert cli(other, "init").returncode == 0
    assert "added attribute document.genre (choice)" in cli(other, "codebook", "import", str(book)).stdout
    assert cli(db, "attributes", "clear-document", "1", "genre", "--annotator", "alice").returncode == 0
    assert cli(db, "attributes", "remove", "document", "genre", "--document").returncode == 0


def test_names_that_differ_only_in_case_are_refused(db: str) -> None:
    """Imports fold case, so ``type`` beside ``Type`` (or ``quote`` beside ``QUOTE``) would be two
    names the next import merges: refused, naming the existing one; a rename to its own case passes."""
    added = cli(db, "attributes", "add", "QUOTE", "Type", "--type", "choice", "--values", "direct,indirect")
    assert added.returncode == 0, added.stderr
    again = cli(db, "attributes", "add", "QUOTE", "type", "--type", "choice", "--values", "a,b")
    assert again.returncode != 0
    assert "'Type'" in again.stderr and "case" in again.stderr
    listed = json.loads(cli(db, "attributes", "list", "--json").stdout)
    assert [a["name"] for a in listed] == ["Type"]
    label = cli(db, "labels", "add", "quote")
    assert label.returncode != 0 and "'QUOTE'" in label.stderr
    assert cli(db, "labels", "add", "Topic", "--relation").returncode == 0
    rtype = cli(db, "labels", "add", "TOPIC", "--relation")
    assert rtype.returncode != 0 and "'Topic'" in rtype.stderr
    assert cli(db, "labels", "rename", "QUOTE", "Quote").returncode == 0
    assert cli(db, "attributes", "rename", "Quote", "Type", "TYPE").returncode == 0

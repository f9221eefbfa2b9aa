"""``annotator actors`` in real processes: every form of the issue's contract, CSV both ways,
bad input refused with nothing written, and undo of a registry step."""

from __future__ import annotations

import json
from pathlib import Path

from annotator.store import open_store
from tests.core.helpers import add_doc
from tests.core.test_comments_cli import cli, ok

TEXT = "Antony Blinken said talks would go on. Blinken later left."


def listed(url: str) -> list[dict[str, object]]:
    return json.loads(ok(url, "actors", "list", "--json"))


def project(tmp_path: Path) -> tuple[str, int, int]:
    """A project where ann tagged both names as ACTOR; its URL and the two span ids."""
    url = f"sqlite:///{tmp_path / 'p.db'}"
    ok(url, "init")
    store = open_store(url)
    doc = add_doc(store, 1, TEXT)
    store.close()
    first = int(ok(url, "annotate", str(doc), "0", "14", "ACTOR", "--annotator", "ann"))
    second = int(ok(url, "annotate", str(doc), "39", "46", "ACTOR", "--annotator", "ann"))
    return url, first, second


def test_add_list_link_merge_and_undo(tmp_path: Path) -> None:
    url, first, second = project(tmp_path)
    keep = int(ok(url, "actors", "add", "Antony Blinken", "--external-id", "Q312", "--annotator", "ann"))
    other = int(
        ok(url, "actors", "add", "Blinken", "--alias", "Tony", "--alias", "A. B.", "--annotator", "ann")
    )
    ok(url, "actors", "link", str(first), str(keep))
    ok(url, "actors", "link", str(second), str(other))
    rows = {r["id"]: r for r in listed(url)}
    assert rows[keep]["external_id"] == "Q312" and rows[keep]["mentions"] == 1
    assert rows[other]["aliases"] == ["Tony", "A. B."]
    table = ok(url, "actors", "list")
    assert table.splitlines()[0].split()[:5] == ["id", "name", "aliases", "external_id", "mentions"]
    assert "Q312" in table
    merged = ok(url, "actors", "merge", str(keep), str(other), "--annotator", "ann")
    assert f"merged actor {other} into {keep}" in merged
    rows = {r["id"]: r for r in listed(url)}
    assert list(rows) == [keep] and rows[keep]["mentions"] == 2
    assert rows[keep]["aliases"] == ["Blinken", "Tony", "A. B."]
    undone = ok(url, "undo", "--annotator", "ann")
    assert "Merge actor" in undone
    assert {r["id"]: r["mentions"] for r in listed(url)} == {keep: 1, other: 1}


def test_bad_input_names_the_thing_and_writes_nothing(tmp_path: Path) -> None:
    url, first, _second = project(tmp_path)
    actor = int(ok(url, "actors", "add", "Antony Blinken", "--external-id", "Q312"))
    before = listed(url)
    for args, words in (
        (("add", " "), "needs a name"),
        (("add", "Someone", "--external-id", "Q312"), "external id 'Q312' is already"),
        (("link", str(first), "77"), "no actor with id 77"),
        (("link", "55", str(actor)), "no span with id 55"),
        (("merge", str(actor), "77"), "no actor with id 77"),
    ):
        done = cli(url, "actors", *args)
        assert done.returncode == 1 and words in done.stderr, (args, done.stderr)
    assert listed(url) == before


def test_csv_export_and_import(tmp_path: Path) -> None:
    url, first, _second = project(tmp_path)
    actor = int(ok(url, "actors", "add", "Antony Blinken", "--alias", "Blinken", "--external-id", "Q312"))
    ok(url, "actors", "link", str(first), str(actor))
    out = tmp_path / "actors.csv"
    assert "wrote 1 actor(s)" in ok(url, "actors", "export", "-o", str(out))
    assert out.read_text().splitlines() == [
        "id,name,aliases,kind,external_id,attributes",
        f"{actor},Antony Blinken,Blinken,,Q312,",
    ]
    incoming = tmp_path / "in.csv"
    incoming.write_text(
        "id,name,aliases,kind,external_id,attributes\n"
        ",A. Blinken,Tony,person,Q312,\n"  # matched by external id: gains aliases and kind
        ',Jane Roe,,person,,"{""party"": ""X""}"\n'  # new
        ",antony blinken,,,Q999,\n"  # matched by name, another external id: a conflict
    )
    said = ok(url, "actors", "import", str(incoming), "--annotator", "ann")
    assert "1 actor(s) added, 1 updated" in said and "1 conflict(s)" in said and f"{incoming}:4" in said
    rows = {r["name"]: r for r in listed(url)}
    assert rows["Antony Blinken"]["aliases"] == ["Blinken", "A. Blinken", "Tony"]
    assert rows["Antony Blinken"]["kind"] == "person" and rows["Antony Blinken"]["mentions"] == 1
    assert rows["Jane Roe"]["attributes"] == {"party": "X"}
    before = listed(url)
    bad = tmp_path / "bad.csv"
    bad.write_text("id,name,aliases,kind,external_id,attributes\n,New One,,,,\n,Broken,,,,{not json\n")
    done = cli(url, "actors", "import", str(bad))
    assert done.returncode == 1 and f"{bad}:3: attributes are not JSON" in done.stderr
    assert listed(url) == before
    assert "Import actors from in.csv" in ok(url, "undo", "--annotator", "ann")  # the import is one step
    assert [(r["name"], r["aliases"], r["kind"]) for r in listed(url)] == [
        ("Antony Blinken", ["Blinken"], None)
    ]


def test_the_readme_forms_exist() -> None:
    """Every ``annotator actors`` line of the README's "Actors" block is a form the parser knows."""
    import shlex

    from annotator.cli import _parser
    from tests.test_readme import _block

    lines = _block("## Actors")
    assert len(lines) >= 10
    for line in lines:
        args = _parser().parse_args(shlex.split(line)[1:])
        assert args.command == "actors" and args.actors_command in line, line

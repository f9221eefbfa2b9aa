"""Comments travel: native JSONL round trip (and back in once), merging a teammate's project file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from sqlalchemy import select

from annotator.cli import main
from annotator.model import Annotator, RelationType
from annotator.ops.relations import create_relation
from annotator.store import open_store

TEXT = 'Mayor Ana Ruiz said: "The bridge opens in May." Critics disagree.'


def run(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> str:
    code = main(["--db", db, *args])
    out, err = capsys.readouterr()
    assert code == 0, err
    return out.strip()


def comments(capsys: pytest.CaptureFixture[str], db: str) -> list[dict[str, object]]:
    return json.loads(run(capsys, db, "comments", "--json"))  # type: ignore[no-any-return]


def shape(rows: list[dict[str, object]], texts: dict[object, str]) -> list[tuple[object, ...]]:
    """What a comment is, ids aside: its target (by the span's text), thread, kind, text, people, state."""
    first = {r["id"]: i for i, r in enumerate(rows)}
    return [
        (
            r["target"],
            texts.get(r["span"]),
            first.get(r["reply_to"]),
            r["kind"],
            r["text"],
            r["author"],
            r["state"],
            r["resolved_by"],
            r["time"],
        )
        for r in rows
    ]


def span_texts(db: str) -> dict[object, str]:
    from annotator.model import Annotation

    store = open_store(db)
    with store.session() as s:
        out: dict[object, str] = {a.id: a.text for a in s.scalars(select(Annotation))}
    store.close()
    return out


def _team(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> tuple[str, str, str]:
    """alice's project: a quote, an actor, a speaker link, comments on each and a resolved thread."""
    db = f"sqlite:///{tmp_path / 'team.db'}"
    article = tmp_path / "a.txt"
    article.write_text(TEXT, encoding="utf-8")
    run(capsys, db, "init")
    run(capsys, db, "import", str(article))
    ana, quote = TEXT.index("Ana"), TEXT.index('"The')
    actor = run(capsys, db, "annotate", "1", str(ana), str(ana + 8), "ACTOR", "--annotator", "alice")
    said = run(capsys, db, "annotate", "1", str(quote), str(quote + 26), "QUOTE", "--annotator", "alice")
    store = open_store(db)
    with store.transaction() as tx:
        speaker = tx.session.scalar(select(RelationType.id).where(RelationType.name == "speaker"))
        alice = tx.session.scalar(select(Annotator.id).where(Annotator.name == "alice"))
        link = create_relation(tx, int(said), int(actor), speaker or 0, alice or 0).id
    store.close()
    first = run(capsys, db, "comment", "--span", said, "Whole sentence?", "--annotator", "alice")
    run(capsys, db, "comment", "--reply", first, "Marks included.", "--annotator", "bob")
    run(capsys, db, "comment", "--resolve", first, "--annotator", "bob")
    run(
        capsys, db, "comment", "--relation", str(link), "Speaker or source?", "--annotator", "alice", "--flag"
    )
    run(capsys, db, "comment", "--doc", "1", "Paywalled?", "--annotator", "bob")
    return db, actor, said


def test_native_round_trip_keeps_every_comment_and_imports_it_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _actor, said = _team(tmp_path, capsys)
    out = tmp_path / "out.jsonl"
    run(capsys, db, "export", "--format", "jsonl", "-o", str(out))
    line = json.loads(out.read_text(encoding="utf-8"))
    assert [(c["target"], c.get("thread") is not None, c["state"]) for c in line["comments"]] == [
        ("span", False, "resolved"),
        ("span", True, "open"),
        ("relation", False, "open"),
        ("document", False, "open"),
    ]
    assert line["comments"][0]["span"] == int(said) and line["comments"][2]["relation"]["type"] == "speaker"
    fresh = f"sqlite:///{tmp_path / 'fresh.db'}"
    run(capsys, fresh, "init")
    run(capsys, fresh, "import", str(out), "--keep-annotators")
    before, after = comments(capsys, db), comments(capsys, fresh)
    assert shape(after, span_texts(fresh)) == shape(before, span_texts(db))
    assert after[2]["target"] == "relation"
    run(capsys, fresh, "import", str(out), "--annotator", "alice")  # again: nothing twice
    assert comments(capsys, fresh) == after


def test_a_bad_comment_in_a_file_names_its_line_and_imports_nothing(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = f"sqlite:///{tmp_path / 'p.db'}"
    run(capsys, db, "init")
    path = tmp_path / "bad.jsonl"
    good = {"text": "One.", "comments": [{"id": "u1", "text": "ok", "author": "ana"}]}
    bad = {
        "text": "Two.",
        "comments": [{"id": "u2", "target": "span", "span": 7, "text": "x", "author": "ana"}],
    }
    path.write_text(json.dumps(good) + "\n" + json.dumps(bad) + "\n", encoding="utf-8")
    assert main(["--db", db, "import", str(path), "--format", "native", "--keep-annotators"]) == 1
    err = capsys.readouterr().err
    assert "bad.jsonl:2" in err and "span '7'" in err
    assert comments(capsys, db) == []


def test_merging_a_teammates_file_brings_their_comments_and_resolutions_once(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _actor, _said = _team(tmp_path, capsys)
    theirs = tmp_path / "bob.db"
    run(capsys, db, "backup", "-o", str(theirs))  # bob's copy (reading the file would drop our locks)
    bob_db = f"sqlite:///{theirs}"
    critics = TEXT.index("Critics")
    # here alice labels on, so bob's new span gets another id in his copy than it will here
    run(capsys, db, "annotate", "1", "0", "5", "ACTOR", "--annotator", "alice")
    span = run(capsys, bob_db, "annotate", "1", str(critics), str(critics + 7), "ACTOR", "--annotator", "bob")
    bobs = run(capsys, bob_db, "comment", "--span", span, "Which critics?", "--annotator", "bob")
    flag = next(c for c in comments(capsys, bob_db) if c["kind"] == "flag")
    run(capsys, bob_db, "comment", "--resolve", str(flag["id"]), "--annotator", "bob")
    run(capsys, bob_db, "comment", "--reply", bobs, "Name them.", "--annotator", "bob")
    out = run(capsys, db, "merge", str(theirs), "--by", "bob")
    assert "comments +2" in out
    mine = comments(capsys, db)
    texts = span_texts(db)
    added = [c for c in mine if c["text"] in ("Which critics?", "Name them.")]
    assert [(c["target"], texts.get(c["span"])) for c in added] == [("span", "Critics"), ("span", "Critics")]
    assert added[1]["reply_to"] == added[0]["id"]
    assert [c["state"] for c in mine if c["kind"] == "flag"] == ["resolved"]
    run(capsys, db, "merge", str(theirs), "--by", "bob")  # again: nothing twice
    assert comments(capsys, db) == mine


def test_db_copy_carries_comments_with_their_threads_and_targets(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db, _actor, _said = _team(tmp_path, capsys)
    copy = f"sqlite:///{tmp_path / 'copy.db'}"
    run(capsys, db, "db", "copy", db, copy)
    assert shape(comments(capsys, copy), span_texts(copy)) == shape(comments(capsys, db), span_texts(db))

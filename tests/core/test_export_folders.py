"""Folder exports (brat, spaCy parts, every --split) hold exactly the new export, and never lose a
file that no export wrote: a user's notes stay, a folder of other files is refused."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.export_folder import MANIFEST
from annotator.formats import native
from tests.core.dataset_helpers import CORPUS, corpus_project


@pytest.fixture
def db(tmp_path: Path) -> str:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    corpus_project(url)
    return url


def export(capsys: pytest.CaptureFixture[str], db: str, *args: str) -> tuple[int, str]:
    code = main(["--db", db, "export", *args])
    out, err = capsys.readouterr()
    return code, out + err


def tree(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def texts(folder: Path) -> set[str]:
    return {p.read_text(encoding="utf-8") for p in folder.rglob("*.txt") if p.name != "notes.txt"}


def test_an_only_done_brat_export_replaces_the_earlier_export(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "brat"
    assert export(capsys, db, "--format", "brat", "-o", str(out))[0] == 0
    assert len(texts(out)) == len(CORPUS)
    assert main(["--db", db, "status", "new", "1", "2", "3"]) == 0
    code, printed = export(capsys, db, "--format", "brat", "--only-done", "-o", str(out))
    assert code == 0
    assert texts(out) == {text for text, *_ in CORPUS[3:]}  # not the three documents no longer done
    assert f"replaced the earlier export in {out} (removed 6 file(s) of the earlier export" in printed
    assert re.search(
        r"did not write: doc\d\.(ann|txt), doc\d\.(ann|txt), doc\d\.(ann|txt) and 3 more", printed
    )


def test_a_new_split_leaves_no_part_of_the_old_one(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "data"
    assert export(capsys, db, "--split", "0.34,0.33,0.33", "-o", str(out))[0] == 0
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "dev.jsonl", "test.jsonl", "train.jsonl"]
    code, printed = export(capsys, db, "--split", "0.5,0.5", "-o", str(out))
    assert code == 0 and "that this one did not write: test.jsonl)" in printed
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "dev.jsonl", "train.jsonl"]
    parts = [{r.text for r in native.read(out / f"{name}.jsonl")} for name in ("train", "dev")]
    assert parts[0].isdisjoint(parts[1]) and len(parts[0] | parts[1]) == len(CORPUS)
    lines = (out / MANIFEST).read_text().splitlines()
    assert json.loads(lines[0])["annotator_export"] == 1
    assert sorted(json.loads(line) for line in lines[1:]) == ["dev.jsonl", "train.jsonl"]


def test_a_users_file_in_an_export_folder_stays(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "corpus"
    assert export(capsys, db, "--format", "brat", "--split", "0.5,0.5", "--seed", "1", "-o", str(out))[0] == 0
    (out / "dev" / "notes.txt").write_text("my notes")
    (out / "README").write_text("how this corpus was made")
    assert export(capsys, db, "--format", "brat", "--split", "0.5,0.5", "--seed", "2", "-o", str(out))[0] == 0
    assert (out / "dev" / "notes.txt").read_text() == "my notes"
    assert (out / "README").read_text() == "how this corpus was made"
    train, dev = texts(out / "train"), texts(out / "dev")
    assert train.isdisjoint(dev) and len(train | dev) == len(CORPUS)  # nothing left from seed 1
    # Three parts, then one file: a folder of the earlier export keeps the user's file, and only it.
    assert export(capsys, db, "--format", "brat", "-o", str(out))[0] == 0
    assert sorted(p.name for p in out.iterdir() if p.is_dir()) == ["dev"]
    assert [p.name for p in (out / "dev").iterdir()] == ["notes.txt"]
    assert len(texts(out)) == len(CORPUS)


@pytest.mark.parametrize(
    "args",
    [
        ("--format", "brat"),
        ("--split", "0.5,0.5"),
        ("--format", "spacy", "--docs-per-file", "2"),
    ],
)
def test_a_folder_no_export_wrote_is_refused_before_any_work(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], args: tuple[str, ...]
) -> None:
    out = tmp_path / "mine"
    (out / "dev").mkdir(parents=True)
    (out / "dev" / "notes.txt").write_text("mine")
    (out / "train.jsonl").write_text("mine too")
    before = tree(out)
    code, printed = export(capsys, db, *args, "-o", str(out))
    assert code == 1
    assert (
        printed.startswith("annotator: error: ")
        and "is not empty and no annotator export wrote it" in printed
    )
    assert tree(out) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []
    empty = tmp_path / "empty"
    empty.mkdir()
    assert export(capsys, db, *args, "-o", str(empty))[0] == 0  # an empty folder is fine


def test_a_users_file_where_the_new_export_writes_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "data"
    assert export(capsys, db, "--split", "0.5,0.5", "-o", str(out))[0] == 0
    (out / "test.jsonl").write_text("the user's own test set")
    before = tree(out)
    code, printed = export(capsys, db, "--split", "0.4,0.3,0.3", "-o", str(out))
    assert code == 1
    assert "would overwrite 1 file(s) no annotator export wrote there (test.jsonl)" in printed
    assert tree(out) == before


@pytest.mark.parametrize("entry", ["../outside.txt", "/etc/hostname", "a/../../b"])
def test_a_doctored_manifest_cannot_make_an_export_delete_other_files(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], entry: str
) -> None:
    out = tmp_path / "data"
    assert export(capsys, db, "--split", "0.5,0.5", "-o", str(out))[0] == 0
    (tmp_path / "outside.txt").write_text("precious")
    with (out / MANIFEST).open("a") as fh:
        fh.write(json.dumps(entry) + "\n")
    before = tree(out)
    code, printed = export(capsys, db, "--split", "0.5,0.5", "--seed", "4", "-o", str(out))
    assert code == 1 and "not a file name inside the folder" in printed
    assert tree(out) == before and (tmp_path / "outside.txt").read_text() == "precious"


def test_fewer_spacy_parts_remove_the_old_ones(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "parts"
    assert export(capsys, db, "--format", "spacy", "--docs-per-file", "2", "-o", str(out))[0] == 0
    assert len(list(out.glob("*.spacy"))) == (len(CORPUS) + 1) // 2 > 1
    assert export(capsys, db, "--format", "spacy", "--docs-per-file", "100", "-o", str(out))[0] == 0
    assert sorted(p.name for p in out.iterdir()) == [MANIFEST, "part-00000.spacy"]

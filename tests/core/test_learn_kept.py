"""Models kept with a SQLite project (folders beside its file), the archive a database keeps them
in, and ``annotator models`` / ``--model NAME@VERSION``. PostgreSQL: ``test_learn_kept_pg.py``.

Tiny models on a made-up corpus (``benchmarks.quotes_corpus``); nothing is downloaded."""

from __future__ import annotations

import io
import json
import shutil
import subprocess
import tarfile
from collections.abc import Iterator
from pathlib import Path

import pytest

from annotator.errors import NotFoundError, ValidationError
from annotator.learn import archive, kept_rows
from annotator.learn.kept import (
    KeptModel,
    keep_with_project,
    kept_models,
    model_folder,
    next_version,
    train_for_project,
)
from annotator.learn.model import load
from annotator.learn.train import train
from annotator.ops.importer import import_records
from annotator.project import ProjectContext, open_for_commands
from annotator.store import open_store
from benchmarks.quotes_corpus import corpus
from tests.cli_forms import run


@pytest.fixture(scope="module")
def trained(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A tiny model folder, trained once for the module."""
    out = tmp_path_factory.mktemp("trained") / "quotes"
    train(corpus(12, seed=4), out, labels=["QUOTE", "ACTOR"], layer="annotator:ana", max_minutes=0.1)
    return out


@pytest.fixture
def sqlite_project(tmp_path: Path, sqlite_template: Path) -> Iterator[ProjectContext]:
    """A SQLite project file with ana's labels on 12 made-up documents."""
    from annotator.ops.projects import create_project

    (tmp_path / "p.db").write_bytes(sqlite_template.read_bytes())
    store = open_store(f"sqlite:///{tmp_path / 'p.db'}")
    with store.transaction() as tx:
        project = create_project(tx, "Kept")
        import_records(tx, project.id, corpus(12, seed=4), annotator="ana")
    store.close()
    opened = open_for_commands(f"sqlite:///{tmp_path / 'p.db'}", None)
    yield opened
    opened.store.close()


def test_a_kept_model_is_listed_and_its_folder_loads(sqlite_project: ProjectContext, trained: Path) -> None:
    assert kept_models(sqlite_project) == [] and next_version(sqlite_project, "quotes") == 1
    where = keep_with_project(sqlite_project, trained, "quotes", 1)
    home = Path(str(sqlite_project.store.engine.url.database) + ".models") / f"project-{sqlite_project.id}"
    assert where == str(home / "quotes@1")
    meta = json.loads((trained / "model.json").read_text())
    assert kept_models(sqlite_project) == [
        KeptModel("quotes", 1, ["QUOTE", "ACTOR"], meta["trained_at"], meta["figures"], where)
    ]
    assert kept_models(sqlite_project)[0].key == "quotes@1"
    assert model_folder(sqlite_project, "quotes@1") == home / "quotes@1"
    assert load(model_folder(sqlite_project, "quotes@1")).labels == ["QUOTE", "ACTOR"]
    assert next_version(sqlite_project, "quotes") == 2 and next_version(sqlite_project, "other") == 1
    with pytest.raises(NotFoundError, match="quotes@2"):
        model_folder(sqlite_project, "quotes@2")
    with pytest.raises(NotFoundError, match="not-a-key"):
        model_folder(sqlite_project, "not-a-key")


def test_training_for_a_sqlite_project_keeps_it_beside_the_file(sqlite_project: ProjectContext) -> None:
    done = train_for_project(
        sqlite_project, layer="annotator:ana", labels=["QUOTE"], name="q", max_minutes=0.1
    )
    assert done.folder == model_folder(sqlite_project, "q@1") and (done.folder / "model.json").is_file()
    again = train_for_project(
        sqlite_project, layer="annotator:ana", labels=["QUOTE"], name="q", max_minutes=0.1
    )
    assert again.folder.name == "q@2"
    assert [m.key for m in kept_models(sqlite_project)] == ["q@2", "q@1"]  # newest first
    assert all(m.where == str(model_folder(sqlite_project, m.key)) for m in kept_models(sqlite_project))


def test_a_row_unpacked_by_two_processes_at_once_ends_as_one_complete_folder(
    sqlite_project: ProjectContext, trained: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The row path works on any database (a SQLite project has the table too): while this process
    unpacks, another one renames its complete copy into place first; this one keeps that copy and
    leaves no temporary folder behind."""
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    meta = json.loads((trained / "model.json").read_text())
    kept_rows.insert(sqlite_project, meta, trained, "shared", 3)
    assert [(m.key, m.where) for m in kept_models(sqlite_project)] == [("shared@3", "database")]
    digest = kept_rows.digest_of(sqlite_project, "shared", 3)
    assert digest is not None
    final = kept_rows.cache_home(sqlite_project) / f"shared@3-{digest[:12]}"
    unpack = archive.unpack

    def the_other_process_first(data: bytes, target: Path) -> None:
        unpack(data, target)
        shutil.copytree(target, final)
        (final / "theirs").write_text("")

    monkeypatch.setattr(archive, "unpack", the_other_process_first)
    assert model_folder(sqlite_project, "shared@3") == final
    assert (final / "theirs").is_file() and load(final).labels == ["QUOTE", "ACTOR"]
    assert [p.name for p in final.parent.iterdir()] == [final.name]


def test_the_archive_holds_every_file_and_packs_the_same_bytes(trained: Path, tmp_path: Path) -> None:
    (tmp_path / "m" / "sub").mkdir(parents=True)
    (tmp_path / "m" / "model.json").write_text("{}")
    (tmp_path / "m" / "sub" / "x.bin").write_bytes(b"\0\1\2")
    data = archive.pack(tmp_path / "m")
    assert archive.pack(tmp_path / "m") == data  # no timestamps: the same folder, the same digest
    archive.unpack(data, tmp_path / "out")
    assert (tmp_path / "out" / "sub" / "x.bin").read_bytes() == b"\0\1\2"
    archive.unpack(archive.pack(trained), tmp_path / "model")
    assert sorted(p.name for p in (tmp_path / "model").iterdir()) == sorted(p.name for p in trained.iterdir())
    assert load(tmp_path / "model").labels == ["QUOTE", "ACTOR"]


def train_cli(url: str, out: Path) -> subprocess.CompletedProcess[str]:
    """``annotator train`` of a tiny model on ana's labels (the form a script uses)."""
    return run("--db", url, "train", "--layer", "annotator:ana", "-o", str(out), "--max-minutes", "0.1")


def tar_of(*members: tuple[str, bytes | None, bytes]) -> bytes:
    """A tar.gz of (name, link target or None, content) members, as a hostile client would write."""
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as tar:
        for name, link, content in members:
            info = tarfile.TarInfo(name)
            if link is not None:
                info.type, info.linkname = tarfile.SYMTYPE, link.decode()
                tar.addfile(info)
            else:
                info.size = len(content)
                tar.addfile(info, io.BytesIO(content))
    return buffer.getvalue()


@pytest.mark.parametrize(
    "member",
    [("../x", None, b"out"), ("/tmp/x", None, b"out"), ("a/../../x", None, b"out"), ("x", b"../../y", b"")],
    ids=["parent", "absolute", "inner-parent", "symlink"],
)
def test_an_archive_that_reaches_outside_its_folder_is_refused_and_writes_nothing(
    tmp_path: Path, member: tuple[str, bytes | None, bytes]
) -> None:
    target = tmp_path / "a" / "b"
    target.mkdir(parents=True)
    data = tar_of(("model.json", None, b"{}"), member)
    with pytest.raises(ValidationError, match="refused"):
        archive.unpack(data, target)
    assert sorted(p.relative_to(tmp_path).as_posix() for p in tmp_path.rglob("*")) == ["a", "a/b"]


def test_cli_models_lists_what_was_kept_and_model_takes_its_key(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path / 'p.db'}"
    assert run("--db", url, "init").returncode == 0
    (tmp_path / "c.jsonl").write_text(
        "".join(
            json.dumps(
                {
                    "text": r.text,
                    "spans": [
                        {"id": s.key, "start": s.start, "end": s.end, "label": s.label} for s in r.spans
                    ],
                    "relations": [{"from": x.source, "to": x.target, "type": x.type} for x in r.relations],
                }
            )
            + "\n"
            for r in corpus(12, seed=4)
        )
    )
    assert run("--db", url, "import", str(tmp_path / "c.jsonl"), "--annotator", "ana").returncode == 0
    none = run("--db", url, "models", "--json")
    assert none.returncode == 0, none.stderr
    assert json.loads(none.stdout) == []
    trained = train_cli(url, tmp_path / "quotes")
    assert trained.returncode == 0, trained.stderr
    listed = json.loads(run("--db", url, "models", "--json").stdout)
    assert [(m["key"], m["labels"], m["where"]) for m in listed] == [
        ("quotes@1", ["ACTOR", "QUOTE"], str(tmp_path / "p.db.models" / "project-1" / "quotes@1"))
    ]
    assert listed[0]["trained_at"] and listed[0]["figures"]["documents"] > 0
    table = run("--db", url, "models")
    assert table.returncode == 0 and "quotes@1" in table.stdout and "ACTOR,QUOTE" in table.stdout
    scored = run("--db", url, "evaluate", "--model", "quotes@1", "--layer", "annotator:ana", "--json")
    assert scored.returncode == 0, scored.stderr
    assert json.loads(scored.stdout)["documents"] == 12
    suggested = run("--db", url, "suggest", "--model", "quotes@1", "--annotator", "ana")
    assert suggested.returncode == 0, suggested.stderr
    assert suggested.stdout.startswith("model:quotes@1: ")
    for wrong in ("quotes@9", str(tmp_path / "nowhere")):
        for command in ("evaluate", "suggest"):
            extra = ("--layer", "annotator:ana") if command == "evaluate" else ("--annotator", "ana")
            refused = run("--db", url, command, "--model", wrong, *extra)
            assert refused.returncode != 0 and wrong in refused.stderr, (command, wrong, refused.stderr)
    again = train_cli(url, tmp_path / "quotes@1")  # a folder named as the listing names models
    assert again.returncode == 0, again.stderr
    assert [m["key"] for m in json.loads(run("--db", url, "models", "--json").stdout)] == [
        "quotes@2",
        "quotes@1",
    ]

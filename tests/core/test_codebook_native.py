"""Native JSONL carries the codebook its values use: an export restores into a fresh project without
``codebook import``; a definition of another type, or a value outside the project's choices, fails
the import naming file and line, and nothing is written."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from sqlalchemy import func, select

from annotator.attributes import define_attribute, list_attributes
from annotator.codebook_json import definitions_from_json
from annotator.errors import InputError
from annotator.export import export
from annotator.formats import native
from annotator.import_result import ImportResult
from annotator.model import Annotation, AttributeDef, AuditEntry, Document, Relation, RelationType
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project
from annotator.store import Store
from tests.cli_forms import run
from tests.core.test_attributes_native import TEXT
from tests.core.test_attributes_native import _line as attributes_line

PLAIN = "A second story without any values at all."


def _rtype(store: Store, project: int) -> str:
    with store.session() as s:
        query = select(RelationType.name).where(
            RelationType.project_id == project, RelationType.name == "speaker"
        )
        name = s.scalar(query)
    assert name is not None
    return name


def _line(rtype: str, value: object = "direct") -> dict[str, object]:
    """The line of test_attributes_native (QUOTE type and topics, a relation value), plus alice's
    document values."""
    line = attributes_line(rtype, value)
    line["attributes"] = {"alice": {"genre": "news"}}
    return line


def _source_project(store: Store, tmp_path: Path) -> Path:
    """A project with span, relation and document attributes (one unused), exported."""
    with store.transaction() as tx:
        project = create_project(tx, "P").id
    rtype = _rtype(store, project)
    with store.transaction() as tx:
        define_attribute(tx, project, "QUOTE", "type", "choice", ["direct", "indirect"])
        define_attribute(tx, project, "QUOTE", "topics", "multi", ["a", "b"])
        define_attribute(tx, project, "QUOTE", "unused", "number")
        define_attribute(tx, project, rtype, "certain", "bool", scope="relation")
        define_attribute(tx, project, "document", "genre", "text", scope="document")
    source = tmp_path / "in.jsonl"
    lines = [json.dumps(_line(rtype)), json.dumps({"text": PLAIN})]
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    with store.transaction() as tx:
        import_records(tx, project, native.read(source), keep_annotators=True)
    out = tmp_path / "out.jsonl"
    with store.session() as s:
        export(s, project, "jsonl", out)
    return out


def test_each_line_carries_the_definitions_its_values_use(store: Store, tmp_path: Path) -> None:
    out = _source_project(store, tmp_path)
    lines = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    valued = next(x for x in lines if x["text"] == TEXT)
    rtype = valued["relations"][0]["type"]
    assert valued["codebook"] == [
        {"document": True, "name": "genre", "type": "text"},
        {"label": "QUOTE", "name": "topics", "type": "multi", "values": ["a", "b"]},
        {"label": "QUOTE", "name": "type", "type": "choice", "values": ["direct", "indirect"]},
        {"relation": rtype, "name": "certain", "type": "bool"},
    ]
    assert "codebook" not in next(x for x in lines if x["text"] == PLAIN)


def test_an_export_restores_into_a_fresh_project(store: Store, tmp_path: Path) -> None:
    out = _source_project(store, tmp_path)
    with store.transaction() as tx:
        fresh = create_project(tx, "Fresh").id
    result = ImportResult()
    with store.transaction() as tx:
        result = import_records(tx, fresh, native.read(out), keep_annotators=True)
    assert sorted(result.attributes_added) == sorted(
        [
            "QUOTE.topics (multi: a, b)",
            "QUOTE.type (choice: direct, indirect)",
            f"{_rtype(store, fresh)}.certain (bool)",
            "document.genre (text)",
        ]
    )
    assert "attribute(s) the codebook lacked, added" in result.summary()
    with store.session() as s:
        made = {(a.owner, a.name, a.kind, a.choices) for a in list_attributes(s, fresh)}
        assert ("QUOTE", "type", "choice", ("direct", "indirect")) in made
        assert not any(name == "unused" for _o, name, _k, _c in made)  # only what values use
        quote = select(Annotation.attributes).where(Annotation.start == 20, Annotation.label_id.is_not(None))
        assert {"type": "direct", "topics": ["a", "b"]} in s.scalars(quote).all()
        assert {"certain": True} in s.scalars(select(Relation.attributes)).all()
        audited = s.scalars(select(AuditEntry).where(AuditEntry.entity == "attribute")).all()
        assert {e.detail["attribute"] for e in audited if e.action == "created" and e.detail} >= {
            "QUOTE.type"
        }
    again = tmp_path / "again.jsonl"
    with store.session() as s:
        export(s, fresh, "jsonl", again)
    first = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    second = [json.loads(x) for x in again.read_text(encoding="utf-8").splitlines()]
    assert [x.get("attributes") for x in second] == [x.get("attributes") for x in first]


def _refused(store: Store, tmp_path: Path, define: str, line: dict[str, object], match: str) -> None:
    with store.transaction() as tx:
        project = create_project(tx, "Q").id
        kind, choices = (define, []) if define != "choice" else ("choice", ["direct"])
        define_attribute(tx, project, "QUOTE", "type", kind, choices)
    source = tmp_path / "bad.jsonl"
    source.write_text(json.dumps({"text": PLAIN}) + "\n" + json.dumps(line) + "\n", encoding="utf-8")
    with store.session() as s:
        before = s.scalar(select(func.count()).select_from(AttributeDef))
    with pytest.raises(InputError, match=match) as caught, store.transaction() as tx:
        import_records(tx, project, native.read(source), keep_annotators=True)
    assert f"{source}:2" in str(caught.value)
    with store.session() as s:
        assert s.scalar(select(func.count()).select_from(Document)) == 0
        assert s.scalar(select(func.count()).select_from(AttributeDef)) == before


def test_a_definition_of_another_type_is_refused(store: Store, tmp_path: Path) -> None:
    line = _line("x")
    line["relations"], line["attributes"] = [], None
    line["codebook"] = [{"label": "QUOTE", "name": "type", "type": "choice", "values": ["direct"]}]
    _refused(store, tmp_path, "text", line, "QUOTE.type: the file defines it as choice, this project as text")


def test_a_value_outside_the_projects_choices_is_refused(store: Store, tmp_path: Path) -> None:
    line = _line("x", "mixed")
    line["relations"], line["attributes"] = [], None
    line["codebook"] = [  # topics is created, then taken back with everything else
        {"label": "QUOTE", "name": "topics", "type": "multi", "values": ["a", "b"]},
        {"label": "QUOTE", "name": "type", "type": "choice", "values": ["direct", "mixed"]},
    ]
    _refused(store, tmp_path, "choice", line, "'mixed' is not one of direct")


@pytest.mark.parametrize(
    ("codebook", "message"),
    [
        ({"label": "QUOTE"}, "'codebook' must be a list"),
        ([{"name": "type", "type": "choice"}], "needs a 'label', a 'relation'"),
        ([{"label": "QUOTE", "name": "type", "type": "colour"}], "'type' must be one of"),
        ([{"label": "QUOTE", "name": "type", "type": "choice", "values": "a,b"}], "'values' must be a list"),
    ],
)
def test_a_malformed_definition_names_file_and_line(codebook: object, message: str) -> None:
    with pytest.raises(InputError, match=message) as caught:
        definitions_from_json({"codebook": codebook}, Path("f.jsonl"), 7)
    assert "f.jsonl:7" in str(caught.value)


def cli(db: str, *args: str) -> subprocess.CompletedProcess[str]:
    return run("--db", db, *args)


def test_the_cli_restores_an_export_with_values_into_a_fresh_project(tmp_path: Path) -> None:
    src, dst = f"sqlite:///{tmp_path / 'src.db'}", f"sqlite:///{tmp_path / 'dst.db'}"
    assert cli(src, "init").returncode == 0
    (tmp_path / "a.txt").write_text(TEXT, encoding="utf-8")
    assert cli(src, "import", str(tmp_path / "a.txt")).returncode == 0
    assert (
        cli(
            src, "attributes", "add", "QUOTE", "type", "--type", "choice", "--values", "direct,indirect"
        ).returncode
        == 0
    )
    span = cli(src, "annotate", "1", "20", "44", "QUOTE", "--annotator", "alice").stdout.strip()
    assert cli(src, "attributes", "set", span, "type", "indirect").returncode == 0
    out = tmp_path / "out.jsonl"
    assert cli(src, "export", "--format", "jsonl", "-o", str(out)).returncode == 0
    assert cli(dst, "init").returncode == 0
    done = cli(dst, "import", str(out), "--keep-annotators")
    assert done.returncode == 0, done.stderr
    assert "QUOTE.type (choice: direct, indirect)" in done.stdout + done.stderr
    listed = json.loads(cli(dst, "attributes", "list", "--json").stdout)
    assert [(a["owner"], a["name"], a["values"]) for a in listed] == [
        ("QUOTE", "type", ["direct", "indirect"])
    ]

"""Hostile files that used to get through: each is refused with file:line and reason (importing
nothing), or imported with a documented, reported replacement, never a traceback."""

from __future__ import annotations

import contextlib
import json
import zlib
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import select

from annotator.model import Document
from annotator.store import open_store
from tests.core.cli_run import new_project, run


def refused(capsys: pytest.CaptureFixture[str], db: str, path: Path, *options: str) -> str:
    """The error of an import that must fail and leave the project empty."""
    code, _, err = run(capsys, "--db", db, "import", str(path), *options)
    assert code == 1
    assert documents(db) == []
    return err.strip()


def native(*docs: dict[str, Any]) -> str:
    return "".join(json.dumps(d) + "\n" for d in docs)


def hf(tags: list[Any], **extra: Any) -> str:
    """One Hugging Face JSONL line over the tokens "Ann spoke"."""
    line = {"tokens": ["Ann", "spoke"], "ner_tags": tags, "label_names": ["O", "B-ACTOR"], **extra}
    return json.dumps(line) + "\n"


FINE = {"text": "A fine first document."}
SPAN = {"id": 1, "start": 0, "end": 3, "label": "ACTOR", "annotator": "alice"}


@pytest.fixture
def db(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> str:
    return new_project(capsys, tmp_path, "h.db")


def documents(url: str) -> list[Document]:
    store = open_store(url)
    try:
        with store.session() as s:
            docs = list(s.scalars(select(Document).order_by(Document.id)))
            s.expunge_all()
            return docs
    finally:
        store.close()


REFUSED: dict[str, tuple[str, str | bytes, str]] = {
    # name: (file name, content, expected message after "annotator: error: ")
    "label with a lone surrogate": (
        "a.jsonl",
        native(FINE, {"text": "Ann spoke.", "spans": [{**SPAN, "label": "X\ud800"}]}),
        "a.jsonl:2: span 1: label 'X\\ud800' contains an unpaired surrogate (U+D800)",
    ),
    "annotator with a lone surrogate": (
        "b.jsonl",
        native({"text": "Ann spoke.", "spans": [{**SPAN, "annotator": "\udfffbob"}]}),
        "b.jsonl:1: span 1: annotator '\\udfffbob' contains an unpaired surrogate (U+DFFF)",
    ),
    "annotator is an object": (
        "c.jsonl",
        native(FINE, FINE | {"text": "Ann spoke.", "spans": [{**SPAN, "annotator": {"name": "x"}}]}),
        "c.jsonl:2: span 1: annotator must be a string, not an object",
    ),
    "relation annotator is a list": (
        "c2.jsonl",
        native(
            {
                "text": "Ann spoke.",
                "spans": [SPAN, {**SPAN, "id": 2, "start": 4, "end": 9, "label": "QUOTE"}],
                "relations": [{"from": 2, "to": 1, "type": "speaker", "annotator": ["x"]}],
            }
        ),
        "c2.jsonl:1: relation 1: annotator must be a string, not a list",
    ),
    "label with a newline": (
        "d.jsonl",
        native({"text": "Ann spoke.", "spans": [{**SPAN, "label": "NEW\nLINE"}]}),
        "d.jsonl:1: span 1: label 'NEW\\nLINE' contains a control character (U+000A)",
    ),
    "annotator with an escape sequence": (
        "e.jsonl",
        native({"text": "Ann spoke.", "spans": [{**SPAN, "annotator": "\x1b]0;pwned\x07"}]}),
        "e.jsonl:1: span 1: annotator '\\x1b]0;pwned\\x07' contains a control character (U+001B)",
    ),
    "metadata 900 deep": (
        "f.jsonl",
        native(FINE) + '{"text": "deep", "meta": {"x": ' + "[" * 900 + "]" * 900 + "}}\n",
        "f.jsonl:2: metadata nested more than 100 levels deep",
    ),
    "native duplicate span id": (
        "g.jsonl",
        native(
            FINE,
            {
                "text": "Ann told Bob: no.",
                "spans": [SPAN, {**SPAN, "start": 9, "end": 12}, {**SPAN, "id": 2, "start": 14, "end": 16}],
                "relations": [{"from": 2, "to": 1, "type": "speaker", "annotator": "alice"}],
            },
        ),
        "g.jsonl:2: span id '1' is used twice in this document",
    ),
    "doccano duplicate entity id": (
        "h.jsonl",
        native(
            {
                "text": "Ann told Bob: no.",
                "entities": [
                    {"id": 7, "start_offset": 0, "end_offset": 3, "label": "ACTOR"},
                    {"id": 7, "start_offset": 9, "end_offset": 12, "label": "ACTOR"},
                ],
                "relations": [],
            }
        ),
        "h.jsonl:1: span id '7' is used twice in this document",
    ),
    "hf negative tag id": (
        "i.jsonl",
        hf([-1, 0]),
        "i.jsonl:1: tag id -1 is not in the label list (0–1)",
    ),
    "hf boolean tag id": (
        "i2.jsonl",
        hf([True, 0]),
        "i2.jsonl:1: tag id True is not in the label list (0–1)",
    ),
    "hf text offsets": (
        "j.jsonl",
        hf([1, 0], text="Ann spoke", offsets=[["a", "b"], [4, 9]]),
        "j.jsonl:1: 'offsets' must be [start, end] pairs of whole numbers, not ['a', 'b']",
    ),
    "hf float offsets": (
        "k.jsonl",
        hf([1, 0], text="Ann spoke", offsets=[[0.5, 3], [4, 9]]),
        "k.jsonl:1: 'offsets' must be [start, end] pairs of whole numbers, not [0.5, 3]",
    ),
    "hf line not an object": (
        "k2.jsonl",
        json.dumps({"tokens": ["Ann"], "ner_tags": [0], "label_names": ["O"]}) + "\n[1, 2]\n",
        "k2.jsonl:2: expected a JSON object per line",
    ),
}


@pytest.mark.parametrize("case", sorted(REFUSED))
def test_hostile_file_is_refused_with_file_and_line(
    case: str, db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    name, content, expected = REFUSED[case]
    path = tmp_path / name
    if isinstance(content, str):
        path.write_text(content, encoding="utf-8", errors="surrogatepass")
    else:
        path.write_bytes(content)
    assert refused(capsys, db, path, "--create-labels") == f"annotator: error: {path.parent / expected}"


def test_label_studio_region_id_for_two_places_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def region(rid: str, start: int, end: int, text: str) -> dict[str, Any]:
        value = {"start": start, "end": end, "text": text, "labels": ["ACTOR"]}
        return {"id": rid, "type": "labels", "from_name": "l", "to_name": "t", "value": value}

    task = {
        "data": {"text": "Ann told Bob: no."},
        "annotations": [
            {
                "completed_by": "alice",
                "result": [
                    region("r1", 0, 3, "Ann"),
                    region("r1", 9, 12, "Bob"),
                    {"type": "relation", "from_id": "r1", "to_id": "r1", "labels": ["speaker"]},
                ],
            }
        ],
    }
    path = tmp_path / "ls.json"
    path.write_text(json.dumps([task], indent=1), encoding="utf-8")
    err = refused(capsys, db, path)
    assert f"{path}:" in err and "region id 'r1' is used for two places" in err


def test_label_studio_region_with_two_label_sets_is_still_one_region(tmp_path: Path) -> None:
    value = {"start": 0, "end": 3, "text": "Ann"}
    task = {
        "data": {"text": "Ann spoke."},
        "annotations": [
            {
                "result": [
                    {"id": "r1", "type": "labels", "value": {**value, "labels": ["ACTOR"]}},
                    {"id": "r1", "type": "labels", "value": {**value, "labels": ["PERSON"]}},
                ]
            }
        ],
    }
    path = tmp_path / "two.json"
    path.write_text(json.dumps([task]), encoding="utf-8")
    from annotator.formats.sources import read_path

    (record,) = read_path(path, annotator="ann")
    assert sorted(s.label for s in record.spans) == ["ACTOR", "PERSON"]


def test_brat_duplicate_t_id_is_refused(db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "brat"
    folder.mkdir()
    (folder / "a.txt").write_text("Ann told Bob: no.", encoding="utf-8")
    (folder / "a.ann").write_text(
        "T1\tACTOR 0 3\tAnn\nT2\tQUOTE 14 16\tno\nT1\tACTOR 9 12\tBob\nR1\tspeaker Arg1:T2 Arg2:T1\n",
        encoding="utf-8",
    )
    err = refused(capsys, db, folder, "--annotator", "alice")
    assert err == f"annotator: error: {folder / 'a.ann'}:3: T1 is defined twice in this file"


def test_w3c_duplicate_annotation_id_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    def tag(ident: str, start: int, end: int) -> dict[str, Any]:
        return {
            "id": ident,
            "type": "Annotation",
            "motivation": "tagging",
            "body": {"type": "TextualBody", "purpose": "tagging", "value": "ACTOR"},
            "target": {
                "source": "doc",
                "selector": {"type": "TextPositionSelector", "start": start, "end": end},
            },
        }

    path = tmp_path / "a.jsonld"
    items = [tag("#a1", 0, 3), tag("#a1", 9, 12)]
    path.write_text("\n".join(json.dumps(i) for i in items) + "\n", encoding="utf-8")
    (tmp_path / "a.txt").write_text("Ann told Bob: no.", encoding="utf-8")
    err = refused(capsys, db, path, "--annotator", "alice")
    assert err == f"annotator: error: {path}:2: annotation id '#a1' is used twice"


def test_nul_and_lone_surrogates_are_replaced_and_reported(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "Ann\x00 said\ud800 no."
    line = {
        "text": text,
        "title": "T\x00itle\udc00",
        "meta": {"k\x00": ["v\ud800", {"deep": "\x00"}]},
        "spans": [{**SPAN, "start": 5, "end": 10, "text": text[5:10]}],
    }
    path = tmp_path / "nul.jsonl"
    path.write_text(native(line), encoding="utf-8", errors="surrogatepass")
    code, out, err = run(capsys, "--db", db, "import", str(path), "--keep-annotators")
    assert code == 0, err
    assert "note (7): NUL characters or unpaired surrogates replaced by U+FFFD (offsets unchanged)" in out
    (doc,) = documents(db)
    assert doc.text == "Ann\ufffd said\ufffd no."
    assert doc.title == "T\ufffditle\ufffd"
    assert doc.meta == {"k\ufffd": ["v\ufffd", {"deep": "\ufffd"}]}
    exported = tmp_path / "out.jsonl"
    assert run(capsys, "--db", db, "export", "-o", str(exported))[0] == 0
    (span,) = json.loads(exported.read_text(encoding="utf-8"))["spans"]
    assert (span["start"], span["end"], span["text"]) == (5, 10, "said\ufffd")


def test_nul_in_a_peer_file_is_reported_in_its_read_report(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(native({"text": "Ann\x00 spoke.", "label": [[0, 3, "ACTOR"]]}), encoding="utf-8")
    code, out, err = run(
        capsys, "--db", db, "import", str(path), "--annotator", "alice", "--format", "doccano"
    )
    assert code == 0, err
    assert "note (1): NUL characters or unpaired surrogates replaced by U+FFFD" in out
    assert [d.text for d in documents(db)] == ["Ann\ufffd spoke."]


def test_default_annotator_with_a_control_character_is_refused(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "d.jsonl"
    path.write_text(native({"text": "Ann spoke.", "label": [[0, 3, "ACTOR"]]}), encoding="utf-8")
    err = refused(capsys, db, path, "--annotator", "al\nice")
    assert "annotator name 'al\\nice' contains a control character (U+000A)" in err


def zlib_bomb(path: Path, inflated: int) -> Path:
    """A small file that would inflate to ``inflated`` bytes of zeros (built piece by piece)."""
    packer = zlib.compressobj(9)
    piece = bytes(1 << 20)
    with path.open("wb") as fh:
        for _ in range(inflated >> 20):
            fh.write(packer.compress(piece))
        fh.write(packer.flush())
    return path


def test_spacy_decompression_bomb_is_refused_before_spacy_inflates_it(
    db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    from spacy.tokens import DocBin

    def never(*_args: object) -> None:
        raise AssertionError("spaCy was handed the bomb")

    monkeypatch.setattr(DocBin, "from_bytes", never)
    bomb = zlib_bomb(tmp_path / "bomb.spacy", 200 << 20)
    assert bomb.stat().st_size < 1 << 20
    err = refused(capsys, db, bomb)
    assert err.startswith(f"annotator: error: {bomb}: refused: inflates to more than ")
    assert "decompression bomb" in err


def test_inflating_is_bounded_piece_by_piece(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.errors import InputError
    from annotator.formats import spacy_docbin

    monkeypatch.setattr(spacy_docbin, "INFLATE_FLOOR", 1 << 20)
    monkeypatch.setattr(spacy_docbin, "INFLATE_PIECE", 1 << 16)
    data = zlib_bomb(tmp_path / "b.spacy", 8 << 20).read_bytes()
    seen: list[int] = []
    real = zlib.decompressobj

    class Spy:
        def __init__(self) -> None:
            self.inner = real()

        def decompress(self, data: bytes, max_length: int = 0) -> bytes:
            out = self.inner.decompress(data, max_length)
            seen.append(len(out))
            return out

        def __getattr__(self, name: str) -> Any:
            return getattr(self.inner, name)

    monkeypatch.setattr(zlib, "decompressobj", Spy)
    with pytest.raises(InputError, match="inflates to more than"):
        spacy_docbin.check_inflated_size(tmp_path / "b.spacy", data)
    assert seen and max(seen) <= 1 << 16
    assert sum(seen) <= (1 << 20) + 200 * len(data) + (1 << 16)


def test_a_real_docbin_is_still_read(tmp_path: Path) -> None:
    from annotator.formats import spacy_docbin
    from annotator.formats.base import ExportReport
    from annotator.records import DocRecord, SpanRecord

    text = "the same words again and again. " * 3000
    out = tmp_path / "real.spacy"
    spacy_docbin.write([DocRecord(text, spans=[SpanRecord(0, 3, "ACTOR", "alice")])], out, ExportReport(out))
    (record,) = spacy_docbin.read(out)
    assert record.text == text and [(s.start, s.end) for s in record.spans] == [(0, 3)]


@pytest.mark.parametrize("head", [-1, 5, "0"])
def test_spacy_relation_to_a_span_that_is_not_there_is_refused(
    head: object, db: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from spacy.tokens import DocBin

    from annotator.formats import spacy_docbin
    from annotator.formats.base import ExportReport
    from annotator.records import DocRecord, RelationRecord, SpanRecord

    spans = [SpanRecord(0, 3, "ACTOR", "ann", key="1"), SpanRecord(10, 13, "QUOTE", "ann", key="2")]
    record = DocRecord("Ann said: yes.", spans=spans, relations=[RelationRecord("2", "1", "speaker", "ann")])
    path = tmp_path / "crafted.spacy"
    doc = spacy_docbin.to_doc(spacy_docbin.blank("en"), record, "sc", ExportReport(path))
    doc.user_data[spacy_docbin.USER_DATA]["relations"][0]["child"] = head  # -1 once read the last span
    docbin = DocBin(store_user_data=True)
    docbin.add(doc)
    path.write_bytes(docbin.to_bytes())
    err = refused(capsys, db, path)
    assert err.startswith(f"annotator: error: {path}: document 1: malformed spaCy data")
    assert "a relation refers to span" in err


def _labelstudio(task: dict[str, Any]) -> None:
    task["annotations"][0]["result"][-1]["labels"] = 1.5  # the relation's labels


def _w3c_sources(doc: dict[str, Any]) -> None:
    doc["annotator:sources"] = 1.5


def _w3c_selector(doc: dict[str, Any]) -> None:
    for item in doc["first"]["items"]:
        selectors = item["target"].get("selector") if isinstance(item["target"], dict) else None
        if isinstance(selectors, list):
            selectors[0]["type"] = {"an": "object"}


def _w3c_link(doc: dict[str, Any]) -> None:
    for item in doc["first"]["items"]:
        if isinstance(item["target"], list):
            item["target"] = True


MUTATIONS = {
    "labelstudio predictions not a list": ("labelstudio", lambda task: task.update(predictions=True)),
    "labelstudio relation labels a number": ("labelstudio", _labelstudio),
    "w3c sources a number": ("w3c", _w3c_sources),
    "w3c selector type an object": ("w3c", _w3c_selector),
    "w3c link target not a list": ("w3c", _w3c_link),
}


@pytest.mark.parametrize("case", sorted(MUTATIONS))
def test_odd_values_in_peer_files_never_raise_a_traceback(case: str, tmp_path: Path) -> None:
    """Found by mutating exports at random: each once raised TypeError from the reader."""
    from annotator.errors import AnnotatorError
    from annotator.formats import peers
    from annotator.formats.base import ExportReport
    from annotator.formats.sources import read_path
    from annotator.records import DocRecord, RelationRecord, SpanRecord

    fmt, mutate = MUTATIONS[case]
    record = DocRecord(
        "Ann said: no way.",
        spans=[SpanRecord(0, 3, "ACTOR", "ann", key="1"), SpanRecord(10, 16, "QUOTE", "ann", key="2")],
        relations=[RelationRecord("2", "1", "speaker", "ann")],
    )
    path = tmp_path / f"file.{'json' if fmt == 'labelstudio' else 'jsonld'}"
    peers.writer(fmt)([record], path, ExportReport(path))
    data = json.loads(path.read_text(encoding="utf-8"))
    mutate(data[0] if isinstance(data, list) else data)
    path.write_text(json.dumps(data), encoding="utf-8")
    with contextlib.suppress(AnnotatorError):  # a clear error is fine; a TypeError was not
        read_path(path, fmt, annotator="ann")

"""Native JSONL: exact round trips, atomic writes, and bad files that import nothing."""

from __future__ import annotations

import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from annotator.errors import InputError
from annotator.export import export
from annotator.formats import native
from annotator.model import Project
from annotator.ops.importer import import_records
from annotator.ops.projects import create_project
from annotator.queries import document_count, stats
from annotator.store import Store, open_store

ALPHABET = st.sampled_from([*"abc xyz.,\"'\n", "😀", "👍🏽", "e\u0301", "終", "わ", "ش", "ע", "\u200d", "Ω"])
LABEL_TYPES = {"QUOTE": "speaker", "CLAIM": "claimant"}
# NUL is replaced on import (see annotator.formats.guards): not part of an exact round trip.
STRINGS = st.text(st.characters(exclude_categories=("Cs",), exclude_characters="\x00"), max_size=10)


@st.composite
def documents(draw: st.DrawFn) -> dict[str, Any]:
    text = "".join(draw(st.lists(ALPHABET, min_size=1, max_size=40)))
    spans: list[dict[str, Any]] = []
    seen = set()
    for i in range(draw(st.integers(0, 8))):
        start = draw(st.integers(0, len(text) - 1))
        end = draw(st.integers(start + 1, len(text)))
        label = draw(st.sampled_from(["CLAIM", "QUOTE", "ACTOR"]))
        who = draw(st.sampled_from(["alice", "bob"]))
        if (start, end, label, who) in seen:
            continue
        seen.add((start, end, label, who))
        spans.append(
            {"id": i, "start": start, "end": end, "label": label, "text": text[start:end], "annotator": who}
        )
    relations = []
    actors = [s for s in spans if s["label"] == "ACTOR"]
    for s in spans:
        if s["label"] in LABEL_TYPES and actors and draw(st.booleans()):
            target = draw(st.sampled_from(actors))
            relations.append(
                {
                    "from": s["id"],
                    "to": target["id"],
                    "type": LABEL_TYPES[s["label"]],
                    "annotator": s["annotator"],
                }
            )
    meta = draw(st.dictionaries(st.sampled_from(["section", "lang", "n"]), STRINGS, max_size=2))
    return {
        "text": text,
        "title": draw(st.none() | STRINGS),
        "meta": meta,
        "spans": spans,
        "relations": relations,
    }


def _write_jsonl(path: Path, lines: list[dict[str, Any]]) -> Path:
    path.write_text("".join(json.dumps(line, ensure_ascii=False) + "\n" for line in lines), encoding="utf-8")
    return path


def _canonical(path: Path) -> dict[str, Any]:
    """A file's content with database ids replaced by what they point at."""
    out: dict[str, Any] = {}
    # Not splitlines(): U+2028 and U+0085 may stand unescaped inside JSON strings.
    for line in path.read_text(encoding="utf-8").split("\n")[:-1]:
        doc = json.loads(line)
        by_id = {s["id"]: (s["start"], s["end"], s["label"], s["annotator"]) for s in doc["spans"]}
        out[doc["text"]] = {
            "title": doc.get("title"),
            "meta": doc["meta"],
            "spans": sorted((*by_id[s["id"]], s["text"]) for s in doc["spans"]),
            "relations": sorted(
                (by_id[r["from"]], by_id[r["to"]], r["type"], r["annotator"]) for r in doc["relations"]
            ),
        }
    return out


_COUNTER = itertools.count()


def _fresh(store: Store) -> int:
    """A new project in ``store`` (stores are shared across examples: migrations cost time)."""
    with store.transaction() as tx:
        return create_project(tx, f"P{next(_COUNTER)}").id


@pytest.fixture(scope="module")
def two_stores(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[Store, Store]]:
    tmp = tmp_path_factory.mktemp("stores")
    first, second = open_store(f"sqlite:///{tmp / 'a.db'}"), open_store(f"sqlite:///{tmp / 'b.db'}")
    yield first, second
    first.close()
    second.close()


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(docs=st.lists(documents(), min_size=1, max_size=4, unique_by=lambda d: d["text"]))
def test_round_trip_reproduces_documents_spans_and_relations(
    tmp_path_factory: pytest.TempPathFactory, two_stores: tuple[Store, Store], docs: list[dict[str, Any]]
) -> None:
    tmp = tmp_path_factory.mktemp("rt")
    source = _write_jsonl(tmp / "in.jsonl", docs)
    first, second = two_stores
    p1 = _fresh(first)
    with first.transaction() as tx:
        import_records(tx, p1, native.read(source))
    with first.session() as s:
        export(s, p1, "jsonl", tmp / "a.jsonl")
    p2 = _fresh(second)
    with second.transaction() as tx:
        import_records(tx, p2, native.read(tmp / "a.jsonl"))
    with second.session() as s:
        export(s, p2, "jsonl", tmp / "b.jsonl")
    expected = {
        d["text"]: {
            "title": d["title"],
            "meta": d["meta"],
            "spans": sorted(
                (s["start"], s["end"], s["label"], s["annotator"], s["text"]) for s in d["spans"]
            ),
            "relations": sorted(
                (
                    next(
                        (s["start"], s["end"], s["label"], s["annotator"])
                        for s in d["spans"]
                        if s["id"] == r["from"]
                    ),
                    next(
                        (s["start"], s["end"], s["label"], s["annotator"])
                        for s in d["spans"]
                        if s["id"] == r["to"]
                    ),
                    r["type"],
                    r["annotator"],
                )
                for r in d["relations"]
            ),
        }
        for d in docs
    }
    assert _canonical(tmp / "a.jsonl") == expected
    assert _canonical(tmp / "b.jsonl") == expected


def test_reimporting_the_same_file_adds_nothing(store: Store, project: Project, tmp_path: Path) -> None:
    doc = {
        "text": "Ana said “yes” 😀.",
        "spans": [{"id": 1, "start": 0, "end": 3, "label": "ACTOR", "annotator": "alice"}],
    }
    path = _write_jsonl(tmp_path / "d.jsonl", [doc, doc])
    for _ in range(2):
        with store.transaction() as tx:
            import_records(tx, project.id, native.read(path))
    with store.session() as s:
        assert document_count(s, project.id) == 1
        assert stats(s, project.id)["spans"] == 1


BAD_FILES = {
    "malformed": ('{"text": "ok"}\n{"text": oops}\n', ":2: malformed JSON"),
    "truncated": ('{"text": "ok"}\n{"text": "cut', ":2: truncated last line"),
    "outside": (
        '{"text": "abc", "spans": [{"start": 1, "end": 9, "label": "ACTOR", "annotator": "a"}]}\n',
        ":1: span 1–9 lies outside",
    ),
    "reversed": (
        '{"text": "abc", "spans": [{"start": 2, "end": 1, "label": "ACTOR", "annotator": "a"}]}\n',
        "empty or reversed",
    ),
    "mismatch": (
        '{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "ACTOR", "text": "bc", "annotator": "a"}]}\n',
        "does not match",
    ),
    "label": (
        '{"text": "abc", "spans": [{"start": 0, "end": 2, "label": "PLACE", "annotator": "a"}]}\n',
        "unknown label 'PLACE'",
    ),
    "missing span": (
        '{"text": "abc", "spans": [], "relations": [{"from": 1, "to": 2, "type": "speaker"}]}\n',
        "missing span",
    ),
    "no text": ('{"title": "x"}\n', "no 'text' field"),
    "not object": ("[1, 2]\n", "expected a JSON object"),
    "nested": ('{"text": "a", "meta": ' + "[" * 100_000 + "]" * 100_000 + "}\n", "nested too deeply"),
}


@pytest.mark.parametrize("case", sorted(BAD_FILES))
def test_bad_file_names_file_and_line_and_imports_nothing(
    store: Store, project: Project, tmp_path: Path, case: str
) -> None:
    content, message = BAD_FILES[case]
    path = tmp_path / f"{case.replace(' ', '_')}.jsonl"
    path.write_text(
        '{"text": "a good first document"}\n' + content
        if case not in {"malformed", "truncated"}
        else content,
        encoding="utf-8",
    )
    with pytest.raises(InputError) as err, store.transaction() as tx:
        import_records(tx, project.id, native.read(path))
    assert path.name in str(err.value)
    assert (
        message.replace(":1:", ":2:") in str(err.value)
        if case not in {"malformed", "truncated"}
        else message in str(err.value)
    )
    with store.session() as s:
        assert document_count(s, project.id) == 0


def test_interrupted_export_leaves_no_file_under_the_target_name(
    store: Store, project: Project, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    with store.transaction() as tx:
        import_records(
            tx,
            project.id,
            native.read(_write_jsonl(tmp_path / "in.jsonl", [{"text": f"doc {i}"} for i in range(5)])),
        )
    target = tmp_path / "out.jsonl"
    target.write_text("previous export\n")
    calls = 0
    real = native.to_json

    def failing(record: Any) -> dict[str, Any]:
        nonlocal calls
        calls += 1
        if calls == 3:
            raise KeyboardInterrupt
        return real(record)

    monkeypatch.setattr(native, "to_json", failing)
    with pytest.raises(KeyboardInterrupt), store.session() as s:
        export(s, project.id, "jsonl", target)
    assert target.read_text() == "previous export\n"
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".out")] == []


def test_the_same_text_in_two_import_batches_is_merged_not_duplicated(
    store: Store, project: Project, monkeypatch: pytest.MonkeyPatch
) -> None:
    from annotator.ops import importer
    from annotator.records import DocRecord, SpanRecord

    monkeypatch.setattr(importer, "CHUNK", 1)  # every record its own batch
    records = [
        DocRecord("Ana Ruiz spoke.", spans=[SpanRecord(0, 8, "ACTOR", "alice", key="1")]),
        DocRecord("Ana Ruiz spoke.", spans=[SpanRecord(0, 8, "ACTOR", "alice", key="1")]),
        DocRecord("Ana Ruiz spoke.", spans=[SpanRecord(9, 14, "CLAIM", "bob", key="1")]),
    ]
    with store.transaction() as tx:
        result = import_records(tx, project.id, records)
    assert (result.documents_added, result.documents_existing) == (1, 2)
    assert (result.spans_added, result.spans_existing) == (2, 1)

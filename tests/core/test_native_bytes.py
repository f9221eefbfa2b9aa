"""Native JSONL read as bytes (plain UTF-8 files) gives exactly what the decoded-text path gives:
the same records, the same skipped blank lines, the same errors with the same lines and columns."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.errors import InputError
from annotator.formats import native


def _line(text: str, **extra: object) -> str:
    spans = [{"id": 1, "start": 0, "end": 2, "label": "ACTOR", "annotator": "ana", "text": text[:2]}]
    return json.dumps({"text": text, "spans": spans, "relations": [], **extra}, ensure_ascii=False)


def _both(path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[object, object]:
    """What the reader gives (records, or the error) on the bytes path, then forced through decode."""

    def run() -> object:
        try:
            return [(r.line, r.text, r.meta, r.spans, r.relations) for r in native.read(path)]
        except InputError as exc:
            return (exc.path, exc.line, exc.reason)

    assert native._plain_utf8(path.read_bytes())  # the bytes path is the one taken
    fast = run()
    with monkeypatch.context() as patch:
        patch.setattr(native, "_plain_utf8", lambda data: False)
        slow = run()
    return fast, slow


GOOD = [
    _line("Ana said 😀 that 北京 and \u05e9\u05dc\u05d5\u05dd agree.", meta={"k": "é"}),
    "   ",
    "\u3000\u00a0",  # Unicode blanks only: skipped, as str.strip() skips them
    "\x1f",  # an ASCII separator str.strip() takes and bytes.strip() does not
    _line('Bo: "e\u0301galite\u0301" \u2028 end'),
    '{"text": "lone \\ud800 escape", "spans": []}',  # orjson refuses it; json reads it
]


def test_plain_utf8_files_read_the_same_as_bytes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "good.jsonl"
    path.write_text("\n".join(GOOD) + "\n", encoding="utf-8")
    fast, slow = _both(path, monkeypatch)
    assert isinstance(fast, list) and len(fast) == 3
    assert fast == slow


@pytest.mark.parametrize(
    "bad",
    [
        [GOOD[0], '{"text": "x", "spans": [}', GOOD[0]],  # malformed in the middle
        [GOOD[0], '{"text": "cut 😀', "\u3000"],  # truncated last line, Unicode blank after it
        [GOOD[0], '{"text": 5}'],  # a bad field
        [GOOD[0], "[" * 3000 + "]" * 3000],  # nested too deeply
    ],
)
def test_errors_name_the_same_line_and_reason(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, bad: list[str]
) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text("\n".join(bad), encoding="utf-8")
    fast, slow = _both(path, monkeypatch)
    assert isinstance(fast, tuple) and fast[1] == 2
    assert fast == slow


@pytest.mark.parametrize(
    "data",
    [b"\xef\xbb\xbf{}", b'{"text": "a"}\r\n', b'{"text": "\xe9"}\n', b"", b'{"text": "a\x00"}'],
)
def test_other_files_go_through_decode(data: bytes) -> None:
    """A byte-order mark, CR, bytes that are not UTF-8, an empty file, NUL: ``decode``'s path."""
    assert not native._plain_utf8(data)


@pytest.mark.parametrize("shift", [1, 2, 3])
def test_utf8_is_validated_across_the_slices(shift: int) -> None:
    """``_plain_utf8`` checks a slice at a time: a character cut by a slice boundary is still
    whole, and bytes that are not UTF-8 anywhere (or a character cut by the file's end) are found."""
    head = b'{"text": "' + b"a" * (native._SLICE - 10 - shift)
    good = head + "😀 北京".encode() + b'"}\n'
    assert native._plain_utf8(good) and good.decode("utf-8")
    assert not native._plain_utf8(good + b'{"text": "\xe9"}\n')
    assert not native._plain_utf8(good + b"\xf0\x9f\x98")
    assert not native._plain_utf8(head + b"\xed\xa0\x80")  # an encoded surrogate, as decode refuses it


def test_six_field_spans_with_an_extra_field_keep_it() -> None:
    """The six usual fields take the short way; six fields of which one is another (sources, a
    time, an actor) must not: each is read as before."""
    base = {"start": 0, "end": 3, "label": "QUOTE"}
    spans = [
        {**base, "id": 1, "annotator": "ana", "text": "Ana"},
        {**base, "id": 2, "annotator": "gold", "sources": ["ana"]},
        {**base, "id": 3, "text": "Ana", "updated_at": "2026-01-02T03:04:05"},
        {**base, "annotator": "ana", "text": "Ana", "fragments": [[0, 1], [2, 3]]},
        {**base, "id": 5, "annotator": "ana", "actor": "a1"},
    ]
    obj = {"text": "Ana said", "spans": spans, "actors": [{"id": "a1", "name": "Ana"}]}
    record = native.parse_line(obj, Path("f.jsonl"), 1)
    got = [
        (s.key, s.annotator, s.text, s.sources, s.updated_at, s.fragments, s.actor_key) for s in record.spans
    ]
    assert got == [
        ("1", "ana", "Ana", None, None, None, None),
        ("2", "gold", None, ["ana"], None, None, None),
        ("3", None, "Ana", None, "2026-01-02T03:04:05", None, None),
        (None, "ana", "Ana", None, None, [(0, 1), (2, 3)], None),
        ("5", "ana", None, None, None, None, "a1"),
    ]

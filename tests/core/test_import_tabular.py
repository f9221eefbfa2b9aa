"""JSONL and CSV with one document per line/row; every error names its line."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from annotator.errors import InputError
from annotator.formats.tabular import read, read_csv, read_jsonl


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return path


def jsonl(*objects: object) -> str:
    return "".join(json.dumps(o) + "\n" for o in objects)


# --- JSONL ------------------------------------------------------------------------------


def test_jsonl_fields_lines_and_meta(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "docs.jsonl",
        json.dumps({"text": "First.", "title": " One ", "author": ["A", "B"], "date": "2022-07-09", "id": 7})
        + "\n\n   \n"
        + json.dumps(
            {"text": "Second.", "published": "2021", "date": "x", "url": "https://e.org", "status": "done"}
        )
        + "\n",
    )
    first, second = read_jsonl(path)
    assert (first.text, first.title, first.author, first.published) == ("First.", "One", "A, B", "2022-07-09")
    assert first.meta == {"id": 7}
    assert (first.line, second.line) == (1, 4)
    assert (second.published, second.source_url, second.status) == ("2021", "https://e.org", "done")
    assert second.meta == {"date": "x"}
    assert first.source_file == second.source_file == str(path)


def test_native_keys_are_ignored_and_meta_object_is_merged(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "n.jsonl",
        jsonl(
            {
                "text": "T",
                "spans": [{"start": 0, "end": 1, "label": "ACTOR"}],
                "relations": [],
                "meta": {"k": 1},
            }
        ),
    )
    [doc] = read_jsonl(path)
    assert doc.meta == {"k": 1}
    assert doc.spans == [] and doc.relations == []


def test_text_field_option_and_unrepresentable_values_stay_in_meta(tmp_path: Path) -> None:
    [doc] = read_jsonl(
        write(tmp_path, "b.jsonl", jsonl({"body": "Body text", "title": {"en": "T"}, "text": "other"})),
        text_field="body",
    )
    assert doc.text == "Body text"
    assert doc.title is None
    assert doc.meta == {"title": {"en": "T"}, "text": "other"}


def test_text_is_kept_verbatim(tmp_path: Path) -> None:
    text = "  Leading space,\nnewline and \u2028 line separator  "
    [doc] = read_jsonl(write(tmp_path, "v.jsonl", jsonl({"text": text})))
    assert doc.text == text


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        (
            '{"text": "ok"}\n{"text": oops}\n{"text": "ok"}\n',
            2,
            "malformed JSON: Expecting value (column 10)",
        ),
        ('{"text": "ok"}\n["not", "object"]\n', 2, "expected a JSON object, found an array"),
        ('{"text": "ok"}\n"just a string"\n', 2, "expected a JSON object, found a string"),
        ("null\n", 1, "expected a JSON object, found null"),
        (
            '{"text": "ok"}\n\n{"title": "T", "body": "B"}\n',
            3,
            "no 'text' field (fields present: 'title', 'body')",
        ),
        ('{"text": "   "}\n', 1, "the 'text' field is empty"),
        ('{"text": 42}\n', 1, "the 'text' field is not text (found int)"),
        ('{"text": null}\n', 1, "the 'text' field is not text (found null)"),
        ('{"text": "ok"}\n{"text": "cut off in the mid', 2, "truncated last line"),
        ('{"text": "ok"}\n{"text": "x", "title"\n', 2, "truncated last line"),
        ('{"text": "ok"}\n' + "[" * 100_000 + "\n", 2, "JSON nested too deeply"),
        ('{"text": "ok", "n": ' + "9" * 5000 + "}\n", 1, "malformed JSON"),
    ],
)
def test_jsonl_errors_name_file_and_line(tmp_path: Path, content: str, line: int, reason: str) -> None:
    path = write(tmp_path, "bad.jsonl", content)
    with pytest.raises(InputError) as caught:
        read_jsonl(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: {reason}")


def test_malformed_line_before_the_end_is_not_called_truncated(tmp_path: Path) -> None:
    path = write(tmp_path, "mid.jsonl", '{"text": "cut\n{"text": "ok"}\n')
    with pytest.raises(InputError, match=rf"^{path}:1: malformed JSON"):
        read_jsonl(path)


def test_jsonl_with_only_blank_lines_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.jsonl", "\n  \n")
    with pytest.raises(InputError, match=rf"^{path}: no documents"):
        read_jsonl(path)


# --- CSV --------------------------------------------------------------------------------


def test_csv_rows_with_multiline_quoted_fields(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        "docs.csv",
        'id,title,text,date,source\r\n1,One,"First line\r\nsecond line, with comma",2022-07-09,wire\r\n'
        '\r\n2,,"He said ""no"".",,\r\n',
    )
    first, second = read_csv(path)
    assert first.text == "First line\nsecond line, with comma"
    assert (first.title, first.published, first.meta) == ("One", "2022-07-09", {"id": "1", "source": "wire"})
    assert (first.line, second.line) == (2, 5)
    assert second.text == 'He said "no".'
    assert (second.title, second.published, second.meta) == (None, None, {"id": "2"})
    assert second.source_file == str(path)


def test_csv_excel_bom_and_semicolons(tmp_path: Path) -> None:
    path = write(tmp_path, "excel.csv", codecs.BOM_UTF8 + "text;author\nCafé am Markt;Lea\n".encode())
    [doc] = read(path)
    assert (doc.text, doc.author) == ("Café am Markt", "Lea")


def test_csv_in_cp1252_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "legacy.csv", "text\nLe café était fermé à midi.\n".encode("cp1252"))
    [doc] = read_csv(path)
    assert doc.text == "Le café était fermé à midi."
    assert doc.meta == {"detected_encoding": "cp1252"}


def test_csv_long_cell_is_read(tmp_path: Path) -> None:
    long_text = "word " * 60_000
    [doc] = read_csv(write(tmp_path, "long.csv", f'text\n"{long_text}"\n'))
    assert doc.text == long_text


@pytest.mark.parametrize(
    ("content", "line", "reason"),
    [
        ("title,body\nT,B\n", 1, "no 'text' column (columns: 'title', 'body')"),
        ("text,title\nok,T\n,T2\n", 3, "the 'text' column is empty"),
        ("text,title\nok,T\nx,y,z\n", 3, "row has 3 fields but the header has 2"),
        ('text,title\nok,T\n"never closed,T\n', 3, "malformed CSV"),
        ("text,text\na,b\n", 1, "duplicate column name(s) 'text'"),
    ],
)
def test_csv_errors_name_file_and_line(tmp_path: Path, content: str, line: int, reason: str) -> None:
    path = write(tmp_path, "bad.csv", content)
    with pytest.raises(InputError) as caught:
        read_csv(path)
    assert caught.value.line == line
    assert str(caught.value).startswith(f"{path}:{line}: {reason}")


def test_csv_header_only_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "head.csv", "text,title\n")
    with pytest.raises(InputError, match=rf"^{path}: no documents"):
        read_csv(path)


def test_csv_text_field_option(tmp_path: Path) -> None:
    [doc] = read_csv(write(tmp_path, "c.csv", "headline,content\nH,The content\n"), text_field="content")
    assert doc.text == "The content"
    assert doc.meta == {"headline": "H"}

"""Decoding, plain text and the path dispatcher of the import readers."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest
from hypothesis import assume, given
from hypothesis import strategies as st

from annotator.errors import InputError
from annotator.formats import plaintext
from annotator.formats.encoding import decode, normalize_newlines
from annotator.formats.sources import read_path
from annotator.records import DocRecord

FRENCH = "Le café de la gare était fermé. Les élèves ont déjà mangé à midi, à côté du théâtre.\n"
GERMAN = "Die Straße führt über die Brücke zum Bürgermeister. „Schöne Grüße“, sagte er.\n"


def write(tmp_path: Path, name: str, data: str | bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(data, str):
        path.write_bytes(data.encode("utf-8"))
    else:
        path.write_bytes(data)
    return path


# --- encoding ---------------------------------------------------------------------------


def test_utf8_without_bom() -> None:
    assert decode(Path("a.txt"), "Grüße — “quoted”".encode()) == ("Grüße — “quoted”", "utf-8")


def test_utf8_bom_is_stripped() -> None:
    text, name = decode(Path("a.txt"), codecs.BOM_UTF8 + "Grüße".encode())
    assert (text, name) == ("Grüße", "utf-8-sig")


@pytest.mark.parametrize(
    ("bom", "codec", "name"),
    [
        (codecs.BOM_UTF16_LE, "utf-16-le", "utf-16-le"),
        (codecs.BOM_UTF16_BE, "utf-16-be", "utf-16-be"),
        (codecs.BOM_UTF32_LE, "utf-32-le", "utf-32-le"),
        (codecs.BOM_UTF32_BE, "utf-32-be", "utf-32-be"),
    ],
)
def test_utf16_and_utf32_with_bom(bom: bytes, codec: str, name: str) -> None:
    source = "Ministerin Müller: „Nein.“\r\nZweite Zeile 😀\n"
    text, got = decode(Path("a.txt"), bom + source.encode(codec))
    assert got == name
    assert text == "Ministerin Müller: „Nein.“\nZweite Zeile 😀\n"
    assert "\ufeff" not in text


def test_truncated_utf16_is_refused_with_the_file_name() -> None:
    with pytest.raises(InputError, match=r"^odd\.txt:1: invalid UTF-16 data"):
        decode(Path("odd.txt"), codecs.BOM_UTF16_LE + "abc".encode("utf-16-le") + b"\x00\xd8")


def test_newlines_are_normalised() -> None:
    text, _ = decode(Path("a.txt"), b"one\r\ntwo\rthree\n\r\nfour")
    assert text == "one\ntwo\nthree\n\nfour"


def test_no_unicode_normalisation() -> None:
    source = "Cafe\u0301 \ufb01nal \u212b"  # decomposed é, ﬁ ligature, Angstrom sign
    text, _ = decode(Path("a.txt"), source.encode())
    assert text == source
    assert len(text) == len(source)


@pytest.mark.parametrize("data", [b"", codecs.BOM_UTF8, codecs.BOM_UTF16_LE])
def test_empty_file_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^empty\.txt: empty file$"):
        decode(Path("empty.txt"), data)


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR",
        "no bom utf-16".encode("utf-16-le"),
        b"text with a NUL\x00 inside",
    ],
)
def test_binary_data_is_refused(data: bytes) -> None:
    with pytest.raises(InputError, match=r"^blob\.txt: binary file"):
        decode(Path("blob.txt"), data)


@pytest.mark.parametrize("source", [FRENCH, GERMAN, "Café\n", "El niño: «¿Qué pasó?» — “Así es”, €5.\n"])
def test_cp1252_western_text_is_detected(source: str) -> None:
    text, name = decode(Path("legacy.txt"), source.encode("cp1252"))
    assert text == source
    assert name == "cp1252"


@pytest.mark.parametrize(
    ("source", "codec"),
    [
        ("Zażółć gęślą jaźń. Minister spraw zagranicznych wyszedł ze spotkania.\n", "cp1250"),
        ("Příliš žlutý kůň úpěl velmi ošklivé písně. Ministr zahraničí odešel.\n", "cp1250"),
        ("A külügyminiszter elhagyta a találkozót. Ő is ott volt, a győri főnök.\n", "cp1250"),
        ("Ministrul a plecat şi nu s-a mai întors în sală.\n", "cp1250"),
        ("Министр иностранных дел России покинул встречу министров.\n", "cp1251"),
        ("Ο υπουργός εξωτερικών αποχώρησε από τη συνάντηση.\n", "cp1253"),
        ("Dışişleri bakanı toplantıyı terk etti; işgal eleştirildi.\n", "cp1254"),
        ("外務大臣は会議を退席した。\n", "shift_jis"),
        ("Þórður fór í búðina og keypti brauð.\n", "cp1252"),
        ("Der Außenminister verließ das Treffen früh. „Das ist nicht hinnehmbar“, sagte er.\n", "mac_roman"),
        ("Hän sanoi, että tämä on mahdotonta hyväksyä ja palaa ensi viikolla.\n", "cp437"),
    ],
)
def test_legacy_encodings_never_give_mojibake(source: str, codec: str) -> None:
    try:
        text, _ = decode(Path("legacy.txt"), source.encode(codec))
    except InputError as exc:
        assert str(exc).startswith("legacy.txt:1: not UTF-8")
        assert "re-save as UTF-8" in str(exc)
    else:
        assert text == source


def test_undetectable_bytes_name_the_line_of_the_first_bad_byte() -> None:
    data = b"first line\nsecond line\n" + "Министр покинул встречу.\n".encode("cp1251")
    with pytest.raises(InputError) as caught:
        decode(Path("ru.txt"), data)
    assert caught.value.line == 3
    assert str(caught.value).startswith("ru.txt:3: not UTF-8 and the encoding could not be detected")
    assert "0xCC" in str(caught.value)


def test_utf8_with_one_stray_latin1_byte_is_refused_not_garbled() -> None:
    data = "Grüße aus München\nnoch mehr Grüße\n".encode() + b"caf\xe9\n"
    with pytest.raises(InputError) as caught:
        decode(Path("mixed.txt"), data)
    assert caught.value.line == 3
    assert "mix UTF-8" in caught.value.reason


@given(st.text(alphabet=st.characters(exclude_characters="\x00", codec="utf-8"), min_size=1))
def test_any_utf8_text_round_trips(source: str) -> None:
    assume(not source.startswith("\ufeff"))  # that is a BOM, tested above
    text, name = decode(Path("p.txt"), source.encode("utf-8"))
    assert name == "utf-8"
    assert text == normalize_newlines(source)


@given(st.binary(max_size=200))
def test_arbitrary_bytes_decode_or_raise_input_error(data: bytes) -> None:
    try:
        text, _ = decode(Path("b.bin"), data)
    except InputError as exc:
        assert str(exc).startswith("b.bin")
    else:
        assert "\r" not in text


# --- plain text -------------------------------------------------------------------------


def test_plaintext_keeps_whole_text_and_takes_first_line_as_title(tmp_path: Path) -> None:
    path = write(tmp_path, "note.txt", "\n\n  Council votes on budget  \r\nThe council voted.\r\n")
    [doc] = plaintext.read(path)
    assert doc.title == "Council votes on budget"
    assert doc.text == "\n\n  Council votes on budget  \nThe council voted.\n"
    assert doc.source_file == str(path)
    assert doc.meta == {}


def test_plaintext_long_first_line_is_not_a_title(tmp_path: Path) -> None:
    [doc] = plaintext.read(write(tmp_path, "long.txt", "word " * 60 + "\nsecond"))
    assert doc.title is None


def test_plaintext_records_a_detected_encoding(tmp_path: Path) -> None:
    [doc] = plaintext.read(write(tmp_path, "fr.txt", FRENCH.encode("cp1252")))
    assert doc.text == FRENCH
    assert doc.meta == {"detected_encoding": "cp1252"}


def test_plaintext_whitespace_only_is_refused(tmp_path: Path) -> None:
    path = write(tmp_path, "blank.txt", " \n\t\n")
    with pytest.raises(InputError, match=rf"^{path}: no text"):
        plaintext.read(path)


# --- dispatch ---------------------------------------------------------------------------


def test_dispatch_by_extension(tmp_path: Path) -> None:
    files = {
        "a.txt": "Plain title\nbody",
        "b.md": "# Md title\n\nSome *body*.",
        "c.MARKDOWN": "# Other\n\ntext",
        "d.html": "<html><head><title>H</title></head><body><p>Hello page.</p></body></html>",
        "e.HTM": "<html><body><p>Second page.</p></body></html>",
        "f.jsonl": '{"text": "from jsonl", "title": "J"}\n',
        "g.csv": "title,text\nC,from csv\n",
    }
    results = {name: read_path(write(tmp_path, name, body)) for name, body in files.items()}
    assert results["a.txt"][0].text == "Plain title\nbody"
    assert (results["b.md"][0].title, results["b.md"][0].text) == ("Md title", "Md title\n\nSome body.")
    assert results["c.MARKDOWN"][0].title == "Other"
    assert "Hello page." in results["d.html"][0].text
    assert "Second page." in results["e.HTM"][0].text
    assert (results["f.jsonl"][0].text, results["f.jsonl"][0].title) == ("from jsonl", "J")
    assert (results["g.csv"][0].text, results["g.csv"][0].title) == ("from csv", "C")
    for name, records in results.items():
        assert [r.source_file for r in records] == [str(tmp_path / name)]


def test_folder_is_read_recursively_sorted_skipping_hidden_and_unknown(tmp_path: Path) -> None:
    for name in ["b.txt", "a.md", "sub/c.txt", "sub/deeper/a.txt", "z.txt"]:
        write(tmp_path, name, f"# {name}\n\nbody of {name}")
    write(tmp_path, ".hidden.txt", "secret")
    write(tmp_path, ".git/objects.txt", "secret")
    write(tmp_path, "sub/.cache/x.md", "secret")
    write(tmp_path, "image.png", b"\x89PNG\x00\x00")
    write(tmp_path, "README", "no extension")
    records = read_path(tmp_path)
    expected = ["a.md", "b.txt", "sub/c.txt", "sub/deeper/a.txt", "z.txt"]
    assert [r.source_file for r in records] == [str(tmp_path / n) for n in expected]
    assert all("secret" not in r.text for r in records)
    assert [r.source_file for r in read_path(tmp_path)] == [r.source_file for r in records]


def test_unknown_extension_named_explicitly_is_an_error(tmp_path: Path) -> None:
    path = write(tmp_path, "notes.pages", "whatever")
    with pytest.raises(InputError, match=rf"^{path}: unknown file type '.pages'"):
        read_path(path)


def test_fmt_forces_a_reader(tmp_path: Path) -> None:
    path = write(tmp_path, "article.text", "# Heading\n\nBy Jane Roe\n\nJuly 9, 2022\n\nBody **bold**.")
    [as_md] = read_path(path, fmt="md")
    assert (as_md.text, as_md.author, as_md.published) == ("Body bold.", "Jane Roe", "2022-07-09")
    [as_txt] = read_path(write(tmp_path, "x.md", "# Heading\n\n**raw**"), fmt="txt")
    assert as_txt.text == "# Heading\n\n**raw**"


def test_forced_fmt_on_a_folder_reads_every_visible_file(tmp_path: Path) -> None:
    write(tmp_path, "a.text", "first")
    write(tmp_path, "README", "second")
    write(tmp_path, ".hidden", "secret")
    assert [r.text for r in read_path(tmp_path, fmt="txt")] == ["second", "first"]


def test_unknown_fmt_missing_path_and_empty_folder(tmp_path: Path) -> None:
    path = write(tmp_path, "a.txt", "x")
    with pytest.raises(InputError, match="unknown format 'pages'"):
        read_path(path, fmt="pages")
    with pytest.raises(InputError, match=r"nope\.txt: no such file or folder"):
        read_path(tmp_path / "nope.txt")
    empty = tmp_path / "empty"
    (empty / ".hidden").mkdir(parents=True)
    with pytest.raises(InputError, match=rf"^{empty}: no importable files"):
        read_path(empty)


def test_error_in_a_folder_names_the_bad_file(tmp_path: Path) -> None:
    write(tmp_path, "a.txt", "fine")
    bad = write(tmp_path, "b.jsonl", '{"text": "ok"}\n{"title": "no text"}\n')
    with pytest.raises(InputError, match=rf"^{bad}:2: no 'text' field"):
        read_path(tmp_path)


def test_text_field_option_reaches_tabular_readers(tmp_path: Path) -> None:
    [doc] = read_path(
        write(tmp_path, "a.jsonl", '{"body": "the body", "text": "other"}\n'), text_field="body"
    )
    assert doc.text == "the body"
    assert doc.meta == {"text": "other"}


def native_line() -> str:
    return json.dumps({"text": "Annotated text", "spans": [{"start": 0, "end": 9, "label": "ACTOR"}]})


def test_native_jsonl_goes_to_the_native_reader(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from annotator.formats import native

    calls: list[Path] = []

    def fake_read(path: Path, report: object = None) -> list[DocRecord]:
        calls.append(path)
        return [DocRecord(text="from native")]

    monkeypatch.setattr(native, "read", fake_read)
    path = write(tmp_path, "export.jsonl", "\n\n" + native_line() + "\n")
    [doc] = read_path(path)
    assert calls == [path]
    assert (doc.text, doc.source_file) == ("from native", str(path))
    utf16 = write(tmp_path, "export16.jsonl", codecs.BOM_UTF16_LE + native_line().encode("utf-16-le"))
    assert read_path(utf16)[0].text == "from native"


def test_forced_jsonl_reads_a_native_file_as_plain_documents(tmp_path: Path) -> None:
    [doc] = read_path(write(tmp_path, "export.jsonl", native_line() + "\n"), fmt="jsonl")
    assert doc.text == "Annotated text"
    assert doc.spans == []
    assert "spans" not in doc.meta


def test_native_spans_after_plain_first_lines_are_not_lost(tmp_path: Path) -> None:
    plain = json.dumps({"text": "A document without spans."})
    spanned = native_line()
    path = write(tmp_path, "mixed.jsonl", plain + "\n" + spanned + "\n")
    records = read_path(path)
    assert [len(r.spans) for r in records] == [0, len(json.loads(spanned)["spans"])]

"""WebAnno TSV 3 import: text rebuilt from sentences, UTF-16 offsets, span and relation layers."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from annotator.cli import main
from annotator.errors import InputError
from annotator.formats import peers, webanno
from annotator.formats.peerkit import ReadReport
from annotator.formats.sources import read_path
from annotator.records import DocRecord

NE = "#T_SP=de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity|value"
REL = "#T_RL=webanno.custom.Link|role|BT_de.tudarmstadt.ukp.dkpro.core.api.ner.type.NamedEntity"


def write(tmp_path: Path, layers: list[str], *body: str, name: str = "doc.tsv", version: str = "3.3") -> Path:
    """A TSV file; in ``body`` two spaces stand for a tab, and rows end with a tab as INCEpTION's do."""
    lines = [f"#FORMAT=WebAnno TSV {version}", *layers, "", ""]
    lines += [line if line.startswith("#") or not line else line.replace("  ", "\t") + "\t" for line in body]
    path = tmp_path / name
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def read(path: Path) -> tuple[DocRecord, ReadReport]:
    report = ReadReport(path)
    (record,) = webanno.read(path, "ann", report)
    for span in record.spans:
        assert span.annotator == "ann"
    return record, report


def load(tmp_path: Path, layers: list[str], *body: str) -> tuple[DocRecord, ReadReport]:
    return read(write(tmp_path, layers, *body))


def spans(record: DocRecord) -> list[tuple[str, str]]:
    return [(record.text[s.start : s.end], s.label) for s in record.spans]


def test_offsets_after_an_emoji_count_utf16_units(tmp_path: Path) -> None:
    record, report = load(
        tmp_path,
        [NE],
        "#Text=Wow 🎉🎉 Ana Ruiz won .",
        "1-1  0-3  Wow  _",
        "1-2  4-8  🎉🎉  *",
        "1-3  9-12  Ana  PER[1]",
        "1-4  13-17  Ruiz  PER[1]",
        "1-5  18-21  won  _",
        "1-6  22-23  .  _",
    )
    assert record.text == "Wow 🎉🎉 Ana Ruiz won ."
    assert [(s.start, s.end) for s in record.spans] == [(4, 6), (7, 15)]
    assert spans(record) == [("🎉🎉", "NamedEntity"), ("Ana Ruiz", "PER")]
    assert (report.documents, report.spans, report.relations) == (1, 2, 0)


def test_stacked_overlapping_spans_and_extra_features(tmp_path: Path) -> None:
    record, report = load(
        tmp_path,
        [NE, "#T_SP=webanno.custom.Claim|kind|stance"],
        "#Text=The Port Authority of Lagos said no .",
        "1-1  0-3  The  _  _  _",
        "1-2  4-8  Port  ORG[1]  _  _",
        "1-3  9-18  Authority  ORG[1]  _  _",
        "1-4  19-21  of  ORG[1]  _  _",
        "1-5  22-27  Lagos  ORG[1]|LOC[2]  _  _",
        "1-6  28-32  said  _  fact[3]|*[4]  pro[3]|*[4]",
        "1-7  33-35  no  _  fact[3]|*[4]  pro[3]|*[4]",
        "1-8  36-37  .  _  *  *",
    )
    assert spans(record) == [
        ("Port Authority of Lagos", "ORG"),
        ("Lagos", "LOC"),
        ("said no", "fact"),
        ("said no", "Claim"),
        (".", "Claim"),
    ]
    assert report.notes == {"Claim feature values after the first (no place for them)": 1}


def test_sub_token_spans_and_zero_width_ones(tmp_path: Path) -> None:
    record, report = load(
        tmp_path,
        [NE],
        "#Text=unhappy days",
        "1-1  0-7  unhappy  MOOD[1]",
        "1-1.1  0-2  un  NEG",
        "1-1.2  2-2    GAP",
        "1-2  8-12  days  _",
        "1-2.1  8-11  day  MOOD[1]",
    )
    assert spans(record) == [("unhappy day", "MOOD"), ("un", "NEG")]
    assert report.skipped == {"zero-width spans (the project cannot hold them)": 1}


def test_a_span_across_sentences_and_multi_line_text(tmp_path: Path) -> None:
    record, _report = load(
        tmp_path,
        [NE],
        "#Text=Roses are",
        "#Text=red .",
        "1-1  0-5  Roses  _",
        "1-2  6-9  are  _",
        "1-3  10-13  red  _",
        "1-4  14-15  .  COLOR[7]",
        "",
        "#Text=Blue too .",
        "2-1  16-20  Blue  COLOR[7]",
        "2-2  21-24  too  _",
        "2-3  25-26  .  _",
        "",
        "#Text=Far away .",
        "3-1  30-33  Far  *",
        "3-2  34-38  away  _",
        "3-3  39-40  .  _",
    )
    assert record.text == "Roses are\nred .\nBlue too .\n   Far away ."
    assert spans(record) == [(".\nBlue", "COLOR"), ("Far", "NamedEntity")]


def test_relations_with_and_without_ids(tmp_path: Path) -> None:
    record, _report = load(
        tmp_path,
        [NE, REL],
        "#Text=Ana met Bo .",
        "1-1  0-3  Ana  PER  _  _",
        "1-2  4-7  met  _  _  _",
        "1-3  8-10  Bo  PER[1]|ALIAS[2]  knows|*  1-1[0_1]|1-3[1_2]",
        "1-4  11-12  .  END  ends  1-1",
    )
    keys = {s.key: (record.text[s.start : s.end], s.label) for s in record.spans}
    found = [(keys[r.source], keys[r.target], r.type, r.annotator) for r in record.relations]
    assert found == [
        (("Ana", "PER"), ("Bo", "PER"), "knows", "ann"),
        (("Bo", "PER"), ("Bo", "ALIAS"), "Link", "ann"),
        (("Ana", "PER"), (".", "END"), "ends", "ann"),
    ]


def test_relations_on_tokens_get_spans_and_a_note(tmp_path: Path) -> None:
    token = "de.tudarmstadt.ukp.dkpro.core.api.segmentation.type.Token"
    record, report = load(
        tmp_path,
        [
            f"#T_RL=de.tudarmstadt.ukp.dkpro.core.api.syntax.type.dependency.Dependency|DependencyType|BT_{token}"
        ],
        "#Text=Dogs bark",
        "1-1  0-4  Dogs  nsubj  1-2",
        "1-2  5-9  bark  _  _",
    )
    assert sorted(spans(record)) == [("Dogs", "Token"), ("bark", "Token")]
    assert [r.type for r in record.relations] == ["nsubj"]
    assert report.notes == {"relation ends on Token (no span layer here), added as spans": 2}


def test_chains_are_skipped_and_reported(tmp_path: Path) -> None:
    record, report = load(
        tmp_path,
        [
            NE,
            "#T_CH=de.tudarmstadt.ukp.dkpro.core.api.coref.type.CoreferenceLink|referenceType|referenceRelation",
        ],
        "#Text=Kim said she left .",
        "1-1  0-3  Kim  PER  pr[1]  coref->1-1",
        "1-2  4-8  said  _  _  _",
        "1-3  9-12  she  _  pr[1]  *->1-2",
        "1-4  13-17  left  _  _  _",
        "1-5  18-19  .  _  _  _",
    )
    assert spans(record) == [("Kim", "PER")]
    assert report.skipped == {"CoreferenceLink chain elements (the project has no coreference chains)": 2}


def test_escaped_values_and_text(tmp_path: Path) -> None:
    record, _report = load(
        tmp_path,
        [NE],
        "#Text=C:\\\\tmp\\tx\\r",
        "1-1  0-6  C:\\tmp  A\\|B\\_C\\\\D\\[x\\][1]|\\*[2]",
        "1-2  7-8  x  A\\|B\\_C\\\\D\\[x\\][1]|E\\-> F\\;G",
    )
    assert record.text == "C:\\tmp\tx\r"
    assert spans(record) == [("C:\\tmp\tx", "A|B_C\\D[x]"), ("C:\\tmp", "*"), ("x", "E-> F;G")]


def test_old_versions_use_java_escapes_in_text(tmp_path: Path) -> None:
    path = write(
        tmp_path, [NE], '#Text=caf\\u00e9 \\"ok\\"', "1-1  0-4  café  X", '1-2  5-9  "ok"  _', version="3.1"
    )
    assert spans(read(path)[0]) == [("café", "X")]


@pytest.mark.parametrize(
    ("body", "line", "reason"),
    [
        (
            ["#Text=Ms. Haag", "1-1  0-3  Ms.  _", "1-2  4-8  Hagg  PER"],
            7,
            r"token 1-2 'Hagg' is not the text",
        ),
        (["#Text=😀 ok", "1-1  0-1  😀  _", "1-2  2-4  ok  _"], 6, "surrogate pair"),
        (["#Text=Hi", "1-1  0-2  Hi"], 6, "empty annotation column"),
        (["#Text=Hi", "1-1  2-0  Hi  _"], 6, "end before they begin"),
        (["#Text=Hi", "1-1  0-2  Hi  _  extra"], 6, "the header's 1 column"),
        (["#Text=Hi", "1-x  0-2  Hi  _"], 6, "SENT-TOKEN"),
        (["1-1  0-2  Hi  _"], 5, "outside a sentence"),
        (["#Text=Hi", "", "1-1  0-2  Hi  _"], 6, "without token rows"),
        (["#Text=Hi there", "1-1  0-2  Hi  _", "1-1  3-8  there  _"], 7, "appears twice"),
    ],
)
def test_bad_rows_name_file_and_line(tmp_path: Path, body: list[str], line: int, reason: str) -> None:
    path = write(tmp_path, [NE], *body)
    with pytest.raises(InputError, match=rf"doc\.tsv:{line}: .*{reason}"):
        read(path)


def test_bad_headers_are_refused(tmp_path: Path) -> None:
    bad = tmp_path / "bad.tsv"
    bad.write_text("#FORMAT=WebAnno TSV 2\n#T_SP=x|y\n", encoding="utf-8")
    with pytest.raises(InputError, match=r"bad\.tsv:1: not WebAnno TSV 3"):
        read(bad)
    no_base = write(tmp_path, ["#T_RL=webanno.custom.Link|role"], "#Text=a", "1-1  0-1  a  _")
    with pytest.raises(InputError, match=r"doc\.tsv:2: .*BT_"):
        read(no_base)


@pytest.mark.parametrize(
    ("label", "ref", "reason"),
    [
        ("Y", "1-1[5_0]", r"no span has the id \[5\]"),
        ("Y", "1-9", "no token 1-9"),
        ("_", "1-1", "token 1-2 has no"),
    ],
)
def test_dangling_relation_ends_are_refused(tmp_path: Path, label: str, ref: str, reason: str) -> None:
    path = write(tmp_path, [NE, REL], "#Text=a b", "1-1  0-1  a  X  _  _", f"1-2  2-3  b  {label}  r  {ref}")
    with pytest.raises(InputError, match=rf"doc\.tsv:8: .*{reason}"):
        read(path)


def test_sniffed_and_imported_through_the_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    folder = tmp_path / "tsv"
    folder.mkdir()
    write(
        folder,
        [NE],
        "#Text=Yes 😀 Ana .",
        "1-1  0-3  Yes  _",
        "1-2  4-6  😀  _",
        "1-3  7-10  Ana  PER",
        "1-4  11-12  .  _",
        name="a.tsv",
    )
    write(
        folder,
        [NE, REL],
        "#Text=Bo met Cy",
        "1-1  0-2  Bo  PER  _  _",
        "1-2  3-6  met  _  _  _",
        "1-3  7-9  Cy  PER  knows  1-1",
        name="b.tsv",
    )
    assert peers.sniff(folder) == "webanno" and peers.sniff(folder / "a.tsv") == "webanno"
    other = tmp_path / "table.tsv"
    other.write_text("a\tb\n", encoding="utf-8")
    assert peers.sniff(other) is None
    reports: list[ReadReport] = []
    records = read_path(folder, annotator="ann", reports=reports)
    assert [r.text for r in records] == ["Yes 😀 Ana .", "Bo met Cy"]
    assert reports[0].documents == 2 and reports[0].relations == 1

    db = f"sqlite:///{tmp_path / 'w.db'}"
    assert main(["--db", db, "init"]) == 0
    args = ["--db", db, "import", str(folder), "--annotator", "ann", "--create-labels"]
    assert main(args) == 0
    assert "read 2 document(s), 3 span(s), 1 relation(s)" in capsys.readouterr().out
    out = tmp_path / "out.jsonl"
    assert main(["--db", db, "export", "--format", "jsonl", "-o", str(out)]) == 0
    docs = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    stored = [(s["text"], d["text"][s["start"] : s["end"]]) for d in docs for s in d["spans"]]
    assert sorted(stored) == [("Ana", "Ana"), ("Bo", "Bo"), ("Cy", "Cy")]
    assert [r["type"] for d in docs for r in d["relations"]] == ["knows"]

"""Issue 14: a corpus keeps its own tokens and sentence breaks through import and export."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import spacy
from spacy.tokens import Doc, DocBin, Span

from annotator.errors import InputError
from annotator.formats import iob, native, spacy_docbin, webanno
from annotator.formats.base import ExportReport
from annotator.formats.peerkit import ReadReport
from annotator.records import DocRecord, SpanRecord
from annotator.text import tokenize
from annotator.tokens import SPLIT, pack, unpack
from tests.core.cli_run import new_project, run

# CoNLL-2003's shape: -DOCSTART- lines, POS and chunk columns, tokens a tokenizer would cut.
CONLL = """-DOCSTART- -X- -X- O

EU NNP B-NP B-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

The DT B-NP O
U.S. NNP I-NP B-LOC
's POS B-NP O
view NN I-NP O
-- : O O
Mr. NNP B-NP B-PER
Smith NNP I-NP I-PER
said VBD B-VP O
. . O O

-DOCSTART- -X- -X- O

Peter NNP B-NP B-PER
Blackburn NNP I-NP I-PER

"""

# WNUT-17's shape: no -DOCSTART-, one tweet per block, tab separated, "'" and "s" apart.
WNUT = (
    "Where\tO\n'\tO\ns\tO\nKishan\tB-person\n?\tO\n\n@user\tO\nat\tO\nNew\tB-location\nYork\tI-location\n\n"
)

# GUM's shape: #Summary lines after the layer declarations, then two blank lines.
GUM = """#FORMAT=WebAnno TSV 3.2
#T_SP=webanno.custom.Referent|entity|infstat
#T_RL=webanno.custom.Coref|type|BT_webanno.custom.Referent
#Summary1=(human1) A short talk about a club 's party .
#Summary2=(model) Someone describes a party .


#Text=The club 's party started at 3 p.m. .
1-1\t0-3\tThe\tplace[1]\tnew[1]\t_\t_\t
1-2\t4-8\tclub\tplace[1]\tnew[1]\t_\t_\t
1-3\t9-11\t's\tplace[1]\tnew[1]\t_\t_\t
1-4\t12-17\tparty\tevent\tnew\tcoref\t1-1[1_0]\t
1-5\t18-25\tstarted\t_\t_\t_\t_\t
1-6\t26-28\tat\t_\t_\t_\t_\t
1-7\t29-30\t3\ttime[2]\tnew[2]\t_\t_\t
1-8\t31-35\tp.m.\ttime[2]\tnew[2]\t_\t_\t
1-9\t36-37\t.\t_\t_\t_\t_\t

#Text=It was fun .
2-1\t38-40\tIt\tevent\tgiv\tcoref\t1-4\t
2-2\t41-44\twas\t_\t_\t_\t_\t
2-3\t45-48\tfun\t_\t_\t_\t_\t
2-4\t49-50\t.\t_\t_\t_\t_\t
"""


def rows(text: str) -> list[list[tuple[str, str]]]:
    """Token and tag of every line, block by block (blank lines and -DOCSTART- separate blocks)."""
    blocks: list[list[tuple[str, str]]] = [[]]
    for line in text.splitlines():
        cols = line.split()
        if not cols or cols[0] == "-DOCSTART-":
            if blocks[-1]:
                blocks.append([])
            continue
        blocks[-1].append((cols[0], cols[-1]))
    return [b for b in blocks if b]


def project(capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, data: str, fmt: str) -> str:
    source = tmp_path / name
    source.write_text(data, encoding="utf-8")
    db = new_project(capsys, tmp_path, f"{name}.db")
    code, _out, err = run(
        capsys, "--db", db, "import", str(source), "--format", fmt, "--create-labels", "--annotator", "ann"
    )
    assert code == 0, err
    return db


def export(capsys: pytest.CaptureFixture[str], db: str, out: Path, fmt: str, *more: str) -> str:
    code, text, err = run(capsys, "--db", db, "export", "--format", fmt, "-o", str(out), *more)
    assert code == 0, err
    return text


def test_conll_tokens_and_sentences_survive_iob_export(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    db = project(capsys, tmp_path, "testb.txt", CONLL, "iob")
    out = tmp_path / "out.iob"
    summary = export(capsys, db, out, "iob", "--docstart")
    assert "split" not in summary
    assert rows(out.read_text(encoding="utf-8")) == rows(CONLL)
    assert out.read_text(encoding="utf-8").count("-DOCSTART-") == 2
    # --sentences gives the source's three sentences, not the splitter's.
    sentences = tmp_path / "sent.iob"
    assert "wrote 3 sentence example(s)" in export(capsys, db, sentences, "iob", "--sentences")
    assert rows(sentences.read_text(encoding="utf-8")) == rows(CONLL)


@pytest.mark.parametrize("fmt", ["hf-jsonl", "prodigy", "spacy", "jsonl"])
def test_conll_tokens_survive_every_token_format(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str
) -> None:
    db = project(capsys, tmp_path, "testb.txt", CONLL, "iob")
    out = tmp_path / f"out.{fmt}"
    export(capsys, db, out, fmt)
    if fmt == "hf-jsonl":
        words = [
            w for line in out.read_text(encoding="utf-8").splitlines() for w in json.loads(line)["tokens"]
        ]
    elif fmt == "prodigy":
        lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
        words = [t["text"] for line in lines for t in line["tokens"] if t["text"].strip()]
    elif fmt == "spacy":
        nlp = spacy.blank("en")
        docs = list(DocBin().from_disk(out).get_docs(nlp.vocab))
        words = [t.text for doc in docs for t in doc if t.text.strip()]
        assert [s.text.strip() for s in docs[0].sents] == [
            "EU rejects German call .",
            "The U.S. 's view -- Mr. Smith said .",
        ]
    else:  # native JSONL carries the tokens: a second project exports the same IOB
        again = project(capsys, tmp_path, "native.jsonl", out.read_text(encoding="utf-8"), "native")
        back = tmp_path / "back.iob"
        export(capsys, again, back, "iob", "--docstart")
        assert rows(back.read_text(encoding="utf-8")) == rows(CONLL)
        return
    assert words == [t for block in rows(CONLL) for t, _tag in block]


def test_wnut_tokens_survive_hf_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = project(capsys, tmp_path, "wnut.conll", WNUT, "iob")
    out = tmp_path / "wnut.jsonl"
    export(capsys, db, out, "hf-jsonl")
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["tokens"] for line in lines] == [[t for t, _ in block] for block in rows(WNUT)]


def test_a_span_edge_inside_a_source_token_splits_it_and_says_so(tmp_path: Path) -> None:
    record = DocRecord(
        text="the U.S.-led talks",
        tokens=[(0, 3), (4, 12), (13, 18)],
        sentences=[0],
        spans=[SpanRecord(4, 8, "LOC")],
    )
    report = ExportReport(tmp_path / "x.iob")
    iob.write_iob([record], tmp_path / "x.iob", report)
    assert rows((tmp_path / "x.iob").read_text(encoding="utf-8")) == [
        [("the", "O"), ("U.S.", "B-LOC"), ("-led", "O"), ("talks", "O")]
    ]
    assert report.left_out == {f"{SPLIT}, e.g. 'U.S.-led'": 1}
    assert f"left out 1: {SPLIT}, e.g. 'U.S.-led'" in report.summary()


def test_documents_without_source_tokens_keep_the_tokenizer(tmp_path: Path) -> None:
    record = DocRecord(text="The U.S.'s view.", spans=[SpanRecord(4, 5, "LOC")])
    report = ExportReport(tmp_path / "x.iob")
    iob.write_iob([record], tmp_path / "x.iob", report)
    words = [record.text[a:b] for a, b in tokenize(record.text)]
    assert [t for t, _ in rows((tmp_path / "x.iob").read_text(encoding="utf-8"))[0]] == words
    assert not report.left_out


def test_gum_summary_lines_are_metadata_and_tokens_are_kept(tmp_path: Path) -> None:
    path = tmp_path / "GUM_talk_party.tsv"
    path.write_text(GUM, encoding="utf-8")
    (record,) = webanno.read(path, "ann", ReadReport(path))
    assert record.meta == {
        "Summary1": "(human1) A short talk about a club 's party .",
        "Summary2": "(model) Someone describes a party .",
    }
    assert [record.text[a:b] for a, b in record.tokens or []][:4] == ["The", "club", "'s", "party"]
    assert record.sentences == [0, 9]
    assert sorted(record.text[s.start : s.end] for s in record.spans) == [
        "3 p.m.",
        "It",
        "The club 's",
        "party",
    ]
    report = ExportReport(tmp_path / "gum.iob")
    iob.write_iob([record], tmp_path / "gum.iob", report, docstart=True)
    assert [len(b) for b in rows((tmp_path / "gum.iob").read_text(encoding="utf-8"))] == [9, 4]


def test_gum_through_the_cli(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    db = project(capsys, tmp_path, "GUM_talk_party.tsv", GUM, "webanno")
    out = tmp_path / "gum.jsonl"
    export(capsys, db, out, "jsonl")
    (line,) = [json.loads(x) for x in out.read_text(encoding="utf-8").splitlines()]
    assert line["meta"]["Summary2"] == "(model) Someone describes a party ."
    assert line["sentence_starts"] == [0, 9] and len(line["token_offsets"]) == 13


def test_repeated_metadata_keys_collect_their_values(tmp_path: Path) -> None:
    path = tmp_path / "s.tsv"
    body = "#Sentence.id=s1\n#Text=Hi\n1-1\t0-2\tHi\t_\t\n\n#Sentence.id=s2\n#Text=Yo\n2-1\t3-5\tYo\t_\t\n"
    path.write_text("#FORMAT=WebAnno TSV 3.3\n#T_SP=x.Y|value\n\n\n" + body, encoding="utf-8")
    (record,) = webanno.read(path, "ann", ReadReport(path))
    assert record.meta == {"Sentence.id": ["s1", "s2"]} and record.text == "Hi\nYo"


def test_storage_is_compact_and_exact() -> None:
    tokens = [(0, 2), (3, 10), (11, 17)]
    blob = pack(tokens, [0, 2])
    assert blob is not None and len(blob) == 4 * (1 + 6 + 2)
    assert unpack(blob) == (tokens, [0, 2])
    assert pack(None) is None and unpack(None) == (None, None)


@pytest.mark.parametrize(
    ("tokens", "reason"),
    [("[[0, 2], [1, 3]]", "out of order"), ("[[0, 9]]", "outside the text"), ('[[0, "a"]]', "whole numbers")],
)
def test_bad_tokens_in_native_jsonl_are_refused_with_file_and_line(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, tokens: str, reason: str
) -> None:
    source = tmp_path / "bad.jsonl"
    source.write_text('{"text": "ok"}\n{"text": "abc", "token_offsets": ' + tokens + "}\n", encoding="utf-8")
    db = new_project(capsys, tmp_path)
    code, out, err = run(capsys, "--db", db, "import", str(source), "--format", "native")
    assert code != 0 and "bad.jsonl" in err and ":2" in err and reason in err
    assert "added" not in out


def _docbin(tmp_path: Path, key: str) -> Path:
    nlp = spacy.blank("en")
    doc = Doc(nlp.vocab, words=["Ana", "met", "Bo", "."], spaces=[True, True, False, False])
    doc.spans[key] = [Span(doc, 0, 1, "PER"), Span(doc, 2, 3, "PER")]
    path = tmp_path / "in.spacy"
    DocBin(docs=[doc]).to_disk(path)
    return path


def test_spacy_span_keys_other_than_sc_keep_their_key(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    (record,) = spacy_docbin.read(_docbin(tmp_path, "people"))
    assert [(s.start, s.end) for s in record.spans] == [(0, 3), (8, 10)]
    assert record.meta == {"spacy_span_key": "people"}
    db = new_project(capsys, tmp_path)
    assert (
        run(
            capsys,
            "--db",
            db,
            "import",
            str(_docbin(tmp_path, "people")),
            "--create-labels",
            "--annotator",
            "ann",
        )[0]
        == 0
    )
    nlp = spacy.blank("en")
    out = tmp_path / "out.spacy"
    export(capsys, db, out, "spacy")
    (doc,) = DocBin().from_disk(out).get_docs(nlp.vocab)
    assert list(doc.spans) == ["people"] and [s.text for s in doc.spans["people"]] == ["Ana", "Bo"]
    export(capsys, db, out, "spacy", "--span-key", "ner")
    (doc,) = DocBin().from_disk(out).get_docs(nlp.vocab)
    assert list(doc.spans) == ["ner"] and len(doc.spans["ner"]) == 2


def test_native_reader_checks_tokens_against_text(tmp_path: Path) -> None:
    path = tmp_path / "n.jsonl"
    path.write_text(
        '{"text": "ab", "token_offsets": [[0, 1], [1, 2]], "sentence_starts": [0, 5]}\n', encoding="utf-8"
    )
    with pytest.raises(InputError, match="sentence_starts"):
        list(native.read(path))

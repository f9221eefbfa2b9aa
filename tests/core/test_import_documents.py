"""PDF, DOCX, ODT and RTF import: prose as a reader sees it, news-database exports split by article,
and clear refusals (naming the file, importing nothing) for encrypted, scanned and damaged files.

Every file is written by the test (tests/core/document_files.py).
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest

from annotator.errors import InputError
from annotator.formats.peerkit import ReadReport
from annotator.formats.sources import read_path
from tests.core.cli_run import new_project, run
from tests.core.document_files import (
    ARTICLES,
    HEADER,
    academic_export,
    encrypt_pdf,
    factiva_coded_export,
    factiva_export,
    nexis_export,
    paged,
    write_columns_pdf,
    write_docx,
    write_image_pdf,
    write_odt,
    write_pdf,
    write_rtf,
)

# Two pages: a title, a word hyphenated at a line end, compounds broken after their hyphen (one
# the text also writes whole), a sentence running over the page break, an indented paragraph.
PAGE_1 = [
    "Tide barrier plan splits council",
    "",
    "The harbour committee met on Thursday to weigh a plan for a tide",
    "barrier, which the regional govern-",
    "ment has promised to fund in part.",
    "",
    "Councillor Mira Okafor called the barrier long overdue and said a",
    "well-known engineer had checked the design. Critics, including a well-",
    "known skipper, said the cost had doubled and that non-",
    "European contractors would be",
]
PAGE_2 = [
    "hired for the work, a claim the council denies.",
    "  The vote is expected next month, after a public hearing in the",
    "town hall. Residents may comment until then.",
]
PROSE = (
    "Tide barrier plan splits council\n\n"
    "The harbour committee met on Thursday to weigh a plan for a tide barrier, which the regional "
    "government has promised to fund in part.\n\n"
    "Councillor Mira Okafor called the barrier long overdue and said a well-known engineer had checked "
    "the design. Critics, including a well-known skipper, said the cost had doubled and that "
    "non-European contractors would be hired for the work, a claim the council denies.\n\n"
    "The vote is expected next month, after a public hearing in the town hall. Residents may comment "
    "until then."
)


def test_pdf_reads_as_prose_without_running_header_and_page_numbers(tmp_path: Path) -> None:
    path = write_pdf(tmp_path / "barrier.pdf", [PAGE_1, PAGE_2])
    report: list[ReadReport] = []
    [doc] = read_path(path, reports=report)
    assert doc.text == PROSE
    assert HEADER not in doc.text and "Page 1" not in doc.text
    assert doc.title == "Tide barrier plan splits council"
    assert doc.meta == {"pages": 2}
    assert doc.source_file == str(path)
    assert report == []


def test_pdf_sentence_over_a_page_break_a_web_address_and_clipped_text(tmp_path: Path) -> None:
    page_1 = [
        "Harbour talks",
        "",
        "The minister left an afternoon session before the visiting foreign minister",
        "of the northern republic and his deputy and adviser, the diplomat Karin",
    ]
    page_2 = [
        "Lindqvist addressed the delegates by video from the capital on Friday.",
        "",
        "The full statement is at https://news.example.org/2026/03/harbour-talks-",
        "statement-in-full and on the ministry's site.",
    ]
    path = write_pdf(tmp_path / "talks.pdf", [page_1, page_2], header=None)
    [doc] = read_path(path)
    assert doc.text == (
        "Harbour talks\n\n"
        "The minister left an afternoon session before the visiting foreign minister of the northern "
        "republic and his deputy and adviser, the diplomat Karin Lindqvist addressed the delegates by video from the capital on Friday.\n\n"
        "The full statement is at https://news.example.org/2026/03/harbour-talks-statement-in-full "
        "and on the ministry's site."
    )


def test_pdf_text_outside_the_page_is_not_imported(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF(unit="pt")
    pdf.add_page()
    pdf.set_font("helvetica", "", 11)
    pdf.text(56, -20, "A line cut off above the page")  # as Qt prints a line split by a page break
    pdf.set_xy(56, 100)
    pdf.cell(0, 14, "The visible text.")
    pdf.output(str(tmp_path / "clipped.pdf"))
    [doc] = read_path(tmp_path / "clipped.pdf")
    assert doc.text == "The visible text."


def test_pdf_paragraphs_over_many_pages(tmp_path: Path) -> None:
    """A longer article: every paragraph comes back whole, none split at a page break."""
    who = ["A skipper", "The mayor", "An engineer", "Two residents", "The treasurer", "A teacher"]
    what = ["the cost", "the gates", "the fleet", "the homes", "the silt", "the schedule"]
    paragraphs = [
        f"{who[n % 6]} spoke at length about {what[n % 5]} and the barrier, and then {who[(n + 1) % 6].lower()} "
        f"answered with questions about {what[(n + 2) % 6]}, the winter surges and item {n} of the agenda."
        for n in range(1, 13)
    ]
    path = write_pdf(tmp_path / "long.pdf", paged(paragraphs, per_page=16))
    [doc] = read_path(path)
    assert doc.meta["pages"] > 2
    assert doc.text.split("\n\n") == paragraphs


def test_pdf_columns_are_read_one_after_the_other(tmp_path: Path) -> None:
    left = " ".join(
        f"The left column, sentence {n}, is about the committee and its long meeting." for n in range(6)
    )
    right = " ".join(
        f"The right column, sentence {n}, covers the engineers and their gates." for n in range(6)
    )
    path = write_columns_pdf(tmp_path / "columns.pdf", "Two columns of council news", left, right)
    [doc] = read_path(path)
    assert doc.text == f"Two columns of council news\n\n{left}\n\n{right}"


def test_news_database_pdf_is_split_into_its_articles(tmp_path: Path) -> None:
    lines = [x for line in nexis_export() for x in (line, "")]
    path = write_pdf(
        tmp_path / "nexis.pdf", [lines[i : i + 50] for i in range(0, len(lines), 50)], header=None
    )
    docs = read_path(path)
    assert [d.title for d in docs] == [a.title for a in ARTICLES]
    assert [d.author for d in docs] == [a.author for a in ARTICLES]
    assert [d.published for d in docs] == [a.iso for a in ARTICLES]
    assert [d.text for d in docs] == ["\n\n".join(a.paragraphs) for a in ARTICLES]
    assert [d.meta["outlet"] for d in docs] == [a.outlet for a in ARTICLES]
    assert docs[1].meta["length"] == "305 words" and docs[1].meta["section"] == "NEWS; Pg. 3"
    assert [d.meta["article"] for d in docs] == [1, 2, 3]


@pytest.mark.parametrize("writer", [write_docx, write_rtf, write_odt], ids=["docx", "rtf", "odt"])
def test_nexis_export_in_word_formats(tmp_path: Path, writer: object) -> None:
    suffix = {write_docx: ".docx", write_rtf: ".rtf", write_odt: ".odt"}[writer]  # type: ignore[index]
    path = writer(tmp_path / f"nexis{suffix}", nexis_export())  # type: ignore[operator]
    docs = read_path(path)
    assert [(d.title, d.author, d.published) for d in docs] == [(a.title, a.author, a.iso) for a in ARTICLES]
    assert docs[0].meta == {
        "database": "Nexis Uni",
        "outlet": "The Coastal Courier",
        "edition": "Final Edition",
        "copyright": "Copyright 2026 The Coastal Courier Ltd. All Rights Reserved",
        "section": "NEWS; Pg. 3",
        "length": "412 words",
        "language": "ENGLISH",
        "publication_type": "Newspaper",
        "load_date": "March 7, 2026",
        "article": 1,
    }
    for doc, article in zip(docs, ARTICLES, strict=True):
        assert doc.text == "\n\n".join(article.paragraphs)  # no cover page, header or classification


@pytest.mark.parametrize("writer", [write_rtf, write_docx], ids=["rtf", "docx"])
def test_factiva_export_is_split_into_its_articles(tmp_path: Path, writer: object) -> None:
    suffix = ".rtf" if writer is write_rtf else ".docx"
    path = writer(tmp_path / f"factiva{suffix}", factiva_export())  # type: ignore[operator]
    docs = read_path(path)
    assert [(d.title, d.author, d.published) for d in docs] == [(a.title, a.author, a.iso) for a in ARTICLES]
    assert [d.text for d in docs] == ["\n\n".join(a.paragraphs) for a in ARTICLES]
    assert docs[2].meta == {
        "database": "Factiva",
        "length": "288 words",
        "document_id": "COASTC0020260306em3600003",
        "outlet": "The Coastal Courier",
        "source_code": "COASTC",
        "language": "English",
        "copyright": "Copyright 2026 The Coastal Courier. All rights reserved.",
        "article": 3,
    }


@pytest.mark.parametrize("writer", [write_rtf, write_docx], ids=["rtf", "docx"])
def test_older_lexisnexis_and_coded_factiva_exports(tmp_path: Path, writer: object) -> None:
    suffix = ".rtf" if writer is write_rtf else ".docx"
    academic = read_path(writer(tmp_path / f"academic{suffix}", academic_export()))  # type: ignore[operator]
    coded = read_path(writer(tmp_path / f"coded{suffix}", factiva_coded_export()))  # type: ignore[operator]
    for docs in (academic, coded):
        assert [(d.title, d.author, d.published) for d in docs] == [
            (a.title, a.author, a.iso) for a in ARTICLES
        ]
        assert [d.text for d in docs] == ["\n\n".join(a.paragraphs) for a in ARTICLES]
        assert [d.meta["outlet"] for d in docs] == [a.outlet for a in ARTICLES]
    assert academic[1].meta == {
        "database": "LexisNexis",
        "outlet": "Northern Ledger",
        "edition": "Final Edition",
        "section": "NEWS; Pg. 3",
        "length": "305 words",
        "load_date": "March 7, 2026",
        "language": "ENGLISH",
        "copyright": "Copyright 2026 Northern Ledger Ltd. All Rights Reserved",
        "article": 2,
    }
    assert coded[0].meta["document_id"] == "COASTC0020260304em3400001"
    assert coded[0].meta["subjects"] == "gpol : Domestic Politics"


def test_docx_paragraphs_line_breaks_and_title(tmp_path: Path) -> None:
    path = write_docx(
        tmp_path / "memo.docx",
        [
            "Port report",
            "First paragraph, in two runs.",
            "",
            "A line\nbroken by hand.",
            "Café “quotes” — ok.",
        ],
        title="Port authority report",
    )
    [doc] = read_path(path)
    assert doc.title == "Port authority report"
    assert doc.text == (
        "Port report\n\nFirst paragraph, in two runs.\n\nA line\nbroken by hand.\n\nCafé “quotes” — ok."
    )
    assert "NEVER IMPORTED" not in doc.text  # page header and footer


WORD_BODY = """
<w:p><w:r><w:t>Quay report</w:t></w:r></w:p>
<w:p><w:r><w:t xml:space="preserve">Read the </w:t></w:r><w:hyperlink r:id="rId9"><w:r><w:t>full plan</w:t></w:r></w:hyperlink>
<w:r><w:t xml:space="preserve"> online</w:t></w:r><w:del w:id="1" w:author="ed"><w:r><w:delText> (draft)</w:delText></w:r></w:del>
<w:ins w:id="2" w:author="ed"><w:r><w:t xml:space="preserve"> today</w:t></w:r></w:ins><w:r><w:t>.</w:t></w:r></w:p>
<w:p><w:r><w:fldChar w:fldCharType="begin"/></w:r><w:r><w:instrText> PAGE </w:instrText></w:r>
<w:r><w:fldChar w:fldCharType="end"/></w:r><w:r><w:t>Cost:</w:t></w:r><w:r><w:tab/><w:t>high</w:t></w:r></w:p>
<w:p><w:r><mc:AlternateContent><mc:Choice Requires="wps"><w:drawing><w:txbxContent>
<w:p><w:r><w:t>Boxed note</w:t></w:r></w:p></w:txbxContent></w:drawing></mc:Choice>
<mc:Fallback><w:pict><w:txbxContent><w:p><w:r><w:t>Boxed note</w:t></w:r></w:p></w:txbxContent></w:pict>
</mc:Fallback></mc:AlternateContent></w:r><w:r><w:t>After the box.</w:t></w:r></w:p>
<w:tbl><w:tr><w:tc><w:p><w:r><w:t>Cell one</w:t></w:r></w:p></w:tc><w:tc><w:p><w:r><w:t>Cell two</w:t></w:r></w:p></w:tc></w:tr></w:tbl>
"""


def test_docx_as_word_writes_it(tmp_path: Path) -> None:
    """Hyperlinks, insertions and tab stops read; deletions, field codes and a text box's fallback
    copy not; a text box and table cells become paragraphs of their own."""
    template = write_docx(tmp_path / "template.docx", ["placeholder"])
    path = tmp_path / "quay.docx"
    with zipfile.ZipFile(template) as source, zipfile.ZipFile(path, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                head, rest = data.split(b"<w:body>")
                ns = b' xmlns:mc="http://schemas.openxmlformats.org/markup-compatibility/2006"'
                head = head if b"xmlns:mc=" in head else head.replace(b"<w:document", b"<w:document" + ns, 1)
                data = head + b"<w:body>" + WORD_BODY.encode() + rest[rest.index(b"<w:sectPr") :]
            target.writestr(item, data)
    [doc] = read_path(path)
    assert doc.text == (
        "Quay report\n\nRead the full plan online today.\n\nCost: high\n\nAfter the box.\n\n"
        "Boxed note\n\nCell one\n\nCell two"
    )


def test_rtf_and_odt_single_documents(tmp_path: Path) -> None:
    paragraphs = ["Harbour notes", "Émilie Durand said: “It works.”", "Braces {kept} and a \\ backslash."]
    [rtf] = read_path(write_rtf(tmp_path / "notes.rtf", paragraphs))
    [odt] = read_path(write_odt(tmp_path / "notes.odt", paragraphs))
    assert rtf.text == odt.text == "\n\n".join(paragraphs)
    assert rtf.title == odt.title == "Harbour notes"


def test_scanned_pdf_is_refused_with_a_clear_message(tmp_path: Path) -> None:
    path = write_image_pdf(tmp_path / "scan.pdf")
    with pytest.raises(InputError) as caught:
        read_path(path)
    assert caught.value.path == str(path)
    assert "no text layer" in caught.value.reason and "OCR" in caught.value.reason


def test_pages_without_text_are_reported(tmp_path: Path) -> None:
    from pypdf import PdfWriter

    text = write_pdf(tmp_path / "text.pdf", [PAGE_1, PAGE_2])
    scan = write_image_pdf(tmp_path / "scan.pdf")
    writer = PdfWriter()
    writer.append(str(text))
    writer.append(str(scan))
    with (tmp_path / "mixed.pdf").open("wb") as fh:
        writer.write(fh)
    reports: list[ReadReport] = []
    [doc] = read_path(tmp_path / "mixed.pdf", reports=reports)
    assert doc.text == PROSE
    assert doc.meta == {"pages": 3, "pages_without_text": [3]}
    assert "pages without a text layer (scanned?) skipped: 3" in reports[0].summary()


def test_encrypted_pdf_is_refused(tmp_path: Path) -> None:
    plain = write_pdf(tmp_path / "plain.pdf", [PAGE_1])
    path = encrypt_pdf(plain, tmp_path / "locked.pdf")
    with pytest.raises(InputError) as caught:
        read_path(path)
    assert caught.value.path == str(path) and "encrypted PDF" in caught.value.reason


@pytest.mark.parametrize(
    ("name", "data", "reason"),
    [
        ("cut.docx", b"PK\x03\x04" + b"\x00" * 40, "damaged or not a Word document"),
        ("text.docx", b"just some text", "damaged or not a Word document"),
        ("old.docx", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\x00" * 100, "password-protected"),
        ("fake.pdf", b"<html>not a pdf</html>", "not a PDF file"),
        ("broken.pdf", b"%PDF-1.7\n1 0 obj << /Type /Catalog /Pages 9 0 R >> endobj\n%%EOF", "damaged PDF"),
        ("fake.rtf", b"plain text, no RTF", "not an RTF file"),
        ("cut.odt", b"PK\x05\x06" + b"\x00" * 18, "no content.xml inside"),
    ],
)
def test_damaged_files_are_refused(tmp_path: Path, name: str, data: bytes, reason: str) -> None:
    path = tmp_path / name
    path.write_bytes(data)
    with pytest.raises(InputError) as caught:
        read_path(path)
    assert caught.value.path == str(path)
    assert reason in caught.value.reason


def test_docx_with_broken_xml_names_the_part_and_line(tmp_path: Path) -> None:
    good = write_docx(tmp_path / "good.docx", ["Fine text."])
    bad = tmp_path / "bad.docx"
    with zipfile.ZipFile(good) as source, zipfile.ZipFile(bad, "w") as target:
        for item in source.infolist():
            data = source.read(item)
            if item.filename == "word/document.xml":
                data = data.replace(b"</w:body>", b"<w:p></w:body>")
            target.writestr(item, data)
    with pytest.raises(InputError) as caught:
        read_path(bad)
    assert "damaged document: word/document.xml" in str(caught.value) and caught.value.line is not None


def test_cli_imports_a_folder_of_documents_in_one_transaction(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = new_project(capsys, tmp_path)
    folder = tmp_path / "inbox"
    folder.mkdir()
    write_pdf(folder / "a-barrier.pdf", [PAGE_1, PAGE_2])
    write_docx(folder / "b-nexis.docx", nexis_export(), page_breaks=True)
    write_rtf(folder / "c-factiva.rtf", factiva_export())
    (folder / "d-broken.docx").write_bytes(b"PK\x03\x04 damaged")

    code, _out, err = run(capsys, "--db", db, "import", str(folder))
    assert code != 0 and "d-broken.docx" in err and "damaged or not a Word document" in err
    code, out, _ = run(capsys, "--db", db, "docs", "--json")
    assert json.loads(out) == []  # the good files before it were not imported either

    (folder / "d-broken.docx").unlink()
    code, out, err = run(capsys, "--db", db, "import", str(folder))
    assert code == 0, err
    code, out, _ = run(capsys, "--db", db, "docs", "--json")
    titles = [d["title"] for d in json.loads(out)]
    # Factiva's copies of the same three articles carry the same texts: recognised, not added twice.
    assert titles == ["Tide barrier plan splits council"] + [a.title for a in ARTICLES]
    export = tmp_path / "all.jsonl"
    assert run(capsys, "--db", db, "export", "--format", "jsonl", "-o", str(export))[0] == 0
    docs = [json.loads(line) for line in export.read_text(encoding="utf-8").splitlines()]
    assert docs[0]["text"] == PROSE and docs[0]["source_file"].endswith("a-barrier.pdf")
    assert docs[1]["author"] == "Tomas Reyes" and docs[1]["published"] == "2026-03-04"
    assert docs[1]["meta"]["outlet"] == "The Coastal Courier"
    assert docs[3]["meta"]["database"] == "Nexis Uni"

"""Real PDF, DOCX, ODT and RTF files written by the tests (never copied from anywhere).

The articles are made up. PDFs are drawn with fpdf2 line by line, so a test knows where every line
breaks; DOCX files are written with python-docx, ODT and RTF by hand (both are plain markup).
"""

from __future__ import annotations

import zipfile
from dataclasses import dataclass
from pathlib import Path

HEADER = "The Coastal Courier - Weekend Report"


@dataclass
class Article:
    title: str
    outlet: str
    date_line: str  # as the database prints it
    iso: str
    author: str
    words: int
    paragraphs: list[str]
    code: str  # Factiva's document id


ARTICLES = [
    Article(
        "Harbour barrier vote delayed again",
        "The Coastal Courier",
        "March 4, 2026 Wednesday",
        "2026-03-04",
        "Tomas Reyes",
        412,
        [
            "The harbour committee postponed its vote on the tide barrier for a third time on Tuesday.",
            '"We need the revised costs first," said Councillor Mira Okafor, who chairs the committee.',
        ],
        "COASTC0020260304em3400001",
    ),
    Article(
        "Fishing fleet seeks compensation",
        "Northern Ledger",
        "March 5, 2026 Thursday",
        "2026-03-05",
        "Ines Dahl",
        305,
        [
            "Skippers asked the port authority to pay for weeks of lost access during construction.",
            "The authority said it would publish a proposal before the summer season begins.",
        ],
        "NORLED0020260305em3500002",
    ),
    Article(
        "Engineers defend barrier design",
        "The Coastal Courier",
        "March 6, 2026 Friday",
        "2026-03-06",
        "Priya Lawson",
        288,
        [
            "Two engineers who drew up the plan said the moveable gates had been tested in a scale model.",
            "They rejected claims that the barrier would silt up the estuary within a decade.",
        ],
        "COASTC0020260306em3600003",
    ),
]

NEXIS_COVER = [
    "User Name: Test Reader",
    "Date and Time: Friday, March 6, 2026 10:15:00 AM",
    "Job Number: 123456",
    "Documents (3)",
    *(f"{n}. {a.title}" for n, a in enumerate(ARTICLES, 1)),
    "Client/Matter: -None-",
    "Search Terms: harbour barrier",
    "Search Type: Terms and Connectors",
]


def nexis_lines(article: Article) -> list[str]:
    """One article as Nexis Uni prints it, each entry a paragraph."""
    return [
        article.title,
        article.outlet,
        article.date_line,
        "Final Edition",
        f"Copyright 2026 {article.outlet} Ltd. All Rights Reserved",
        "Section: NEWS; Pg. 3",
        f"Length: {article.words} words",
        f"Byline: {article.author}",
        "Body",
        *article.paragraphs,
        "Classification",
        "Language: ENGLISH",
        "Publication-Type: Newspaper",
        "Load-Date: March 7, 2026",
        "End of Document",
    ]


def nexis_export() -> list[str]:
    return [*NEXIS_COVER, *(line for a in ARTICLES for line in nexis_lines(a))]


def factiva_lines(article: Article) -> list[str]:
    day, month, year = article.iso[8:], article.date_line.split()[0], article.iso[:4]
    return [
        article.title,
        f"By {article.author}",
        f"{article.words} words",
        f"{int(day)} {month} {year}",
        article.outlet,
        article.code[:6],
        "English",
        f"Copyright 2026 {article.outlet}. All rights reserved.",
        *article.paragraphs,
        f"Document {article.code}",
    ]


def factiva_export() -> list[str]:
    return [
        *(line for a in ARTICLES for line in factiva_lines(a)),
        "Search Summary",
        "Text: harbour barrier",
        "Date: 03/01/2026 to 03/06/2026",
    ]


def academic_export() -> list[str]:
    """LexisNexis Academic's older layout: "N of M DOCUMENTS" opens each article."""
    out: list[str] = []
    for n, a in enumerate(ARTICLES, 1):
        out += [f"{n} of {len(ARTICLES)} DOCUMENTS", "", a.outlet, "", a.date_line, "Final Edition", ""]
        out += [
            a.title,
            "",
            f"BYLINE: {a.author}",
            "",
            "SECTION: NEWS; Pg. 3",
            "",
            f"LENGTH: {a.words} words",
            "",
        ]
        out += [*a.paragraphs, "", "LOAD-DATE: March 7, 2026", "", "LANGUAGE: ENGLISH", ""]
        out += [f"Copyright 2026 {a.outlet} Ltd.", "All Rights Reserved", ""]
    return out


def factiva_coded_export() -> list[str]:
    """Factiva's "full article with indexing": a code and a tab before each field."""
    out: list[str] = []
    for a in ARTICLES:
        day, month, year = int(a.iso[8:]), a.date_line.split()[0], a.iso[:4]
        out += [f"HD\t{a.title}", f"BY\tBy {a.author}", f"WC\t{a.words} words", f"PD\t{day} {month} {year}"]
        out += [f"SN\t{a.outlet}", f"SC\t{a.code[:6]}", "LA\tEnglish", f"CY\tCopyright 2026 {a.outlet}."]
        out += [f"LP\t{a.paragraphs[0]}", f"TD\t{a.paragraphs[1]}", "NS\tgpol : Domestic Politics"]
        out += ["RE\tuk : United Kingdom", f"AN\tDocument {a.code}", ""]
    return out


# -- PDF ------------------------------------------------------------------------------------------


def write_pdf(
    path: Path, pages: list[list[str]], *, header: str | None = HEADER, numbers: bool = True
) -> Path:
    """A text PDF: each page's lines drawn one by one; "" leaves a paragraph's blank gap, a line
    starting with "  " is indented. A running header and "Page N of M" footers on every page."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.set_auto_page_break(False)
    pdf.set_margins(56, 56)
    for number, lines in enumerate(pages, 1):
        pdf.add_page()
        pdf.set_font("helvetica", "I", 9)
        if header:
            pdf.set_xy(56, 30)
            pdf.cell(0, 12, header, align="C")
        if numbers:
            pdf.set_xy(56, 800)
            pdf.cell(0, 12, f"Page {number} of {len(pages)}", align="C")
        pdf.set_font("helvetica", "", 11)
        y = 70.0
        for line in lines:
            if line:
                indent = 20 if line.startswith("  ") else 0
                pdf.set_xy(56 + indent, y)
                pdf.cell(0, 14, line.strip())
            y += 14 if line else 10
    pdf.output(str(path))
    return path


def write_image_pdf(path: Path) -> Path:
    """A PDF whose only page is a picture (a scan): no text layer at all."""
    from fpdf import FPDF
    from PIL import Image, ImageDraw

    picture = Image.new("RGB", (400, 300), "white")
    ImageDraw.Draw(picture).rectangle((40, 40, 360, 60), fill="black")
    pdf = FPDF()
    pdf.add_page()
    pdf.image(picture, x=10, y=10, w=180)
    pdf.output(str(path))
    return path


def encrypt_pdf(source: Path, target: Path, password: str = "s3cret") -> Path:
    from pypdf import PdfReader, PdfWriter

    writer = PdfWriter(clone_from=PdfReader(source))
    writer.encrypt(user_password=password, owner_password=password, algorithm="AES-256")
    with target.open("wb") as fh:
        writer.write(fh)
    return target


def paged(paragraphs: list[str], per_page: int = 40, width: int = 80) -> list[list[str]]:
    """Paragraphs wrapped at ``width`` characters, a blank gap between them, onto pages."""
    import textwrap

    lines: list[str] = []
    for paragraph in paragraphs:
        lines.extend(textwrap.wrap(paragraph, width) or [paragraph])
        lines.append("")
    return [lines[i : i + per_page] for i in range(0, len(lines), per_page)]


# -- DOCX, ODT, RTF -------------------------------------------------------------------------------


def write_docx(
    path: Path, paragraphs: list[str], *, title: str | None = None, page_breaks: bool = False
) -> Path:
    """A Word file, one paragraph per entry ("\\n" inside one is a line break); with
    ``page_breaks`` every "End of Document" line is followed by a page break, as Nexis Uni does."""
    import docx

    document = docx.Document()
    if title:
        document.core_properties.title = title
    for text in paragraphs:
        paragraph = document.add_paragraph()
        for i, part in enumerate(text.split("\n")):
            run = paragraph.add_run(part)
            if i < len(text.split("\n")) - 1:
                run.add_break()
        if page_breaks and text == "End of Document":
            document.add_page_break()
    section = document.sections[0]
    section.header.paragraphs[0].text = "HEADER TEXT NEVER IMPORTED"
    section.footer.paragraphs[0].text = "FOOTER TEXT NEVER IMPORTED"
    document.save(str(path))
    return path


def write_odt(path: Path, paragraphs: list[str]) -> Path:
    """A minimal OpenDocument text file, as LibreOffice would read it."""
    from xml.sax.saxutils import escape

    body = "".join(f"<text:p>{escape(p)}</text:p>" for p in paragraphs)
    content = (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<office:document-content xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
        'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.3">'
        f"<office:body><office:text>{body}</office:text></office:body></office:document-content>"
    )
    with zipfile.ZipFile(path, "w") as archive:
        archive.writestr(zipfile.ZipInfo("mimetype"), "application/vnd.oasis.opendocument.text")
        archive.writestr("content.xml", content)
    return path


def rtf_escape(text: str) -> str:
    """RTF spelling of text: braces and backslashes escaped, tabs as \\tab, non-ASCII as \\uN?."""
    out = []
    for ch in text:
        if ch in "\\{}":
            out.append("\\" + ch)
        elif ch == "\t":
            out.append("\\tab ")
        elif ord(ch) < 128:
            out.append(ch)
        else:
            code = ord(ch)
            out.append(f"\\u{code - 65536 if code > 32767 else code}?")
    return "".join(out)


def write_rtf(path: Path, paragraphs: list[str]) -> Path:
    body = "".join(f"{{\\pard {rtf_escape(p)}\\par}}\n" for p in paragraphs)
    header = (
        "{\\rtf1\\ansi\\ansicpg1252\\deff0{\\fonttbl{\\f0\\froman Times New Roman;}}"
        "{\\header\\pard HEADER TEXT NEVER IMPORTED\\par}\n"
    )
    path.write_text(header + body + "}", encoding="ascii")
    return path


def write_columns_pdf(path: Path, title: str, left: str, right: str) -> Path:
    """One page: a title over two justified columns (wide word gaps, as newspapers set them)."""
    from fpdf import FPDF

    pdf = FPDF(format="A4", unit="pt")
    pdf.set_auto_page_break(False)
    pdf.add_page()
    pdf.set_font("helvetica", "B", 18)
    pdf.set_xy(50, 50)
    pdf.cell(0, 20, title)
    pdf.set_font("helvetica", "", 10)
    for x, text in ((50, left), (310, right)):
        pdf.set_xy(x, 90)
        pdf.multi_cell(230, 13, text, align="J")
    pdf.output(str(path))
    return path

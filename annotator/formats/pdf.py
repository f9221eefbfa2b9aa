"""Read text PDFs: prose in reading order, without running headers, footers and page numbers.

pdfminer.six does the parsing and its layout analysis orders the text boxes (columns included);
this module decides what a reader of the article would keep: lines repeated at the same height on
several pages (a running header, "Page 3 of 9") and lone page numbers are dropped, lines wrapped
by the layout are joined and words hyphenated at a line end mended, and paragraphs (a new box, an
indented line) are kept. A news-database export becomes one document per article (``newsdb``).

Scans without a text layer, encrypted and damaged files are refused with the file's name.
"""

from __future__ import annotations

import itertools
import re
import statistics
import unicodedata
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.formats import newsdb
from annotator.formats.layout import Line, clean
from annotator.formats.peerkit import ReadReport
from annotator.records import DocRecord

# A lone page number, however the layout spells it: "7", "- 7 -", "Page 7", "Page 7 of 12", "7/12".
_PAGE_NUMBER = re.compile(
    r"[-–—\s]*(?:(?:page|p\.|seite|página|pagina|pag\.)\s*)?\d{1,4}(?:\s*(?:/|of|von|de|di|sur)\s*\d{1,4})?[-–—\s]*",
    re.I,
)
_ROMAN = re.compile(r"(?=[ivxlc])c{0,3}(?:xc|xl|l?x{0,3})(?:ix|iv|v?i{0,3})")
_EDGE_LINES = 2  # how many lines at the top and bottom of a page may be a header or footer
_SAME_HEIGHT = 4.0  # points: a running header sits at the same height on every page
# Typographic ligatures (ﬁ, ﬂ, ﬀ, …) as the letters they join, so "ﬁve" is found as "five".
_LIGATURES = {cp: unicodedata.normalize("NFKC", chr(cp)) for cp in range(0xFB00, 0xFB07)}
_CID = re.compile(r"\(cid:\d+\)")
_SENTENCE_END = tuple('.!?:;"”’»)')
_FILE_TITLE = re.compile(r"(?i)microsoft word|\.(?:docx?|pdf|rtf|odt|indd|qxd)\b|^untitled")


@dataclass(slots=True)
class _PdfLine:
    text: str
    x0: float
    x1: float
    top: float  # distance from the page's top edge, in points
    height: float
    box: int
    page: int


def read(path: Path, report: ReadReport | None = None) -> list[DocRecord]:
    """One record per file, or one per article of a news-database export."""
    pages, info = _extract(path)
    lines = _lines(_drop_headers_and_footers(pages))
    textless = [n for n, page in enumerate(pages, 1) if not page]
    if not lines:
        raise InputError(
            str(path),
            "no text layer: this PDF holds only images (a scan?). Run OCR on it first "
            "(e.g. ocrmypdf), then import the result",
        )
    meta: dict[str, Any] = {"pages": len(pages)}
    if textless:
        meta["pages_without_text"] = textless
        if report is not None:
            report.note(f"pages without a text layer (scanned?) skipped: {_ranges(textless)}")
    return newsdb.records(path, lines, _meta_title(info), report, meta)


def _extract(path: Path) -> tuple[list[list[_PdfLine]], dict[str, Any]]:
    """The text lines of every page, in reading order, and the document's info dictionary."""
    from pdfminer.converter import PDFPageAggregator
    from pdfminer.layout import LAParams, LTTextBox, LTTextLine
    from pdfminer.pdfdocument import PDFDocument, PDFEncryptionError, PDFPasswordIncorrect
    from pdfminer.pdfinterp import PDFPageInterpreter, PDFResourceManager
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser

    with path.open("rb") as fh:
        if not fh.read(1024).lstrip().startswith(b"%PDF"):
            raise InputError(str(path), "not a PDF file (it does not start with %PDF)")
        fh.seek(0)
        try:
            document = PDFDocument(PDFParser(fh), password="")
            info = document.info[0] if document.info else {}
            manager = PDFResourceManager()
            # Words up to 3 characters apart stay one line: pdfminer's default (2) cuts a
            # justified line's wide word gaps into fragments that then land in separate boxes.
            device = PDFPageAggregator(manager, laparams=LAParams(char_margin=3.0))
            interpreter = PDFPageInterpreter(manager, device)
            pages: list[list[_PdfLine]] = []
            for number, page in enumerate(PDFPage.create_pages(document), 1):
                interpreter.process_page(page)
                layout = device.get_result()
                found: list[_PdfLine] = []
                boxes = [obj for obj in layout if isinstance(obj, LTTextBox)]
                for box_no, box in enumerate(boxes):
                    for line in box:
                        visible = 0 <= (line.y0 + line.y1) / 2 <= layout.height  # clipped text is not
                        text = clean(line.get_text().translate(_LIGATURES))
                        if isinstance(line, LTTextLine) and visible and text:
                            top = layout.height - line.y1
                            found.append(_PdfLine(text, line.x0, line.x1, top, line.height, box_no, number))
                pages.append(found)
        except PDFPasswordIncorrect:
            raise InputError(
                str(path),
                "encrypted PDF (it needs a password to open): save an unprotected copy and import that",
            ) from None
        except PDFEncryptionError as exc:
            raise InputError(str(path), f"encrypted PDF that cannot be read ({exc})") from None
        except InputError:
            raise
        except Exception as exc:  # a damaged file can fail anywhere inside the parser
            raise InputError(
                str(path), f"damaged PDF, cannot be read ({type(exc).__name__}: {exc})"
            ) from None
    if not pages:
        raise InputError(str(path), "damaged PDF: it has no pages")
    chars = sum(len(line.text) for page in pages for line in page)
    cids = sum(len(m.group(0)) for page in pages for line in page for m in _CID.finditer(line.text))
    if chars and cids > chars / 4:
        raise InputError(
            str(path), "its text cannot be extracted (fonts without a character map); run OCR on it first"
        )
    return pages, info


def _drop_headers_and_footers(pages: list[list[_PdfLine]]) -> list[list[_PdfLine]]:
    """Pages without their running headers and footers.

    Only the lines set apart at a page's top or bottom edge (by a gap wider than the page's line
    spacing) can be one: a lone page number, or a line repeated (digits aside) at the same height on
    another page. They are taken from the edge inwards, stopping at the first that is neither, so an
    article's own title stays; a top line starting in lower case continues a sentence and stays.
    """
    keys = [[(_shape(ln.text), ln.top) for ln in page] for page in pages]

    def repeated(line: _PdfLine, n: int) -> bool:
        shape = _shape(line.text)
        return any(
            s == shape and abs(t - line.top) <= _SAME_HEIGHT
            for m, others in enumerate(keys)
            if m != n
            for s, t in others
        )

    kept: list[list[_PdfLine]] = []
    for n, page in enumerate(pages):
        rows = sorted(page, key=lambda ln: ln.top)
        steps = [b.top - a.top for a, b in itertools.pairwise(rows) if b.top - a.top > 1]
        step = statistics.median(steps) if steps else 0.0
        drop: set[int] = set()
        for edge in (rows, rows[::-1]):
            block = _edge_block(edge, step)
            for line in block:
                top_continuation = edge is rows and line.text[:1].islower()
                if top_continuation or not (
                    _PAGE_NUMBER.fullmatch(line.text) or _ROMAN.fullmatch(line.text) or repeated(line, n)
                ):
                    break
                drop.add(id(line))
        kept.append([ln for ln in page if id(ln) not in drop])
    return kept


def _edge_block(edge: list[_PdfLine], step: float) -> list[_PdfLine]:
    """The lines at the edge (top or bottom first) before the first gap wider than the line step."""
    for k in range(min(_EDGE_LINES, len(edge) - 1)):
        if abs(edge[k + 1].top - edge[k].top) > step * 1.3:
            return edge[: k + 1]
    return edge if len(edge) <= 1 else []


def _shape(text: str) -> str:
    return re.sub(r"\d+", "#", text.casefold())


def _lines(pages: list[list[_PdfLine]]) -> list[Line]:
    """Lines with paragraph starts: a new box, an indented first line, or a wide vertical gap."""
    out: list[Line] = []
    full = False  # whether the last line filled its box's width (so was wrapped, not a paragraph's end)
    for page in pages:
        boxes: dict[int, list[_PdfLine]] = {}
        for line in page:
            box_lines = boxes.setdefault(line.box, [])
            last = box_lines[-1] if box_lines else None
            if last is not None and abs(line.top - last.top) < 1 and line.x0 >= last.x1:
                # Justified text: a wide word gap split one line in two.
                last.text, last.x1 = f"{last.text} {line.text}", line.x1
            else:
                box_lines.append(line)
        for box in boxes.values():
            left = min(ln.x0 for ln in box)
            right = max(ln.x1 for ln in box)
            size = statistics.median(ln.height for ln in box)
            gaps = [b.top - a.top for a, b in itertools.pairwise(box)]
            step = statistics.median(gaps) if gaps else size
            for i, line in enumerate(box):
                if i == 0:
                    par = not _continues(out, line, full)
                    out.append(Line(line.text, par=par, soft=True, page=line.page))
                else:
                    prev = box[i - 1]
                    indented = line.x0 - left > size * 0.8 and prev.x0 - left <= size * 0.8
                    short = prev.x1 < right - size * 4 and prev.text.endswith(_SENTENCE_END)
                    gap = line.top - prev.top > step * 1.4
                    out.append(Line(line.text, par=indented or short or gap, soft=True, page=line.page))
                full = len(box) > 1 and line.x1 >= right - size * 4
    return out


def _continues(out: list[Line], line: _PdfLine, full: bool) -> bool:
    """Whether a box's first line continues the previous box's sentence (a page or column break):
    the previous line ends mid-sentence, and this one starts in lower case or, on a new page, the
    previous line was wrapped (it filled its column)."""
    if not out or out[-1].text.rstrip().endswith(_SENTENCE_END):
        return False
    return line.text[:1].islower() or (line.page != out[-1].page and full)


def _meta_title(info: dict[str, Any]) -> str | None:
    """The PDF's own Title, unless it is a file name or a word processor's placeholder."""
    from pdfminer.pdftypes import resolve1
    from pdfminer.utils import decode_text

    raw = resolve1(info.get("Title"))
    if isinstance(raw, bytes):
        raw = decode_text(raw)
    title = clean(raw) if isinstance(raw, str) else ""
    return title if title and len(title) < 200 and not _FILE_TITLE.search(title) else None


def _ranges(pages: list[int]) -> str:
    """3, 4, 5, 9 as "3-5, 9"."""
    spans: list[list[int]] = []
    for n in pages:
        if spans and n == spans[-1][1] + 1:
            spans[-1][1] = n
        else:
            spans.append([n, n])
    return ", ".join(f"{a}-{b}" if a != b else f"{a}" for a, b in spans)

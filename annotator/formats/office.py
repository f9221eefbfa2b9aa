"""Read word-processor files: DOCX (Word) and ODT (LibreOffice), both zip archives of XML.

The XML is read directly (lxml, no entities, no network): every paragraph of the body in document
order, tables' cells included, tracked deletions, field codes, comments and footnotes left out,
page headers and footers never read (they live in other parts of the archive). A line break inside a
paragraph stays a line break. A news-database export becomes one document per article (``newsdb``).

Damaged, password-protected and old binary (.doc) files are refused with the file's name.
"""

from __future__ import annotations

import zipfile
from pathlib import Path
from typing import Any

from lxml import etree

from annotator.errors import InputError
from annotator.formats import newsdb
from annotator.formats.layout import Line, clean
from annotator.formats.peerkit import ReadReport
from annotator.records import DocRecord

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"
MC_FALLBACK = "{http://schemas.openxmlformats.org/markup-compatibility/2006}Fallback"
TEXT = "{urn:oasis:names:tc:opendocument:xmlns:text:1.0}"
OFFICE = "{urn:oasis:names:tc:opendocument:xmlns:office:1.0}"
DC = "{http://purl.org/dc/elements/1.1/}"
# An XML part bigger than this is refused before it is inflated (a zip bomb, not an article).
MAX_PART_BYTES = 256 << 20
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # encrypted OOXML and old .doc files are OLE containers
_PARSER = etree.XMLParser(resolve_entities=False, no_network=True, huge_tree=False, remove_comments=True)
_DOCX_SKIP = frozenset({f"{W}del", f"{W}moveFrom"})  # tracked deletions
_ODT_SKIP = frozenset({f"{TEXT}note", f"{OFFICE}annotation", f"{TEXT}tracked-changes"})


def read_docx(path: Path, report: ReadReport | None = None) -> list[DocRecord]:
    return _read(path, report, "Word document (.docx)", "word/document.xml", "docProps/core.xml")


def read_odt(path: Path, report: ReadReport | None = None) -> list[DocRecord]:
    return _read(path, report, "OpenDocument text (.odt)", "content.xml", "meta.xml")


def _read(
    path: Path, report: ReadReport | None, kind: str, body_part: str, meta_part: str
) -> list[DocRecord]:
    with _archive(path, kind) as archive:
        body = _part(path, archive, body_part)
        core = _part(path, archive, meta_part, required=False)
    lines = list(_docx_lines(body) if body_part.startswith("word/") else _odt_lines(body))
    return newsdb.records(path, lines, _core_title(core), report)


def _archive(path: Path, kind: str) -> zipfile.ZipFile:
    with path.open("rb") as fh:
        head = fh.read(8)
    if head == _OLE:
        raise InputError(
            str(path),
            f"not a {kind}: a password-protected file or an old binary Word/Office file; "
            "remove the password or save it as .docx/.odt, then import again",
        )
    try:
        return zipfile.ZipFile(path)
    except (zipfile.BadZipFile, zipfile.LargeZipFile) as exc:
        raise InputError(str(path), f"damaged or not a {kind} (not a readable zip archive: {exc})") from None


def _part(path: Path, archive: zipfile.ZipFile, name: str, *, required: bool = True) -> Any:
    try:
        info = archive.getinfo(name)
    except KeyError:
        if not required:
            return None
        raise InputError(str(path), f"damaged or not a document of this kind (no {name} inside)") from None
    if info.file_size > MAX_PART_BYTES:
        raise InputError(str(path), f"{name} inflates to {info.file_size:,} bytes, more than any article")
    try:
        data = archive.read(info)
        return etree.fromstring(data, _PARSER)
    except etree.XMLSyntaxError as exc:
        line = exc.lineno if isinstance(exc.lineno, int) else None
        raise InputError(str(path), f"damaged document: {name}: {exc.msg}", line) from None
    except (zipfile.BadZipFile, OSError, EOFError, ValueError) as exc:
        raise InputError(str(path), f"damaged document: {name} cannot be unpacked ({exc})") from None


def _inside(element: Any, skip: frozenset[str]) -> bool:
    """Whether element is body text: not in skipped content or a drawing's fallback copy."""
    parent = element.getparent()
    while parent is not None:
        if parent.tag in skip or parent.tag == MC_FALLBACK:
            return False
        parent = parent.getparent()
    return True


def _owned_by(node: Any, p: Any) -> bool:
    """Whether p is node's nearest paragraph (a text box's paragraphs are read on their own)."""
    parent = node.getparent()
    while parent is not None and parent.tag != f"{W}p":
        parent = parent.getparent()
    return parent is p


def _docx_lines(root: Any) -> Any:
    for p in root.iter(f"{W}p"):
        if not _inside(p, _DOCX_SKIP):
            continue
        parts: list[str] = []
        for node in p.iter(f"{W}t", f"{W}tab", f"{W}br", f"{W}cr", f"{W}noBreakHyphen"):
            if not _owned_by(node, p):
                continue
            tag = node.tag
            if tag == f"{W}t":
                parts.append(node.text or "")
            elif tag == f"{W}tab":
                parts.append("\t")
            elif tag == f"{W}noBreakHyphen":
                parts.append("-")
            elif tag == f"{W}br" and node.get(f"{W}type") == "page":
                parts.append("\n\n")
            else:
                parts.append("\n")
        yield from _split_breaks("".join(parts))


def _odt_lines(root: Any) -> Any:
    blocks = (f"{TEXT}p", f"{TEXT}h")
    body = root.find(f"{OFFICE}body")
    for p in (body if body is not None else root).iter(*blocks):
        if not _inside(p, _ODT_SKIP):
            continue
        yield from _split_breaks(_odt_text(p))


def _odt_text(element: Any) -> str:
    """The text of one text:p/text:h: spans flattened, text:s/tab/line-break spelled out."""
    out = [element.text or ""]
    for child in element:
        tag = child.tag
        if tag in _ODT_SKIP or tag in (f"{TEXT}p", f"{TEXT}h"):
            pass
        elif tag == f"{TEXT}s":
            count = child.get(f"{TEXT}c", "1")
            out.append(" " * (int(count) if count.isdigit() and len(count) < 4 else 1))
        elif tag == f"{TEXT}tab":
            out.append("\t")
        elif tag == f"{TEXT}line-break":
            out.append("\n")
        else:
            out.append(_odt_text(child))
        out.append(child.tail or "")
    return "".join(out)


def _split_breaks(text: str) -> Any:
    """A paragraph's lines: the first starts it, line breaks stay hard, page breaks start another."""
    for chunk in text.split("\n\n"):
        for i, line in enumerate(chunk.split("\n")):
            yield Line(line, par=i == 0, soft=False)


def _core_title(core: Any) -> str | None:
    if core is None:
        return None
    found = core.find(f".//{DC}title")
    title = clean(found.text or "") if found is not None else ""
    return title if 0 < len(title) < 200 else None

"""Read saved web pages: the article body and its metadata, via trafilatura.

Pages are parsed offline only: nothing is fetched and no script runs, and the text of
<script>/<style> elements never reaches the stored document.
"""

from __future__ import annotations

import codecs
import re
from pathlib import Path
from typing import Any

import lxml.html
from lxml import etree

from annotator.errors import InputError
from annotator.formats.encoding import decode, guess_meta, normalize_newlines
from annotator.records import DocRecord

# Browsers read these labels as windows-1252 (WHATWG Encoding Standard), and so do we.
_CP1252_ALIASES = frozenset({"iso-8859-1", "iso8859-1", "latin1", "latin-1", "us-ascii", "ascii"})
# Python names of the single- and multi-byte legacy codecs a <meta charset> may select.
_LEGACY_CODECS = ("cp", "iso8859", "koi8", "mac-", "shift_jis", "euc", "gb", "big5", "iso2022", "tis-620")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_BLOCK_TAGS = (
    "p", "div", "section", "article", "main", "header", "footer", "aside", "blockquote", "pre",
    "h1", "h2", "h3", "h4", "h5", "h6", "li", "tr", "table", "ul", "ol", "dl", "dt", "dd",
    "figure", "figcaption", "hr", "br", "title",
)  # fmt: skip
_INVISIBLE = ("script", "style", "noscript", "template", "head", "svg", "iframe", "object")


def _decode_html(path: Path, data: bytes) -> tuple[str, str]:
    """Decode like decode(), but a non-UTF-8 page may name its charset in a <meta> tag."""
    try:
        return decode(path, data)
    except InputError as exc:
        declared = _META_CHARSET.search(data[:4096])
        if not declared or not exc.reason.startswith("not UTF-8"):
            raise
        label = declared.group(1).decode("ascii").lower()
        codec = "cp1252" if label in _CP1252_ALIASES else label
        try:
            if not codecs.lookup(codec).name.startswith(_LEGACY_CODECS):
                raise exc  # e.g. a utf-16 label without a BOM, or a non-text codec
            return normalize_newlines(data.decode(codec)), codec
        except (LookupError, UnicodeDecodeError):
            raise exc from None


def _paragraphs(text: str) -> str:
    """Paragraphs separated by blank lines (as in the other readers); list items stay together."""
    lines = [" ".join(line.split()) for line in text.split("\n")]
    out = ""
    prev_item = False
    for line in filter(None, lines):
        item = line.startswith("- ")
        if item:
            line = "• " + line[2:]
        out += ("\n" if item and prev_item else "\n\n") + line if out else line
        prev_item = item
    return out


def _visible_text(html: str) -> str:
    """Fallback when no article is found: all visible body text, never script or style text."""
    try:
        # Bytes with an explicit parser encoding: a str would choke on an XML declaration, and
        # bare bytes would let a stale <meta charset> re-decode text we already decoded.
        parser = lxml.html.HTMLParser(encoding="utf-8", remove_comments=True)
        root = lxml.html.document_fromstring(html.encode("utf-8"), parser=parser)
    except (etree.ParserError, ValueError):
        return ""
    body = root.find("body")
    if body is None:
        return ""
    etree.strip_elements(body, etree.Comment, *_INVISIBLE, with_tail=False)
    for cell in body.iter("td", "th"):
        cell.tail = " " + (cell.tail or "")
    for el in body.iter(*_BLOCK_TAGS):
        el.tail = "\n" + (el.tail or "")
        if el.tag != "br":
            el.text = "\n" + (el.text or "")
    return _paragraphs("".join(body.itertext()))


def _text_list(value: Any) -> list[str]:
    """trafilatura gives categories/tags as a list or a comma-separated string."""
    items = value if isinstance(value, list) else str(value or "").split(",")
    return [s.strip() for s in items if s and s.strip()]


def parse(html: str) -> DocRecord | None:
    """Article text and metadata of one page, or None if the page holds no text at all."""
    import trafilatura  # ~0.1 s to import: only when a page is read, not at app start

    doc = trafilatura.bare_extraction(
        html,
        with_metadata=True,
        include_comments=False,
        include_images=False,
        include_links=False,
        include_formatting=False,
        include_tables=True,
        deduplicate=False,
        # Only dates marked up as such; a date guessed from the prose is too often wrong.
        date_extraction_params={"original_date": True, "extensive_search": False},
    )
    fields: dict[str, Any] = doc if isinstance(doc, dict) else doc.as_dict() if doc else {}
    text = _paragraphs(str(fields.get("text") or ""))
    title = (fields.get("title") or "").strip() or None
    if title and text.split("\n", 1)[0].strip().casefold() == title.casefold():
        text = text.split("\n", 1)[1].lstrip("\n") if "\n" in text else ""  # shown as the header
    meta: dict[str, Any] = {}
    if not text:
        text = _visible_text(html)
        meta["extraction"] = "visible text (no article found)"
    if not text:
        return None
    for key in ("sitename", "description"):
        if value := (fields.get(key) or "").strip():
            meta[key] = value
    for key in ("categories", "tags"):
        if values := _text_list(fields.get(key)):
            meta[key] = values
    return DocRecord(
        text=text,
        title=title,
        author=(fields.get("author") or "").strip() or None,
        published=(fields.get("date") or "").strip() or None,
        source_url=(fields.get("url") or "").strip() or None,
        meta=meta,
    )


def read(path: Path) -> list[DocRecord]:
    """One DocRecord per saved page; InputError "no article text found" for an empty page."""
    html, encoding = _decode_html(path, path.read_bytes())
    if not html.strip():
        raise InputError(str(path), "no text (the file contains only whitespace)")
    doc = parse(html)
    if doc is None:
        raise InputError(str(path), "no article text found")
    doc.source_file = str(path)
    doc.line = 1
    doc.meta.update(guess_meta(encoding))
    return [doc]

"""Read RTF files (Word's and news databases' Rich Text exports) with striprtf.

RTF is 7-bit text whose other characters are escapes in the code page the file declares
(``\\ansicpgNNNN``); striprtf decodes those, drops fonts, pictures, headers and footers, and ends
every paragraph (``\\par``) with a line break. Each paragraph becomes one ``Line``, so a Factiva or
Nexis Uni export is split into its articles like the other formats (``newsdb``).
"""

from __future__ import annotations

import re
from pathlib import Path

from annotator.errors import InputError
from annotator.formats import newsdb
from annotator.formats.layout import Line, clean
from annotator.formats.peerkit import ReadReport
from annotator.records import DocRecord

_CODEPAGE = re.compile(rb"\\ansicpg(\d{3,5})")
# striprtf writes a hyperlink's target after its text; the article should read as printed.
_HYPERLINK = re.compile(r"(\\fldinst\s*\{?[^{}]{0,200}?)HYPERLINK", re.I)
_TITLE = re.compile(rb"\{\\info[^{}]*\{\\title\s+([^{}]{1,200})\}")


def read(path: Path, report: ReadReport | None = None) -> list[DocRecord]:
    from striprtf.striprtf import rtf_to_text

    data = path.read_bytes()
    if not data.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"{\\rtf"):
        raise InputError(str(path), "not an RTF file (it does not start with {\\rtf)")
    codepage = _CODEPAGE.search(data[:4096])
    encoding = f"cp{int(codepage.group(1))}" if codepage else "cp1252"
    try:
        raw = data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        encoding, raw = "cp1252", data.decode("latin-1")
    try:
        text = rtf_to_text(_HYPERLINK.sub(r"\1LINK", raw), encoding=encoding, errors="replace")
    except Exception as exc:  # striprtf fails in many ways on a damaged file
        raise InputError(str(path), f"damaged RTF, cannot be read ({type(exc).__name__}: {exc})") from None
    lines = [Line(line) for line in text.replace("\r\n", "\n").replace("\r", "\n").split("\n")]
    found = _TITLE.search(data)
    return newsdb.records(path, lines, clean(found.group(1).decode("latin-1")) if found else None, report)

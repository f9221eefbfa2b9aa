"""Lines of text from page-based and word-processor files, joined into the paragraphs a document stores.

PDF, DOCX, ODT and RTF readers all produce ``Line`` objects; the news-database splitter
(``annotator.formats.newsdb``) reads header fields line by line, and ``paragraphs`` turns the body
back into prose. Keeping lines until the end means one wrapped PDF box never hides a header field.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200a\u202f\u205f\u3000]+")
_COMPOUND = re.compile(r"\w+-\w+")
_HYPHENATED = re.compile(r"(\w+)-$")
_FIRST_WORD = re.compile(r"\w+")
_URL_END = re.compile(r"(?:https?://|www\.)\S*$")


@dataclass(slots=True)
class Line:
    """One line of a page or a paragraph.

    ``par``: it starts a paragraph. ``soft``: the break before it is a layout's wrap (PDF), so it
    is joined with a space and a word hyphenated across the break is mended; hard breaks (a DOCX
    line break) stay line breaks. ``page`` is 1-based where the file has pages, else 0.
    """

    text: str
    par: bool = True
    soft: bool = False
    page: int = 0


def clean(text: str) -> str:
    """Runs of spaces, tabs and no-break spaces as one space, trimmed (offsets are taken after this)."""
    return _SPACES.sub(" ", text).strip()


def compounds(lines: Iterable[Line]) -> set[str]:
    """Hyphenated words written unbroken somewhere in the file ("well-known"), casefolded.

    A break after "well-" keeps its hyphen when the file also writes "well-known" in one piece.
    """
    return {m.group(0).casefold() for line in lines for m in _COMPOUND.finditer(line.text)}


def join_wrapped(left: str, right: str, known: set[str]) -> str:
    """Join two wrapped lines: a space, or a hyphenated word mended ("gov-" + "ernment")."""
    if left.endswith("\u00ad"):
        return left[:-1] + right  # a soft hyphen marks exactly such a break
    if _URL_END.search(left):
        return left + right  # a web address broken over two lines: no space, hyphens are its own
    m = _HYPHENATED.search(left)
    if m and right[:1].isalpha() and not m.group(1).isdigit():
        word = _FIRST_WORD.match(right)
        whole = f"{m.group(1)}-{word.group(0) if word else ''}".casefold()
        if right[0].islower() and whole not in known:
            return left[:-1] + right
        return left + right  # "non-" + "European", or a compound the file writes with its hyphen
    return f"{left} {right}"


def paragraphs(lines: Sequence[Line], known: set[str] | None = None) -> list[str]:
    """The paragraphs the lines make, each trimmed, empty ones dropped."""
    known = compounds(lines) if known is None else known
    out: list[str] = []
    current = ""
    for line in lines:
        # Soft hyphens are invisible; one ending a wrapped line marks where a word was split.
        text = clean(line.text.rstrip().replace("\u00ad", ""))
        if not text:
            continue
        if line.text.rstrip().endswith("\u00ad"):
            text += "\u00ad"
        if line.par or not current:
            if current:
                out.append(current.rstrip("\u00ad"))
            current = text
        elif line.soft:
            current = join_wrapped(current, text, known)
        else:
            current = current.rstrip("\u00ad") + "\n" + text
    if current:
        out.append(current.rstrip("\u00ad"))
    return out


def to_text(lines: Sequence[Line], known: set[str] | None = None) -> str:
    """Paragraphs separated by a blank line, as the other readers store them."""
    return "\n\n".join(paragraphs(lines, known))

"""Direct quotes between quotation marks, in the common conventions.

Curly and guillemet pairs (“ ” « » „ “ ‚ ‘ ‹ › » «) open and close unambiguously; straight marks
(" and ') do not, so a straight mark opens where it follows a space, a bracket or a dash (or
starts a line) and is followed by a non-space, and closes elsewhere. A straight single mark is
taken only where it cannot be an apostrophe (it opens after a space, closes before a space or
punctuation). A quote that runs to the end of its paragraph unclosed continues when the next
paragraph reopens the mark (the news convention for a quote over several paragraphs): the quote
is one span from its first opening to its last closing mark.
"""

from __future__ import annotations

import re
from typing import NamedTuple

# opening mark -> the closing marks that end it
PAIRS: dict[str, str] = {
    "“": "”",  # English “…”
    "”": "”",  # Swedish, Finnish ”…”
    "„": "“”",  # German „…“, Polish „…”
    "«": "»",
    "»": "«",  # Danish, Swedish »…«
    "‹": "›",
    "‘": "’",
    "‚": "‘’",
    '"': '"',
    "'": "'",
}
_BEFORE_OPEN = " \t\n([{—–-/"
_AFTER_CLOSE = " \t\n.,;:!?)]}—–-/"
_PARAGRAPH = re.compile(r"\n\s*\n")
# Every character that opens or closes a quote: the scan jumps from one to the next (a document is
# mostly letters, which neither open nor close anything).
_MARKS = re.compile("[" + re.escape("".join(sorted(set(PAIRS) | set("".join(PAIRS.values()))))) + "]")


class Quote(NamedTuple):
    """A quote from its opening mark to its closing mark, both included (``inner`` excludes them).
    A named tuple: the rules make one per quote of whole corpora, and a frozen dataclass's
    ``__init__`` sets each field through ``object.__setattr__``."""

    start: int
    end: int
    inner_start: int
    inner_end: int
    mark: str
    continued: bool = False  # spans paragraphs


def _opens(text: str, i: int) -> bool:
    mark = text[i]
    after = text[i + 1] if i + 1 < len(text) else " "
    if after.isspace() and mark not in "«»‹":  # French « guillemets » take a space inside
        return False
    if mark in "\"'":
        before = text[i - 1] if i > 0 else "\n"
        return before in _BEFORE_OPEN or before in "“„«»‹‘‚"
    return True


def _closes(text: str, i: int, opener: str) -> bool:
    mark = text[i]
    if mark not in PAIRS[opener]:
        return False
    before = text[i - 1] if i > 0 else " "
    if before.isspace():
        return mark not in "\"'" and opener not in "\"'"
    if mark == "'":  # never the apostrophe of "Russia's" inside a quote
        after = text[i + 1] if i + 1 < len(text) else " "
        return after in _AFTER_CLOSE
    return True


def _paragraphs(text: str) -> list[tuple[int, int]]:
    spans, start = [], 0
    for m in _PARAGRAPH.finditer(text):
        spans.append((start, m.start()))
        start = m.end()
    spans.append((start, len(text)))
    return [(s, e) for s, e in spans if text[s:e].strip()]


def find_quotes(text: str, max_chars: int = 4000) -> list[Quote]:
    """Every direct quote in ``text``, in order; quotes never nest (an inner quote belongs to its
    outer one) and a straight single-mark quote must close within its paragraph."""
    found: list[Quote] = []
    pending: tuple[int, str] | None = None  # a quote left open at the end of a paragraph
    for p_start, p_end in _paragraphs(text):
        i = p_start
        open_at: tuple[int, str] | None = None
        if pending is not None:
            first = p_start + len(text[p_start:p_end]) - len(text[p_start:p_end].lstrip())
            if text[first] == pending[1] or (text[first] in PAIRS and pending[1] in PAIRS[text[first]]):
                open_at, i = pending, first + 1
            pending = None
        for m in _MARKS.finditer(text, i, p_end):
            i = m.start()
            ch = text[i]
            if open_at is None:
                if ch in PAIRS and _opens(text, i):
                    open_at = (i, ch)
            elif _closes(text, i, open_at[1]):
                start, mark = open_at
                if i > start + 1 and i + 1 - start <= max_chars:
                    found.append(Quote(start, i + 1, start + 1, i, mark, _spans_paragraphs(text, start, i)))
                open_at = None
        if open_at is not None and open_at[1] != "'":
            pending = open_at
    return found


def _spans_paragraphs(text: str, start: int, end: int) -> bool:
    return _PARAGRAPH.search(text, start, end) is not None

"""Code point offsets ↔ UTF-16 offsets: the only place that difference is handled.

The product stores offsets as Python ``str`` indices (code points), end exclusive. Qt's
``QString`` and formats such as doccano, WebAnno and UIMA count UTF-16 code units instead, in
which every astral character (U+10000 and above: most emoji, rare CJK) takes two units.

A lone surrogate code point in a ``str`` (U+D800–U+DFFF, only possible from broken input) counts
as one UTF-16 unit, the way an unpaired unit does in a ``QString``.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from typing import Literal

__all__ = ["OffsetMap", "Snap", "cp_to_utf16", "utf16_len", "utf16_to_cp"]

Snap = Literal["raise", "down", "up"]
"""What to do with a UTF-16 index between the two halves of a surrogate pair: raise ValueError,
move down to the start of that character, or up to its end."""

_ASTRAL = re.compile("[\U00010000-\U0010ffff]")


def _astral_count(s: str) -> int:
    """Number of characters that need two UTF-16 units (a C-speed encode, no Python loop)."""
    return len(s.encode("utf-16-le", "surrogatepass")) // 2 - len(s)


def _check_snap(snap: str) -> None:
    if snap not in ("raise", "down", "up"):
        raise ValueError(f"snap must be 'raise', 'down' or 'up', not {snap!r}")


def _inside_pair(u16: int, cp_of_char: int, snap: Snap) -> int:
    """Resolve a UTF-16 index that points at the low half of the astral character at ``cp_of_char``."""
    if snap == "down":
        return cp_of_char
    if snap == "up":
        return cp_of_char + 1
    raise ValueError(f"UTF-16 offset {u16} falls inside a surrogate pair")


def utf16_len(s: str) -> int:
    """Length of ``s`` in UTF-16 code units, i.e. what ``QString.length()`` reports."""
    return len(s) + _astral_count(s)


def cp_to_utf16(text: str, cp: int) -> int:
    """Code point offset → UTF-16 offset; ValueError unless ``0 <= cp <= len(text)``."""
    if not 0 <= cp <= len(text):
        raise ValueError(f"code point offset {cp} out of range 0..{len(text)}")
    return cp + _astral_count(text[:cp])


def utf16_to_cp(text: str, u16: int, snap: Snap = "raise") -> int:
    """UTF-16 offset → code point offset.

    ValueError when ``u16`` is outside ``0..utf16_len(text)``; an offset inside a surrogate pair
    raises ValueError by default, or is moved down/up to a character boundary (see ``Snap``), which
    suits span starts/ends from tools that count carelessly. For many conversions use OffsetMap.
    """
    _check_snap(snap)
    if u16 < 0:
        raise ValueError(f"UTF-16 offset {u16} is negative")
    before = 0
    for match in _ASTRAL.finditer(text):
        at = match.start() + before
        if u16 <= at:
            break
        if u16 == at + 1:
            return _inside_pair(u16, match.start(), snap)
        before += 1
    cp = u16 - before
    if cp > len(text):
        raise ValueError(f"UTF-16 offset {u16} out of range 0..{utf16_len(text)}")
    return cp


class OffsetMap:
    """Converts many offsets of one text both ways in O(log k), k = number of astral characters.

    Construction is one C-speed regex scan (about 1.5 ms per MB); an ASCII text costs nothing and
    a text without astral characters converts by identity. The map keeps no reference to the text.
    """

    __slots__ = ("_astral_cp", "_astral_u16", "length", "utf16_length")

    def __init__(self, text: str) -> None:
        cps = [] if text.isascii() else [m.start() for m in _ASTRAL.finditer(text)]
        self._astral_cp: list[int] = cps
        # UTF-16 offset of each astral character: its code point offset plus the astrals before it.
        self._astral_u16: list[int] = [cp + i for i, cp in enumerate(cps)]
        self.length: int = len(text)
        self.utf16_length: int = len(text) + len(cps)

    def to_utf16(self, cp: int) -> int:
        """Code point offset → UTF-16 offset; ValueError unless ``0 <= cp <= length``."""
        if not 0 <= cp <= self.length:
            raise ValueError(f"code point offset {cp} out of range 0..{self.length}")
        if not self._astral_cp:
            return cp
        return cp + bisect_left(self._astral_cp, cp)

    def to_cp(self, u16: int, snap: Snap = "raise") -> int:
        """UTF-16 offset → code point offset, with the same errors and ``snap`` as ``utf16_to_cp``."""
        _check_snap(snap)
        if not 0 <= u16 <= self.utf16_length:
            raise ValueError(f"UTF-16 offset {u16} out of range 0..{self.utf16_length}")
        if not self._astral_cp:
            return u16
        before = bisect_left(self._astral_u16, u16)
        if before and self._astral_u16[before - 1] + 1 == u16:
            return _inside_pair(u16, self._astral_cp[before - 1], snap)
        return u16 - before

"""Text offsets and word boundaries, shared by the core, the formats and the GUI.

Two halves, each its own module: ``offsets`` converts code point offsets (what the product stores)
to and from UTF-16 offsets (what Qt and several formats count); ``words`` finds word boundaries
for snapping selections and tokenising. Both use the standard library only, and nothing of the
project imports into this package.
"""

from __future__ import annotations

from annotator.text.offsets import OffsetMap, Snap, cp_to_utf16, utf16_len, utf16_to_cp
from annotator.text.words import snap_to_words, tokenize

__all__ = ["OffsetMap", "Snap", "cp_to_utf16", "snap_to_words", "tokenize", "utf16_len", "utf16_to_cp"]

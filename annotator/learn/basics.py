"""What the token features and the context features share, in a module of its own: the features
call the context's code, so the context cannot import them back (no import circles in the core)."""

from __future__ import annotations

CUE_RATE = 0.3  # a learnt word at least this often between linked spans counts as a cue
Tok = tuple[int, int]  # a token's start and end in the text (code points)

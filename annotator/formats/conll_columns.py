"""Which columns of a CoNLL-style line hold the token and its tags.

Most files put the token first and the NER tag last (CoNLL-2003's POS and chunk columns sit
between). GermEval 2014 numbers its tokens and has two NER columns, the outer entity and the one
nested inside it (``7<TAB>Stuttgart<TAB>B-LOC<TAB>O``), and opens each sentence with a comment
line ``#<TAB>source [date]``; read as the other layout, its index would become the tokens and its
comments tags. The layout is decided for the whole file, so a CoNLL-2003 sentence that happens to
be the token ``1`` is not mistaken for it.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

_TAG = re.compile(r"(?:O|[BI]-\S.*)\Z")


def is_tag(value: str) -> bool:
    return bool(_TAG.match(value.strip()))


def split(raw: str) -> list[str]:
    """A line's columns: tab separated, else by whitespace."""
    return raw.split("\t") if "\t" in raw else raw.split()


def comment(columns: Sequence[str]) -> str | None:
    """The text of a ``#`` comment line (``#<TAB>O`` is the token ``#``, not a comment)."""
    if columns and columns[0] == "#" and (len(columns) < 2 or not is_tag(columns[-1])):
        return " ".join(c.strip() for c in columns[1:]).strip()
    return None


def numbered(lines: Sequence[tuple[int, str]], docstart: str) -> bool:
    """GermEval 2014's layout: every token line is ``index token outer inner``, the index counting
    from 1 in each sentence."""
    expected = 1
    seen = False
    for _number, raw in lines:
        columns = split(raw)
        if not raw.strip() or columns[0] == docstart:
            expected = 1
            continue
        if comment(columns) is not None:
            continue
        if (
            len(columns) != 4
            or columns[0] != str(expected)
            or not (is_tag(columns[2]) and is_tag(columns[3]))
        ):
            return False
        expected += 1
        seen = True
    return seen

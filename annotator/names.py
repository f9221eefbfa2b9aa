"""What a label, relation type, annotator or project name may contain.

Names end up as single tokens in line-based files (a label with a newline splits an IOB line in
two, a tab shifts brat's and WebAnno's columns), in file names, and on terminals. So control
characters, line and paragraph separators, bidirectional overrides (which make a name read
differently from what it is) and unpaired surrogates (which no file can encode) are refused
wherever a name is created: by the operations and by every importer.
"""

from __future__ import annotations

import re

from annotator.errors import ValidationError

_FORBIDDEN = re.compile("[\x00-\x1f\x7f-\x9f\u2028\u2029\u202a-\u202e\u2066-\u2069\ud800-\udfff]")


def name_problem(name: str) -> str | None:
    """Why ``name`` cannot be a name, or None if it can."""
    found = _FORBIDDEN.search(name)
    if found is None:
        return None
    char = found.group()
    kind = "an unpaired surrogate" if "\ud800" <= char <= "\udfff" else "a control character"
    return f"contains {kind} (U+{ord(char):04X})"


def check_name(name: str, what: str) -> str:
    """``name`` unchanged, or ValidationError naming ``what`` (e.g. "label") and the character."""
    problem = name_problem(name)
    if problem is not None:
        raise ValidationError(f"{what} name {name!r} {problem}; names must be printable on one line")
    return name

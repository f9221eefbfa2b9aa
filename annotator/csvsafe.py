"""CSV that a spreadsheet cannot execute: every CSV the tool writes goes through ``writer``.

A cell that starts with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return is a formula to
Excel, LibreOffice and Google Sheets (``=HYPERLINK(...)``, ``+1+cmd|...``), and article text is
written by strangers. OWASP's rule: prefix such a text cell with a single quote, which the
spreadsheet shows as text. Numbers the tool itself computes (offsets, counts, agreement figures
such as -0.25) are written as numbers and left alone, so only text from data is ever changed.
``raw=True`` (``--raw-csv``) writes every cell verbatim, for pipelines that read the file with a
CSV parser and never open it in a spreadsheet.
"""

from __future__ import annotations

import csv
from collections.abc import Iterable, Sequence
from typing import IO, Any

TRIGGERS = ("=", "+", "-", "@", "\t", "\r")


def neutralise(value: Any) -> Any:
    """``value`` with a leading ``'`` if it is text a spreadsheet would read as a formula."""
    if isinstance(value, str) and value.startswith(TRIGGERS):
        return "'" + value
    return value


class SafeWriter:
    """``csv.writer`` whose text cells are neutralised (unless ``raw``); numbers pass unchanged."""

    def __init__(self, stream: IO[str], *, raw: bool = False) -> None:
        self._writer = csv.writer(stream, lineterminator="\n")
        self.raw = raw

    def writerow(self, row: Sequence[Any]) -> None:
        self._writer.writerow(row if self.raw else [neutralise(v) for v in row])

    def writerows(self, rows: Iterable[Sequence[Any]]) -> None:
        for row in rows:
            self.writerow(row)


def writer(stream: IO[str], *, raw: bool = False) -> SafeWriter:
    """The one CSV writer of the project (see the module docstring)."""
    return SafeWriter(stream, raw=raw)

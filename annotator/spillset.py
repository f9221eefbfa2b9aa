"""A set of strings that keeps memory bounded by spilling into a temporary SQLite table.

Some exports must remember something per document or per word to the end (the distinct strings
of a spaCy ``DocBin``, the document IRIs a W3C collection already holds, the file names a brat
folder already has); a plain set makes their memory grow with the corpus. Up to ``limit``
members stay in a Python set; past that they move to a private temporary database (SQLite
deletes it on close), so memory stays flat whatever the size of the project.

SQLite's default (binary) collation compares UTF-8 bytes, which orders strings by code point,
as Python's ``sorted`` does: ``sorted()`` gives the same order on either path.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterable, Iterator
from types import TracebackType

DEFAULT_LIMIT = 50_000


class SpillSet:
    """``add``/``update``/``in``, and the members sorted at the end; close it (or use ``with``)."""

    def __init__(self, limit: int = DEFAULT_LIMIT) -> None:
        self.limit = limit
        self._recent: set[str] = set()
        self._db: sqlite3.Connection | None = None

    def __enter__(self) -> SpillSet:
        return self

    def __exit__(
        self, kind: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        self.close()

    def __contains__(self, value: str) -> bool:
        if value in self._recent:
            return True
        if self._db is None:
            return False
        return self._db.execute("SELECT 1 FROM s WHERE v = ?", (value,)).fetchone() is not None

    def add(self, value: str) -> None:
        self._recent.add(value)
        if len(self._recent) > self.limit:
            self._spill()

    def update(self, values: Iterable[str]) -> None:
        self._recent.update(values)
        if len(self._recent) > self.limit:
            self._spill()

    def _spill(self) -> None:
        if self._db is None:
            self._db = sqlite3.connect("")  # a private temporary database, deleted on close
            self._db.execute("CREATE TABLE s (v TEXT PRIMARY KEY) WITHOUT ROWID")
        self._db.executemany("INSERT OR IGNORE INTO s VALUES (?)", ((v,) for v in self._recent))
        self._recent.clear()

    def sorted(self) -> tuple[int, Iterator[str]]:
        """How many members there are, and the members in code point order."""
        if self._db is None:
            return len(self._recent), iter(sorted(self._recent))
        self._spill()
        (count,) = self._db.execute("SELECT count(*) FROM s").fetchone()
        return count, (v for (v,) in self._db.execute("SELECT v FROM s ORDER BY v"))

    @property
    def spilled(self) -> bool:
        return self._db is not None

    def close(self) -> None:
        if self._db is not None:
            self._db.close()
            self._db = None
        self._recent.clear()

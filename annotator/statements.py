"""Statements of per-keystroke reads and writes (the undo log's, the span operations'), built once (issue 19).

Building a statement (columns, IN lists, ``and_``/``or_``) and computing its cache key cost
SQLAlchemy a fraction of a millisecond each, several times in every edit on the GUI thread. These
are built on first use with their values as bound parameters (``ids`` expands a list), so an edit
only binds and runs them; the SQL they run is the same.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from sqlalchemy import BindParameter, Executable, bindparam

_BUILT: dict[tuple[object, ...], Any] = {}
T = TypeVar("T", bound=Executable)


def ids(name: str) -> BindParameter[list[int]]:
    """A list of ids bound at execution (``IN (...)`` with as many values as given)."""
    return bindparam(name, expanding=True)


def built(key: tuple[object, ...], build: Callable[[], T]) -> T:
    """The statement ``key`` names, built by ``build`` the first time."""
    statement = _BUILT.get(key)
    if statement is None:
        statement = _BUILT[key] = build()
    return statement

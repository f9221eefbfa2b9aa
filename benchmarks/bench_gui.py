"""GUI cases: filled in once the main window exists."""

from __future__ import annotations

from typing import Any


def cases(quick: bool, runs: int) -> list[Any]:
    return []

"""tests/conftest.py hands the slow files out first, then the larger files: no long file comes last."""

from __future__ import annotations

from pathlib import Path
from typing import Any, cast

import pytest

from tests.conftest import dispatch_order


class Item:
    def __init__(self, path: str, slow: bool = False) -> None:
        self.path, self.slow = Path(path), slow

    def get_closest_marker(self, name: str) -> Any:
        return (name == "slow" and self.slow) or None


def test_slow_files_first_then_by_number_of_tests_keeping_the_order_within_files() -> None:
    items = [Item("a.py"), Item("b.py"), Item("b.py"), Item("c.py"), Item("stress.py", slow=True)]
    items += [Item("c.py"), Item("c.py"), Item("b.py")]
    named = [(item.path.name, i) for i, item in enumerate(items)]
    order = cast(list[pytest.Item], list(items))
    dispatch_order(order)
    by_item = dict(zip(map(id, items), named, strict=True))
    assert [by_item[id(item)] for item in order] == [
        ("stress.py", 4),
        ("b.py", 1),
        ("b.py", 2),
        ("b.py", 7),
        ("c.py", 3),
        ("c.py", 5),
        ("c.py", 6),
        ("a.py", 0),
    ]

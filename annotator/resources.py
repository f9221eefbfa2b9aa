"""Access to the packaged data files (``resources/`` in the repository)."""

from __future__ import annotations

import json
from importlib.resources import files
from importlib.resources.abc import Traversable
from typing import Any

# Okabe & Ito's colour-blind-safe palette, used for labels that come without a colour.
PALETTE = ["#E69F00", "#56B4E9", "#009E73", "#F0E442", "#0072B2", "#D55E00", "#CC79A7", "#999999"]


def resource(*parts: str) -> Traversable:
    node = files("annotator_resources")
    for part in parts:
        node = node / part
    return node


def default_schema() -> dict[str, Any]:
    data: dict[str, Any] = json.loads(resource("schema.json").read_text(encoding="utf-8"))
    return data

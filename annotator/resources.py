"""Access to the packaged data files (``resources/`` in the repository)."""

from __future__ import annotations

import json
from collections.abc import Container
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


def default_relation_type(name: str, labels: Container[str]) -> dict[str, Any]:
    """How the default schema defines relation type ``name`` (its ends, colour, description), as
    ``add_relation_type`` keywords: an import that must create ``cue`` in a project made before it
    existed makes it QUOTE/CLAIM → CUE, not any → any. Ends whose label the project lacks stay open."""
    item = next((t for t in default_schema().get("relation_types", []) if t["name"] == name), None)
    if item is None:
        return {}
    return {
        "from_label": item.get("from") if item.get("from") in labels else None,
        "to_label": item.get("to") if item.get("to") in labels else None,
        "color": item.get("color"),
        "description": item.get("description", ""),
    }

"""Content hashes: documents are recognised by their text, not by ids that differ between databases."""

from __future__ import annotations

import hashlib


def content_hash(text: str) -> str:
    """SHA-256 of the UTF-8 text (surrogates kept, so no text is unhashable)."""
    return hashlib.sha256(text.encode("utf-8", "surrogatepass")).hexdigest()

"""The teammate's codebook in a merge: an attribute their values use that the project lacks is
created from the definition their file carries, inside the merge's transaction (so its one undo
step takes it back), and the summary names it. Without a definition nothing is guessed: the value
fails the merge as before, saying how to bring the codebook in.

The definitions are native JSONL's ``codebook`` (``annotator.codebook_carry``, parsed into
``DocRecord.codebook``); a teammate's database gives its own codebook the same way. A project
version without that module merges as before (nothing is created).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from sqlalchemy.orm import Session

from annotator.import_result import ImportResult
from annotator.records import DocRecord
from annotator.review.merge_values import fail
from annotator.tx import Tx


def _carry() -> Any:
    try:
        from annotator import codebook_carry  # type: ignore[attr-defined,unused-ignore]
    except ImportError:  # codebooks do not travel in this version
        return None
    return codebook_carry


def with_definitions(records: Iterable[DocRecord], session: Session, project_id: int) -> Iterable[DocRecord]:
    """A teammate database's records, each with the definitions its values use."""
    carry = _carry()
    return records if carry is None else carry.with_codebook(records, session, project_id)


def declare(tx: Tx, project_id: int, source: Sequence[DocRecord]) -> list[str]:
    """Create the attributes ``source`` defines and the project lacks; returns their names
    (``QUOTE.type``). A definition that contradicts the project's fails the merge (file:line)."""
    carry = _carry()
    if carry is None or not any(getattr(r, "codebook", None) for r in source):
        return []
    result = ImportResult()
    carry.declare_definitions(tx, project_id, source, result, fail)
    return [entry.split(" ", 1)[0] for entry in result.attributes_added]

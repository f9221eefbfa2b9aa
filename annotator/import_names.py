"""Names in a file that differ from the project's only in case: brat's ``Quote`` for the project's
``QUOTE``, ``Speaker`` for ``speaker``, an attribute ``Type`` for ``type``.

Before a batch is written, a label, relation type or attribute name that the project does not
have, but has exactly one of when case is ignored, becomes the project's name, so the import
neither creates a second label nor refuses the file; each such mapping is listed once in the
import's report (``ImportResult.names_mapped``). A name the project has as it is stays as it is.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import select

from annotator.import_result import ImportResult
from annotator.model import AttributeDef, Label, RelationType
from annotator.records import DocRecord
from annotator.tx import Tx


class _Names:
    """One kind of name (labels, relation types, one owner's attributes) and its case-folded index."""

    def __init__(self, what: str, names: set[str], result: ImportResult) -> None:
        self.what, self.names, self.result = what, names, result
        folded: dict[str, list[str]] = {}
        for name in names:
            folded.setdefault(name.casefold(), []).append(name)
        self.folded = {k: v[0] for k, v in folded.items() if len(v) == 1}

    def __call__(self, name: str) -> str:
        if name in self.names:
            return name
        found = self.folded.get(name.casefold())
        if found is None:
            return name
        line = f"{self.what} {name!r} → {found!r}"
        if line not in self.result.names_mapped:
            self.result.names_mapped.append(line)
        return found


def fold_names(tx: Tx, project_id: int, batch: Sequence[DocRecord], result: ImportResult) -> None:
    """Map the batch's names that differ from the project's only in case (see the module)."""
    session = tx.session
    labels = _Names(
        "label", set(session.scalars(select(Label.name).where(Label.project_id == project_id))), result
    )
    types = _Names(
        "relation type",
        set(session.scalars(select(RelationType.name).where(RelationType.project_id == project_id))),
        result,
    )
    owned: dict[tuple[str, str], set[str]] | None = None
    attributes: dict[tuple[str, str], _Names] = {}

    def attribute(scope: str, owner: str) -> _Names:
        nonlocal owned
        if owned is None:  # read once, and only for a batch with values from a peer file
            owned = _attributes(tx, project_id)
        if (scope, owner) not in attributes:
            what = f"attribute of {owner}" if scope != "document" else "document attribute"
            attributes[scope, owner] = _Names(what, owned.get((scope, owner), set()), result)
        return attributes[scope, owner]

    # A big import of the project's own names: one pass over the names, nothing changed.
    relabel = any(labels(n) != n for n in {s.label for r in batch for s in r.spans})
    retype = any(types(n) != n for n in {x.type for r in batch for x in r.relations})
    for record in batch:
        # Values a peer file brought (readers note them, see carried.declare_values); a native
        # file's names are its project's, checked against the codebook as they are.
        peer = record.new_attributes or record.new_relation_attributes or record.new_document_attributes
        if relabel or peer:
            for span in record.spans:
                span.label = labels(span.label)
                if peer and span.attributes:
                    span.attributes = _keys(span.attributes, attribute("label", span.label))
        if retype or peer:
            for rel in record.relations:
                rel.type = types(rel.type)
                if peer and rel.attributes:
                    rel.attributes = _keys(rel.attributes, attribute("relation", rel.type))
        if not peer:
            continue
        for who, values in list((record.attributes or {}).items()):
            assert record.attributes is not None
            record.attributes[who] = _keys(values, attribute("document", "")) or {}
        record.new_attributes = _book(record.new_attributes, labels, "label", attribute)
        record.new_relation_attributes = _book(record.new_relation_attributes, types, "relation", attribute)
        if record.new_document_attributes:
            record.new_document_attributes = _keys(record.new_document_attributes, attribute("document", ""))
        if record.attribute_kinds:
            record.attribute_kinds = {
                _qualified(key, labels, attribute): kind for key, kind in record.attribute_kinds.items()
            }


def _attributes(tx: Tx, project_id: int) -> dict[tuple[str, str], set[str]]:
    """The project's attribute names by scope and owner's name ("" for documents)."""
    owned: dict[tuple[str, str], set[str]] = {}
    query = (
        select(AttributeDef.scope, Label.name, RelationType.name, AttributeDef.name)
        .outerjoin(Label, Label.id == AttributeDef.label_id)
        .outerjoin(RelationType, RelationType.id == AttributeDef.relation_type_id)
        .where(AttributeDef.project_id == project_id)
    )
    for scope, label, kind, name in tx.session.execute(query):
        owned.setdefault((scope, label or kind or ""), set()).add(name)
    return owned


def _keys(values: dict[str, Any] | None, names: _Names) -> dict[str, Any] | None:
    return values if not values else {names(name): value for name, value in values.items()}


def _book(book: dict[str, dict[str, list[Any]]] | None, owners: _Names, scope: str, attribute: Any) -> Any:
    """``DocRecord.new_attributes`` (owner → name → values) with mapped owners and names."""
    if not book:
        return book
    out: dict[str, dict[str, list[Any]]] = {}
    for owner, names in book.items():
        mine = owners(owner)
        for name, values in names.items():
            seen = out.setdefault(mine, {}).setdefault(attribute(scope, mine)(name), [])
            seen.extend(v for v in values if v not in seen)
    return out


def _qualified(key: str, labels: _Names, attribute: Any) -> str:
    owner, _dot, name = key.partition(".")
    mine = labels(owner)
    return f"{mine}.{attribute('label', mine)(name)}"

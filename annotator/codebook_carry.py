"""The codebook travels with native JSONL: out with each line's values, in before they are stored.

Export: each record whose spans, relations or document carry values lists the definitions those
values use (``annotator.codebook_json``); a project without attributes costs nothing. Import (in
the import's transaction, before the values are checked): an attribute the project lacks is
created (audited, named in the import's report); an attribute the project has with another type
fails the whole import naming file and line, so nothing is written. A value outside the project's
choices is refused when the values are checked (``annotator.attributes_io``).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Sequence
from pathlib import Path

from sqlalchemy.orm import Session

from annotator.attributes import (
    AttributeInfo,
    define_attribute,
    get_attribute,
    info,
    list_attributes,
    update_attribute,
)
from annotator.codebook_json import used_names
from annotator.errors import AnnotatorError
from annotator.formats.base import ExportReport, Writer
from annotator.import_result import ImportResult
from annotator.records import DefinitionRecord, DocRecord
from annotator.tx import Tx

Fail = Callable[[DocRecord, str], Exception]


def _definition(a: AttributeInfo) -> DefinitionRecord:
    return DefinitionRecord(a.scope, a.owner, a.name, a.kind, list(a.choices))


def with_codebook(records: Iterable[DocRecord], session: Session, project_id: int) -> Iterator[DocRecord]:
    """Exported records, each with the definitions its values use."""
    known = {(a.scope, a.owner, a.name): a for a in list_attributes(session, project_id)}
    if not known:
        yield from records
        return
    for record in records:
        used = used_names(record)
        if used:
            record.codebook = [_definition(known[k]) for k in sorted(used) if k in known] or None
        yield record


def carrying_codebook(writer: Writer, session: Session, project_id: int) -> Writer:
    """``writer`` (native JSONL) fed records that carry the definitions their values use."""

    def write(records: Iterable[DocRecord], out: Path, report: ExportReport) -> None:
        writer(with_codebook(records, session, project_id), out, report)

    return write


def _qualified(d: DefinitionRecord) -> str:
    return f"{d.owner}.{d.name}"


def declare_definitions(
    tx: Tx, project_id: int, batch: Sequence[DocRecord], result: ImportResult, fail: Fail
) -> None:
    """Create the attributes the batch's lines define and the project lacks; refuse a definition
    whose type differs from the project's. An attribute this import created takes the choices
    later lines add."""
    if not any(r.codebook for r in batch):
        return
    known = {(a.scope, a.owner, a.name): a for a in list_attributes(tx.session, project_id)}
    for record in batch:
        for d in record.codebook or ():
            here = known.get((d.scope, d.owner, d.name))
            try:
                if here is None:
                    made = define_attribute(tx, project_id, d.owner, d.name, d.kind, d.choices, scope=d.scope)
                    known[(d.scope, d.owner, d.name)] = info(tx.session, made)
                    shown = f": {', '.join(d.choices)}" if d.choices else ""
                    result.attributes_added.append(f"{_qualified(d)} ({d.kind}{shown})")
                    continue
                if here.kind != d.kind:
                    raise AnnotatorError(
                        f"the file defines it as {d.kind}, this project as {here.kind}; "
                        "change one codebook so they agree, then import again"
                    )
                new = [c for c in d.choices if c not in here.choices]
                if new and any(line.startswith(_qualified(d) + " ") for line in result.attributes_added):
                    attr = get_attribute(tx.session, project_id, d.owner, d.name, d.scope)
                    update_attribute(tx, attr, choices=[*here.choices, *new])
                    known[(d.scope, d.owner, d.name)] = _with_choices(here, new)
            except AnnotatorError as exc:
                raise fail(record, f"codebook attribute {_qualified(d)}: {exc}") from None


def _with_choices(a: AttributeInfo, new: list[str]) -> AttributeInfo:
    return AttributeInfo(
        a.id, a.scope, a.owner_id, a.owner, a.name, a.kind, (*a.choices, *new), a.description, a.position
    )

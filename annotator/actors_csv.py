"""The actor registry as CSV (``annotator actors export`` / ``import``), for spreadsheets and teams.

Columns: ``id,name,aliases,kind,external_id,attributes``; aliases separated by ``;``, attributes a
JSON object. On import a row matches a live actor by external id, else by canonical name, else
by alias (ignoring case); a match gains the row's aliases, and its kind and attributes where it
has none; no match: a new actor. A row whose external id differs from that of the actor its name matches is
a conflict: reported, left as it is. Every row is checked first: a bad one names file and line,
and nothing is written. ``id`` is informational (ids belong to one database).
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy.orm import Session

from annotator import actors as ops
from annotator.actors_reads import list_actors
from annotator.atomic import atomic_write
from annotator.csvsafe import TRIGGERS, SafeWriter
from annotator.errors import AnnotatorError, InputError, ValidationError
from annotator.formats.encoding import decode
from annotator.model import Actor as RegistryActor
from annotator.tx import Tx

COLUMNS = ("id", "name", "aliases", "kind", "external_id", "attributes")


@dataclass(frozen=True, slots=True)
class CsvActor:
    line: int
    name: str
    aliases: list[str]
    kind: str | None
    external_id: str | None
    attributes: dict[str, Any] | None


@dataclass(slots=True)
class ActorImport:
    added: list[int] = field(default_factory=list)
    updated: list[int] = field(default_factory=list)
    unchanged: int = 0
    conflicts: list[str] = field(default_factory=list)

    def summary(self) -> str:
        text = f"{len(self.added)} actor(s) added, {len(self.updated)} updated, {self.unchanged} unchanged"
        if self.conflicts:
            text += f"; {len(self.conflicts)} conflict(s) left as they are:\n  " + "\n  ".join(self.conflicts)
        return text


def write_csv(session: Session, project_id: int, out: Path, *, raw: bool = False) -> int:
    """Write the live registry to ``out`` (atomically); returns how many actors."""
    rows = list_actors(session, project_id)
    with atomic_write(out) as fh:
        writer = SafeWriter(fh, raw=raw)
        writer.writerow(COLUMNS)
        for r in rows:
            attributes = json.dumps(r.attributes, ensure_ascii=False) if r.attributes else ""
            writer.writerow(
                [r.id, r.name, ";".join(r.aliases), r.kind or "", r.external_id or "", attributes]
            )
    return len(rows)


def _cell(value: str | None) -> str:
    """A cell as written: the quote ``write_csv`` put before a formula-like text comes off."""
    value = (value or "").strip()
    if len(value) > 1 and value[0] == "'" and value[1:].startswith(TRIGGERS):
        return value[1:]
    return value


def read_csv(path: Path) -> list[CsvActor]:
    """Every row checked: a bad one raises ``InputError`` naming ``path`` and its line."""
    text, _encoding = decode(path, Path(path).read_bytes())
    reader = csv.DictReader(io.StringIO(text))
    if reader.fieldnames is None or "name" not in reader.fieldnames:
        raise InputError(str(path), f"the header must name the columns {','.join(COLUMNS)}", 1)
    unknown = [c for c in reader.fieldnames if c not in COLUMNS]
    if unknown:
        raise InputError(str(path), f"unknown column {unknown[0]!r} (columns: {','.join(COLUMNS)})", 1)
    out: list[CsvActor] = []
    seen: dict[str, int] = {}
    for row in reader:
        line = reader.line_num
        if None in row:
            raise InputError(str(path), "more cells than columns", line)
        try:
            name = ops.clean_name(_cell(row.get("name")))
            aliases = ops.clean_aliases((_cell(a) for a in (row.get("aliases") or "").split(";")), name)
            external = ops.clean_external_id(_cell(row.get("external_id")))
        except AnnotatorError as exc:
            raise InputError(str(path), str(exc), line) from None
        attributes = None
        raw = _cell(row.get("attributes"))
        if raw:
            try:
                attributes = json.loads(raw)
            except json.JSONDecodeError as exc:
                raise InputError(str(path), f"attributes are not JSON: {exc.msg}", line) from None
            if not isinstance(attributes, dict):
                raise InputError(str(path), "attributes must be a JSON object of name: value", line)
        for key in (f"name:{name.casefold()}", f"external:{external}" if external else ""):
            if key and key in seen:
                what = "name" if key.startswith("name:") else "external id"
                raise InputError(str(path), f"the same {what} as line {seen[key]}", line)
            if key:
                seen[key] = line
        out.append(
            CsvActor(line, name, aliases, _cell(row.get("kind")) or None, external, attributes or None)
        )
    return out


def import_rows(tx: Tx, project_id: int, rows: list[CsvActor], where: str) -> ActorImport:
    """Match each row into the registry (see the module's docstring), in the caller's step."""
    result = ActorImport()
    live = ops.live_actors(tx.session, project_id)
    by_external = {a.external_id: a for a in live if a.external_id}
    by_name = {a.name.casefold(): a for a in live}
    for a in live:  # a row named by an actor's alias is that actor (add_actor refuses a duplicate)
        by_name.update({alias.casefold(): a for alias in a.aliases or [] if alias.casefold() not in by_name})
    for row in rows:
        try:
            _import_row(tx, project_id, row, by_external, by_name, result, where)
        except ValidationError as exc:  # a row that would clash with another actor: name its line
            raise ValidationError(f"{where}:{row.line}: {exc}") from None
    return result


def _import_row(
    tx: Tx,
    project_id: int,
    row: CsvActor,
    by_external: dict[str, RegistryActor],
    by_name: dict[str, RegistryActor],
    result: ActorImport,
    where: str,
) -> None:
    """One CSV row matched into the registry: added, updated, unchanged or a conflict."""
    match = by_external.get(row.external_id or "") or by_name.get(row.name.casefold())
    if match is None:
        made = ops.add_actor(tx, project_id, row.name, row.aliases, row.kind, row.external_id, row.attributes)
        result.added.append(made.id)
        return
    if row.external_id and match.external_id and row.external_id != match.external_id:
        result.conflicts.append(
            f"{where}:{row.line}: {row.name!r} has external id {row.external_id!r} here, "
            f"but actor {match.id} ({match.name}) has {match.external_id!r}"
        )
        return
    names = [*(match.aliases or []), *([row.name] if row.name != match.name else []), *row.aliases]
    aliases = ops.clean_aliases(names, match.name)
    changes: dict[str, Any] = {}
    if aliases != list(match.aliases or []):
        changes["aliases"] = aliases
    if row.external_id and not match.external_id:
        changes["external_id"] = row.external_id
    if row.kind and not match.kind:
        changes["kind"] = row.kind
    if row.attributes and any(k not in (match.attributes or {}) for k in row.attributes):
        changes["attributes"] = {**row.attributes, **(match.attributes or {})}
    if not changes:
        result.unchanged += 1
        return
    ops.update_actor(tx, match.id, **changes)
    result.updated.append(match.id)

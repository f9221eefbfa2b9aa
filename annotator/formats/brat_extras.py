"""brat's lines beyond spans and relations: attribution events, attributes, normalisations, equivalences.

Read (``Extras``, fed each line of a .ann file that is not T or R, applied once all are read):

- ``E1<TAB>Attribution:T4 Content:T3 Cue:T2 Source:T1`` (role names case-insensitive, numbered
  or ``-Arg`` roles as brat writes them, PARC-style ``Message``/``Speaker``/``Attributor`` too):
  the content gets a ``speaker`` link to the source (``claimant`` when the content is a CLAIM) and
  a ``cue`` link to the cue. The trigger (``T4``) is the event's anchor in brat, not a label of
  its own: dropped when it covers the cue, else it becomes the cue (label CUE) when no Cue role
  is given. Spans still labelled by their role (``Source``/``Cue``/``Content``) take the project's
  labels ACTOR/CUE/QUOTE. Other events (ACE's ``Transfer-money``…) are skipped, as before.
- ``A1<TAB>Mention T4 Name`` / ``A2<TAB>Individual T4``: the span's attribute (a value: choice; none:
  yes/no). One on an event goes to its content span. The import creates an attribute the
  codebook lacks (``DocRecord.new_attributes``) and reports it.
- ``N1<TAB>Reference T5 Wikidata:Q42<TAB>Douglas Adams``: the span names the registry actor with
  that external id (Wikidata ids are stored bare, ``Q42``); the import finds or creates it.
- ``*<TAB>Equiv T1 T2 T3`` (any ``*`` type, e.g. brat's ``Alias``): the spans name one actor.

Written (``Written``, per document): trigger T lines and E lines for each content span with a cue
link, then A lines for span attributes, N lines for actors with an external id, ``*`` Equiv lines
for actors named by several spans. What brat cannot hold is reported.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from annotator.errors import InputError
from annotator.formats.base import ExportReport
from annotator.formats.carried import declare_values
from annotator.formats.peerkit import ReadReport
from annotator.records import ActorRef, DocRecord, RelationRecord, SpanRecord

SPEAKER, CLAIMANT, CUE_TYPE = "speaker", "claimant", "cue"
CUE_LABEL, EVENT = "CUE", "Attribution"
RELATION_VALUES = "attribute values of relations (brat has attributes on spans and events only)"
ROLES = {
    "content": "content",
    "message": "content",
    "quote": "content",
    "source": "source",
    "speaker": "source",
    "attributor": "source",
    "cue": "cue",
}
ROLE_LABELS = {"content": "QUOTE", "source": "ACTOR", "cue": CUE_LABEL}
EXTERNAL_ID_LIMIT = 200  # actor.external_id's column
_ROLE_TAIL = re.compile(r"(-arg)?\d*$")
_WIKIDATA = re.compile(r"Q\d+")


def role(name: str) -> str | None:
    """``Content``, ``content2``, ``Source-Arg`` → content/source/cue; None for other roles."""
    return ROLES.get(_ROLE_TAIL.sub("", name.lower()))


def stored_id(ref: str) -> str:
    """A brat normalisation reference as the registry stores it (``Wikidata:Q42`` → ``Q42``)."""
    db, _, ident = ref.partition(":")
    return ident if db.lower() == "wikidata" and _WIKIDATA.fullmatch(ident) else ref


def brat_ref(external_id: str) -> str:
    """The registry's external id as a brat reference (``Q42`` → ``Wikidata:Q42``)."""
    return f"Wikidata:{external_id}" if _WIKIDATA.fullmatch(external_id) else external_id


@dataclass(slots=True)
class _Line:
    number: int
    head: str
    args: list[str]
    text: str | None


class Extras:
    """The E/A/M/N/* lines of one .ann file, kept until every T and R line is read."""

    def __init__(self, ann: Path) -> None:
        self.ann = ann
        self.lines: list[_Line] = []

    def take(self, head: str, line: str, number: int) -> bool:
        """Keep the line if it is one of ours (True); False leaves it to the caller."""
        if not head or head[0] not in "EAMN*":
            return False
        fields = line.split("\t")
        args = fields[1].split() if len(fields) > 1 else []
        if not args:
            raise InputError(str(self.ann), f"{head}: nothing after the id", number)
        self.lines.append(_Line(number, head, args, fields[2] if len(fields) > 2 else None))
        return True

    def fail(self, line: _Line, reason: str) -> InputError:
        return InputError(str(self.ann), f"{line.head}: {reason}", line.number)

    def apply(self, record: DocRecord, defined: set[str], report: ReadReport) -> None:
        """Turn the kept lines into links, attributes and actors of ``record``'s spans."""
        spans = {s.key: s for s in record.spans if s.key is not None}
        for line in self.lines:
            refs = line.args[1:2] if line.head[0] in "AMN" else line.args[1:]
            if line.head[0] == "E":
                refs = [a.split(":", 1)[1] for a in line.args if ":" in a]
                if len(refs) != len(line.args):
                    raise self.fail(line, "expected 'TYPE:TRIGGER ROLE:ID...'")
            for ref in refs:
                if ref not in defined:
                    raise self.fail(line, f"refers to {ref!r}, which is not defined")
        contents = self._events(record, spans, report)
        for line in self.lines:
            kind = line.head[0]
            if kind in "AM":
                self._attribute(line, record, spans, contents, report)
            elif kind == "N":
                self._normalisation(line, spans, report)
        self._equivalences(record, spans, report)
        declare_values(record)

    def _events(self, record: DocRecord, spans: dict[str, SpanRecord], report: ReadReport) -> dict[str, str]:
        """Attribution events → speaker and cue links; returns event id → content span key."""
        contents: dict[str, str] = {}
        triggers: list[tuple[str, str | None]] = []
        for line in (x for x in self.lines if x.head[0] == "E"):
            trigger = line.args[0].split(":", 1)[1]
            found: dict[str, str] = {}
            others: list[str] = []
            for arg in line.args[1:]:
                name, ref = arg.split(":", 1)
                kind = role(name)
                if kind is None or kind in found:
                    others.append(name)
                else:
                    found[kind] = ref
            if "content" not in found or not ({"source", "cue"} & set(found) or trigger in spans):
                report.skip("brat events (E lines) other than attributions")
                continue
            for name in others:
                report.skip(f"roles of attribution events other than Source, Cue, Content ({name})")
            if any(ref not in spans for ref in found.values()):
                raise self.fail(line, "an attribution's Source, Cue and Content must be text spans")
            content = found["content"]
            contents[line.head] = content
            self._relabel(spans, found, report)
            if "source" in found:
                kind = CLAIMANT if spans[content].label.upper() == "CLAIM" else SPEAKER
                record.relations.append(
                    RelationRecord(content, found["source"], kind, spans[content].annotator)
                )
            triggers.append((trigger, found.get("cue")))
            if "cue" in found or trigger in spans:
                cue = found.get("cue", trigger)
                annotator = spans[content].annotator
                record.relations.append(RelationRecord(content, cue, CUE_TYPE, annotator))
            report.note("brat attribution events imported as speaker and cue links")
        self._triggers(record, spans, triggers, report)
        return contents

    @staticmethod
    def _relabel(spans: dict[str, SpanRecord], found: dict[str, str], report: ReadReport) -> None:
        for kind, ref in found.items():
            if spans[ref].label.lower() == kind:
                spans[ref].label = ROLE_LABELS[kind]
                report.note("spans labelled by their attribution role imported as ACTOR, CUE, QUOTE")

    @staticmethod
    def _triggers(
        record: DocRecord,
        spans: dict[str, SpanRecord],
        triggers: list[tuple[str, str | None]],
        report: ReadReport,
    ) -> None:
        """An event's trigger is brat's anchor: kept only as the cue when no Cue role names one."""
        linked = {r.source for r in record.relations} | {
            r.target for r in record.relations if r.type != CUE_TYPE
        }
        drop: set[str] = set()
        for trigger, cue in triggers:
            span = spans.get(trigger)
            if span is None or trigger == cue or trigger in linked:
                continue
            if cue is None:
                span.label = CUE_LABEL
                continue
            other = spans[cue]
            if (span.start, span.end) != (other.start, other.end):
                report.skip("attribution triggers that are not their cue's span (brat anchors)")
            drop.add(trigger)
        if drop:
            record.spans = [s for s in record.spans if s.key not in drop]

    def _attribute(
        self,
        line: _Line,
        record: DocRecord,
        spans: dict[str, SpanRecord],
        contents: dict[str, str],
        report: ReadReport,
    ) -> None:
        if len(line.args) not in (2, 3):
            raise self.fail(line, "expected 'NAME ID [VALUE]'")
        name, ref = line.args[0], line.args[1]
        key = contents.get(ref, ref)
        span = spans.get(key)
        if span is None:
            report.skip("brat attributes of relations or of events other than attributions")
            return
        value: Any = line.args[2] if len(line.args) == 3 else True
        values = span.attributes if span.attributes is not None else {}
        if name in values:
            raise self.fail(line, f"{ref} has attribute {name!r} twice")
        values[name] = value
        span.attributes = values
        if record.value_lines is None:
            record.value_lines = {}
        record.value_lines[(key, name)] = (str(self.ann), line.number, line.head)

    def _normalisation(self, line: _Line, spans: dict[str, SpanRecord], report: ReadReport) -> None:
        if len(line.args) < 3 or ":" not in line.args[2]:
            raise self.fail(line, "expected 'TYPE ID DB:ID<TAB>name'")
        if len(stored_id(line.args[2])) > EXTERNAL_ID_LIMIT:
            raise self.fail(line, f"an external id holds at most {EXTERNAL_ID_LIMIT} characters")
        span = spans.get(line.args[1])
        if span is None:
            report.skip("brat normalisations of something other than a text span")
            return
        name = line.text.strip() if line.text else " ".join(line.args[3:]).strip("'\" ") or None
        span.actor = ActorRef(name=name or None, external_id=stored_id(line.args[2]))
        report.note("brat normalisations imported as the spans' registry actors")

    def _equivalences(self, record: DocRecord, spans: dict[str, SpanRecord], report: ReadReport) -> None:
        parent: dict[str, str] = {}

        def root(key: str) -> str:
            while parent.get(key, key) != key:
                key = parent[key]
            return key

        for line in (x for x in self.lines if x.head == "*"):
            refs = line.args[1:]
            if len(refs) < 2:
                raise self.fail(line, "expected 'TYPE ID ID...'")
            missing = [r for r in refs if r not in spans]
            if missing:
                raise self.fail(line, f"{missing[0]!r} is not a text span")
            for ref in refs[1:]:
                parent[root(ref)] = root(refs[0])
        if not parent:
            return
        for key in list(parent) + list(parent.values()):
            span = spans[key]
            span.actor = span.actor or ActorRef()
            span.actor.group = root(key)
        report.note("brat equivalences (* lines) imported as spans naming one actor")


def _attribute_line(name: str, value: Any, tid: str, report: ExportReport) -> str | None:
    if value is True:
        return f"{name} {tid}"
    if (
        isinstance(value, int | float | str)
        and not isinstance(value, bool)
        and str(value).split() == [str(value)]
    ):
        return f"{name} {tid} {value}"
    if value is not False:
        report.leave_out("attribute values brat cannot hold (lists, texts with spaces)")
    return None


@dataclass(slots=True)
class Written:
    """What a brat export wrote beyond T and R lines, for annotation.conf."""

    events: bool = False
    attributes: dict[str, set[str]] = field(default_factory=dict)  # name → values (empty: binary)

    def lines(
        self,
        record: DocRecord,
        spans: list[SpanRecord],
        rels: list[RelationRecord],
        tids: dict[str, str],
        report: ExportReport,
    ) -> tuple[list[RelationRecord], list[str]]:
        """(the relations left for R lines, the E/A/N/* lines and the trigger T lines)."""
        by_key = {s.key: s for s in spans if s.key is not None}
        report.leave_out(RELATION_VALUES, sum(bool(r.attributes) for r in rels))
        cues: dict[str, RelationRecord] = {}
        sources: dict[str, RelationRecord] = {}
        for rel in rels:
            if rel.source in tids and rel.target in tids:
                pick = cues if rel.type == CUE_TYPE else sources if rel.type in (SPEAKER, CLAIMANT) else None
                if pick is not None:
                    pick.setdefault(rel.source, rel)
        out: list[str] = []
        folded: set[int] = set()
        number = len(tids)
        for n, (content, cue) in enumerate(cues.items(), start=1):
            span = by_key[cue.target]
            number += 1
            out.append(f"T{number}\t{EVENT} {span.start} {span.end}\t{record.text[span.start : span.end]}")
            args = f"{EVENT}:T{number} Content:{tids[content]} Cue:{tids[cue.target]}"
            folded.add(id(cue))
            if content in sources:
                args += f" Source:{tids[sources[content].target]}"
                folded.add(id(sources[content]))
            out.append(f"E{n}\t{args}")
            self.events = True
        out += self._attributes(spans, tids, report)
        out += _actors(spans, tids, report)
        return [r for r in rels if id(r) not in folded], out

    def _attributes(self, spans: list[SpanRecord], tids: dict[str, str], report: ExportReport) -> list[str]:
        out: list[str] = []
        for span in spans:
            if not span.attributes or span.key not in tids:
                continue
            for name in sorted(span.attributes):
                text = _attribute_line(name, span.attributes[name], tids[span.key], report)
                if text is not None:
                    out.append(f"A{len(out) + 1}\t{text}")
                    values = self.attributes.setdefault(name, set())
                    if text.count(" ") == 2:
                        values.add(text.rsplit(" ", 1)[1])
        return out

    def conf(self) -> str:
        """The [events] and [attributes] sections of annotation.conf."""
        events = f"{EVENT}\tContent:<ENTITY>, Cue:<ENTITY>, Source?:<ENTITY>\n" if self.events else ""
        attrs = "".join(
            f"{name}\tArg:<ENTITY>" + (f", Value:{'|'.join(sorted(values))}" if values else "") + "\n"
            for name, values in sorted(self.attributes.items())
        )
        return f"\n[events]\n{events}\n[attributes]\n{attrs}"


def _actors(spans: list[SpanRecord], tids: dict[str, str], report: ExportReport) -> list[str]:
    """An N line on the first mention of each actor with an external id, and a ``*`` Equiv line
    joining the mentions of each actor named more than once (brat has no actor identity else)."""
    groups: dict[Any, tuple[ActorRef, list[str]]] = {}
    for span in spans:
        actor = span.actor
        if actor is not None and span.key in tids:
            ident = actor.id if actor.id is not None else (actor.name, actor.external_id, actor.group)
            groups.setdefault(ident, (actor, []))[1].append(tids[span.key])
    norms = [
        f"N{n}\tReference {members[0]} {brat_ref(actor.external_id or '')}\t{actor.name or ''}"
        for n, (actor, members) in enumerate((g for g in groups.values() if g[0].external_id), start=1)
    ]
    alone = sum(len(m) == 1 and not a.external_id for a, m in groups.values())
    if alone:
        report.leave_out("actor links of spans whose actor has no external id and no other mention", alone)
    return norms + ["*\tEquiv " + " ".join(m) for _a, m in groups.values() if len(m) > 1]

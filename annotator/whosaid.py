"""Who said what, at a glance: counts of quotes and claims per actor, per outlet and per month.

Read only. A QUOTE or CLAIM's speaker is the span its ``speaker`` (or ``claimant``) relation
points to; who that is:

- the span's registry actor (``annotation.actor_id``); an actor merged into another counts for the
  one that absorbed it (``actor.merged_into_id``, followed to the end);
- else the span's text, normalised (Unicode NFKC, spaces collapsed, quotes and punctuation trimmed,
  compared case-insensitively), marked *unlinked*: "Blinken" and "blinken" are one row, "he" is its
  own row until someone links it;
- a quote with no speaker link counts under "(no speaker)". A quote linked to two different actors
  counts once for each; linked twice to the same actor, once.

The outlet of a document is the first of its metadata fields named in ``OUTLET_KEYS`` (what the
importers store: Nexis/Factiva ``outlet``, ``publisher``, a web page's ``sitename``, a CSV's
``outlet``/``source`` column), else the host of its source URL, else "(unknown outlet)". Its month is
``YYYY-MM`` of ``document.published``; documents without a readable date count as "undated".

The layer: ``gold`` (the adjudicated layer), ``all`` (every annotator's own layer, summed: a quote
two annotators tagged counts twice) or an annotator's name; by default gold when the project has
gold spans, else all.
"""

from __future__ import annotations

import re
import unicodedata
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal
from urllib.parse import urlsplit

from sqlalchemy import select
from sqlalchemy.orm import Session

from annotator.errors import NotFoundError, ValidationError
from annotator.model import Actor as RegistryActor
from annotator.model import Annotation, Annotator, Document, Label, Relation, RelationType, Role

Grouping = Literal["actor", "outlet", "month"]
Resolve = Callable[[int], "tuple[int, str] | None"]
GROUPINGS: tuple[Grouping, ...] = ("actor", "outlet", "month")
CONTENT_LABELS = ("QUOTE", "CLAIM")
SPEAKER_TYPES = ("speaker", "claimant")
OUTLET_KEYS = (
    "outlet",
    "publication",
    "publisher",
    "newspaper",
    "sitename",
    "site_name",
    "site",
    "source",
    "media",
)
NO_SPEAKER = "(no speaker)"
UNKNOWN_OUTLET = "(unknown outlet)"
UNDATED = "undated"
_TRIM = " \t\n\"'“”‘’„«»‹›,.;:!?—–-"
_BRACKETS = (("(", ")"), ("[", "]"))
_MONTH = re.compile(r"^\s*(\d{4})[-/.](\d{1,2})(?:\D|$)")
_COMPACT = re.compile(r"^\s*(\d{4})(\d{2})\d{2}(?:\D|$)")


@dataclass(frozen=True, slots=True)
class Speaker:
    """Who a quote is attributed to: a registry actor, a surface text, or nobody."""

    key: str  # "actor:12", "text:blinken" or "none"
    name: str
    actor_id: int | None = None

    @property
    def linked(self) -> bool:
        return self.actor_id is not None


@dataclass(frozen=True, slots=True)
class Utterance:
    """One QUOTE or CLAIM of the chosen layer, with what the groupings need."""

    span_id: int
    document_id: int
    kind: str  # "QUOTE" or "CLAIM"
    speakers: tuple[Speaker, ...]
    outlet: str
    month: str


@dataclass(frozen=True, slots=True)
class Said:
    """Every quote and claim of one layer: group it with ``group``."""

    layer: str  # "gold", "all" or "annotator:NAME"
    utterances: list[Utterance]
    actors: dict[int, dict[str, Any]] = field(default_factory=dict)  # id -> external_id, kind, attributes


@dataclass(frozen=True, slots=True)
class WhoSaidRow:
    """One line of a grouping: an actor, an outlet or a month."""

    key: str
    name: str
    quotes: int = 0
    claims: int = 0
    documents: tuple[int, ...] = ()  # the documents where these were said, ascending
    speakers: int = 0  # by outlet and month: how many different speakers
    actor_id: int | None = None
    linked: bool | None = None  # by actor: a registry actor (True) or a surface text (False)

    @property
    def total(self) -> int:
        return self.quotes + self.claims


def normalise(text: str) -> str:
    """A surface text as a name: NFKC, one space between words, quotes and punctuation trimmed;
    a bracket only when unpaired ("林美玲 (Lin Meiling)" keeps its closing one) or around it all."""
    name = " ".join(unicodedata.normalize("NFKC", text).split())
    while True:
        trimmed = name.strip(_TRIM)
        for left, right in _BRACKETS:
            trimmed = trimmed.removesuffix(left).removeprefix(right)  # never paired from there
            if trimmed.endswith(right) and trimmed.count(left) < trimmed.count(right):
                trimmed = trimmed[:-1]
            if trimmed.startswith(left) and trimmed.count(left) > trimmed.count(right):
                trimmed = trimmed[1:]
            if trimmed[:1] == left and trimmed[-1:] == right and trimmed.count(left) == 1:
                trimmed = trimmed[1:-1]
        if trimmed == name:
            return name
        name = trimmed


def month_of(published: str | None) -> str:
    """``YYYY-MM`` of an ISO-like date (``2024-05-01``, ``2024/5/1``, ``20240501``), else "undated"."""
    if published:
        found = _MONTH.match(published) or _COMPACT.match(published)
        if found and 1 <= int(found.group(2)) <= 12:
            return f"{found.group(1)}-{int(found.group(2)):02d}"
    return UNDATED


def outlet_of(meta: dict[str, Any] | None, source_url: str | None) -> str:
    """The outlet a document's importer recorded, else its URL's host (``www.`` dropped)."""
    fields = {str(k).casefold(): v for k, v in (meta or {}).items()}
    for key in OUTLET_KEYS:
        value = fields.get(key)
        if isinstance(value, str) and value.strip():
            return " ".join(value.split())
    if source_url:
        host = (urlsplit(source_url.strip()).hostname or "").removeprefix("www.")
        if host:
            return host
    return UNKNOWN_OUTLET


def _layer_people(session: Session, project_id: int, layer: str | None) -> tuple[str, list[int]]:
    """The layer's name and the annotators whose spans it holds."""
    people = session.execute(
        select(Annotator.id, Annotator.name, Annotator.role).where(Annotator.project_id == project_id)
    ).all()
    gold = [i for i, _name, role in people if role == Role.GOLD.value]
    own = [i for i, _name, role in people if role != Role.GOLD.value]
    if layer is None:
        has_gold = bool(gold) and (
            session.scalar(select(Annotation.id).where(Annotation.annotator_id.in_(gold)).limit(1))
            is not None
        )
        return ("gold", gold) if has_gold else ("all", own)
    if layer == "gold":
        if not gold:
            raise ValidationError(
                "the project has no gold layer yet (review documents first, or use --layer all)"
            )
        return "gold", gold
    if layer == "all":
        return "all", own
    name = layer.removeprefix("annotator:")
    found = [i for i, n, _role in people if n == name]
    if not found:
        known = ", ".join(sorted(n for _i, n, _r in people)) or "none"
        raise NotFoundError(f"no layer {layer!r}: use gold, all or an annotator's name (annotators: {known})")
    return f"annotator:{name}", found


def _ids(session: Session, model: Any, project_id: int, names: Iterable[str]) -> list[int]:
    wanted = {n.casefold() for n in names}
    rows = session.execute(select(model.id, model.name).where(model.project_id == project_id))
    return [i for i, name in rows if name.casefold() in wanted]


def resolver(actors: dict[int, tuple[str, int | None]]) -> Resolve:
    """actor id -> (final id, canonical name), following merges; None for an unknown id."""

    def resolve(actor_id: int) -> tuple[int, str] | None:
        seen: set[int] = set()
        current = actor_id
        while current in actors and current not in seen:
            seen.add(current)
            name, merged_into = actors[current]
            if merged_into is None or merged_into not in actors:
                return current, name
            current = merged_into
        return None

    return resolve


def collect(
    session: Session,
    project_id: int,
    layer: str | None = None,
    *,
    labels: Sequence[str] = CONTENT_LABELS,
    relation_types: Sequence[str] = SPEAKER_TYPES,
) -> Said:
    """Every QUOTE and CLAIM of the layer with its speakers, outlet and month (a few queries)."""
    layer_name, people = _layer_people(session, project_id, layer)
    label_ids = {
        i: name.upper()
        for i, name in session.execute(select(Label.id, Label.name).where(Label.project_id == project_id))
        if name.casefold() in {n.casefold() for n in labels}
    }
    type_ids = _ids(session, RelationType, project_id, relation_types)
    chosen = (
        select(Annotation.id, Annotation.document_id, Annotation.label_id)
        .join(Document, Document.id == Annotation.document_id)
        .where(
            Document.project_id == project_id,
            Annotation.label_id.in_(list(label_ids)),
            Annotation.annotator_id.in_(people),
        )
    )
    contents = session.execute(chosen.order_by(Annotation.document_id, Annotation.start, Annotation.id)).all()
    registry = {
        a.id: a for a in session.scalars(select(RegistryActor).where(RegistryActor.project_id == project_id))
    }
    resolve = resolver({i: (a.name, a.merged_into_id) for i, a in registry.items()})
    links: dict[int, list[tuple[str, int | None]]] = {}
    if type_ids and contents:
        target = select(Relation.source_id, Annotation.text, Annotation.actor_id).join(
            Annotation, Annotation.id == Relation.target_id
        )
        target = target.join(Document, Document.id == Relation.document_id).where(
            Document.project_id == project_id,
            Relation.type_id.in_(type_ids),
            Relation.annotator_id.in_(people),
        )
        for source_id, text, actor_id in session.execute(target.order_by(Relation.id)):
            links.setdefault(source_id, []).append((text, actor_id))
    surface: dict[str, Counter[str]] = {}
    for found in links.values():
        for text, _actor in found:
            name = normalise(text)
            surface.setdefault(name.casefold(), Counter())[name] += 1
    where = chosen.with_only_columns(Annotation.document_id).distinct()  # only documents quoted in
    docs = {
        i: (outlet_of(meta, url), month_of(published))
        for i, meta, url, published in session.execute(
            select(Document.id, Document.meta, Document.source_url, Document.published).where(
                Document.id.in_(where)
            )
        )
    }
    utterances = []
    for span_id, doc_id, label_id in contents:
        speakers: dict[str, Speaker] = {}
        for text, actor_id in links.get(span_id, []):
            speaker = _speaker(text, actor_id, resolve, surface)
            speakers.setdefault(speaker.key, speaker)
        outlet, month = docs[doc_id]
        utterances.append(
            Utterance(span_id, doc_id, label_ids[label_id], tuple(speakers.values()), outlet, month)
        )
    actors = {
        i: {"external_id": a.external_id, "kind": a.kind, "attributes": a.attributes or {}}
        for i, a in registry.items()
    }
    return Said(layer_name, utterances, actors)


def _speaker(text: str, actor_id: int | None, resolve: Resolve, surface: dict[str, Counter[str]]) -> Speaker:
    if actor_id is not None:
        found = resolve(actor_id)
        if found is not None:
            return Speaker(f"actor:{found[0]}", found[1], found[0])
    name = normalise(text)
    if not name:
        return Speaker("none", NO_SPEAKER)
    key = name.casefold()
    return Speaker(f"text:{key}", surface[key].most_common(1)[0][0])


def group(said: Said, by: Grouping) -> list[WhoSaidRow]:
    """The rows of one grouping: actors and outlets by total (most first), months in order."""
    if by not in GROUPINGS:
        raise ValidationError(f"cannot group by {by!r} (choose actor, outlet or month)")
    tally: dict[str, dict[str, Any]] = {}

    def add(key: str, name: str, u: Utterance, **extra: Any) -> None:
        row = tally.setdefault(
            key, {"name": name, "QUOTE": 0, "CLAIM": 0, "docs": set(), "who": set(), **extra}
        )
        row[u.kind] = row.get(u.kind, 0) + 1
        row["docs"].add(u.document_id)
        row["who"].update(s.key for s in u.speakers)

    for u in said.utterances:
        if by == "actor":
            for s in u.speakers or (Speaker("none", NO_SPEAKER),):
                add(s.key, s.name, u, actor_id=s.actor_id, linked=s.linked if s.key != "none" else None)
        else:
            key = u.outlet if by == "outlet" else u.month
            add(key, key, u)
    if by == "month":
        for month in _missing_months(tally):
            tally[month] = {"name": month, "QUOTE": 0, "CLAIM": 0, "docs": set(), "who": set()}
    rows = [
        WhoSaidRow(
            key,
            t["name"],
            t["QUOTE"],
            t["CLAIM"],
            tuple(sorted(t["docs"])),
            0 if by == "actor" else len(t["who"]),
            t.get("actor_id"),
            t.get("linked"),
        )
        for key, t in tally.items()
    ]
    if by == "month":
        return sorted(rows, key=lambda r: (r.key == UNDATED, r.key))
    return sorted(rows, key=lambda r: (-r.total, r.name.casefold(), r.key))


def _missing_months(tally: dict[str, Any]) -> list[str]:
    """Months without quotes between the first and the last: a chart over time shows the gap."""
    months = sorted(k for k in tally if k != UNDATED)
    if not months:
        return []
    (y, m), (y1, m1) = (tuple(map(int, months[0].split("-"))), tuple(map(int, months[-1].split("-"))))
    out = []
    while (y, m) < (y1, m1):
        m += 1
        if m > 12:
            y, m = y + 1, 1
        if f"{y}-{m:02d}" not in tally:
            out.append(f"{y}-{m:02d}")
    return out


def who_said(
    session: Session, project_id: int, by: Grouping = "actor", layer: str | None = None
) -> list[WhoSaidRow]:
    """``group(collect(...), by)``: the rows ``annotator whosaid --by`` prints."""
    return group(collect(session, project_id, layer), by)

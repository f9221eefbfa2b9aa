"""Built-in attribution rules that need no training data: direct quotes, cues, speakers.

Pure functions over a document's text (no database): the caller stores what they return as
suggestions with source ``rules@VERSION``. Offsets are code points, end exclusive.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

VERSION = "1"


@dataclass(frozen=True)
class SpanSuggestion:
    """A span the rules propose; ``label`` is a label *name* (QUOTE, ACTOR, ...)."""

    start: int
    end: int
    label: str
    score: float


@dataclass(frozen=True)
class RelationSuggestion:
    """A relation between two of the spans proposed (indices into ``Suggestions.spans``)."""

    source: int
    target: int
    type: str
    score: float


@dataclass
class Suggestions:
    spans: list[SpanSuggestion] = field(default_factory=list)
    relations: list[RelationSuggestion] = field(default_factory=list)


@dataclass(frozen=True)
class RuleConfig:
    """What the rules emit and look for; projects extend the cue lists in their settings."""

    quote_label: str = "QUOTE"
    actor_label: str = "ACTOR"
    speaker_type: str = "speaker"
    speech_verbs: tuple[str, ...] = ()
    according_to: tuple[str, ...] = ()


def suggest(text: str, gazetteer: Iterable[str] = (), config: RuleConfig | None = None) -> Suggestions:
    """Quotes, actor mentions and speaker links for ``text``; ``gazetteer`` holds names already
    labelled as actors in the project (each found everywhere as an actor mention)."""
    return Suggestions()

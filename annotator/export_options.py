"""An export's options, and the plan they make once checked against the project.

Split from ``annotator.export`` (files stay under 450 lines) so that the modules an export is
made of (``annotator.export_writers``) read them without importing the export itself.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from annotator.dataset import LabelMap, Layer, Split
from annotator.export_suggestions import Chosen


@dataclass(slots=True)
class ExportOptions:
    """Which documents and annotations go out, and how the dataset formats shape them.

    ``only_done``: only documents marked done or adjudicated.
    ``layer``: ``all`` | ``annotator:NAME`` | ``majority`` | ``gold`` | ``suggestions[:SOURCE]`` (see
    ``annotator.dataset.layers``; gold takes only adjudicated documents; suggestions are the rules'
    and models' output, ``annotator.export_suggestions``). ``annotator``: with the suggestions
    layer, the person whose own suggestions (made from their labels) go out beside the team's.
    ``labels``: the labels that go out (None: all); ``rename``: old → new name (two to one merges).
    ``split``: train, dev[, test] ratios (a split export writes a folder); ``seed`` picks the split.
    ``sentences``: one example per sentence instead of per document (offsets re-based).
    ``language``: spaCy tokenizer language (default: the project's). ``span_key``: DocBin span group.
    ``docstart``: IOB ``-DOCSTART-`` lines. ``docs_per_file``: DocBin parts (a folder) of this size.
    """

    only_done: bool = False
    layer: str = "all"
    labels: list[str] | None = None
    rename: dict[str, str] = field(default_factory=dict)
    split: Sequence[float] | None = None
    seed: int = 0
    sentences: bool = False
    language: str | None = None
    span_key: str = ""  # "": each document's own key (spaCy imports keep theirs), else sc
    docstart: bool = False
    docs_per_file: int | None = None
    raw_csv: bool = False  # whosaid: write formula-like text cells verbatim (annotator.csvsafe)
    annotator: str | None = None  # the suggestions layer: whose own suggestions go out too


@dataclass(frozen=True, slots=True)
class Plan:
    """Options checked against the project, ready to apply to each document."""

    layer: Layer
    labels: LabelMap
    gold: frozenset[str]
    split: Split | None
    language: str
    output_labels: list[str]
    # The codebook's span and document attribute kinds, (label or "" for documents, name) → kind,
    # for writers that write each kind its own way (Label Studio: text areas, numbers, choices).
    kinds: dict[tuple[str, str], str] = field(default_factory=dict)
    chosen: Chosen | None = None  # the suggestions layer: which suggestions form it

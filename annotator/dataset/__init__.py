"""Turning a project's annotations into training data: which layer, which labels, which split.

Everything here works on ``DocRecord``s one at a time, so an export stays streamed; the format
writers (``annotator.formats.spacy_docbin``, ``annotator.formats.iob``) do the tokenising.
"""

from __future__ import annotations

from annotator.dataset.labels import LabelMap
from annotator.dataset.layers import Layer, select_layer
from annotator.dataset.sentences import sentence_bounds, split_sentences
from annotator.dataset.split import SPLITS, Split
from annotator.dataset.tokens import outermost, split_at

__all__ = [
    "SPLITS",
    "LabelMap",
    "Layer",
    "Split",
    "outermost",
    "select_layer",
    "sentence_bounds",
    "split_at",
    "split_sentences",
]

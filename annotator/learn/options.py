"""What ``train`` can add to a model beyond the first models' tiers and speaker classifier:
the cue-anchored source pass's settings, the tagger's extra features and a second content tier.
Each is recorded in the model's ``model.json``; the values are those chosen on PolNeAR's dev split."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from annotator.learn.clusters import learn_clusters
from annotator.learn.features import Extras
from annotator.learn.sources import FEATURES


@dataclass(frozen=True)
class SecondPass:
    """The cue-anchored source pass (``sources.py``): its CRF's iterations and how it decodes
    (``min_start``: the least start marginal of a source taken off the best path; ``override``:
    the least score at which its source replaces the linker's; above 1 never)."""

    # Chosen on PolNeAR's dev split (same tagger; ACTOR exact 0.648 without the pass): 150
    # iterations 0.659-0.662 against 0.657 at 60; override 0.7 0.662, 0.9 0.661, 0.5 0.661,
    # never 0.653; a start taken off the best path (min_start 0.3) 0.661; keeping the pass's own
    # boundaries over an overlapping tagged actor 0.662 (P 0.708, R 0.621): kept the tagger's.
    iterations: int = 150
    min_score: float = 0.0
    min_start: float = 1.0
    override: float = 0.6
    # Session 11 (dev, same tagger): the second feature set (``sources.FEATURES``) 0.666 -> 0.666,
    # and with the pass's boundaries over a tagged actor the tagger scores under 0.8: 0.674
    # (0.670 with the first feature set; 0.671 / 0.672 at 0.7 / 0.9); then override 0.6: 0.676
    # (0.675 at 0.0-0.5, 0.674 at 0.7-0.8, 0.672 at 0.9).
    features: int = FEATURES
    own_below: float = 0.8

    def decoding(self) -> dict[str, float]:
        return {
            "min_score": self.min_score,
            "min_start": self.min_start,
            "override": self.override,
            "features": self.features,
            "own_below": self.own_below,
        }


@dataclass(frozen=True)
class TaggerFeatures:
    """The content tagger's features beyond the first models' (``Extras``): context features
    (``context.py``) and word clusters learnt from the training documents' text
    (``clusters.py``, kept in the model folder). Both off by default: on PolNeAR's dev split
    neither lifted source exact F1 or content overlap at the benchmark's 35 iterations (context:
    content exact 0.447 → 0.491 but overlap 0.838 → 0.798; clusters: source exact 0.666 → 0.628)."""

    context: bool = False
    clusters: bool = False

    def extras(self, texts: Sequence[str], seed: int) -> Extras | None:
        if not (self.context or self.clusters):
            return None
        return Extras(self.context, learn_clusters(texts, seed=seed) if self.clusters else None)


@dataclass(frozen=True)
class RecallTier:
    """A second tier for the group of ``label``, trained with the context features and
    ``iterations``; its ``label`` spans scoring at least ``min_score`` are added where the model's
    tiers find none of that label (``tagger.add_missing``: the first tier's contents stay).

    Chosen on PolNeAR's dev split (session 12; the 35-iteration tier, the source pass and linker
    as they were), with a context tier trained beforehand: content overlap 0.838 -> 0.848, source
    exact 0.676 -> 0.678 (min_score 0 / 0.5 / 0.7 / 0.8: 0.845-0.846 / 0.676-0.677); the reverse
    (the context tier first) 0.839 / 0.676. As ``train`` trains it: 0.846 / 0.676, end-to-end
    speaker 0.607 -> 0.635 (0.846-0.848 / 0.676-0.677 at min_score 0-0.8)."""

    label: str = "QUOTE"
    iterations: int = 80
    min_score: float = 0.6
    context: bool = True
    file: str = "recall-0.crfsuite"

    def entry(self, iterations: int) -> dict[str, Any]:
        return {
            "file": self.file,
            "label": self.label,
            "context": self.context,
            "min_score": self.min_score,
            "iterations": iterations,
        }


DEFAULT_PASS = SecondPass()
PLAIN = TaggerFeatures()

"""Train/dev/test split by document, decided by each document's text and the seed alone.

A document's split is a hash of (seed, content hash) mapped to [0, 1) and cut at the cumulative
ratios. So the same seed always gives the same split, no document can land in two splits, and
adding documents to the project never moves the ones already there. The price: on a small corpus
the sizes only approximate the ratios (each document is a weighted coin toss).
"""

from __future__ import annotations

import hashlib
import math
from collections.abc import Sequence
from dataclasses import dataclass

from annotator.errors import ValidationError
from annotator.hashing import content_hash

SPLITS = ("train", "dev", "test")


@dataclass(frozen=True, slots=True)
class Split:
    ratios: tuple[float, float, float]
    seed: int = 0

    def __post_init__(self) -> None:
        if len(self.ratios) != 3 or any(not math.isfinite(r) or r < 0 for r in self.ratios):
            raise ValidationError("split ratios must be three non-negative numbers (train, dev, test)")
        if not math.isclose(sum(self.ratios), 1.0, abs_tol=1e-6) or self.ratios[0] <= 0:
            raise ValidationError(f"split ratios must add up to 1 with train > 0, not {self.ratios}")

    @classmethod
    def of_ratios(cls, ratios: Sequence[float], seed: int = 0) -> Split:
        """Two (train, dev) or three (train, dev, test) ratios."""
        if len(ratios) not in (2, 3):
            raise ValidationError(f"give two or three split ratios (train, dev[, test]), not {list(ratios)}")
        return cls((float(ratios[0]), float(ratios[1]), float(ratios[2]) if len(ratios) == 3 else 0.0), seed)

    @classmethod
    def parse(cls, text: str, seed: int = 0) -> Split:
        """``"0.8,0.1,0.1"`` or ``"0.9,0.1"`` (no test split)."""
        try:
            values = [float(part) for part in text.split(",")]
        except ValueError:
            raise ValidationError(f"split ratios must be numbers like 0.8,0.1,0.1, not {text!r}") from None
        return cls.of_ratios(values, seed)

    @property
    def names(self) -> tuple[str, ...]:
        """The splits that can receive documents (a ratio of 0 writes no file)."""
        return tuple(name for name, ratio in zip(SPLITS, self.ratios, strict=True) if ratio > 0)

    def of(self, text: str) -> str:
        """The split a document with this text belongs to."""
        return self.of_hash(content_hash(text))

    def of_hash(self, text_hash: str) -> str:
        """The split of a document whose ``content_hash`` is ``text_hash``."""
        digest = hashlib.sha256(f"{self.seed}:{text_hash}".encode()).digest()
        point = int.from_bytes(digest[:8], "big") / 2**64
        edge = 0.0
        for name, ratio in zip(SPLITS, self.ratios, strict=True):
            edge += ratio
            if ratio > 0 and point < edge:
                return name
        return self.names[-1]

"""Word clusters learnt from the training documents' own text, for the content tagger.

A CRF sees each word as its own feature, so a name, title or speech verb it never met in
training tells it nothing. Words that share their neighbours ("urged", "warned", "insisted";
"senator", "governor") fall in one cluster, which the tagger can weigh like a word. The clusters
come from the project's documents alone (no download): each frequent word's counts of the
frequent words just before and after it, reweighted (positive PMI), reduced by a seeded SVD and
grouped by seeded k-means at two sizes. Deterministic for the same texts.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

import numpy as np

from annotator.learn.features import TOKEN

Clusters = dict[str, tuple[int, ...]]
SIZES = (32, 256)  # a coarse and a fine grouping: the tagger weighs both
_CONTEXT = 1000  # neighbours counted: the most frequent words
_DIMENSIONS = 80
_ROUNDS = 20


def _kmeans(x: np.ndarray, k: int, rng: np.random.Generator) -> np.ndarray:
    """Each row's cluster (Lloyd's rounds on unit rows from seeded k-means++ centres)."""
    centres = [x[int(rng.integers(len(x)))]]
    best = np.full(len(x), np.inf)
    for _ in range(1, k):
        best = np.minimum(best, ((x - centres[-1]) ** 2).sum(axis=1))
        centres.append(x[int(rng.choice(len(x), p=best / best.sum()))])
    c = np.array(centres)
    labels = np.zeros(len(x), dtype=np.int64)
    for _ in range(_ROUNDS):
        labels = (x @ c.T).argmax(axis=1)  # unit rows: the nearest centre is the most similar
        for j in range(k):
            members = x[labels == j]
            if len(members):
                centre = members.mean(axis=0)
                c[j] = centre / (np.linalg.norm(centre) or 1.0)
    return labels


def learn_clusters(
    texts: Iterable[str], *, min_count: int = 5, sizes: Sequence[int] = SIZES, seed: int = 0
) -> Clusters:
    """Each word (lower case) seen at least ``min_count`` times → its cluster at each size."""
    docs = [[w.lower() for w in TOKEN.findall(t)] for t in dict.fromkeys(texts)]  # each text once
    counts = Counter(w for d in docs for w in d)
    vocab = sorted((w for w, n in counts.items() if n >= min_count), key=lambda w: (-counts[w], w))
    if len(vocab) < 2 * max(sizes):
        return {}
    row = {w: i for i, w in enumerate(vocab)}
    col = {w: i for i, w in enumerate(vocab[:_CONTEXT])}
    m = np.zeros((len(vocab), 2 * len(col)), dtype=np.float64)
    for d in docs:
        ids = [row.get(w, -1) for w in d]
        ctx = [col.get(w, -1) for w in d]
        for a, b in zip(range(len(d) - 1), range(1, len(d)), strict=True):
            if ids[b] >= 0 and ctx[a] >= 0:
                m[ids[b], ctx[a]] += 1  # the word before
            if ids[a] >= 0 and ctx[b] >= 0:
                m[ids[a], len(col) + ctx[b]] += 1  # the word after
    # positive PMI, in place (one matrix of the vocabulary's size in memory)
    rows, cols, seen = m.sum(axis=1, keepdims=True), m.sum(axis=0, keepdims=True), m > 0
    m *= m.sum()
    m /= rows.clip(1.0)
    m /= cols.clip(1.0)
    np.log(m, out=m, where=seen)
    ppmi = np.maximum(m, 0.0, out=m)
    rng = np.random.default_rng(seed)
    q, _ = np.linalg.qr(ppmi @ rng.standard_normal((ppmi.shape[1], _DIMENSIONS + 10)))
    u, s, _vt = np.linalg.svd(q.T @ ppmi, full_matrices=False)
    x = (q @ u[:, :_DIMENSIONS]) * s[:_DIMENSIONS]
    x /= np.linalg.norm(x, axis=1, keepdims=True).clip(1e-9)
    labels = [_kmeans(x, k, rng) for k in sizes]
    return {w: tuple(int(lab[i]) for lab in labels) for w, i in row.items()}


def save_clusters(clusters: Clusters, path: Path) -> None:
    path.write_text(json.dumps({w: list(c) for w, c in clusters.items()}, separators=(",", ":")))


def load_clusters(path: Path) -> Clusters:
    return {w: tuple(c) for w, c in json.loads(path.read_text()).items()}

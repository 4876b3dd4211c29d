"""What every backend's scorer shares to turn scores into hits: the `k` best rows, ties in row order, and the
sentences of a passage to mark (the best ones by their similarity to the question). Offsets are character
positions into the policy text."""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qa.types import Span


def top_stable(scores: np.ndarray, k: int) -> np.ndarray:
    """Positions of the `k` highest scores, best first, ties in position order (as a stable argsort).

    Partitions first, so taking 50 of 300,000 scores does not sort them all.
    """
    if k >= len(scores):
        return np.argsort(-scores, kind="stable")
    threshold = np.partition(scores, len(scores) - k)[len(scores) - k]
    above = np.flatnonzero(scores > threshold)
    tied = np.flatnonzero(scores == threshold)[:k - len(above)]
    chosen = np.concatenate([above, tied])
    return chosen[np.argsort(-scores[chosen], kind="stable")]


def pick_highlights(spans: Sequence[Span], scores: np.ndarray, max_count: int = 2, margin: float = 0.08) -> list[Span]:
    """The best sentence, plus the next best ones within `margin` of it (at most `max_count`), in text order."""
    if len(spans) == 0:
        return []
    order = np.argsort(-scores)
    best = float(scores[order[0]])
    chosen = [int(i) for i in order[:max_count] if float(scores[i]) >= best - margin]
    return sorted(spans[i] for i in chosen)

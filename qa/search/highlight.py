"""Marking the sentences of a passage that answer the question: the best ones by their similarity to it.

The sentences are the index's (`qa.ingest.sentences`); offsets are character positions into the policy text.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from qa.types import Span


def pick_highlights(spans: Sequence[Span], scores: np.ndarray, max_count: int = 2, margin: float = 0.08) -> list[Span]:
    """The best sentence, plus the next best ones within `margin` of it (at most `max_count`), in text order."""
    if len(spans) == 0:
        return []
    order = np.argsort(-scores)
    best = float(scores[order[0]])
    chosen = [int(i) for i in order[:max_count] if float(scores[i]) >= best - margin]
    return sorted(spans[i] for i in chosen)

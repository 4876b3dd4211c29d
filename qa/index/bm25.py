"""BM25's parameters and formula, read by both backends so they score alike.

The folder builds a bm25s index with these parameters (`qa.index.lexical.build_bm25`); the store scores in
Python and SQL over its postings with the functions below, which are bm25s's "lucene" method written out
(Lucene idf, Robertson tf, float32 as bm25s computes it). `tests/test_pgstore.py` checks the two agree.
"""

from __future__ import annotations

import math

import numpy as np

METHOD = "lucene"  # bm25s's method: Lucene's idf, Robertson's tf part
K1 = 1.5  # term-frequency saturation (bm25s's default)
B = 0.75  # length normalisation (bm25s's default)


def idf(document_count: int, df: int) -> np.float32:
    """Lucene's idf of a token found in `df` of `document_count` passages (float32, as bm25s)."""
    return np.float32(math.log(1 + (document_count - df + 0.5) / (df + 0.5)))


def tf_part(tf: np.ndarray, length: np.ndarray, average_length: float) -> np.ndarray:
    """Robertson's tf part of BM25 (float32, as bm25s): what a token adds to a passage, divided by its idf.
    `tf`: the token's count in each passage; `length`: each passage's token count."""
    return tf / (tf + np.float32(K1) * (1 - np.float32(B) + np.float32(B) * length / np.float32(average_length)))


def tf_part_bound(max_tf: float, min_ratio: float, average_length: float) -> float:
    """The most `tf_part` can be for any passage of a token whose tf is at most `max_tf` and whose passages'
    length / tf is at least `min_ratio` (what lets a search skip postings that cannot matter)."""
    return 1 / (1 + K1 * (1 - B) / max_tf + K1 * B * min_ratio / max(average_length, 1e-9))

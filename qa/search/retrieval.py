"""Finding the passages that answer a question: one `search` interface, three backends.

- dense: cosine similarity of question and passage embeddings, blended with the best of the passage's
  sentences (sentence vectors are stored in the index), so a passage with one sentence that answers the
  question is not outscored by one that is merely on the topic;
- bm25: BM25 (bm25s, English stemming) over the passage with its policy name and section;
- hybrid: a weighted sum of the dense score and the BM25 score scaled to [0, 1] within the query's scope.

Candidates come from FAISS searches (passages and sentences) and BM25, then every candidate is scored
exactly. Every backend returns `Hit`s, best first, whose `highlights` are the passage's best sentences.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

import numpy as np

from qa.config import RetrievalSettings
from qa.errors import QueryError
from qa.index.base import IndexReader, IndexScorer
from qa.index.scoring import top_stable
from qa.types import Hit


class Retriever(Protocol):
    name: str

    def search(self, question: str, k: int = 5, policies: Sequence[str] | None = None) -> list[Hit]: ...


def validate_query(index: IndexReader, question: str, k: int, policies: Sequence[str] | None) -> list[str] | None:
    """Check a query against the index; returns the policy ids to search (None: all).

    Raises QueryError (a ValueError) naming the bad value: an empty question, k below 1, an unknown policy id.
    """
    if not question or not question.strip():
        raise QueryError("question is empty")
    if k < 1:
        raise QueryError(f"k must be >= 1, got {k}")
    if policies is None:
        return None
    wanted = list(dict.fromkeys(policies))
    unknown = [p for p in wanted if p not in index.policies]
    if unknown:
        raise QueryError(f"unknown policy id {', '.join(repr(u) for u in unknown)} "
                         f"(known: {', '.join(sorted(index.policies))})")
    return wanted


class _ScorerRetriever:
    """What each retriever holds: the scorer (index, embedder and caches) and the settings it searches with."""

    def __init__(self, scorer: IndexScorer, settings: RetrievalSettings | None = None):
        self.scorer = scorer
        self.settings = settings or RetrievalSettings()


class DenseRetriever(_ScorerRetriever):
    """Passage and best-sentence cosine similarity (see the module docstring)."""

    name = "dense"

    def search(self, question: str, k: int = 5, policies: Sequence[str] | None = None) -> list[Hit]:
        wanted = validate_query(self.scorer.index, question, k, policies)
        query = self.scorer.embed(question)
        rows = self.scorer.dense_candidates(query, self.scorer.scope(wanted), max(k, self.settings.candidates))
        scores = self.scorer.dense_scores(query, rows, self.settings.sentence_weight)
        return self.scorer.hits(query, rows, scores, k, similarities=scores)


class BM25Retriever(_ScorerRetriever):
    """BM25 over passage text with its policy name and section."""

    name = "bm25"

    def search(self, question: str, k: int = 5, policies: Sequence[str] | None = None) -> list[Hit]:
        wanted = validate_query(self.scorer.index, question, k, policies)
        scope = self.scorer.scope(wanted)
        rows = np.arange(len(self.scorer.index.passages)) if scope is None else scope
        scores = self.scorer.bm25_scores(question, depth=k)[rows]
        shown = top_stable(scores, k)  # the dense score (a hit's similarity) only for the rows shown
        query = self.scorer.embed(question)
        dense = self.scorer.dense_scores(query, rows[shown], self.settings.sentence_weight)
        return self.scorer.hits(query, rows[shown], scores[shown], k, similarities=dense)


class HybridRetriever(_ScorerRetriever):
    """Dense score blended with BM25 scaled to [0, 1] by the best BM25 score in scope."""

    name = "hybrid"

    def search(self, question: str, k: int = 5, policies: Sequence[str] | None = None) -> list[Hit]:
        wanted = validate_query(self.scorer.index, question, k, policies)
        scope = self.scorer.scope(wanted)
        query = self.scorer.embed(question)
        depth = max(k, self.settings.candidates)
        bm25 = self.scorer.bm25_scores(question, depth=depth)
        in_scope = np.arange(len(bm25)) if scope is None else scope
        top_bm25 = in_scope[top_stable(bm25[in_scope], depth)]
        rows = np.unique(np.concatenate([self.scorer.dense_candidates(query, scope, depth), top_bm25]))
        dense = self.scorer.dense_scores(query, rows, self.settings.sentence_weight)
        ceiling = float(bm25[in_scope].max()) if len(in_scope) else 0.0
        lexical = bm25[rows] / ceiling if ceiling > 0 else np.zeros(len(rows), dtype=np.float32)
        weight = self.settings.hybrid_weight
        return self.scorer.hits(query, rows, weight * dense + (1 - weight) * lexical, k, similarities=dense)

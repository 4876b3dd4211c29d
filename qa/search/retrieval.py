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
from typing import Any, Protocol

import numpy as np

from qa.config import RetrievalSettings
from qa.embed.base import Embedder
from qa.errors import QueryError
from qa.index.base import IndexReader, IndexScorer, QueryCache
from qa.index.store import PolicyIndex
from qa.search.highlight import pick_highlights
from qa.types import Hit


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


class Scorer(QueryCache):
    """The folder index's `IndexScorer` (`qa.index.base`): exact dense (passage and sentence cosines) and
    BM25 scores, computed on demand; `embed`, `forget_queries` and `rows_naming` are `QueryCache`'s."""

    def __init__(self, index: PolicyIndex, embedder: Embedder):
        self.index = index
        self.embedder = embedder
        rows_by_policy: dict[str, list[int]] = {}
        for row, passage in enumerate(index.passages):
            rows_by_policy.setdefault(passage.policy, []).append(row)
        self.rows_by_policy = {k: np.array(v, dtype=np.int64) for k, v in rows_by_policy.items()}
        owners = index.sentences[:, 0] if len(index.sentences) else np.zeros(0, dtype=np.int64)
        self.sentences_of_row: list[np.ndarray] = [np.zeros(0, dtype=np.int64)] * len(index.passages)
        order = np.argsort(owners, kind="stable")
        bounds = np.searchsorted(owners[order], np.arange(len(index.passages) + 1))
        for row in range(len(index.passages)):
            self.sentences_of_row[row] = order[bounds[row]:bounds[row + 1]]
        # Sentences are stored in passage order, so a run of passages owns a run of sentences.
        self._sentence_bounds = bounds if np.all(order == np.arange(len(order))) else None
        self._bm25: Any = None  # a bm25s.BM25, made or read on first use
        self._query_cache: dict[str, np.ndarray] = {}
        self._bm25_cache: dict[str, np.ndarray] = {}

    # -- scope -------------------------------------------------------------------------------------
    def scope(self, policies: list[str] | None) -> np.ndarray | None:
        """Passage rows of `policies` (None: all rows)."""
        if policies is None:
            return None
        parts = [self.rows_by_policy.get(p, np.zeros(0, dtype=np.int64)) for p in policies]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def _sentence_scope(self, rows: np.ndarray | None) -> np.ndarray | None:
        """The sentence ids (rows of `index.sentences`) of passage `rows` (None: all)."""
        if rows is None:
            return None
        if (self._sentence_bounds is not None and len(rows)
                and int(rows.max()) - int(rows.min()) + 1 == len(rows)):  # a run of passages: a slice
            return np.arange(self._sentence_bounds[rows.min()], self._sentence_bounds[rows.max() + 1], dtype=np.int64)
        return (np.concatenate([self.sentences_of_row[r] for r in rows]) if len(rows)
                else np.zeros(0, dtype=np.int64))

    # -- dense -------------------------------------------------------------------------------------
    def dense_candidates(self, query: np.ndarray, rows: np.ndarray | None, depth: int) -> np.ndarray:
        """Passage rows whose own vector or one of whose sentences is among the nearest to the query."""
        by_passage = self.index.vectors.nearest(query, depth, rows)
        ids = self.index.sentence_vectors.nearest(query, depth * 2, self._sentence_scope(rows))
        by_sentence = self.index.sentences[ids, 0] if len(ids) else np.zeros(0, dtype=np.int64)
        return np.unique(np.concatenate([by_passage, by_sentence]))

    def passage_cosines(self, query: np.ndarray, rows: np.ndarray) -> np.ndarray:
        if len(rows) == 0:
            return np.zeros(0, dtype=np.float32)
        return self.index.vectors.reconstruct_batch(rows) @ query[0]

    def sentence_cosines(self, query: np.ndarray, row: int) -> tuple[np.ndarray, np.ndarray]:
        """(sentence ids, cosines) of the sentences of passage `row`."""
        ids = self.sentences_of_row[row]
        if len(ids) == 0:
            return ids, np.zeros(0, dtype=np.float32)
        return ids, self.index.sentence_vectors.reconstruct_batch(ids) @ query[0]

    def policy_sentences(self, policy_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Every indexed sentence of one policy: (spans (n, 2) as policy offsets, vectors (n, dimension)),
        in text order. What the practice model reads to tell which practices a policy states."""
        rows = self.rows_by_policy.get(policy_id, np.zeros(0, dtype=np.int64))
        ids = self._sentence_scope(rows)
        if ids is None or len(ids) == 0:
            return np.zeros((0, 2), dtype=np.int64), np.zeros((0, self.embedder.dimension), dtype=np.float32)
        return (np.asarray(self.index.sentences[ids, 1:3], dtype=np.int64),
                np.asarray(self.index.sentence_vectors.reconstruct_batch(ids), dtype=np.float32))

    def policy_passages(self, policy_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Every passage of one policy: (spans (n, 2) as policy offsets, vectors (n, dimension)), in text order."""
        rows = self.rows_by_policy.get(policy_id, np.zeros(0, dtype=np.int64))
        if len(rows) == 0:
            return np.zeros((0, 2), dtype=np.int64), np.zeros((0, self.embedder.dimension), dtype=np.float32)
        spans = np.array([(self.index.passages[r].start, self.index.passages[r].end) for r in rows], dtype=np.int64)
        return spans, np.asarray(self.index.vectors.reconstruct_batch(rows), dtype=np.float32)

    def dense_scores(self, query: np.ndarray, rows: np.ndarray, sentence_weight: float) -> np.ndarray:
        passage = self.passage_cosines(query, rows)
        if sentence_weight == 0 or len(rows) == 0:
            return passage
        ids = [self.sentences_of_row[r] for r in rows]
        counts = np.array([len(i) for i in ids])
        best = passage.copy()  # a passage without sentences scores as its own best sentence
        if counts.sum():
            cosines = self.index.sentence_vectors.reconstruct_batch(np.concatenate(ids)) @ query[0]
            has = counts > 0
            starts = np.concatenate([[0], np.cumsum(counts)[:-1]])[has]
            best[has] = np.maximum.reduceat(cosines, starts)  # max over each passage's run of sentences
        return (1 - sentence_weight) * passage + sentence_weight * best

    # -- bm25 --------------------------------------------------------------------------------------
    def _lexical(self):
        """The index's saved BM25 (qa.index.lexical), else one built here once."""
        from qa.index.lexical import build_bm25, passage_corpus

        if self._bm25 is None:
            self._bm25 = self.index.bm25 if self.index.bm25 is not None else build_bm25(passage_corpus(self.index))
        return self._bm25

    def bm25_scores(self, question: str, depth: int = 0) -> np.ndarray:
        """BM25 score of every passage (name, section and text) for `question`, every one exact (`depth`,
        what another backend computes exactly, does not matter here); the index's saved BM25
        (qa.index.lexical) when it has one, else built here once."""
        from qa.index.lexical import tokenize

        bm25 = self._lexical()
        if not self.index.passages:
            return np.zeros(0, dtype=np.float32)
        if question not in self._bm25_cache:  # an answer scores one question once per policy
            if len(self._bm25_cache) >= 8:
                self._bm25_cache.pop(next(iter(self._bm25_cache)))
            words = tokenize([question], return_ids=False)[0]
            scores = (np.asarray(bm25.get_scores(words), dtype=np.float32) if words
                      else np.zeros(len(self.index.passages), dtype=np.float32))
            scores.flags.writeable = False
            self._bm25_cache[question] = scores
        return self._bm25_cache[question]

    def token_rows(self, token: str) -> np.ndarray:
        """Rows whose BM25 text holds the bm25s token `token` (its postings), ascending."""
        bm25 = self._lexical()
        column = bm25.vocab_dict.get(token)
        if column is None or not len(self.index.passages):
            return np.zeros(0, dtype=np.int64)
        postings = bm25.scores
        return np.asarray(postings["indices"][postings["indptr"][column]:postings["indptr"][column + 1]],
                          dtype=np.int64)

    # -- hits --------------------------------------------------------------------------------------
    def hits(self, query: np.ndarray, rows: np.ndarray, scores: np.ndarray, k: int,
             similarities: np.ndarray) -> list[Hit]:
        """The `k` best rows by `scores` as hits, each with its best sentences marked; `similarities` are the
        rows' dense scores (a hit's `similarity`)."""
        order = top_stable(scores, k)
        similarities = similarities[order]
        out = []
        for rank, i in enumerate(order):
            row = int(rows[i])
            passage = self.index.passages[row]
            ids, cosines = self.sentence_cosines(query, row)
            spans = [(int(self.index.sentences[j, 1]), int(self.index.sentences[j, 2])) for j in ids]
            out.append(Hit(policy=passage.policy, name=self.index.policies[passage.policy].name,
                           section=passage.section, start=passage.start, end=passage.end, text=passage.text,
                           score=float(scores[i]), passage_id=passage.id,
                           highlights=tuple(pick_highlights(spans, cosines)),
                           similarity=float(similarities[rank])))
        return out


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

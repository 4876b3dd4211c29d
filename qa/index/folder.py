"""The folder backend for `qa.index.open`: an index folder (`qa.index.store`) read by the folder scorer.

Every function takes the location as the factory passes it (a folder path) and behaves as the folder code
it calls; see `qa.index.open` for what each means.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

from qa.embed.base import Embedder
from qa.index.base import OpenedIndex, QueryCache
from qa.index.scoring import pick_highlights, top_stable
from qa.index.store import PolicyIndex
from qa.index.vectors import StoredRows
from qa.types import Hit


def open_reader(location: str | os.PathLike, model: str | None = None) -> OpenedIndex:
    """The folder's current index (`load_index`; `model` must match the index's) and its `Scorer`."""
    from qa.index.store import load_index

    index = load_index(Path(location), model=model)
    return OpenedIndex(index, lambda embedder: Scorer(index, embedder), freeze=True)


def manifest(location: str | os.PathLike) -> dict[str, Any]:
    """The current index's manifest, read without loading the index."""
    from qa.index.store import read_manifest

    return read_manifest(Path(location))


def signature(location: str | os.PathLike) -> str:
    """A hash of the manifest (about a millisecond): a rebuild writes a new one."""
    return hashlib.sha256(json.dumps(manifest(location), sort_keys=True, default=str).encode()).hexdigest()[:16]


def build(location: str | os.PathLike, policies_dir: Path, settings, embedder_factory: Callable[[], Any], *,
          full: bool = False, max_bytes: int | None = None, progress=None):
    """Build (or bring up to date) the index folder from `policies_dir` (`qa.index.build.build_index`)."""
    from qa.index.build import build_index
    from qa.ingest.formats import DEFAULT_MAX_BYTES

    return build_index(policies_dir, Path(location), settings, embedder_factory, full=full,
                       max_bytes=DEFAULT_MAX_BYTES if max_bytes is None else max_bytes, progress=progress)


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
        spans, rows = self.policy_sentence_rows(policy_id)
        return spans, rows[np.arange(len(rows))]

    def policy_passages(self, policy_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Every passage of one policy: (spans (n, 2) as policy offsets, vectors (n, dimension)), in text order."""
        spans, rows = self.policy_passage_rows(policy_id)
        return spans, rows[np.arange(len(rows))]

    def policy_sentence_rows(self, policy_id: str) -> tuple[np.ndarray, StoredRows]:
        """`policy_sentences` with the vectors left in the sentence index, read on use (`StoredRows`): a caller
        that keeps them holds no copy of what the index holds already."""
        rows = self.rows_by_policy.get(policy_id, np.zeros(0, dtype=np.int64))
        ids = self._sentence_scope(rows)
        ids = np.zeros(0, dtype=np.int64) if ids is None else ids
        return np.asarray(self.index.sentences[ids, 1:3], dtype=np.int64).reshape(-1, 2), \
            StoredRows(self.index.sentence_vectors, ids)

    def policy_passage_rows(self, policy_id: str) -> tuple[np.ndarray, StoredRows]:
        """`policy_passages` with the vectors left in the passage index, read on use (`StoredRows`)."""
        rows = self.rows_by_policy.get(policy_id, np.zeros(0, dtype=np.int64))
        spans = np.array([(self.index.passages[r].start, self.index.passages[r].end) for r in rows], dtype=np.int64)
        return spans.reshape(-1, 2), StoredRows(self.index.vectors, rows)

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

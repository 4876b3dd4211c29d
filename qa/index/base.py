"""What the answer path needs from an index, whatever holds it: the reader and scorer protocols.

Every backend (the folder, `qa.index.store` with `qa.index.folder.Scorer`; PostgreSQL, `qa.index.pg`)
offers an `IndexReader` and an `IndexScorer`; `qa.search.engine.Engine` is typed against these, and
`qa.index.open` is the one place that picks a backend for a location. The protocols name exactly what
`Engine`, the retrievers (`qa.search.retrieval`), the answer path (`qa.search.answer`) and the evidence
reader (`qa.search.evidence`) call, nothing a backend keeps for itself.

Rows: a backend numbers the passages of its index 0..n-1, policies sorted by id, each policy's passages in
text order; every row array below is of those numbers (int64). Offsets are character positions into the
policy text.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:  # numpy too: the CLI's parser imports this module, and `policyqa --help` loads no numpy
    import numpy as np

    from qa.embed.base import Embedder
    from qa.types import Hit, Passage, Policy


class IndexReader(Protocol):
    """One published index, as the answer path reads it."""

    @property
    def manifest(self) -> dict[str, Any]:
        """Shaped as a folder index's `manifest.json` (model, chunker, settings, policies, counts, built_at)."""
        ...

    @property
    def policies(self) -> dict[str, Policy]:
        """The indexed policies by id (name, aliases, text)."""
        ...

    @property
    def passages(self) -> Sequence[Passage]:
        """Every passage, row i at position i."""
        ...

    def refresh(self) -> bool:
        """Before a question: True when the index was reopened in place (its rows may have changed), so the
        caller drops what it derived from it; an index that cannot change under its reader returns False."""
        ...


class RowScores(Protocol):
    """A score per row: an array, or what reads only the rows asked for (the store's BM25)."""

    def __len__(self) -> int: ...

    def __getitem__(self, rows: Any) -> np.ndarray: ...


class IndexScorer(Protocol):
    """Exact retrieval scores over one `IndexReader`, with the question's vector cached."""

    @property
    def index(self) -> IndexReader: ...

    @property
    def embedder(self) -> Embedder: ...

    @property
    def rows_by_policy(self) -> Mapping[str, np.ndarray]:
        """Each policy's rows, ascending."""
        ...

    def forget_queries(self) -> None:
        """Drop cached question vectors and BM25 scores."""
        ...

    def scope(self, policies: list[str] | None) -> np.ndarray | None:
        """Rows of `policies` (None: every row, given as None)."""
        ...

    def embed(self, question: str) -> np.ndarray:
        """The question's vector, shape (1, dimension)."""
        ...

    def dense_candidates(self, query: np.ndarray, rows: np.ndarray | None, depth: int) -> np.ndarray:
        """Rows (unique, ascending) whose passage or one of whose sentences is among the `depth` nearest."""
        ...

    def dense_scores(self, query: np.ndarray, rows: np.ndarray, sentence_weight: float) -> np.ndarray:
        """Passage cosine blended with its best sentence's, per row of `rows`."""
        ...

    def bm25_scores(self, question: str, depth: int) -> RowScores:
        """BM25 of every row for `question`, indexed by row arrays: exact for the rows asked for, except
        that asked for every row at once, a backend may give only the best `depth` rows their exact scores
        (ties in row order) and the others lower ones below those, so the best `depth` are right."""
        ...

    def token_rows(self, token: str) -> np.ndarray:
        """Rows whose BM25 text holds the bm25s token `token`, ascending."""
        ...

    def rows_naming(self, name: str) -> np.ndarray | None:
        """Rows whose BM25 text holds every token of `name` (None: `name` has no token)."""
        ...

    def policy_sentences(self, policy_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Every indexed sentence of a policy: (spans (n, 2), vectors (n, dimension)), in text order."""
        ...

    def policy_passages(self, policy_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Every passage of a policy: (spans (n, 2), vectors (n, dimension)), in text order."""
        ...

    def hits(self, query: np.ndarray, rows: np.ndarray, scores: np.ndarray, k: int,
             similarities: np.ndarray) -> list[Hit]:
        """The `k` best of `rows` by `scores` (ties in position order), each with its best sentences marked."""
        ...


class QueryCache:
    """What every scorer shares: the last few question vectors and BM25 scores, and names read from postings.

    A subclass sets `embedder`, `_query_cache` and `_bm25_cache` and provides `token_rows`.
    """

    embedder: Embedder
    _query_cache: dict[str, np.ndarray]
    _bm25_cache: dict[str, Any]

    def forget_queries(self) -> None:
        """Drop cached question vectors and BM25 scores (a benchmark times the embedding of every question)."""
        self._query_cache.clear()
        self._bm25_cache.clear()

    def embed(self, question: str) -> np.ndarray:
        """The question's vector; the last few are kept, since an answer searches each policy in turn."""
        if question not in self._query_cache:
            if len(self._query_cache) >= 32:
                self._query_cache.pop(next(iter(self._query_cache)))
            self._query_cache[question] = self.embedder.embed_query([question])
        return self._query_cache[question]

    def token_rows(self, token: str) -> np.ndarray:
        raise NotImplementedError

    def rows_naming(self, name: str) -> np.ndarray | None:
        """Rows whose BM25 text (policy name, section, passage) holds every token of `name`, ascending: a
        superset of the passages that name it, read from the postings (`token_rows`) instead of every
        passage's text. None when `name` has no BM25 token (stop words, one-letter words): the caller reads
        every row."""
        import numpy as np

        from qa.index.lexical import tokenize

        words = sorted(set(tokenize([name], return_ids=False)[0]))
        if not words:
            return None
        rows = np.unique(self.token_rows(words[0]))
        for word in words[1:]:
            rows = np.intersect1d(rows, self.token_rows(word))
        return rows


@dataclass(frozen=True)
class OpenedIndex:
    """What a backend's `open_reader` returns: the index and how to make its scorer for an embedder.

    `freeze`: the index is a mass of long-lived Python objects worth taking out of the cyclic garbage
    collector's passes once the engine is made (the folder's; the store's rows stay in the database).
    """

    index: IndexReader
    scorer: Callable[[Embedder], IndexScorer]
    freeze: bool = False

"""Finding the passages that answer a question: one `search` interface, several backends.

Every backend returns `Hit`s: a passage of a policy with its citation (policy id, display name,
section) and character offsets into the policy text, best first.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Protocol, Sequence

import numpy as np

from qa.embedding import Embedder
from qa.store import PolicyIndex


@dataclass(frozen=True)
class Hit:
    """A retrieved passage; `start`/`end` (and each highlight) are character offsets into the policy text."""

    policy: str
    name: str
    section: str
    start: int
    end: int
    text: str
    score: float
    passage_id: str = ""
    highlights: tuple[tuple[int, int], ...] = field(default=())

    def to_dict(self) -> dict:
        data = asdict(self)
        data["highlights"] = [list(h) for h in self.highlights]
        return data


class Retriever(Protocol):
    name: str

    def search(self, question: str, k: int = 5, policies: Sequence[str] | None = None) -> list[Hit]: ...


def validate_query(index: PolicyIndex, question: str, k: int, policies: Sequence[str] | None) -> list[str] | None:
    """Check a query against the index; returns the policy ids to search (None: all).

    Raises ValueError naming the bad value: an empty question, k below 1, an unknown policy id.
    """
    if not question or not question.strip():
        raise ValueError("question is empty")
    if k < 1:
        raise ValueError(f"k must be >= 1, got {k}")
    if policies is None:
        return None
    wanted = list(dict.fromkeys(policies))
    unknown = [p for p in wanted if p not in index.policies]
    if unknown:
        raise ValueError(f"unknown policy id {', '.join(repr(u) for u in unknown)} "
                         f"(known: {', '.join(sorted(index.policies))})")
    return wanted


def make_hit(index: PolicyIndex, row: int, score: float) -> Hit:
    passage = index.passages[row]
    return Hit(policy=passage.policy, name=index.policies[passage.policy].name, section=passage.section,
               start=passage.start, end=passage.end, text=passage.text, score=float(score),
               passage_id=passage.id)


class DenseRetriever:
    """Cosine similarity between the question's and the passages' embeddings (FAISS inner product)."""

    name = "dense"

    def __init__(self, index: PolicyIndex, embedder: Embedder):
        self.index = index
        self.embedder = embedder

    def scores(self, question: str, rows: np.ndarray | None, depth: int) -> list[tuple[int, float]]:
        """The `depth` best (row, cosine) pairs among `rows` (None: all rows)."""
        import faiss

        vectors = self.index.vectors
        if vectors.ntotal == 0 or (rows is not None and len(rows) == 0):
            return []
        query = self.embedder.embed([question])
        depth = min(depth, vectors.ntotal if rows is None else len(rows))
        params = None if rows is None else faiss.SearchParameters(sel=faiss.IDSelectorBatch(rows))
        scores, ids = vectors.search(query, depth, params=params)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0]) if i >= 0]

    def search(self, question: str, k: int = 5, policies: Sequence[str] | None = None) -> list[Hit]:
        wanted = validate_query(self.index, question, k, policies)
        return [make_hit(self.index, row, score)
                for row, score in self.scores(question, self.index.rows_of(wanted), k)]

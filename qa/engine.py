"""The loaded product: an index, the model that embedded it, and its retrievers, opened once.

The CLI, the chat page and the evaluation all go through `Engine`, so they answer the same way.
"""

from __future__ import annotations

import os
from typing import Callable, Sequence

from qa.embedding import Embedder
from qa.retrieval import BM25Retriever, DenseRetriever, Hit, HybridRetriever, Retriever, Scorer
from qa.settings import ENV_MODEL, index_dir
from qa.store import PolicyIndex, load_index

RETRIEVERS = ("hybrid", "dense", "bm25")
DEFAULT_RETRIEVER = "hybrid"  # measured best: evals/README.md


class Engine:
    """An opened index with its embedder; retrievers are made on first use and kept."""

    def __init__(self, index: PolicyIndex, embedder: Embedder):
        self.index = index
        self.embedder = embedder
        self.scorer = Scorer(index, embedder)
        self._retrievers: dict[str, Retriever] = {}

    @classmethod
    def open(cls, folder: str | os.PathLike | None = None, model: str | None = None,
             embedder_factory: Callable[[str], Embedder] | None = None) -> "Engine":
        """Load the index (flag, $POLICYQA_INDEX or `index/`) and the model that built it.

        `model` (or $POLICYQA_MODEL) must match the index's model; without either the index's own is
        used. Raises IndexUnavailable or ModelLoadError with a one-line message.
        """
        requested = model or os.environ.get(ENV_MODEL)
        index = load_index(index_dir(folder), model=requested)
        if embedder_factory is None:
            from qa.embedding import load_embedder

            def embedder_factory(model_id: str) -> Embedder:
                # Questions run on the backend the passages were embedded with.
                return load_embedder(model_id, backend=index.manifest["model"].get("backend"))
        return cls(index, embedder_factory(index.manifest["model"]["id"]))

    def warm_up(self) -> None:
        """Build what retrieval otherwise builds on first use (the BM25 index), so no question pays for it."""
        self.scorer.bm25_scores("warm up")

    def forget_queries(self) -> None:
        """Drop cached question vectors (so a benchmark times the embedding of every question)."""
        self.scorer.forget_queries()

    @property
    def policies(self) -> dict:
        return self.index.policies

    def retriever(self, name: str = DEFAULT_RETRIEVER) -> Retriever:
        if name not in RETRIEVERS:
            raise ValueError(f"unknown retriever '{name}' (choose from {', '.join(RETRIEVERS)})")
        if name not in self._retrievers:
            kinds = {"dense": DenseRetriever, "bm25": BM25Retriever, "hybrid": HybridRetriever}
            self._retrievers[name] = kinds[name](self.scorer)
        return self._retrievers[name]

    def search(self, question: str, k: int = 5, policies: Sequence[str] | None = None,
               retriever: str = DEFAULT_RETRIEVER) -> list[Hit]:
        """The `k` best passages for `question`, restricted to `policies` (ids) when given."""
        return self.retriever(retriever).search(question, k=k, policies=policies)

    def rank(self, question: str, k: int = 10, policies: Sequence[str] | None = None,
             retriever: str = DEFAULT_RETRIEVER) -> list[Hit]:
        """The passages the product would cite, best first: what `policyqa eval` judges.

        Without `policies`, a question naming companies is routed to their policies; a question that
        spans several policies puts each policy's best passage first (policies in score order), as the
        answer shows one row per company, then the remaining passages by score.
        """
        from qa.answer import named_policies

        scope = list(policies) if policies is not None else (named_policies(question, self.policies) or None)
        hits = self.search(question, k=k, policies=scope, retriever=retriever)
        if scope is not None and len(scope) == 1:
            return hits
        per_policy: dict[str, Hit] = {}
        for policy_id in scope or self.policies:
            best = self.search(question, k=1, policies=[policy_id], retriever=retriever)
            if best:
                per_policy[policy_id] = best[0]
        leaders = sorted(per_policy.values(), key=lambda h: -h.score)
        leader_ids = {h.passage_id for h in leaders}
        return (leaders + [h for h in hits if h.passage_id not in leader_ids])[:k]

    def abstains(self, question: str, hits: Sequence[Hit], retriever: str = DEFAULT_RETRIEVER) -> bool:
        """Whether the product would say the policies do not address `question`, given its ranking."""
        from qa.answer import DEFAULT_ABSTAIN_BELOW

        return not hits or max(h.similarity for h in hits) < DEFAULT_ABSTAIN_BELOW

    def answer(self, question: str, k: int = 5, policies: Sequence[str] | None = None,
               retriever: str | None = None) -> "Answer":  # noqa: F821
        """Per-policy answers with highlighted, cited sentences, or "not stated" (see `qa.answer`)."""
        from qa.answer import build_answer

        return build_answer(self, question, k=k, policies=policies, retriever=retriever)


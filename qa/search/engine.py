"""The loaded product: an index, the model that embedded it, and its retrievers, opened once.

The CLI, the chat page and the evaluation all go through `Engine`, so they answer the same way.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import DEFAULT_RETRIEVER, ENV_MODEL, RETRIEVERS, RetrievalSettings, index_dir
from qa.embed.base import Embedder
from qa.embed.load import load_embedder
from qa.errors import QueryError
from qa.index.store import PolicyIndex, load_index
from qa.search.retrieval import BM25Retriever, DenseRetriever, Hit, HybridRetriever, Retriever, Scorer

if TYPE_CHECKING:  # imported where used: the answer path and the reranker are loaded on first use
    from qa.search.answer import Answer
    from qa.search.evidence import EvidenceReader
    from qa.search.practice import PracticeModel
    from qa.search.reranker import Reranker



def practice_reads(model: PracticeModel, embedder: Embedder) -> bool:
    """Whether `model` was trained on vectors of `embedder`'s model (same model id and dimension)."""
    trained_on = model.config.get("embedding", {}).get("model") if isinstance(model.config.get("embedding"), dict) \
        else model.config.get("embedding_model", model.config.get("model"))
    same_model = trained_on is None or Path(str(embedder.model_id)).name == Path(str(trained_on)).name
    return model.dimension == embedder.dimension and same_model


class Engine:
    """An opened index with its embedder; retrievers are made on first use and kept."""

    def __init__(self, index: PolicyIndex, embedder: Embedder, reranker: Reranker | None = None,
                 scorer: Scorer | None = None, settings: RetrievalSettings | None = None,
                 practice: str | PracticeModel | None = None):
        """`scorer` computes the retrieval scores (default: over the folder index's FAISS vectors and BM25);
        another store passes its own with the same methods. `settings` are the query-time knobs (default:
        `RetrievalSettings()`). `practice` is the practice model or its name ("none": none; default: the
        shipped one, or $POLICYQA_PRACTICE), loaded on first use."""
        self.index = index
        self.embedder = embedder
        self.reranker = reranker
        self.scorer = scorer if scorer is not None else Scorer(index, embedder)
        self.settings = settings or RetrievalSettings()
        self._retrievers: dict[str, Retriever] = {}
        self._practice = practice
        self._practice_loaded = not isinstance(practice, str | None)
        self._evidence: EvidenceReader | None = None

    def with_settings(self, settings: RetrievalSettings) -> Engine:
        """The same index, model, reranker and scorer (with its caches), answering with other `settings`."""
        engine = Engine(self.index, self.embedder, self.reranker, scorer=self.scorer, settings=settings)
        engine._practice, engine._practice_loaded, engine._evidence = (self._practice, self._practice_loaded,
                                                                       self._evidence)
        return engine

    @property
    def practice(self) -> PracticeModel | None:
        """The practice model (`qa.search.practice`), or None: turned off, not shipped, or made for vectors
        of another model than the index's (a fake embedder in tests, another sentence-transformers model)."""
        if not self._practice_loaded:
            from qa.search.practice import ENV_PRACTICE, load_practice_model, practice_folder

            name = self._practice if isinstance(self._practice, str) else None
            folder = practice_folder(name)
            # Not shipped (an older checkout, a trimmed install) and not asked for: answer without it.
            quiet = folder is None or (not folder.is_dir() and not name and not os.environ.get(ENV_PRACTICE))
            model = None if quiet else load_practice_model(name)
            self._practice = model if model is not None and practice_reads(model, self.embedder) else None
            self._practice_loaded = True
        return self._practice if not isinstance(self._practice, str) else None

    @property
    def evidence(self) -> EvidenceReader | None:
        """What each policy's sentences state (`qa.search.evidence`), kept per opened index; None without a
        practice model."""
        if self._evidence is None and self.practice is not None:
            from qa.search.evidence import EvidenceReader

            self._evidence = EvidenceReader(self.scorer, self.practice)
        return self._evidence

    @classmethod
    def open(cls, folder: str | os.PathLike | None = None, model: str | None = None,
             embedder_factory: Callable[[str], Embedder] | None = None, reranker: str | None = None,
             settings: RetrievalSettings | None = None, practice: str | PracticeModel | None = None) -> Engine:
        """Load the index (flag, $POLICYQA_INDEX or `index/`), the model that built it, and the reranker.

        `model` (or $POLICYQA_MODEL) must match the index's model; without either the index's own is
        used. `reranker` (or $POLICYQA_RERANKER) names a reranker folder, "none" for none; without
        either the shipped one. `practice`: see `Engine`. `embedder_factory(model id)` makes the embedder
        (default: `load_embedder` on the backend the index was built with; tests pass a fake). `settings`:
        see `RetrievalSettings`. Raises IndexUnavailable, ModelLoadError or RerankerUnavailable with a one-line message.
        """
        from qa.search.reranker import load_reranker

        requested = model or os.environ.get(ENV_MODEL)
        index = load_index(index_dir(folder), model=requested)
        if embedder_factory is None:
            def embedder_factory(model_id: str) -> Embedder:
                # Questions run on the backend the passages were embedded with.
                return load_embedder(model_id, backend=index.manifest["model"].get("backend"))
        engine = cls(index, embedder_factory(index.manifest["model"]["id"]), load_reranker(reranker), settings=settings,
                     practice=practice)
        # The index is millions of long-lived objects at 300,000 passages; each full pass of Python's cyclic
        # garbage collector over them paused a question for 100-150 ms (p95 23 -> 18 ms, `policyqa bench`).
        # Frozen, they are left out of those passes; they are still freed by reference counting when the
        # index is dropped (a reload after a rebuild), which is how this acyclic data is freed anyway.
        gc.freeze()
        return engine

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
            raise QueryError(f"unknown retriever '{name}' (choose from {', '.join(RETRIEVERS)})")
        if name not in self._retrievers:
            kinds: dict[str, type[DenseRetriever] | type[BM25Retriever] | type[HybridRetriever]] = {
                "dense": DenseRetriever, "bm25": BM25Retriever, "hybrid": HybridRetriever}
            self._retrievers[name] = kinds[name](self.scorer, self.settings)
        return self._retrievers[name]

    def refresh(self) -> None:
        """Before a question: an index that can lose its generation (the store's `PgIndex.refresh`) renews
        its hold on it, or reopens the current one, and then nothing derived from the old one is kept."""
        refresh = getattr(self.index, "refresh", None)
        if refresh is not None and refresh():
            self.scorer.forget_queries()
            self._retrievers.clear()

    def search(self, question: str, k: int = 5, policies: Sequence[str] | None = None,
               retriever: str = DEFAULT_RETRIEVER) -> list[Hit]:
        """The `k` best passages for `question`, restricted to `policies` (ids) when given."""
        self.refresh()
        return self.retriever(retriever).search(question, k=k, policies=policies)

    def answer(self, question: str, k: int = 5, policies: Sequence[str] | None = None,
               retriever: str | None = None, history: Sequence[Answer] = (),
               rerank: bool = True, practice: str | None = None, accepts=None) -> Answer:
        """Per-policy answers with highlighted, cited sentences and a verdict, or "not stated" (see
        `qa.search.answer`; `practice` and `accepts` are for the compare grid)."""
        from qa.search.answer import answer_question

        self.refresh()
        return answer_question(self, question, k=k, policies=policies, retriever=retriever, history=history,
                               rerank=rerank, practice=practice, accepts=accepts)

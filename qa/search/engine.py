"""The loaded product: an index, the model that embedded it, and its retrievers, opened once.

The CLI, the chat page and the evaluation all go through `Engine`, so they answer the same way.
"""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, Generic, TypeVar, cast

from qa.config import DEFAULT_RETRIEVER, ENV_MODEL, RETRIEVERS, RetrievalSettings, index_dir
from qa.embed.base import Embedder
from qa.errors import QueryError
from qa.index.base import IndexReader, IndexScorer
from qa.index.folder import Scorer
from qa.index.store import PolicyIndex
from qa.search.retrieval import BM25Retriever, DenseRetriever, HybridRetriever, Retriever
from qa.types import Hit

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


IndexT = TypeVar("IndexT", bound=IndexReader)


# `warm_up` reads the practices of a collection this small (the seed's 5 policies and 120 passages: about 1 s
# once, then read back from disk); a larger one is read by its build (`policyqa index build`).
WARM_POLICIES, WARM_PASSAGES = 50, 5_000
READ_AHEAD_STEP = 16  # policies read between two progress reports of `read_practices`


class Engine(Generic[IndexT]):
    """An opened index with its embedder; retrievers are made on first use and kept.

    Typed by its index: any backend's `IndexReader` (`qa.index.base`); `Engine.open` gives an
    `Engine[PolicyIndex]`, whose folder-only parts (vectors) a benchmark may read."""

    def __init__(self, index: IndexT, embedder: Embedder, reranker: Reranker | None = None,
                 scorer: IndexScorer | None = None, settings: RetrievalSettings | None = None,
                 practice: str | PracticeModel | None = None):
        """`index` and `scorer` are any backend's (`qa.index.base`; `open_engine` pairs
        them); without `scorer`, `index` must be a folder index, scored by `Scorer`. `settings` are the
        query-time knobs (default: `RetrievalSettings()`). `practice` is the practice model or its name
        ("none": none; default: the shipped one, or $POLICYQA_PRACTICE), loaded on first use."""
        self.index = index
        self.embedder = embedder
        self.reranker = reranker
        # Only a folder index comes without its scorer (tests, training and the bench make engines so).
        self.scorer: IndexScorer = scorer if scorer is not None else Scorer(cast(PolicyIndex, index), embedder)
        self.settings = settings or RetrievalSettings()
        self._retrievers: dict[str, Retriever] = {}
        self._practice = practice
        self._practice_loaded = not isinstance(practice, str | None)
        self._evidence: EvidenceReader | None = None

    def with_settings(self, settings: RetrievalSettings) -> Engine[IndexT]:
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

            self._evidence = EvidenceReader(self.scorer, self.practice,
                                            text_of=lambda policy_id: self.policies[policy_id].text)
        return self._evidence

    @classmethod
    def open(cls, folder: str | os.PathLike | None = None, model: str | None = None,
             embedder_factory: Callable[[str], Embedder] | None = None, reranker: str | None = None,
             settings: RetrievalSettings | None = None, practice: str | PracticeModel | None = None,
             ) -> Engine[PolicyIndex]:
        """Load the index folder (flag, $POLICYQA_INDEX or `index/`; never $POLICYQA_STORE), the model that
        built it, and the reranker: `open_engine` on that folder (see it for the arguments).
        Raises IndexUnavailable, ModelLoadError or RerankerUnavailable with a one-line message.
        """
        engine = open_engine(index_dir(folder), model=model, embedder_factory=embedder_factory, reranker=reranker,
                             settings=settings, practice=practice)
        return cast("Engine[PolicyIndex]", engine)  # a folder location opens a PolicyIndex

    def warm_up(self) -> None:
        """Build what retrieval otherwise builds on first use (the BM25 index), so no question pays for it;
        with a practice model that reads text, what it reads in a small collection (WARM_POLICIES,
        WARM_PASSAGES; encoded once, then kept on disk: `PracticeModel.encode_cached`)."""
        self.scorer.bm25_scores("warm up", depth=1)
        passages = int((getattr(self.index, "manifest", None) or {}).get("passage_count", 0))
        if len(self.policies) <= WARM_POLICIES and passages <= WARM_PASSAGES:
            self.read_practices()

    def read_practices(self, progress=None) -> None:
        """Encode what a practice model that reads text reads in every policy (after a build, so that no
        question pays for it); `progress(done, total)` after each batch. Nothing to do for other models."""
        practice, evidence = self.practice, self.evidence
        if practice is None or not practice.reads_text or evidence is None:
            return
        policies = sorted(self.policies)
        for first in range(0, len(policies), READ_AHEAD_STEP):
            evidence.read(policies[first:first + READ_AHEAD_STEP])
            if progress is not None:
                progress(min(first + READ_AHEAD_STEP, len(policies)), len(policies))

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
        if self.index.refresh():
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


def open_engine(location: str | os.PathLike | None = None, *, model: str | None = None,
                embedder_factory: Callable[[str], Embedder] | None = None,
                embedder_loader: Callable[[str, str | None], Embedder] | None = None, reranker: str | None = None,
                settings: RetrievalSettings | None = None, practice: str | PracticeModel | None = None,
                **options: Any) -> Engine:
    """An Engine over the index at `location` (None: `locate()`), with the model that built it and the reranker.

    `model` (or $POLICYQA_MODEL) must match the index's model; without either the index's own is used.
    `embedder_factory(model id)` makes the embedder (tests pass a fake); else `embedder_loader(model id,
    runtime)` on the runtime the index was built with (default `qa.embed.load.load_embedder`; the chat
    passes its cached one, so a reopened index keeps the model). `reranker`, `settings`, `practice`: see
    `Engine`. `options` go to the backend (the store's `schema`). Raises IndexUnavailable, StoreError, ModelLoadError or
    RerankerUnavailable with a one-line message.
    """
    from qa.index.open import locate, open_index
    from qa.search.reranker import load_reranker

    opened = open_index(locate() if location is None else location,
                        model=model or os.environ.get(ENV_MODEL), **options)
    index = opened.index
    if embedder_factory is None:
        from qa.embed.load import load_embedder

        load: Callable[[str, str | None], Embedder] = embedder_loader or load_embedder

        def embedder_factory(model_id: str) -> Embedder:
            # Questions run on the backend the passages were embedded with.
            return load(model_id, index.manifest["model"].get("backend"))
    embedder = embedder_factory(index.manifest["model"]["id"])
    engine = Engine(index, embedder, load_reranker(reranker), scorer=opened.scorer(embedder), settings=settings,
                    practice=practice)
    if opened.freeze:
        # A folder index at 300,000 passages is millions of long-lived objects; each full pass of Python's
        # cyclic garbage collector over them paused a question for 100-150 ms (p95 23 -> 18 ms, `policyqa
        # bench`). Frozen, they are left out of those passes; they are still freed by reference counting
        # when the index is dropped (a reload after a rebuild), which is how this acyclic data is freed anyway.
        gc.freeze()
    return engine

"""Bench phase: a synthetic corpus indexed and saved as a build would; its approximate index's recall."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from qa.bench.corpus import SYNTHETIC_SEED, synthetic_corpus
from qa.bench.measure import folder_bytes, peak_rss_mb, say
from qa.eval.datasets import question_texts

if TYPE_CHECKING:
    import numpy as np


def task_synthetic_build(seed_index: str, size: int, folder: str, questions_file: str, embedder=None,
                         companies: int = 0) -> dict:
    """Make a synthetic corpus of `size` passages, index and save it into `folder`; recall of its index
    for real questions.

    `embedder` embeds the questions (default: the product's embedder for the seed index's model);
    `companies`: spread the passages over that many policies (`synthetic_corpus`; 0: the seed's five).
    """
    import numpy as np

    from qa.embed.load import load_embedder
    from qa.index.store import PolicyIndex, load_index, make_manifest, save_index
    from qa.index.vectors import VectorIndex

    seed = load_index(Path(seed_index))
    rng = np.random.default_rng(SYNTHETIC_SEED)
    started = time.perf_counter()
    policies, passages, sentences, passage_vectors, sentence_vectors = synthetic_corpus(seed, size, rng, companies)
    generate_s = time.perf_counter() - started
    say(f"{size} passages, {len(sentences)} sentences generated in {generate_s:.1f} s; indexing")
    started = time.perf_counter()
    vectors = VectorIndex.build(passage_vectors)
    passages_index_s = time.perf_counter() - started
    started = time.perf_counter()
    sentence_index = VectorIndex.build(sentence_vectors)
    sentences_index_s = time.perf_counter() - started
    kind, sentence_kind = vectors.description, sentence_index.description
    manifest = make_manifest(seed.settings, seed.manifest["model"]["dimension"], list(policies.values()),
                             passages, len(sentences), time.strftime("%Y-%m-%dT%H:%M:%S"),
                             passages_index_s + sentences_index_s, kind, sentence_index=sentence_kind)
    index = PolicyIndex(path=None, manifest=manifest, policies=policies, passages=passages, vectors=vectors,
                        sentences=sentences, sentence_vectors=sentence_index)
    say(f"passages: {kind} in {passages_index_s:.1f} s; sentences: {sentence_kind} in {sentences_index_s:.1f} s; "
        "saving")
    started = time.perf_counter()
    save_index(index, Path(folder))
    save_s = time.perf_counter() - started
    embedder = embedder or load_embedder(seed.manifest["model"]["id"])
    queries = embedder.embed_query(question_texts(Path(questions_file)))
    first_policy = min(policies)
    scope = np.array([row for row, p in enumerate(passages) if p.policy == first_policy], dtype=np.int64)
    sentence_scope = np.flatnonzero(np.isin(sentences[:, 0], scope))
    recall = {
        "passages": _recall(vectors, passage_vectors, queries),
        "sentences": _recall(sentence_index, sentence_vectors, queries),
        "passages_one_policy": _recall(vectors, passage_vectors, queries, scope),
        "sentences_one_policy": _recall(sentence_index, sentence_vectors, queries, sentence_scope),
    }
    return {"size": size, "policies": len(policies), "sentences": len(sentences), "generate_s": round(generate_s, 3),
            "faiss_index": kind, "sentence_index": sentence_kind,
            "index_passages_s": round(passages_index_s, 3), "index_sentences_s": round(sentences_index_s, 3),
            "save_s": round(save_s, 3), "disk_bytes": folder_bytes(Path(folder)), "recall_at_10": recall,
            "peak_rss_mb": peak_rss_mb()}


def _recall(index, vectors: np.ndarray, queries: np.ndarray, scope: np.ndarray | None = None, k: int = 10) -> float:
    """Mean recall@k of `index` against exact search over `vectors` (both restricted to rows `scope`, as a
    routed question restricts its search)."""
    # The exact top-k and recall are the ones the build tunes nprobe with.
    from qa.index.vectors import exact_top, recall_at_k

    exact = exact_top(vectors, queries, k) if scope is None else scope[exact_top(vectors[scope], queries, k)]
    _, found = index.search(queries, k, scope)
    return round(recall_at_k(found, exact, k), 4)

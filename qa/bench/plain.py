"""The plain pipeline policyqa is compared with: sentence-transformers on PyTorch and an exact FAISS index."""

from __future__ import annotations

import os
import time

from qa.bench.measure import summary_ms


def sentence_transformer(model_id: str):
    """The plain baseline's model: sentence-transformers on PyTorch, as a plain pipeline loads it."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    from qa.embed.base import resolve_model_path

    hf_logging.disable_progress_bar()
    return SentenceTransformer(resolve_model_path(model_id), device="cpu")


def plain_encode(model_id: str, texts: list[str], passages: int) -> dict:
    """`SentenceTransformer.encode` of `texts` (a build's passages and sentences) with its defaults;
    throughput in texts and in `passages` per second."""
    model = sentence_transformer(model_id)
    model.encode(texts[:8])
    started = time.perf_counter()
    model.encode(texts, normalize_embeddings=True, show_progress_bar=False)  # its defaults: batches of 32
    encode_s = time.perf_counter() - started
    return {"texts": len(texts), "seconds": round(encode_s, 3), "texts_per_s": round(len(texts) / encode_s, 2),
            "passages_per_s": round(passages / encode_s, 2) if passages else None}


def plain_latency(engine, questions: list[str], timed_seconds: float) -> dict:
    """Per question: PyTorch embeds it, an exact flat index over the engine's passage vectors searches top-5.

    Stops after `timed_seconds` and summarises the questions timed so far.
    """
    import faiss

    model = sentence_transformer(engine.index.manifest["model"]["id"])
    flat = faiss.IndexFlatIP(engine.index.vectors.d)
    flat.add(engine.index.vectors.reconstruct_n(0, engine.index.vectors.ntotal))
    for q in questions[:5]:
        flat.search(model.encode([q], normalize_embeddings=True), 5)
    total, search = [], []
    deadline = time.perf_counter() + timed_seconds
    for q in questions:
        t = time.perf_counter()
        query = model.encode([q], normalize_embeddings=True, convert_to_numpy=True)
        t_search = time.perf_counter()
        flat.search(query, 5)
        done = time.perf_counter()
        total.append((done - t) * 1000)
        search.append((done - t_search) * 1000)
        if time.perf_counter() > deadline:
            break
    return {"answer_ms": summary_ms(total), "flat_search_ms": summary_ms(search)}

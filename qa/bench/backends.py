"""Bench phase: each embedding backend on the seed policies, beside the plain `SentenceTransformer.encode`."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING

from qa.bench.measure import say, summary_ms
from qa.bench.plain import plain_encode
from qa.eval.datasets import question_texts

if TYPE_CHECKING:
    from qa.index.store import PolicyIndex

QUALITY = ("hit@1", "hit@3", "hit@5", "recall@5", "mrr@10", "ndcg@10", "abstain_unanswerable")


def task_backends(policies: str, questions_file: str, work: str, backends: list[str]) -> dict:
    """Full seed builds (into `work`/seed-BACKEND), question embedding and golden quality per backend;
    then the plain encode of the same texts."""
    from qa.config import BuildSettings
    from qa.embed.base import DEFAULT_BACKEND
    from qa.embed.sentence import SentenceEmbedder

    settings = BuildSettings()
    questions = question_texts(Path(questions_file))
    out: dict = {"default_backend": DEFAULT_BACKEND, "backends": {}}
    texts: list[str] = []
    passages = 0
    for backend in backends:
        say(f"backend {backend}: loading")
        started = time.perf_counter()
        embedder = SentenceEmbedder(settings.model, backend=backend)
        load_s = time.perf_counter() - started
        if embedder.backend != backend:
            out["backends"][backend] = {"unavailable": f"fell back to {embedder.backend}"}
            continue
        measured, index = _measure_backend(embedder, Path(policies), Path(work) / f"seed-{backend}",
                                           Path(questions_file), questions, settings)
        out["backends"][backend] = {"load_s": round(load_s, 3), **measured}
        if not texts:
            passages, texts = len(index.passages), _embedded_texts(index, settings)
        del embedder, index  # one model loaded at a time
    say("plain baseline: SentenceTransformer.encode of the same texts")
    out["plain_encode"] = plain_encode(settings.model, texts, passages)
    return out


def _measure_backend(embedder, policies: Path, folder: Path, questions_file: Path, questions: list[str],
                     settings) -> tuple[dict, PolicyIndex]:
    """One backend's full build into `folder`, question embedding and golden quality; and the built index."""
    from qa.eval.datasets import load_golden
    from qa.eval.evaluation import evaluate
    from qa.index.build import build_index
    from qa.search.engine import Engine

    say(f"backend {embedder.backend}: full build of the seed index")
    report = build_index(policies, folder, settings, lambda: embedder, full=True)
    index = report.index
    assert index is not None  # a build that returns has written its index
    for q in questions[:5]:
        embedder.embed_query([q])
    embed_ms = []
    for q in questions:
        t = time.perf_counter()
        embedder.embed_query([q])
        embed_ms.append((time.perf_counter() - t) * 1000)
    engine = Engine(index, embedder)
    golden, _ = load_golden(questions_file, engine.policies)
    runs, _ = evaluate(engine, golden, ["hybrid"], 5)
    quality = {k: None if v is None else round(v, 4) for k, v in runs[0].metrics(5).items() if k in QUALITY}
    return {"build_s": round(report.seconds, 3), "passages": report.passages, "texts_embedded": report.embedded,
            "passages_per_s": round(report.passages / report.seconds, 2),
            "texts_per_s": round(report.embedded / report.seconds, 2),
            "query_embedding_ms": summary_ms(embed_ms), "golden_hybrid": quality, "index": str(folder)}, index


def _embedded_texts(index, settings) -> list[str]:
    """The texts a full build embeds: every passage, then every sentence, as the build words them."""
    from qa.index.pipeline import embedding_text, sentence_embedding_text

    texts = [embedding_text(index.policies[p.policy], p, settings) for p in index.passages]
    return texts + [sentence_embedding_text(index.policies[index.passages[row].policy], index.passages[row],
                                            (start, end), settings) for row, start, end in index.sentences.tolist()]

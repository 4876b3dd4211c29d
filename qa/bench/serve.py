"""Bench phase: serving an index (seed or synthetic) as the product opens it; warm latency per question."""

from __future__ import annotations

import time
from pathlib import Path

from qa.bench.measure import peak_rss_mb, say, summary_ms
from qa.bench.plain import plain_latency
from qa.eval.datasets import question_texts

TIMED_SECONDS = 120.0  # a latency run stops after this long and reports the questions it timed
# Questions that name no company: what the chat does when asked across every policy (issue 25).
UNROUTED = ("Which companies sell my personal data?", "Who keeps my data the longest?",
            "Which policies let me delete my account?", "Do they share my location with advertisers?",
            "Which companies use cookies for advertising?")


def task_serve(index: str, questions_file: str, baseline: bool = True, embedder_factory=None) -> dict:
    """Open the index as the product does; warm latency end to end and of bare FAISS; then the baseline.

    `embedder_factory` (model id -> Embedder; default the product's) is for tests.
    """
    import faiss

    from qa.search.engine import Engine
    from qa.search.names import match_names

    questions = question_texts(Path(questions_file))
    started = time.perf_counter()
    engine = Engine.open(index, embedder_factory=embedder_factory)
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    engine.warm_up()
    engine.answer(questions[0])
    warm_up_s = time.perf_counter() - started
    manifest = engine.index.manifest
    say(f"serving {manifest['passage_count']} passages: opened in {open_s:.1f} s, "
        f"first answer after {warm_up_s:.1f} s more; timing {len(questions)} questions")
    for q in questions[:10]:
        engine.answer(q)
    answer_ms = _answer_ms(engine, questions, TIMED_SECONDS)
    no_rerank_ms: list[float] = []
    if engine.reranker is not None:  # the same questions without the reranker: what trust costs
        no_rerank_ms = _answer_ms(engine, questions[:len(answer_ms)], rerank=False)
    passage_ms, sentence_ms = _bare_faiss_ms(engine, questions)
    unrouted = unrouted_timings(engine)
    routed = [q for q in questions if len(match_names(q, engine.policies).policies) == 1]
    unrouted.update(routed_timings(engine, routed, TIMED_SECONDS / 4))
    result = {"passages": manifest["passage_count"], "sentences": manifest["sentence_count"],
              "faiss_index": manifest["faiss_index"], "sentence_index": engine.index.sentence_vectors.description,
              "backend": getattr(engine.embedder, "backend", "unknown"),
              "open_s": round(open_s, 3), "first_answer_s": round(warm_up_s, 3),
              "answer_ms": summary_ms(answer_ms), "questions_timed": len(answer_ms),
              "reranker": engine.reranker.name if engine.reranker is not None else None,
              "answer_no_rerank_ms": summary_ms(no_rerank_ms) if no_rerank_ms else None,
              "faiss_passages_ms": summary_ms(passage_ms), "faiss_sentences_ms": summary_ms(sentence_ms),
              **unrouted, "peak_rss_mb": peak_rss_mb(), "faiss_threads": faiss.omp_get_max_threads()}
    if baseline:
        result["plain"] = plain_latency(engine, questions, TIMED_SECONDS)
    return result


def _answer_ms(engine, questions: list[str], seconds: float | None = None, **options) -> list[float]:
    """Milliseconds of `engine.answer(question, **options)` per question, each paying for its embedding;
    stops after `seconds` when given."""
    timings: list[float] = []
    deadline = None if seconds is None else time.perf_counter() + seconds
    for q in questions:
        engine.forget_queries()
        t = time.perf_counter()
        engine.answer(q, **options)
        timings.append((time.perf_counter() - t) * 1000)
        if deadline is not None and time.perf_counter() > deadline:
            break
    return timings


def _answer_new_then_warm(engine, question: str, new: list[float], warm: list[float]) -> None:
    """Time `Engine.answer(question)` with its vector forgotten (appended to `new`), then again (`warm`), in ms."""
    engine.forget_queries()
    t = time.perf_counter()
    engine.answer(question)
    new.append((time.perf_counter() - t) * 1000)
    t = time.perf_counter()
    engine.answer(question)
    warm.append((time.perf_counter() - t) * 1000)


def unrouted_timings(engine) -> dict:
    """Questions naming no company, as the chat asks them: routing alone, `Engine.search` over every policy,
    and `Engine.answer` (reranking and verdicts included) the first time each is asked (its embedding and
    every policy's candidates new) and again (warm)."""
    from qa.search.names import match_names

    routing: list[float] = []
    search: list[float] = []
    cold: list[float] = []
    warm: list[float] = []
    for q in UNROUTED:
        t = time.perf_counter()
        match_names(q, engine.policies)
        routing.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        engine.search(q, k=5)
        search.append((time.perf_counter() - t) * 1000)
    for q in UNROUTED:
        _answer_new_then_warm(engine, q, cold, warm)
    return {"policies": len(engine.policies), "routing_ms": summary_ms(routing), "search_all_ms": summary_ms(search),
            "answer_unrouted_new_ms": summary_ms(cold), "answer_unrouted_warm_ms": summary_ms(warm)}


def routed_timings(engine, questions: list[str], seconds: float = TIMED_SECONDS / 2) -> dict:
    """Questions naming one company (`questions`, each routed to one policy), as the chat asks them:
    `Engine.search` over that policy, and `Engine.answer` the first time each is asked and again (warm);
    stops after `seconds`."""
    from qa.search.names import match_names

    search: list[float] = []
    cold: list[float] = []
    warm: list[float] = []
    deadline = time.perf_counter() + seconds
    for q in questions:
        named = list(match_names(q, engine.policies).policies)
        t = time.perf_counter()
        engine.search(q, k=5, policies=named)
        search.append((time.perf_counter() - t) * 1000)
        _answer_new_then_warm(engine, q, cold, warm)
        if time.perf_counter() > deadline:
            break
    return {"search_routed_ms": summary_ms(search), "answer_routed_new_ms": summary_ms(cold),
            "answer_routed_warm_ms": summary_ms(warm)}


def _bare_faiss_ms(engine, questions: list[str]) -> tuple[list[float], list[float]]:
    """Milliseconds of one unrestricted top-10 search of the passage index and of the sentence index."""
    vectors = engine.embedder.embed_query(questions)
    passage_ms, sentence_ms = [], []
    for row in range(len(vectors)):
        query = vectors[row:row + 1]
        t = time.perf_counter()
        engine.index.vectors.search(query, 10)
        passage_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        engine.index.sentence_vectors.search(query, 10)
        sentence_ms.append((time.perf_counter() - t) * 1000)
    return passage_ms, sentence_ms



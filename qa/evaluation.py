"""Running an evaluation: every question through every retriever, judged against its evidence.

The same `Engine` the product answers with does the retrieving and the abstaining, so the numbers are
the product's numbers. Ctrl-C stops the run and keeps what was measured.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from statistics import fmean
from typing import Callable, Sequence

from qa.datasets import EvalQuestion, Evidence, is_relevant
from qa.metrics import Judged, first_hit_rank, percentile, retrieval_metrics
from qa.retrieval import Hit

RANK_DEPTH = 10  # MRR@10 and nDCG@10 need ten passages whatever k is


@dataclass(frozen=True)
class QuestionResult:
    question: EvalQuestion
    hits: tuple[Hit, ...]
    abstained: bool
    latency_ms: float
    judged: Judged | None  # None for unanswerable questions

    @property
    def rank(self) -> int | None:
        return first_hit_rank(self.judged) if self.judged else None


@dataclass
class RetrieverRun:
    name: str
    results: list[QuestionResult] = field(default_factory=list)

    def metrics(self, k: int) -> dict[str, float | int | None]:
        answerable = [r for r in self.results if r.judged is not None]
        unanswerable = [r for r in self.results if r.judged is None]
        values: dict[str, float | int | None] = {"questions": len(self.results), "answerable": len(answerable)}
        values.update(retrieval_metrics([r.judged for r in answerable], k) if answerable else {})
        values["abstain_unanswerable"] = fmean(r.abstained for r in unanswerable) if unanswerable else None
        values["abstain_answerable"] = fmean(r.abstained for r in answerable) if answerable else None
        lengths = [h.end - h.start for r in self.results for h in r.hits[:k]]
        values["passage_chars"] = fmean(lengths) if lengths else None
        latencies = [r.latency_ms for r in self.results]
        values["latency_p50_ms"] = percentile(latencies, 50)
        values["latency_p95_ms"] = percentile(latencies, 95)
        return values


def judge(hits: Sequence[Hit], evidence: Sequence[Evidence], relevant: frozenset[str], qid: str) -> Judged:
    covers = tuple(frozenset(i for i, e in enumerate(evidence) if is_relevant(h.policy, h.start, h.end, e))
                   for h in hits)
    return Judged(qid=qid, ranking=tuple(h.passage_id for h in hits), covers=covers, relevant=relevant,
                  answers=len(evidence))


def relevant_passages(engine, question: EvalQuestion) -> frozenset[str]:
    """Every passage in the index relevant to some evidence of `question`."""
    return frozenset(p.id for p in engine.index.passages for e in question.evidence
                     if is_relevant(p.policy, p.start, p.end, e))


def evaluate(engine, questions: Sequence[EvalQuestion], retrievers: Sequence[str], k: int,
             progress: Callable[[], None] | None = None) -> tuple[list[RetrieverRun], bool]:
    """Ask every question of every retriever; returns the runs and whether Ctrl-C cut the run short.

    Questions go in the outer loop so an interrupted run still compares retrievers on the same questions.
    """
    runs = [RetrieverRun(name) for name in retrievers]
    depth = max(k, RANK_DEPTH)
    engine.warm_up()
    try:
        for question in questions:
            scope = [question.policy] if question.policy else None
            relevant = relevant_passages(engine, question)
            for run in runs:
                engine.forget_queries()  # each retriever pays for embedding the question
                started = time.perf_counter()
                hits = engine.rank(question.question, k=depth, policies=scope, retriever=run.name)
                abstained = engine.abstains(question.question, hits, retriever=run.name)
                latency = (time.perf_counter() - started) * 1000
                judged = judge(hits, question.evidence, relevant, question.id) if question.answerable else None
                run.results.append(QuestionResult(question, tuple(hits), abstained, latency, judged))
                if progress:
                    progress()
    except KeyboardInterrupt:
        shortest = min(len(r.results) for r in runs)
        for run in runs:
            del run.results[shortest:]
        return runs, True
    return runs, False


def worst_questions(run: RetrieverRun, count: int) -> list[QuestionResult]:
    """Answerable questions whose evidence ranked worst (not found first), then wrongly handled unanswerables."""
    answerable = [r for r in run.results if r.judged is not None]
    missed = sorted(answerable, key=lambda r: (-(r.rank or 10_000), r.question.id))
    missed = [r for r in missed if r.rank != 1]
    wrongly_answered = [r for r in run.results if r.judged is None and not r.abstained]
    return (missed + wrongly_answered)[:count]

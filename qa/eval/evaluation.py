"""Running an evaluation: every question through the answer path, judged against its evidence.

What is judged is the `Answer` that `policyqa ask` and the chat show (routing, follow-ups, reranking and
"not stated" included), so the numbers are the product's numbers. Ctrl-C stops the run and keeps what
was measured.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from statistics import fmean
from typing import TYPE_CHECKING

from qa.eval.datasets import EvalQuestion, Evidence, is_relevant
from qa.eval.metrics import Judged, first_hit_rank, percentile, retrieval_metrics
from qa.search.retrieval import Hit

if TYPE_CHECKING:
    from qa.search.answer import Answer

RANK_DEPTH = 10  # MRR@10 and nDCG@10 need ten passages whatever k is


@dataclass(frozen=True)
class QuestionResult:
    question: EvalQuestion
    hits: tuple[Hit, ...]  # the answer's passages as shown; empty when every policy was "not stated"
    abstained: bool
    latency_ms: float
    judged: Judged | None  # None for unanswerable questions
    retrieval: Judged | None = None  # the same ranking with "not stated" rows' passages kept
    answer: Answer | None = None

    @property
    def rank(self) -> int | None:
        return first_hit_rank(self.judged) if self.judged else None


@dataclass
class RetrieverRun:
    """One system measured: a first-stage retriever, with or without the reranker, on the answer path."""

    name: str
    results: list[QuestionResult] = field(default_factory=list)

    @property
    def retriever(self) -> str:
        return self.name.split("+")[0]

    @property
    def rerank(self) -> bool:
        return self.name.endswith("+rerank")

    def metrics(self, k: int) -> dict[str, float | int | None]:
        """Answer metrics (a wrongly "not stated" question is a miss at every k), then, prefixed
        `retrieval_`, the same ranking judged as if nothing had been abstained on."""
        answerable = [r for r in self.results if r.judged is not None]
        unanswerable = [r for r in self.results if r.judged is None]
        values: dict[str, float | int | None] = {"questions": len(self.results), "answerable": len(answerable)}
        judged = [r.judged for r in answerable if r.judged is not None]  # all of them: answerable means judged
        values.update(retrieval_metrics(judged, k) if answerable else {})
        if answerable and all(r.retrieval is not None for r in answerable):
            values.update({f"retrieval_{key}": value for key, value
                           in retrieval_metrics([r.retrieval for r in answerable if r.retrieval is not None],
                                                k).items()})
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


def run_names(retrievers: Sequence[str], reranker_loaded: bool) -> list[str]:
    """System names to measure: each retriever with the reranker (when loaded) and without."""
    names = []
    for retriever in retrievers:
        if reranker_loaded:
            names.append(f"{retriever}+rerank")
        names.append(retriever)
    return names


def evaluate(engine, questions: Sequence[EvalQuestion], systems: Sequence[str], k: int,
             progress: Callable[[], None] | None = None) -> tuple[list[RetrieverRun], bool]:
    """Ask every question of every system on the answer path (`Engine.answer`, what users see); returns
    the runs and whether Ctrl-C cut the run short.

    A question is asked as a user would: routed by the names in it, or restricted to its policy when the
    dataset says the user chose it (`EvalQuestion.scoped`, as for PolicyQA). Questions of one
    `conversation` are asked in file order, each with the earlier answers of that system as history.
    Questions go in the outer loop so an interrupted run still compares systems on the same questions.
    """
    runs = [RetrieverRun(name) for name in systems]
    depth = max(k, RANK_DEPTH)
    engine.warm_up()
    histories: dict[tuple[str, str], list] = {}
    try:
        for question in questions:
            scope = [question.policy] if question.scoped and question.policy else None
            relevant = relevant_passages(engine, question)
            for run in runs:
                history = histories.setdefault((run.name, question.conversation), []) if question.conversation else []
                engine.forget_queries()  # each system pays for embedding the question
                started = time.perf_counter()
                answer = engine.answer(question.question, k=depth, policies=scope, retriever=run.retriever,
                                       history=history, rerank=run.rerank)
                latency = (time.perf_counter() - started) * 1000
                if question.conversation:
                    history.append(answer)
                shown = answer.ranking()
                judged = judge(shown, question.evidence, relevant, question.id) if question.answerable else None
                retrieval = (judge(answer.ranking(include_abstained=True), question.evidence, relevant, question.id)
                             if question.answerable else None)
                run.results.append(QuestionResult(question, tuple(shown), answer.abstained, latency, judged,
                                                  retrieval, answer))
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

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
from qa.eval.literal import LiteralCase, key_terms, literal_case
from qa.eval.metrics import Judged, bootstrap_interval, first_hit_rank, percentile, retrieval_values
from qa.search.verdict import NOT_STATED, VERDICTS
from qa.types import Hit

if TYPE_CHECKING:
    from qa.search.answer import Answer

RANK_DEPTH = 10  # MRR@10 and nDCG@10 need ten passages whatever k is
LITERAL_AT = 5  # literal_kept@5
NO_SINGLE_POLICY = "(no single policy)"  # the bootstrap cluster of multi-company and unindexed-company questions


def cluster_of(question: EvalQuestion) -> str:
    """The cluster a bootstrap resamples: the question's policy; questions of no single policy form one more."""
    return question.policy or NO_SINGLE_POLICY


@dataclass(frozen=True)
class QuestionResult:
    question: EvalQuestion
    hits: tuple[Hit, ...]  # the answer's passages as shown; empty when every policy was "not stated"
    abstained: bool
    latency_ms: float
    judged: Judged | None  # None for unanswerable questions
    retrieval: Judged | None = None  # the same ranking with "not stated" rows' passages kept
    answer: Answer | None = None
    key_terms: tuple[str, ...] = ()  # the question's content words (qa.eval.literal)

    @property
    def rank(self) -> int | None:
        return first_hit_rank(self.judged) if self.judged else None


@dataclass(frozen=True)
class VerdictCell:
    """One gold verdict (a question × policy) against the answer's row for that policy.

    `quote_right`: for a stated gold verdict (yes / no / stated), the row's first quote overlaps a gold
    quote of that policy, where the policy writes it (any of the places it repeats the same words); for a gold
    "not stated", True. A policy with no row (not searched) is "not stated".
    """

    qid: str
    policy: str
    gold: str
    predicted: str
    quote_right: bool

    @property
    def right(self) -> bool:
        return self.predicted == self.gold and self.quote_right


def verdict_cells(result: QuestionResult) -> list[VerdictCell]:
    """The question's gold verdicts judged against its answer (none without gold verdicts or an answer)."""
    question, answer = result.question, result.answer
    if answer is None:
        return []
    cells = []
    for policy, gold in question.verdicts:
        row = next((r for r in answer.rows if r.policy == policy), None)
        predicted = row.verdict if row is not None else NOT_STATED
        quote_right = True
        if gold != NOT_STATED:
            first = row.quotes[0] if row is not None and row.quotes else None
            quote_right = first is not None and any(e.overlaps(policy, first.start, first.end)
                                                    for e in question.evidence)
        cells.append(VerdictCell(question.id, policy, gold, predicted, quote_right))
    return cells


@dataclass
class RetrieverRun:
    """One system measured: a first-stage retriever, with or without the reranker, on the answer path.

    `first_stage`: for a `+rerank` system, the run of its retriever alone on the same questions, when
    measured (literal_kept compares the two).
    """

    name: str
    results: list[QuestionResult] = field(default_factory=list)
    first_stage: RetrieverRun | None = field(default=None, repr=False)

    def part(self, split: str) -> RetrieverRun:
        """The same run restricted to the questions of one golden split ("dev" or "test")."""
        return RetrieverRun(self.name, [r for r in self.results if r.question.split == split],
                            self.first_stage.part(split) if self.first_stage is not None else None)

    def verdict_cells(self) -> list[VerdictCell]:
        return [cell for r in self.results for cell in verdict_cells(r)]

    def verdict_confusion(self) -> dict[str, dict[str, int]]:
        """Counts of gold verdict -> predicted verdict over every gold verdict (rows: gold)."""
        table = {gold: dict.fromkeys(VERDICTS, 0) for gold in VERDICTS}
        for cell in self.verdict_cells():
            table[cell.gold][cell.predicted] = table[cell.gold].get(cell.predicted, 0) + 1
        return {gold: counts for gold, counts in table.items() if any(counts.values())}

    def literal_cases(self) -> list[LiteralCase]:
        """Questions whose first stage ranked a literal answer first (empty without a first-stage run)."""
        if self.first_stage is None:
            return []
        first = {r.question.id: r for r in self.first_stage.results}
        cases = []
        for result in self.results:
            base = first.get(result.question.id)
            if base is None or not result.question.answerable or base.answer is None:
                continue
            case = literal_case(result.question.id, cluster_of(result.question),
                                base.answer.ranking(include_abstained=True), result.hits,
                                result.question.evidence, result.key_terms)
            if case is not None:
                cases.append(case)
        return cases

    @property
    def retriever(self) -> str:
        return self.name.split("+")[0]

    @property
    def rerank(self) -> bool:
        return self.name.endswith("+rerank")

    def metrics(self, k: int) -> dict:
        """Answer metrics (a wrongly "not stated" question is a miss at every k), then, prefixed
        `retrieval_`, the same ranking judged as if nothing had been abstained on; "not stated" rates;
        verdict accuracy; literal_kept. Under "ci95", each mean's 95% interval, bootstrapped by policy
        (`qa.eval.metrics.bootstrap_interval`)."""
        answerable = [r for r in self.results if r.judged is not None]
        unanswerable = [r for r in self.results if r.judged is None]
        values: dict = {"questions": len(self.results), "answerable": len(answerable)}
        per: dict[str, tuple[list[float], list[str]]] = {}  # metric -> per-question values, their clusters
        answer_clusters = [cluster_of(r.question) for r in answerable]
        if answerable:
            for key, got in retrieval_values([r.judged for r in answerable if r.judged is not None], k).items():
                per[key] = (got, answer_clusters)
        if answerable and all(r.retrieval is not None for r in answerable):
            for key, got in retrieval_values([r.retrieval for r in answerable if r.retrieval is not None], k).items():
                per[f"retrieval_{key}"] = (got, answer_clusters)
        unaddressed = [r for r in unanswerable if not r.question.not_indexed]
        unindexed = [r for r in unanswerable if r.question.not_indexed]
        for key, group in [("abstain_unanswerable", unanswerable), ("abstain_answerable", answerable),
                           ("not_stated_unaddressed", unaddressed), ("not_stated_unindexed", unindexed)]:
            per[key] = ([float(r.abstained) for r in group], [cluster_of(r.question) for r in group])
        cells = self.verdict_cells()
        values["verdict_cells"] = len(cells)
        per["verdict_accuracy"] = ([float(c.right) for c in cells], [c.policy for c in cells])
        per["verdict_only_accuracy"] = ([float(c.predicted == c.gold) for c in cells], [c.policy for c in cells])
        cases = self.literal_cases()
        values["literal_questions"] = len(cases) if self.first_stage is not None else None
        for at in (1, LITERAL_AT):
            per[f"literal_kept@{at}"] = ([float(c.kept_at is not None and c.kept_at <= at) for c in cases],
                                         [c.cluster for c in cases])
        intervals: dict[str, list[float] | None] = {}
        for key, (got, clusters) in per.items():
            values[key] = fmean(got) if got else None
            interval = bootstrap_interval(got, clusters)
            intervals[key] = list(interval) if interval else None
        lengths = [h.end - h.start for r in self.results for h in r.hits[:k]]
        values["passage_chars"] = fmean(lengths) if lengths else None
        latencies = [r.latency_ms for r in self.results]
        values["latency_p50_ms"] = percentile(latencies, 50)
        values["latency_p95_ms"] = percentile(latencies, 95)
        values["ci95"] = intervals
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
    by_name = {run.name: run for run in runs}
    for run in runs:
        if run.rerank:
            run.first_stage = by_name.get(run.retriever)
    depth = max(k, RANK_DEPTH)
    names = [n for p in engine.policies.values() for n in (p.id, p.name, *p.aliases)]
    engine.warm_up()
    histories: dict[tuple[str, str], list] = {}
    try:
        for question in questions:
            scope = [question.policy] if question.scoped and question.policy else None
            relevant = relevant_passages(engine, question)
            terms = key_terms(question.question, [*names, *question.not_indexed])
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
                                                  retrieval, answer, terms))
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

"""Retrieval metrics over ranked passages, computed with ir-measures where a standard measure exists.

Relevance is judged per passage (a passage is relevant to a question when it covers at least half of
one of its evidence spans). hit@n (ir-measures `Success@n`), MRR@10 (`RR@10`) and nDCG@10 are standard;
recall@k here is the share of a question's *answers* (evidence spans) that some top-k passage covers, so
a two-company question that finds only one company scores 0.5 — no standard measure counts that.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from statistics import fmean

import numpy as np


@dataclass(frozen=True)
class Judged:
    """One answerable question's ranking: for each ranked passage, which answers it covers."""

    qid: str
    ranking: tuple[str, ...]  # passage ids, best first
    covers: tuple[frozenset[int], ...]  # per ranked passage, the indexes of the answers it is relevant to
    relevant: frozenset[str]  # every passage in the index relevant to some answer (for nDCG's ideal)
    answers: int


def retrieval_metrics(judged: Sequence[Judged], k: int) -> dict[str, float]:
    """hit@1, hit@3, hit@k, recall@k, MRR@10 and nDCG@10 averaged over answerable questions."""
    import ir_measures
    from ir_measures import RR, Qrel, ScoredDoc, Success, nDCG

    if not judged:
        return {}
    measures = [Success @ 1, Success @ 3, Success @ k, RR @ 10, nDCG @ 10]
    qrels = [Qrel(j.qid, pid, 1) for j in judged for pid in j.relevant]
    # Scores encode our rank order, so ties can never be re-ordered by document id.
    run = [ScoredDoc(j.qid, pid, float(len(j.ranking) - rank)) for j in judged for rank, pid in enumerate(j.ranking)]
    per_query: dict[tuple[str, str], float] = {}
    for metric in ir_measures.iter_calc(measures, qrels, run):
        per_query[(metric.query_id, str(metric.measure))] = metric.value
    # A question with nothing retrieved is absent from ir-measures' output: it scores 0, not "skipped".
    values = {str(m): fmean(per_query.get((j.qid, str(m)), 0.0) for j in judged) for m in measures}
    recall = fmean(len(set().union(*j.covers[:k])) / j.answers for j in judged)
    return {"hit@1": values["Success@1"], "hit@3": values["Success@3"], f"hit@{k}": values[f"Success@{k}"],
            f"recall@{k}": recall, "mrr@10": values["RR@10"], "ndcg@10": values["nDCG@10"]}


def first_hit_rank(judged: Judged) -> int | None:
    """1-based rank of the first relevant passage, None when none was retrieved."""
    for rank, covered in enumerate(judged.covers, start=1):
        if covered:
            return rank
    return None


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")

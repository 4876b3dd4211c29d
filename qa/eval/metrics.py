"""Retrieval metrics over ranked passages, computed with ir-measures where a standard measure exists.

Relevance is judged per passage (a passage is relevant to a question when it covers at least half of
one of its evidence spans). hit@n (ir-measures `Success@n`), MRR@10 (`RR@10`) and nDCG@10 are standard;
recall@k here is the share of a question's *answers* (evidence spans) that some top-k passage covers, so
a two-company question that finds only one company scores 0.5 — no standard measure counts that.

Every mean comes with a 95% interval from a bootstrap by policy (`bootstrap_interval`): questions about
one policy are not independent (one policy's wording makes several of them easy or hard), so what is
resampled is the policy (a cluster of questions), not the question.
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
    return {key: fmean(values) for key, values in retrieval_values(judged, k).items()}


def retrieval_values(judged: Sequence[Judged], k: int) -> dict[str, list[float]]:
    """The per-question values behind `retrieval_metrics`: for each metric, one value per `judged`, in order."""
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
    values = {str(m): [per_query.get((j.qid, str(m)), 0.0) for j in judged] for m in measures}
    recall = [len(set().union(*j.covers[:k])) / j.answers for j in judged]
    return {"hit@1": values["Success@1"], "hit@3": values["Success@3"], f"hit@{k}": values[f"Success@{k}"],
            f"recall@{k}": recall, "mrr@10": values["RR@10"], "ndcg@10": values["nDCG@10"]}


RESAMPLES = 1000
SEED = 22


def bootstrap_interval(values: Sequence[float], clusters: Sequence[str], resamples: int = RESAMPLES,
                       seed: int = SEED, level: float = 0.95) -> tuple[float, float] | None:
    """The `level` percentile interval of the mean of `values` when the clusters (policies) they belong to
    are resampled with replacement: each resample draws as many clusters as there are, and its mean is over
    every value of the drawn clusters (a cluster drawn twice counts twice). None without values; a single
    cluster gives a zero-width interval. Fixed `seed`: the same data gives the same interval.
    """
    if len(values) != len(clusters):
        raise ValueError(f"{len(values)} values for {len(clusters)} clusters")
    if not values:
        return None
    names = sorted(set(clusters))
    index = {name: i for i, name in enumerate(names)}
    at = np.array([index[c] for c in clusters])
    sums = np.bincount(at, weights=np.asarray(values, dtype=float), minlength=len(names))
    counts = np.bincount(at, minlength=len(names)).astype(float)
    rng = np.random.default_rng(seed)
    drawn = rng.integers(0, len(names), size=(resamples, len(names)))
    times = np.zeros((resamples, len(names)))
    np.add.at(times, (np.arange(resamples)[:, None], drawn), 1.0)
    means = (times @ sums) / (times @ counts)  # every cluster holds at least one value: never 0 / 0
    tail = (1 - level) / 2 * 100
    low, high = np.percentile(means, [tail, 100 - tail])
    return float(low), float(high)


def first_hit_rank(judged: Judged) -> int | None:
    """1-based rank of the first relevant passage, None when none was retrieved."""
    for rank, covered in enumerate(judged.covers, start=1):
        if covered:
            return rank
    return None


def percentile(values: Sequence[float], q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else float("nan")

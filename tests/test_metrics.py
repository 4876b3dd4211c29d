"""Metrics against values worked out by hand on a three-question example."""

import math

import pytest

from qa.eval.datasets import Evidence, is_relevant
from qa.eval.metrics import Judged, first_hit_rank, retrieval_metrics


def example() -> list[Judged]:
    # q1: one answer, found at rank 2.  q2: two answers, one at rank 1 and one at rank 3.
    # q3: one answer whose only relevant passage (p10) was not retrieved.
    return [
        Judged("q1", ("p1", "p2", "p3"), (frozenset(), frozenset({0}), frozenset()), frozenset({"p2"}), 1),
        Judged("q2", ("p4", "p5", "p6"), (frozenset({0}), frozenset(), frozenset({1})), frozenset({"p4", "p6"}), 2),
        Judged("q3", ("p7", "p8", "p9"), (frozenset(), frozenset(), frozenset()), frozenset({"p10"}), 1),
    ]


def test_metrics_match_hand_worked_values():
    m = retrieval_metrics(example(), k=2)
    assert m["hit@1"] == pytest.approx(1 / 3)          # only q2 has a relevant passage first
    assert m["hit@3"] == pytest.approx(2 / 3)          # q1 and q2
    assert m["hit@2"] == pytest.approx(2 / 3)
    assert m["recall@2"] == pytest.approx((1 + 0.5 + 0) / 3)  # q2 finds one of its two answers in the top 2
    assert m["mrr@10"] == pytest.approx((1 / 2 + 1 + 0) / 3)
    ndcg_q1 = (1 / math.log2(3)) / 1
    ndcg_q2 = (1 + 1 / math.log2(4)) / (1 + 1 / math.log2(3))
    assert m["ndcg@10"] == pytest.approx((ndcg_q1 + ndcg_q2 + 0) / 3)
    assert m["ndcg@10"] == pytest.approx(0.5168835, abs=1e-6)


def test_a_question_with_nothing_retrieved_counts_as_zero():
    empty = Judged("q4", (), (), frozenset({"p1"}), 1)
    m = retrieval_metrics(example() + [empty], k=2)
    assert m["hit@3"] == pytest.approx(2 / 4) and m["mrr@10"] == pytest.approx(1.5 / 4)


def test_rank_order_is_ours_even_when_ids_sort_differently():
    judged = [Judged("q", ("z", "a"), (frozenset({0}), frozenset()), frozenset({"z"}), 1)]
    assert retrieval_metrics(judged, k=1)["hit@1"] == 1.0


def test_first_hit_rank():
    q1, q2, q3 = example()
    assert (first_hit_rank(q1), first_hit_rank(q2), first_hit_rank(q3)) == (2, 1, None)


def test_relevance_needs_half_the_evidence_in_the_same_policy():
    evidence = Evidence("acme", 100, 120)
    assert is_relevant("acme", 90, 110, evidence)        # exactly half
    assert not is_relevant("acme", 90, 109, evidence)    # just under half
    assert is_relevant("acme", 0, 1000, evidence)
    assert not is_relevant("other", 0, 1000, evidence)
    assert not is_relevant("acme", 120, 200, evidence)   # touching is not overlapping


def test_bootstrap_by_policy_matches_the_hand_worked_distribution():
    from qa.eval.metrics import bootstrap_interval

    # Policy a holds two hits, policy b one miss. Drawing two policies: aa -> mean 1 (p 1/4), ab or ba ->
    # 2/3 (p 1/2), bb -> 0 (p 1/4); the 2.5th and 97.5th percentiles of 1,000 draws are 0 and 1.
    assert bootstrap_interval([1, 1, 0], ["a", "a", "b"]) == (0.0, 1.0)
    assert bootstrap_interval([1, 1, 0], ["a", "a", "b"]) == bootstrap_interval([1, 1, 0], ["a", "a", "b"])
    assert bootstrap_interval([0.5, 0.5, 0.5], ["a", "b", "c"]) == pytest.approx((0.5, 0.5))
    assert bootstrap_interval([1, 0, 1], ["only", "only", "only"]) == pytest.approx((2 / 3, 2 / 3))
    assert bootstrap_interval([], []) is None
    with pytest.raises(ValueError):
        bootstrap_interval([1.0], ["a", "b"])


def test_bootstrap_interval_narrows_with_more_policies():
    from qa.eval.metrics import bootstrap_interval

    few = bootstrap_interval([1, 0] * 2, ["a", "b", "c", "d"])
    many = bootstrap_interval([1, 0] * 50, [str(i) for i in range(100)])
    assert few is not None and many is not None
    assert few[0] <= 0.5 <= few[1] and many[0] <= 0.5 <= many[1]
    assert many[1] - many[0] < few[1] - few[0]

"""Regression guard and answer behaviour with the real model and the shipped reranker (integration: CI
runs these).

The guard levels are the answer-path numbers measured when the reranker was shipped (evals/README.md,
models/policyqa-reranker/README.md), minus a small margin for platform noise: on the golden set, and on
the PolicyQA policies held out from every training and calibration step.
"""

import pytest

from qa.eval.datasets import load_golden, load_squad
from qa.eval.evaluation import evaluate
from qa.search.engine import DEFAULT_RETRIEVER, Engine
from tests.conftest import POLICYQA_DEV, ROOT

pytestmark = pytest.mark.integration

# Golden set, answer path (hybrid + reranker, int8 ONNX): hit@3 0.907, MRR@10 0.807, 2.9% of answerable
# questions "not stated", 39% of the unanswerable ones.
GUARD_HIT3 = 0.907 - 0.02
GUARD_MRR10 = 0.807 - 0.02
GUARD_WRONG_NOT_STATED = 0.05
# The guard levels were set on the golden set's first 437 lines; later lines (longer scenario questions written
# by helpers, evals/README.md) are measured by `policyqa eval`, not guarded here.
GUARDED_THROUGH = 437
# Held-out PolicyQA policies (every 2nd question of the 6 test policies): hit@5 0.612 and MRR@10 0.402
# on all of them, 4.3% wrongly "not stated"; the floors are 0.55, 0.35 and 10%.
GUARD_HELDOUT_HIT5 = 0.55
GUARD_HELDOUT_MRR10 = 0.35
GUARD_HELDOUT_WRONG_NOT_STATED = 0.10


@pytest.fixture(scope="module")
def engine(seed_index_dir, real_embedder):
    return Engine.open(seed_index_dir, embedder_factory=lambda model: real_embedder)


def test_golden_set_does_not_regress(engine):
    assert engine.reranker is not None and engine.reranker.name == "policyqa-reranker"
    questions, problems = load_golden(ROOT / "evals" / "golden.jsonl", engine.policies)
    assert problems == []
    questions = [q for q in questions if int(q.id[1:]) <= GUARDED_THROUGH]
    assert len(questions) == GUARDED_THROUGH
    runs, _ = evaluate(engine, questions, [f"{DEFAULT_RETRIEVER}+rerank"], k=5)
    metrics = runs[0].metrics(5)
    assert metrics["hit@3"] >= GUARD_HIT3, metrics
    assert metrics["mrr@10"] >= GUARD_MRR10, metrics
    assert metrics["abstain_answerable"] <= GUARD_WRONG_NOT_STATED, metrics
    assert metrics["abstain_unanswerable"] >= 0.39 - 0.05, metrics


@pytest.mark.skipif(not POLICYQA_DEV.is_file(), reason=f"PolicyQA dev set not found at {POLICYQA_DEV}")
def test_held_out_policyqa_policies_meet_the_floors(real_embedder):
    from qa.config import BuildSettings
    from qa.index.build import cached_index
    from qa.train.split import split_squad_policies

    policies, questions, _ = load_squad(POLICYQA_DEV)
    test_policies = set(split_squad_policies([p.id for p in policies]).test)
    folder = cached_index(policies, BuildSettings(), lambda: real_embedder, "eval")
    engine = Engine.open(folder, embedder_factory=lambda model: real_embedder)
    held_out = [q for q in questions if q.policy in test_policies][::2]
    runs, _ = evaluate(engine, held_out, [f"{DEFAULT_RETRIEVER}+rerank"], k=5)
    metrics = runs[0].metrics(5)
    assert metrics["hit@5"] >= GUARD_HELDOUT_HIT5, metrics
    assert metrics["mrr@10"] >= GUARD_HELDOUT_MRR10, metrics
    assert metrics["abstain_answerable"] <= GUARD_HELDOUT_WRONG_NOT_STATED, metrics


def test_answer_highlights_the_sentence_and_cites_it(engine):
    answer = engine.answer("How long does Concero keep phone call recordings?")
    assert answer.routed == ("concero",) and not answer.abstained
    row = answer.rows[0]
    assert row.policy == "concero" and row.name == "Concero Technology Services"
    assert any("30 days" in q.text for q in row.quotes)
    text = engine.policies["concero"].text
    for quote in row.quotes:
        assert text[quote.start:quote.end] == quote.text and quote.section == "Telephone Communications"
    top = row.hits[0]
    assert all(top.start <= s < e <= top.end for s, e in top.highlights)


def test_aliases_route_to_the_company(engine):
    assert engine.answer("Does 23T sell my data?").routed == ("23technology",)
    assert engine.answer("How does Centerprise use cookies?").routed == ("23technology",)
    assert engine.answer("How long does CT1 keep enquiries?").routed == ("ct1-technologies",)
    # "CI" is an alias, but "circumstances" must not route there.
    assert engine.answer("In what circumstances is data shared?").routed == ()


def test_question_about_several_companies_gets_a_row_per_company(engine):
    answer = engine.answer("Which companies say they will never sell my data?")
    assert {row.policy for row in answer.rows} == set(engine.policies)
    answered = {row.policy for row in answer.answered}
    assert {"23technology", "concero"} <= answered


def test_clearly_unrelated_question_abstains_with_a_nearest_match(engine):
    answer = engine.answer("What is CloudSentric's policy on pet insurance for hamsters?")
    row = answer.rows[0]
    assert answer.abstained and row.abstained and row.quotes == () and len(row.hits) == 1


def test_company_without_a_policy_is_named_not_answered(engine):
    answer = engine.answer("What does Facebook do with my data?")
    assert answer.not_indexed == ("Facebook",) and answer.abstained and answer.rows == ()


def test_misspelled_name_and_follow_up(engine):
    first = engine.answer("What does Core Ofice collect about me?")
    assert first.routed == ("core-office-it",) and first.corrections == (("Core Ofice", "core-office-it"),)
    second = engine.answer("and who do they share it with?", history=[first])
    assert second.interpreted_as == "Who does Core Office IT share my data with?"
    assert second.scope == ("core-office-it",) and not second.abstained

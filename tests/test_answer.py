"""The answer path with a fake embedder and a fake reranker: routing, reranking, abstention, JSON."""

from __future__ import annotations

import re

import numpy as np
import pytest

from qa.config import BuildSettings
from qa.index.build import build_index
from qa.search.engine import Engine
from qa.search.reranker import Calibration
from tests.conftest import FakeEmbedder


class OverlapReranker:
    """Logit = number of question words in the passage, minus 3: deterministic and easy to reason about."""

    name = "overlap"

    def __init__(self, threshold: float = 0.5):
        self.calibration = Calibration(logit_weight=1.0, retrieval_weight=0.0, bias=0.0, threshold=threshold)
        self.calls = 0

    def score(self, question, hits):
        self.calls += 1
        words = set(re.findall(r"[a-z]{4,}", question.lower()))
        return np.array([len(words & set(re.findall(r"[a-z]{4,}", h.text.lower()))) - 3.0 for h in hits],
                        dtype=np.float32)


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    from tests.conftest import SEED_POLICIES

    folder = tmp_path_factory.mktemp("answer") / "index"
    build_index(SEED_POLICIES, folder, BuildSettings(model="fake-embedder"), FakeEmbedder)
    return folder


def engine_with(index, reranker=None) -> Engine:
    engine = Engine.open(index, embedder_factory=lambda model: FakeEmbedder(model))
    engine.reranker = reranker
    return engine


def test_routed_question_answers_from_that_policy_only(index):
    answer = engine_with(index).answer("How long does Concero keep phone call recordings?")
    assert answer.scope == ("concero",) and answer.routed == ("concero",)
    assert all(h.policy == "concero" for row in answer.rows for h in row.hits)


def test_quotes_are_verbatim(index):
    engine = engine_with(index, OverlapReranker(threshold=0.0))
    answer = engine.answer("How long do you keep phone call recordings?")
    for row in answer.answered:
        text = engine.policies[row.policy].text
        for quote in row.quotes:
            assert text[quote.start:quote.end] == quote.text
        for hit in row.hits:
            assert text[hit.start:hit.end] == hit.text


def test_reranker_orders_passages_by_calibrated_probability(index):
    reranker = OverlapReranker(threshold=0.0)
    answer = engine_with(index, reranker).answer("Does Concero record telephone calls for training and monitoring?")
    row = answer.rows[0]
    assert reranker.calls == 1 and answer.reranker == "overlap"
    probabilities = [h.probability for h in row.hits]
    assert probabilities == sorted(probabilities, reverse=True) and all(0 < p < 1 for p in probabilities)
    assert row.confidence == pytest.approx(probabilities[0])


def test_below_the_threshold_is_not_stated_with_a_nearest_match(index):
    answer = engine_with(index, OverlapReranker(threshold=0.999)).answer("Does Concero record calls?")
    row = answer.rows[0]
    assert answer.abstained and row.abstained and not row.quotes and len(row.hits) == 1


def test_rerank_false_skips_the_reranker(index):
    reranker = OverlapReranker()
    answer = engine_with(index, reranker).answer("Does Concero record calls?", rerank=False)
    assert reranker.calls == 0 and answer.reranker == ""


def test_unindexed_company_gets_no_answer_and_mentions_are_labelled(index):
    engine = engine_with(index, OverlapReranker(threshold=0.0))
    answer = engine.answer("What does Microsoft do with my data?")
    assert answer.not_indexed == ("Microsoft",) and answer.rows == () and answer.abstained
    for hit in answer.mentions:
        assert "microsoft" in hit.text.lower()
    data = answer.to_dict()
    assert data["not_indexed"] == ["Microsoft"] and data["abstained"] is True


def _named_by_scan(engine, name: str, limit: int = 3) -> list[str]:
    """Passage ids of the first `limit` passages naming `name` (whole word), by reading every passage."""
    pattern = re.compile(rf"(?<!\w){re.escape(name)}(?!\w)", re.IGNORECASE)
    return [p.id for p in engine.index.passages if pattern.search(p.text)][:limit]


@pytest.mark.parametrize("question, organisation", [("What does Google do with my data?", "Google"),
                                                    ("Does Facebook get my details?", "Facebook")])
def test_mentions_of_an_unindexed_company_are_those_a_scan_finds(index, question, organisation):
    """Mentions come from the BM25 postings of the name, not a scan of every passage: the same passages."""
    from qa.search.answer import _mentions

    engine = engine_with(index, OverlapReranker(threshold=0.0))
    answer = engine.answer(question)
    assert answer.not_indexed == (organisation,)
    expected = _named_by_scan(engine, organisation)
    assert expected and [h.passage_id for h in answer.mentions] == expected
    for hit in answer.mentions:
        assert [hit.text.lower()[s - hit.start:e - hit.start] for s, e in hit.highlights] == \
               [organisation.lower()] * len(hit.highlights)
    assert engine.scorer.rows_naming("the and of") is None  # stop words only: no tokens, every row is read
    assert [h.passage_id for h in _mentions(engine, ["the"])] == _named_by_scan(engine, "the")
    assert _mentions(engine, ["Qwertyuiop"]) == ()


def test_misspelled_company_is_routed_and_corrected(index):
    answer = engine_with(index).answer("Does Cloudsentrik sell my data?")
    assert answer.scope == ("cloudsentric",)
    assert answer.corrections == (("Cloudsentrik", "cloudsentric"),)


def test_follow_up_keeps_the_company(index):
    engine = engine_with(index)
    first = engine.answer("What does Core Office collect about me?")
    second = engine.answer("and who do they share it with?", history=[first])
    assert second.interpreted_as == "Who does Core Office IT share my data with?"
    assert second.scope == ("core-office-it",)
    assert second.to_dict()["interpreted_as"] == second.interpreted_as


def test_question_naming_no_company_asks_every_policy_and_ranks_leaders_first(index):
    engine = engine_with(index, OverlapReranker(threshold=0.0))
    answer = engine.answer("Which companies record phone calls?")
    assert set(answer.scope) == set(engine.policies)
    ranking = answer.ranking()
    leaders = ranking[:len(answer.answered)]
    assert len({h.policy for h in leaders}) == len(leaders)  # one best passage per answering policy first


@pytest.mark.parametrize("question, policies, message", [
    ("  ", None, "question is empty"),
    ("Do you sell data?", ["nobody"], "unknown policy id 'nobody'"),
])
def test_bad_input_is_a_value_error_naming_it(index, question, policies, message):
    with pytest.raises(ValueError, match=message):
        engine_with(index).answer(question, policies=policies)

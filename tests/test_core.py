"""The core without a model: a two-policy toy index, the fake embedder (tests/fakes.py) and a fake reranker.

Every expected number here is worked out by hand from the texts below. With `embed_context` off, the fake
embedder's vector of a text is its word counts scaled to unit length, so a cosine is (shared words) /
sqrt(|a| |b|), with |x| the sum of squared word counts (the fixture checks that no two words share a slot).

    row  policy  offsets  passage (its indexed sentences, as offsets)
    0    acme    0-103    "Acme Privacy Policy / Retention / We keep call recordings for 30 days.  (32, 68)
                           Invoices are kept for seven years."                                      (69, 103)
    1    acme    105-150  "Sharing / We share your address with carriers."                         (114, 150)
    2    globex  0-70     "Globex Privacy Policy / Retention / We keep call recordings for 90 days." (34, 70)
    3    globex  72-112   "Cookies / We use cookies to remember you."                               (81, 112)

For "keep call recordings" (3 words): row 0 has 17 words with "for" twice (|row 0| = 15 + 4 = 19), its
first sentence 7 words; row 2 has 11 words, its sentence 7. Dense score = (1 - 0.5) * passage cosine +
0.5 * best sentence cosine:
    row 2: 0.5 * 3/sqrt(33) + 0.5 * 3/sqrt(21) = 0.5 * 0.522233 + 0.5 * 0.654654 = 0.588443
    row 0: 0.5 * 3/sqrt(57) + 0.5 * 3/sqrt(21) = 0.5 * 0.397360 + 0.5 * 0.654654 = 0.526007
    rows 1 and 3: no shared word, 0.
"""

from __future__ import annotations

import math
import re

import numpy as np
import pytest

from qa.config import BuildSettings, RetrievalSettings
from qa.index.build import build_index
from qa.index.scoring import top_stable
from qa.search.engine import Engine
from qa.search.reranker import Calibration
from tests.fakes import FakeEmbedder, word_slot

DIMENSION = 4096  # wide enough that the toy's words each get a slot of their own (checked below)
POLICIES = {
    "acme.txt": "Acme Privacy Policy\n\nRetention\n\nWe keep call recordings for 30 days. Invoices are kept for "
                "seven years.\n\nSharing\n\nWe share your address with carriers.\n",
    "globex.txt": "Globex Privacy Policy\n\nRetention\n\nWe keep call recordings for 90 days.\n\nCookies\n\n"
                  "We use cookies to remember you.\n",
    "policies.toml": '[acme]\nname = "Acme"\naliases = ["Acme Corp"]\n\n[globex]\nname = "Globex"\n',
}
QUESTIONS = ["keep call recordings", "Who keeps invoices for seven years?", "who remembers cookies for years",
             "sharing cookies", "How long does Acme Corp keep invoices?",
             "Does Facebook keep call recordings?", "How long does Acme keep call recordings?", "what about Globex?",
             "and do they share my address?"]  # every question asked below (their words are checked too)
ROW_2, ROW_0 = 0.5 * 3 / math.sqrt(33) + 0.5 * 3 / math.sqrt(21), 0.5 * 3 / math.sqrt(57) + 0.5 * 3 / math.sqrt(21)


def sigmoid(x: float) -> float:
    return 1 / (1 + math.exp(-x))


def fake(model: str = "fake-embedder") -> FakeEmbedder:
    return FakeEmbedder(model, dimension=DIMENSION)


@pytest.fixture(scope="module")
def toy_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("toy")
    for name, text in POLICIES.items():
        (folder / "policies").mkdir(exist_ok=True)
        (folder / "policies" / name).write_text(text, encoding="utf-8")
    words = {w for text in [*POLICIES.values(), *QUESTIONS] for w in re.findall(r"[a-z0-9]+", text.lower())}
    assert len({word_slot(w, DIMENSION) for w in words}) == len(words), "two toy words share a slot"
    report = build_index(folder / "policies", folder / "index", BuildSettings(model="fake-embedder",
                                                                            embed_context=False), fake)
    assert not report.errors
    return folder / "index"


@pytest.fixture
def engine(toy_index) -> Engine:
    return Engine.open(toy_index, embedder_factory=fake, reranker="none")


def rows(hits) -> list[tuple[str, int]]:
    return [(h.policy, h.start) for h in hits]


class FixedReranker:
    """A reranker whose logit for a passage is looked up by (policy, start): the probabilities are sigmoids."""

    name = "fixed"

    def __init__(self, logits: dict[tuple[str, int], float], threshold: float):
        self.logits = logits
        self.calibration = Calibration(logit_weight=1.0, retrieval_weight=0.0, bias=0.0, threshold=threshold)

    def score(self, question, hits):
        return np.array([self.logits[(h.policy, h.start)] for h in hits], dtype=np.float32)


# -- rank order ------------------------------------------------------------------------------------------

def test_top_stable_orders_best_first_and_ties_by_position():
    scores = np.array([0.5, 0.9, 0.5, 0.9, 0.1, 0.5], dtype=np.float32)
    assert top_stable(scores, 3).tolist() == [1, 3, 0]  # partitioned: the tie at 0.5 keeps the first one
    assert top_stable(scores, 4).tolist() == [1, 3, 0, 2]
    assert top_stable(scores, 6).tolist() == [1, 3, 0, 2, 5, 4]  # sorted whole
    assert top_stable(scores, 10).tolist() == [1, 3, 0, 2, 5, 4]


def test_dense_scores_and_order_by_hand(engine):
    hits = engine.search("keep call recordings", k=4, retriever="dense")
    assert rows(hits) == [("globex", 0), ("acme", 0), ("acme", 105), ("globex", 72)]  # rows 2, 0, then 1 and 3 tied
    assert [h.score for h in hits] == pytest.approx([ROW_2, ROW_0, 0.0, 0.0], abs=1e-6)
    assert [h.similarity for h in hits] == [h.score for h in hits]
    assert hits[1].highlights == ((32, 68),)  # the sentence about recordings, not the one about invoices


def test_sentence_weight_zero_scores_the_passage_alone(engine):
    hits = engine.with_settings(RetrievalSettings(sentence_weight=0.0)).search("keep call recordings", k=2,
                                                                               retriever="dense")
    assert [h.score for h in hits] == pytest.approx([3 / math.sqrt(33), 3 / math.sqrt(57)], abs=1e-6)


# -- fusion ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("weight", [0.8, 0.3])
def test_hybrid_is_the_weighted_sum_of_dense_and_bm25_scaled_by_the_best(engine, weight):
    question = "Who keeps invoices for seven years?"
    tuned = engine.with_settings(RetrievalSettings(hybrid_weight=weight))
    dense = {(h.policy, h.start): h.similarity for h in tuned.search(question, k=4, retriever="dense")}
    bm25 = {(h.policy, h.start): h.score for h in tuned.search(question, k=4, retriever="bm25")}
    best = max(bm25.values())
    hybrid = tuned.search(question, k=4, retriever="hybrid")
    for hit in hybrid:
        key = (hit.policy, hit.start)
        assert hit.score == pytest.approx(weight * dense[key] + (1 - weight) * bm25[key] / best, abs=1e-6)
        assert hit.similarity == pytest.approx(dense[key], abs=1e-6)  # the dense score, whatever the fusion


def test_fusion_reorders_what_dense_alone_ranks(engine):
    # "who remembers cookies for years" (5 words). Dense: row 0 shares "for" (twice in it) and "years":
    # 0.5 * 3/sqrt(5*19) + 0.5 * 2/sqrt(5*6) (its invoices sentence) = 0.336471; row 3 shares "cookies" (twice
    # in it, |row 3| = 4 + 5): 0.5 * 2/sqrt(5*9) + 0.5 * 1/sqrt(5*6) = 0.240358. BM25 stems "remembers" to
    # row 3's "remember", so row 3 is BM25's best and the blend (0.8 dense + 0.2 BM25) puts it first.
    question = "who remembers cookies for years"
    dense = engine.search(question, k=4, retriever="dense")
    assert rows(dense) == [("acme", 0), ("globex", 72), ("globex", 0), ("acme", 105)]
    assert [h.score for h in dense[:2]] == pytest.approx([0.5 * 3 / math.sqrt(95) + 0.5 * 2 / math.sqrt(30),
                                                          0.5 * 2 / math.sqrt(45) + 0.5 * 1 / math.sqrt(30)], abs=1e-6)
    hybrid = rows(engine.search(question, k=4, retriever="hybrid"))
    assert hybrid == [("globex", 72), ("acme", 0), ("globex", 0), ("acme", 105)]
    assert rows(engine.with_settings(RetrievalSettings(hybrid_weight=1.0)).search(question, k=4)) == rows(dense)
    bm25 = rows(engine.search(question, k=4, retriever="bm25"))
    assert bm25 == [("globex", 72), ("acme", 0), ("acme", 105), ("globex", 0)]  # rows 1 and 2 tie at 0
    assert rows(engine.with_settings(RetrievalSettings(hybrid_weight=0.0)).search(question, k=4)) == bm25


def test_equal_bm25_scores_keep_row_order(engine):
    hits = engine.search("sharing cookies", k=2, retriever="bm25")  # one stem each, in passages of one length
    assert rows(hits) == [("acme", 105), ("globex", 72)] and hits[0].score == hits[1].score > 0


# -- routing ---------------------------------------------------------------------------------------------

def test_a_named_company_is_the_only_scope(engine):
    answer = engine.answer("How long does Acme Corp keep invoices?")  # an alias from policies.toml
    assert answer.scope == ("acme",) and answer.routed == ("acme",)
    assert {h.policy for row in answer.rows for h in row.hits} == {"acme"}


def test_no_company_asks_every_policy(engine):
    assert engine.answer("keep call recordings").scope == ("acme", "globex")


def test_a_company_without_a_policy_gets_no_answer(engine):
    answer = engine.answer("Does Facebook keep call recordings?")
    assert answer.not_indexed == ("Facebook",) and answer.scope == () and answer.rows == ()


# -- answer assembly -------------------------------------------------------------------------------------

def test_reranked_answer_rows_quotes_and_not_stated(engine):
    logits = {("acme", 0): 1.0, ("acme", 105): -2.0, ("globex", 0): 3.0, ("globex", 72): -0.5}
    engine.reranker = FixedReranker(logits, threshold=0.8)
    answer = engine.answer("keep call recordings")
    globex, acme = answer.rows  # answered rows first
    assert (globex.policy, globex.abstained, acme.policy, acme.abstained) == ("globex", False, "acme", True)
    assert globex.confidence == pytest.approx(sigmoid(3.0)) and acme.confidence == pytest.approx(sigmoid(1.0))
    assert [h.probability for h in globex.hits] == pytest.approx([sigmoid(3.0), sigmoid(-0.5)])
    # the retrieval score is kept beside the probability, not replaced by it
    assert [h.score for h in globex.hits] == [h.score for h in engine.search("keep call recordings", k=2,
                                                                            policies=["globex"])]
    assert [(q.start, q.end, q.text) for q in globex.quotes] == [(34, 70, "We keep call recordings for 90 days.")]
    assert rows(acme.hits) == [("acme", 0)] and acme.quotes == ()  # "not stated": the nearest match only
    assert not answer.abstained and answer.threshold == 0.8 and answer.reranker == "fixed"
    assert rows(answer.ranking()) == [("globex", 0), ("globex", 72)]
    assert rows(answer.ranking(include_abstained=True)) == [("globex", 0), ("acme", 0), ("globex", 72), ("acme", 105)]


def test_equal_confidence_keeps_policy_order(engine):
    logits = {("acme", 0): 2.0, ("acme", 105): 0.0, ("globex", 0): 2.0, ("globex", 72): 0.0}
    engine.reranker = FixedReranker(logits, threshold=0.5)
    assert [row.policy for row in engine.answer("keep call recordings").rows] == ["acme", "globex"]


def test_without_a_reranker_the_dense_score_decides_not_stated(engine):
    answer = engine.answer("keep call recordings")  # default threshold 0.49: both above
    assert [(r.policy, r.abstained) for r in answer.rows] == [("globex", False), ("acme", False)]
    assert [r.confidence for r in answer.rows] == pytest.approx([ROW_2, ROW_0], abs=1e-6)
    stricter = engine.with_settings(RetrievalSettings(abstain_below=0.55)).answer("keep call recordings")
    assert [(r.policy, r.abstained) for r in stricter.rows] == [("globex", False), ("acme", True)]
    assert stricter.threshold == 0.55 and stricter.rows[1].quotes == ()


# -- conversation ----------------------------------------------------------------------------------------

def test_follow_ups_carry_the_question_and_the_company(engine):
    first = engine.answer("How long does Acme keep call recordings?")
    other = engine.answer("what about Globex?", history=[first])
    assert other.interpreted_as == "How long does Globex keep call recordings?"
    assert other.scope == ("globex",) and rows(other.rows[0].hits)[0] == ("globex", 0)
    same = engine.answer("and do they share my address?", history=[first])
    assert same.interpreted_as == "Does Acme share my address?" and same.scope == ("acme",)
    assert rows(same.rows[0].hits)[0] == ("acme", 105)
    assert other.question == "what about Globex?"  # what was typed is kept beside what was searched

"""Verdict accuracy, "not stated" by kind, and literal_kept, against hand-worked values (no model)."""

import pytest

from qa.eval.datasets import EvalQuestion, Evidence
from qa.eval.evaluation import QuestionResult, RetrieverRun
from qa.eval.literal import holds_terms, key_terms, literal_case
from qa.search.answer import Answer, PolicyAnswer
from qa.types import Hit, Quote


def hit(policy: str, start: int, end: int, text: str, pid: str = "") -> Hit:
    return Hit(policy, policy, "", start, end, text, 1.0, passage_id=pid or f"{policy}:{start}")


def row(policy: str, verdict: str, quote: tuple[int, int] | None = None, hits=(), ranked=()) -> PolicyAnswer:
    quotes = (Quote(policy, policy, "", quote[0], quote[1], "q"),) if quote else ()
    return PolicyAnswer(policy, policy, verdict == "not_stated", 0.5, quotes, tuple(hits), 0.5, tuple(ranked),
                        verdict=verdict)


def result(question: EvalQuestion, rows, hits=(), terms=()) -> QuestionResult:
    answer = Answer(question.question, tuple(rows), tuple(r.policy for r in rows))
    return QuestionResult(question, tuple(hits), answer.abstained, 1.0, None, None, answer, tuple(terms))


def test_key_terms_drop_stop_words_generic_words_and_company_names():
    assert key_terms("Does 23Technology sell my data?", ["23Technology"]) == ("sell",)
    assert key_terms("Does Core Office use Google Analytics?", ["Core Office IT", "Core Office"]) == \
        ("use", "google", "analytics")
    assert key_terms("Who is the DPO at Centerprise?", ["Centerprise"]) == ("dpo",)


def test_terms_match_at_the_start_of_a_word():
    assert holds_terms("23Technology does not and will not sell personal information", ["sell"])
    assert holds_terms("We are not selling it", ["sell"]) and holds_terms("we keep the recordings", ["recordings"])
    assert not holds_terms("we resell nothing", ["sell"])
    assert not holds_terms("anything at all", [])
    assert holds_terms("We use Google Analytics", ["use", "google", "analytics"])
    assert not holds_terms("We use Google Tag Manager", ["use", "google", "analytics"])


def test_literal_case_counts_only_a_first_stage_literal_top_passage():
    evidence = (Evidence("a", 10, 20),)
    literal = hit("a", 0, 40, "we do not sell data")
    other = hit("a", 100, 140, "we share data")
    assert literal_case("q", "a", [other, literal], [literal], evidence, ["sell"]) is None  # not first
    assert literal_case("q", "a", [hit("a", 0, 40, "we share")], [], evidence, ["sell"]) is None  # no term
    assert literal_case("q", "a", [literal], [other, literal], evidence, ["sell"]).kept_at == 2
    assert literal_case("q", "a", [literal], [other], evidence, ["sell"]).kept_at is None


def test_verdict_accuracy_needs_the_verdict_and_an_overlapping_first_quote():
    # Gold: a says no at [10, 30); b not stated; c yes at [50, 60).
    q1 = EvalQuestion("q1", "Which companies sell my data?", None,
                      (Evidence("a", 10, 30), Evidence("c", 50, 60)),
                      verdicts=(("a", "no"), ("b", "not_stated"), ("c", "yes")))
    # a: right verdict, quote overlaps -> right; b: answered "yes" -> wrong; c: right verdict, quote elsewhere -> wrong.
    r1 = result(q1, [row("a", "no", (25, 40)), row("b", "yes", (0, 5)), row("c", "yes", (70, 80))])
    # q2: gold not stated of a policy the answer never searched -> right.
    q2 = EvalQuestion("q2", "Does d sell my data?", "d", (), verdicts=(("d", "not_stated"),))
    r2 = result(q2, [])
    run = RetrieverRun("x", [r1, r2])
    m = run.metrics(5)
    assert m["verdict_cells"] == 4
    assert m["verdict_accuracy"] == pytest.approx(2 / 4)
    assert m["verdict_only_accuracy"] == pytest.approx(3 / 4)
    confusion = run.verdict_confusion()
    assert confusion["no"]["no"] == 1 and confusion["not_stated"]["yes"] == 1 and confusion["not_stated"]["not_stated"] == 1
    assert confusion["yes"]["yes"] == 1 and "stated" not in confusion
    low, high = m["ci95"]["verdict_accuracy"]
    assert 0 <= low <= 0.5 <= high <= 1


def test_a_quote_of_the_same_words_written_again_elsewhere_is_right():
    """A policy that repeats its answer (a sentence and its summary table) is quoted right at either place."""
    q = EvalQuestion("q", "Does a sell my data?", "a", (Evidence("a", 10, 30, elsewhere=((200, 220),)),),
                     verdicts=(("a", "no"),))
    assert RetrieverRun("x", [result(q, [row("a", "no", (205, 215))])]).metrics(5)["verdict_accuracy"] == 1
    assert RetrieverRun("x", [result(q, [row("a", "no", (100, 120))])]).metrics(5)["verdict_accuracy"] == 0


def test_not_stated_is_reported_apart_for_unindexed_companies_and_unaddressed_practices():
    unaddressed = EvalQuestion("u1", "Does a use biometrics?", "a", ())
    unaddressed2 = EvalQuestion("u2", "Does b use biometrics?", "b", ())
    unindexed = EvalQuestion("n1", "What does Facebook do?", None, (), not_indexed=("Facebook",))
    run = RetrieverRun("x", [result(unaddressed, [row("a", "not_stated")]),
                             result(unaddressed2, [row("b", "yes", (0, 5))]),
                             result(unindexed, [])])
    m = run.metrics(5)
    assert m["not_stated_unaddressed"] == pytest.approx(0.5)
    assert m["not_stated_unindexed"] == pytest.approx(1.0)
    assert m["abstain_unanswerable"] == pytest.approx(2 / 3)


def test_literal_kept_compares_the_reranked_run_with_its_first_stage():
    evidence = (Evidence("a", 10, 20),)
    q = EvalQuestion("q", "Does a sell my data?", "a", evidence, split="dev")
    literal, other = hit("a", 0, 40, "a does not sell data"), hit("a", 100, 140, "a shares data")
    first = RetrieverRun("hybrid", [result(q, [row("a", "no", (10, 20), hits=[literal], ranked=[literal, other])],
                                           hits=[literal], terms=["sell"])])
    demoted = RetrieverRun("hybrid+rerank", [result(q, [row("a", "no", (10, 20), hits=[other, literal])],
                                                    hits=[other, literal], terms=["sell"])], first_stage=first)
    m = demoted.metrics(5)
    assert m["literal_questions"] == 1
    assert m["literal_kept@1"] == 0.0 and m["literal_kept@5"] == 1.0
    assert demoted.part("dev").metrics(5)["literal_questions"] == 1
    assert demoted.part("test").metrics(5)["literal_questions"] == 0
    assert first.metrics(5)["literal_questions"] is None  # no first stage to compare with

import json

import pytest

from qa.eval.datasets import QuoteFinder, load_golden, load_squad
from qa.types import Policy
from tests.conftest import ROOT

POLICY = Policy(id="acme", name="Acme", text="Intro.\n\nWe keep the\n  recordings for 30 days.\nThe End.")


def write(tmp_path, rows):
    path = tmp_path / "golden.jsonl"
    path.write_text("\n".join(r if isinstance(r, str) else json.dumps(r) for r in rows) + "\n")
    return path


def test_quotes_match_ignoring_case_and_white_space_with_original_offsets():
    finder = QuoteFinder(POLICY.text)
    start, end = finder.find("keep THE recordings for 30 days")
    assert POLICY.text[start:end] == "keep the\n  recordings for 30 days"
    assert finder.find("kept for 31 days") is None


def test_a_quote_written_twice_is_evidence_at_both_places():
    from qa.eval.datasets import Evidence, is_relevant

    text = "We do not sell data. Other things. | Sale | We do not sell data. |"
    assert QuoteFinder(text).find_all("we do not sell data.") == [(0, 20), (44, 64)]
    evidence = Evidence("p", 0, 20, elsewhere=((44, 64),))
    assert is_relevant("p", 40, 66, evidence) and not is_relevant("p", 21, 35, evidence)
    assert evidence.overlaps("p", 50, 52) and not evidence.overlaps("q", 50, 52)


def test_a_character_that_lowers_to_two_keeps_the_offsets_true():
    """"İ" lowers to two characters: the offsets after it (and a quote ending the text) stay true, no IndexError."""
    text = "Istanbul is written İstanbul in Turkish. We keep it for 30 days."
    finder = QuoteFinder(text)
    start, end = finder.find("we keep it for 30 days.")
    assert text[start:end] == "We keep it for 30 days."
    start, end = finder.find("İstanbul in turkish")
    assert text[start:end] == "İstanbul in Turkish"


def test_golden_lines_and_their_problems_by_line_number(tmp_path):
    path = write(tmp_path, [
        {"id": "q1", "question": "How long?", "policy": "acme", "answers": [{"policy": "acme", "quote": "30 days"}]},
        {"id": "q2", "question": "Do they sell data?", "policy": "acme", "answers": []},
        "not json",
        {"id": "q4", "question": "x", "answers": [{"policy": "nobody", "quote": "x"}]},
        {"id": "q5", "question": "x", "answers": [{"policy": "acme", "quote": "not in the text"}]},
        {"id": "q6", "answers": []},
        {"id": "q7", "question": "x", "policy": "ghost", "answers": []},
        {"id": "q1", "question": "dup", "answers": []},
    ])
    questions, problems = load_golden(path, {"acme": POLICY})
    assert [q.id for q in questions] == ["q1", "q2"]
    assert questions[0].answerable and not questions[1].answerable
    evidence = questions[0].evidence[0]
    assert POLICY.text[evidence.start:evidence.end] == "30 days"
    assert [p.line for p in problems] == [3, 4, 5, 6, 7, 8]
    assert "quote not found in acme" in str(problems[2]) and str(problems[2]).startswith("line 5:")
    assert "missing field 'question'" in problems[3].message


def test_the_shipped_golden_set_is_valid_and_covers_what_the_issue_asks():
    from qa.ingest.policies import load_policies
    from tests.conftest import ROOT, SEED_POLICIES

    policies, _ = load_policies(SEED_POLICIES)
    questions, problems = load_golden(ROOT / "evals" / "golden.jsonl", {p.id: p for p in policies})
    assert problems == [] and len(questions) >= 80
    assert sum(1 for q in questions if q.policy is None and len(q.evidence) >= 2) >= 10
    assert sum(1 for q in questions if q.policy and not q.evidence) >= 10
    assert {q.policy for q in questions if q.policy} == {p.id for p in policies}


def test_the_fresh_seed_set_quotes_the_seed_policies_and_is_all_dev():
    from qa.ingest.policies import load_policies
    from tests.conftest import ROOT, SEED_POLICIES

    policies, _ = load_policies(SEED_POLICIES)
    questions, problems = load_golden(ROOT / "evals" / "seed_fresh.jsonl", {p.id: p for p in policies})
    assert problems == [] and len(questions) == 486 and {q.split for q in questions} == {"dev"}
    assert sum(1 for q in questions if q.policy is None) == 96  # "Which of these companies…?", five cells each


def test_squad_articles_become_policies_with_mapped_answer_offsets(tmp_path):
    data = {"data": [{"title": "Acme Corp", "paragraphs": [
        {"context": "We collect email.", "qas": [{"id": "a1", "question": "What?", "answers": [{"text": "email", "answer_start": 11}]}]},
        {"context": "We share with partners.", "qas": [
            {"id": "a2", "question": "Share?", "answers": [{"text": "partners", "answer_start": 14}]},
            {"id": "a3", "question": "Bad?", "answers": [{"text": "nope", "answer_start": 0}]}]},
    ]}]}
    path = tmp_path / "squad.json"
    path.write_text(json.dumps(data))
    policies, questions, problems = load_squad(path)
    assert policies[0].id == "acme-corp" and policies[0].text == "We collect email.\n\nWe share with partners."
    text = policies[0].text
    assert [text[q.evidence[0].start:q.evidence[0].end] for q in questions] == ["email", "partners"]
    assert len(problems) == 1 and "a3" in problems[0].message
    _, every_second, _ = load_squad(path, every=2)
    assert [q.id for q in every_second] == ["a2"]


OTA_CURRENT = ROOT.parent / "shared" / "data" / "open-terms-archive" / "current"


def _ota_set(name: str):
    """The policies an Open Terms Archive set in evals/ names, and its questions and problems read against them."""
    from qa.cli.eval import dataset_policies

    path = ROOT / "evals" / name
    policies = dataset_policies(path, OTA_CURRENT)
    return policies, *load_golden(path, {p.id: p for p in policies})


@pytest.mark.skipif(not OTA_CURRENT.is_dir(), reason="Open Terms Archive policies not on this machine")
def test_the_open_terms_archive_golden_set_quotes_the_policies_it_names():
    policies, questions, problems = _ota_set("ota_golden.jsonl")
    assert problems == [] and len(questions) == 1120 and len(policies) == 80
    assert all(q.scoped and q.policy for q in questions)
    assert {q.split for q in questions} == {"dev", "test"}
    dev = {q.policy for q in questions if q.split == "dev"}
    assert dev.isdisjoint({q.policy for q in questions if q.split == "test"})  # split by policy


@pytest.mark.skipif(not OTA_CURRENT.is_dir(), reason="Open Terms Archive policies not on this machine")
def test_the_fresh_open_terms_archive_set_quotes_its_policies_and_shares_none_with_the_golden_set():
    policies, questions, problems = _ota_set("ota_fresh.jsonl")
    assert problems == [] and len(questions) == 2972 and len(policies) == 214
    assert {q.split for q in questions} == {"dev"}
    assert {p.id for p in _ota_set("ota_golden.jsonl")[0]}.isdisjoint(p.id for p in policies)

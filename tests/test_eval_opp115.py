"""`policyqa eval --opp115`: cells against OPP-115 gold by hand-worked values, and the command end to end
on two tiny synthetic OPP-115 policies with the fake embedder."""

import csv
import json

import pytest

from qa.cli import main
from qa.eval.opp115 import by_topic, judge_cell, keyword_cell, scores, segmented_policy


def test_segments_keep_their_offsets_in_the_joined_text():
    policy = segmented_policy("7_acme.com", "Acme", ["We collect your name.", "We never sell data."])
    assert policy.policy.id == "acme-com" and policy.policy.text == "We collect your name.\n\nWe never sell data."
    start, end = policy.segments[1]
    assert policy.policy.text[start:end] == "We never sell data."
    assert policy.segment_at(start + 3, start + 8) == {1} and policy.segment_at(0, len(policy.policy.text)) == {0, 1}


def test_cells_are_judged_on_status_and_on_the_quote_segment():
    policy = segmented_policy("7_acme.com", "Acme", ["We collect your name.", "We never sell data."])
    sell = policy.segments[1]
    assert judge_cell(policy, "sale", [1], True, sell).evidence is True
    assert judge_cell(policy, "sale", [1], True, policy.segments[0]).evidence is False
    assert judge_cell(policy, "sale", [1], True, None).evidence is False
    assert judge_cell(policy, "sale", [], True, sell).evidence is None and not judge_cell(policy, "sale", [], True, sell).right
    assert judge_cell(policy, "sale", [], False, None).right
    keyword = keyword_cell(policy, "sale", [1])
    assert keyword.stated and keyword.evidence is True
    assert not keyword_cell(policy, "cookies", []).stated


def test_scores_match_hand_worked_values():
    a = segmented_policy("1_a.com", "A", ["x"])
    b = segmented_policy("2_b.com", "B", ["y"])
    cells = [judge_cell(a, "sale", [0], True, (0, 1)),    # gold stated, stated, evidence: right
             judge_cell(a, "cookies", [0], False, None),  # gold stated, not stated: wrong
             judge_cell(b, "sale", [], False, None),      # gold not stated, not stated: right
             judge_cell(b, "cookies", [], True, (0, 1))]  # gold not stated, stated: wrong
    got = scores(cells)
    assert got["cells"] == 4 and got["gold_stated"] == 2 and got["evidence_judged"] == 1
    assert got["cell_accuracy"]["value"] == pytest.approx(0.5)
    assert got["balanced_accuracy"]["value"] == pytest.approx(0.5)  # (1/2 + 1/2) / 2
    assert got["evidence_rate"]["value"] == pytest.approx(1.0)
    low, high = got["cell_accuracy"]["ci95"]
    assert low <= 0.5 <= high
    per = by_topic(cells, ["sale", "cookies"])
    assert per["sale"]["cell_accuracy"]["value"] == 1.0 and per["cookies"]["cell_accuracy"]["value"] == 0.0
    assert per["cookies"]["evidence_rate"]["value"] is None  # no cell stated by both


def _write_opp115(root, policies):
    """A synthetic `<root>/opp115` (sanitized policies and consolidated practices) and `<root>/policyqa/dev.json`."""
    html = root / "opp115" / "sanitized_policies"
    practices = root / "opp115" / "consolidation" / "threshold-0.75-overlap-similarity"
    html.mkdir(parents=True)
    practices.mkdir(parents=True)
    for stem, segments, labelled in policies:
        (html / f"{stem}.html").write_text("|||".join(segments), encoding="utf-8")
        with (practices / f"{stem}.csv").open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            for n, (segment, category, attributes) in enumerate(labelled):
                writer.writerow([n, 0, 0, 0, segment, category, json.dumps(attributes), "", ""])
    (root / "policyqa").mkdir()
    titles = [f"site{i}.com" for i in range(10)]
    (root / "policyqa" / "dev.json").write_text(json.dumps({"data": [{"title": t, "paragraphs": []} for t in titles]}))


def _attr(text, value="", start=0):
    return {"selectedText": text, "startIndexInSegment": start, "endIndexInSegment": start + len(text), "value": value}


@pytest.mark.slow
def test_eval_opp115_end_to_end_on_two_synthetic_policies(tmp_path, fake_model, capsys, monkeypatch):
    monkeypatch.setenv("POLICYQA_CACHE", str(tmp_path / "cache"))
    root = tmp_path / "data"
    _write_opp115(root, [
        ("1_alpha.com", ["Alpha collects your email address when you sign up.",
                         "We use cookies to remember your preferences.",
                         "Alpha will never sell your personal information to anyone."],
         [(0, "First Party Collection/Use", {"Personal Information Type": _attr("email address", "Contact")}),
          (1, "First Party Collection/Use", {"Personal Information Type": _attr("cookies", "Cookies and tracking elements", 7)}),
          (2, "Third Party Sharing/Collection", {"Does/Does Not": _attr("never sell", "Does Not", 11)})]),
        ("2_beta.com", ["Beta keeps your records for five years.", "Contact our privacy officer by email."],
         [(0, "Data Retention", {"Retention Period": _attr("five years", "Stated Period", 28)})]),
    ])
    assert main(["eval", "--opp115", str(root / "opp115"), "--model", "fake-embedder", "--reranker", "none",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["policies"] == ["1_alpha.com", "2_beta.com"]
    assert "legal-basis" not in report["topics"] and "sale" in report["topics"]
    overall = report["grid"]["all"]
    assert overall["cells"] == 2 * len(report["topics"])
    assert overall["gold_stated"] == 5  # alpha: data-collected, cookies (twice mapped), sharing, sale; beta: retention
    for system in ("grid", "keyword"):
        value = report[system]["all"]["cell_accuracy"]["value"]
        assert 0 <= value <= 1
    assert report["keyword"]["sale"]["cell_accuracy"]["value"] == 1.0  # "sell" only in alpha, which gold says states it
    assert main(["eval", "--opp115", str(root / "opp115"), "--model", "fake-embedder", "--reranker", "none"]) == 0
    out = capsys.readouterr().out
    assert "keyword accuracy" in out and "all topics" in out

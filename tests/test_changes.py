"""What changed (issue 25): re-indexing a new version of a policy reports, per topic, the cells whose
verdict or quote changed, old quote beside new; checked on Open Terms Archive's dated versions."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from qa.cli import main
from qa.compare.changes import CellChange, diff_caches
from qa.compare.grid import build_grid
from qa.compare.topics import load_topics

HISTORY = Path(__file__).resolve().parents[2] / "shared" / "data" / "open-terms-archive" / "history"


@pytest.fixture(autouse=True)
def _fake_models(monkeypatch, request):
    request.getfixturevalue("fake_model")
    monkeypatch.setenv("POLICYQA_RERANKER", "none")


def _build(policies: Path, index: Path) -> str:
    assert main(["index", "build", "--policies", str(policies), "--index", str(index), "--model", "fake-embedder"]) == 0
    return ""


def _no_engine():
    raise AssertionError("every cell should be cached")


def test_a_change_line_puts_the_old_quote_beside_the_new():
    change = CellChange("acme", "Acme", "retention", "Retention", "stated", "stated", "stated", "stated",
                        ("We keep your data for 2 years.",), ("We keep your data for 5 years.",))
    assert change.line() == ("Acme · Retention: was 'We keep your data for 2 years.', "
                             "now 'We keep your data for 5 years.'")
    gone = CellChange("acme", "Acme", "sale", "Sale", "stated", "not_stated", "no", "not_stated",
                      ("We never sell your data.",), ())
    assert gone.line() == "Acme · Sale: was 'We never sell your data.' (no), now not stated"


def test_only_columns_whose_policy_changed_are_compared():
    topics = load_topics()
    cell = {"status": "stated", "verdict": "stated", "quotes": [{"start": 0, "end": 3, "text": "old"}]}
    moved = {**cell, "quotes": [{"start": 9, "end": 12, "text": "old"}]}  # same words, other offsets
    before = {"columns": {"a": {"key": "1", "name": "A", "cells": {topics[0].key: cell, topics[1].key: cell}},
                          "b": {"key": "1", "name": "B", "cells": {topics[0].key: cell}}}}
    new = {**cell, "quotes": [{"start": 0, "end": 3, "text": "new"}]}
    after = {"columns": {"a": {"key": "2", "name": "A", "cells": {topics[0].key: new, topics[1].key: moved}},
                         "b": {"key": "1", "name": "B", "cells": {topics[0].key: new}}}}
    changes = diff_caches(before, after, topics)
    assert [(c.policy, c.topic, c.was, c.now) for c in changes] == [("a", topics[0].id, ("old",), ("new",))]


@pytest.mark.slow
@pytest.mark.skipif(not (HISTORY / "parler").is_dir(), reason="../shared/data/open-terms-archive is not here")
def test_reindexing_a_dated_version_reports_every_changed_topic_and_nothing_else(tmp_path, capsys):
    versions = sorted((HISTORY / "parler").glob("*.md"))
    old, new = versions[0], versions[3]  # 2022-07-11 and 2024-12-04
    policies, index = tmp_path / "policies", tmp_path / "index"
    policies.mkdir()
    shutil.copyfile(old, policies / "parler.md")
    _build(policies, index)
    before = build_grid(index)
    shutil.copyfile(new, policies / "parler.md")
    capsys.readouterr()
    _build(policies, index)
    out = capsys.readouterr().out
    after = build_grid(index, engine_factory=_no_engine)

    def view(grid, topic):
        cell = grid.cell(topic.id, "parler")
        return cell.status, cell.verdict, tuple(q.text for q in cell.quotes)

    expected = [t.id for t in after.topics if view(before, t) != view(after, t)]
    assert expected, "two versions two years apart should differ somewhere"
    assert main(["compare", "--changes", "--json", "--index", str(index)]) == 0
    report = json.loads(capsys.readouterr().out)
    assert [c["topic"] for c in report["changes"]] == expected
    for change in report["changes"]:
        topic = next(t for t in after.topics if t.id == change["topic"])
        assert tuple(change["was"]["quotes"]) == view(before, topic)[2]
        assert tuple(change["now"]["quotes"]) == view(after, topic)[2]
    shown = [line for line in out.splitlines() if " — " in line]
    assert len(shown) == len(expected) and all("was " in line and ", now " in line for line in shown)

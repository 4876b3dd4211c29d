"""`policyqa eval` end to end with the fake embedder: table, JSON, report, misses, bad lines, Ctrl-C."""

import json
import re

import pytest

from qa.cli import main
from qa.eval.datasets import load_golden
from qa.eval.evaluation import evaluate
from qa.search.engine import Engine
from tests.conftest import ROOT

GOLDEN = ROOT / "evals" / "golden.jsonl"


@pytest.fixture
def index(seed_policies, tmp_path, fake_model, capsys):
    folder = tmp_path / "index"
    assert main(["index", "build", "--policies", str(seed_policies), "--index", str(folder), "--quiet",
                 "--model", "fake-embedder"]) == 0
    capsys.readouterr()
    return folder


def test_table_has_a_column_per_system_and_a_table_per_golden_part(index, capsys):
    assert main(["eval", "--dataset", str(GOLDEN), "--index", str(index), "--retriever", "dense"]) == 0
    out = capsys.readouterr().out
    assert "hit@1" in out and "MRR@10" in out and "nDCG@10" in out and "p95 ms" in out
    headers = [line.split() for line in out.splitlines() if line.startswith("metric ")]
    assert headers == [["metric", "dense"], ["metric", "dense"]]  # dev, then test
    lines = out.splitlines()
    assert any(line.startswith("dev: ") for line in lines) and any(line.startswith("test: ") for line in lines)
    hit1 = next(line for line in lines if line.startswith("hit@1 "))
    assert re.search(r"\d\.\d{3} \[\d\.\d{3}, \d\.\d{3}\]$", hit1)  # the mean and its 95% interval
    assert '"not stated": practice not addressed' in out and '"not stated": company not indexed' in out
    assert "verdict and quote right" in out and "gold / given" in out


def test_split_picks_one_golden_part_and_json_reports_both_with_intervals(index, tmp_path, capsys):
    rows = [json.loads(line) for line in GOLDEN.read_text().splitlines()]
    dev = sum(row["split"] == "dev" for row in rows)
    assert main(["eval", "--dataset", str(GOLDEN), "--index", str(index), "--retriever", "dense", "--json",
                 "--split", "dev"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["retrievers"]["dense"]["questions"] == dev and "parts" not in report
    assert main(["eval", "--dataset", str(GOLDEN), "--index", str(index), "--retriever", "dense", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    parts = report["parts"]
    assert parts["dev"]["retrievers"]["dense"]["questions"] == dev
    assert parts["test"]["retrievers"]["dense"]["questions"] == len(rows) - dev
    metrics = parts["test"]["retrievers"]["dense"]
    low, high = metrics["ci95"]["mrr@10"]
    assert low <= metrics["mrr@10"] <= high
    assert set(parts["test"]["verdict_confusion"]["dense"]) <= {"yes", "no", "stated", "not_stated"}
    assert report["settings"]["intervals"].startswith("95%, bootstrap by policy, 1000 resamples")


def test_split_is_checked_against_the_dataset(index, capsys):
    assert main(["eval", "--dataset", str(GOLDEN), "--index", str(index), "--split", "train"]) == 2
    assert "--split train needs --squad" in capsys.readouterr().err


def test_misses_of_the_test_part_are_not_shown(index, capsys):
    assert main(["eval", "--dataset", str(GOLDEN), "--index", str(index), "--retriever", "dense",
                 "--split", "test", "--show-misses", "3"]) == 0
    out = capsys.readouterr().out
    assert "misses of the test part are not shown" in out and "Worst 3" not in out


@pytest.mark.slow
def test_json_metrics_are_in_range(index, capsys):
    assert main(["eval", "--dataset", str(GOLDEN), "--index", str(index), "--json", "--k", "3"]) == 0
    report = json.loads(capsys.readouterr().out)
    metrics = report["retrievers"]["dense"]
    for key in ["hit@1", "hit@3", "recall@3", "mrr@10", "ndcg@10"]:
        assert 0.0 <= metrics[key] <= 1.0
    assert metrics["hit@1"] <= metrics["hit@3"]
    assert metrics["questions"] >= 80 and metrics["answerable"] < metrics["questions"]
    assert report["settings"]["k"] == 3
    assert report["settings"]["retrieval"] == {"sentence_weight": 0.5, "hybrid_weight": 0.8, "candidates": 50,
                                               "abstain_below": 0.49, "rerank_depth_single": 20,
                                               "rerank_depth_multi": 8, "across_score": 1.0}  # the engine's RetrievalSettings


@pytest.mark.slow
def test_markdown_report_and_misses(index, tmp_path, capsys):
    out = tmp_path / "report.md"
    assert main(["eval", "--dataset", str(GOLDEN), "--index", str(index), "--out", str(out),
                 "--show-misses", "3"]) == 0
    printed = capsys.readouterr().out
    assert "Worst 3 questions for hybrid:" in printed  # of the dev part: the test part's misses are not read
    report = out.read_text()
    assert report.startswith("# policyqa evaluation") and "| metric | hybrid | dense | bm25 |" in report
    assert "## dev: " in report and "## test: " in report and "## Misses (hybrid, dev part" in report
    assert "fake-embedder" in report


def test_bad_dataset_lines_are_reported_and_skipped(index, tmp_path, capsys):
    dataset = tmp_path / "bad.jsonl"
    dataset.write_text(GOLDEN.read_text().splitlines()[0] + "\n{broken\n"
                       + json.dumps({"id": "x", "question": "q", "answers": [{"policy": "concero", "quote": "nowhere to be found"}]}) + "\n")
    code = main(["eval", "--dataset", str(dataset), "--index", str(index)])
    captured = capsys.readouterr()
    assert code == 1
    assert "line 2:" in captured.err and "line 3: quote not found in concero" in captured.err
    assert "1 questions" in captured.out


def test_dataset_lines_in_any_order_of_fault_are_reported_by_line(index, tmp_path, capsys):
    """Lines that are not JSON objects and lines with bad fields come back in line order, from one reader."""
    dataset = tmp_path / "bad.jsonl"
    dataset.write_text(json.dumps({"id": "a", "answers": []}) + "\n[1, 2]\n" + GOLDEN.read_text().splitlines()[0] + "\n")
    assert main(["eval", "--dataset", str(dataset), "--index", str(index)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert [line.split(": ")[2] for line in err if ": line " in line] == ["line 1", "line 2"]
    assert "line 2: expected a JSON object, got list" in err[1]


def test_a_dataset_that_is_not_utf8_is_one_line_with_exit_2(index, tmp_path, capsys):
    dataset = tmp_path / "latin1.jsonl"
    dataset.write_bytes('{"id": "a", "question": "caf\u00e9?", "answers": []}\n'.encode("latin-1"))
    assert main(["eval", "--dataset", str(dataset), "--index", str(index)]) == 2
    err = capsys.readouterr().err
    assert f"cannot read questions file {dataset}" in err and len(err.strip().splitlines()) == 1


def test_unknown_retriever_is_a_usage_error(index, capsys):
    assert main(["eval", "--index", str(index), "--retriever", "dense,magic"]) == 2
    assert "unknown retriever magic" in capsys.readouterr().err


def test_ctrl_c_keeps_what_was_measured(index, fake_embedder):
    engine = Engine.open(index, embedder_factory=lambda model: fake_embedder)
    questions, _ = load_golden(GOLDEN, engine.policies)
    calls = {"n": 0}
    real_answer = engine.answer

    def interrupting_answer(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] > 7:
            raise KeyboardInterrupt
        return real_answer(*args, **kwargs)

    engine.answer = interrupting_answer
    runs, interrupted = evaluate(engine, questions, ["dense"], k=5)
    assert interrupted and len(runs[0].results) == 7
    assert runs[0].metrics(5)["questions"] == 7


def test_a_dataset_over_another_folder_indexes_only_the_policies_it_names(seed_policies, tmp_path, fake_model,
                                                                         monkeypatch, capsys):
    from qa.cli.eval import dataset_policies

    monkeypatch.setenv("POLICYQA_MODEL", fake_model)
    text = (seed_policies / "concero.txt").read_text(encoding="utf-8")
    quote = next(line.strip() for line in text.splitlines() if len(line.strip()) > 60)
    dataset = tmp_path / "other.jsonl"
    dataset.write_text(json.dumps({"id": "o1", "question": "What does it say?", "policy": "concero", "scoped": True,
                                   "answers": [{"policy": "concero", "quote": quote}], "split": "dev"}) + "\n")
    assert [p.id for p in dataset_policies(dataset, seed_policies)] == ["concero"]
    assert main(["eval", "--dataset", str(dataset), "--policies", str(seed_policies), "--retriever", "dense",
                 "--json"]) == 0
    report = json.loads(capsys.readouterr().out)
    assert report["retrievers"]["dense"]["questions"] == 1
    missing = tmp_path / "missing.jsonl"
    missing.write_text(json.dumps({"id": "o2", "question": "Anything?", "policy": "nobody", "answers": []}) + "\n")
    assert main(["eval", "--dataset", str(missing), "--policies", str(seed_policies)]) == 2
    assert "nobody" in capsys.readouterr().err

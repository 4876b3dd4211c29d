"""Index selection (exact below a size, IVF above it, recall against exact search) and a smoke run of the
benchmark's phases on a tiny corpus with the fake embedder."""

from __future__ import annotations

import argparse
import json

import faiss
import numpy as np
import pytest

from qa.bench import serve
from qa.bench.cli import add_bench_parser, cmd_bench, scratch_folder
from qa.bench.corpus import synthetic_corpus
from qa.bench.measure import folder_bytes, summary_ms
from qa.bench.plot import plot
from qa.bench.report import markdown, targets
from qa.bench.synthetic import task_synthetic_build
from qa.config import BuildSettings
from qa.index import vectors as vectors_module
from qa.index.build import build_index
from qa.index.store import load_index
from qa.index.vectors import make_faiss_index, search_parameters
from qa.tables import machine
from tests.conftest import ROOT, SEED_POLICIES, FakeEmbedder

pytestmark = pytest.mark.slow  # the bench harness and ANN recall on synthetic corpora (left out by `make test-fast`)

GOLDEN = ROOT / "evals" / "golden.jsonl"


def normalised_rows(matrix: np.ndarray) -> np.ndarray:
    return (matrix / np.linalg.norm(matrix, axis=1, keepdims=True)).astype(np.float32)


def random_normalised(n: int, d: int = 384, seed: int = 0) -> np.ndarray:
    return normalised_rows(np.random.default_rng(seed).standard_normal((n, d)))


def clustered_normalised(n: int, d: int = 384, centres: int = 300, seed: int = 0) -> np.ndarray:
    """Random normalised vectors around random centres: structure an IVF index can exploit, as real embeddings have."""
    rng = np.random.default_rng(seed)
    base = random_normalised(centres, d, seed + 1)
    return normalised_rows(base[rng.integers(0, centres, n)] + 0.6 * normalised_rows(rng.standard_normal((n, d))))


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    return np.argsort(-(queries @ vectors.T), axis=1)[:, :k]


def recall_at(found: np.ndarray, exact: np.ndarray) -> float:
    return float(np.mean([len(set(f) & set(e)) / exact.shape[1] for f, e in zip(found.tolist(), exact.tolist())]))


# -- index selection -------------------------------------------------------------------------------------

def test_below_the_threshold_the_index_is_exact_flat():
    vectors = random_normalised(500, 32)
    index, kind = make_faiss_index(vectors)
    assert kind == "IndexFlatIP" and isinstance(index, faiss.IndexFlatIP) and index.ntotal == 500
    empty, kind = make_faiss_index(np.zeros((0, 32), dtype=np.float32))
    assert kind == "IndexFlatIP" and empty.ntotal == 0


def test_above_the_threshold_the_index_is_ivf_with_reconstruct(monkeypatch):
    monkeypatch.setattr(vectors_module, "FLAT_MAX_VECTORS", 1_000)
    vectors = clustered_normalised(3_000, 64)
    index, kind = make_faiss_index(vectors)
    assert isinstance(index, faiss.IndexIVFFlat) and kind.startswith("IndexIVFFlat(")
    assert f"nprobe={index.nprobe}" in kind and 1 <= index.nprobe <= index.nlist
    rows = np.array([0, 17, 2_999])
    np.testing.assert_array_equal(index.reconstruct_batch(rows), vectors[rows])  # exact re-scoring needs it
    np.testing.assert_array_equal(index.reconstruct_n(0, index.ntotal), vectors)  # incremental builds need it


def test_threshold_boundary_is_inclusive(monkeypatch):
    monkeypatch.setattr(vectors_module, "FLAT_MAX_VECTORS", 1_000)
    assert make_faiss_index(random_normalised(1_000, 16))[1] == "IndexFlatIP"
    assert make_faiss_index(random_normalised(1_001, 16))[1].startswith("IndexIVFFlat")


@pytest.mark.parametrize("make", [random_normalised, clustered_normalised], ids=["uniform", "clustered"])
def test_ann_recall_at_10_against_exact_is_at_least_098(monkeypatch, make):
    monkeypatch.setattr(vectors_module, "FLAT_MAX_VECTORS", 10_000)
    vectors = make(20_000, 128, seed=3)
    index, _ = make_faiss_index(vectors)
    assert isinstance(index, faiss.IndexIVF)
    rng = np.random.default_rng(11)
    # Queries near stored vectors, as a question is near its answer (cosine ~0.7); uniformly random
    # ones only for uniform data, where they are the same thing: on clustered data they would ask
    # for neighbours spread over every cluster, which no question about these texts does.
    queries = normalised_rows(vectors[rng.integers(0, len(vectors), 200)] + normalised_rows(rng.standard_normal((200, 128))))
    if make is random_normalised:
        queries = np.concatenate([queries, random_normalised(100, 128, seed=12)])
    _, found = index.search(queries, 10)
    assert recall_at(found, exact_top(vectors, queries, 10)) >= 0.98
    if make is clustered_normalised:
        assert index.nprobe < index.nlist  # structure lets it scan a fraction of the cells


def test_ivf_index_keeps_nprobe_and_direct_map_through_save_and_load(monkeypatch, tmp_path):
    monkeypatch.setattr(vectors_module, "FLAT_MAX_VECTORS", 1_000)
    vectors = clustered_normalised(4_000, 32)
    index, _ = make_faiss_index(vectors)
    faiss.write_index(index, str(tmp_path / "v.faiss"))
    loaded = faiss.read_index(str(tmp_path / "v.faiss"))
    assert isinstance(loaded, faiss.IndexIVFFlat) and loaded.nprobe == index.nprobe
    np.testing.assert_array_equal(loaded.reconstruct_batch(np.array([5, 3_999])), vectors[[5, 3_999]])


def test_search_parameters_restrict_to_the_rows_given(monkeypatch):
    monkeypatch.setattr(vectors_module, "FLAT_MAX_VECTORS", 1_000)
    vectors = clustered_normalised(5_000, 32)
    ivf, _ = make_faiss_index(vectors)
    flat, _ = make_faiss_index(vectors[:900])
    query = vectors[:1]
    assert search_parameters(ivf, None) is None
    for rows in (np.arange(1_000, 1_040), np.array([3, 70, 4_000, 4_999])):  # a range, and scattered rows
        _, found = ivf.search(query, 10, params=search_parameters(ivf, rows))
        found = found[0][found[0] >= 0]
        assert set(found) <= set(rows.tolist())
        # A small scope is searched in every cell, so it is exact.
        assert list(found) == rows[exact_top(vectors[rows], query, len(found))[0]].tolist()
    _, found = flat.search(query, 5, params=search_parameters(flat, np.arange(100, 200)))
    assert set(found[0]) <= set(range(100, 200))


def test_build_records_the_ann_type_in_the_manifest(monkeypatch, tmp_path):
    monkeypatch.setattr(vectors_module, "FLAT_MAX_VECTORS", 100)  # the seed corpus' 120 passages then get IVF
    report = build_index(SEED_POLICIES, tmp_path / "index", BuildSettings(model="fake-embedder"),
                         lambda: FakeEmbedder())
    assert report.index.manifest["faiss_index"].startswith("IndexIVFFlat(")
    loaded = load_index(tmp_path / "index", model="fake-embedder")
    assert json.loads((tmp_path / "index" / "manifest.json").read_text())["faiss_index"].startswith("IndexIVFFlat")
    assert isinstance(loaded.vectors.faiss, faiss.IndexIVFFlat) and isinstance(loaded.sentence_vectors.faiss, faiss.IndexIVFFlat)
    np.testing.assert_allclose(loaded.vectors.reconstruct(3), report.index.vectors.reconstruct(3))


def test_retrieval_restricted_to_a_policy_works_on_an_ivf_index(monkeypatch, tmp_path):
    from qa.search.engine import Engine

    monkeypatch.setattr(vectors_module, "FLAT_MAX_VECTORS", 100)
    fake = FakeEmbedder()
    report = build_index(SEED_POLICIES, tmp_path / "index", BuildSettings(model="fake-embedder"), lambda: fake)
    assert isinstance(report.index.vectors.faiss, faiss.IndexIVFFlat)
    question = "How long does Concero keep phone call recordings?"
    # An IVF index needs its own search parameters: without them faiss raises "IndexIVF params have
    # incorrect type" on a search restricted to one policy's rows.
    hits = Engine(report.index, fake).search(question, k=3, policies=["concero"])
    assert hits and {h.policy for h in hits} == {"concero"}
    monkeypatch.setattr(vectors_module, "FLAT_MAX_VECTORS", 20_000)  # the same corpus, exact
    flat = build_index(SEED_POLICIES, tmp_path / "flat", BuildSettings(model="fake-embedder"), lambda: fake)
    assert [h.passage_id for h in Engine(flat.index, fake).search(question, k=3, policies=["concero"])] == \
        [h.passage_id for h in hits]


# -- the benchmark -------------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def fake_seed_index(tmp_path_factory):
    folder = tmp_path_factory.mktemp("bench-seed") / "index"
    build_index(SEED_POLICIES, folder, BuildSettings(model="fake-embedder"), lambda: FakeEmbedder())
    return folder


def test_disk_size_counts_the_generation_folder(fake_seed_index):
    """The index's files live in its generation folder (the bench once reported 0.00 MB: only manifest.json)."""
    sizes = folder_bytes(fake_seed_index)
    assert {"manifest.json", "vectors.faiss", "sentences.faiss", "passages.jsonl", "bm25/"} <= set(sizes)
    assert sizes["total"] == sum(p.stat().st_size for p in fake_seed_index.rglob("*") if p.is_file())
    assert sizes["vectors.faiss"] > 0 and sizes["bm25/"] > 0


def test_synthetic_corpus_quotes_its_own_text_and_keeps_the_seed_policies(fake_seed_index):
    seed = load_index(fake_seed_index)
    policies, passages, spans, passage_vectors, sentence_vectors = synthetic_corpus(
        seed, 2_000, np.random.default_rng(0))
    assert len(passages) == 2_000 and set(policies) == set(seed.policies)
    assert {p.name for p in policies.values()} == {p.name for p in seed.policies.values()}
    for passage in passages[::37]:
        assert policies[passage.policy].text[passage.start:passage.end] == passage.text
    seed_sentences = {seed.policies[seed.passages[r].policy].text[s:e] for r, s, e in seed.sentences.tolist()}
    for row, start, end in spans[::53].tolist():
        sentence = policies[passages[row].policy].text[start:end]
        assert sentence in seed_sentences and passages[row].start <= start < end <= passages[row].end
    assert np.all(np.diff(spans[:, 0]) >= 0)  # sentences in passage order, as a build writes them
    assert passage_vectors.shape == (2_000, seed.vectors.d) and sentence_vectors.shape == (len(spans), seed.vectors.d)
    np.testing.assert_allclose(np.linalg.norm(sentence_vectors, axis=1), 1.0, atol=1e-5)
    np.testing.assert_allclose(np.linalg.norm(passage_vectors, axis=1), 1.0, atol=1e-5)
    assert len({p.id for p in passages}) == len(passages)


def test_bench_phases_smoke_on_a_tiny_corpus(monkeypatch, fake_seed_index, tmp_path):
    monkeypatch.setattr(serve, "TIMED_SECONDS", 5.0)
    fake = FakeEmbedder()
    questions = tmp_path / "questions.jsonl"
    questions.write_text("".join(json.dumps({"id": f"q{i}", "question": q}) + "\n" for i, q in enumerate([
        "How long does Concero keep phone call recordings?", "Do they use cookies?",
        "Which companies tell me I can complain to the ICO?"])))
    synthetic = task_synthetic_build(str(fake_seed_index), 1_500, str(tmp_path / "synthetic"), str(questions),
                                     embedder=fake)
    assert synthetic["faiss_index"] == "IndexFlatIP" and synthetic["disk_bytes"]["total"] > 0
    assert all(value == 1.0 for value in synthetic["recall_at_10"].values())  # exact index: exact results
    served = {label: serve.task_serve(str(folder), str(questions), baseline=False,
                                      embedder_factory=lambda model: fake)
              for label, folder in (("seed", fake_seed_index), ("1500", tmp_path / "synthetic"))}
    assert served["1500"]["passages"] == 1_500 and served["seed"]["answer_ms"]["n"] == 3
    assert served["seed"]["answer_ms"]["p50"] > 0 and served["seed"]["peak_rss_mb"] > 0
    for key in ("routing_ms", "search_all_ms", "answer_unrouted_new_ms", "answer_unrouted_warm_ms"):
        assert served["seed"][key]["n"] == len(serve.UNROUTED) and served["seed"][key]["p50"] > 0, key
    results = {"command": "policyqa bench", "started": "now", "machine": machine(), "sizes": [1_500],
               "serve": served, "synthetic": {"1500": synthetic}, "load_average_end": None, "total_s": 1.0,
               "seed_disk_bytes": folder_bytes(fake_seed_index)}
    results["targets"] = targets(results)
    out = tmp_path / "out"
    out.mkdir()
    plot(results, out / "latency.png")
    (out / "report.md").write_text(markdown(results))
    assert (out / "latency.png").read_bytes()[:8] == b"\x89PNG\r\n\x1a\n"
    report = (out / "report.md").read_text()
    assert "## Machine" in report and "## Warm per-question latency" in report and "1,500" in report
    json.dumps(results)  # report.json must be plain JSON


def test_summary_ms_percentiles_by_hand():
    summary = summary_ms([float(x) for x in range(1, 101)])
    assert summary["n"] == 100 and summary["p50"] == 50.5 and summary["p95"] == 95.05 and summary["max"] == 100
    assert summary_ms([])["p50"] is None


def test_bench_parser_reads_sizes_and_rejects_bad_ones():
    parser = argparse.ArgumentParser(prog="policyqa")
    add_bench_parser(parser.add_subparsers(dest="command"))
    args = parser.parse_args(["bench", "--sizes", "30000,300_000", "--quick"])
    assert args.sizes == [30_000, 300_000] and args.quick and args.func is cmd_bench
    for bad in ("abc", "10"):
        with pytest.raises(SystemExit):
            parser.parse_args(["bench", "--sizes", bad])


def test_targets_compare_each_measure_with_its_goal():
    results = {"serve": {"seed": {"answer_ms": {"p50": 8.0}, "plain": {"answer_ms": {"p50": 17.0}}},
                         "300000": {"answer_ms": {"p95": 30.0}}},
               "backends": {"default_backend": "onnx-int8", "backends": {"onnx-int8": {"passages_per_s": 30.0}},
                            "plain_encode": {"passages_per_s": 10.0}},
               "cold_start": {"cli": {"ask_first_answer_s": {"median": 2.0}, "help_s": {"median": 0.6}}},
               "synthetic": {"30000": {"recall_at_10": {"passages": 0.99, "sentences": 0.985}}}}
    met = {row["target"]: row["met"] for row in targets(results)}
    assert met == {"warm latency p50, seed corpus, without the reranker": True,
                   "warm latency p95, 300,000 passages, without the reranker": False,
                   "build throughput vs plain encode": True, "`policyqa ask`, cold process to first answer": True,
                   "`policyqa --help`": False, "ANN recall@10 vs exact (worst of all)": True}


def test_a_synthetic_corpus_spreads_over_many_companies_and_keeps_the_seed_ones(fake_seed_index):
    import numpy as np

    from qa.bench.corpus import synthetic_corpus
    from qa.index.store import load_index
    from qa.search.names import match_names

    seed = load_index(fake_seed_index)
    policies, passages, _, vectors, _ = synthetic_corpus(seed, 2_000, np.random.default_rng(1), companies=100)
    assert len(policies) == 100 and set(seed.policies) <= set(policies) and len(vectors) == 2_000
    assert {p.policy for p in passages} == set(policies)
    assert all(policies[pid].text[p.start:p.end] == p.text for pid, p in ((p.policy, p) for p in passages[::97]))
    assert match_names("How long does Concero keep call recordings?", policies).policies == ("concero",)


def test_the_scratch_folder_is_made_inside_a_work_folder_that_does_not_exist_yet(tmp_path):
    work = tmp_path / "not" / "yet"
    first, second = scratch_folder(work), scratch_folder(work)
    assert first.parent == second.parent == work and first != second and first.is_dir()
    (tmp_path / "a-file").write_text("x")
    with pytest.raises(OSError):  # a file where the folder should be: the CLI's one-line error
        scratch_folder(tmp_path / "a-file")

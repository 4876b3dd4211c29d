"""`policyqa bench`: how fast policyqa is on this machine, beside a plain sentence-transformers + FAISS pipeline.

What is measured, and on what:

- embedding backends (PyTorch, ONNX float32, ONNX int8) on the seed policies, each with real vectors:
  a full index build (passages per second), one question's embedding, and golden-set quality;
  the plain baseline is `SentenceTransformer.encode` of the same texts;
- warm per-question latency, end to end (`Engine.answer`: routing, retrieval, highlighting), and the
  bare FAISS search, over the golden questions, for the seed index and for synthetic corpora of about
  30,000 and 300,000 passages; the plain baseline embeds each question with PyTorch and searches an
  exact IndexFlatIP of the same passage vectors;
- the approximate index's recall@10 against exact search, for the golden questions' real vectors;
- cold start: process start to first answer for `policyqa ask` and for the Streamlit chat, `--help`;
- peak memory (RSS) of the process that serves each index, and the index's size on disk.

Synthetic corpora are made here and deleted afterwards, never committed: the seed policies' sentences
recombined into the five seed policies (same ids, names and aliases, so each golden question is routed
as on the seed corpus), 2-6 sentences a passage. Embedding 300,000 passages and 1.2 million sentences
would take hours here, so their vectors are synthetic: each sentence's real vector from the seed index
(and for a passage, the mean of its sentences'), plus Gaussian noise of length 0.5, at unit length. Purely
random vectors would not do: no question is near any of them, and every approximate index would have to
scan everything to find their arbitrary nearest neighbours. Questions are always embedded for real.

Each phase runs in a child process, so its peak RSS is its own and no model stays loaded into the next.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import replace
from pathlib import Path

from qa.config import PROJECT_ROOT

DEFAULT_SIZES = (30_000, 300_000)
SENTENCES_PER_PASSAGE = (2, 6)  # inclusive range, drawn uniformly
PASSAGES_PER_SECTION = 8
VECTOR_NOISE = 0.5  # length of the Gaussian noise added to a synthetic vector before normalising
TIMED_SECONDS = 120.0  # a latency run stops after this long and reports the questions it timed
SYNTHETIC_SEED = 7
TARGETS = {
    "seed_p50_ms": 10.0,  # warm per-question latency p50 on the seed corpus
    "large_p95_ms": 25.0,  # warm per-question latency p95 at 300,000 passages
    "build_speedup": 2.0,  # build throughput over plain sentence-transformers encode
    "ask_cold_s": 4.0,
    "help_s": 0.5,
    "recall_at_10": 0.98,
    "rerank_p50_ms": 250.0,  # warm latency with the reranker, seed corpus (the trust issue's budget)
    "rerank_p95_ms": 600.0,
}

# Wall-clock start of the whole run, shared with the child processes so their messages line up.
_started = float(os.environ.setdefault("POLICYQA_BENCH_STARTED", str(time.time())))


def _say(message: str) -> None:
    print(f"[bench {time.time() - _started:6.1f}s] {message}", file=sys.stderr, flush=True)


def _sentence_transformer(model_id: str):
    """The plain baseline's model: sentence-transformers on PyTorch, as a plain pipeline loads it."""
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    from sentence_transformers import SentenceTransformer
    from transformers.utils import logging as hf_logging

    from qa.embed.base import resolve_model_path

    hf_logging.disable_progress_bar()
    return SentenceTransformer(resolve_model_path(model_id), device="cpu")


# -- small measurements --------------------------------------------------------------------------------

def summary_ms(samples: list[float]) -> dict:
    """p50, p95, mean and max of latencies in milliseconds, and how many there were."""
    import numpy as np

    if not samples:
        return {"n": 0, "p50": None, "p95": None, "mean": None, "max": None}
    values = np.asarray(samples, dtype=np.float64)
    return {"n": len(samples), "p50": round(float(np.percentile(values, 50)), 3),
            "p95": round(float(np.percentile(values, 95)), 3), "mean": round(float(values.mean()), 3),
            "max": round(float(values.max()), 3)}


def _status_kb(field: str) -> int:
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith(field + ":"):
                return int(line.split()[1])
    except OSError:
        pass
    import resource

    return int(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)  # kB on Linux


def peak_rss_mb() -> float:
    """This process's peak resident memory so far (VmHWM), in MB."""
    return round(_status_kb("VmHWM") / 1024, 1)


def folder_bytes(folder: Path) -> dict[str, int]:
    """Size of each file in `folder`, and the total under "total"."""
    sizes = {p.name: p.stat().st_size for p in sorted(folder.iterdir()) if p.is_file()}
    sizes["total"] = sum(sizes.values())
    return sizes


def machine() -> dict:
    """CPU, memory, OS and library versions: what the numbers were measured on."""
    cpu = ""
    try:
        match = re.search(r"^model name\s*:\s*(.+)$", Path("/proc/cpuinfo").read_text(), re.MULTILINE)
        cpu = match.group(1).strip() if match else ""
    except OSError:
        pass
    memory_gb = None
    try:
        match = re.search(r"^MemTotal:\s+(\d+) kB", Path("/proc/meminfo").read_text(), re.MULTILINE)
        memory_gb = round(int(match.group(1)) / 1024 / 1024, 1) if match else None
    except OSError:
        pass
    versions = {}
    for name in ("numpy", "faiss-cpu", "onnxruntime", "torch", "sentence-transformers", "transformers",
                 "bm25s", "streamlit"):
        try:
            from importlib.metadata import version

            versions[name] = version(name)
        except Exception:  # noqa: BLE001 - a missing package is just not listed
            versions[name] = None
    return {"cpu": cpu or platform.processor(), "cores": os.cpu_count(), "memory_gb": memory_gb,
            "os": f"{platform.system()} {platform.release()}", "python": platform.python_version(),
            "versions": versions, "load_average": _load()}


def _load() -> list[float] | None:
    try:
        return [round(x, 2) for x in os.getloadavg()]
    except OSError:
        return None


def read_questions(path: Path) -> list[str]:
    """The question texts of a golden-set JSON-lines file, in file order."""
    questions = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            if str(row.get("question", "")).strip():
                questions.append(str(row["question"]))
    if not questions:
        raise ValueError(f"no questions in {path}")
    return questions


# -- child processes -------------------------------------------------------------------------------------

def _run_child(task: str, **kwargs) -> dict:
    """Run `task` (a function of this module) in a fresh Python process; returns what it returned."""
    code = "import sys; from qa.bench import _child_main; sys.exit(_child_main())"
    result = subprocess.run([sys.executable, "-c", code, task, json.dumps(kwargs)], stdout=subprocess.PIPE,
                            text=True, cwd=PROJECT_ROOT)
    lines = [line for line in result.stdout.splitlines() if line.startswith("{")]
    if result.returncode != 0 or not lines:
        raise RuntimeError(f"bench phase '{task}' failed (exit {result.returncode}); see the messages above")
    return json.loads(lines[-1])


def _child_main() -> int:
    task, kwargs = sys.argv[1], json.loads(sys.argv[2])
    result = _TASKS[task](**kwargs)
    print(json.dumps(result))
    return 0


# -- phase: embedding backends on the seed policies ---------------------------------------------------------

def task_backends(policies: str, questions_file: str, work: str, backends: list[str]) -> dict:
    """Full seed builds, question embedding and golden quality per backend; the plain encode baseline."""
    from qa.index.build import build_index, embedding_text, unit_embedding_text
    from qa.eval.datasets import load_golden
    from qa.embed.base import DEFAULT_BACKEND
    from qa.embed.sentence import SentenceEmbedder
    from qa.search.engine import Engine
    from qa.eval.evaluation import evaluate
    from qa.config import BuildSettings

    settings = BuildSettings()
    questions = read_questions(Path(questions_file))
    out: dict = {"default_backend": DEFAULT_BACKEND, "backends": {}}
    texts: list[str] = []
    passages = 0
    for backend in backends:
        _say(f"backend {backend}: loading")
        started = time.perf_counter()
        embedder = SentenceEmbedder(settings.model, backend=backend)
        load_s = time.perf_counter() - started
        if embedder.backend != backend:
            out["backends"][backend] = {"unavailable": f"fell back to {embedder.backend}"}
            continue
        folder = Path(work) / f"seed-{backend}"
        _say(f"backend {backend}: full build of the seed index")
        report = build_index(Path(policies), folder, settings, lambda: embedder, full=True)
        index = report.index
        if not texts:
            passages = len(index.passages)
            texts = [embedding_text(index.policies[p.policy], p, settings) for p in index.passages]
            texts += [unit_embedding_text(index.policies[index.passages[row].policy], index.passages[row],
                                          (start, end), settings) for row, start, end in index.units.tolist()]
        for q in questions[:5]:
            embedder.embed_query([q])
        embed_ms = []
        for q in questions:
            t = time.perf_counter()
            embedder.embed_query([q])
            embed_ms.append((time.perf_counter() - t) * 1000)
        engine = Engine(index, embedder)
        golden, _ = load_golden(Path(questions_file), engine.policies)
        runs, _ = evaluate(engine, golden, ["hybrid"], 5)
        quality = {k: round(v, 4) for k, v in runs[0].metrics(5).items()
                   if k in ("hit@1", "hit@3", "hit@5", "recall@5", "mrr@10", "ndcg@10", "abstain_unanswerable")}
        out["backends"][backend] = {
            "load_s": round(load_s, 3), "build_s": round(report.seconds, 3), "passages": report.passages,
            "texts_embedded": report.embedded,
            "passages_per_s": round(report.passages / report.seconds, 2),
            "texts_per_s": round(report.embedded / report.seconds, 2),
            "query_embedding_ms": summary_ms(embed_ms), "golden_hybrid": quality,
            "index": str(folder)}
        del engine, embedder
    _say("plain baseline: SentenceTransformer.encode of the same texts")
    model = _sentence_transformer(settings.model)
    model.encode(texts[:8])
    started = time.perf_counter()
    model.encode(texts, normalize_embeddings=True, show_progress_bar=False)  # its defaults: batches of 32
    encode_s = time.perf_counter() - started
    out["plain_encode"] = {"texts": len(texts), "seconds": round(encode_s, 3),
                           "texts_per_s": round(len(texts) / encode_s, 2),
                           "passages_per_s": round(passages / encode_s, 2) if passages else None}
    return out


# -- phase: serving an index (seed or synthetic) -----------------------------------------------------------

def task_serve(index: str, questions_file: str, baseline: bool = True, embedder_factory=None) -> dict:
    """Open the index as the product does; warm latency end to end and of bare FAISS; then the baseline.

    `embedder_factory` (model id -> Embedder; default the product's) is for tests.
    """
    import faiss

    from qa.search.engine import Engine

    questions = read_questions(Path(questions_file))
    started = time.perf_counter()
    engine = Engine.open(index, embedder_factory=embedder_factory)
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    engine.warm_up()
    engine.answer(questions[0])
    warm_up_s = time.perf_counter() - started
    _say(f"serving {engine.index.manifest['passage_count']} passages: opened in {open_s:.1f} s, "
         f"first answer after {warm_up_s:.1f} s more; timing {len(questions)} questions")
    for q in questions[:10]:
        engine.answer(q)
    answer_ms: list[float] = []
    deadline = time.perf_counter() + TIMED_SECONDS
    for q in questions:
        engine.forget_queries()  # every question pays for its embedding
        t = time.perf_counter()
        engine.answer(q)
        answer_ms.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() > deadline:
            break
    no_rerank_ms: list[float] = []
    if engine.reranker is not None:  # the same questions without the reranker: what trust costs
        for q in questions[:len(answer_ms)]:
            engine.forget_queries()
            t = time.perf_counter()
            engine.answer(q, rerank=False)
            no_rerank_ms.append((time.perf_counter() - t) * 1000)
    vectors = engine.embedder.embed_query(questions)
    passage_ms, unit_ms = [], []
    for row in range(len(vectors)):
        query = vectors[row:row + 1]
        t = time.perf_counter()
        engine.index.vectors.search(query, 10)
        passage_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        engine.index.unit_vectors.search(query, 10)
        unit_ms.append((time.perf_counter() - t) * 1000)
    result = {"passages": engine.index.manifest["passage_count"], "units": engine.index.manifest["unit_count"],
              "faiss_index": engine.index.manifest["faiss_index"],
              "unit_index": _describe(engine.index.unit_vectors),
              "backend": getattr(engine.embedder, "backend", "unknown"),
              "open_s": round(open_s, 3), "first_answer_s": round(warm_up_s, 3),
              "answer_ms": summary_ms(answer_ms), "questions_timed": len(answer_ms),
              "reranker": engine.reranker.name if engine.reranker is not None else None,
              "answer_no_rerank_ms": summary_ms(no_rerank_ms) if no_rerank_ms else None,
              "faiss_passages_ms": summary_ms(passage_ms), "faiss_units_ms": summary_ms(unit_ms),
              "peak_rss_mb": peak_rss_mb(), "faiss_threads": faiss.omp_get_max_threads()}
    if baseline:
        result["plain"] = _plain_baseline(engine, questions)
    return result


def _describe(index) -> str:
    import faiss

    if isinstance(index, faiss.IndexIVF):
        return f"IndexIVFFlat(nlist={index.nlist}, nprobe={index.nprobe})"
    return type(index).__name__


def _plain_baseline(engine, questions: list[str]) -> dict:
    """The plain pipeline: PyTorch sentence-transformers embeds the question, an exact flat index searches."""
    import faiss

    model = _sentence_transformer(engine.index.manifest["model"]["id"])
    flat = faiss.IndexFlatIP(engine.index.vectors.d)
    flat.add(engine.index.vectors.reconstruct_n(0, engine.index.vectors.ntotal))
    for q in questions[:5]:
        flat.search(model.encode([q], normalize_embeddings=True), 5)
    total, search = [], []
    deadline = time.perf_counter() + TIMED_SECONDS
    for q in questions:
        t = time.perf_counter()
        query = model.encode([q], normalize_embeddings=True, convert_to_numpy=True)
        t_search = time.perf_counter()
        flat.search(query, 5)
        done = time.perf_counter()
        total.append((done - t) * 1000)
        search.append((done - t_search) * 1000)
        if time.perf_counter() > deadline:
            break
    return {"answer_ms": summary_ms(total), "flat_search_ms": summary_ms(search)}


# -- phase: a synthetic corpus -------------------------------------------------------------------------------

def synthetic_corpus(seed, size: int, rng: np.random.Generator):
    """`size` passages recombined from the seed index's sentences, in the seed policies; with vectors.

    Each section takes a seed section's heading, and its passages 2-6 of that seed section's sentences,
    so a passage keeps to one topic as real ones do (random sentences from anywhere would make every
    passage vector an average of unrelated topics, spread evenly over the sphere as no real corpus is).

    Returns (policies, passages, units, passage vectors, unit vectors); see the module docstring.
    """
    import numpy as np

    from qa.ingest.chunking import Passage, passage_id

    sentence_of: dict[str, int] = {}
    sentence_rows: list[int] = []
    topics: dict[str, list[int]] = {}  # seed section -> its sentences: a passage stays on one topic
    for unit, (row, start, end) in enumerate(seed.units.tolist()):
        passage = seed.passages[row]
        text = seed.policies[passage.policy].text[start:end]
        if text not in sentence_of:
            sentence_of[text] = len(sentence_rows)
            sentence_rows.append(unit)
            topics.setdefault(passage.section or "Policy", []).append(sentence_of[text])
    sentences = list(sentence_of)
    clean = seed.unit_vectors.reconstruct_batch(np.array(sentence_rows, dtype=np.int64))
    sections = sorted(topics)
    topic_ids = {section: np.array(ids, dtype=np.int64) for section, ids in topics.items()}
    policy_ids = sorted(seed.policies)
    counts = [size // len(policy_ids) + (1 if i < size % len(policy_ids) else 0) for i in range(len(policy_ids))]
    low, high = SENTENCES_PER_PASSAGE
    wanted = rng.integers(low, high + 1, size)
    lengths = np.zeros(size, dtype=np.int64)
    picks: list[np.ndarray] = []
    policies, passages, units = {}, [], []
    for policy_id, count in zip(policy_ids, counts):
        seed_policy = seed.policies[policy_id]
        parts: list[str] = []
        offset = 0
        headings = []
        section = sections[0]
        for i in range(count):
            row = len(passages)
            if i % PASSAGES_PER_SECTION == 0:
                section = sections[int(rng.integers(len(sections)))]
                headings.append((offset, section))
                parts.append(section + "\n\n")
                offset += len(section) + 2
            pool = topic_ids[section]
            chosen_ids = rng.choice(pool, size=min(int(wanted[row]), len(pool)), replace=False)
            picks.append(chosen_ids)
            lengths[row] = len(chosen_ids)
            chosen = [sentences[j] for j in chosen_ids.tolist()]
            text = " ".join(chosen)
            position = offset
            for sentence in chosen:
                units.append((row, position, position + len(sentence)))
                position += len(sentence) + 1
            passages.append(Passage(id=passage_id(policy_id, f"{row}\0{text}"), policy=policy_id,
                                    section=section, start=offset, end=offset + len(text), text=text))
            parts.append(text + "\n\n")
            offset += len(text) + 2
        policies[policy_id] = replace(seed_policy, text="".join(parts), source=f"{policy_id}-synthetic.txt",
                                      sha256="synthetic", headings=tuple(headings))
    picks = np.concatenate(picks)
    units_array = np.array(units, dtype=np.int64)

    def noisy(matrix: np.ndarray) -> np.ndarray:
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        noise = rng.standard_normal(matrix.shape, dtype=np.float32)
        noise *= VECTOR_NOISE / np.linalg.norm(noise, axis=1, keepdims=True)
        matrix += noise
        matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
        return matrix

    unit_vectors = np.empty((len(picks), clean.shape[1]), dtype=np.float32)
    passage_vectors = np.empty((size, clean.shape[1]), dtype=np.float32)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    step = 100_000
    for first in range(0, size, step):  # in blocks, so no second copy of a million rows is ever made
        last = min(first + step, size)
        lo, hi = int(starts[first]), int(starts[last] if last < size else len(picks))
        block = clean[picks[lo:hi]]
        passage_vectors[first:last] = noisy(np.add.reduceat(block, starts[first:last] - lo, axis=0))
        unit_vectors[lo:hi] = noisy(block)
    return policies, passages, units_array, passage_vectors, unit_vectors


def task_synthetic_build(seed_index: str, size: int, folder: str, questions_file: str, embedder=None) -> dict:
    """Make a synthetic corpus of `size` passages, index and save it; recall of its index for real questions.

    `embedder` embeds the questions (default: the product's embedder for the seed index's model).
    """
    import numpy as np

    from qa.index.build import make_faiss_index, search_parameters
    from qa.embed.load import load_embedder
    from qa.index.store import PolicyIndex, load_index, make_manifest, save_index

    seed = load_index(Path(seed_index))
    rng = np.random.default_rng(SYNTHETIC_SEED)
    started = time.perf_counter()
    policies, passages, units, passage_vectors, unit_vectors = synthetic_corpus(seed, size, rng)
    generate_s = time.perf_counter() - started
    _say(f"{size} passages, {len(units)} sentences generated in {generate_s:.1f} s; indexing")
    started = time.perf_counter()
    vectors, kind = make_faiss_index(passage_vectors)
    passages_index_s = time.perf_counter() - started
    started = time.perf_counter()
    unit_index, unit_kind = make_faiss_index(unit_vectors)
    units_index_s = time.perf_counter() - started
    manifest = make_manifest(seed.settings, seed.manifest["model"]["dimension"], list(policies.values()),
                             passages, len(units), time.strftime("%Y-%m-%dT%H:%M:%S"),
                             passages_index_s + units_index_s, kind, unit_index=unit_kind)
    index = PolicyIndex(path=None, manifest=manifest, policies=policies, passages=passages, vectors=vectors,
                        units=units, unit_vectors=unit_index)
    _say(f"passages: {kind} in {passages_index_s:.1f} s; sentences: {unit_kind} in {units_index_s:.1f} s; saving")
    started = time.perf_counter()
    save_index(index, Path(folder))
    save_s = time.perf_counter() - started
    embedder = embedder or load_embedder(seed.manifest["model"]["id"])
    queries = embedder.embed_query(read_questions(Path(questions_file)))
    first_policy = sorted(policies)[0]
    scope = np.array([row for row, p in enumerate(passages) if p.policy == first_policy], dtype=np.int64)
    unit_scope = np.flatnonzero(np.isin(units[:, 0], scope))
    recall = {
        "passages": _recall(vectors, passage_vectors, queries),
        "sentences": _recall(unit_index, unit_vectors, queries),
        "passages_one_policy": _recall(vectors, passage_vectors, queries, scope, search_parameters),
        "sentences_one_policy": _recall(unit_index, unit_vectors, queries, unit_scope, search_parameters),
    }
    return {"size": size, "units": len(units), "generate_s": round(generate_s, 3),
            "faiss_index": kind, "unit_index": unit_kind,
            "index_passages_s": round(passages_index_s, 3), "index_units_s": round(units_index_s, 3),
            "save_s": round(save_s, 3), "disk_bytes": folder_bytes(Path(folder)), "recall_at_10": recall,
            "peak_rss_mb": peak_rss_mb()}


def _recall(index, vectors: np.ndarray, queries: np.ndarray, scope: np.ndarray | None = None,
            parameters=None, k: int = 10) -> float:
    """Mean recall@k of `index` against exact search over `vectors` (restricted to rows `scope`)."""
    import numpy as np

    from qa.index.build import _exact_top

    if scope is None:
        exact = _exact_top(vectors, queries, k)
        _, found = index.search(queries, k)
    else:
        exact = scope[_exact_top(vectors[scope], queries, k)]
        _, found = index.search(queries, k, params=parameters(index, scope))
    return round(float(np.mean([len(set(f) & set(e)) / k for f, e in zip(found.tolist(), exact.tolist())])), 4)


_TASKS = {"backends": task_backends, "serve": task_serve, "synthetic_build": task_synthetic_build}


# -- cold start -------------------------------------------------------------------------------------------

def _policyqa_command() -> list[str]:
    script = Path(sys.executable).parent / "policyqa"
    return [str(script)] if script.is_file() else [sys.executable, "-m", "qa"]


def _time_to_first_line(command: list[str], env: dict) -> tuple[float, float, int, str]:
    """(seconds to the first line on stdout, seconds to exit, exit code, stderr's last line)."""
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
                               cwd=PROJECT_ROOT)
    process.stdout.readline()
    first = time.perf_counter() - started
    _, err = process.communicate()
    return first, time.perf_counter() - started, process.returncode, (err.strip().splitlines() or [""])[-1]


def cold_start_cli(seed_index: Path, question: str, runs: int) -> dict:
    """`policyqa --help`, an error path, and `policyqa ask` from a fresh process, `runs` times each."""
    # A user's second run finds compiled bytecode; this environment may forbid writing it, which would
    # time compiling every module at every start. One untimed run of each command writes it.
    env = {**os.environ, "POLICYQA_INDEX": str(seed_index)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    command = _policyqa_command()
    for warm_up in (["--help"], ["ask", question]):
        _time_to_first_line(command + warm_up, env)
    help_s = [_time_to_first_line(command + ["--help"], env)[1] for _ in range(runs)]
    error = [_time_to_first_line(command + ["ask", "--index", str(seed_index / "missing"), question], env)
             for _ in range(runs)]
    ask = [_time_to_first_line(command + ["ask", question], env) for _ in range(runs)]
    if any(code != 0 for _, _, code, _ in ask):
        raise RuntimeError(f"policyqa ask failed: {ask[0][3]}")
    probe = ("import sys; from qa.cli import main; main(['ask', '--json', sys.argv[1]]); "
             "print('torch' in sys.modules, 'sentence_transformers' in sys.modules, file=sys.stderr)")
    loaded = subprocess.run([sys.executable, "-c", probe, question], capture_output=True, text=True, env=env,
                            cwd=PROJECT_ROOT).stderr.strip().splitlines()[-1:]
    return {"command": " ".join(Path(c).name if i == 0 else c for i, c in enumerate(command)),
            "help_s": _median_summary(help_s),
            "error_path_s": _median_summary([e[1] for e in error]), "error_message": error[0][3],
            "ask_first_answer_s": _median_summary([a[0] for a in ask]),
            "ask_exit_s": _median_summary([a[1] for a in ask]),
            "ask_imports_torch": loaded[0].split()[0] == "True" if loaded else None}


def _median_summary(seconds: list[float]) -> dict:
    import numpy as np

    return {"median": round(float(np.median(seconds)), 3), "min": round(min(seconds), 3),
            "max": round(max(seconds), 3), "runs": len(seconds)}


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _stop_group(process: subprocess.Popen) -> None:
    """Stop a process started with start_new_session=True, and everything it started."""
    import signal

    for sig, wait in ((signal.SIGTERM, 10), (signal.SIGKILL, 5)):
        try:
            os.killpg(process.pid, sig)
        except ProcessLookupError:
            return
        try:
            process.wait(timeout=wait)
            return
        except subprocess.TimeoutExpired:
            continue


def cold_start_server(seed_index: Path, question: str, timeout: float = 120.0, make_run: bool = False) -> dict:
    """Streamlit chat: process start to /_stcore/health, and to the first answer shown in a browser.

    `make_run`: start it as a user does, with `make run` (the venv installed, the index present, so
    make only checks them); otherwise `streamlit run app.py` directly. The first answer is timed with Playwright driving /usr/bin/chromium (typing into the chat box and
    waiting for a <mark>); without them, or when the page has changed, only the health time is reported.
    """
    import urllib.request

    port = _free_port()
    env = {**os.environ, "POLICYQA_INDEX": str(seed_index)}
    env.pop("PYTHONDONTWRITEBYTECODE", None)  # as for the CLI: bytecode written by an earlier start
    command = [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true",
               "--server.port", str(port), "--server.address", "127.0.0.1",
               "--browser.gatherUsageStats", "false", "--server.fileWatcherType", "none"]
    if make_run:
        command = ["make", "--no-print-directory", "run", f"PORT={port}", f"INDEX={seed_index}"]
    browser = playwright = None
    note = ""
    chromium = Path("/usr/bin/chromium")
    try:
        from playwright.sync_api import sync_playwright

        if chromium.exists():
            playwright = sync_playwright().start()
            browser = playwright.chromium.launch(
                executable_path=str(chromium),
                args=["--no-sandbox", "--disable-gpu", "--disable-background-networking",
                      "--disable-component-update"])
        else:
            note = f"{chromium} not found: health time only"
    except Exception as err:  # noqa: BLE001 - no browser: report what can be measured
        note = f"no browser ({type(err).__name__}): health time only"
    result: dict = {"health_s": None, "first_answer_s": None}
    log = tempfile.TemporaryFile()
    started = time.perf_counter()
    process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT, env=env, cwd=PROJECT_ROOT,
                               start_new_session=True)  # its own group: make's children stop with it
    try:
        deadline = started + timeout
        while time.perf_counter() < deadline and process.poll() is None:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=2) as response:
                    if response.status == 200:
                        result["health_s"] = round(time.perf_counter() - started, 3)
                        break
            except OSError:
                time.sleep(0.05)
        if browser is not None and result["health_s"] is not None:
            try:
                page = browser.new_page()
                page.goto(f"http://127.0.0.1:{port}/", timeout=timeout * 1000)
                box = page.get_by_test_id("stChatInputTextArea")
                box.wait_for(timeout=timeout * 1000)
                result["page_ready_s"] = round(time.perf_counter() - started, 3)
                box.fill(question)
                box.press("Enter")
                page.locator("mark").first.wait_for(state="visible", timeout=timeout * 1000)
                result["first_answer_s"] = round(time.perf_counter() - started, 3)
            except Exception as err:  # noqa: BLE001 - the page changed: keep the health time
                note = f"browser could not get an answer ({type(err).__name__}): health time only"
    finally:
        _stop_group(process)
        if browser is not None:
            browser.close()
        if playwright is not None:
            playwright.stop()
        log.close()
    result["note"] = note
    return result


# -- report ------------------------------------------------------------------------------------------------

def _fmt(value, digits: int = 1) -> str:
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _check(ok: bool | None) -> str:
    return "–" if ok is None else ("yes" if ok else "**no**")


def targets(results: dict) -> list[dict]:
    """Each target of the issue with the measured value and whether it is met."""
    rows = []
    seed = results.get("serve", {}).get("seed", {})
    retrieval_only = seed.get("answer_no_rerank_ms") or seed.get("answer_ms", {})
    rows.append({"target": "warm latency p50, seed corpus, without the reranker",
                 "goal": f"<= {TARGETS['seed_p50_ms']:.0f} ms", "measured": retrieval_only.get("p50"), "unit": "ms",
                 "baseline": seed.get("plain", {}).get("answer_ms", {}).get("p50")})
    if seed.get("reranker"):
        for stat, goal in (("p50", TARGETS["rerank_p50_ms"]), ("p95", TARGETS["rerank_p95_ms"])):
            rows.append({"target": f"warm latency {stat} with the reranker, seed corpus", "goal": f"<= {goal:.0f} ms",
                         "measured": seed.get("answer_ms", {}).get(stat), "unit": "ms",
                         "baseline": (seed.get("answer_no_rerank_ms") or {}).get(stat)})
    large = results.get("serve", {}).get("300000", {})
    rows.append({"target": "warm latency p95, 300,000 passages", "goal": f"<= {TARGETS['large_p95_ms']:.0f} ms",
                 "measured": large.get("answer_ms", {}).get("p95"), "unit": "ms",
                 "baseline": large.get("plain", {}).get("answer_ms", {}).get("p95")})
    backends = results.get("backends", {})
    default = backends.get("backends", {}).get(backends.get("default_backend"), {})
    plain = backends.get("plain_encode", {})
    speedup = (default["passages_per_s"] / plain["passages_per_s"]
               if default.get("passages_per_s") and plain.get("passages_per_s") else None)
    rows.append({"target": "build throughput vs plain encode", "goal": f">= {TARGETS['build_speedup']:.0f}x",
                 "measured": round(speedup, 2) if speedup else None, "unit": "x",
                 "baseline": 1.0})
    cli = results.get("cold_start", {}).get("cli", {})
    rows.append({"target": "`policyqa ask`, cold process to first answer", "goal": f"<= {TARGETS['ask_cold_s']:.0f} s",
                 "measured": cli.get("ask_first_answer_s", {}).get("median"), "unit": "s", "baseline": None})
    rows.append({"target": "`policyqa --help`", "goal": f"<= {TARGETS['help_s']} s",
                 "measured": cli.get("help_s", {}).get("median"), "unit": "s", "baseline": None})
    recalls = [v for size in results.get("synthetic", {}).values()
               for v in size.get("recall_at_10", {}).values()]
    rows.append({"target": "ANN recall@10 vs exact (worst of all)", "goal": f">= {TARGETS['recall_at_10']}",
                 "measured": min(recalls) if recalls else None, "unit": "", "baseline": None})
    for row in rows:
        value, goal = row["measured"], row["goal"]
        bound = float(re.search(r"[\d.]+", goal).group())
        row["met"] = None if value is None else (value <= bound if goal.startswith("<=") else value >= bound)
    return rows


def markdown(results: dict) -> str:
    m = results["machine"]
    lines = ["# policyqa benchmark", "",
             f"Run with `{results['command']}` on {results['started']}, {results['total_s']:.0f} s in all.", "",
             "## Machine", "",
             f"- CPU: {m['cpu']}, {m['cores']} cores; memory {m['memory_gb']} GB; {m['os']}; Python {m['python']}",
             "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v),
             f"- load average (1, 5, 15 min) at the start: {m['load_average']}, at the end: "
             f"{results['load_average_end']}. Above about 0.5 other processes shared the two cores and the "
             "timings are noisy (single-query latencies suffer most).",
             f"- qa.search.retrieval passes qa.index.build.search_parameters (restricted searches of an IVF index): "
             f"{'yes' if results.get('retrieval_uses_search_parameters') else 'no'}",
             *[f"- **failed**: {failure}" for failure in results.get("failed", [])], "",
             "## Targets", "",
             "| target | goal | measured | plain baseline, same run | met |", "|---|---|---|---|---|"]
    for row in results["targets"]:
        lines.append(f"| {row['target']} | {row['goal']} | {_fmt(row['measured'], 2)} {row['unit']} | "
                     f"{_fmt(row['baseline'], 2)} {row['unit'] if row['baseline'] is not None else ''} | "
                     f"{_check(row['met'])} |")
    backends = results.get("backends", {})
    if backends:
        lines += ["", "## Embedding backends (seed policies, real vectors)", "",
                  f"Default: **{backends['default_backend']}**. A full build embeds every passage and every "
                  "sentence (`texts`); throughput counts passages. Golden quality: hybrid retriever, k=5.", "",
                  "| backend | model load s | full build s | passages/s | texts/s | question embedding p50 / p95 ms | "
                  "hit@1 | MRR@10 | nDCG@10 | recall@5 |", "|---|---|---|---|---|---|---|---|---|---|"]
        for name, b in backends["backends"].items():
            if "unavailable" in b:
                lines.append(f"| {name} | {b['unavailable']} |||||||||")
                continue
            q, g = b["query_embedding_ms"], b["golden_hybrid"]
            lines.append(f"| {name} | {_fmt(b['load_s'], 2)} | {_fmt(b['build_s'], 2)} | {_fmt(b['passages_per_s'])} | "
                         f"{_fmt(b['texts_per_s'])} | {_fmt(q['p50'], 2)} / {_fmt(q['p95'], 2)} | "
                         f"{_fmt(g.get('hit@1'), 3)} | {_fmt(g.get('mrr@10'), 3)} | {_fmt(g.get('ndcg@10'), 3)} | "
                         f"{_fmt(g.get('recall@5'), 3)} |")
        p = backends["plain_encode"]
        lines.append(f"| plain `SentenceTransformer.encode` (PyTorch, batches of 32), embedding only | | "
                     f"{_fmt(p['seconds'], 2)} | {_fmt(p['passages_per_s'])} | {_fmt(p['texts_per_s'])} | | | | | |")
    serve = results.get("serve", {})
    if serve:
        lines += ["", "## Warm per-question latency", "",
                  "Each golden question through `Engine.answer` (routing by company name, retrieval for each "
                  "policy in scope, highlighting), its embedding included; after a warm-up pass. Bare FAISS: "
                  "one unrestricted top-10 search of the passage index and of the sentence index with the "
                  "question's vector. Plain baseline: PyTorch `encode` of the question + exact `IndexFlatIP` "
                  "top-5 over the same passage vectors.", "",
                  "| corpus | passages | sentences | vectors | passage index | sentence index | answer p50 / p95 ms | "
                  "FAISS passages p50 / p95 ms | FAISS sentences p50 / p95 ms | plain p50 / p95 ms | "
                  "plain flat search p50 ms | peak RSS MB | open s | first answer s |",
                  "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
        for label, s in serve.items():
            a, fp, fu = s["answer_ms"], s["faiss_passages_ms"], s["faiss_units_ms"]
            plain = s.get("plain", {})
            pa, pf = plain.get("answer_ms", {}), plain.get("flat_search_ms", {})
            source = "real" if label == "seed" else "synthetic"
            lines.append(f"| {label} | {_fmt(s['passages'])} | {_fmt(s['units'])} | {source} | {s['faiss_index']} | "
                         f"{s['unit_index']} | {_fmt(a['p50'], 2)} / {_fmt(a['p95'], 2)} | "
                         f"{_fmt(fp['p50'], 2)} / {_fmt(fp['p95'], 2)} | {_fmt(fu['p50'], 2)} / {_fmt(fu['p95'], 2)} | "
                         f"{_fmt(pa.get('p50'), 2)} / {_fmt(pa.get('p95'), 2)} | {_fmt(pf.get('p50'), 2)} | "
                         f"{_fmt(s['peak_rss_mb'])} | {_fmt(s['open_s'], 2)} | {_fmt(s['first_answer_s'], 2)} |")
        lines += ["", "\"first answer s\" is the time from an opened index to the first answer (it builds the BM25 "
                  "index). ![latency against corpus size](latency.png)"]
    synthetic = results.get("synthetic", {})
    if synthetic:
        lines += ["", "## Synthetic corpora: index build, size, recall", "",
                  "Vectors are synthetic (see the note below), so the build time here is the index's own: "
                  "FAISS construction and saving. Embedding that many texts for real would take the time in "
                  "the last column, at the default backend's measured rate.", "",
                  "| passages | sentences | generate s | passage index s | sentence index s | save s | "
                  "on disk MB | recall@10 passages / sentences | same, one policy in scope | peak RSS MB | "
                  "embedding estimate h |", "|---|---|---|---|---|---|---|---|---|---|---|"]
        rate = None
        if backends:
            default = backends["backends"].get(backends["default_backend"], {})
            rate = default.get("texts_per_s")
        for size, s in synthetic.items():
            r = s["recall_at_10"]
            estimate = (s["size"] + s["units"]) / rate / 3600 if rate else None
            lines.append(f"| {_fmt(s['size'])} | {_fmt(s['units'])} | {_fmt(s['generate_s'])} | "
                         f"{_fmt(s['index_passages_s'])} | {_fmt(s['index_units_s'])} | {_fmt(s['save_s'])} | "
                         f"{_fmt(s['disk_bytes']['total'] / 1e6)} | {r['passages']:.3f} / {r['sentences']:.3f} | "
                         f"{r['passages_one_policy']:.3f} / {r['sentences_one_policy']:.3f} | "
                         f"{_fmt(s['peak_rss_mb'])} | {_fmt(estimate, 2)} |")
        lines += ["", "Index types chosen: " + "; ".join(f"{size}: passages {s['faiss_index']}, sentences "
                                                         f"{s['unit_index']}" for size, s in synthetic.items())]
    seed_disk = results.get("seed_disk_bytes")
    if seed_disk:
        lines += ["", f"Seed index on disk: {seed_disk['total'] / 1e6:.2f} MB "
                      f"({', '.join(f'{k} {v / 1e3:.0f} kB' for k, v in seed_disk.items() if k != 'total')})."]
    cold = results.get("cold_start", {})
    if cold:
        cli, server = cold.get("cli", {}), cold.get("server", {})
        lines += ["", "## Cold start", "",
                  f"Fresh processes on the seed index (`{cli.get('command')}`), median of "
                  f"{cli.get('help_s', {}).get('runs')} runs (min / max in brackets).", "",
                  "| what | seconds |", "|---|---|"]
        for key, label in (("help_s", "`policyqa --help`"), ("error_path_s", "`policyqa ask` with a missing index (error path)"),
                           ("ask_first_answer_s", "`policyqa ask QUESTION`: start to first line of the answer"),
                           ("ask_exit_s", "`policyqa ask QUESTION`: start to exit")):
            v = cli.get(key, {})
            lines.append(f"| {label} | {_fmt(v.get('median'), 2)} ({_fmt(v.get('min'), 2)} / {_fmt(v.get('max'), 2)}) |")
        lines.append(f"| chat server: `streamlit run app.py` to /_stcore/health | {_fmt(server.get('health_s'), 2)} |")
        lines.append(f"| chat server: start to the chat box shown in Chromium | {_fmt(server.get('page_ready_s'), 2)} |")
        lines.append(f"| chat server: start to the first answer (a `<mark>`) in Chromium | {_fmt(server.get('first_answer_s'), 2)} |")
        make_run = cold.get("make_run") or {}
        lines.append(f"| `make run` (venv installed, index built) to the first answer in Chromium | "
                     f"{_fmt(make_run.get('first_answer_s'), 2)} |")
        lines += ["", f"`policyqa ask` imports torch: {cli.get('ask_imports_torch')}. "
                  + (f"Chat: {server['note']}." if server.get("note") else "")]
    lines += ["", "## How the numbers were made", "",
              "- Real vectors: the seed corpus (all rows) and every question, everywhere.",
              "- Synthetic vectors: the 30,000 and 300,000 passage corpora. Their text is the seed policies' "
              "sentences recombined (2-6 a passage, under seed section headings, in the five seed policies, so "
              "routing by company name works as on the seed corpus; each policy holds a fifth of the corpus). "
              "A sentence's vector is its real vector in the seed index plus Gaussian noise of length "
              f"{VECTOR_NOISE}, renormalised (cosine about 0.9 to the original); a passage's is the mean of its "
              "sentences' real vectors, plus the same noise. The text is real, so BM25 (part of the hybrid "
              "retriever) runs on it as it would on real policies.",
              "- Recall@10: the approximate index against exact inner-product search over the same vectors, for "
              "the golden questions' real vectors; \"one policy in scope\" restricts both to the first policy's "
              "rows, as a routed question does.",
              "- Latency: `time.perf_counter` around each call in one warm process; the question cache is "
              "cleared before each question. Peak RSS: VmHWM of the process serving that index (the plain "
              "baseline's PyTorch model is loaded after it is read).",
              "- Cold start: wall clock from spawning the process to its first line on stdout (ask) or to the "
              "event (server), on a warm OS file cache, with Python's bytecode cache written by one earlier "
              "untimed run (as after a user's first start)."]
    return "\n".join(lines) + "\n"


def plot(results: dict, path: Path) -> None:
    """Latency (p50 and p95) against corpus size: policyqa end to end, bare FAISS, and the plain baseline."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    serve = results.get("serve", {})
    if not serve:
        return
    sizes = [s["passages"] for s in serve.values()]
    fig, ax = plt.subplots(figsize=(10, 5), dpi=120)
    series = [("policyqa answer", lambda s: s["answer_ms"], "C0"),
              ("plain: PyTorch encode + flat search", lambda s: s.get("plain", {}).get("answer_ms", {}), "C3"),
              ("bare FAISS, passage index", lambda s: s["faiss_passages_ms"], "C2"),
              ("bare FAISS, sentence index", lambda s: s["faiss_units_ms"], "C1")]
    for label, get, color in series:
        p50 = [get(s).get("p50") for s in serve.values()]
        p95 = [get(s).get("p95") for s in serve.values()]
        if any(v is not None for v in p50):
            ax.plot(sizes, p50, "o-", color=color, label=f"{label} p50")
            ax.plot(sizes, p95, "s--", color=color, alpha=0.6, label=f"{label} p95")
    ax.axhline(TARGETS["large_p95_ms"], color="grey", lw=0.8, ls=":")
    ax.text(sizes[0], TARGETS["large_p95_ms"] * 1.08, "p95 target at 300k passages (25 ms)", fontsize=7,
            color="grey")
    ax.axhline(TARGETS["seed_p50_ms"], color="grey", lw=0.8, ls="-.")
    ax.text(sizes[0], TARGETS["seed_p50_ms"] * 0.8, "p50 target on the seed corpus (10 ms)", fontsize=7,
            color="grey")
    ax.set_xscale("log")
    ax.set_yscale("log")
    ax.set_xlabel("passages in the index (seed: real vectors; larger: synthetic vectors)")
    ax.set_ylabel("warm latency per question (ms)")
    ax.set_title(f"policyqa latency on {results['machine']['cores']} CPU cores")
    ax.grid(True, which="both", alpha=0.3)
    ax.legend(fontsize=7, loc="upper left", bbox_to_anchor=(1.01, 1.0))
    fig.tight_layout()
    fig.savefig(path)
    plt.close(fig)


# -- the command ---------------------------------------------------------------------------------------------

def run_bench(out: Path, policies: Path, questions_file: Path, sizes: list[int], work: Path | None = None,
              backends: tuple[str, ...] = ("torch", "onnx", "onnx-int8"), cold_runs: int = 3,
              server: bool = True, command: str = "policyqa bench") -> dict:
    """Run every phase and write report.md, report.json and latency.png into `out`; returns the results."""
    from qa.embed.base import DEFAULT_BACKEND

    started_at = time.strftime("%Y-%m-%d %H:%M:%S %Z")
    results: dict = {"command": command, "started": started_at, "machine": machine(), "sizes": sizes,
                     "retrieval_uses_search_parameters": _retrieval_uses_search_parameters()}
    work = Path(tempfile.mkdtemp(prefix="policyqa-bench-", dir=work))
    question = read_questions(questions_file)[0]
    try:
        order = [b for b in backends if b != DEFAULT_BACKEND] + [b for b in backends if b == DEFAULT_BACKEND]
        _say(f"embedding backends {', '.join(order)} on {policies}")
        results["backends"] = _run_child("backends", policies=str(policies), questions_file=str(questions_file),
                                          work=str(work), backends=order)
        seed_index = Path(results["backends"]["backends"].get(DEFAULT_BACKEND, {}).get("index")
                          or next(b["index"] for b in results["backends"]["backends"].values() if "index" in b))
        results["seed_disk_bytes"] = folder_bytes(seed_index)
        results["serve"] = {"seed": _run_child("serve", index=str(seed_index), questions_file=str(questions_file))}
        results["synthetic"] = {}
        for size in sizes:
            folder = work / f"synthetic-{size}"
            _say(f"synthetic corpus of {size} passages")
            results["synthetic"][str(size)] = _run_child("synthetic_build", seed_index=str(seed_index), size=size,
                                                         folder=str(folder), questions_file=str(questions_file))
            try:
                results["serve"][str(size)] = _run_child("serve", index=str(folder),
                                                         questions_file=str(questions_file))
            except RuntimeError as err:  # keep the other measurements; the report says what failed
                results["failed"] = results.get("failed", []) + [f"serving {size} passages: {err}"]
            shutil.rmtree(folder, ignore_errors=True)
        _say("cold start: policyqa --help, ask")
        results["cold_start"] = {"cli": cold_start_cli(seed_index, question, cold_runs)}
        if server:
            _say("cold start: streamlit chat")
            results["cold_start"]["server"] = cold_start_server(seed_index, question)
            results["cold_start"]["make_run"] = cold_start_server(seed_index, question, make_run=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["load_average_end"] = _load()
    results["total_s"] = round(time.time() - _started, 1)
    results["targets"] = targets(results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    plot(results, out / "latency.png")
    (out / "report.md").write_text(markdown(results), encoding="utf-8")
    return results


def _retrieval_uses_search_parameters() -> bool:
    """Whether qa.search.retrieval searches through qa.index.build.search_parameters (needed for IVF indexes)."""
    import inspect

    from qa.search import retrieval

    return "search_parameters" in inspect.getsource(retrieval)


def _sizes(text: str) -> list[int]:
    try:
        sizes = [int(s.replace("_", "")) for s in text.split(",") if s.strip()]
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected comma-separated passage counts, got {text!r}") from None
    if any(s < 1000 for s in sizes):
        raise argparse.ArgumentTypeError(f"corpus sizes must be >= 1000 passages, got {text!r}")
    return sizes


def add_bench_parser(commands) -> argparse.ArgumentParser:
    """Register `policyqa bench` on an argparse subparsers object."""
    bench = commands.add_parser("bench", help="measure build speed, latency, cold start and memory on this machine")
    bench.add_argument("--out", type=Path, default=PROJECT_ROOT / "evals" / "bench", metavar="DIR",
                       help="where report.md, report.json and latency.png go (default evals/bench)")
    bench.add_argument("--sizes", type=_sizes, default=list(DEFAULT_SIZES), metavar="N,N",
                       help="synthetic corpus sizes in passages (default 30000,300000)")
    bench.add_argument("--quick", action="store_true",
                       help="a short run: 30,000 passages only, one cold-start run, no chat server")
    bench.add_argument("--policies", metavar="DIR", help="seed policies (default: $POLICYQA_POLICIES or ./policies)")
    bench.add_argument("--questions", type=Path, default=PROJECT_ROOT / "evals" / "golden.jsonl",
                       metavar="FILE.jsonl", help="the fixed question list (default evals/golden.jsonl)")
    bench.add_argument("--no-server", action="store_true", help="skip the Streamlit cold start")
    bench.add_argument("--work", type=Path, metavar="DIR", help="scratch folder (default: the system's temp)")
    bench.set_defaults(func=cmd_bench)
    return bench


def cmd_bench(args: argparse.Namespace) -> int:
    from qa.config import policies_dir

    folder = policies_dir(args.policies)
    if not folder.is_dir():
        print(f"policyqa: error: policies folder not found: {folder}", file=sys.stderr)
        return 2
    if not args.questions.is_file():
        print(f"policyqa: error: questions file not found: {args.questions}", file=sys.stderr)
        return 2
    sizes = [30_000] if args.quick and args.sizes == list(DEFAULT_SIZES) else args.sizes
    command = "policyqa " + " ".join(sys.argv[1:]) if sys.argv[1:2] == ["bench"] else "policyqa bench"
    results = run_bench(args.out, folder, args.questions, sizes, work=args.work, cold_runs=1 if args.quick else 3,
                        server=not (args.quick or args.no_server), command=command)
    for row in results["targets"]:
        print(f"{row['target']:<48} {row['goal']:>10}  measured {_fmt(row['measured'], 2)} {row['unit']}"
              f"  {'ok' if row['met'] else ('MISSED' if row['met'] is False else '-')}")
    print(f"report: {args.out / 'report.md'}")
    return 0

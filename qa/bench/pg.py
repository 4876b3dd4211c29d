"""Bench phase: the PostgreSQL store (`qa.index.pg`) beside the folder index, in the same run.

`policyqa bench --store URL` measures the store as the folder is measured (evals/pg_bench.py uses the same
functions and adds the halfvec comparison):

- build: the seed policies into a schema of their own with the real model (passages per second, embedding
  included), and again with the seed index's vectors reused (`FolderVectors`: the store's own cost);
- serving, each reader in a child process of its own (so its peak RSS is the reader's): open time, first
  answer, warm p50/p95 of golden questions routed to one company and of questions over every policy,
  each question embedded every time;
- size: the schema's tables, indexes and TOAST;
- synthetic sizes: `qa.bench.corpus.synthetic_corpus` cut into policies of `per_policy` passages (as real
  policies are: tens of passages), or spread over `companies` made-up companies beside the seed's (as the
  folder's synthetic corpora are with `--companies`, so a question naming a seed company is routed to it),
  written by COPY (`write_version`), HNSW built once afterwards. Such a schema (`bench_<size>_<per_policy>`,
  `bench_<size>_c<companies>`) stays in the server: a later run of the same size serves it again instead of
  writing it (`reuse`), since writing 300,000 passages and their HNSW takes a quarter of an hour;
- what the chat does on a synthetic store (`task_store_answer`): `Engine.answer` with the reranker and
  verdicts, for questions naming one company and for questions naming none, new and warm, beside
  `Engine.search`, as `qa.bench.serve` times it on the folder.
"""

from __future__ import annotations

import os
import random
import time
from pathlib import Path

from qa.bench.measure import peak_rss_mb, say, summary_ms

TIMED_SECONDS = 60.0  # each latency run stops after this long and reports the questions it timed
PER_POLICY = 50  # synthetic passages per policy
HNSW_MEMORY = "4GB"  # maintenance_work_mem for building HNSW once: the graph of 1.2 million vectors fits


def questions(seed_index: Path, questions_file: Path) -> tuple[list[str], list[str]]:
    """The questions that name one company of the seed index, and those that name none or several."""
    from qa.eval.datasets import question_texts
    from qa.index.store import load_index
    from qa.search.names import named_policies

    policies = load_index(seed_index).policies
    routed: list[str] = []
    everywhere: list[str] = []
    for question in question_texts(questions_file):
        (routed if len(named_policies(question, policies)) == 1 else everywhere).append(question)
    return routed, everywhere


def warm_ms(engine, asked: list[str], ask, seconds: float = TIMED_SECONDS) -> list[float]:
    """Milliseconds of `ask(question)` for each question (for at most `seconds`), embedded every time."""
    times = []
    deadline = time.perf_counter() + seconds
    for q in asked:
        engine.forget_queries()
        started = time.perf_counter()
        ask(q)
        times.append((time.perf_counter() - started) * 1000)
        if time.perf_counter() > deadline:
            break
    return times


def task_store_serve(url: str | None, schema: str, seed_index: str, questions_file: str, synthetic: bool,
                     folder: str | None = None) -> dict:
    """Child process: open the store (or, with no `url`, the index `folder`) as the product does and time
    warm questions; peak RSS.

    At seed size `Engine.answer` (routed questions to their company, the others to every policy, one by
    one); on a synthetic store `Engine.search` over one random policy and over every policy at once (what
    a question over a whole sector asks). Reranker off: it costs the same on both stores.
    """
    from qa.index.open import locate
    from qa.search.engine import open_engine

    routed, everywhere = questions(Path(seed_index), Path(questions_file))
    started = time.perf_counter()
    engine = open_engine(locate(url, folder), reranker="none", schema=schema)
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    engine.answer(routed[0]) if not synthetic else engine.search(routed[0], k=5, policies=[engine.index.policy_ids[0]])
    out = {"open_s": round(open_s, 3), "first_answer_s": round(time.perf_counter() - started, 3),
           "policies": len(engine.policies), "passages": engine.index.manifest["passage_count"]}
    if synthetic:
        ids, rng = sorted(engine.policies), random.Random(5)
        asked = routed + everywhere
        for name, scope in (("one_policy", lambda: [rng.choice(ids)]), ("all_policies", lambda: None)):
            def ask(q, scope=scope):
                return engine.search(q, k=5, policies=scope())
            # The first pass reads what the questions need from disk unless the server holds it already (a
            # folder reader holds everything from its open); the second is the warm one the targets mean.
            out[f"{name}_first_pass_ms"] = summary_ms(warm_ms(engine, asked, ask))
            out[f"{name}_ms"] = summary_ms(warm_ms(engine, asked, ask))
    else:
        for name, asked in (("routed", routed), ("all_policies", everywhere)):
            for q in asked[:5]:
                engine.answer(q)
            out[f"{name}_ms"] = summary_ms(warm_ms(engine, asked, engine.answer))
    out["peak_rss_mb"] = peak_rss_mb()
    return out


def task_store_answer(url: str, schema: str, seed_index: str, questions_file: str,
                      reranker: str | None = None, embedder_factory=None) -> dict:
    """Child process: open the store as the chat does (the reranker and the practice model loaded) and time
    `Engine.answer` beside `Engine.search`: questions naming no company (`qa.bench.serve.UNROUTED`) and the
    golden questions naming one seed company, each the first time it is asked and again; peak RSS.

    `reranker` and `embedder_factory` are `open_engine`'s (tests pass "none" and a fake embedder)."""
    from qa.bench.serve import routed_timings, unrouted_timings
    from qa.index.open import locate
    from qa.search.engine import open_engine

    routed, _ = questions(Path(seed_index), Path(questions_file))
    started = time.perf_counter()
    engine = open_engine(locate(url, None), reranker=reranker, schema=schema, embedder_factory=embedder_factory)
    open_s = time.perf_counter() - started
    started = time.perf_counter()
    engine.warm_up()
    engine.answer(routed[0])
    first_answer_s = time.perf_counter() - started
    say(f"store {schema}: {len(engine.policies)} policies opened in {open_s:.1f} s, first answer after "
        f"{first_answer_s:.1f} s more; timing questions naming none and one company")
    return {"open_s": round(open_s, 3), "first_answer_s": round(first_answer_s, 3),
            "passages": engine.index.manifest["passage_count"],
            "reranker": engine.reranker.name if engine.reranker is not None else None,
            **unrouted_timings(engine), **routed_timings(engine, routed), "peak_rss_mb": peak_rss_mb()}


def task_store_seed(url: str, schema: str, policies: str, seed_index: str) -> dict:
    """Child process: build the seed policies into `schema` with the real model, then into `schema`_writes
    with the seed index's vectors (the store's own cost); passages per second and seconds of each."""
    from qa.config import BuildSettings
    from qa.embed.load import load_embedder
    from qa.index.pg.build import FolderVectors, build_store
    from qa.index.pg.store import PgStore

    settings = BuildSettings()
    embedder = load_embedder(settings.model)
    embedder.embed(["warm up"])
    out: dict = {}
    for name, target, vectors in (("store", schema, lambda: embedder),
                                  ("store_writes_only", f"{schema}_writes",
                                   lambda: FolderVectors(Path(seed_index), settings))):
        with PgStore(url, target) as store:
            started = time.perf_counter()
            report = build_store(store, Path(policies), settings, vectors)
            seconds = time.perf_counter() - started
        out[name] = {"passages": report.passages, "build_s": round(seconds, 2),
                     "passages_per_s": round(report.passages / seconds, 1)}
    return out


def schema_bytes(url: str, schema: str) -> int:
    """The schema's tables with their indexes and TOAST, in bytes."""
    import psycopg

    with psycopg.connect(url) as conn:
        row = conn.execute(
            "SELECT coalesce(sum(pg_total_relation_size(c.oid)), 0) FROM pg_class c JOIN pg_namespace n "
            "ON n.oid = c.relnamespace WHERE n.nspname = %s AND c.relkind = 'r'", (schema,)).fetchone()
    return int(row[0]) if row else 0


def drop_schemas(url: str, schemas: list[str]) -> None:
    """Drop schemas this bench made (never any other)."""
    import psycopg

    with psycopg.connect(url, autocommit=True) as conn:
        for schema in schemas:
            assert schema.startswith("bench_") and schema.isidentifier(), schema
            conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


def published(url: str, schema: str) -> bool:
    """Whether `schema` holds a store of this policyqa's table version with a published generation."""
    from qa.index.pg.store import SCHEMA_VERSION, PgStore

    with PgStore(url, schema) as store:
        return store.meta() is not None and store.schema_version() == SCHEMA_VERSION \
            and store.current_generation() is not None


def write_synthetic(url: str, seed_index: Path, size: int, per_policy: int, schema: str, companies: int = 0) -> dict:
    """`size` synthetic passages in policies of `per_policy` passages (with `companies`: over that many
    companies, `synthetic_corpus`'s), written into `schema` by COPY and published; HNSW built once after the
    rows. Seconds and passages per second of each step."""
    import numpy as np

    from qa.bench.corpus import SYNTHETIC_SEED, synthetic_corpus
    from qa.index.pg.build import _open_generation
    from qa.index.pg.lexical import bm25_document, bm25_tokens
    from qa.index.pg.publish import finish_shard
    from qa.index.pg.store import BUILD_STATEMENT_SECONDS, PgStore, _ddl
    from qa.index.pg.versions import write_version
    from qa.index.pipeline import embedding_key, embedding_text, sentence_embedding_text
    from qa.index.store import load_index

    seed = load_index(seed_index)
    settings = seed.settings
    started = time.perf_counter()
    policies, passages, sentences, passage_vectors, sentence_vectors = synthetic_corpus(
        seed, size, np.random.default_rng(SYNTHETIC_SEED), companies)
    if per_policy and not companies:
        policies, passages, sentences = split_policies(policies, passages, sentences, per_policy)
    generate_s = time.perf_counter() - started
    with PgStore(url, schema) as store:
        store.set_statement_seconds(BUILD_STATEMENT_SECONDS)  # a builder's bound: HNSW is one long statement
        store.ensure_schema(seed.manifest["model"])
        generation = _open_generation(store, f"synthetic-{size}-{time.time()}", 1, settings, seed.manifest["model"])
        with store.pool.connection() as conn:  # a bulk load: HNSW built once afterwards, not row by row
            conn.execute(f"DROP INDEX IF EXISTS {schema}.passages_embedding, {schema}.sentences_embedding")
        started = time.perf_counter()
        owners = [p.policy for p in passages]  # each policy's passages are one run, its sentences too
        starts = {owner: row for row, owner in reversed(list(enumerate(owners)))}
        ends = {owner: row + 1 for row, owner in enumerate(owners)}
        sentence_bounds = np.searchsorted(sentences[:, 0], np.arange(len(passages) + 1))
        for policy_id in sorted(policies):
            policy = policies[policy_id]
            mine = np.arange(starts[policy_id], ends[policy_id])
            first = int(mine[0])
            chunks = [passages[r] for r in mine]
            sentence_rows = np.arange(sentence_bounds[first], sentence_bounds[int(mine[-1]) + 1])
            spans = [(int(r) - first, int(s), int(e)) for r, s, e in sentences[sentence_rows].tolist()]
            keys = [embedding_key(settings.model, embedding_text(policy, p, settings)) for p in chunks]
            sentence_keys = [embedding_key(settings.model, sentence_embedding_text(policy, chunks[o], (s, e), settings))
                             for o, s, e in spans]
            tokens = bm25_tokens([bm25_document(policy.name, p) for p in chunks])
            write_version(store, generation, policy, f"synthetic-{size}", chunks, spans, passage_vectors[mine],
                          sentence_vectors[sentence_rows], keys, sentence_keys, tokens)
        write_s = time.perf_counter() - started
        say(f"store: {size} synthetic passages written in {write_s:.0f} s; building HNSW")
        started = time.perf_counter()
        with store.pool.connection() as conn:
            conn.execute(f"SET maintenance_work_mem = '{HNSW_MEMORY}'")
            conn.execute("SET max_parallel_maintenance_workers = 1")
            for statement in _ddl(schema, seed.manifest["model"]["dimension"]):
                if "hnsw" in statement:
                    conn.execute(statement)
        hnsw_s = time.perf_counter() - started
        started = time.perf_counter()
        finish_shard(store, generation, 0, 1, True, write_s)
        publish_s = time.perf_counter() - started
        with store.pool.connection() as conn:
            for table in ("passages", "sentences", "terms"):
                conn.execute(f"VACUUM ANALYZE {schema}.{table}")
    return {"size": size, "sentences": len(sentences), "policies": len(policies), "generate_s": round(generate_s, 1),
            "write_s": round(write_s, 1), "write_passages_per_s": round(size / write_s, 1),
            "hnsw_s": round(hnsw_s, 1), "publish_s": round(publish_s, 1)}


def split_policies(policies: dict, passages: list, sentences, per_policy: int):
    """The synthetic corpus cut into policies of `per_policy` passages (as real policies are: tens of
    passages), each with its own text and offsets: ids '<seed id>-<n>', the seed policy's name plus n."""
    import numpy as np

    from qa.types import Passage

    out_policies: dict = {}
    out_passages: list[Passage] = []
    out_sentences: list[tuple[int, int, int]] = []
    order = np.searchsorted(sentences[:, 0], np.arange(len(passages) + 1))
    for first in range(0, len(passages), per_policy):
        chunk = list(passages[first:first + per_policy])
        chunk = [p for p in chunk if p.policy == chunk[0].policy]
        seed = policies[chunk[0].policy]
        policy_id = f"{seed.id}-{first // per_policy:06d}"
        parts, offset = [], 0
        for i, p in enumerate(chunk):
            for _, s, e in sentences[order[first + i]:order[first + i + 1]].tolist():
                out_sentences.append((len(out_passages), offset + s - p.start, offset + e - p.start))
            out_passages.append(Passage(id=f"{policy_id}-{i}", policy=policy_id, section=p.section, start=offset,
                                        end=offset + len(p.text), text=p.text))
            parts.append(p.text + "\n\n")
            offset += len(p.text) + 2
        out_policies[policy_id] = type(seed)(id=policy_id, name=f"{seed.name} {first // per_policy}",
                                             text="".join(parts), aliases=(), source=f"{policy_id}.txt",
                                             sha256="synthetic", headings=())
    return out_policies, out_passages, np.array(out_sentences, dtype=np.int64)


def bench_store(url: str, seed_index: Path, policies: Path, questions_file: Path, sizes: list[int],
                per_policy: int = PER_POLICY, reuse: bool = True, companies: int = 0) -> dict:
    """Every store measurement of `policyqa bench --store URL` (see the module docstring); `companies` > 0
    spreads each synthetic size over that many companies instead of cutting it into `per_policy` passages."""
    from qa.bench.child import run_child

    seed_schema = f"bench_seed_{os.getpid()}"  # this run's own, dropped after
    serve = {"seed_index": str(seed_index), "questions_file": str(questions_file)}
    say("store: the seed policies, with the model and with the seed index's vectors")
    try:
        results: dict = {"seed": run_child("store_seed", url=url, schema=seed_schema, policies=str(policies),
                                           seed_index=str(seed_index))}
        results["seed"]["disk_bytes"] = schema_bytes(url, seed_schema)
        results["seed"]["serve"] = run_child("store_serve", url=url, schema=seed_schema, synthetic=False, **serve)
    finally:
        drop_schemas(url, [seed_schema, f"{seed_schema}_writes"])
    for size in sizes:
        schema = f"bench_{size}_c{companies}" if companies else f"bench_{size}_{per_policy}"
        if reuse and published(url, schema):
            say(f"store: serving the {size} synthetic passages an earlier run wrote into {schema}")
            entry: dict = {"size": size, "reused": True}
        else:
            drop_schemas(url, [schema])  # a schema of an older table version, or a write cut short
            say(f"store: writing {size} synthetic passages into {schema}")
            entry = {**write_synthetic(url, seed_index, size, per_policy, schema, companies), "reused": False}
        entry["disk_bytes"] = schema_bytes(url, schema)
        entry["serve"] = run_child("store_serve", url=url, schema=schema, synthetic=True, **serve)
        say(f"store: Engine.answer on the {size} synthetic passages, with the reranker")
        entry["answer"] = run_child("store_answer", url=url, schema=schema, **serve)
        results[str(size)] = entry
    return results

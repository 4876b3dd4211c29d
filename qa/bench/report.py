"""The bench's targets (each goal beside what was measured) and its Markdown report (evals/bench/report.md)."""

from __future__ import annotations

from qa.bench.corpus import VECTOR_NOISE
from qa.tables import table

TARGETS = {
    "seed_p50_ms": 10.0,  # warm per-question latency p50 on the seed corpus
    "large_p95_ms": 25.0,  # warm per-question latency p95 at 300,000 passages
    "build_speedup": 2.0,  # build throughput over plain sentence-transformers encode
    "ask_cold_s": 4.0,
    "help_s": 0.5,
    "recall_at_10": 0.98,
    "rerank_p50_ms": 250.0,  # warm latency with the reranker, seed corpus (the trust issue's budget)
    "rerank_p95_ms": 600.0,
    # The PostgreSQL store at 300,000 passages (the scaling issue): reader memory, open to first answer,
    # warm p95 of a company-routed search and of one over every policy.
    "store_rss_mb": 500.0,
    "store_open_s": 2.0,
    "store_routed_p95_ms": 50.0,
    "store_all_p95_ms": 200.0,
    # Hundreds of real policies (issue 25): routing alone at 6,000 policies; a question naming no company,
    # warm, at 1,000 policies (folder), reranker and verdicts included; the real collection's embedding rate.
    "routing_6000_p95_ms": 5.0,
    "unrouted_1000_p95_ms": 300.0,
    # ... and at 6,000 policies on the PostgreSQL store, with a question naming one company beside it.
    "store_unrouted_6000_p95_ms": 500.0,
    "store_routed_6000_p95_ms": 50.0,
    "collection_passages_per_s": 100.0,
}


def fmt(value, digits: int = 1) -> str:
    """A measured value for a report: "–" when missing, floats to `digits` places, thousands separated."""
    if value is None:
        return "–"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return f"{value:,}" if isinstance(value, int) else str(value)


def _pair(summary: dict, digits: int = 2) -> str:
    """"p50 / p95" of a latency summary."""
    return f"{fmt(summary.get('p50'), digits)} / {fmt(summary.get('p95'), digits)}"


def targets(results: dict) -> list[dict]:
    """Each target of the issue with the measured value, the plain baseline's, and whether it is met."""
    seed = results.get("serve", {}).get("seed", {})
    retrieval_only = seed.get("answer_no_rerank_ms") or seed.get("answer_ms", {})
    rows = [_target("warm latency p50, seed corpus, without the reranker", "<=", TARGETS["seed_p50_ms"], "ms",
                    retrieval_only.get("p50"), seed.get("plain", {}).get("answer_ms", {}).get("p50"))]
    if seed.get("reranker"):
        for stat in ("p50", "p95"):
            rows.append(_target(f"warm latency {stat} with the reranker, seed corpus", "<=",
                                TARGETS[f"rerank_{stat}_ms"], "ms", seed.get("answer_ms", {}).get(stat),
                                (seed.get("answer_no_rerank_ms") or {}).get(stat)))
    large = results.get("serve", {}).get("300000", {})
    # Retrieval's own target (set before the reranker existed, as the seed p50 above); the reranker's cost
    # at this size is the next row, against its budget.
    rows.append(_target("warm latency p95, 300,000 passages, without the reranker", "<=", TARGETS["large_p95_ms"],
                        "ms", (large.get("answer_no_rerank_ms") or large.get("answer_ms", {})).get("p95"),
                        large.get("plain", {}).get("answer_ms", {}).get("p95")))
    if large.get("reranker"):
        rows.append(_target("warm latency p95 with the reranker, 300,000 passages", "<=", TARGETS["rerank_p95_ms"],
                            "ms", large.get("answer_ms", {}).get("p95"),
                            (large.get("answer_no_rerank_ms") or {}).get("p95")))
    store = results.get("store", {}).get("300000", {}).get("serve")
    if store:
        rows += [_target("store at 300,000 passages: reader peak RSS", "<=", TARGETS["store_rss_mb"], "MB",
                         store.get("peak_rss_mb"), large.get("peak_rss_mb")),
                 _target("store at 300,000 passages: open to first answer", "<=", TARGETS["store_open_s"], "s",
                         round(store["open_s"] + store["first_answer_s"], 3),
                         round(large["open_s"] + large["first_answer_s"], 3) if "open_s" in large else None),
                 _target("store at 300,000 passages: warm p95, one policy", "<=", TARGETS["store_routed_p95_ms"], "ms",
                         store.get("one_policy_ms", {}).get("p95")),
                 _target("store at 300,000 passages: warm p95, every policy", "<=", TARGETS["store_all_p95_ms"], "ms",
                         store.get("all_policies_ms", {}).get("p95"))]
    routing = results.get("routing", {}).get("6000")
    if routing:
        rows.append(_target("routing by company names, p95, 6,000 policies", "<=", TARGETS["routing_6000_p95_ms"],
                            "ms", routing.get("p95")))
    many = [s for s in results.get("serve", {}).values() if s.get("policies", 0) >= 1000]
    if many:
        rows.append(_target("unrouted answer, warm p95, >= 1,000 policies", "<=", TARGETS["unrouted_1000_p95_ms"],
                            "ms", many[0].get("answer_unrouted_warm_ms", {}).get("p95")))
    many_pg = [e["answer"] for e in results.get("store", {}).values()
               if isinstance(e, dict) and e.get("answer", {}).get("policies", 0) >= 6000]
    if many_pg:
        rows += [_target("store: unrouted answer, warm p95, >= 6,000 policies", "<=",
                         TARGETS["store_unrouted_6000_p95_ms"], "ms",
                         many_pg[0].get("answer_unrouted_warm_ms", {}).get("p95")),
                 _target("store: routed answer, warm p95, >= 6,000 policies", "<=",
                         TARGETS["store_routed_6000_p95_ms"], "ms",
                         many_pg[0].get("answer_routed_warm_ms", {}).get("p95"))]
    collection = results.get("collection")
    if collection:
        rows.append(_target("real collection: passages embedded per second", ">=",
                            TARGETS["collection_passages_per_s"], "", collection.get("passages_per_s")))
    backends = results.get("backends", {})
    default = backends.get("backends", {}).get(backends.get("default_backend"), {})
    plain = backends.get("plain_encode", {})
    speedup = (default["passages_per_s"] / plain["passages_per_s"]
               if default.get("passages_per_s") and plain.get("passages_per_s") else None)
    rows.append(_target("build throughput vs plain encode", ">=", TARGETS["build_speedup"], "x",
                        round(speedup, 2) if speedup else None, 1.0))
    cli = results.get("cold_start", {}).get("cli", {})
    rows.append(_target("`policyqa ask`, cold process to first answer", "<=", TARGETS["ask_cold_s"], "s",
                        cli.get("ask_first_answer_s", {}).get("median")))
    rows.append(_target("`policyqa --help`", "<=", TARGETS["help_s"], "s", cli.get("help_s", {}).get("median")))
    recalls = [v for size in results.get("synthetic", {}).values() for v in size.get("recall_at_10", {}).values()]
    rows.append(_target("ANN recall@10 vs exact (worst of all)", ">=", TARGETS["recall_at_10"], "",
                        min(recalls) if recalls else None))
    return rows


def _target(target: str, op: str, bound: float, suffix: str, measured: float | None,
            baseline: float | None = None) -> dict:
    """One row of `targets`: `op` ("<=" or ">=") `bound` is the goal, met is None when nothing was measured;
    `suffix` is what follows a value ("ms", "s", "x", "" for a ratio)."""
    # The goal reads as the issue wrote it: "<= 10 ms", ">= 2x", "<= 0.5 s", ">= 0.98".
    goal = f"{op} {bound:g}{suffix}" if suffix == "x" else f"{op} {bound:g} {suffix}".rstrip()
    met = None if measured is None else (measured <= bound if op == "<=" else measured >= bound)
    return {"target": target, "goal": goal, "measured": measured, "suffix": suffix, "baseline": baseline, "met": met}


def target_line(row: dict) -> str:
    """One target as `policyqa bench` prints it: goal, measured value, ok / MISSED / - (not measured)."""
    met = "ok" if row["met"] else ("MISSED" if row["met"] is False else "-")
    return f"{row['target']:<48} {row['goal']:>10}  measured {fmt(row['measured'], 2)} {row['suffix']}  {met}"


def markdown(results: dict) -> str:
    """The whole report: machine, targets, backends, latency, synthetic corpora, cold start, method."""
    sections = [_machine(results), _targets(results), _backends(results.get("backends", {})),
                _latency(results.get("serve", {})), _where_users_are(results), _synthetic(results),
                _seed_disk(results.get("seed_disk_bytes")),
                _store(results.get("store", {}), results.get("serve", {})), _cold_start(results.get("cold_start", {})),
                _method()]
    return "\n".join(line for section in sections for line in section) + "\n"


def _machine(results: dict) -> list[str]:
    m = results["machine"]
    return ["# policyqa benchmark", "",
            f"Run with `{results['command']}` on {results['started']}, {results['total_s']:.0f} s in all.", "",
            "## Machine", "",
            f"- CPU: {m['cpu']}, {m['cores']} cores; memory {m['memory_gb']} GB; {m['os']}; Python {m['python']}",
            "- " + ", ".join(f"{k} {v}" for k, v in m["versions"].items() if v),
            f"- load average (1, 5, 15 min) at the start: {m['load_average']}, at the end: "
            f"{results['load_average_end']}. Above about 0.5 other processes shared the two cores and the "
            "timings are noisy (single-query latencies suffer most).",
            *[f"- **failed**: {failure}" for failure in results.get("failed", [])]]


def _targets(results: dict) -> list[str]:
    met = {None: "–", True: "yes", False: "**no**"}
    rows = [[row["target"], row["goal"], f"{fmt(row['measured'], 2)} {row['suffix']}",
             f"{fmt(row['baseline'], 2)} {row['suffix'] if row['baseline'] is not None else ''}", met[row["met"]]]
            for row in results["targets"]]
    return ["", "## Targets", "",
            table(["target", "goal", "measured", "plain baseline, same run", "met"], rows, markdown=True)]


def _backends(backends: dict) -> list[str]:
    if not backends:
        return []
    header = ["backend", "model load s", "full build s", "passages/s", "texts/s", "question embedding p50 / p95 ms",
              "hit@1", "MRR@10", "nDCG@10", "recall@5"]
    rows = []
    for name, b in backends["backends"].items():
        if "unavailable" in b:
            rows.append([name, b["unavailable"]] + [""] * (len(header) - 2))
            continue
        g = b["golden_hybrid"]
        rows.append([name, fmt(b["load_s"], 2), fmt(b["build_s"], 2), fmt(b["passages_per_s"]), fmt(b["texts_per_s"]),
                     _pair(b["query_embedding_ms"])] + [fmt(g.get(k), 3) for k in ("hit@1", "mrr@10", "ndcg@10",
                                                                                    "recall@5")])
    p = backends["plain_encode"]
    rows.append(["plain `SentenceTransformer.encode` (PyTorch, batches of 32), embedding only", "",
                 fmt(p["seconds"], 2), fmt(p["passages_per_s"]), fmt(p["texts_per_s"])] + [""] * 5)
    return ["", "## Embedding backends (seed policies, real vectors)", "",
            f"Default: **{backends['default_backend']}**. A full build embeds every passage and every "
            "sentence (`texts`); throughput counts passages. Golden quality: hybrid retriever, k=5.", "",
            table(header, rows, markdown=True)]


def _latency(serve: dict) -> list[str]:
    if not serve:
        return []
    header = ["corpus", "passages", "sentences", "vectors", "passage index", "sentence index", "answer p50 / p95 ms",
              "without the reranker p50 / p95 ms", "FAISS passages p50 / p95 ms", "FAISS sentences p50 / p95 ms",
              "plain p50 / p95 ms", "plain flat search p50 ms", "peak RSS MB", "open s", "first answer s"]
    rows = []
    for label, s in serve.items():
        plain = s.get("plain", {})
        rows.append([label, fmt(s["passages"]), fmt(s["sentences"]),
                     "real" if label in ("seed", "collection") else "synthetic",
                     s["faiss_index"], s["sentence_index"], _pair(s["answer_ms"]),
                     _pair(s.get("answer_no_rerank_ms") or s["answer_ms"]), _pair(s["faiss_passages_ms"]),
                     _pair(s["faiss_sentences_ms"]), _pair(plain.get("answer_ms", {})),
                     fmt(plain.get("flat_search_ms", {}).get("p50"), 2), fmt(s["peak_rss_mb"]), fmt(s["open_s"], 2),
                     fmt(s["first_answer_s"], 2)])
    return ["", "## Warm per-question latency", "",
            "Each golden question through `Engine.answer` (routing by company name, retrieval for each "
            "policy in scope, highlighting), its embedding included; after a warm-up pass. Bare FAISS: "
            "one unrestricted top-10 search of the passage index and of the sentence index with the "
            "question's vector. Plain baseline: PyTorch `encode` of the question + exact `IndexFlatIP` "
            "top-5 over the same passage vectors.", "",
            table(header, rows, markdown=True), "",
            "\"first answer s\" is the time from an opened index to the first answer (it builds the BM25 "
            "index). ![latency against corpus size](latency.png)"]


def _where_users_are(results: dict) -> list[str]:
    """What the chat does with a question naming no company, beside `Engine.search`, at every size; the real
    collection's build; routing alone over many made-up companies."""
    lines: list[str] = []
    serve = {label: s for label, s in results.get("serve", {}).items() if "answer_unrouted_warm_ms" in s}
    serve.update({f"{label}, PostgreSQL": e["answer"] for label, e in results.get("store", {}).items()
                  if isinstance(e, dict) and "answer_unrouted_warm_ms" in e.get("answer", {})})
    if serve:
        lines += ["", "## Where users are: questions naming no company", "",
                  "Five questions that name no company (qa.bench.serve.UNROUTED), as the chat asks them: routing "
                  "alone, `Engine.search` over every policy (what the README's latencies time), and "
                  "`Engine.answer` with the reranker and verdicts, the first time each is asked (its vector "
                  "new) and again. Then the golden questions naming one company, routed to it: `Engine.search` "
                  "over that policy and `Engine.answer`, new and warm. \"first answer s\": from opening the "
                  "index to its first answer.", "", answer_table(serve)]
    collection = results.get("collection")
    if collection:
        lines += ["", "## A real collection", "",
                  f"{fmt(collection['policies'])} policies built as `policyqa index build` builds them: "
                  f"{fmt(collection['passages'])} passages and {fmt(collection['texts_embedded'])} texts embedded "
                  f"(passages and their sentences) in {fmt(collection['build_s'])} s, "
                  f"{fmt(collection['passages_per_s'])} passages/s ({fmt(collection['texts_per_s'])} texts/s), "
                  f"peak RSS {fmt(collection['peak_rss_mb'])} MB; {len(collection['errors'])} files refused, "
                  f"{len(collection['skipped'])} entries skipped."]
    routing = results.get("routing")
    if routing:
        rows = [[fmt(r["policies"]), fmt(r["first_ms"], 1), _pair(r)] for r in routing.values()]
        lines += ["", "## Routing by company names", "",
                  "`match_names` over made-up companies with 2-3 aliases each (qa.bench.routing), 200 questions: "
                  "named exactly, misspelt, a company with no policy, none. The first call compiles the names.", "",
                  table(["policies", "first call ms", "p50 / p95 ms"], rows, markdown=True)]
    return lines


def answer_table(serve: dict) -> str:
    """`Engine.answer` beside `Engine.search` per corpus (`qa.bench.serve.unrouted_timings` and
    `routed_timings`, a folder's or the store's), as a Markdown table."""
    header = ["corpus", "policies", "passages", "routing p50 / p95 ms", "Engine.search, every policy p50 / p95 ms",
              "Engine.answer, new question p50 / p95 ms", "Engine.answer, warm p50 / p95 ms",
              "routed: Engine.search p50 / p95 ms", "routed: Engine.answer, new p50 / p95 ms",
              "routed: Engine.answer, warm p50 / p95 ms", "first answer s"]
    rows = [[label, fmt(s.get("policies")), fmt(s["passages"]), _pair(s["routing_ms"]), _pair(s["search_all_ms"]),
             _pair(s["answer_unrouted_new_ms"]), _pair(s["answer_unrouted_warm_ms"]),
             *(_pair(s[key]) if s.get(key) else "–"
               for key in ("search_routed_ms", "answer_routed_new_ms", "answer_routed_warm_ms")),
             fmt(s["open_s"] + s["first_answer_s"], 2)] for label, s in serve.items()]
    return table(header, rows, markdown=True)


def _synthetic(results: dict) -> list[str]:
    synthetic = results.get("synthetic", {})
    if not synthetic:
        return []
    backends = results.get("backends", {})
    rate = backends["backends"].get(backends["default_backend"], {}).get("texts_per_s") if backends else None
    header = ["passages", "sentences", "generate s", "passage index s", "sentence index s", "save s", "on disk MB",
              "recall@10 passages / sentences", "same, one policy in scope", "peak RSS MB", "embedding estimate h"]
    rows = []
    for s in synthetic.values():
        r = s["recall_at_10"]
        estimate = (s["size"] + s["sentences"]) / rate / 3600 if rate else None
        rows.append([fmt(s["size"]), fmt(s["sentences"]), fmt(s["generate_s"]), fmt(s["index_passages_s"]),
                     fmt(s["index_sentences_s"]), fmt(s["save_s"]), fmt(s["disk_bytes"]["total"] / 1e6),
                     f"{r['passages']:.3f} / {r['sentences']:.3f}",
                     f"{r['passages_one_policy']:.3f} / {r['sentences_one_policy']:.3f}", fmt(s["peak_rss_mb"]),
                     fmt(estimate, 2)])
    return ["", "## Synthetic corpora: index build, size, recall", "",
            "Vectors are synthetic (see the note below), so the build time here is the index's own: "
            "FAISS construction and saving. Embedding that many texts for real would take the time in "
            "the last column, at the default backend's measured rate.", "",
            table(header, rows, markdown=True), "",
            "Index types chosen: " + "; ".join(f"{size}: passages {s['faiss_index']}, sentences {s['sentence_index']}"
                                               for size, s in synthetic.items())]


def _store(store: dict, serve: dict) -> list[str]:
    """The PostgreSQL store beside the folder (`--store`): build, open, latency, memory, disk."""
    if not store:
        return []
    header = ["corpus", "policies", "open s", "first answer s", "one policy p50 / p95 ms",
              "every policy p50 / p95 ms", "every policy, first pass p50 / p95 ms", "peak RSS MB", "on disk MB",
              "folder: peak RSS MB, open s"]
    rows = []
    for label, entry in store.items():
        s = entry.get("serve", {})
        if not s:
            continue
        routed = s.get("routed_ms") or s.get("one_policy_ms") or {}
        first = s.get("all_policies_first_pass_ms")
        folder = serve.get(label, {})
        rows.append([label, fmt(s.get("policies")), fmt(s.get("open_s"), 2), fmt(s.get("first_answer_s"), 2),
                     _pair(routed), _pair(s.get("all_policies_ms", {})), _pair(first) if first else "–",
                     fmt(s.get("peak_rss_mb")), fmt(entry["disk_bytes"] / 1e6 if entry.get("disk_bytes") else None),
                     f"{fmt(folder.get('peak_rss_mb'))}, {fmt(folder.get('open_s'), 2)}" if folder else "–"])
    seed = store.get("seed", {})
    built = seed.get("store", {})
    writes = seed.get("store_writes_only", {})
    lines = ["", "## PostgreSQL store (`--store`), beside the folder", "",
             "Each reader is a fresh process (`qa.search.engine.open_engine`, reranker off: it costs the same on "
             "both stores). Seed: `Engine.answer`, questions naming one company routed to it, the others over "
             "every policy. Synthetic (the same corpora as above, cut into policies of 50 passages, or with "
             "`--companies` spread over that many companies as the folder's are, written once by COPY and "
             "kept in the server between runs): `Engine.search` over one random policy and over every "
             "policy; the first pass over the questions reads from disk what the server does not hold yet, "
             "the second is warm. `Engine.answer` with the reranker on the store: the table of questions "
             "naming no company, above.", "",
             table(header, rows, markdown=True)]
    if built:
        lines += ["", f"Seed build into the store with the model: {fmt(built.get('passages_per_s'))} passages/s "
                      f"({fmt(built.get('build_s'), 2)} s); with the seed index's vectors (the store's own cost): "
                      f"{fmt(writes.get('passages_per_s'))} passages/s."]
    writes_300k = [e for e in store.values() if isinstance(e, dict) and e.get("write_s")]
    for e in writes_300k:
        lines += [f"{fmt(e['size'])} synthetic passages written in {fmt(e['write_s'])} s "
                  f"({fmt(e['write_passages_per_s'])} passages/s), HNSW {fmt(e['hnsw_s'])} s, publish "
                  f"{fmt(e['publish_s'])} s."]
    return lines


def _seed_disk(sizes: dict | None) -> list[str]:
    if not sizes:
        return []
    files = ", ".join(f"{name} {size / 1e3:.0f} kB" for name, size in sizes.items() if name != "total")
    return ["", f"Seed index on disk: {sizes['total'] / 1e6:.2f} MB ({files})."]


def _cold_start(cold: dict) -> list[str]:
    if not cold:
        return []
    cli, server, make_run = cold.get("cli", {}), cold.get("server", {}), cold.get("make_run") or {}
    rows = []
    for key, label in (("help_s", "`policyqa --help`"),
                       ("error_path_s", "`policyqa ask` with a missing index (error path)"),
                       ("ask_first_answer_s", "`policyqa ask QUESTION`: start to first line of the answer"),
                       ("ask_exit_s", "`policyqa ask QUESTION`: start to exit")):
        v = cli.get(key, {})
        rows.append([label, f"{fmt(v.get('median'), 2)} ({fmt(v.get('min'), 2)} / {fmt(v.get('max'), 2)})"])
    rows += [["chat server: `streamlit run app.py` to /_stcore/health", fmt(server.get("health_s"), 2)],
             ["chat server: start to the chat box shown in Chromium", fmt(server.get("page_ready_s"), 2)],
             ["chat server: start to the first answer (shown in full) in Chromium",
              fmt(server.get("first_answer_s"), 2)],
             ["`make run` (venv installed, index built) to the first answer in Chromium",
              fmt(make_run.get("first_answer_s"), 2)]]
    return ["", "## Cold start", "",
            f"Fresh processes on the seed index (`{cli.get('command')}`), median of "
            f"{cli.get('help_s', {}).get('runs')} runs (min / max in brackets).", "",
            table(["what", "seconds"], rows, markdown=True), "",
            f"`policyqa ask` imports torch: {cli.get('ask_imports_torch')}. "
            + (f"Chat: {server['note']}." if server.get("note") else "")]


def _method() -> list[str]:
    return ["", "## How the numbers were made", "",
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

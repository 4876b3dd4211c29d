"""`policyqa bench`: the parser, the command, and the run that puts the phases together.

Imports nothing heavy at module level: `policyqa --help` builds this parser.
"""

from __future__ import annotations

import argparse
import json
import shutil
import sys
import tempfile
import time
from pathlib import Path

from qa.config import PROJECT_ROOT

DEFAULT_SIZES = (30_000, 300_000)


def scratch_folder(parent: Path | None) -> Path:
    """A new scratch folder for one run, inside `parent` (made if missing: `--work` names where scratch goes,
    not a folder that must exist) or the system's temp."""
    if parent is not None:
        parent.mkdir(parents=True, exist_ok=True)
    return Path(tempfile.mkdtemp(prefix="policyqa-bench-", dir=parent))


def run_bench(out: Path, policies: Path, questions_file: Path, sizes: list[int], work: Path | None = None,
              backends: tuple[str, ...] = ("torch", "onnx", "onnx-int8"), cold_runs: int = 3,
              server: bool = True, command: str = "policyqa bench", store: str | None = None,
              collection: Path | None = None, companies: int = 0) -> dict:
    """Run every phase and write report.md, report.json and latency.png into `out`; returns the results.

    `work`: where the scratch folder (seed builds, synthetic corpora; deleted afterwards) is made.
    `collection`: a folder of real policies (Open Terms Archive's) built and served as one more size.
    `companies`: how many policies the synthetic corpora are spread over (0: the five seed policies).
    """
    from qa.bench.child import run_child
    from qa.bench.coldstart import cold_start_cli, cold_start_server
    from qa.bench.measure import elapsed_s, folder_bytes, say
    from qa.bench.plot import plot
    from qa.bench.report import markdown, targets
    from qa.embed.base import DEFAULT_BACKEND
    from qa.eval.datasets import question_texts
    from qa.tables import load_average, machine

    results: dict = {"command": command, "started": time.strftime("%Y-%m-%d %H:%M:%S %Z"), "machine": machine(),
                     "sizes": sizes}
    work = scratch_folder(work)
    question = question_texts(questions_file)[0]
    try:
        order = [b for b in backends if b != DEFAULT_BACKEND] + [b for b in backends if b == DEFAULT_BACKEND]
        say(f"embedding backends {', '.join(order)} on {policies}")
        results["backends"] = run_child("backends", policies=str(policies), questions_file=str(questions_file),
                                        work=str(work), backends=order)
        built = results["backends"]["backends"]
        seed_index = Path(built.get(DEFAULT_BACKEND, {}).get("index")
                          or next(b["index"] for b in built.values() if "index" in b))
        results["seed_disk_bytes"] = folder_bytes(seed_index)
        results["serve"] = {"seed": run_child("serve", index=str(seed_index), questions_file=str(questions_file))}
        say("routing by company names: 1,000 and 6,000 made-up companies")
        results["routing"] = run_child("routing", sizes=[1000, 6000])
        if collection is not None:
            say(f"real collection: {collection}")
            folder = work / "collection"
            results["collection"] = run_child("collection_build", policies=str(collection), folder=str(folder))
            results["serve"]["collection"] = run_child("serve", index=str(folder), questions_file=str(questions_file),
                                                       baseline=False)
            shutil.rmtree(folder, ignore_errors=True)
        results["synthetic"] = {}
        for size in sizes:
            folder = work / f"synthetic-{size}"
            say(f"synthetic corpus of {size} passages")
            results["synthetic"][str(size)] = run_child("synthetic_build", seed_index=str(seed_index), size=size,
                                                        folder=str(folder), questions_file=str(questions_file),
                                                        companies=companies)
            try:
                results["serve"][str(size)] = run_child("serve", index=str(folder), questions_file=str(questions_file))
            except RuntimeError as err:  # keep the other measurements; the report says what failed
                results["failed"] = results.get("failed", []) + [f"serving {size} passages: {err}"]
            shutil.rmtree(folder, ignore_errors=True)
        if store:  # the PostgreSQL store beside the folder, at the same sizes (qa.bench.pg)
            from qa.bench.pg import bench_store

            results["store"] = bench_store(store, seed_index, policies, questions_file, sizes, companies=companies)
        say("cold start: policyqa --help, ask")
        results["cold_start"] = {"cli": cold_start_cli(seed_index, question, cold_runs)}
        if server:
            say("cold start: streamlit chat")
            results["cold_start"]["server"] = cold_start_server(seed_index, question)
            results["cold_start"]["make_run"] = cold_start_server(seed_index, question, make_run=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    results["load_average_end"] = load_average()
    results["total_s"] = round(elapsed_s(), 1)
    results["targets"] = targets(results)
    out.mkdir(parents=True, exist_ok=True)
    (out / "report.json").write_text(json.dumps(results, indent=2) + "\n", encoding="utf-8")
    plot(results, out / "latency.png")
    (out / "report.md").write_text(markdown(results), encoding="utf-8")
    return results


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
    bench.add_argument("--companies", type=int, default=0, metavar="N",
                       help="spread each synthetic corpus over N policies (made-up companies beside the seed's; "
                            "default: the five seed policies)")
    bench.add_argument("--collection", metavar="DIR",
                       help="a folder of real policies built and served as one more size (default: Open Terms "
                            "Archive's current/ beside the checkout when present, not with --quick; 'none' skips)")
    bench.add_argument("--store", metavar="URL",
                       help="also measure the PostgreSQL store (postgresql://...) beside the folder (qa.bench.pg)")
    bench.set_defaults(func=cmd_bench)
    return bench


def cmd_bench(args: argparse.Namespace) -> int:
    """`policyqa bench`: every phase, then each target's line and where the report is."""
    from qa.bench.report import target_line
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
    if args.store and not args.store.startswith(("postgresql://", "postgres://")):
        from qa.index.pg.store import redact_url

        print(f"policyqa: error: --store must be a postgresql:// URL, got {redact_url(args.store)!r}", file=sys.stderr)
        return 2
    from qa.bench.collection import DEFAULT_COLLECTION

    if args.collection not in (None, "none"):
        collection: Path | None = Path(args.collection)
    else:
        collection = DEFAULT_COLLECTION if (args.collection is None and not args.quick
                                            and DEFAULT_COLLECTION.is_dir()) else None
    results = run_bench(args.out, folder, args.questions, sizes, work=args.work, cold_runs=1 if args.quick else 3,
                        server=not (args.quick or args.no_server), command=command, store=args.store,
                        collection=collection, companies=args.companies)
    for row in results["targets"]:
        print(target_line(row))
    print(f"report: {args.out / 'report.md'}")
    return 0

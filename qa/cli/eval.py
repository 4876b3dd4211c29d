"""`policyqa eval`: retrieval measured on a golden set or SQuAD-format data, through the product's
answer path (qa.eval), as a table, JSON or a Markdown report; `--compare` measures the compare grid."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from qa.cli.options import index_option, model_option, positive_int, reranker_option, retriever_names
from qa.cli.output import progress_bar, stderr_bar
from qa.cli.store import add_store_option, open_eval_engine, store_of
from qa.errors import EXIT_FAILURE, BuildError, UserError


def add_eval_parser(commands) -> argparse.ArgumentParser:
    """Register `policyqa eval` on the CLI's subcommands."""
    ev = commands.add_parser("eval", help="measure retrieval on a golden set or SQuAD-format data")
    source = ev.add_mutually_exclusive_group()
    source.add_argument("--dataset", type=Path, default=Path("evals/golden.jsonl"), metavar="FILE.jsonl",
                        help="golden questions (default evals/golden.jsonl)")
    source.add_argument("--squad", type=Path, metavar="FILE.json",
                        help="SQuAD-format data (e.g. PolicyQA); each article becomes a policy in a temporary index")
    source.add_argument("--opp115", type=Path, metavar="DIR",
                        help="score the compare grid against OPP-115 expert labels on its held-out policies "
                             "(DIR: the OPP-115 folder, e.g. ../shared/data/opp115), beside a keyword rule")
    ev.add_argument("--every", type=int, default=1, metavar="N", help="use every N-th question")
    ev.add_argument("--split", choices=("dev", "test", "train", "calibration"),
                    help="golden set: only its dev part (tune on it) or its test part (report it; by default "
                         "both are reported, separately); with --squad: only the questions of that part of the "
                         "reranker's policy split (test: the held-out policies no model here was trained or "
                         "calibrated on); with --compare: the gold cells of that part")
    ev.add_argument("--retriever", default=",".join(retriever_names()), metavar="NAMES",
                    help=f"comma-separated retrievers to compare (default: {','.join(retriever_names())})")
    ev.add_argument("--k", type=int, default=5, help="cut-off for hit@k and recall@k (default 5)")
    reranker_option(ev)
    ev.add_argument("--no-baseline", action="store_true",
                    help="measure only with the reranker (skip each retriever's run without it)")
    ev.add_argument("--json", action="store_true", help="print the metrics as JSON")
    ev.add_argument("--out", type=Path, metavar="REPORT.md", help="write a Markdown report")
    ev.add_argument("--show-misses", type=int, default=0, metavar="N", help="print the worst N questions")
    ev.add_argument("--compare", nargs="?", const=Path("evals/compare_gold.jsonl"), type=Path, metavar="GOLD.jsonl",
                    help="measure the compare grid's cells against gold (default evals/compare_gold.jsonl); with "
                         "--squad, against a temporary index of the gold's policies taken from that file")
    ev.add_argument("--topics", type=Path, metavar="TOPICS.jsonl",
                    help="with --compare: the grid's topics (your own, as `policyqa compare --topics`; default the "
                         "shipped list)")
    ev.add_argument("--no-cache", action="store_true",
                    help="with --compare: answer every cell again (the grid's time from no cache)")
    index_option(ev)
    ev.add_argument("--policies", metavar="DIR",
                    help="policies folder: with --model or --chunk-size, the one to index; with a --dataset alone, "
                         "where the policies it names are read from (only those are indexed, in a temporary index)")
    model_option(ev, "to evaluate (builds a temporary index with it)")
    ev.add_argument("--chunk-size", type=positive_int, metavar="CHARS",
                    help="evaluate another passage size (builds a temporary index)")
    ev.add_argument("--chunk-overlap", type=int, metavar="CHARS", help="with --chunk-size: overlap")
    add_store_option(ev)
    ev.set_defaults(func=cmd_eval)
    return ev


def temporary_index(policies: list, settings, quiet: bool, source_dir: Path | None = None) -> Path:
    """Index `policies` (Policy objects) with the product's own pipeline into a cached folder."""
    from qa.embed.load import load_embedder
    from qa.index.build import cached_index

    try:
        with progress_bar("indexing", "passage", quiet) as progress:
            return cached_index(policies, settings, lambda: load_embedder(settings.model), "eval",
                                source_dir=source_dir, progress=progress)
    except BuildError as err:
        raise UserError(f"could not index the evaluation policies: {err}", EXIT_FAILURE) from None


def dataset_policies(path: Path, folder: Path) -> list:
    """The policies of `folder` that the golden-format file at `path` names (each line's "policy" and its
    answers' policies), read in place; UserError when one is missing or unreadable."""
    from qa.eval.datasets import read_questions
    from qa.ingest.policies import load_policies

    rows, _ = read_questions(path)
    named = {str(p) for _, row in rows for p in [row.get("policy"), *(a.get("policy") for a in row.get("answers", [])
                                                                      if isinstance(a, dict))] if p}
    if not folder.is_dir():
        raise UserError(f"policies folder not found: {folder}")
    policies, errors = load_policies(folder, only=named)
    if errors:
        raise UserError(f"cannot read policy {errors[0]}", EXIT_FAILURE)
    missing = sorted(named - {p.id for p in policies})
    if missing:
        raise UserError(f"{len(missing)} policies {path} names are not in {folder}: {', '.join(missing[:5])}")
    return policies


def cmd_eval(args: argparse.Namespace) -> int:
    if args.opp115 is not None:
        return cmd_eval_opp115(args)
    if args.compare:
        return cmd_eval_compare(args)
    retrievers = [r.strip() for r in args.retriever.split(",") if r.strip()]
    from qa.search.engine import RETRIEVERS

    unknown = [r for r in retrievers if r not in RETRIEVERS]
    if unknown or not retrievers:
        raise UserError(f"unknown retriever {', '.join(unknown) or '(none)'} (choose from {', '.join(RETRIEVERS)})")
    if args.every < 1:
        raise UserError(f"--every must be >= 1, got {args.every}")
    if args.squad is not None and args.split == "dev":
        raise UserError("--split dev is the golden set's; with --squad choose train, calibration or test")
    if args.squad is None and args.split in ("train", "calibration"):
        raise UserError(f"--split {args.split} needs --squad; the golden set's parts are dev and test")
    from qa.config import BuildSettings, policies_dir
    from qa.eval.datasets import SPLITS, load_golden, load_squad
    from qa.eval.evaluation import evaluate
    from qa.eval.metrics import RESAMPLES, SEED
    from qa.eval.report import as_json, markdown_report, misses_text, part_tables
    from qa.ingest.policies import load_policies
    from qa.search.engine import Engine

    try:
        settings = BuildSettings.from_env(model=args.model, chunk_size=args.chunk_size,
                                          chunk_overlap=args.chunk_overlap)
    except ValueError as err:
        raise UserError(str(err)) from None
    rebuild = bool(args.model or args.chunk_size or args.chunk_overlap is not None)
    problems: list = []  # DatasetProblem
    if args.squad is not None:
        if not args.squad.is_file():
            raise UserError(f"dataset not found: {args.squad}")
        policies, questions, problems = load_squad(args.squad, every=args.every)
        folder = temporary_index(policies, settings, args.json)
        if args.split:
            from qa.train.split import split_squad_policies

            chosen = set(getattr(split_squad_policies([p.id for p in policies]), args.split))
            questions = [q for q in questions if q.policy in chosen]
        dataset = f"{args.squad} (SQuAD format, every {args.every}{f', {args.split} policies' if args.split else ''})"
    else:
        path = args.dataset
        if not path.is_file():
            raise UserError(f"dataset not found: {path}")
        if rebuild:
            source = policies_dir(args.policies)
            policies, errors = load_policies(source)
            if errors:
                raise UserError(f"cannot read policy {errors[0]}", EXIT_FAILURE)
            folder = temporary_index(policies, settings, args.json, source_dir=source)
        elif args.policies:  # a dataset over another collection, e.g. evals/ota_golden.jsonl
            source = policies_dir(args.policies)
            folder = temporary_index(dataset_policies(path, source), settings, args.json, source_dir=source)
        else:
            from qa.config import index_dir

            folder = index_dir(args.index)
        dataset = str(path)
    store = store_of(args)
    engine = (Engine.open(folder, model=args.model, reranker=args.reranker) if store is None else
              open_eval_engine(store, folder, settings, args.reranker, args.model, args.squad is not None or rebuild))
    from qa.eval.evaluation import run_names

    systems = run_names(retrievers, engine.reranker is not None)
    if args.no_baseline and engine.reranker is not None:
        systems = [s for s in systems if s.endswith("+rerank")]
    parts: tuple[str, ...] = ()
    if args.squad is None:
        questions, problems = load_golden(args.dataset, engine.policies)
        if args.split:
            questions = [q for q in questions if q.split == args.split]
            dataset += f" ({args.split} part)"
        else:  # both parts, reported separately (a file without splits is reported whole)
            parts = tuple(s for s in SPLITS if any(q.split == s for q in questions))
        questions = questions[args.every - 1::args.every] if args.every > 1 else questions
    for problem in problems:
        print(f"policyqa: dataset {dataset.split(' ')[0]}: {problem}", file=sys.stderr)
    if not questions:
        raise UserError("no usable questions in the dataset")

    with stderr_bar(len(questions) * len(systems), "evaluating", "q", disable=args.json or None) as bar:
        runs, interrupted = evaluate(engine, questions, systems, args.k, progress=lambda: bar.update())
    if interrupted:
        print(f"policyqa: interrupted: {len(runs[0].results)} of {len(questions)} questions measured",
              file=sys.stderr)
    run_settings = {"dataset": dataset, "questions": len(runs[0].results), "k": args.k,
                    "retrievers": ",".join(systems), "model": engine.index.manifest["model"]["id"],
                    "reranker": engine.reranker.name if engine.reranker else None,
                    "chunk_size": engine.index.manifest["chunker"]["chunk_size"],
                    "retrieval": engine.settings.to_dict(),
                    "intervals": f"95%, bootstrap by policy, {RESAMPLES} resamples, seed {SEED}"}
    if args.json:
        print(as_json(runs, args.k, run_settings, parts))
    else:
        print(f"{dataset}: {len(runs[0].results)} questions, k={args.k}, model {run_settings['model']}; "
              f"[95% interval, bootstrap by policy]")
        print(part_tables(runs, args.k, parts))
        if args.show_misses:
            print()
            if args.squad is None and args.split == "test":
                print("misses of the test part are not shown: tune on the dev part only")
            else:
                print(misses_text(runs[0].part("dev") if parts else runs[0], args.show_misses))
    if args.out:
        misses = 0 if args.squad is None and args.split == "test" else args.show_misses or 10
        args.out.write_text(markdown_report(runs, args.k, run_settings, engine.index.manifest, misses,
                                            interrupted, parts), encoding="utf-8")
    return 130 if interrupted else (EXIT_FAILURE if problems else 0)


def cmd_eval_compare(args: argparse.Namespace) -> int:
    """`policyqa eval --compare [GOLD]`: cell accuracy of the compare grid on the index, with the misses."""
    from qa.compare.grid import build_grid
    from qa.compare.topics import load_topics
    from qa.config import index_dir
    from qa.errors import TopicsError
    from qa.eval.compare import load_gold, misses_text, score
    from qa.search.engine import Engine

    path: Path = args.compare
    if not path.is_file():
        raise UserError(f"gold file not found: {path}")
    store = store_of(args) if args.squad is None else None
    if store is not None:  # the store's published index; its cells are cached on this machine
        from qa.compare.cache import store_cache_folder
        from qa.index.open import SCHEMA
        from qa.search.engine import open_engine

        folder = store_cache_folder(store, SCHEMA)
        engine = open_engine(store, model=args.model, reranker=args.reranker)
    else:
        folder = _squad_gold_index(args.squad, path, args) if args.squad is not None else index_dir(args.index)
        engine = Engine.open(folder, model=args.model, reranker=args.reranker)
    try:
        topics = load_topics(args.topics)
    except TopicsError as err:
        raise UserError(str(err)) from None
    texts = {pid: p.text for pid, p in engine.policies.items()}
    gold, problems = load_gold(path, texts, {t.id for t in topics})
    for problem in problems:
        print(f"policyqa: gold {problem}", file=sys.stderr)
    if args.split is not None:
        gold = [g for g in gold if g.split == args.split]
    if not gold:
        raise UserError(f"no usable gold cells in {path}" + (f" (split {args.split})" if args.split else ""),
                        EXIT_FAILURE)
    policies = sorted({g.policy for g in gold})
    grid = build_grid(folder, topics, policies=policies, engine=engine, use_cache=not args.no_cache)
    result = score(grid, gold)
    if args.json:
        from qa.index.open import redact_url

        print(json.dumps({"gold": str(path), "index": redact_url(store) if store else str(folder),
                          "reranker": engine.reranker.name if engine.reranker else None,
                          "model": engine.index.manifest["model"]["id"],
                          "seconds": round(grid.seconds, 2), **result.to_dict()}, ensure_ascii=False, indent=1))
    else:
        names = {p.id: p.name for p in grid.policies}
        labels = {t.id: t.label for t in topics}
        print(f"{path}: {result.cells} cells ({result.gold_stated} stated, {result.gold_not_stated} not stated), "
              f"model {engine.index.manifest['model']['id']}, reranker "
              f"{engine.reranker.name if engine.reranker else 'none'}, grid in {grid.seconds:.1f} s "
              f"({grid.computed} answered, {grid.cached} cached)")
        print(f"cell accuracy                {result.accuracy:.3f}  ({result.correct}/{result.cells})")
        print(f"status accuracy              {result.status_correct / result.cells:.3f}")
        print(f"stated, wrongly not stated   {result.wrong_not_stated_rate:.3f}  "
              f"({result.stated_as_not_stated}/{result.gold_stated})")
        print(f"not stated, wrongly stated   {result.not_stated_as_stated}/{result.gold_not_stated}")
        print(f"stated, quote elsewhere      {result.wrong_quote}")
        print("by topic: " + ", ".join(f"{labels[t]} {r}/{n}" for t, (r, n) in result.by_topic.items()))
        if result.misses:
            print(f"misses ({len(result.misses)}):")
            print(misses_text(result, names, labels))
    return EXIT_FAILURE if problems else 0


def _squad_gold_index(squad: Path, gold: Path, args: argparse.Namespace) -> Path:
    """A temporary index of the SQuAD-format articles that `gold` names (held-out compare gold)."""
    from qa.config import BuildSettings
    from qa.eval.compare import gold_policy_ids
    from qa.eval.datasets import load_squad

    if not squad.is_file():
        raise UserError(f"dataset not found: {squad}")
    wanted = gold_policy_ids(gold)
    policies = [p for p in load_squad(squad)[0] if p.id in wanted]
    if not policies:
        raise UserError(f"none of the gold's policies ({', '.join(sorted(wanted)) or 'none'}) is an article of {squad}")
    try:
        settings = BuildSettings.from_env(model=args.model)
    except ValueError as err:
        raise UserError(str(err)) from None
    return temporary_index(policies, settings, args.json)


def cmd_eval_opp115(args: argparse.Namespace) -> int:
    """`policyqa eval --opp115 DIR`: the grid's cells on OPP-115's held-out policies against the experts'
    labels, and the keyword rule's on the same cells, overall and per topic, with 95% intervals."""
    from qa.compare.grid import build_grid
    from qa.compare.topics import load_topics
    from qa.config import BuildSettings
    from qa.eval.opp115 import by_topic, data_root, judge_cell, keyword_cell, segmented_policy
    from qa.search.engine import Engine
    from qa.train.opp115 import gold_practices, load_policies, opp115_split

    root = data_root(args.opp115)
    if not (root / "opp115" / "sanitized_policies").is_dir():
        raise UserError(f"no OPP-115 data in {args.opp115} (expected sanitized_policies/ there)")
    try:
        _train, _calibration, test = opp115_split(root)
        loaded = load_policies(root, test)
        gold = gold_practices(root, test)
    except (OSError, ValueError, KeyError) as err:
        raise UserError(f"cannot read OPP-115 from {root}: {err}", EXIT_FAILURE) from None
    policies = [segmented_policy(p.stem, p.name, [s.text for s in p.segments]) for p in loaded]
    try:
        settings = BuildSettings.from_env(model=args.model)
    except ValueError as err:
        raise UserError(str(err)) from None
    folder = temporary_index([p.policy for p in policies], settings, args.json)
    engine = Engine.open(folder, model=args.model, reranker=args.reranker)
    covered = {topic for per_topic in gold.values() for topic in per_topic}
    topics = [t for t in load_topics() if t.id in covered]
    grid = build_grid(folder, topics, policies=[p.policy.id for p in policies], engine=engine,
                      use_cache=not args.no_cache)
    grid_cells, keyword_cells = [], []
    for policy in policies:
        for topic in topics:
            segments = gold[policy.stem][topic.id]
            cell = grid.cell(topic.id, policy.policy.id)
            quote = (cell.quotes[0].start, cell.quotes[0].end) if cell.quotes else None
            grid_cells.append(judge_cell(policy, topic.id, segments, cell.stated, quote))
            keyword_cells.append(keyword_cell(policy, topic.id, segments))
    ids = [t.id for t in topics]
    result = {"grid": by_topic(grid_cells, ids), "keyword": by_topic(keyword_cells, ids)}
    header = {"data": str(root / "opp115"), "policies": [p.stem for p in policies], "topics": ids,
              "index": str(folder), "model": engine.index.manifest["model"]["id"],
              "reranker": engine.reranker.name if engine.reranker else None, "seconds": round(grid.seconds, 2),
              "intervals": "95%, bootstrap by policy, 1000 resamples, seed 22"}
    if args.json:
        print(json.dumps({**header, **result}, ensure_ascii=False, indent=1))
        return 0
    from qa.tables import table

    def shown(block: dict, name: str) -> str:
        got = block[name]
        if got["value"] is None:
            return "n/a"
        return f"{got['value']:.3f}" + (f" [{got['ci95'][0]:.3f}, {got['ci95'][1]:.3f}]" if got["ci95"] else "")

    labels = {t.id: t.label for t in topics}
    rows = []
    for key in ["all", *ids]:
        g, k = result["grid"][key], result["keyword"][key]
        rows.append([labels.get(key, "all topics"), str(g["cells"]), str(g["gold_stated"]),
                     shown(g, "cell_accuracy"), shown(g, "balanced_accuracy"), shown(g, "evidence_rate"),
                     shown(k, "cell_accuracy"), shown(k, "balanced_accuracy"), shown(k, "evidence_rate")])
    print(f"OPP-115 held-out policies: {len(policies)} policies x {len(topics)} topics, model "
          f"{header['model']}, grid in {grid.seconds:.1f} s; [95% interval, bootstrap by policy]")
    print(table(["topic", "cells", "gold stated", "grid accuracy", "grid balanced acc.", "grid evidence",
                 "keyword accuracy", "keyword balanced acc.", "keyword evidence"], rows))
    return 0

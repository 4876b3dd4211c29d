"""`policyqa tune adapter|reranker|practice`: train a model, measure it on held-out policies and write its
folder. This module holds the parsers (one per subcommand, each with the defaults of the shipped model)
and the adapter command (qa.train.adapter); the reranker's is qa.cli.tune_reranker, the practice model's
qa.cli.tune_practice. Training code is imported when the command runs (it needs numpy and torch).
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qa.cli.output import stderr_bar
from qa.cli.tune_practice import cmd_tune_practice
from qa.cli.tune_reranker import SHIPPED, cmd_tune_reranker
from qa.config import DEFAULT_MODEL
from qa.errors import EXIT_FAILURE, UserError
from qa.tables import machine_line
from qa.train.adapter_settings import EVAL_RETRIEVERS, TrainSettings

if TYPE_CHECKING:
    from qa.embed.base import Embedder


def add_tune_parser(commands) -> argparse.ArgumentParser:
    """Register `tune` and its subcommands (`adapter`, `reranker`, `practice`) on the `policyqa`
    subcommands (an argparse subparsers object). Each accepts only its own flags, and its defaults are
    those that trained the model shipped in models/ (its model card names the command)."""
    tune = commands.add_parser("tune", help="train a model (query adapter, reranker, practice model) and measure it")
    kinds = tune.add_subparsers(dest="kind_of_model", required=True, metavar="MODEL")
    _add_adapter_parser(kinds)
    _add_reranker_parser(kinds)
    _add_practice_parser(kinds)
    return tune


def old_tune_form(argv: list[str]) -> str | None:
    """The one-line error for the flag forms `tune` had before its subcommands (`tune --reranker ...`,
    `tune --practice ...`, `tune --squad ...` for the adapter); None for any other argv."""
    if len(argv) < 2 or argv[0] != "tune" or not argv[1].startswith("--") or argv[1] in ("-h", "--help"):
        return None
    kind = "reranker" if "--reranker" in argv else "practice" if "--practice" in argv else "adapter"
    flag = {"reranker": "tune --reranker", "practice": "tune --practice", "adapter": "tune --squad/--dataset"}[kind]
    return f"`policyqa {flag}` is now `policyqa tune {kind}` (its own flags and defaults: " \
        f"`policyqa tune {kind} --help`)"


def _add_common(parser: argparse.ArgumentParser, what: str) -> None:
    parser.add_argument("--out", type=Path, required=True, metavar="DIR",
                        help=f"{what} folder to write (its name is the model id)")
    parser.add_argument("--quiet", action="store_true", help="no progress output")


def _add_adapter_parser(kinds) -> None:
    adapter = kinds.add_parser(
        "adapter", help="a query adapter on question/evidence pairs (models/policyqa-minilm)",
        description="Train a query-side adapter for the embedding model and compare it with the plain model on "
                    "held-out policies. The defaults trained models/policyqa-minilm (see its MODEL_CARD.md).")
    source = adapter.add_mutually_exclusive_group(required=True)
    source.add_argument("--squad", type=Path, metavar="FILE.json", help="SQuAD-format data (e.g. PolicyQA)")
    source.add_argument("--dataset", type=Path, metavar="FILE.jsonl", help="golden-format questions over --policies")
    adapter.add_argument("--policies", metavar="DIR",
                         help="policies folder for --dataset and --golden (default: $POLICYQA_POLICIES or ./policies)")
    adapter.add_argument("--holdout-policies", type=int, metavar="N",
                         help="hold out the last N policy ids (sorted) for evaluation (default: 30%% of them)")
    adapter.add_argument("--epochs", type=int, default=TrainSettings.epochs, metavar="E",
                         help=f"passes over the training pairs (default {TrainSettings.epochs})")
    adapter.add_argument("--rank", type=int, default=TrainSettings.rank, metavar="R",
                         help=f"rank of the adapter (default {TrainSettings.rank}; the dimension gives a full map)")
    adapter.add_argument("--batch-size", type=int, default=TrainSettings.batch_size, metavar="N",
                         help=f"questions per step (default {TrainSettings.batch_size})")
    adapter.add_argument("--learning-rate", type=float, default=TrainSettings.learning_rate, metavar="LR",
                         help=f"AdamW learning rate (default {TrainSettings.learning_rate})")
    adapter.add_argument("--seed", type=int, default=TrainSettings.seed,
                         help=f"random seed (default {TrainSettings.seed})")
    adapter.add_argument("--model", default=DEFAULT_MODEL, metavar="NAME_OR_PATH",
                         help=f"base sentence-transformers model (default: the bundled {DEFAULT_MODEL})")
    adapter.add_argument("--golden", type=Path, metavar="FILE.jsonl",
                         help="also compare on this golden set over --policies (a regression check)")
    adapter.add_argument("--retriever", default=",".join(EVAL_RETRIEVERS), metavar="NAMES",
                         help=f"retrievers to compare (default: {','.join(EVAL_RETRIEVERS)})")
    adapter.add_argument("--k", type=int, default=5, help="cut-off for hit@k (default 5)")
    _add_common(adapter, "adapter")
    adapter.set_defaults(func=cmd_tune_adapter)


def _add_reranker_parser(kinds) -> None:
    reranker = kinds.add_parser(
        "reranker", help="the reranker of the answer path (models/policyqa-reranker)",
        description="Train the reranker on PolicyQA-style data, export it to int8 ONNX, calibrate it on held-out "
                    "policies and measure it on others. The defaults trained models/policyqa-reranker (see its "
                    "README.md).")
    reranker.add_argument("--squad", type=Path, required=True, metavar="FILE.json",
                          help="SQuAD-format data with whole policies to hold out (PolicyQA dev.json)")
    reranker.add_argument("--kind", choices=("bi-encoder", "cross-encoder"), default=SHIPPED.kind,
                          help=f"what to train (default {SHIPPED.kind}: measured better here, see evals/README.md)")
    reranker.add_argument("--epochs", type=int, default=SHIPPED.epochs, metavar="E",
                          help=f"passes over the training questions (default {SHIPPED.epochs})")
    reranker.add_argument("--max-steps", type=int, default=SHIPPED.max_steps, metavar="N",
                          help=f"stop after N training steps (16 questions each for the bi-encoder); the "
                               f"learning-rate schedule spans --epochs (default {SHIPPED.max_steps}; 0: no limit)")
    reranker.add_argument("--minutes", type=float, default=SHIPPED.minutes,
                          help=f"safety cap on training time; a run it stops is not reproducible "
                               f"(default {SHIPPED.minutes:g})")
    reranker.add_argument("--max-abstain", type=float, default=SHIPPED.max_abstain, metavar="SHARE",
                          help=f"calibrate 'not stated' to at most this share of answerable questions "
                               f"(default {SHIPPED.max_abstain})")
    reranker.add_argument("--from-checkpoint", metavar="DIR",
                          help="skip training: export and calibrate a model trained before")
    reranker.add_argument("--model", default=DEFAULT_MODEL, metavar="NAME_OR_PATH",
                          help=f"base model whose weights are trained (default: the bundled {DEFAULT_MODEL})")
    reranker.add_argument("--golden", type=Path, metavar="FILE.jsonl",
                          help="also measure on this golden set over --policies (a table in the card)")
    reranker.add_argument("--policies", metavar="DIR",
                          help="policies folder for --golden (default: $POLICYQA_POLICIES or ./policies)")
    reranker.add_argument("--k", type=int, default=5, help="cut-off for hit@k (default 5)")
    _add_common(reranker, "reranker")
    reranker.set_defaults(func=cmd_tune_reranker)


def _add_practice_parser(kinds) -> None:
    practice = kinds.add_parser(
        "practice", help="the practice model: topics, 'does not' stance, question topics (models/policyqa-practice)",
        description="Train the practice model's heads on frozen vectors of the shared research data. The defaults "
                    "trained models/policyqa-practice (see its MODEL_CARD.md).")
    practice.add_argument("--data", type=Path, metavar="DIR",
                          help="the shared data folder with opp115/, mapp/, tosdr/, piextract/, privacyqa-questions/ "
                               "and policyqa/dev.json (default: ../shared/data)")
    practice.add_argument("--hidden", type=int, default=0, metavar="H",
                          help="width of the heads' hidden layer (default 0: logistic regression per topic)")
    practice.add_argument("--seed", type=int, default=0, help="random seed (default 0)")
    practice.add_argument("--encoder", action="store_true",
                          help="fine-tune MiniLM itself on the practice labels and ship it (int8 ONNX) with heads "
                               "that read its vectors of the bare sentence text (qa.train.practice_encoder; "
                               "~20 min on 2 cores)")
    practice.add_argument("--epochs", type=int, default=2, help="with --encoder: passes over the rows (default 2)")
    practice.add_argument("--minutes", type=float, default=60.0,
                          help="with --encoder: a cap on fine-tuning time (default 60)")
    _add_common(practice, "practice model")
    practice.set_defaults(func=cmd_tune_practice)


def cmd_tune_adapter(args: argparse.Namespace, base: Embedder | None = None) -> int:
    """`policyqa tune adapter`: train, compare on held-out policies (and the golden set, with --golden),
    write the adapter folder.

    `base` replaces the loaded base model (tests pass a fake one).
    """
    from qa.config import BuildSettings
    from qa.embed.adapter import CONFIG, AdaptedEmbedder
    from qa.train.adapter import (
        TuneInterrupted,
        default_holdout,
        index_policies,
        model_card,
        questions_within,
        split_policies,
        train_adapter,
        training_set,
        write_adapter_folder,
    )

    out: Path = args.out
    if out.exists() and not (out.is_dir() and ((out / CONFIG).is_file() or not any(out.iterdir()))):
        raise UserError(f"--out {out} exists and is not an adapter folder; choose another")
    try:
        train_settings = TrainSettings(rank=args.rank, epochs=args.epochs, batch_size=args.batch_size,
                                       learning_rate=args.learning_rate, seed=args.seed)
    except ValueError as err:
        raise UserError(str(err)) from None
    retrievers = [r.strip() for r in args.retriever.split(",") if r.strip()]
    from qa.search.engine import RETRIEVERS

    if not retrievers or any(r not in RETRIEVERS for r in retrievers):
        raise UserError(f"unknown retriever in {args.retriever!r} (choose from {', '.join(RETRIEVERS)})")

    source, source_dir, policies, questions = _tune_data(args)
    holdout = args.holdout_policies if args.holdout_policies is not None else default_holdout(len(policies))
    try:
        train_ids, heldout_ids = split_policies([p.id for p in policies], holdout)
    except ValueError as err:
        raise UserError(str(err)) from None
    train_questions = questions_within(questions, train_ids)
    heldout_questions = questions_within(questions, heldout_ids)
    if not heldout_questions:
        raise UserError(f"no question of {source} is about the held-out policies {', '.join(heldout_ids)}")
    from qa.embed.adapter import adapter_folder

    if adapter_folder(args.model) is not None:
        raise UserError(f"--model must be a plain sentence-transformers model to adapt, not the adapter {args.model!r}")
    if base is None:
        from qa.embed.load import load_embedder

        base = load_embedder(args.model)
    settings = BuildSettings(model=args.model)
    quiet = args.quiet
    say = (lambda text: None) if quiet else (lambda text: print(text, file=sys.stderr, flush=True))
    say(f"policies: {len(train_ids)} to train on, {len(heldout_ids)} held out ({', '.join(heldout_ids)})")

    # -- train ---------------------------------------------------------------------------------------
    try:
        by_id = {p.id: p for p in policies}
        train_index = index_policies([by_id[i] for i in train_ids], settings, base, source_dir)
        data = training_set(train_index, train_questions, base)
        say(f"training pairs: {len(data.questions)} questions, {len(data.passages)} passages "
            f"({data.skipped} questions skipped: no passage covers their evidence)")
        started = time.perf_counter()
        with stderr_bar(train_settings.epochs, "training", "epoch", disable=quiet or None) as bar:
            def on_epoch(epoch: int, loss: float) -> None:
                bar.set_postfix(loss=f"{loss:.3f}")
                bar.update()

            adapter = train_adapter(data, args.model, train_settings, on_epoch=on_epoch)
        seconds = time.perf_counter() - started
    except TuneInterrupted as stop:
        print(f"policyqa: interrupted after {stop.epoch} of {train_settings.epochs} epochs; nothing written",
              file=sys.stderr)
        return 130
    except ValueError as err:
        raise UserError(str(err), EXIT_FAILURE) from None
    say(f"trained in {seconds:.1f} s")

    # -- measure -------------------------------------------------------------------------------------
    name = out.name
    adapted = AdaptedEmbedder(base, adapter, model_id=name)
    comparisons = _measure(args, base, adapted, settings, retrievers,
                           [("held-out policies", heldout_ids, heldout_questions, policies, source_dir)])
    if comparisons is None:
        print("policyqa: interrupted during evaluation; nothing written", file=sys.stderr)
        return 130

    # -- write ---------------------------------------------------------------------------------------
    licence = source.parent / "LICENSE"
    licence_path = licence if licence.is_file() else None
    licence_name = f"LICENSE-{source.parent.name.upper()}.txt" if licence_path else None
    adapter.info = {
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
        "data": {"source": str(source), "sha256": hashlib.sha256(source.read_bytes()).hexdigest(),
                 "train_policies": train_ids,
                 "heldout_policies": heldout_ids, "heldout_questions": len(heldout_questions),
                 "index_settings": settings.to_dict(), **({"licence_file": licence_name} if licence_name else {})},
        "training": {"settings": asdict(train_settings), "base_backend": getattr(base, "backend", None),
                     "questions": len(data.questions),
                     "skipped": data.skipped, "passages": len(data.passages), "seconds": round(seconds, 2),
                     "machine": machine_line()},
        "metrics": {c.name: c.metrics(args.k) for c in comparisons},
    }
    card = model_card(name, adapter, comparisons, args.k, licence_path.read_text(encoding="utf-8")
                      if licence_path else None)
    write_adapter_folder(out, adapter, card, licence_path, licence_name)
    print(f"adapter: {out} ({adapter.weights_bytes():,} bytes of weights); "
          f"use it with `policyqa index build --model {out}`")
    return 0


def _tune_data(args: argparse.Namespace) -> tuple[Path, Path | None, list, list]:
    """The dataset (--squad, else the golden set over the policies folder): its path, the policies folder
    (None for SQuAD, whose policies come with it), the policies and the questions; problems printed."""
    from qa.config import policies_dir
    from qa.eval.datasets import load_golden, load_squad
    from qa.ingest.policies import load_policies

    source_dir: Path | None = None
    if args.squad is not None:
        source = args.squad
        if not source.is_file():
            raise UserError(f"dataset not found: {source}")
        policies, questions, problems = load_squad(source)
    else:
        source = args.dataset
        if not source.is_file():
            raise UserError(f"dataset not found: {source}")
        source_dir = policies_dir(args.policies)
        try:
            policies, errors = load_policies(source_dir)
        except FileNotFoundError as err:
            raise UserError(str(err)) from None
        if errors:
            raise UserError(f"cannot read policy {errors[0]}", EXIT_FAILURE)
        questions, problems = load_golden(source, {p.id: p for p in policies})
    for problem in problems:
        print(f"policyqa: dataset {source}: {problem}", file=sys.stderr)
    return source, source_dir, policies, questions


def _measure(args: argparse.Namespace, base: Embedder, adapted: Embedder, settings, retrievers: list[str],
             checks: list) -> list | None:
    """Plain against adapted on each check (title, policy ids, questions, policies, folder), plus the golden
    set with --golden; the comparisons, printed as they finish, or None when interrupted."""
    from qa.config import policies_dir
    from qa.eval.datasets import load_golden
    from qa.ingest.policies import load_policies
    from qa.train.adapter import compare, comparison_table, index_policies

    if args.golden is not None:
        golden_dir = policies_dir(args.policies)
        golden_policies, errors = load_policies(golden_dir)
        if errors:
            raise UserError(f"cannot read policy {errors[0]}", EXIT_FAILURE)
        golden_questions, _ = load_golden(args.golden, {p.id: p for p in golden_policies})
        checks.append((f"golden set ({args.golden.name})", [p.id for p in golden_policies], golden_questions,
                       golden_policies, golden_dir))
    comparisons = []
    for title, ids, check_questions, pool, folder in checks:
        by_id = {p.id: p for p in pool}
        index_folder = index_policies([by_id[i] for i in ids], settings, base, folder)
        with stderr_bar(2 * len(check_questions) * len(retrievers), f"evaluating {title}", "q",
                        disable=args.quiet or None) as bar:
            comparison = compare(index_folder, check_questions, base, adapted, retrievers, args.k, title,
                                 progress=lambda: bar.update())
        if comparison.interrupted:
            return None
        comparisons.append(comparison)
        print(f"{title}: {len(check_questions)} questions, k={args.k}")
        print(comparison_table(comparison, args.k))
        print()

    return comparisons

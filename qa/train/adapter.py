"""`policyqa tune`: learn a query-side adapter from question -> evidence-passage pairs, and measure it.

Whole policies are held out: the last N policy ids in sorted order are never trained on, and the
before/after numbers are measured on them alone, through the same `Engine` and `evaluate` that
`policyqa eval` uses. Training works on vectors computed once by the base model:

- the training policies are indexed by the product build (same chunking, same embedded text), and a
  question's positives are the passages `policyqa eval` would count as relevant;
- the adapter maps question vectors only, so the index's passage and sentence vectors stay valid and
  a step costs a few small matrix products;
- the score trained is the dense retriever's (passage cosine blended with the best sentence cosine),
  and the loss is cross-entropy over that score (scaled) against the question's candidates: every
  other passage of its own policy (hard negatives) and the other questions' positives in the batch
  (in-batch negatives).

The result is a folder: adapter.json, adapter.safetensors, MODEL_CARD.md and the training data's
licence. Nothing is written unless the run finishes; Ctrl-C stops it cleanly.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import os
import platform
import shutil
import sys
import time
from dataclasses import asdict, dataclass, field
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable, Sequence

import numpy as np

from qa.embed.adapter import CONFIG, WEIGHTS, AdaptedEmbedder, QueryAdapter
from qa.eval.datasets import EvalQuestion, is_relevant
from qa.embed.base import Embedder
from qa.ingest.policies import Policy
from qa.config import DEFAULT_MODEL, BuildSettings
from qa.tables import table

HELD_OUT_SHARE = 0.3  # default share of policies held out: 6 of PolicyQA dev's 20
CARD = "MODEL_CARD.md"
EVAL_RETRIEVERS = ("hybrid", "dense")


@dataclass(frozen=True)
class TrainSettings:
    """How the adapter is trained. `scale` multiplies cosines before the softmax (a temperature of 1/scale).

    `identity_weight` weighs a penalty on how far a mapped question moves from its plain vector: without
    it the ranking improves but every cosine drops, so the product's fixed abstention threshold (on the
    dense similarity) abstains on most questions, and questions unlike the training data get worse.
    `floor_weight` weighs a penalty on the best positive's dense score falling below its plain score,
    for the same threshold's sake: the adapter must lift the answer, not sink everything else.
    """

    rank: int = 16
    epochs: int = 20
    batch_size: int = 64
    learning_rate: float = 2e-3
    weight_decay: float = 0.01
    scale: float = 20.0
    identity_weight: float = 2.0
    floor_weight: float = 20.0
    seed: int = 0

    def __post_init__(self) -> None:
        for name in ("rank", "epochs", "batch_size"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', ' ')} must be >= 1, got {getattr(self, name)}")
        if self.identity_weight < 0 or self.floor_weight < 0:
            raise ValueError(f"identity and floor weights must be >= 0, got {self.identity_weight} "
                             f"and {self.floor_weight}")
        if self.learning_rate <= 0:
            raise ValueError(f"learning rate must be > 0, got {self.learning_rate}")


class TuneInterrupted(KeyboardInterrupt):
    """Ctrl-C during training; `epoch` epochs were complete."""

    def __init__(self, epoch: int):
        super().__init__(epoch)
        self.epoch = epoch


# -- splitting -----------------------------------------------------------------------------------------

def split_policies(policy_ids: Sequence[str], holdout: int) -> tuple[list[str], list[str]]:
    """(training ids, held-out ids): the last `holdout` ids in sorted order are held out.

    Raises ValueError unless both sides get at least one policy.
    """
    ordered = sorted(set(policy_ids))
    if not 1 <= holdout < len(ordered):
        raise ValueError(f"--holdout-policies must be between 1 and {len(ordered) - 1} "
                         f"(there are {len(ordered)} policies), got {holdout}")
    return ordered[:-holdout], ordered[-holdout:]


def default_holdout(policy_count: int) -> int:
    return max(1, round(HELD_OUT_SHARE * policy_count))


def questions_within(questions: Sequence[EvalQuestion], policy_ids: Sequence[str]) -> list[EvalQuestion]:
    """Questions restricted to one of `policy_ids` whose evidence is all in those policies.

    A question over all policies (no `policy`) belongs to neither side of a split, so it is left out.
    """
    wanted = set(policy_ids)
    return [q for q in questions if q.policy in wanted and all(e.policy in wanted for e in q.evidence)]


# -- indexing ------------------------------------------------------------------------------------------

def index_policies(policies: Sequence[Policy], settings: BuildSettings, embedder: Embedder,
                   source_dir: Path | None = None) -> Path:
    """Index `policies` with the product build into a cached folder; returns the index folder.

    Policies read from a folder (`source_dir`) are indexed from their own files and metadata; others
    (SQuAD articles) from their text, as `policyqa eval --squad` does.
    """
    from qa.index.build import BuildError, cached_index

    try:
        return cached_index(policies, settings, lambda: embedder, "tune", source_dir=source_dir)
    except BuildError as err:
        raise ValueError(str(err)) from None


# -- training data -------------------------------------------------------------------------------------

@dataclass
class TrainingSet:
    """Base-model vectors of questions, passages and sentences, and which passages answer which question."""

    questions: np.ndarray  # (n, d) question vectors (base model, `embed_query`)
    passages: np.ndarray  # (m, d) passage vectors, index rows
    units: np.ndarray  # (u, d) sentence vectors
    unit_rows: np.ndarray  # (u,) the passage row of each sentence
    positives: list[np.ndarray]  # per question, the rows relevant to its evidence
    question_policy: np.ndarray  # (n,) policy number of each question
    passage_policy: np.ndarray  # (m,) policy number of each passage
    skipped: int = 0  # questions whose evidence no passage covers (chunking cut it)


def training_set(index_folder: Path, questions: Sequence[EvalQuestion], embedder: Embedder) -> TrainingSet:
    """Pair each answerable question with the indexed passages relevant to its evidence."""
    from qa.index.store import load_index

    index = load_index(index_folder)
    policy_numbers = {pid: i for i, pid in enumerate(sorted(index.policies))}
    rows_of: dict[str, list[int]] = {}
    for row, passage in enumerate(index.passages):
        rows_of.setdefault(passage.policy, []).append(row)
    kept, positives = [], []
    for question in questions:
        if not question.answerable or question.policy not in policy_numbers:
            continue
        rows = sorted({row for e in question.evidence for row in rows_of.get(e.policy, [])
                       if is_relevant(index.passages[row].policy, index.passages[row].start,
                                      index.passages[row].end, e)})
        if rows:
            kept.append(question)
            positives.append(np.array(rows, dtype=np.int64))
    vectors = embedder.embed_query([q.question for q in kept]) if kept else np.zeros((0, embedder.dimension))
    units = index.units[:, 0] if len(index.units) else np.zeros(0, dtype=np.int64)
    return TrainingSet(
        questions=np.asarray(vectors, dtype=np.float32),
        passages=index.vectors.reconstruct_n(0, index.vectors.ntotal),
        units=(index.unit_vectors.reconstruct_n(0, index.unit_vectors.ntotal) if index.unit_vectors.ntotal
               else np.zeros((0, embedder.dimension), dtype=np.float32)),
        unit_rows=np.asarray(units, dtype=np.int64),
        positives=positives,
        question_policy=np.array([policy_numbers[q.policy] for q in kept], dtype=np.int64),
        passage_policy=np.array([policy_numbers[p.policy] for p in index.passages], dtype=np.int64),
        skipped=sum(q.answerable for q in questions) - len(kept),
    )


# -- training ------------------------------------------------------------------------------------------

def dense_scores_torch(queries, passages, units, unit_rows, sentence_weight: float):
    """The dense retriever's score of every passage for every query, in torch (differentiable).

    (1 - w) * passage cosine + w * best sentence cosine; a passage without sentences counts its own.
    """
    import torch

    passage = queries @ passages.T
    if sentence_weight == 0 or units.shape[0] == 0:
        return passage
    sentence = queries @ units.T
    best = torch.full_like(passage, float("-inf")).scatter_reduce(
        1, unit_rows.expand(queries.shape[0], -1), sentence, reduce="amax", include_self=True)
    best = torch.where(torch.isinf(best), passage, best)
    return (1 - sentence_weight) * passage + sentence_weight * best


def train_adapter(data: TrainingSet, base_model: str, settings: TrainSettings,
                  on_epoch: Callable[[int, float], None] | None = None) -> QueryAdapter:
    """Fit a rank-`settings.rank` query adapter on `data`; `on_epoch(epoch, mean loss)` after each epoch.

    Raises TuneInterrupted on Ctrl-C (nothing is returned: a half-trained adapter is not kept).
    """
    import torch

    from qa.search.retrieval import SENTENCE_WEIGHT

    if len(data.questions) == 0:
        raise ValueError("no training question has a passage covering its evidence")
    torch.manual_seed(settings.seed)
    generator = torch.Generator().manual_seed(settings.seed)
    dimension = data.questions.shape[1]
    start = QueryAdapter.identity(base_model, dimension, settings.rank, seed=settings.seed)
    down = torch.nn.Parameter(torch.from_numpy(start.down.copy()))
    up = torch.nn.Parameter(torch.from_numpy(start.up.copy()))
    optimiser = torch.optim.AdamW([down, up], lr=settings.learning_rate, weight_decay=settings.weight_decay)
    questions = torch.from_numpy(data.questions)
    passages = torch.from_numpy(np.ascontiguousarray(data.passages))
    units = torch.from_numpy(np.ascontiguousarray(data.units))
    unit_rows = torch.from_numpy(data.unit_rows).unsqueeze(0)
    question_policy = torch.from_numpy(data.question_policy)
    same_policy = question_policy[:, None] == torch.from_numpy(data.passage_policy)[None, :]  # (n, m)
    positive = torch.zeros_like(same_policy)
    for i, rows in enumerate(data.positives):
        positive[i, torch.from_numpy(rows)] = True
    epoch = 0
    # The matrices are small (a batch by a few thousand sentences): one thread is much faster than
    # several, whose hand-offs dominate (30x slower measured on a busy 2-core machine).
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        for epoch in range(1, settings.epochs + 1):
            order = torch.randperm(len(questions), generator=generator)
            losses = []
            for begin in range(0, len(order), settings.batch_size):
                batch = order[begin:begin + settings.batch_size]
                q = questions[batch]
                mapped = torch.nn.functional.normalize(q + (q @ down) @ up, dim=1)
                scores = dense_scores_torch(mapped, passages, units, unit_rows, SENTENCE_WEIGHT) * settings.scale
                # Candidates: the question's own policy (hard negatives) and the batch's positives.
                candidates = same_policy[batch] | positive[batch].any(dim=0, keepdim=True)
                wanted = positive[batch]
                all_terms = torch.logsumexp(scores.masked_fill(~candidates, float("-inf")), dim=1)
                positive_terms = torch.logsumexp(scores.masked_fill(~wanted, float("-inf")), dim=1)
                drift = (mapped - q).pow(2).sum(dim=1)  # 2 * (1 - cosine) for unit vectors
                with torch.no_grad():
                    plain = dense_scores_torch(q, passages, units, unit_rows, SENTENCE_WEIGHT)
                    plain_best = plain.masked_fill(~wanted, float("-inf")).max(dim=1).values
                adapted_best = (scores / settings.scale).masked_fill(~wanted, float("-inf")).max(dim=1).values
                sink = torch.relu(plain_best - adapted_best)
                loss = ((all_terms - positive_terms).mean() + settings.identity_weight * drift.mean()
                        + settings.floor_weight * sink.mean())
                optimiser.zero_grad()
                loss.backward()
                optimiser.step()
                losses.append(loss.item())
            if on_epoch:
                on_epoch(epoch, float(np.mean(losses)))
    except KeyboardInterrupt:
        raise TuneInterrupted(epoch - 1) from None
    finally:
        torch.set_num_threads(threads)
    return QueryAdapter(base_model, down.detach().numpy().copy(), up.detach().numpy().copy())


# -- measuring -----------------------------------------------------------------------------------------

@dataclass
class Comparison:
    """Plain and adapted runs over the same questions and index."""

    name: str
    questions: int
    plain: list = field(default_factory=list)  # RetrieverRun
    adapted: list = field(default_factory=list)
    interrupted: bool = False

    def metrics(self, k: int) -> dict:
        return {"questions": self.questions,
                "plain": {r.name: r.metrics(k) for r in self.plain},
                "adapted": {r.name: r.metrics(k) for r in self.adapted}}


def compare(index_folder: Path, questions: Sequence[EvalQuestion], base: Embedder, adapted: Embedder,
            retrievers: Sequence[str], k: int, name: str, progress: Callable[[], None] | None = None) -> Comparison:
    """Evaluate the plain and the adapted model on one index, with `qa.eval.evaluation.evaluate`.

    One index serves both because the adapter leaves passage and sentence vectors unchanged.
    """
    from qa.search.engine import Engine
    from qa.eval.evaluation import evaluate
    from qa.index.store import load_index

    index = load_index(index_folder)
    result = Comparison(name, len(questions))
    result.plain, cut = evaluate(Engine(index, base), questions, retrievers, k, progress=progress)
    if not cut:
        result.adapted, cut = evaluate(Engine(index, adapted), questions, retrievers, k, progress=progress)
    result.interrupted = cut
    return result


def comparison_table(comparison: Comparison, k: int, markdown: bool = False) -> str:
    """One row per retriever and model: hit@1/3/k, MRR@10, abstention, latency."""
    keys = [("hit@1", "hit@1"), ("hit@3", "hit@3"), (f"hit@{k}", f"hit@{k}"), ("mrr@10", "MRR@10"),
            ("ndcg@10", "nDCG@10"), ("abstain_unanswerable", "abstain (unans.)"),
            ("abstain_answerable", "abstain (ans.)"), ("latency_p50_ms", "p50 ms")]
    header = ["retriever", "model"] + [title for _, title in keys]
    rows = []
    for plain, adapted in zip(comparison.plain, comparison.adapted or [None] * len(comparison.plain)):
        for label, run in (("plain", plain), ("adapted", adapted)):
            if run is None:
                continue
            values = run.metrics(k)
            cells = []
            for key, _ in keys:
                value = values.get(key)
                cells.append("n/a" if value is None else f"{value:.1f}" if key.startswith("latency")
                             else f"{value:.3f}")
            rows.append([run.name, label] + cells)
    return table(header, rows, markdown=markdown, labels=2)


# -- the model card --------------------------------------------------------------------------------------

def model_card(name: str, adapter: QueryAdapter, comparisons: Sequence[Comparison], k: int,
               licence: str | None) -> str:
    """MODEL_CARD.md: what the adapter is, the data and settings it was trained with, what it measured."""
    info = adapter.info
    data, train = info["data"], info["training"]
    lines = [
        f"# {name}: a query adapter for {adapter.base_model}",
        "",
        f"A rank-{adapter.rank} linear map applied to question embeddings only: "
        f"`q' = normalize(q + (q @ down) @ up)`. Passages and sentences are embedded by the plain "
        f"`{adapter.base_model}`, so an index's vectors are the plain model's; the index manifest records "
        f"`{name}` as its model because questions must be embedded the same way at query time.",
        "",
        f"Use it with `policyqa index build --model {name}` (or a path to this folder). "
        f"Loading needs no network: the base model is the bundled one and the adapter is "
        f"{adapter.weights_bytes():,} bytes of float32 weights ({WEIGHTS}, no pickle).",
        "",
        "## Data",
        "",
        f"- source: `{data['source']}` (sha256 `{data['sha256'][:16]}…`); it is not part of this repository",
        f"- trained on {len(data['train_policies'])} policies, {train['questions']} questions "
        f"({train['skipped']} skipped: no passage covers their evidence): {', '.join(data['train_policies'])}",
        f"- held out (never trained on; all numbers below are on these): {len(data['heldout_policies'])} policies, "
        f"{data['heldout_questions']} questions: {', '.join(data['heldout_policies'])}",
        f"- split rule: the last {len(data['heldout_policies'])} policy ids in sorted order are held out",
        "",
        "## Training",
        "",
        "Positives are the passages `policyqa eval` counts as relevant (covering at least half of the "
        "evidence span) in an index built by the product build. The loss is cross-entropy over the dense "
        "retriever's score (passage cosine blended with the best sentence cosine) against every other "
        "passage of the question's own policy (hard negatives) and the batch's other positives "
        "(in-batch negatives).",
        "",
        "| setting | value |",
        "|---|---|",
    ]
    lines += [f"| {key} | {value} |" for key, value in train["settings"].items()]
    lines += [f"| base model backend | {train.get('base_backend') or 'n/a'} |",
              f"| index settings | {json.dumps(data['index_settings'])} |",
              f"| training time | {train['seconds']:.1f} s on {train['machine']} |",
              f"| date | {info['created']} |", ""]
    for comparison in comparisons:
        lines += [f"## {comparison.name}: {comparison.questions} questions, k={k}", "",
                  comparison_table(comparison, k, markdown=True), ""]
    lines += ["Latency is per question on a shared 2-core machine, so only large differences mean anything.", ""]
    if licence:
        lines += ["## Licence of the training data", "",
                  f"The adapter's weights are derived from `{Path(data['source']).name}`, distributed under the "
                  f"licence below (also in {data.get('licence_file', 'this folder')}):", "", "```", licence.strip(),
                  "```", ""]
    return "\n".join(lines)


# -- the command -----------------------------------------------------------------------------------------

def _dataset_sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _write_folder(out: Path, adapter: QueryAdapter, card: str, licence_path: Path | None,
                  licence_name: str | None) -> None:
    """Write the adapter folder beside `out`, then move it into place (a half-written folder never shows)."""
    staging = out.parent / f".{out.name}.writing-{os.getpid()}"
    shutil.rmtree(staging, ignore_errors=True)
    try:
        adapter.save(staging)
        (staging / CARD).write_text(card, encoding="utf-8")
        if licence_path is not None and licence_name:
            shutil.copyfile(licence_path, staging / licence_name)
        if out.exists():
            shutil.rmtree(out)
        os.rename(staging, out)
    finally:
        shutil.rmtree(staging, ignore_errors=True)


def cmd_tune(args: argparse.Namespace, base: Embedder | None = None) -> int:
    """Train, compare on held-out policies (and the golden set, with --golden), write the adapter folder.

    `base` replaces the loaded base model (tests pass a fake one).
    """
    if getattr(args, "reranker", False):
        from qa.train.reranker import cmd_tune_reranker

        return cmd_tune_reranker(args)
    from tqdm import tqdm

    from qa.cli import EXIT_FAILURE, UserError
    from qa.eval.datasets import load_golden, load_squad
    from qa.ingest.policies import load_policies
    from qa.config import policies_dir

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

    # -- data ----------------------------------------------------------------------------------------
    source_dir = None
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
    checks = [("held-out policies", heldout_ids, heldout_questions, policies, source_dir)]
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
                  file=sys.stderr, disable=quiet or None, leave=False) as bar:
            comparison = compare(index_folder, check_questions, base, adapted, retrievers, args.k, title,
                                 progress=lambda: bar.update())
        if comparison.interrupted:
            print("policyqa: interrupted during evaluation; nothing written", file=sys.stderr)
            return 130
        comparisons.append(comparison)
        print(f"{title}: {len(check_questions)} questions, k={args.k}")
        print(comparison_table(comparison, args.k))
        print()

    # -- write ---------------------------------------------------------------------------------------
    licence_path = source.parent / "LICENSE"
    licence_path = licence_path if licence_path.is_file() else None
    licence_name = f"LICENSE-{source.parent.name.upper()}.txt" if licence_path else None
    adapter.info = {
        "created": datetime.now(timezone.utc).isoformat(timespec="seconds"),
        "data": {"source": str(source), "sha256": _dataset_sha256(source), "train_policies": train_ids,
                 "heldout_policies": heldout_ids, "heldout_questions": len(heldout_questions),
                 "index_settings": settings.to_dict(), **({"licence_file": licence_name} if licence_name else {})},
        "training": {"settings": asdict(train_settings), "base_backend": getattr(base, "backend", None),
                     "questions": len(data.questions),
                     "skipped": data.skipped, "passages": len(data.passages), "seconds": round(seconds, 2),
                     "machine": f"{platform.machine()}, {os.cpu_count()} CPU cores"},
        "metrics": {c.name: c.metrics(args.k) for c in comparisons},
    }
    card = model_card(name, adapter, comparisons, args.k, licence_path.read_text(encoding="utf-8")
                      if licence_path else None)
    _write_folder(out, adapter, card, licence_path, licence_name)
    print(f"adapter: {out} ({adapter.weights_bytes():,} bytes of weights); "
          f"use it with `policyqa index build --model {out}`")
    return 0


def add_tune_parser(commands) -> argparse.ArgumentParser:
    """Register `tune` on the `policyqa` subcommands (an argparse subparsers object)."""
    tune = commands.add_parser("tune", help="train a query adapter on question/evidence pairs and measure it")
    source = tune.add_mutually_exclusive_group(required=True)
    source.add_argument("--squad", type=Path, metavar="FILE.json", help="SQuAD-format data (e.g. PolicyQA)")
    source.add_argument("--dataset", type=Path, metavar="FILE.jsonl", help="golden-format questions over --policies")
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
    tune.set_defaults(func=cmd_tune)
    return tune

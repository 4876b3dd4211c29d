"""`policyqa tune adapter`: learn a query-side adapter from question -> evidence-passage pairs, and measure it.

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

import json
import os
import shutil
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.config import BuildSettings
from qa.embed.adapter import WEIGHTS, QueryAdapter
from qa.embed.base import Embedder
from qa.eval.datasets import EvalQuestion, is_relevant
from qa.tables import table
from qa.train.adapter_settings import HELD_OUT_SHARE, TrainSettings
from qa.types import Policy

CARD = "MODEL_CARD.md"


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
    sentences: np.ndarray  # (u, d) sentence vectors
    sentence_rows: np.ndarray  # (u,) the passage row of each sentence
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
        if not question.answerable or question.policy is None or question.policy not in policy_numbers:
            continue
        rows = sorted({row for e in question.evidence for row in rows_of.get(e.policy, [])
                       if is_relevant(index.passages[row].policy, index.passages[row].start,
                                      index.passages[row].end, e)})
        if rows:
            kept.append(question)
            positives.append(np.array(rows, dtype=np.int64))
    vectors = embedder.embed_query([q.question for q in kept]) if kept else np.zeros((0, embedder.dimension))
    owners = index.sentences[:, 0] if len(index.sentences) else np.zeros(0, dtype=np.int64)
    return TrainingSet(
        questions=np.asarray(vectors, dtype=np.float32),
        passages=index.vectors.reconstruct_n(0, index.vectors.ntotal),
        sentences=(index.sentence_vectors.reconstruct_n(0, index.sentence_vectors.ntotal)
                   if index.sentence_vectors.ntotal else np.zeros((0, embedder.dimension), dtype=np.float32)),
        sentence_rows=np.asarray(owners, dtype=np.int64),
        positives=positives,
        question_policy=np.array([policy_numbers[str(q.policy)] for q in kept], dtype=np.int64),
        passage_policy=np.array([policy_numbers[p.policy] for p in index.passages], dtype=np.int64),
        skipped=sum(q.answerable for q in questions) - len(kept),
    )


# -- training ------------------------------------------------------------------------------------------

def dense_scores_torch(queries, passages, sentences, sentence_rows, sentence_weight: float):
    """The dense retriever's score of every passage for every query, in torch (differentiable).

    (1 - w) * passage cosine + w * best sentence cosine; a passage without sentences counts its own.
    """
    import torch

    passage = queries @ passages.T
    if sentence_weight == 0 or sentences.shape[0] == 0:
        return passage
    sentence = queries @ sentences.T
    best = torch.full_like(passage, float("-inf")).scatter_reduce(
        1, sentence_rows.expand(queries.shape[0], -1), sentence, reduce="amax", include_self=True)
    best = torch.where(torch.isinf(best), passage, best)
    return (1 - sentence_weight) * passage + sentence_weight * best


def train_adapter(data: TrainingSet, base_model: str, settings: TrainSettings,
                  on_epoch: Callable[[int, float], None] | None = None) -> QueryAdapter:
    """Fit a rank-`settings.rank` query adapter on `data`; `on_epoch(epoch, mean loss)` after each epoch.

    Raises TuneInterrupted on Ctrl-C (nothing is returned: a half-trained adapter is not kept).
    """
    import torch

    from qa.config import RetrievalSettings

    sentence_weight = RetrievalSettings().sentence_weight  # the product's dense score

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
    sentences = torch.from_numpy(np.ascontiguousarray(data.sentences))
    sentence_rows = torch.from_numpy(data.sentence_rows).unsqueeze(0)
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
                scores = dense_scores_torch(mapped, passages, sentences, sentence_rows,
                                            sentence_weight) * settings.scale
                # Candidates: the question's own policy (hard negatives) and the batch's positives.
                candidates = same_policy[batch] | positive[batch].any(dim=0, keepdim=True)
                wanted = positive[batch]
                all_terms = torch.logsumexp(scores.masked_fill(~candidates, float("-inf")), dim=1)
                positive_terms = torch.logsumexp(scores.masked_fill(~wanted, float("-inf")), dim=1)
                drift = (mapped - q).pow(2).sum(dim=1)  # 2 * (1 - cosine) for vectors of length 1
                with torch.no_grad():
                    plain = dense_scores_torch(q, passages, sentences, sentence_rows, sentence_weight)
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
    from qa.eval.evaluation import evaluate
    from qa.index.store import load_index
    from qa.search.engine import Engine

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


# -- writing ---------------------------------------------------------------------------------------------

def write_adapter_folder(out: Path, adapter: QueryAdapter, card: str, licence_path: Path | None,
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

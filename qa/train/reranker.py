"""Training the reranker from MiniLM's weights: the shipped bi-encoder, or a cross-encoder with a fresh head.

Each training step shows the model a few questions, each with its relevant passage and same-policy
hard negatives (passages the hybrid retriever ranked high that do not hold the answer); the loss is
the cross-entropy of the positive among the step's passages (the bi-encoder: the batch's; the
cross-encoder: its own group's), so the model learns to put the answer above the near misses the
product makes. Training stops after `max_steps` steps (the learning-rate schedule still spans all
`epochs`, so a run stopped early is the same run as far as it goes), at the end of `epochs`, or at a
wall-clock safety budget, whichever comes first. Heavy imports (torch, transformers) live here only;
answering never imports them.
"""

from __future__ import annotations

import json
import math
import random
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from qa.search.reranker import bi_encoder_input, passage_input

MAX_LENGTH = 256  # question + an 800-character passage fit in ~220 word pieces
CANDIDATE_DEPTH = 30  # first-stage passages per question the hard negatives are taken from


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 2
    minutes: float = 45.0
    max_steps: int | None = None  # stop after this many steps; the schedule is still laid out over `epochs`
    questions_per_step: int = 2
    negatives: int = 7
    learning_rate: float = 4e-5
    warmup_share: float = 0.1
    seed: int = 13


def _optimizer(model, settings: TrainSettings, total_steps: int):
    """AdamW with linear warm-up over `warmup_share` of the steps, then linear decay to zero."""
    import torch

    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=0.01)
    warmup = max(1, int(total_steps * settings.warmup_share))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup))))
    return optimizer, scheduler


def _train(model, groups: Sequence[dict], per_step: int, batch_loss: Callable, settings: TrainSettings,
           rng: random.Random, log: Callable[[str], None], log_every: int) -> dict:
    """The loop both rerankers train with: shuffled groups, `per_step` questions a step, the loss of a
    batch from `batch_loss(batch)`, gradient clipping, the schedule of `_optimizer`; stops after
    `settings.max_steps` steps, after `settings.epochs` or at `settings.minutes`, whichever comes first
    (the schedule spans all epochs either way). Returns what happened."""
    import torch

    model.train()
    steps_per_epoch = math.ceil(len(groups) / per_step)
    total_steps = steps_per_epoch * settings.epochs
    optimizer, scheduler = _optimizer(model, settings, total_steps)
    started = time.perf_counter()
    step, losses, stopped = 0, [], "epochs"
    for epoch in range(settings.epochs):
        order = list(groups)
        rng.shuffle(order)
        for i in range(0, len(order), per_step):
            loss = batch_loss(order[i:i + per_step])
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(float(loss.detach()))
            step += 1
            if step % log_every == 0:
                log(f"epoch {epoch + 1} step {step}/{total_steps} loss {sum(losses[-log_every:]) / log_every:.4f} "
                    f"{(time.perf_counter() - started) / 60:.1f} min")
            if settings.max_steps is not None and step >= settings.max_steps:
                stopped = "steps"
                break
            if time.perf_counter() - started > settings.minutes * 60:
                stopped = "time budget"
                break
        if stopped != "epochs":
            break
    return {"steps": step, "epochs": round(step / steps_per_epoch, 2), "stopped_by": stopped,
            "minutes": round((time.perf_counter() - started) / 60, 1), "groups": len(groups),
            "first_loss": round(sum(losses[:log_every]) / max(1, len(losses[:log_every])), 4),
            "final_loss": round(sum(losses[-log_every:]) / max(1, len(losses[-log_every:])), 4)}


def train_cross_encoder(base_dir: str, groups: Sequence[dict], out_dir: Path, settings: TrainSettings,
                        log: Callable[[str], None] = print) -> dict:
    """Fine-tune a BERT-family model in `base_dir` as a one-logit cross-encoder (listwise softmax over each
    question's positive and hard negatives); saves to `out_dir`."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    model = AutoModelForSequenceClassification.from_pretrained(base_dir, num_labels=1)

    def batch_loss(batch: list[dict]):
        questions, passages, sizes = [], [], []
        for g in batch:
            items = [rng.choice(g["positives"])] + g["negatives"][:settings.negatives]
            questions += [g["question"]] * len(items)
            passages += [passage_input(p["section"], p["text"]) for p in items]
            sizes.append(len(items))
        encoded = tokenizer(questions, passages, truncation="only_second", max_length=MAX_LENGTH,
                            padding=True, return_tensors="pt")
        logits = model(**encoded).logits.squeeze(-1)
        loss, offset = torch.zeros(()), 0
        for size in sizes:  # the positive is first in each group
            loss = loss + torch.nn.functional.cross_entropy(logits[offset:offset + size].unsqueeze(0),
                                                            torch.zeros(1, dtype=torch.long))
            offset += size
        return loss / len(sizes)

    info = _train(model, groups, settings.questions_per_step, batch_loss, settings, rng, log, log_every=50)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return {"kind": "cross-encoder", **info}


def train_bi_encoder(base_dir: str, groups: Sequence[dict], out_dir: Path, settings: TrainSettings,
                     batch_questions: int = 16, scale: float = 20.0, log: Callable[[str], None] = print) -> dict:
    """Fine-tune every weight of the sentence-transformers model in `base_dir` (mean pooling, normalised vectors)
    with in-batch negatives plus one hard negative per question (MultipleNegativesRankingLoss: softmax
    over scaled cosines); saves a complete sentence-transformers folder to `out_dir`."""
    import shutil

    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    model = AutoModel.from_pretrained(base_dir)

    def embed(texts: list[str]):
        encoded = tokenizer(texts, truncation=True, max_length=MAX_LENGTH, padding=True, return_tensors="pt")
        hidden = model(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        pooled = (hidden * mask).sum(1) / mask.sum(1).clamp(min=1e-9)
        return torch.nn.functional.normalize(pooled, dim=-1)

    def batch_loss(batch: list[dict]):
        positives = [rng.choice(g["positives"]) for g in batch]
        negatives = [g["negatives"][min(len(g["negatives"]) - 1, rng.randrange(3))] for g in batch]
        queries = embed([g["question"] for g in batch])
        documents = embed([bi_encoder_input(p["name"], p["section"], p["text"]) for p in positives + negatives])
        scores = scale * queries @ documents.T  # each question against every passage of the batch
        return torch.nn.functional.cross_entropy(scores, torch.arange(len(batch)))

    usable = [g for g in groups if g["negatives"]]
    info = _train(model, usable, batch_questions, batch_loss, settings, rng, log, log_every=10)
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    base = Path(base_dir)
    for name in ("modules.json", "sentence_bert_config.json", "config_sentence_transformers.json"):
        if (base / name).is_file():
            shutil.copyfile(base / name, out_dir / name)
    shutil.copytree(base / "1_Pooling", out_dir / "1_Pooling", dirs_exist_ok=True)
    if (base / "2_Normalize").is_dir():
        shutil.copytree(base / "2_Normalize", out_dir / "2_Normalize", dirs_exist_ok=True)
    return {"kind": "bi-encoder", **info}


def export_bi_encoder_int8(model_dir: Path, out_dir: Path) -> Path:
    """The fine-tuned bi-encoder as int8 ONNX (the project's own export, qa.embed.onnx) in `out_dir`,
    with its tokenizer; returns the model's path."""
    import shutil
    import tempfile

    from qa.embed.onnx import export

    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        int8 = export(model_dir, Path(tmp), quantized=True)
        shutil.copyfile(int8, out_dir / "model-int8.onnx")
    shutil.copyfile(model_dir / "tokenizer.json", out_dir / "tokenizer.json")
    return out_dir / "model-int8.onnx"


def export_int8(model_dir: Path, out_dir: Path) -> Path:
    """Export the trained cross-encoder to ONNX and quantize its weights to int8 (per channel), with its
    tokenizer.json beside it; returns the int8 model's path. Needs torch, transformers and onnx."""
    import logging
    import shutil
    import tempfile
    import warnings

    import torch
    from onnxruntime.quantization import QuantType, quantize_dynamic
    from transformers import AutoModelForSequenceClassification

    model = AutoModelForSequenceClassification.from_pretrained(str(model_dir), attn_implementation="eager").eval()
    names = ["input_ids", "attention_mask", "token_type_ids"]

    class Scorer(torch.nn.Module):
        def __init__(self, inner):
            super().__init__()
            self.inner = inner

        def forward(self, input_ids, attention_mask, token_type_ids):
            return self.inner(input_ids=input_ids, attention_mask=attention_mask,
                              token_type_ids=token_type_ids).logits

    out_dir.mkdir(parents=True, exist_ok=True)
    example = torch.ones((2, 8), dtype=torch.int64)
    axes = {n: {0: "batch", 1: "tokens"} for n in names} | {"logits": {0: "batch"}}
    with tempfile.TemporaryDirectory() as tmp:
        fp32 = Path(tmp) / "model.onnx"
        with torch.no_grad(), warnings.catch_warnings():
            warnings.simplefilter("ignore")
            torch.onnx.export(Scorer(model), (example, example, torch.zeros_like(example)), str(fp32),
                              input_names=names, output_names=["logits"], dynamic_axes=axes, opset_version=17,
                              dynamo=False, do_constant_folding=True)
        root = logging.getLogger()
        level = root.level
        root.setLevel(logging.ERROR)
        try:
            target = out_dir / "model-int8.onnx"
            quantize_dynamic(str(fp32), str(target), per_channel=True, weight_type=QuantType.QInt8)
        finally:
            root.setLevel(level)
    shutil.copyfile(model_dir / "tokenizer.json", out_dir / "tokenizer.json")  # written by save_pretrained
    return target


def fit_calibration(logits: Sequence[float], retrieval: Sequence[float],
                    labels: Sequence[int]) -> tuple[float, float, float]:
    """(logit weight, retrieval weight, bias) of a logistic regression of relevance on both scores."""
    import numpy as np
    from sklearn.linear_model import LogisticRegression

    features = np.column_stack([np.asarray(logits, dtype=np.float64), np.asarray(retrieval, dtype=np.float64)])
    model = LogisticRegression(C=1.0).fit(features, np.asarray(labels))
    return float(model.coef_[0][0]), float(model.coef_[0][1]), float(model.intercept_[0])


def threshold_for(best_probabilities: Sequence[float], max_false_abstention: float) -> float:
    """The highest threshold at which at most `max_false_abstention` of answerable questions (their best
    passage's probability in `best_probabilities`) would be "not stated"."""
    import numpy as np

    values = np.sort(np.asarray(best_probabilities, dtype=np.float64))
    allowed = int(np.floor(max_false_abstention * len(values)))  # how many may fall below
    return float(values[allowed]) if allowed < len(values) else float(values[-1])


def training_groups(engine, questions, negatives: int = 7, easy: int = 2, seed: int = 7) -> list[dict]:
    """One group per question: its relevant passages, the `negatives` best-ranked irrelevant passages of
    its own policy (hybrid retriever: the near misses the product makes), and `easy` random others."""
    from qa.eval.datasets import is_relevant

    rng = random.Random(seed)
    by_policy: dict[str, list] = {}
    for passage in engine.index.passages:
        by_policy.setdefault(passage.policy, []).append(passage)
    groups = []
    for q in questions:
        relevant = [p for p in by_policy[q.policy] if any(is_relevant(p.policy, p.start, p.end, e) for e in q.evidence)]
        if not relevant:
            continue  # the answer straddles passages: no passage is a positive
        hits = engine.search(q.question, k=CANDIDATE_DEPTH, policies=[q.policy])
        hard = [h for h in hits if not any(is_relevant(h.policy, h.start, h.end, e) for e in q.evidence)][:negatives]
        seen = {h.passage_id for h in hits} | {p.id for p in relevant}
        pool = [p for p in by_policy[q.policy] if p.id not in seen]
        name = engine.policies[q.policy].name

        def item(section: str, text: str, name: str = name) -> dict:
            return {"section": section, "text": text, "name": name}

        groups.append({"qid": q.id, "policy": q.policy, "question": q.question,
                       "positives": [item(p.section, p.text) for p in relevant],
                       "negatives": [item(h.section, h.text) for h in hard]
                       + [item(p.section, p.text) for p in rng.sample(pool, min(easy, len(pool)))]})
    return groups


def calibrate(engine, folder: Path, questions, max_abstain: float) -> dict:
    """Fit the reranker in `folder`'s calibration on `questions` (answerable, of held-out policies) and
    write its reranker.json; returns the config written.

    A logistic regression of "this passage holds the answer" on the reranker's logit and the first-stage
    score, over each question's candidates; then the highest "not stated" threshold that leaves at most
    `max_abstain` of these questions without an answer.
    """
    import numpy as np

    from qa.eval.datasets import is_relevant
    from qa.search.reranker import Calibration, Reranker

    provisional = json.loads((folder / "reranker.json").read_text()) if (folder / "reranker.json").is_file() else {}
    provisional.update({"max_length": MAX_LENGTH, "calibration": {"logit_weight": 1.0, "retrieval_weight": 0.0,
                                                                 "bias": 0.0, "threshold": 0.0}})
    (folder / "reranker.json").write_text(json.dumps(provisional))
    reranker = Reranker(folder)
    rows, per_question = [], []
    for q in questions:
        hits = engine.search(q.question, k=engine.settings.rerank_depth_single, policies=[q.policy])
        logits = reranker.score(q.question, hits)
        labels = [int(any(is_relevant(h.policy, h.start, h.end, e) for e in q.evidence)) for h in hits]
        scores = [h.score for h in hits]
        rows += list(zip(logits.tolist(), scores, labels))
        per_question.append((logits, np.array(scores)))
    a, b, c = fit_calibration(*zip(*rows))
    fitted = Calibration(logit_weight=a, retrieval_weight=b, bias=c, threshold=0.0)
    best = [float(np.max(fitted.probability(lg, sc))) for lg, sc in per_question]
    config = {**provisional,
              "calibration": {"logit_weight": a, "retrieval_weight": b, "bias": c,
                              "threshold": threshold_for(best, max_abstain)},
              "calibrated_on": {"questions": len(questions), "pairs": len(rows), "max_false_abstention": max_abstain}}
    (folder / "reranker.json").write_text(json.dumps(config, indent=1) + "\n")
    return config

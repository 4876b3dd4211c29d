"""Training the cross-encoder reranker: MiniLM's weights, a fresh scoring head, listwise loss.

Each training step shows the model a few questions, each with its relevant passage and same-policy
hard negatives (passages the hybrid retriever ranked high that do not hold the answer); the loss is
the cross-entropy of the positive among its group, so the model learns to put the answer above exactly
the near misses the product makes. Training stops at a wall-clock budget and at whole epochs,
whichever comes first. Heavy imports (torch, transformers) live here only; answering never imports them.
"""

from __future__ import annotations

import json
import math
import random
import time
from dataclasses import dataclass
from pathlib import Path
from typing import Callable, Sequence

from qa.reranker import passage_input

MAX_LENGTH = 256  # question + an 800-character passage fit in ~220 word pieces


@dataclass(frozen=True)
class TrainSettings:
    epochs: int = 2
    minutes: float = 45.0
    questions_per_step: int = 2
    negatives: int = 7
    learning_rate: float = 4e-5
    warmup_share: float = 0.1
    seed: int = 13


def load_groups(path: Path, part: str) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [row for row in map(json.loads, fh) if row["part"] == part]


def train_cross_encoder(base_dir: str, groups: Sequence[dict], out_dir: Path, settings: TrainSettings,
                        log: Callable[[str], None] = print) -> dict:
    """Fine-tune a BERT-family model in `base_dir` as a one-logit cross-encoder; saves to `out_dir`."""
    import torch
    from transformers import AutoModelForSequenceClassification, AutoTokenizer

    torch.manual_seed(settings.seed)
    rng = random.Random(settings.seed)
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    model = AutoModelForSequenceClassification.from_pretrained(base_dir, num_labels=1)
    model.train()
    steps_per_epoch = math.ceil(len(groups) / settings.questions_per_step)
    total_steps = steps_per_epoch * settings.epochs
    optimizer = torch.optim.AdamW(model.parameters(), lr=settings.learning_rate, weight_decay=0.01)
    warmup = max(1, int(total_steps * settings.warmup_share))
    scheduler = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda s: min((s + 1) / warmup, max(0.0, (total_steps - s) / max(1, total_steps - warmup))))
    started = time.perf_counter()
    step, losses, stopped = 0, [], "epochs"
    for epoch in range(settings.epochs):
        order = list(groups)
        rng.shuffle(order)
        for i in range(0, len(order), settings.questions_per_step):
            batch = order[i:i + settings.questions_per_step]
            questions, passages, sizes = [], [], []
            for g in batch:
                positive = rng.choice(g["positives"])
                negatives = g["negatives"][:settings.negatives]
                items = [positive] + negatives
                questions += [g["question"]] * len(items)
                passages += [passage_input(p["section"], p["text"]) for p in items]
                sizes.append(len(items))
            encoded = tokenizer(questions, passages, truncation="only_second", max_length=MAX_LENGTH,
                                padding=True, return_tensors="pt")
            logits = model(**encoded).logits.squeeze(-1)
            loss = torch.zeros(())
            offset = 0
            for size in sizes:  # the positive is first in each group
                loss = loss + torch.nn.functional.cross_entropy(logits[offset:offset + size].unsqueeze(0),
                                                                torch.zeros(1, dtype=torch.long))
                offset += size
            loss = loss / len(sizes)
            loss.backward()
            torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
            optimizer.step()
            scheduler.step()
            optimizer.zero_grad()
            losses.append(float(loss))
            step += 1
            if step % 50 == 0:
                elapsed = time.perf_counter() - started
                log(f"epoch {epoch + 1} step {step}/{total_steps} loss {sum(losses[-50:]) / 50:.4f} "
                    f"{elapsed / 60:.1f} min")
            if time.perf_counter() - started > settings.minutes * 60:
                stopped = "time budget"
                break
        if stopped != "epochs":
            break
    out_dir.mkdir(parents=True, exist_ok=True)
    model.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    return {"steps": step, "epochs_run": epoch + 1 if stopped == "epochs" else round(epoch + (step - epoch * steps_per_epoch) / steps_per_epoch, 2),
            "stopped_by": stopped, "minutes": round((time.perf_counter() - started) / 60, 1),
            "final_loss": round(sum(losses[-100:]) / max(1, len(losses[-100:])), 4), "groups": len(groups)}


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


def fit_calibration(logits: Sequence[float], retrieval: Sequence[float], labels: Sequence[int]) -> tuple[float, float, float]:
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

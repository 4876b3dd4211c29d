"""Train the practice model with its own encoder: all-MiniLM-L6-v2 fine-tuned end to end on the practice
labels (topics and "does not" stance), shipped as int8 ONNX beside heads that read its vectors.

The frozen-vector model (`qa.train.practice`) reads the index's vectors, embedded with the policy name and
section heading; OPP-115's headings often name the practice ("Data Retention"), so it learnt headings as much
as sentences. This one reads a sentence's (or passage's) bare text. Same rows, labels and masked loss as
`qa.train.practice`; the question head stays a logistic regression on the index model's question vectors.

Split: a quarter of the OPP-115 training policies (by sha256 of the name, `PICK`) and the calibration
policies are held out of fine-tuning; per-topic thresholds are picked on them at policy level, with the
shipped int8 encoder. The 20 test policies are only measured.
"""

from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass
from pathlib import Path

import numpy as np

from qa.search.practice import CONFIG, FORMAT_VERSION, WEIGHTS, dense_forward
from qa.train.opp115 import TOPICS
from qa.train.practice import (
    EVALUATED,
    EmbeddedRows,
    PracticeSettings,
    _evidence_rate,
    _policy_gold,
    _train_questions,
    binary_report,
    cell_report,
    embed_cached,
    pick_threshold,
    policy_scores,
)
from qa.train.practice_data import question_rows, training_rows

BASE = "all-MiniLM-L6-v2"
ENCODER_FOLDER = "encoder"
SCALE = 10.0  # the head reads the unit vector times SCALE (folded into the shipped weights)


@dataclass(frozen=True)
class EncoderSettings:
    epochs: int = 2
    minutes: float = 60.0  # a safety cap on fine-tuning time; the shipped model ran its epochs in 17 min
    batch_size: int = 32
    encoder_lr: float = 4e-5
    head_lr: float = 1e-3
    max_length: int = 128
    pick_share: int = 4  # 1 in pick_share training policies picks the thresholds instead of training
    seed: int = 0


def bare(text: str) -> str:
    """A training row's text without the "{policy name} - {section}" line the index embeds before it."""
    return text.split("\n", 1)[-1]


def picked(policy: str, share: int) -> bool:
    return int(hashlib.sha256(policy.encode()).hexdigest()[:8], 16) % share == 0


@dataclass(frozen=True)
class RowSplit:
    """The rows' bare texts, the rows (without vectors), which are OPP-115's, the training policies that pick
    the thresholds, and the indices of the rows fine-tuned on."""

    texts: list[str]
    data: EmbeddedRows
    opp: np.ndarray
    pick: list[str]
    fit: np.ndarray


def split_rows(data_dir: Path, settings: EncoderSettings) -> RowSplit:
    """Read the training rows once and split them (see `RowSplit`)."""
    rows = training_rows(data_dir)
    texts = [bare(t) for t in rows.texts]
    data = EmbeddedRows.of(rows, np.zeros((len(texts), 1), dtype=np.float32))
    opp = np.isin(data.source, ("opp115-segment", "opp115-sentence"))
    train_policies = sorted(set(data.group[opp & (data.part == "train")]))
    pick = [p for p in train_policies if picked(p, settings.pick_share)]
    return RowSplit(texts, data, opp, pick, np.flatnonzero((data.part == "train") & ~np.isin(data.group, pick)))


def _fine_tune(texts: list[str], y: np.ndarray, rows: np.ndarray, settings: EncoderSettings, base_dir: Path,
               out_dir: Path, log: Callable[[str], None]) -> tuple[np.ndarray, np.ndarray, dict]:
    """Fine-tune the encoder and a linear head (topics + stance) on `rows`; saves the encoder as a
    sentence-transformers folder in `out_dir`; returns the head (weight, bias) and what was run."""
    import torch
    from transformers import AutoModel, AutoTokenizer

    torch.manual_seed(settings.seed)
    tokenizer = AutoTokenizer.from_pretrained(base_dir)
    encoder = AutoModel.from_pretrained(base_dir)
    head = torch.nn.Linear(encoder.config.hidden_size, y.shape[1])
    known = ~np.isnan(y[rows])
    target = np.nan_to_num(y[rows])
    positives, negatives = (target * known).sum(0), ((1 - target) * known).sum(0)
    pos_weight = torch.tensor(np.clip(negatives / np.maximum(positives, 1), 1, 100) ** 0.5, dtype=torch.float32)
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=pos_weight)
    optimizer = torch.optim.AdamW([{"params": encoder.parameters(), "lr": settings.encoder_lr},
                                   {"params": head.parameters(), "lr": settings.head_lr}], weight_decay=0.01)
    total = settings.epochs * (len(rows) // settings.batch_size + 1)
    schedule = torch.optim.lr_scheduler.LambdaLR(
        optimizer, lambda step: min(1.0, (step + 1) / 100) * max(0.0, 1 - step / total))

    def pooled(batch: list[str]):
        encoded = tokenizer(batch, padding=True, truncation=True, max_length=settings.max_length, return_tensors="pt")
        hidden = encoder(**encoded).last_hidden_state
        mask = encoded["attention_mask"].unsqueeze(-1).float()
        return torch.nn.functional.normalize((hidden * mask).sum(1) / mask.sum(1), dim=-1)

    rng = np.random.default_rng(settings.seed)
    started, step, stopped, smoothed = time.time(), 0, False, None
    for epoch in range(settings.epochs):
        encoder.train()
        order = rng.permutation(rows)
        batches = []
        for first in range(0, len(order), settings.batch_size * 50):  # similar lengths together: less padding
            chunk = sorted(order[first:first + settings.batch_size * 50], key=lambda i: len(texts[i]))
            batches += [chunk[i:i + settings.batch_size] for i in range(0, len(chunk), settings.batch_size)]
        rng.shuffle(batches)
        for batch in batches:
            logits = head(pooled([texts[i] for i in batch]) * SCALE)
            labels = torch.tensor(np.nan_to_num(y[batch]), dtype=torch.float32)
            mask = torch.tensor(~np.isnan(y[batch]), dtype=torch.float32)
            loss = (loss_fn(logits, labels) * mask).sum() / mask.sum().clamp(min=1)
            optimizer.zero_grad()
            loss.backward()
            torch.nn.utils.clip_grad_norm_(encoder.parameters(), 1.0)
            optimizer.step()
            schedule.step()
            step += 1
            value = float(loss.detach())
            smoothed = value if smoothed is None else 0.98 * smoothed + 0.02 * value
            if step % 100 == 0:
                log(f"epoch {epoch} step {step}/{total} loss {smoothed:.4f} {(time.time() - started) / 60:.1f} min")
            if time.time() - started > settings.minutes * 60:
                stopped = True
                break
        if stopped:
            break
    encoder.save_pretrained(out_dir)
    tokenizer.save_pretrained(out_dir)
    for name in ("modules.json", "sentence_bert_config.json", "config_sentence_transformers.json"):
        if (base_dir / name).is_file():
            shutil.copyfile(base_dir / name, out_dir / name)
    shutil.copytree(base_dir / "1_Pooling", out_dir / "1_Pooling", dirs_exist_ok=True)
    info = {"steps": step, "planned_steps": total, "stopped_by": "time cap" if stopped else "epochs",
            "minutes": round((time.time() - started) / 60, 1), "final_loss": round(float(smoothed or 0), 4)}
    weight, bias = head.weight.detach().numpy().copy(), head.bias.detach().numpy().copy()
    return weight * SCALE, bias, info


def train_practice_encoder(out_dir: Path, data_dir: Path, topics_file: Path, settings: EncoderSettings | None = None,
                           log: Callable[[str], None] = print) -> dict:
    """Fine-tune, export int8, pick thresholds, measure on held-out policies, write `out_dir`; the report."""
    from qa.embed.base import resolve_model_path
    from qa.train.reranker import export_bi_encoder_int8

    settings = settings or EncoderSettings()
    started = time.time()
    split = split_rows(data_dir, settings)
    y = np.concatenate([split.data.topics, split.data.negated[:, None]], axis=1)  # the topics, then "does not"
    log(f"{len(split.fit)} training rows; {len(split.pick)} training policies pick the thresholds; fine-tuning")
    base_dir = Path(resolve_model_path(BASE))
    out_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory() as tmp:
        weight, bias, info = _fine_tune(split.texts, y, split.fit, settings, base_dir, Path(tmp), log)
        onnx = export_bi_encoder_int8(Path(tmp), out_dir / ENCODER_FOLDER)
    return finish_model(out_dir, onnx, weight, bias, info, split, data_dir, topics_file, settings, log, started)


def finish_model(out_dir: Path, onnx: Path, weight: np.ndarray, bias: np.ndarray, info: dict, split: RowSplit,
                 data_dir: Path, topics_file: Path, settings: EncoderSettings, log: Callable[[str], None],
                 started: float) -> dict:
    """With the int8 encoder exported to `onnx` (in `out_dir`/encoder) and the head (`weight`, `bias`,
    SCALE folded in): thresholds on the held-out training and calibration policies, the test report, the
    question head, and the folder's files."""
    from safetensors.numpy import save_file

    from qa.embed.load import load_embedder

    texts, data, opp, pick = split.texts, split.data, split.opp, split.pick
    calibration = sorted(set(data.group[opp & (data.part == "calibration")]))
    test = sorted(set(data.group[opp & (data.part == "test")]))
    sha = hashlib.sha256(onnx.read_bytes()).hexdigest()
    from qa.embed.onnx import OnnxEncoder

    encoder = OnnxEncoder(out_dir / ENCODER_FOLDER, onnx, settings.max_length, weight.shape[1], with_types=True,
                          one_per_run=True)
    measured = np.flatnonzero(opp & (np.isin(data.group, pick) | (data.part != "train")))
    log(f"encoding {len(measured)} held-out rows with the int8 encoder")
    probabilities = np.zeros((len(texts), weight.shape[0]), dtype=np.float32)
    probabilities[measured] = dense_forward([(weight, bias)], encoder.encode([texts[i] for i in measured]))
    topics = probabilities[:, :len(TOPICS)]
    columns = [TOPICS.index(t) for t in EVALUATED]
    picking = pick + calibration
    chosen = opp & np.isin(data.group, picking)
    scores = policy_scores(topics[chosen], data.group[chosen], picking)[:, columns]
    gold = _policy_gold(data, picking)[:, columns]
    thresholds = np.full(len(TOPICS), 0.5, dtype=np.float32)
    for j, column in enumerate(columns):
        thresholds[column] = pick_threshold(scores[:, j], gold[:, j])
    held = opp & (data.part == "test")
    predicted = policy_scores(topics[held], data.group[held], test)[:, columns] >= thresholds[columns]
    test_gold = _policy_gold(data, test)[:, columns]
    report = {"overall": cell_report(predicted, test_gold),
              "per_topic": {t: cell_report(predicted[:, j], test_gold[:, j]) for j, t in enumerate(EVALUATED)}}
    sentences = held & ~data.is_segment
    report["evidence_rate"] = _evidence_rate(data, topics[sentences], sentences, test)
    stance_rows = sentences & ~np.isnan(data.negated)
    stance = {"opp115-sentence": binary_report(probabilities[stance_rows, -1], data.negated[stance_rows], 0.5)}
    embedder = load_embedder(BASE)
    questions = question_rows(data_dir, topics_file)
    qx = embed_cached(questions.texts, "questions", embedder.embed_query)
    question_layers, question_threshold, question_report = _train_questions(questions, qx, PracticeSettings())
    tensors = {"topic.0.weight": weight[:len(TOPICS)], "topic.0.bias": bias[:len(TOPICS)],
               "negated.0.weight": weight[len(TOPICS):], "negated.0.bias": bias[len(TOPICS):]}
    for i, (w, b) in enumerate(question_layers):
        tensors[f"question.{i}.weight"], tensors[f"question.{i}.bias"] = w, b
    save_file({k: np.ascontiguousarray(v, dtype=np.float32) for k, v in tensors.items()}, str(out_dir / WEIGHTS))
    config = {
        "format_version": FORMAT_VERSION, "topics": list(TOPICS), "dimension": int(weight.shape[1]),
        "thresholds": [round(float(t), 4) for t in thresholds],
        "question_threshold": round(question_threshold, 4), "stance_threshold": 0.5,
        "layers": {"topic": 1, "negated": 1, "question": len(question_layers)},
        "embedding_model": embedder.model_id, "vector_recipe": 2,
        "encoder": {"folder": ENCODER_FOLDER, "max_length": settings.max_length, "sha256": sha, "text": "bare"},
        "text_format": {"passage": "the passage's text alone", "sentence": "the sentence's text alone",
                        "question": "embed_query([question]) with the index's model"},
        "unannotated_thresholds": ["complaints", "legal-basis"], "settings": asdict(settings),
    }
    (out_dir / CONFIG).write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    return {"settings": asdict(settings), "training": info, "rows": len(split.fit), "pick_policies": pick,
            "seconds": round(time.time() - started), "policy_level": report, "stance": stance,
            "questions_report": question_report, "thresholds": config["thresholds"],
            "question_threshold": config["question_threshold"], "encoder_sha256": sha,
            "encoder_mb": round(onnx.stat().st_size / 1e6, 1)}

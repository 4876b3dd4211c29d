"""Train and measure the practice model (qa.search.practice) on frozen MiniLM vectors.

Rows come from qa.train.practice_data (OPP-115, MAPP, ToS;DR, PI-Extract, PrivacyQA and hand-written
questions), embedded exactly as the index embeds them and cached under ~/.cache/policyqa/practice/. Each
head is fitted with a masked binary cross-entropy: a row's unlabelled topics add nothing to the loss. With
no hidden layer the topic head is one logistic regression per topic (the loss separates by topic); with
`hidden` > 0 it is a one-hidden-layer MLP.

Per-topic thresholds are chosen at policy level ("a policy states T iff some segment or sentence has
P(T) >= threshold") on out-of-fold predictions for the OPP-115 training policies plus the calibration
policies; the held-out OPP-115 policies are only measured.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable
from dataclasses import asdict, dataclass, replace
from pathlib import Path

import numpy as np

from qa.search.practice import dense_forward
from qa.train.held_out import EXCLUDED
from qa.train.opp115 import TOPICS, UNANNOTATED
from qa.train.practice_data import PRIVACYQA_KNOWN, Rows, question_rows, training_rows

CACHE = Path.home() / ".cache" / "policyqa" / "practice"
EVALUATED = tuple(t for t in TOPICS if t not in UNANNOTATED)  # the topics OPP-115 gives a policy-level gold for
Layers = list[tuple[np.ndarray, np.ndarray]]


@dataclass(frozen=True)
class PracticeSettings:
    hidden: int = 0  # 0: logistic regression per topic; > 0: an MLP with one hidden layer this wide
    epochs: int = 60
    l2: float = 1e-5  # L2 penalty (weight decay for the MLP), the same for every head; 1e-4 and 1e-6 measured worse
    learning_rate: float = 5e-3
    batch_size: int = 512
    folds: int = 4  # out-of-fold predictions on the OPP-115 training policies pick the thresholds
    seed: int = 0
    sentence_weight: float = 1.0  # loss weight of an OPP-115 sentence row relative to a segment row
    max_pos_weight: float = 10.0  # cap on sqrt(negatives / positives), the loss weight of a rare topic's positive
    score_sentences: bool = True  # a policy's score: the best of its segments and sentences (else segments only)


def embed_cached(texts: list[str], name: str, embed: Callable[[list[str]], np.ndarray]) -> np.ndarray:
    """Vectors of `texts`; texts embedded before by the same recipe come from CACHE, only new ones are embedded.

    CACHE holds `<name>-keys.npy` (a sha256 per text, with VECTOR_RECIPE) and `<name>-vectors.npy`, row by row.
    """
    from qa.embed.base import VECTOR_RECIPE

    keys = np.array([hashlib.sha256(f"{VECTOR_RECIPE}\0{text}".encode()).hexdigest()[:32] for text in texts])
    key_path, vector_path = CACHE / f"{name}-keys.npy", CACHE / f"{name}-vectors.npy"
    known_keys = np.load(key_path) if key_path.is_file() and vector_path.is_file() else np.array([], dtype=keys.dtype)
    known = np.load(vector_path) if len(known_keys) else np.zeros((0, 0), np.float32)
    position = {key: i for i, key in enumerate(known_keys)}
    missing = sorted({key: i for i, key in enumerate(keys) if key not in position}.values())
    if missing:
        fresh = np.asarray(embed([texts[i] for i in missing]), dtype=np.float32)
        known = fresh if not len(known_keys) else np.concatenate([known, fresh])
        known_keys = np.concatenate([known_keys, keys[missing]])
        position = {key: i for i, key in enumerate(known_keys)}
        CACHE.mkdir(parents=True, exist_ok=True)
        np.save(key_path, known_keys)
        np.save(vector_path, known)
    return known[[position[key] for key in keys]]


def fit_head(x: np.ndarray, y: np.ndarray, settings: PracticeSettings, weights: np.ndarray | None = None) -> Layers:
    """Fit one head on vectors `x` (n, D) and labels `y` (n, K) with NaN = unlabelled; returns its layers."""
    import torch

    torch.manual_seed(settings.seed)
    known = ~np.isnan(y)
    target = torch.tensor(np.nan_to_num(y), dtype=torch.float32)
    mask = torch.tensor(known, dtype=torch.float32)
    if weights is not None:
        mask = mask * torch.tensor(weights, dtype=torch.float32)[:, None]
    # Balance each output: positives are rare for most topics, and the thresholds are picked afterwards.
    positives = (target * mask).sum(0)
    negatives = ((1 - target) * mask).sum(0)
    pos_weight = torch.clamp(negatives / positives.clamp(min=1.0), 1.0, settings.max_pos_weight ** 2).sqrt()
    inputs = torch.tensor(x, dtype=torch.float32)
    width = x.shape[1]
    if settings.hidden:
        net = torch.nn.Sequential(torch.nn.Linear(width, settings.hidden), torch.nn.ReLU(), torch.nn.Dropout(0.2),
                                  torch.nn.Linear(settings.hidden, y.shape[1]))
    else:
        net = torch.nn.Sequential(torch.nn.Linear(width, y.shape[1]))
    loss_fn = torch.nn.BCEWithLogitsLoss(reduction="none", pos_weight=pos_weight)
    if not settings.hidden:
        # A logistic regression is convex: full-batch L-BFGS reaches its optimum in seconds, where minibatch
        # Adam took minutes on this shared 2-core machine.
        lbfgs = torch.optim.LBFGS(net.parameters(), lr=1.0, max_iter=300, history_size=20,
                                  line_search_fn="strong_wolfe")
        total = mask.sum().clamp(min=1.0)
        layer = next(m for m in net if isinstance(m, torch.nn.Linear))

        def closure():
            lbfgs.zero_grad()
            loss = (loss_fn(net(inputs), target) * mask).sum() / total + settings.l2 * (layer.weight ** 2).sum()
            loss.backward()
            return loss

        lbfgs.step(closure)
        return [(layer.weight.detach().numpy().copy(), layer.bias.detach().numpy().copy())]
    optimizer = torch.optim.AdamW(net.parameters(), lr=settings.learning_rate, weight_decay=settings.l2)
    generator = torch.Generator().manual_seed(settings.seed)
    batch = settings.batch_size
    for _ in range(settings.epochs):
        order = torch.randperm(len(inputs), generator=generator)
        for start in range(0, len(order), batch):
            rows = order[start:start + batch]
            loss = (loss_fn(net(inputs[rows]), target[rows]) * mask[rows]).sum() / mask[rows].sum().clamp(min=1.0)
            optimizer.zero_grad()
            loss.backward()
            optimizer.step()
    net.eval()
    linear = [module for module in net if isinstance(module, torch.nn.Linear)]
    return [(m.weight.detach().numpy().copy(), m.bias.detach().numpy().copy()) for m in linear]


# -- policy-level evaluation -------------------------------------------------------------------------------

def policy_scores(probabilities: np.ndarray, groups: np.ndarray, policies: list[str]) -> np.ndarray:
    """Per policy, per topic: the highest P(topic) over its rows (segments and sentences)."""
    return np.stack([probabilities[groups == policy].max(axis=0) for policy in policies])


def pick_threshold(scores: np.ndarray, gold: np.ndarray) -> float:
    """The threshold with the best balanced accuracy (accuracy when one class is absent), the middle of the
    best run of candidate cut points, so that a tie does not push it onto a training policy's score."""
    candidates = np.unique(np.concatenate([scores, [0.0, 1.0]]))
    cuts = (candidates[:-1] + candidates[1:]) / 2
    values = np.array([balanced_accuracy(scores >= cut, gold) for cut in cuts])
    best = np.flatnonzero(values >= values.max() - 1e-9)
    return float(cuts[best[len(best) // 2]])


def balanced_accuracy(predicted: np.ndarray, gold: np.ndarray) -> float:
    """Mean of recall on stated and on not-stated cells; plain accuracy when only one kind is present."""
    predicted, gold = np.asarray(predicted, bool), np.asarray(gold, bool)
    recalls = [float((predicted[gold == kind] == kind).mean()) for kind in (True, False) if (gold == kind).any()]
    return float(np.mean(recalls))


def cell_report(predicted: np.ndarray, gold: np.ndarray) -> dict:
    """Accuracy and balanced accuracy of policy x topic cells (arrays of the same shape)."""
    return {"accuracy": round(float((predicted == gold).mean()), 4),
            "balanced_accuracy": round(balanced_accuracy(predicted.ravel(), gold.ravel()), 4),
            "cells": int(gold.size), "stated": int(gold.sum())}


def binary_report(probability: np.ndarray, gold: np.ndarray, threshold: float) -> dict:
    """Accuracy, precision, recall and F1 of `probability >= threshold` against 0/1 `gold`."""
    predicted, gold = probability >= threshold, gold.astype(bool)
    tp = float((predicted & gold).sum())
    precision = tp / max(predicted.sum(), 1)
    recall = tp / max(gold.sum(), 1)
    f1 = 2 * precision * recall / max(precision + recall, 1e-9)
    return {"n": int(gold.size), "positives": int(gold.sum()), "accuracy": round(float((predicted == gold).mean()), 4),
            "precision": round(precision, 4), "recall": round(recall, 4), "f1": round(f1, 4)}


@dataclass
class EmbeddedRows:
    """The training rows (sentences and segments) embedded, with their labels, as arrays."""

    x: np.ndarray
    topics: np.ndarray
    negated: np.ndarray
    source: np.ndarray
    group: np.ndarray
    part: np.ndarray
    is_segment: np.ndarray

    @classmethod
    def of(cls, rows: Rows, x: np.ndarray) -> EmbeddedRows:
        topics, negated = rows.arrays()
        source = np.asarray(rows.source)
        return cls(x, topics, negated, source, np.asarray(rows.group), np.asarray(rows.part),
                   source == "opp115-segment")


def _row_weights(data: EmbeddedRows, settings: PracticeSettings) -> np.ndarray:
    return np.where(data.source == "opp115-sentence", settings.sentence_weight, 1.0).astype(np.float32)


def policy_level(data: EmbeddedRows, fit: Callable[[np.ndarray], Layers], scored: np.ndarray, trained: np.ndarray,
                 settings: PracticeSettings) -> dict:
    """Thresholds from out-of-fold OPP-115 training policies + calibration policies; cells on test policies.

    `fit(mask)` fits the topic head on the rows of the mask, always a subset of `trained & part == "train"`;
    a policy's score for a topic is the highest P over its `scored` rows (OPP-115 segments and/or sentences).
    """
    opp = np.isin(data.source, ("opp115-segment", "opp115-sentence"))
    train_policies = sorted(set(data.group[opp & (data.part == "train")]))
    folds = [train_policies[i::settings.folds] for i in range(settings.folds)]
    columns = [TOPICS.index(t) for t in EVALUATED]
    pick_scores, pick_gold = [], []
    base = (data.part == "train") & trained
    for fold in folds:
        layers = fit(base & ~np.isin(data.group, fold))
        rows = scored & np.isin(data.group, fold)
        pick_scores.append(policy_scores(dense_forward(layers, data.x[rows]), data.group[rows], fold))
        pick_gold.append(_policy_gold(data, fold))
    final = fit(base)
    calibration = sorted(set(data.group[opp & (data.part == "calibration")]))
    test = sorted(set(data.group[opp & (data.part == "test")]))
    rows = scored & (data.part == "calibration")
    pick_scores.append(policy_scores(dense_forward(final, data.x[rows]), data.group[rows], calibration))
    pick_gold.append(_policy_gold(data, calibration))
    scores, gold = np.concatenate(pick_scores)[:, columns], np.concatenate(pick_gold)[:, columns]
    thresholds = np.full(len(TOPICS), 0.5, dtype=np.float32)
    for j, column in enumerate(columns):
        thresholds[column] = pick_threshold(scores[:, j], gold[:, j])
    rows = scored & (data.part == "test")
    test_probabilities = dense_forward(final, data.x[rows])
    test_scores = policy_scores(test_probabilities, data.group[rows], test)[:, columns]
    test_gold = _policy_gold(data, test)[:, columns]
    predicted = test_scores >= thresholds[columns]
    report = {"policies": {"threshold_picking": len(np.concatenate(pick_gold)), "test": len(test)},
              "overall": cell_report(predicted, test_gold),
              "per_topic": {t: cell_report(predicted[:, j], test_gold[:, j]) for j, t in enumerate(EVALUATED)}}
    sentences = opp & ~data.is_segment & (data.part == "test")  # evidence is a sentence, however scored
    report["evidence_rate"] = _evidence_rate(data, dense_forward(final, data.x[sentences]), sentences, test)
    return {"layers": final, "thresholds": thresholds, "report": report}


def _policy_gold(data: EmbeddedRows, policies: list[str]) -> np.ndarray:
    """Per policy, per topic: stated iff some of its segments carries the topic."""
    labels = np.nan_to_num(data.topics)
    return np.stack([labels[data.is_segment & (data.group == p)].max(axis=0) > 0 for p in policies])


def _evidence_rate(data: EmbeddedRows, probabilities: np.ndarray, rows: np.ndarray, policies: list[str]) -> dict:
    """Share of (test policy, stated topic) whose highest-P sentence lies in a segment carrying the topic.

    A sentence row carries its segment's topics through the segment row just before it (rows are in
    policy order: a segment, then its sentences), which is how a sentence is located in its segment."""
    index = np.flatnonzero(rows)
    segment_of = np.maximum.accumulate(np.where(data.is_segment, np.arange(len(data.x)), -1))
    hits: dict[str, list[bool]] = {t: [] for t in EVALUATED}
    for policy in policies:
        mine = (data.group[index] == policy) & ~data.is_segment[index]
        gold = np.nan_to_num(data.topics[data.is_segment & (data.group == policy)]).max(axis=0) > 0
        for topic in EVALUATED:
            column = TOPICS.index(topic)
            if not gold[column] or not mine.any():
                continue
            best = index[mine][np.argmax(probabilities[mine, column])]
            hits[topic].append(bool(data.topics[segment_of[best], column] == 1.0))
    everything = [hit for values in hits.values() for hit in values]
    return {"overall": round(float(np.mean(everything)), 4), "cells": len(everything),
            "per_topic": {t: round(float(np.mean(v)), 4) for t, v in hits.items() if v}}


# -- training ----------------------------------------------------------------------------------------------

def train_practice(out_dir: Path, data_dir: Path, topics_file: Path, settings: PracticeSettings | None = None,
                   log: Callable[[str], None] = print) -> dict:
    """Embed, train the three heads, measure on held-out data, write `out_dir`; returns the report.

    Writes practice.safetensors and practice.json (qa.search.practice reads them). The report holds the
    floor (segments + logistic regression) and the model's numbers side by side.
    """
    from safetensors.numpy import save_file

    from qa.embed.base import VECTOR_RECIPE
    from qa.embed.load import load_embedder
    from qa.search.practice import CONFIG, FORMAT_VERSION, WEIGHTS

    settings = settings or PracticeSettings()
    started = time.time()
    embedder = load_embedder("all-MiniLM-L6-v2")
    rows = training_rows(data_dir)
    questions = question_rows(data_dir, topics_file)
    log(f"{len(rows.texts)} sentence/passage rows, {len(questions.texts)} questions; embedding (cached)")
    data = EmbeddedRows.of(rows, embed_cached(rows.texts, "rows", lambda t: embedder.embed(t, batch_size=32)))
    qx = embed_cached(questions.texts, "questions", embedder.embed_query)
    embedded = time.time()
    weights = _row_weights(data, settings)
    log(f"embedded in {embedded - started:.0f} s; floor: OPP-115 segments + logistic regression per topic")
    floor_settings = replace(settings, hidden=0)
    opp_segments = data.is_segment

    def fit_floor(mask: np.ndarray) -> Layers:
        return fit_head(data.x[mask & opp_segments], data.topics[mask & opp_segments], floor_settings)

    floor = policy_level(data, fit_floor, opp_segments, opp_segments, floor_settings)
    log(f"floor: {floor['report']['overall']}")

    def fit_topics(mask: np.ndarray) -> Layers:
        return fit_head(data.x[mask], data.topics[mask], settings, weights[mask])

    opp = np.isin(data.source, ("opp115-segment", "opp115-sentence"))
    model = policy_level(data, fit_topics, opp if settings.score_sentences else opp_segments,
                         np.ones_like(opp), settings)
    log(f"model: {model['report']['overall']} evidence {model['report']['evidence_rate']['overall']}")
    stance_layers, stance_report = _train_stance(data, settings)
    question_layers, question_threshold, question_report = _train_questions(questions, qx, settings)
    seconds = time.time() - started
    out_dir.mkdir(parents=True, exist_ok=True)
    tensors = {}
    for head, layers in (("topic", model["layers"]), ("negated", stance_layers), ("question", question_layers)):
        for i, (weight, bias) in enumerate(layers):
            tensors[f"{head}.{i}.weight"], tensors[f"{head}.{i}.bias"] = weight, bias
    save_file(tensors, str(out_dir / WEIGHTS))
    config = {
        "format_version": FORMAT_VERSION, "topics": list(TOPICS), "dimension": int(data.x.shape[1]),
        "thresholds": [round(float(t), 4) for t in model["thresholds"]],
        "question_threshold": round(question_threshold, 4), "stance_threshold": 0.5,
        "layers": {"topic": len(model["layers"]), "negated": len(stance_layers), "question": len(question_layers)},
        "embedding_model": embedder.model_id, "vector_recipe": VECTOR_RECIPE,
        "text_format": {"passage": "{policy_name} - {section}\\n{text} ({policy_name}\\n{text} without a section)",
                        "sentence": "as a passage, with the sentence as text", "question": "embed_query([question])"},
        "unannotated_thresholds": sorted(UNANNOTATED), "settings": asdict(settings),
    }
    import json

    (out_dir / CONFIG).write_text(json.dumps(config, indent=1) + "\n", encoding="utf-8")
    return {"settings": asdict(settings), "rows": len(rows.texts), "questions": len(questions.texts),
            "excluded": rows.part.count(EXCLUDED),
            "seconds": round(seconds), "embedding_seconds": round(embedded - started),
            "floor": floor["report"], "policy_level": model["report"], "stance": stance_report,
            "questions_report": question_report, "thresholds": config["thresholds"],
            "question_threshold": config["question_threshold"]}


def _train_stance(data: EmbeddedRows, settings: PracticeSettings) -> tuple[Layers, dict]:
    """The negated head, on every stance-labelled sentence of the training parts; reported per held-out source."""
    labelled = ~np.isnan(data.negated)
    train = labelled & (data.part == "train")
    layers = fit_head(data.x[train], data.negated[train, None], settings)
    report = {}
    for source in ("opp115-sentence", "piextract", "tosdr"):
        rows = labelled & (data.part == "test") & (data.source == source)
        report[source] = binary_report(dense_forward(layers, data.x[rows])[:, 0], data.negated[rows], 0.5)
    return layers, report


def _train_questions(questions: Rows, qx: np.ndarray, settings: PracticeSettings) -> tuple[Layers, float, dict]:
    """The question head on training questions; its threshold from out-of-fold training apps; measured on
    the held-out PrivacyQA apps: top topic among the flagged, and "about no practice" for the unflagged."""
    labels, _ = questions.arrays()
    part, group = np.asarray(questions.part), np.asarray(questions.group)
    # Few rows (about 1,100 questions): more passes, smaller batches, and always a logistic regression.
    head = replace(settings, hidden=0, epochs=max(settings.epochs * 3, 150), batch_size=128)
    train = part == "train"
    apps = sorted(set(group[train & (np.asarray(questions.source) == "privacyqa")]))
    out_of_fold = np.zeros_like(labels)
    for i in range(settings.folds):
        fold = np.isin(group, apps[i::settings.folds])
        out_of_fold[fold] = dense_forward(fit_head(qx[train & ~fold], labels[train & ~fold], head), qx[fold])
    any_topic = np.nansum(labels, axis=1) > 0
    fold_rows = np.isin(group, apps) & (any_topic | ~np.isnan(labels).any(axis=1))
    threshold = pick_threshold(out_of_fold[fold_rows].max(axis=1), any_topic[fold_rows])
    layers = fit_head(qx[train], labels[train], head)
    test = part == "test"
    probabilities = dense_forward(layers, qx[test])
    gold, flagged = labels[test], any_topic[test]
    # A question flagged only "other" is neither about a mapped topic nor about none: left out of both.
    about_none = ~np.isnan(gold).any(axis=1) & ~flagged
    decided = flagged | about_none
    top = probabilities.argmax(axis=1)
    top_right = [gold[i, top[i]] == 1.0 for i in np.flatnonzero(flagged)]
    # The same among the topics PrivacyQA flags: a question flagged "third party" whose top topic is sale
    # counts as wrong above, though "sale" has no PrivacyQA flag.
    annotated = [TOPICS.index(t) for t in PRIVACYQA_KNOWN]
    top_annotated = [gold[i, annotated[int(np.argmax(probabilities[i, annotated]))]] == 1.0
                     for i in np.flatnonzero(flagged)]
    above = probabilities.max(axis=1) >= threshold
    return layers, threshold, {
        "test_apps": len(set(group[test])), "questions": int(test.sum()), "with_topic": int(flagged.sum()),
        "about_none": int(about_none.sum()), "top1_accuracy_with_topic": round(float(np.mean(top_right)), 4),
        "top1_among_privacyqa_topics": round(float(np.mean(top_annotated)), 4),
        "about_a_practice_accuracy": round(float((above[decided] == flagged[decided]).mean()), 4),
        "none_detected": round(float((~above[about_none]).mean()), 4), "threshold": round(threshold, 4)}

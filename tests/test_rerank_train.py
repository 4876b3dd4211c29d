"""The reranker's training loop, calibration and threshold, on a tiny torch model (no MiniLM, no training
of the shipped model: that runs only by hand, `policyqa tune reranker`)."""

import random

import numpy as np
import pytest

from qa.train.reranker import TrainSettings, _train, fit_calibration, threshold_for
from qa.train.split import split_squad_policies

pytestmark = pytest.mark.slow  # training loops in torch (left out by `make test-fast`)


def test_training_stops_after_its_epochs_and_lowers_the_loss():
    import torch

    torch.manual_seed(0)
    model = torch.nn.Linear(2, 1)
    groups = [{"x": [float(i % 2), 1.0], "y": float(i % 2)} for i in range(16)]

    def batch_loss(batch):
        x = torch.tensor([g["x"] for g in batch])
        y = torch.tensor([g["y"] for g in batch])
        return torch.nn.functional.binary_cross_entropy_with_logits(model(x).squeeze(-1), y)

    settings = TrainSettings(epochs=30, minutes=5, learning_rate=0.1, warmup_share=0.0)
    info = _train(model, groups, 4, batch_loss, settings, random.Random(0), log=lambda m: None, log_every=4)
    assert info["steps"] == 30 * 4 and info["stopped_by"] == "epochs" and info["epochs"] == 30
    assert info["final_loss"] < info["first_loss"]


def test_training_stops_at_its_time_budget():
    import torch

    model = torch.nn.Linear(1, 1)
    groups = [{"x": 1.0}] * 8
    info = _train(model, groups, 1, lambda batch: model(torch.ones(1, 1)).sum() ** 2,
                  TrainSettings(epochs=1000, minutes=0.0), random.Random(0), log=lambda m: None, log_every=1)
    assert info["stopped_by"] == "time budget" and info["steps"] == 1


def test_training_stops_after_max_steps_whatever_the_clock():
    """The shipped reranker's command stops by steps, so a loaded machine trains the same model."""
    import torch

    model = torch.nn.Linear(1, 1)
    groups = [{"x": 1.0}] * 8
    settings = TrainSettings(epochs=2, minutes=60.0, max_steps=5)
    info = _train(model, groups, 2, lambda batch: model(torch.ones(1, 1)).sum() ** 2, settings,
                  random.Random(0), log=lambda m: None, log_every=1)
    assert info["stopped_by"] == "steps" and info["steps"] == 5 and info["epochs"] == 1.25


def test_calibration_separates_and_the_threshold_keeps_its_share():
    rng = np.random.default_rng(0)
    labels = rng.integers(0, 2, 400)
    logits = labels * 3.0 + rng.normal(0, 1, 400)
    a, b, c = fit_calibration(logits, np.zeros(400) + 0.5, labels)
    assert a > 1.0  # the logit carries the signal
    best = [0.1, 0.2, 0.3, 0.4, 0.5, 0.6, 0.7, 0.8, 0.9, 1.0]
    threshold = threshold_for(best, 0.2)  # at most 2 of 10 may fall below
    assert threshold == 0.3 and sum(b < threshold for b in best) == 2
    assert threshold_for(best, 0.0) == 0.1


def test_policy_split_is_by_sorted_id_and_disjoint():
    ids = [f"p{i:02d}" for i in range(20)][::-1]
    split = split_squad_policies(ids)
    assert split.test == tuple(f"p{i:02d}" for i in range(14, 20))
    assert split.calibration == ("p11", "p12", "p13") and len(split.train) == 11
    assert not set(split.train) & set(split.calibration) | set(split.calibration) & set(split.test)
    with pytest.raises(ValueError, match="more than 9"):
        split_squad_policies(ids[:9])

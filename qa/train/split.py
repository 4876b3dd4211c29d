"""The policy-level split of PolicyQA used to train, calibrate and test the reranker.

Whole policies are held out, never questions: a question about a policy the reranker saw in training
would flatter it. In sorted id order, the last TEST policies are the test set (the same six the query
adapter in models/policyqa-minilm was measured on), the CALIBRATION policies before them set the
abstention threshold and the score fusion, and the rest are trained on.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from qa.errors import DatasetError

TEST = 6
CALIBRATION = 3


@dataclass(frozen=True)
class PolicySplit:
    train: tuple[str, ...]
    calibration: tuple[str, ...]
    test: tuple[str, ...]

    def part_of(self, policy_id: str) -> str:
        for name in ("train", "calibration", "test"):
            if policy_id in getattr(self, name):
                return name
        raise KeyError(policy_id)

    def to_dict(self) -> dict:
        return {"train": list(self.train), "calibration": list(self.calibration), "test": list(self.test)}


def split_squad_policies(policy_ids: Sequence[str], test: int = TEST, calibration: int = CALIBRATION) -> PolicySplit:
    """Split policy ids by sorted order: train, then calibration, then test (the last `test`)."""
    ids = sorted(policy_ids)
    if len(ids) < test + calibration + 1:
        raise DatasetError(f"need more than {test + calibration} policies to split, got {len(ids)}")
    cut = len(ids) - test
    return PolicySplit(tuple(ids[:cut - calibration]), tuple(ids[cut - calibration:cut]), tuple(ids[cut:]))

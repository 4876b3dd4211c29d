"""How a query adapter is trained: `TrainSettings` and the defaults `policyqa tune adapter` shows.

Apart from the training code (numpy, torch) so the command line can list its defaults without
importing it.
"""

from __future__ import annotations

from dataclasses import dataclass

HELD_OUT_SHARE = 0.3  # default share of policies held out: 6 of PolicyQA dev's 20
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

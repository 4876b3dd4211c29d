"""Fakes for unit tests: no model, deterministic, and simple enough to compute expected values by hand.

`FakeEmbedder` reaches the code through the real seams: `Engine.open(..., embedder_factory=...)`, a
`build_index` factory, or `qa.embed.load.register_embedder` (the `fake_model` fixture in conftest.py)
for commands that load the model an index names.
"""

from __future__ import annotations

import hashlib
import re

import numpy as np

FAKE_MODEL = "fake-embedder"  # the model name indexes built with the fake record


def word_slot(word: str, dimension: int) -> int:
    """The vector component a (lower-case) word adds to in `FakeEmbedder`."""
    return int(hashlib.md5(word.encode()).hexdigest(), 16) % dimension


class FakeEmbedder:
    """Hashed bag of words: same text, same vector; shared words make vectors close. No model needed.

    A text's vector counts its lower-case words (runs of a-z0-9), each in component `word_slot(word)`,
    then is scaled to unit length; a text with no word is the unit vector on component 0.
    """

    def __init__(self, model_id: str = FAKE_MODEL, dimension: int = 64):
        self.model_id = model_id
        self.dimension = dimension
        self.calls: list[int] = []  # how many texts each call embedded

    def embed(self, texts, batch_size: int = 64) -> np.ndarray:
        self.calls.append(len(texts))
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for row, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                out[row, word_slot(word, self.dimension)] += 1.0
            norm = np.linalg.norm(out[row])
            out[row] = out[row] / norm if norm else out[row]
            if not norm:
                out[row, 0] = 1.0
        return out

    def embed_query(self, texts) -> np.ndarray:
        return self.embed(texts)

"""A synthetic corpus of any size made from the seed index: its sentences recombined, with near-real vectors.

The text is the seed policies' sentences recombined into the five seed policies (same ids, names and
aliases, so each golden question is routed as on the seed corpus), 2-6 sentences a passage. Embedding
300,000 passages and 1.2 million sentences would take hours here, so the vectors are synthetic: each
sentence's real vector from the seed index (and for a passage, the mean of its sentences'), plus Gaussian
noise of length VECTOR_NOISE, normalised. Purely random vectors would not do: no question is near any
of them, and every approximate index would have to scan everything to find their arbitrary nearest
neighbours. Questions are always embedded for real.
"""

from __future__ import annotations

from dataclasses import replace
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import numpy as np

SENTENCES_PER_PASSAGE = (2, 6)  # inclusive range, drawn uniformly
PASSAGES_PER_SECTION = 8
VECTOR_NOISE = 0.5  # length of the Gaussian noise added to a synthetic vector before normalising
SYNTHETIC_SEED = 7
BLOCK_ROWS = 100_000  # passages whose vectors are made at once, so no second copy of a million rows is made


def synthetic_corpus(seed, size: int, rng: np.random.Generator, companies: int = 0):
    """`size` passages recombined from the seed index's sentences, in the seed policies; with vectors.

    `companies` above the seed's count spreads the passages over that many policies: the seed's, then
    made-up companies (`qa.bench.routing.synthetic_policies`: names and aliases no English word matches),
    as an index of many real policies would be; questions naming a seed company still route to it.

    Each section takes a seed section's heading, and its passages 2-6 of that seed section's sentences,
    so a passage keeps to one topic as real ones do (random sentences from anywhere would make every
    passage vector an average of unrelated topics, spread evenly over the sphere as no real corpus is).

    Returns (policies, passages, sentence spans (passage row, start, end), passage vectors, sentence vectors);
    see the module docstring.
    """
    import numpy as np

    sentences, sentence_rows, topics = _seed_sentences(seed)
    policies, passages, spans, picks, lengths = _recombine(seed, sentences, topics, size, rng, companies)
    clean = seed.sentence_vectors.reconstruct_batch(np.array(sentence_rows, dtype=np.int64))
    sentence_vectors = np.empty((len(picks), clean.shape[1]), dtype=np.float32)
    passage_vectors = np.empty((size, clean.shape[1]), dtype=np.float32)
    starts = np.concatenate([[0], np.cumsum(lengths)[:-1]])
    for first in range(0, size, BLOCK_ROWS):
        last = min(first + BLOCK_ROWS, size)
        lo, hi = int(starts[first]), int(starts[last] if last < size else len(picks))
        block = clean[picks[lo:hi]]
        passage_vectors[first:last] = _noisy(np.add.reduceat(block, starts[first:last] - lo, axis=0), rng)
        sentence_vectors[lo:hi] = _noisy(block, rng)
    return policies, passages, spans, passage_vectors, sentence_vectors


def _seed_sentences(seed) -> tuple[list[str], list[int], dict[str, list[int]]]:
    """The seed index's distinct sentences, the sentence row of each, and each seed section's sentences."""
    sentence_of: dict[str, int] = {}
    sentence_rows: list[int] = []
    topics: dict[str, list[int]] = {}  # seed section -> its sentences: a passage stays on one topic
    for sentence_row, (row, start, end) in enumerate(seed.sentences.tolist()):
        passage = seed.passages[row]
        text = seed.policies[passage.policy].text[start:end]
        if text not in sentence_of:
            sentence_of[text] = len(sentence_rows)
            sentence_rows.append(sentence_row)
            topics.setdefault(passage.section or "Policy", []).append(sentence_of[text])
    return list(sentence_of), sentence_rows, topics


def _recombine(seed, sentences: list[str], topics: dict[str, list[int]], size: int, rng: np.random.Generator,
               companies: int = 0):
    """The synthetic policies, passages and sentence spans (passage row, start, end); the seed sentence
    picked for each span, in span order, and how many each passage took."""
    import numpy as np

    from qa.ingest.chunking import passage_id
    from qa.types import Passage, Policy

    sections = sorted(topics)
    topic_ids = {section: np.array(ids, dtype=np.int64) for section, ids in topics.items()}
    from qa.bench.routing import synthetic_policies

    templates = dict(seed.policies)
    if companies > len(templates):
        made_up = synthetic_policies(companies - len(templates))
        templates.update({pid: p for pid, p in made_up.items() if pid not in templates})
    policy_ids = sorted(templates)
    counts = [size // len(policy_ids) + (1 if i < size % len(policy_ids) else 0) for i in range(len(policy_ids))]
    low, high = SENTENCES_PER_PASSAGE
    wanted = rng.integers(low, high + 1, size)
    lengths = np.zeros(size, dtype=np.int64)
    picks: list[np.ndarray] = []
    policies: dict[str, Policy] = {}
    passages: list[Passage] = []
    spans: list[tuple[int, int, int]] = []
    for policy_id, count in zip(policy_ids, counts):
        parts: list[str] = []
        offset = 0
        headings = []
        section = sections[0]
        for i in range(count):
            row = len(passages)
            if i % PASSAGES_PER_SECTION == 0:
                section = sections[int(rng.integers(len(sections)))]
                headings.append((offset, section))
                parts.append(section + "\n\n")
                offset += len(section) + 2
            pool = topic_ids[section]
            chosen_ids = rng.choice(pool, size=min(int(wanted[row]), len(pool)), replace=False)
            picks.append(chosen_ids)
            lengths[row] = len(chosen_ids)
            chosen = [sentences[j] for j in chosen_ids.tolist()]
            text = " ".join(chosen)
            position = offset
            for sentence in chosen:
                spans.append((row, position, position + len(sentence)))
                position += len(sentence) + 1
            passages.append(Passage(id=passage_id(policy_id, f"{row}\0{text}"), policy=policy_id,
                                    section=section, start=offset, end=offset + len(text), text=text))
            parts.append(text + "\n\n")
            offset += len(text) + 2
        policies[policy_id] = replace(templates[policy_id], text="".join(parts),
                                      source=f"{policy_id}-synthetic.txt", sha256="synthetic",
                                      headings=tuple(headings))
    return policies, passages, np.array(spans, dtype=np.int64), np.concatenate(picks), lengths


def _noisy(matrix: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """`matrix`'s rows normalised, plus Gaussian noise of length VECTOR_NOISE, renormalised (in place)."""
    import numpy as np

    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    noise = rng.standard_normal(matrix.shape, dtype=np.float32)
    noise *= VECTOR_NOISE / np.linalg.norm(noise, axis=1, keepdims=True)
    matrix += noise
    matrix /= np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix

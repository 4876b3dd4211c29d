"""Passages behind an answer: read by row number, the one holding a sentence, and their quotes (kept).

Shared by the answer path (`qa.search.answer`) and the checks it makes on a decided row.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Iterator, Sequence
from dataclasses import replace

import numpy as np

from qa.search.quotes import build_quotes
from qa.types import Hit, Quote


def rows_of(passages, rows: np.ndarray, chunk: int = 64) -> Iterator:
    """The passages of `rows`, in order, read `chunk` at a time (a store reads each chunk in one query)."""
    fetch = getattr(passages, "fetch", None)
    for start in range(0, len(rows), chunk):
        part = rows[start:start + chunk]
        yield from fetch(part) if fetch is not None else (passages[int(r)] for r in part)


_QUOTED: OrderedDict[tuple, tuple[Quote, ...]] = OrderedDict()
QUOTES_KEPT = 20_000  # quotes made are kept: a question over many policies quotes the same sentences again


def quotes_of(engine, policy_id: str, hit: Hit) -> tuple[Quote, ...]:
    """The quotes of `hit`'s marked sentences, whole and with their qualifiers (`qa.search.quotes`); kept per
    policy version (its sha256), passage and sentences."""
    policy = engine.policies[policy_id]
    key = (policy_id, getattr(policy, "sha256", ""), len(policy.text), hit.name, hit.section, hit.start, hit.end,
           tuple(hit.highlights))
    found = _QUOTED.get(key)
    if found is None:
        found = _QUOTED[key] = build_quotes(policy, hit, hit.highlights)
        if len(_QUOTED) > QUOTES_KEPT:
            _QUOTED.popitem(last=False)
    return found


def hit_holding(engine, policy_id: str, hits: Sequence[Hit], sentence: tuple[int, int], confidence: float,
                 reranked: bool) -> Hit:
    """The passage holding `sentence` with that sentence marked: one of `hits` if it is there, else read
    from the index (a sentence the practice model found outside the retrieved passages), ranked at the
    row's `confidence`: its probability when `reranked` (it has no retrieval score then), else its score."""
    for hit in hits:
        if hit.start <= sentence[0] and sentence[1] <= hit.end:
            return replace(hit, highlights=(sentence,))
    rows = engine.scorer.scope([policy_id])
    for passage in rows_of(engine.index.passages, rows if rows is not None else np.zeros(0, dtype=np.int64)):
        if passage.start <= sentence[0] and sentence[1] <= passage.end:
            return Hit(policy=policy_id, name=engine.policies[policy_id].name, section=passage.section,
                       start=passage.start, end=passage.end, text=passage.text,
                       score=0.0 if reranked else confidence, passage_id=passage.id, highlights=(sentence,),
                       probability=confidence if reranked else None)
    raise LookupError(f"no passage of {policy_id} holds {sentence}")  # sentences are cut from passages

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


def led_by(lead: Hit, hits: Sequence[Hit]) -> list[Hit]:
    """`lead` first, then the other `hits` in their order (the one holding `lead`'s passage left out)."""
    return [lead, *[h for h in hits if h.passage_id != lead.passage_id]]


def hit_holding(engine, policy_id: str, hits: Sequence[Hit], sentence: tuple[int, int], confidence: float,
                 reranked: bool) -> Hit:
    """The passage holding `sentence` with that sentence marked: one of `hits` if it is there, else read
    from the index (a sentence the practice model found outside the retrieved passages), ranked at the
    row's `confidence`: its probability when `reranked` (it has no retrieval score then), else its score."""
    for hit in hits:
        if hit.start <= sentence[0] and sentence[1] <= hit.end:
            return replace(hit, highlights=(sentence,))
    rows = engine.scorer.scope([policy_id])
    rows = rows if rows is not None else np.zeros(0, dtype=np.int64)
    found = _first_holding(engine.index.passages, rows, sentence)
    if found is None:  # passages not in text order (none built here): every one is read
        found = next((p for p in rows_of(engine.index.passages, rows)
                      if p.start <= sentence[0] and sentence[1] <= p.end), None)
    if found is None:
        raise LookupError(f"no passage of {policy_id} holds {sentence}")  # sentences are cut from passages
    return Hit(policy=policy_id, name=engine.policies[policy_id].name, section=found.section, start=found.start,
               end=found.end, text=found.text, score=0.0 if reranked else confidence, passage_id=found.id,
               highlights=(sentence,), probability=confidence if reranked else None)


def _first_holding(passages, rows: np.ndarray, sentence: tuple[int, int]):
    """The first passage of `rows` (one policy's, in text order) that holds `sentence`, found by bisecting
    on where passages end (a few reads, not the policy's thousands); None when it is not found that way."""
    lo, hi = 0, len(rows)
    while lo < hi:  # the first passage ending at or after the sentence's end
        mid = (lo + hi) // 2
        if passages[int(rows[mid])].end < sentence[1]:
            lo = mid + 1
        else:
            hi = mid
    if lo == len(rows):
        return None
    passage = passages[int(rows[lo])]
    earlier = passages[int(rows[lo - 1])] if lo else None
    in_order = earlier is None or (earlier.end < sentence[1] and earlier.start <= passage.start)
    return passage if in_order and passage.start <= sentence[0] and sentence[1] <= passage.end else None

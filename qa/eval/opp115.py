"""The compare grid against OPP-115 expert labels (`policyqa eval --opp115 DIR`), beside a keyword rule.

The policies are the held-out (test) part of `qa.train.opp115.opp115_split`: no model here trains or
calibrates on them. Each becomes one policy text, its segments (tags stripped) joined by a blank line, with
every segment's (start, end) kept so a quoted sentence maps back to the segment it lies in. Gold per policy
and topic is `qa.train.opp115.gold_practices`: stated iff some segment carries a practice mapped to the
topic, and those segments are the evidence; only the topics that mapping covers are compared.

Per cell: right when stated/not stated agrees with the gold. Per stated cell that the gold also states:
evidence when the cell's first quote overlaps a gold segment of that topic. Metrics, overall and per topic:
cell accuracy, balanced accuracy (the mean of the rates on gold-stated and gold-not-stated cells), evidence
rate; each with a 95% interval from a bootstrap by policy.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.eval.datasets import slug
from qa.eval.metrics import RESAMPLES, SEED
from qa.types import Policy

Span = tuple[int, int]

# The keyword rule: a topic is stated iff its word appears (at the start of a word, any case); its quote is
# the segment of the first match. One word (stem) per topic, taken from the topic's label where the label's
# word is the one policies use ("cookie", "child", "retention"), else the verb policies use for it ("sell"
# for "Sale of data", "delet" for "Erasure", "opt out" for "Objecting and marketing opt-out").
KEYWORDS = {
    "data-collected": r"collect", "purposes": r"purpose", "legal-basis": r"legal basis|lawful basis",
    "sharing": r"shar", "sale": r"sell", "international-transfers": r"transfer", "retention": r"retain|retention",
    "security": r"secur", "access": r"access", "erasure": r"delet", "objection-marketing": r"opt[\s-]?out",
    "cookies": r"cookie", "children": r"child", "contact-dpo": r"contact", "complaints": r"complain",
    "policy-changes": r"chang",
}


def data_root(folder: Path) -> Path:
    """The folder `qa.train.opp115` reads (the one holding `opp115/` and `policyqa/`), from either the OPP-115
    folder itself (`../shared/data/opp115`) or its parent."""
    folder = Path(folder)
    if (folder / "sanitized_policies").is_dir():
        return folder.parent
    return folder


@dataclass(frozen=True)
class SegmentedPolicy:
    """An OPP-115 policy as indexed: the Policy, its file stem, and each segment's (start, end) in its text."""

    stem: str
    policy: Policy
    segments: tuple[Span, ...]

    def segment_at(self, start: int, end: int) -> set[int]:
        """Indexes of the segments the span [start, end) overlaps."""
        return {i for i, (s, e) in enumerate(self.segments) if start < e and s < end}


def segmented_policy(stem: str, name: str, segment_texts: Sequence[str]) -> SegmentedPolicy:
    """Join segment texts with a blank line into one policy text, keeping each segment's offsets. The id is
    the slug of the domain, as PolicyQA's loader names the same policy ("1017_sci-news.com" -> sci-news-com)."""
    parts, spans, at = [], [], 0
    for text in segment_texts:
        parts.append(text)
        spans.append((at, at + len(text)))
        at += len(text) + 2
    domain = stem.split("_", 1)[-1]
    return SegmentedPolicy(stem, Policy(id=slug(domain), name=name, text="\n\n".join(parts)), tuple(spans))


@dataclass(frozen=True)
class CellResult:
    """One topic × policy against the gold; `evidence` is None unless both say stated."""

    policy: str
    topic: str
    gold: bool
    stated: bool
    evidence: bool | None

    @property
    def right(self) -> bool:
        return self.gold == self.stated


def judge_cell(policy: SegmentedPolicy, topic: str, gold_segments: Sequence[int], stated: bool,
               quote: Span | None) -> CellResult:
    """A cell judged: `stated` and its first quote's span (None when no quote) against the gold segments."""
    gold = bool(gold_segments)
    evidence = None
    if gold and stated:
        evidence = quote is not None and bool(policy.segment_at(*quote) & set(gold_segments))
    return CellResult(policy.policy.id, topic, gold, stated, evidence)


def keyword_cell(policy: SegmentedPolicy, topic: str, gold_segments: Sequence[int]) -> CellResult:
    """The keyword rule's cell: stated iff the topic's word appears; its quote is the first match's segment."""
    match = re.search(r"\b(?:" + KEYWORDS[topic] + ")", policy.policy.text, re.IGNORECASE)
    quote = policy.segments[min(policy.segment_at(match.start(), match.end()))] if match else None
    return judge_cell(policy, topic, gold_segments, match is not None, quote)


def _weighted(cells: Sequence[CellResult]) -> dict[str, Callable[[np.ndarray], float]]:
    right = np.array([c.right for c in cells], dtype=float)
    gold = np.array([c.gold for c in cells], dtype=float)
    judged = np.array([c.evidence is not None for c in cells], dtype=float)
    evidence = np.array([bool(c.evidence) for c in cells], dtype=float)

    def ratio(top: np.ndarray, bottom: np.ndarray, w: np.ndarray) -> float:
        total = float(w @ bottom)
        return float(w @ top) / total if total else float("nan")

    def balanced(w: np.ndarray) -> float:
        rates = [ratio(right * gold, gold, w), ratio(right * (1 - gold), 1 - gold, w)]
        rates = [r for r in rates if not np.isnan(r)]
        return float(np.mean(rates)) if rates else float("nan")

    return {"cell_accuracy": lambda w: ratio(right, np.ones_like(right), w),
            "balanced_accuracy": balanced,
            "evidence_rate": lambda w: ratio(evidence * judged, judged, w)}


def scores(cells: Sequence[CellResult], resamples: int = RESAMPLES, seed: int = SEED) -> dict:
    """Cell accuracy, balanced accuracy and evidence rate of `cells`, each {"value", "ci95"}, and the counts.

    The interval resamples policies with replacement (`resamples` times, fixed `seed`), every cell of a drawn
    policy counting as often as it is drawn. A rate with no cell to judge is None.
    """
    policies = sorted({c.policy for c in cells})
    at = np.array([policies.index(c.policy) for c in cells])
    statistics = _weighted(cells)
    rng = np.random.default_rng(seed)
    n = len(policies)
    draws = [np.bincount(rng.integers(0, n, n), minlength=n)[at].astype(float)
             for _ in range(resamples)] if cells else []
    out: dict = {"cells": len(cells), "gold_stated": sum(c.gold for c in cells),
                 "evidence_judged": sum(c.evidence is not None for c in cells)}
    for name, statistic in statistics.items():
        value = statistic(np.ones(len(cells))) if cells else float("nan")
        sampled = np.array([statistic(w) for w in draws])
        sampled = sampled[~np.isnan(sampled)]
        interval = [float(x) for x in np.percentile(sampled, [2.5, 97.5])] if len(sampled) else None
        out[name] = {"value": None if np.isnan(value) else value, "ci95": interval}
    return out


def by_topic(cells: Sequence[CellResult], topics: Sequence[str]) -> dict[str, dict]:
    """`scores` overall ("all") and for each topic in `topics` order."""
    out = {"all": scores(cells)}
    for topic in topics:
        out[topic] = scores([c for c in cells if c.topic == topic])
    return out

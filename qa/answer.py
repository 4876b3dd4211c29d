"""From retrieved passages to an answer: per policy, the answering sentences quoted, or "not stated".

A question that names a company (by display name or alias) is routed to that company's policy; one that
names none is asked of every policy, and the answer has one row per policy. A policy whose best passage
does not clear the abstention threshold is marked `abstained`: it does not appear to address the question,
and its closest passage is kept only as a labelled nearest match.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass
from typing import Sequence

from qa.policies import Policy
from qa.retrieval import Hit

# Calibrated on the golden set (evals/abstention_curve.py, default int8 ONNX backend): below 0.49 12% of
# the unanswerable questions abstain and 4% of the answerable ones; see evals/README.md. PyTorch's
# vectors put the same trade-off at 0.475.
DEFAULT_ABSTAIN_BELOW = 0.49


@dataclass(frozen=True)
class Quote:
    """One answering sentence, verbatim; `start`/`end` are character offsets into the policy text."""

    policy: str
    name: str
    section: str
    start: int
    end: int
    text: str


@dataclass(frozen=True)
class PolicyAnswer:
    """What one policy says about the question.

    `quotes` is the short extractive answer (empty when abstained); `hits` are the passages behind it,
    best first, each with `highlights`; when abstained, `hits` holds the nearest match only.
    """

    policy: str
    name: str
    abstained: bool
    score: float
    quotes: tuple[Quote, ...] = ()
    hits: tuple[Hit, ...] = ()


@dataclass(frozen=True)
class Answer:
    """The answer to one question: one row per policy asked, answered rows first."""

    question: str
    rows: tuple[PolicyAnswer, ...]
    scope: tuple[str, ...]  # policy ids searched
    routed: tuple[str, ...] = ()  # policies named in the question (empty: not routed by name)
    latency_ms: float = 0.0

    @property
    def abstained(self) -> bool:
        return all(row.abstained for row in self.rows)

    @property
    def answered(self) -> tuple[PolicyAnswer, ...]:
        return tuple(row for row in self.rows if not row.abstained)

    def hits(self) -> list[Hit]:
        """Every passage shown, best first across policies."""
        return sorted((h for row in self.rows for h in row.hits), key=lambda h: -h.score)


def _alias_pattern(alias: str) -> re.Pattern:
    # Whole words only, case-sensitive for short upper-case aliases ("CI" must not match "circumstances").
    flags = 0 if (alias.isupper() and len(alias) <= 4) else re.IGNORECASE
    return re.compile(rf"(?<![\w/]){re.escape(alias)}(?![\w])", flags)


def named_policies(question: str, policies: dict[str, Policy]) -> list[str]:
    """Ids of the policies the question names by display name, alias or id, in policy order."""
    named = []
    for policy in policies.values():
        names = {policy.name, policy.id, *policy.aliases}
        if any(_alias_pattern(n).search(question) for n in names if n):
            named.append(policy.id)
    return named


def build_answer(engine, question: str, k: int = 5, policies: Sequence[str] | None = None,
                 retriever: str | None = None, abstain_below: float = DEFAULT_ABSTAIN_BELOW) -> Answer:
    """Answer `question` from `engine`'s index (see the module docstring for routing and abstention).

    Each policy in scope is searched on its own, so every company gets its best evidence even when
    another company's policy dominates the overall ranking.
    """
    started = time.perf_counter()
    routed: list[str] = []
    if policies is None:
        routed = named_policies(question, engine.policies)
    scope = list(policies) if policies is not None else (routed or list(engine.policies))
    per_policy_k = k if len(scope) == 1 else max(1, min(k, 3))
    rows = []
    for policy_id in scope:
        kwargs = {"retriever": retriever} if retriever else {}
        hits = engine.search(question, k=per_policy_k, policies=[policy_id], **kwargs)
        name = engine.policies[policy_id].name
        if not hits:
            rows.append(PolicyAnswer(policy=policy_id, name=name, abstained=True, score=0.0))
            continue
        confidence = max(h.similarity for h in hits)
        if confidence < abstain_below:
            rows.append(PolicyAnswer(policy=policy_id, name=name, abstained=True, score=confidence, hits=hits[:1]))
            continue
        top = hits[0]
        text = engine.policies[policy_id].text
        quotes = tuple(Quote(policy=policy_id, name=name, section=top.section, start=s, end=e, text=text[s:e])
                       for s, e in top.highlights)
        rows.append(PolicyAnswer(policy=policy_id, name=name, abstained=False, score=confidence, quotes=quotes,
                                 hits=tuple(hits)))
    rows.sort(key=lambda r: (r.abstained, -r.score))
    return Answer(question=question, rows=tuple(rows), scope=tuple(scope), routed=tuple(routed),
                  latency_ms=(time.perf_counter() - started) * 1000)

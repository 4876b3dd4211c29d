"""From retrieved passages to an answer: per policy, the answering sentences quoted, or "not stated".

A question that names a company (by display name or alias) is routed to that company's policy; one that
names none is asked of every policy, and the answer has one row per policy. A policy whose best passage
does not clear the abstention threshold is marked `abstained`: it does not appear to address the question,
and its closest passage is kept only as a labelled nearest match.
"""

from __future__ import annotations

import re
import time
from dataclasses import dataclass, field, replace
from typing import Sequence

from qa.highlight import Span, pick_highlights, score_sentences, split_sentences
from qa.policies import Policy
from qa.retrieval import Hit

# Calibrated on the golden set's unanswerable questions: see evals/README.md.
DEFAULT_ABSTAIN_BELOW = 0.30


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


def highlight_hit(hit: Hit, question: str, embedder, max_count: int = 2) -> tuple[Hit, list[float]]:
    """`hit` with its answering sentences marked, and the score of every sentence."""
    spans = split_sentences(hit.text, offset=hit.start)
    sentences = [hit.text[s - hit.start:e - hit.start] for s, e in spans]
    scores = score_sentences(embedder, question, sentences)
    return replace(hit, highlights=tuple(pick_highlights(spans, scores, max_count=max_count))), list(scores)


def build_answer(engine, question: str, k: int = 5, policies: Sequence[str] | None = None,
                 retriever: str | None = None, abstain_below: float = DEFAULT_ABSTAIN_BELOW) -> Answer:
    """Answer `question` from `engine`'s index (see the module docstring for routing and abstention)."""
    started = time.perf_counter()
    routed: list[str] = []
    if policies is None:
        routed = named_policies(question, engine.policies)
    scope = list(policies) if policies is not None else (routed or list(engine.policies))
    search = engine.search if retriever is None else (lambda *a, **kw: engine.search(*a, retriever=retriever, **kw))
    per_policy_k = k if len(scope) == 1 else max(2, k // 2)
    hits = search(question, k=max(k, per_policy_k * len(scope)), policies=scope)
    grouped: dict[str, list[Hit]] = {}
    for hit in hits:
        grouped.setdefault(hit.policy, []).append(hit)
    rows = []
    for policy_id in scope:
        policy_hits = grouped.get(policy_id, [])[:per_policy_k]
        name = engine.policies[policy_id].name
        if not policy_hits:
            rows.append(PolicyAnswer(policy=policy_id, name=name, abstained=True, score=0.0))
            continue
        best = policy_hits[0].score
        if best < abstain_below:
            nearest, _ = highlight_hit(policy_hits[0], question, engine.embedder, max_count=1)
            rows.append(PolicyAnswer(policy=policy_id, name=name, abstained=True, score=best, hits=(nearest,)))
            continue
        marked = [highlight_hit(h, question, engine.embedder)[0] for h in policy_hits]
        top = marked[0]
        text = engine.policies[policy_id].text
        quotes = tuple(Quote(policy=policy_id, name=name, section=top.section, start=s, end=e, text=text[s:e])
                       for s, e in top.highlights)
        rows.append(PolicyAnswer(policy=policy_id, name=name, abstained=False, score=best, quotes=quotes,
                                 hits=tuple(marked)))
    rows.sort(key=lambda r: (r.abstained, -r.score))
    return Answer(question=question, rows=tuple(rows), scope=tuple(scope), routed=tuple(routed),
                  latency_ms=(time.perf_counter() - started) * 1000)


def spans_text(text: str, spans: Sequence[Span]) -> list[str]:
    return [text[s:e] for s, e in spans]

"""What an answer is: one `PolicyAnswer` per policy asked, gathered in an `Answer` (`qa.search.answer` makes
them; `policyqa ask --json` prints `Answer.to_dict`)."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from qa.search.verdict import NOT_STATED, NOT_STATED_LABEL, OPEN
from qa.types import Hit, Quote


@dataclass(frozen=True)
class PolicyAnswer:
    """What one policy says about the question.

    `quotes` is the short extractive answer (empty when abstained); `hits` are the passages behind it,
    best first, each with `highlights`; when abstained, `hits` holds the nearest match only.
    `confidence` is the probability (0-1) that the best passage answers the question (with a reranker;
    without one, the dense similarity); `score` is the same number, kept for older callers.
    """

    policy: str
    name: str
    abstained: bool
    score: float
    quotes: tuple[Quote, ...] = ()
    hits: tuple[Hit, ...] = ()
    confidence: float = 0.0
    ranked: tuple[Hit, ...] = field(default=(), repr=False)  # every candidate, best first (for evaluation)
    # What the row amounts to (`qa.search.verdict`): "yes" / "no" / "not_stated" for a yes-no question,
    # "stated" / "not_stated" for an open one, decided by `quotes[0]`; and the confidence label a user sees.
    verdict: str = NOT_STATED
    label: str = NOT_STATED_LABEL


@dataclass(frozen=True)
class Answer:
    """The answer to one question: one row per policy asked, answered rows first."""

    question: str
    rows: tuple[PolicyAnswer, ...]
    scope: tuple[str, ...]  # policy ids searched
    routed: tuple[str, ...] = ()  # policies named in the (interpreted) question
    latency_ms: float = 0.0
    interpreted_as: str = ""  # the question resolved against earlier turns ("" means: as asked)
    not_indexed: tuple[str, ...] = ()  # organisations the question is about that have no policy here
    corrections: tuple[tuple[str, str], ...] = ()  # (as typed, policy id) for names matched fuzzily
    mentions: tuple[Hit, ...] = ()  # passages that mention a not-indexed organisation: never the answer
    reranker: str = ""  # the reranker that ordered the passages ("" when none)
    threshold: float = 0.0  # the confidence below which a policy is "not stated"
    kind: str = OPEN  # YES_NO or OPEN (`qa.search.verdict.question_kind`)
    topics: tuple[str, ...] = ()  # the privacy practices the question asks about (the practice model's ids)

    def __post_init__(self) -> None:
        if not self.interpreted_as:
            object.__setattr__(self, "interpreted_as", self.question)

    @property
    def abstained(self) -> bool:
        return all(row.abstained for row in self.rows)

    @property
    def answered(self) -> tuple[PolicyAnswer, ...]:
        return tuple(row for row in self.rows if not row.abstained)

    def ranking(self, include_abstained: bool = False) -> list[Hit]:
        """The passages as the answer presents them: each answering policy's best passage first (in
        confidence order), then their other passages by `Hit.rank_score`. A "not stated" row contributes nothing
        unless `include_abstained` (retrieval-only evaluation)."""
        rows = [r for r in self.rows if include_abstained or not r.abstained]
        rows.sort(key=lambda r: (r.abstained, -r.confidence))
        passages = [r.ranked or r.hits for r in rows] if include_abstained else [r.hits for r in rows]
        leaders = [hits[0] for hits in passages if hits]
        rest = sorted((h for hits in passages for h in hits[1:]), key=lambda h: -h.rank_score)
        return leaders + rest

    @property
    def unchecked(self) -> int:
        """Policies searched that have no row: a question over many policies answers the strongest
        DECIDED_POLICIES (`qa.search.answer`), and without a practice to check for, the others are not decided."""
        return len(self.scope) - len(self.rows)

    def summary(self) -> dict[str, list[str]]:
        """Policy names by verdict, in row order: {"no": [...], "not_stated": [...], "yes": [...], ...};
        only verdicts some row has."""
        out: dict[str, list[str]] = {}
        for row in self.rows:
            out.setdefault(row.verdict, []).append(row.name)
        return out

    def to_dict(self) -> dict:
        """The JSON form (`policyqa ask --json`): every quote with its offsets into its policy's text."""
        return {
            "question": self.question,
            "interpreted_as": self.interpreted_as,
            "abstained": self.abstained,
            "scope": list(self.scope),
            "routed": list(self.routed),
            "not_indexed": list(self.not_indexed),
            "corrections": [{"typed": t, "policy": p} for t, p in self.corrections],
            "reranker": self.reranker or None,
            "threshold": round(self.threshold, 4),
            "kind": self.kind,
            "topics": list(self.topics),
            "summary": self.summary(),
            "unchecked": self.unchecked,
            "answers": [{
                "policy": row.policy, "name": row.name, "abstained": row.abstained,
                "verdict": row.verdict, "label": row.label,
                "confidence": round(row.confidence, 4),
                "quotes": [asdict(q) for q in row.quotes],
                "passages": [h.to_dict() for h in row.hits],
            } for row in self.rows],
            "mentions": [h.to_dict() for h in self.mentions],
            "latency_ms": round(self.latency_ms, 2),
        }

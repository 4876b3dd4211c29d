"""What a question asks (`asked_of`): the practices it is about, each with the probability at which a sentence states
it, the details it asks for, and (filled in by `qa.search.answer`) what it names; and whether a policy never writes a
name or specific thing asked (`unsaid`). Moved out of `qa.search.answer`, which reads them per policy."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field

import numpy as np

from qa.errors import QueryError
from qa.search.asked_names import PLACES, unwritten
from qa.search.cues import SHARES, cued_topics, reason_guard
from qa.search.details import demanded
from qa.search.evidence import question_guard
from qa.search.marking import both
from qa.search.rereading import GOING_OUT
from qa.search.specific import unmentioned
from qa.search.verdict import keeps_only_here

QUESTION_TOPICS = 2  # at most this many practices are read from one question
# Practices nearly every question touches ("collect", "share", "use"): named beside a specific one, they
# are left out, so "Do they collect data about children?" is decided by what the policy says of children.
GENERIC_TOPICS = frozenset({"data-collected", "purposes", "sharing"})
# A grid cell guarded by its topic's evidence words may rest on a sentence the practice model gives 0.8 of
# its threshold: chosen on the seed policies' compare gold (evals/compare_gold.jsonl, cell accuracy 0.850 ->
# 0.875, wrongly "not stated" 9.5% -> 4.8%; 0.6 and 0.4 measured no better), never on held-out data.
EVIDENCE_RELAX = 0.8


AUTO = "auto"  # `practice=AUTO`: decide by the practices the question asks about, and by nothing else


@dataclass(frozen=True)
class Asked:
    """The practices a question asks about: {topic index: the probability at which a sentence states it}.
    `only`: they alone decide (the grid); else a policy must also hold a passage that answers."""

    thresholds: dict[int, float] = field(default_factory=dict)
    topics: tuple[str, ...] = ()
    only: bool = False
    query: np.ndarray | None = None
    accepts: Callable[[str], bool] | None = None  # what the deciding sentence must pass (see answer_question)
    demands: tuple[re.Pattern, ...] = ()  # details a user's question asks for (`details.demanded`; never a grid's)
    # a user's question: what it names ("CCTV"), the specific things it asks about, the test of a sentence writing them
    names: tuple[str, ...] = ()
    specific: tuple[re.Pattern, ...] = ()
    named: Callable[[str], bool] | None = None
    kept: tuple[str, ...] = ()  # the words for what a user's question says is kept ("my support requests")
    how: bool = False  # it asks how to do something ("How would I go about asking…?": `readings.asks_how`)
    judged: bool = False  # it asks for a judgement no policy states ("Which company is best for privacy?")
    # across several policies, a test that a sentence states what is asked in the practice's own words
    # (`practice_words.in_own_words`)
    own_words: Callable[[str], bool] | None = None
    stating: Mapping[str, re.Pattern] | None = None  # words that state a practice for this question alone
    how_long: bool = False  # it asks how long (for what is kept: "Which … say how long they keep enquiry data…?")
    after_ending: bool = False  # it asks what is kept after an account or service ends (`marking.asks_after_ending`)
    kinds: bool = False  # an open question asking which kinds of data ("What info do their cookies remember?")
    personal: bool = False  # a user's question about data that identifies them (not "aggregated data")
    denied: Asked | None = None  # without the names asked only as a sale's buyer (`asked_names.sold_to`)


def practices_asked(engine, question: str) -> tuple[str, ...]:
    """The practice model's topic ids `question` asks about, most likely first; () without a model."""
    return asked_of(engine, question.strip(), AUTO).topics if engine.practice is not None else ()


def asked_of(engine, question: str, practice: str | None, accepts: Callable[[str], bool] | None = None) -> Asked:
    """Which practices `question` asks about, by the practice model (none without one), each with the
    probability at which a sentence states it (lower when `accepts` also guards the deciding sentence)."""
    model = engine.practice
    if model is None:
        return Asked(only=practice is not None, accepts=accepts,
                      demands=demanded(question) if practice is None else ())
    query, passing = engine.scorer.embed(question), False
    if practice is not None and practice != AUTO:
        if practice not in model.topics:
            raise QueryError(f"unknown practice {practice!r} (known: {', '.join(model.topics)})")
        chosen = [model.topics.index(practice)]
    else:
        probabilities = model.question_topics(query[0])
        order = np.argsort(-probabilities)[:QUESTION_TOPICS]
        named = cued_topics(question, model.topics)
        specific = [t for t in named if t not in GENERIC_TOPICS]  # "collect data about children": children
        if "cookies" in specific and "sharing" in named and SHARES.search(question):  # "…share individual users'
            specific, passing = ["sharing"], True  # analytics data with third parties?": a sentence sharing it
        cued = [model.topics.index(t) for t in (specific or named)]
        read = [int(i) for i in order if probabilities[i] >= model.question_threshold]
        chosen = list(dict.fromkeys(cued or read))[:QUESTION_TOPICS]
    scale = EVIDENCE_RELAX if practice is not None and accepts is not None else 1.0
    topics = tuple(model.topics[i] for i in chosen)  # a user's question on marketing: no cookie opt-out answers
    guard = accepts if practice is not None else question_guard(question, topics)
    reason = reason_guard(question) if practice is None else None  # "why…?": a sentence giving a reason
    guard = both(guard, reason) if reason is not None else guard
    guard = both(guard, lambda sentence: re.search(GOING_OUT, sentence, re.I) is not None) if passing else guard
    return Asked({i: scale * float(model.thresholds[i]) for i in chosen}, topics, practice is not None, query, guard,
                  demanded(question) if practice is None else ())


def unsaid(asked: Asked, text: str) -> bool:
    """Whether `text` never writes a name or specific thing asked: then it does not say (`unwritten`, `unmentioned`);
    nor does any policy say which company is best (`Asked.judged`)."""
    if asked.judged:
        return True
    # "…servers in America?" of a policy holding "the data … in the UK only": it answers for every place (the whole
    # text is read for that only when a place is asked: a question over many policies reads each of them)
    others = [n for n in asked.names if n.lower() not in PLACES]
    names = others if len(others) < len(asked.names) and keeps_only_here(text) else asked.names
    return bool(unwritten(names, text)) or unmentioned(asked.specific, text)


# A judgement between companies ("Which company is best for privacy?", "which one should I trust?"): no policy states it
# of itself, and a sentence on the topic is no "yes"
_JUDGEMENT = re.compile(
    r"^\W*(?:so\s+|and\s+|ok\s+)?(?:which|what|who)\b[^?]{0,60}?\b(?:is|are|’s|'s|would\s+be|seems?)\s+(?:the\s+)?"
    r"(?:best|worst|safest|most\s+(?:private|secure|trustworthy|transparent|privacy[- ]friendly)|"
    r"least\s+(?:private|secure|trustworthy|invasive))\b|"
    r"^\W*(?:so\s+)?(?:which|what)\s+(?:company|one|firm|provider)\s+should\s+(?:i|we)\s+(?:choose|pick|use|go\s+with|"
    r"trust)\b", re.IGNORECASE)


def asks_judgement(question: str) -> bool:
    """Whether `question` asks which company is best, worst or most something (`_JUDGEMENT`)."""
    return _JUDGEMENT.search(question) is not None

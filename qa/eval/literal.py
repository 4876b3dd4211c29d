"""Literal answers (issue 22, item 3): does the reranker keep a passage that says the question's own words?

A question's key terms are its content words: the words left after stop words, question words, words
every privacy question shares ("data", "personal", "information") and the names of the companies in the
index ("Does 23Technology sell my data?" -> sell; "Does Core Office use Google Analytics?" -> use, google,
analytics). A passage is a *literal answer* when it holds the gold answer (`is_relevant`) and every key
term, each matched at the start of a word ("sell" matches "sells", "selling"). A question counts when the
first stage (reranker off) ranks a literal answer first; it is *kept* at n when the answer path with the
reranker still shows a literal answer in its top n.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from qa.eval.datasets import Evidence, is_relevant
from qa.types import Hit

STOP_WORDS = frozenset("""
a about above after again against all also am an and any are aren't as at be because been before being below
between both but by can can't cannot could couldn't did didn't do does doesn't doing don't down during each
either else ever every few for from further get gets getting got had hadn't has hasn't have haven't having he
her here hers herself him himself his how i if in into is isn't it it's its itself just let like may me might
more most much must my myself no nor not now of off on once one only or other ought our ours ourselves out
over own really same she should shouldn't so some such than that that's the their theirs them themselves
then there these they they'll they're this those through to too under until up upon us very was wasn't we
we're were weren't what when where which while who whom whose why will with won't would wouldn't you you're
your yours yourself yourselves s t ok okay please tell say says said actually anything everything something
anyone someone thing things stuff ask asked
data information info personal details detail company companies policy privacy firm firms business
""".split())

_WORD = re.compile(r"[a-z0-9]+(?:'[a-z]+)?")


def key_terms(question: str, names: Iterable[str] = ()) -> tuple[str, ...]:
    """The question's content words, lower case, in order, without repeats: not stop words, not words of
    `names` (company names and aliases), and not single characters."""
    named = {w for name in names for w in _WORD.findall(name.lower())}
    terms: list[str] = []
    for word in _WORD.findall(question.lower()):
        if len(word) > 1 and word not in STOP_WORDS and word not in named and word not in terms:
            terms.append(word)
    return tuple(terms)


def _stem(term: str) -> str:
    """"recordings" -> "recording", "companies" stays: a plural's s dropped so the prefix finds "recorded"'s kin."""
    return term[:-1] if len(term) > 3 and term.endswith("s") and not term.endswith("ss") else term


def holds_terms(text: str, terms: Sequence[str]) -> bool:
    """Whether `text` has every term at the start of a word (case ignored); False without terms."""
    lowered = text.lower()
    return bool(terms) and all(re.search(r"\b" + re.escape(_stem(t)), lowered) for t in terms)


def is_literal(hit: Hit, evidence: Sequence[Evidence], terms: Sequence[str]) -> bool:
    """A passage that holds the gold answer and every key term."""
    return any(is_relevant(hit.policy, hit.start, hit.end, e) for e in evidence) and holds_terms(hit.text, terms)


@dataclass(frozen=True)
class LiteralCase:
    """One question whose first stage ranked a literal answer first, and whether the answer path kept one."""

    qid: str
    cluster: str  # the bootstrap cluster (the question's policy)
    kept_at: int | None  # 1-based rank of the first literal answer the answer path shows; None when lost


def literal_case(qid: str, cluster: str, first_stage: Sequence[Hit], shown: Sequence[Hit],
                 evidence: Sequence[Evidence], terms: Sequence[str]) -> LiteralCase | None:
    """A LiteralCase when `first_stage[0]` is a literal answer, else None (the question does not count)."""
    if not first_stage or not is_literal(first_stage[0], evidence, terms):
        return None
    rank = next((i for i, hit in enumerate(shown, start=1) if is_literal(hit, evidence, terms)), None)
    return LiteralCase(qid, cluster, rank)

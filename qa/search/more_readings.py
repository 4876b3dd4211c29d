"""More of how a question's own wording reads the sentence that decides it (`qa.search.readings` holds the rest):
a "no" whose only negation the question shares ("…definitions I submitted that never got published?" beside "We
collect: definitions that are submitted, but not published"), tells others not to act ("…websites not to sell"),
or denies that something stops when the question asks whether it goes on ("…will I still see ads?" beside "rejecting
cookies does not eliminate advertisements"), and a question asking for an absence ("Is the app ad-free?")."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.search.negation import denies_only
from qa.search.verdict import NO, OPEN, YES, YES_NO

# A sentence denying the user something, for a question about what the user can do (`readings.asked_verdict`)
DENIES_USER = re.compile(r"\b(?:you|customers?|users?|individuals?|we)\s+(?:cannot|can't|can\s+not|may\s+not|"
                         r"are\s+not\s+(?:able|entitled|permitted|allowed)|(?:will|may|might)\s+(?:not|no\s+longer)\s+be\s+able|"
                         r"(?:will|do|does)\s+not\s+(?:accept|allow|permit|offer)|have\s+no\s+(?:right|access|option|choice)|"
                         r"(?:will\s+not|won['’]t)\s+(?:see|know|receive|get|access)\b|"  # ("You won't see ratings")
                         r"(?:will\s+not|won't|do\s+not|don't)\s+have\s+(?:any\s+|an?\s+|the\s+)?(?:access|option|choice))\b"
                         r"(?!\s+(?:guarantee|promise|ensure|warrant))|"  # ("…but we cannot guarantee that…")
                         r"\bnot\s+(?:always\s+|presently\s+|currently\s+)?(?:be\s+)?possible\b|\bunable\s+to\b|\bno\s+right\b|"
                         # ("…cannot be turned off", "Dedications to the Public Domain may not be revoked")
                         r"\b(?:cannot|can't|can’t|can\s+not|may\s+not)\s+be\s+(?:\w+\s+)?\w+(?:ed|en)\b",
                         re.IGNORECASE)

# A negation and the word it governs, past up to two short or long words ("not published", "never got published")
_NEGATED = re.compile(r"\b(?:not|never|no)\s+(?:\w+\s+){0,2}?([a-z]{4,})|n['’]t\s+(?:\w+\s+){0,2}?([a-z]{4,})",
                      re.IGNORECASE)
# Telling others not to act ("…notify websites not to sell or share information about your browsing")
_TELLS_NOT_TO = re.compile(r"\b(?:notif\w*|signal\w*|tell\w*|instruct\w*|ask\w*|request\w*)\s+(?:(?:the\s+)?websites?|"
                           r"sites|businesses|companies|services|them|others|third\s+parties)\s+(?:to\s+)?not\s+"
                           r"(?:to\s+)?\w+(?:\s+or\s+\w+)?", re.IGNORECASE)
# A question whether something goes on, and a denial that something ends it ("…does not eliminate advertisements")
_ASKS_STILL = re.compile(r"\bstill\b", re.IGNORECASE)
_NOT_ENDED = re.compile(r"\b(?:not|never)\s+(?:\w+\s+)?(?:eliminat|stop|end|remov|prevent|block|disabl)\w*"
                        r"(?:\s+(?:all|any|the))?\s+(?:\w+\s+){0,2}?", re.IGNORECASE)
# A question asking for an absence ("Is the app ad-free?", "…without ads?"), and a sentence denying that thing
_ASKS_NO_ADS = re.compile(r"\bad[- ]?free\b|\b(?:without|no)\s+(?:any\s+)?(?:ads|adverts?|advertisements?|"
                          r"advertising)\b", re.IGNORECASE)
_DENIES_ADS = re.compile(r"\b(?:not|no|never|without)\s+(?:\w+\s+){0,3}?(?:ads|adverts?|advertisements?|"
                         r"advertising)\b", re.IGNORECASE)


def _stem(word: str) -> str:
    return word.lower()[:5]


# A name holding a negation ("If I have Do Not Track turned on, does Hugging Face still track me?")
_NAMED_NEGATION = re.compile(r"\bdo[- ]not[- ](?:track|call|sell|share)\b", re.IGNORECASE)


def _negated_words(text: str) -> set[str]:
    return {_stem(a or b) for a, b in _NEGATED.findall(_NAMED_NEGATION.sub(" ", text))}


def shares_negation(question: str, sentence: str) -> bool:
    """Whether every word `sentence` negates the question negates too ("…never got published?" and "…but not
    published"): its negation describes the thing asked, no denial of it."""
    said = _negated_words(sentence)
    return bool(said) and said <= _negated_words(question)


def more_asked_verdict(question: str, verdict: str, sentence: str) -> str:
    """`verdict` as the question's wording reads the deciding `sentence`, for a "yes" or "no":
    - a NO whose only negation the question shares (`shares_negation`) is a YES;
    - a NO whose only negation tells others not to act (`_TELLS_NOT_TO`) is a YES;
    - whether something goes on (`_ASKS_STILL`): a NO whose only negation denies that something ends it is a YES;
    - whether there are no ads (`_ASKS_NO_ADS`): a NO denying ads is a YES.
    Any other question or verdict is returned as it is."""
    if verdict != NO:
        return verdict
    if shares_negation(question, sentence) or denies_only(sentence, _TELLS_NOT_TO):
        return YES
    if _ASKS_STILL.search(question) and denies_only(sentence, _NOT_ENDED):
        return YES
    if _ASKS_NO_ADS.search(question) and _DENIES_ADS.search(sentence):
        return YES
    return verdict


# "Which company processes my card when I pay for something on Nextdoor?": of one company named, a question asking
# which organisation does it (not whether each of several does) is an open one, answered by the name ("stated")
_WHICH_ORGANISATION = re.compile(r"(?:^|[.!?]\s+)which\s+(?:compan(?:y|ies)|firms?|providers?|processors?|banks?|"
                                 r"entit(?:y|ies)|organi[sz]ations?)\b", re.IGNORECASE)


def one_company_kind(kind: str, question: str, routed: Sequence[str]) -> str:
    """`kind` (`verdict.question_kind`), OPEN for a yes-no question asking which organisation does something of the one
    company it names (`routed`: the policies the question names); else as it is."""
    return OPEN if kind == YES_NO and len(routed) == 1 and _WHICH_ORGANISATION.search(question) else kind

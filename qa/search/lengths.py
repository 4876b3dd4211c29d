"""Lengths of time in a user's question: the ones a policy must write ("Do they keep my data for 7 years?"), the
ones that are only the user's story ("six weeks ago"), and how long a company may take to answer, in days."""

from __future__ import annotations

import re

# A length of time a question names ("Do they keep my data for 7 years?"): a policy that never writes it, in
# digits or words, does not say so ("we keep the recordings for 30 days" is no answer to it).
_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_COUNT = rf"\d+|{'|'.join(_NUMBERS)}"
_PERIOD = re.compile(rf"\b({_COUNT})[\s-]*(day|week|month|year)s?\b", re.IGNORECASE)


# a time in the user's story ("I sent the form six weeks ago"), not a length of time asked about
_AGO = re.compile(rf"\b(?:{_COUNT}|a|an)[\s-]*(?:day|week|month|year)s?\s+ago\b", re.IGNORECASE)
# how long the company may take to answer ("Are they allowed to take three months over it?"): a policy giving its own
# time limit answers it in any units (`readings.asked_verdict` compares the two)
TAKING = re.compile(r"\b(?:take|takes|taking|took|wait|waiting|waited|respond\w*|repl(?:y|ies|ied)|answer\w*|"
                    r"get\s+back|hear\s+back)\b", re.IGNORECASE)
_UNIT_DAYS = {"day": 1, "week": 7, "month": 30, "year": 365}


def days_in(text: str) -> int | None:
    """The first length of time `text` writes ("three months", "1 calendar month", "30 days"), in days; for a
    question asking whether "this long" is allowed, the time ago its story gives ("…six weeks ago … still nothing")."""
    told = text if re.search(r"\b(?:this|that|so)\s+long\b", text, re.IGNORECASE) else _AGO.sub(" ", text)
    match = re.search(rf"\b({_COUNT}|a|an)(?:\s*\(\d+\))?[\s-]*(?:calendar\s+|working\s+|business\s+)?"
                      r"(day|week|month|year)s?\b", told, re.IGNORECASE)
    if match is None:
        return None
    number = match.group(1).lower()
    count = 1 if number in ("a", "an") else _NUMBERS.index(number) if number in _NUMBERS else int(number)
    return count * _UNIT_DAYS[match.group(2).lower()]


def periods(question: str) -> tuple[re.Pattern, ...]:
    """How a policy writes each length of time `question` names: "7 years" as "7 years", "seven (7) years"…"""
    if TAKING.search(question):
        return ()
    found = []
    for number, unit in _PERIOD.findall(_AGO.sub(" ", question)):
        number = number.lower()
        digits = str(_NUMBERS.index(number)) if number in _NUMBERS else number
        words = _NUMBERS[int(digits)] if digits.isdigit() and int(digits) < len(_NUMBERS) else digits
        found.append(re.compile(rf"\b(?:{digits}|{words})(?:\s*\(\d+\))?[\s-]*{unit.lower()}s?\b", re.IGNORECASE))
    return tuple(found)

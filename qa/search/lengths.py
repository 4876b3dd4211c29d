"""Lengths of time in a user's question: the ones a policy must write ("Do they keep my data for 7 years?"), the
ones that are only the user's story ("six weeks ago"), how long a company may take to answer, in days, and a
person's age beside the minimum age a policy gives ("my sister is 17, can she use it?" beside "18 or older")."""

from __future__ import annotations

import re

# A length of time a question names ("Do they keep my data for 7 years?"): a policy that never writes it, in
# digits or words, does not say so ("we keep the recordings for 30 days" is no answer to it).
_NUMBERS = ("zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten", "eleven", "twelve")
_COUNT = rf"\d+|{'|'.join(_NUMBERS)}"
_PERIOD = re.compile(rf"\b({_COUNT})[\s-]*(day|week|month|year)s?\b(?![\s-]*old\b)", re.IGNORECASE)  # not an age


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


_AGE_WORDS = {"ten": 10, "eleven": 11, "twelve": 12, "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16,
              "seventeen": 17, "eighteen": 18, "nineteen": 19, "twenty-one": 21}
_AGE = rf"(\d{{1,2}}|{'|'.join(_AGE_WORDS)})"
_NOT_AN_AGE = r"(?!\s*(?:%|percent|days?|weeks?|months?|minutes?|hours?|times?|[GMK]B\b|[:.,]\d))"
# a person's age the user tells: "I'm 15", "my sister is 17", "my 16 yo son", "a 14-year-old"
_AGE_TOLD = re.compile(
    rf"\b(?:i'?m|i’m|i\s+am|(?:she|he)(?:'s|’s|\s+is)|(?:son|daughter|child|kid|sister|brother|niece|nephew|teen|"
    rf"teenager|grandson|granddaughter)\s+is)\s+(?:only\s+|just\s+)?{_AGE}\b{_NOT_AN_AGE}|"
    rf"\b{_AGE}[\s-]*(?:(?:years?|yrs?)[\s-]*old|yo|y/o)\b|\baged\s+{_AGE}\b{_NOT_AN_AGE}", re.IGNORECASE)
# the youngest a policy lets in: "under the age of 16", "18 years of age or older", "aged 18 or over", "at least 13"
_MINIMUM_AGE = re.compile(
    rf"\b(?:under|below|younger\s+than)\s+(?:the\s+age\s+of\s+)?{_AGE}\b{_NOT_AN_AGE}|"
    rf"\b{_AGE}(?:\s*\(\d+\))?\s*(?:years?\s+(?:of\s+age|old)\s+)?(?:or|and)\s+(?:older|over|above)\b|"
    rf"\bat\s+least\s+{_AGE}\b{_NOT_AN_AGE}|\bminimum\s+age\b[^.;]{{0,40}}?\b(?:is|of)\s+{_AGE}\b", re.IGNORECASE)


def _age(word: str) -> int:
    return _AGE_WORDS[word.lower()] if word.lower() in _AGE_WORDS else int(word)


def age_told(question: str) -> int | None:
    """The age of a person the user tells of ("my sister is 17", "my 16 yo son"), if any."""
    match = _AGE_TOLD.search(question)
    return None if match is None else _age(next(g for g in match.groups() if g))


# "Does Steam let children under 13 use it?": everyone the question asks of is younger than that
_AGE_UNDER = re.compile(rf"\b(?:under|below|younger\s+than)\s+(?:the\s+age\s+of\s+|age\s+)?{_AGE}\b{_NOT_AN_AGE}",
                        re.IGNORECASE)


def age_under(question: str) -> int | None:
    """The age the people a question asks about are all younger than ("children under 13": 13), if any."""
    match = _AGE_UNDER.search(question)
    return None if match is None else _age(match.group(1))


def minimum_age(sentence: str) -> int | None:
    """The youngest age `sentence` lets in ("restricted to users who are 18 years of age or older": 18), if any."""
    match = _MINIMUM_AGE.search(sentence)
    return None if match is None else _age(next(g for g in match.groups() if g))

"""Follow-up questions: resolving "they", "what about CT1?" and company-less questions against earlier turns.

A chat is a sequence of questions; people leave out what they said before. A question is rewritten into
one that stands alone (what the answer shows as "Interpreted as: …"), and that rewritten question is what
is routed and searched:

- it names no company and the conversation has been about one or more companies: those companies carry
  over ("and who do they share it with?" -> "Who does Core Office IT share my data with?"), unless it
  asks about every company ("Which of them sell my data?", "any of these companies");
- it only names a company ("what about CT1?", "and Concero?"): the earlier question is asked again about
  that company;
- anything else stands alone.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from typing import Any

from qa.search.names import match_names

_ALL_COMPANIES = re.compile(
    r"\b(?:which|what|any|all|each|every|both|none|compare|comparison|most|least)\b[\w\s]{0,20}?"
    r"\b(?:compan(?:y|ies)|firms?|providers?|policies|them|these|those|of them)\b"
    r"|\bwho(?:\s+else)?\s+(?:sells?|shares?)\b",
    re.IGNORECASE)
_LEAD_IN = re.compile(r"^\s*(?:and|so|also|ok(?:ay)?|then|right|but|now|hmm+|well)\b[\s,]*", re.IGNORECASE)
_ELLIPSIS = re.compile(r"^\s*(?:(?:and|so|but)\s+)?(?:what|how)\s+about\s+|^\s*(?:and|or)\s+(?:for\s+)?", re.IGNORECASE)
_MY_DATA = re.compile(r"\bmy (?:personal )?(?:data|information|details|info)\b", re.IGNORECASE)


def _display(policy_ids: Sequence[str], policies: Mapping[str, Any]) -> str:
    names = list(dict.fromkeys(policies[p].name for p in policy_ids if p in policies))  # two policies, one name
    return names[0] if len(names) == 1 else ", ".join(names[:-1]) + " and " + names[-1]


def _capitalise(text: str) -> str:
    return text[:1].upper() + text[1:] if text else text


# "them" that a user turns off, blocks or deletes is the things the earlier question asked about ("Does CT1 use
# cookies?" then "can I turn them off?"), not the company.
_THING_THEM = re.compile(r"\b(?:turn|switch|opt)\s+them\s+(?:off|on|out)\b|"
                         r"\b(?:disable|block|delete|clear|refuse|reject|accept|manage|control|remove|erase|see|read|"
                         r"listen\s+to|hear)\s+them\b|"
                         # what is done with the things asked about: "how long do they keep them?", "do they use them
                         # for advertising?" (not "ask them", "write to them": the company)
                         r"\b(?:keep|keeps|kept|store|stores|stored|hold|holds|retain|retains|use|uses|used|share|shares|"
                         r"sell|sells|send|sends|record|records|process|processes|encrypt|encrypts|protect|protects)\s+"
                         r"them\b", re.IGNORECASE)
# the things an earlier open question asked about by name ("What rights do I have…?", "Which cookies does 23T use?")
_WHAT_THINGS = re.compile(r"^\s*(?:what|which)\s+(?!(?:companies|firms|ones|of)\b)(\w+s)\s+(?:do|does|did|can|will)\b",
                          re.IGNORECASE)
# "can I opt out of it?", "can I stop it?": what the user refuses is the thing asked about, not the company
_THING_IT = re.compile(r"\b(opt\s+out\s+of|object\s+to|refuse|stop|turn\s+off|switch\s+off|say\s+no\s+to)\s+it\b",
                       re.IGNORECASE)
_THINGS_ASKED = re.compile(r"\b(use|uses|record|records|send|sends|set|sets|place|places|keep|keeps|store|stores|"
                           r"collect|collects|turn|switch|delete|block|disable|refuse|accept|control|manage)\s+"
                           r"(?:my\s+|your\s+|the\s+|any\s+)?(?:\w+\s+)?(\w+s)\b", re.IGNORECASE)


def _replace_pronouns(question: str, company: str, topic_phrase: str | None,
                      things: str | None = None) -> tuple[str, bool]:
    """Put the company (and the earlier topic for "it", the earlier things for "them" a user turns off or
    deletes) where the question has pronouns."""
    replaced = False

    def sub(pattern: str, value: str, text: str) -> str:
        nonlocal replaced
        new, count = re.subn(pattern, value, text, flags=re.IGNORECASE)
        replaced = replaced or count > 0
        return new

    text = sub(r"\btheir\b", f"{company}'s", question)
    text = sub(r"\b(?:do|did)\s+they\b", f"does {company}", text)
    text = sub(r"\b(?:are|were)\s+they\b", f"is {company}", text)
    text = sub(r"\bthey\b", company, text)
    if things and _THING_THEM.search(text):
        text = sub(r"\bthem\b", things, text)
        return (text if company in text else f"{text.rstrip(' ?')} ({company})?"), replaced
    text = sub(r"\bthem\b", company, text)
    if things and _THING_IT.search(text):
        text = sub(_THING_IT.pattern, rf"\1 {things}", text)
        return (text if company in text else f"{text.rstrip(' ?')} ({company})?"), replaced
    if topic_phrase:
        text = re.sub(r"\b(share|sell|keep|store|use|delete|send|transfer|protect|hold|process)\s+it\b",
                      rf"\1 {topic_phrase}", text, flags=re.IGNORECASE)
    return text, replaced


def _company_only(question: str, named: Sequence[str], typed: Sequence[str], policies: Mapping[str, Any]) -> bool:
    """Whether the question is just a company ("what about CT1?", "and Concero?")."""
    rest = _ELLIPSIS.sub("", question)
    for name in [n for pid in named for n in (policies[pid].name, pid, *policies[pid].aliases)] + list(typed):
        rest = re.sub(re.escape(name), " ", rest, flags=re.IGNORECASE)
    rest = re.sub(r"[^\w]+", " ", rest).strip().lower()
    return rest in {"", "then", "too", "as well", "instead", "s policy", "s", "for", "for them"} or \
        bool(_SAME_AGAIN.match(rest))


# The earlier question asked again of another company in other words: "does CloudSentric have one?" (a DPO),
# "same for CT1?", "is it the same for Concero?", "is that the same at CT1?", "CT1 too?"
_SAME_AGAIN = re.compile(r"^(?:and\s+)?(?:(?:(?:does|do|did|has|is|was)\s+)?(?:(?:they|it)\s+)?"
                         r"(?:have|has)\s+(?:one|any|them|it)|"
                         r"(?:is\s+(?:it|that|this)\s+|(?:it|that|this)\s+s\s+|and\s+)?(?:the\s+)?same"
                         r"(?:\s+(?:question\s+)?(?:for|with|at))?)"
                         r"(?:\s+(?:too|as\s+well|also|then|instead))?$")


# "what about the others?", "and the rest?": the earlier question asked of the companies it was not about
_OTHERS = re.compile(r"^\s*(?:(?:and|so|but)\s+)?(?:(?:what|how)\s+about\s+|and\s+|"
                     r"(?:do|does|did|will|would|can|is|are)\s+)?(?:all\s+)?(?:the\s+|any\s+of\s+the\s+)?"
                     r"(?:others?|other\s+(?:companies|ones|firms|providers|policies)|rest(?:\s+of\s+them)?|"
                     r"everyone\s+else|anyone\s+else)\s*\??\s*$", re.IGNORECASE)
# A follow-up naming the companies of the earlier answer only by a pronoun, and the verdicts of those that say so
_THEY = re.compile(r"\b(?:they|them|their)\b", re.IGNORECASE)
_SAID_SO = frozenset({"yes", "stated"})
# Past this many, the others are "each of these companies" rather than their names
_OTHERS_NAMED = 6
# "who exactly?", "how long?", "why?": the earlier yes-no question asked with that question word
_WH_ONLY = re.compile(r"^\s*(?:(?:and|so|but|ok(?:ay)?)[\s,]+)?(?:(?P<by>with|to|from|for)\s+)?"
                      r"(who(?:m)?|where|when|why|how(?:\s+long|\s+much|\s+often)?)(?:\s+(?:exactly|specifically|then|though|else|is\s+that|"
                      r"do\s+they|to|for|from|with))*\s*\??\s*$",
                      re.IGNORECASE)
# what the earlier question said of a place, left out when asked where ("…keep my data in the UK?" then "where else?")
_PLACE_SAID = re.compile(r"\s+(?:only\s+)?(?:in|inside|within)\s+(?:the\s+)?(?:UK|EEA|EU|Europe|USA|US|United\s+"
                         r"(?:Kingdom|States))\b", re.IGNORECASE)
# a preposition left at the end once the question word changes ("Who does 23T share my data with?" then "why?")
_DANGLING = re.compile(r"\s+(?:with|to)\s*(?=\?\s*$)", re.IGNORECASE)
# "which ones?", "like who?", "such as?" after a question about sharing: "who?"
_WHICH_ONES = re.compile(r"^\s*(?:(?:and|so|but|ok(?:ay)?)[\s,]+)?(?:which(?:\s+ones?|\s+companies|\s+of\s+them)?|"
                         r"what\s+ones|like\s+who(?:m)?|such\s+as(?:\s+who(?:m)?)?|(?:who|what)\s+are\s+they|"
                         r"name\s+them)(?:\s+(?:exactly|specifically|then))*\s*\??\s*$", re.IGNORECASE)
_AUX_FIRST = re.compile(r"^\s*(?:do|does|did|is|are|was|were|can|could|will|would|has|have|may|might)\b", re.IGNORECASE)
# the question word an earlier question starts with, before its auxiliary ("How long does Concero keep…")
_WH_FIRST = re.compile(r"^\s*(?:who(?:m)?|what|where|when|why|which|how(?:\s+long|\s+much|\s+often|\s+many\s+\w+)?)\s+"
                       r"(?=(?:do|does|did|is|are|was|were|can|could|will|would|has|have|may|might)\b)", re.IGNORECASE)
_ANYONE = re.compile(r"\b(with|to)\s+(?:any(?:one|body|\s+other\s+\w+|\s+third\s+part(?:y|ies))|(?:other\s+)?"
                     r"third\s+parties|other\s+(?:companies|organi[sz]ations|firms|businesses)|others)\b",
                     re.IGNORECASE)


def _names_pattern(scope: Sequence[str], policies: Mapping[str, Any]) -> re.Pattern:
    """Every name, alias and id of the policies of `scope`, as whole words, longest first."""
    names = sorted({n for pid in scope for n in (policies[pid].name, *policies[pid].aliases, pid)},
                   key=len, reverse=True)
    return re.compile("|".join(rf"(?<![\w/]){re.escape(n)}(?![\w])" for n in names), re.IGNORECASE)


def _asked_again(question: str, previous_text: str, previous_scope: Sequence[str],
                 policies: Mapping[str, Any]) -> str | None:
    """The earlier question asked of the other companies ("what about the others?") or with a question word ("who
    exactly?" after "Does CT1 share my data with anyone?": "Who does CT1 share my data with?"); None otherwise."""
    if _OTHERS.match(question) and previous_scope:
        others = [p for p in policies if p not in previous_scope]
        if not others:
            return None
        pattern = _names_pattern(previous_scope, policies)
        target = _display(others, policies) if len(others) <= _OTHERS_NAMED else "each of these companies"
        swapped, count = pattern.subn(target, previous_text, count=1)
        return pattern.sub("", swapped) if count else f"{previous_text.rstrip(' ?')} ({target})?"
    wh = _WH_ONLY.match(question)
    asked = _WH_FIRST.sub("", previous_text)  # "how long…?" then "why?": "Why does Concero keep…?"
    if (wh or _WHICH_ONES.match(question)) and _AUX_FIRST.match(asked):
        word = wh.group(2) if wh else "who"
        again = _ANYONE.sub(r"\1", asked) if word.lower().startswith("who") else _DANGLING.sub("", asked)
        by = wh.group("by") if wh else None  # "with who?": "Who does 23T share my data with?"
        if by and not re.search(rf"\b{by}\s*\?\s*$", again, re.IGNORECASE):
            again = f"{again.rstrip(' ?')} {by.lower()}?"
        again = _PLACE_SAID.sub("", again) if word.lower() == "where" else again
        return f"{_capitalise(word.lower())} {again[:1].lower()}{again[1:]}"
    return None


def resolve_question(question: str, history: Sequence[Any], policies: Mapping[str, Any]) -> str:
    """`question` rewritten to stand alone, given earlier `Answer`s of the same conversation (oldest first).

    Returns the question unchanged when it already stands alone or there is no earlier turn.
    """
    question = question.strip()
    earlier = [a for a in history if getattr(a, "interpreted_as", None) or getattr(a, "question", None)]
    if not earlier:
        return question
    previous = earlier[-1]
    previous_text = getattr(previous, "interpreted_as", "") or previous.question
    previous_scope = [p for p in getattr(previous, "routed", ()) if p in policies]
    if not previous_scope and _THEY.search(question) and not _ALL_COMPANIES.search(question):
        # "Which companies record calls?" then "how long do they keep them?": the companies that said so
        previous_scope = [r.policy for r in getattr(previous, "rows", ()) if r.policy in policies and
                          getattr(r, "verdict", None) in _SAID_SO]
    again = _asked_again(question, previous_text, previous_scope, policies)
    if again is not None:
        return again
    match = match_names(question, policies)
    if match.policies or match.not_indexed:
        typed = [t for t, _ in match.corrections] + list(match.not_indexed)
        if not _company_only(question, match.policies, typed, policies):
            return question
        target = _display(match.policies, policies) if match.policies else match.not_indexed[0]
        if previous_scope:
            pattern = _names_pattern(previous_scope, policies)
            swapped, count = pattern.subn(target, previous_text)
            # A list of several companies collapses to the new one named once.
            if count:
                return re.sub(rf"({re.escape(target)})(?:(?:,\s*|\s+and\s+){re.escape(target)})+", r"\1", swapped)
        return f"{previous_text.rstrip(' ?')} ({target})?"
    if _ALL_COMPANIES.search(question) or not previous_scope:
        return question
    company = _display(previous_scope, policies)
    topic = _MY_DATA.search(previous_text)
    core = _LEAD_IN.sub("", question)
    # "it" after a verb of handling data is the data the conversation is about ("share it with").
    # the things the conversation asked about last ("Does Concero record my calls?", two turns back)
    things = next((m for a in reversed(earlier) if (m := _THINGS_ASKED.search(
        getattr(a, "interpreted_as", "") or a.question)) is not None), None)
    # "Does Concero record my calls?" then "can I opt out of it?": the recording of them
    thing = (f"the recording of {things.group(2)}" if things.group(1).lower().startswith("record") else
             things.group(2)) if things else None
    if thing is None:  # "What rights do I have with CT1?" then "how do I use them?": the rights
        named = _WHAT_THINGS.search(previous_text)
        thing = f"my {named.group(1)}" if named else None
    rewritten, replaced = _replace_pronouns(core, company, topic.group(0) if topic else "my data", thing)
    if replaced:
        return _capitalise(rewritten)
    return f"{_capitalise(core).rstrip(' ?')} ({company})?"

"""How long data is kept, as a question names it: the kind of data a question says is kept ("How long does Concero
keep my support requests?": `kept_words`) and the sentence deciding it (`kept_thing_decision`, `general_kept_decision`),
one naming that kind or, giving a length of time, beside a sentence or list that does (`named_beside_time`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.search.details import LENGTH_OF_TIME
from qa.search.evidence import Decision
from qa.search.marking import Test, naming_decision
from qa.search.terms import also_called, terms_in

# Words of nearly every question on keeping data, which name no kind of data kept
_KEEPING_WORDS = frozenset({"keep", "keeps", "kept", "keeping", "retain", "retains", "retained", "retention", "store",
                            "stores", "stored", "hold", "holds", "held", "hang", "long", "data", "information", "info",
                            "personal", "details", "delete", "deleted", "after", "leave", "stop", "stopped", "customer",
                            "time", "period", "much", "onto", "they", "it", "them", "we", "you", "us", "me", "i",
                            "afterwards", "like", "such", "account", "record", "records", "get", "gets", "got",
                            "be", "being", "been", "save", "saves", "saved", "secure", "safe",
                            # whose data, not a kind of it ("…hang on to our staff's details?")
                            "staff", "colleagues", "team"})


# What a question says is kept: "keep my support requests", "hold on to our contract data"
_KEPT = re.compile(r"\b(?:keep|keeps|kept|retain\w*|stor(?:e|es|ed|ing)|hold|holds|held|hang\s+on\s+to|"
                   r"hold\s+on\s+to)\s+(?:(?:my|our|your|the|their|any)\s+|(?=[\w/-]+\s+(?:data|records?|details|"
                   r"information|info|logs?|files?)\b)|(?=(?:cookies|logs|backups|recordings|messages|e-?mails|files|"
                   r"photos|videos|cvs)\b))((?:[\w/-]+\s+){0,2}[\w/-]+)", re.IGNORECASE)  # ("keep cookies on my…")


_KEPT_ENDS = re.compile(r"\b(?:for|until|in|on|as|only|to|while|after|alongside|with|of|and|or|which|that|we|you|"
                        r"when|where|unless|because|by|at|from|securely|safely|no|not|longer|than|is|are)\b.*",
                        re.IGNORECASE)

# "How long will my browser history be kept?", "How long are call recordings stored?"
_KEPT_ASKED_PASSIVE = re.compile(r"\b(?:is|are|will|would|does|do)\s+(?:(?:my|our|your|the|their|any)\s+)?"
                                 r"((?:[\w/-]+\s+){0,2}?[\w/-]+)\s+(?:be\s+)?(?:kept|retained|stored|held)\b",
                                 re.IGNORECASE)


def kept_words(question: str) -> tuple[str, ...]:
    """The words for what `question` says is kept (`_KEPT`), less those of every such question (`_KEEPING_WORDS`):
    each of two things joined by "and", "or" or "/" ("the browsing and usage data", "purchase/transaction records")."""
    kept = _KEPT.search(question) or _KEPT_ASKED_PASSIVE.search(question)
    if kept is None:
        return ()
    things = re.split(r"\s+(?:and|or)\s+|/", kept.group(1))
    return tuple(dict.fromkeys(w.lower() for thing in things for w in _KEPT_ENDS.sub("", thing).split()
                               if w.lower() not in _KEEPING_WORDS))


def kept_thing_decision(decision: Decision, text: str, things: Sequence[str],
                        again: Callable[[Test], Decision], strict: bool = True) -> Decision:
    """For "how long…?" naming a kind of data kept (`things`, from `kept_words`: "How long does Concero keep my
    support requests?"): `decision`, or, when its sentence names none of them ("…we keep the recordings for 30
    days"), the decision `again(test)` reaches among the sentences that do ("…we retain any correspondence, queries
    and support requests", which gives no time: the policy does not say how long), if one states the practice
    (`naming_decision`, the test being a sentence naming one of `things` or what a policy also calls it: `also_called`).
    `strict` (an open "how long…?"): not stated when no sentence of the practice names one ("How long does Evernote
    keep my IP address history?" of a policy whose retention sentences name no IP address); else `decision`."""
    if not things:
        return decision
    things = tuple(dict.fromkeys(w for thing in things for w in also_called(thing)))

    def names_one(sentence: str) -> bool:
        return terms_in(sentence, things) > 0

    def beside(sentence: str) -> bool:
        return named_beside_time(text, sentence, things)
    for test in (names_one, beside):  # one naming it, else one giving a time beside what names it
        named = naming_decision(decision, text, test, again)
        if named.sentence is not None and test(text[named.sentence[0]:named.sentence[1]]):
            return named
    return Decision(False) if strict else decision  # none names it: "…as long as necessary" keeps it no time


_TIME = re.compile(LENGTH_OF_TIME, re.IGNORECASE)
# A list's items after a sentence ending in a colon ("…store it for up to 30 days:" then "*   Your IP address")
_LIST = re.compile(r"(?:\s*\n\s*(?:[*+-]|\d+[.)])\s+[^\n]*)+")


def named_beside_time(text: str, sentence: str, things: Sequence[str]) -> bool:
    """Whether `sentence` (of the policy `text`) gives a length of time and its paragraph, or the list it opens, names
    one of `things` ("…we may ask you for additional information for billing purposes… We delete this data within 6
    months after our contract with you is terminated"; "…store it for up to 30 days:" then "*   Your IP address")."""
    if not _TIME.search(sentence) or (at := text.find(sentence)) < 0:
        return False
    end = at + len(sentence)
    start, stop = text.rfind("\n\n", 0, at) + 1, text.find("\n\n", end)
    paragraph = text[start:stop if stop >= 0 else len(text)]
    listed = _LIST.match(text, end) if sentence.rstrip().endswith(":") else None
    return terms_in(paragraph + (listed.group(0) if listed else ""), things) > 0


# What a sentence says is kept: "we keep the recordings for 30 days", "Only the telephone number is kept…"
_KEEPS = re.compile(r"\b(?:keep|keeps|retain|retains|store|stores|hold|holds)\s+(?:the|your|our|these|this|such|any|"
                    r"all|copies\s+of|a\s+copy\s+of)?\s*((?:[\w-]+\s+){0,2}[\w-]+)", re.IGNORECASE)
_KEPT_PASSIVE = re.compile(r"(?:\b(by)\s+)?((?:[\w-]+\s+){0,1}[\w-]+)\s+(?:is|are|will\s+be|may\s+be|can\s+be)\s+"
                           r"(?:only\s+)?(?:kept|retained|stored|held)\b", re.IGNORECASE)
# Words for data in general, which name no kind of data
_GENERAL = frozenset({"data", "information", "info", "details", "personal", "it", "them", "this", "that", "these",
                      "those", "such", "record", "records", "everything", "anything", "something", "any", "all", "your",
                      "our", "the", "identifiable", "pii", "user", "customer", "account"})


def kept_in(sentence: str) -> set[str]:
    """The words for the kinds of data `sentence` says are kept, beyond data in general (`_GENERAL`)."""
    found = [m.group(1) for m in _KEEPS.finditer(sentence)] + [
        m.group(2) for m in _KEPT_PASSIVE.finditer(sentence) if not m.group(1)]
    return {w.lower() for thing in found for w in _KEPT_ENDS.sub("", thing).split()} - _GENERAL


def general_kept_decision(decision: Decision, text: str, terms: Sequence[str],
                          again: Callable[[Test], Decision]) -> Decision:
    """For "how long…?" naming no kind of data ("How long does Concero keep my details?"): `decision`, or, when
    its sentence keeps a kind of data the question does not name (`kept_in`: "…we keep the recordings for 30
    days"), the decision `again(test)` reaches among the sentences that keep none ("…legal obligations where we may
    have to keep your details on file", which gives no time: the policy does not say how long), if one states the
    practice (`naming_decision`)."""
    def general(sentence: str) -> bool:
        kept = kept_in(sentence)
        return not kept or terms_in(" ".join(kept), terms) > 0
    return naming_decision(decision, text, general, again)

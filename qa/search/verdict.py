"""What a policy's answer amounts to: a verdict (yes / no / stated / not stated) and a confidence label.

A yes-no question ("Do they sell my data?", "Can I delete my account?", "Which companies sell my data?",
asked of each company) gets `yes`, `no` or `not_stated` per policy; an open question ("How long…", "Who…") gets
`stated` or `not_stated`. Whether a stated answer is a yes or a no is the stance of the sentence that decides it.

The confidence label is what a user can act on, the same words in the chat, `ask` and JSON:
"states it" (the policy states the practice asked about), "related passage" (a passage on the subject that
may not answer it) and "not stated".
"""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from qa.search.asked_names import PLACES, asking_sentence, named_things, unwritten
from qa.search.negation import NEGATION, denies_only, excepts, negated_by_words
from qa.search.practice_words import SALE_ONLY
from qa.search.quotes import bold_line, lead_in_of, run_in_heading
from qa.search.specific import writes

YES, NO, STATED, NOT_STATED = "yes", "no", "stated", "not_stated"
VERDICTS = (YES, NO, STATED, NOT_STATED)
VERDICT_WORDS = {YES: "Yes", NO: "No", STATED: "Stated", NOT_STATED: "Not stated"}
YES_NO, OPEN = "yes-no", "open"

STATES_IT, RELATED, NOT_STATED_LABEL = "states it", "related passage", "not stated"
LABELS = (STATES_IT, RELATED, NOT_STATED_LABEL)

# A yes-no question opens with an auxiliary verb ("Do", "Is", "Can", "Will"…), possibly after a lead-in
# ("And does…", "So can I…", "Concero: do they…"); "Which companies…" and "Who sells…" ask the same
# yes-or-no of each company. Open questions ask what, how, who, where, when, why or for a list.
_AUXILIARY = (r"do|does|did|is|are|was|were|can|could|will|would|should|shall|may|might|must|has|have|had|"
              r"am|isn't|aren't|doesn't|don't|won't|can't|didn't|wasn't|haven't|hasn't")
LEAD_IN = r"(?:(?:and|so|but|also|then|ok|okay|please|tell me|hi|hello)[,:]?\s+)*"
_YES_NO_START = re.compile(rf"^\s*{LEAD_IN}(?:{_AUXILIARY})\b", re.IGNORECASE)
_WHICH_DO = re.compile(rf"^\s*{LEAD_IN}(?:which|what)\s+(?:of\s+)?(?:(?:all|these|those|the|them|your)\s+)*"
                       r"(?:companies|company|firms|providers|organisations|organizations|policies|ones|services|"
                       r"suppliers|vendors|businesses)\b(?!\s+(?:does|did)\s+(?!not\b)|\s+do\s+(?:they|you|we|i)\b)|"
                       rf"^\s*{LEAD_IN}which\s+(?:one\s+)?of\s+(?:them|these|those)\b|"
                       # "Comparing IT firms… - which of the five say they encrypt our data?", "which of their
                       # websites…"
                       r"(?:^|[-–—:;]\s)\s*which\s+(?:one\s+)?of\s+(?:the|these|those|all)\s+(?:two|three|four|five|six|"
                       r"seven|eight|nine|ten|\d+)\b|^\s*which\s+of\s+(?:their|these|those)\s+(?:websites|sites|apps)\b|"
                       # "Which of CT1 and CloudSentric transfer data abroad?"
                       rf"^\s*{LEAD_IN}which\s+(?:one\s+)?of\s+(?:the\s+)?(?:[\w&.'’/-]+\s+){{1,4}}?(?:and|or)\s+\w|"
                       # "any of them record your calls?": "Do" left out
                       rf"^\s*{LEAD_IN}any\s+(?:one\s+)?of\s+(?:them|these|those|the|you)\b",
                       re.IGNORECASE)
# "concero sell data?", "they keep my data forever?": a company or "they", then a verb, with no auxiliary and no
# question word
_BARE_VERB = re.compile(r"^\s*(?!(?:what|how|who|where|why|which|when|whom|whose)\b)(?:[\w&.'’-]+\s+){0,2}?"
                        r"[\w&.'’-]+\s+(?:sell|share|keep|use|collect|record|store|track|send|transfer|delete|pass|give|"
                        r"hold|retain|monitor|encrypt)s?\s+(?:my|our|your|their|the|any|all|personal|data|info\w*|details|it|"
                        r"them|us|me|calls?|cookies|e-?mails?|records?|recordings?|cvs?|payment)\b"
                        r"(?![^?]*\b(?:what|how|who|where|why|which|when|whom)\b)[^?]*\?\s*$",
                        re.IGNORECASE)
# A request to be told, around the question itself ("Can you tell me how long…?", "I was wondering if you could tell me
# whether…", "I'd like to know if…")
_ASKS_TO_TELL = re.compile(
    r"^\W*(?:(?:hi|hello|hey)\W+)?(?:(?:can|could|would|will)\s+(?:you|u)\s+(?:please\s+)?(?:tell|let)\s+me\s+(?:know\s+)?|"
    r"(?:please\s+)?tell\s+me\s+|do\s+you\s+know\s+|i\s*(?:'d|’d|\s+would)\s+like\s+to\s+know\s+|"
    r"i\s+(?:want|need)\s+to\s+know\s+|i\s+(?:was\s+|am\s+|'m\s+|’m\s+)?wonder(?:ing)?\s+(?:if\s+(?:you|u)\s+(?:could|can|"
    r"would)\s+(?:please\s+)?tell\s+me\s+)?)", re.IGNORECASE)
_CLAUSE_YES_NO = re.compile(rf"[,:;]\s*(?:{_AUXILIARY})\s+(?:they|it|you|we|i|my|the|this|that|there|\w+)\b",
                            re.IGNORECASE)
# "if i ring concero will they record the call?": a condition with no comma, then the question (no question
# word between: "if I leave how long will they keep it?" asks how long)
_CONDITION_YES_NO = re.compile(
    # (or a company: "if core office can't fix my sage accounts problem could they pass my info on to sage?")
    rf"^\s*(?:if|when|once|after|before|whenever)\s+(?!(?:{_AUXILIARY})\b)[\w'’-]+\b"
    rf"(?:(?!\b(?:how|what|who|where|why|which|when)\b)[^?,;:])*?\s(?:{_AUXILIARY})\s+"
    r"(?:they|it|you|we|i|he|she|there|my|the|this|that)\b", re.IGNORECASE)
# "CT1 can guarantee my data is completely safe when I send it to them online, right?": a statement put as a question
_TAG_QUESTION = re.compile(r"[,;]\s*(?:right|correct|yes|true|surely|(?:is|are|do|does|did|can|will|would|has|have)"
                           r"(?:n't|n’t)\s+(?:it|they|he|she|that|there|i|we)|is\s+(?:that|this)\s+(?:right|correct|"
                           r"true|so))\s*\?+\s*$", re.IGNORECASE)


def question_kind(question: str) -> str:
    """YES_NO for a question that asks whether something is so (of one company or of each), else OPEN."""
    text = question.strip()
    if (wrapped := _ASKS_TO_TELL.match(text)) is not None:  # "Can you tell me how long…?", "…tell me whether…"
        rest = text[wrapped.end():]
        if re.match(r"(?:whether|if)\b", rest, re.IGNORECASE):
            return YES_NO
        if re.match(r"(?:what|how|who|where|why|which|when|whom|whose)\b", rest, re.IGNORECASE):
            return question_kind(rest)
    if _YES_NO_START.match(text) or _WHICH_DO.match(text):
        return YES_NO
    # "Concero looks after our network. Can their engineers go through our files?": the last sentence asks (or the
    # clause after a dash: "I'm a teacher at a school that uses Concero - does Concero see our MIS data?").
    last = re.split(r"(?<=[.!?])\s+|\s[-–—]\s", text)[-1] if text else text
    if last is not text and _YES_NO_START.match(last):
        return YES_NO
    # "When they pass my data to their suppliers, which of these companies say…?", "We've got an IT firm looking
    # after our servers. Which of these companies say…?": each company asked, after a clause or a scene
    if not re.match(r"^\s*(?:what|how|who|where|why)\b", text, re.IGNORECASE) and \
            any(_WHICH_DO.match(clause) for clause in re.split(r"(?<=[.!?,;:])\s+|\s[-–—]\s", text)[1:]):
        return YES_NO
    # "When I log a call, might they pull diagnostics off my system?": a clause first, then the question; a
    # question word asks only when it opens the question itself ("When will they reply, do you know?" is rare).
    if _CLAUSE_YES_NO.search(text) and not re.match(r"^\s*(?:what|how|who|where|why|which)\b", text, re.I) and \
            not re.match(r"^\s*when\s+(?:will|would|do|does|did|is|are|can|could|should)\b", text, re.I):
        return YES_NO
    return YES_NO if _CONDITION_YES_NO.match(text) or _TAG_QUESTION.search(text) or _BARE_VERB.match(text) else OPEN


# A question asking whether a company does NOT do something ("Which companies don't sell my data?", "Does Concero
# not sell…?", "Which companies say they will never sell…?") is answered as its affirmative: every verdict is about
# the practice ("No — “we do not and will not sell…”" is one that does not), so the question the answer shows
# ("Interpreted as: Which companies sell my data?") must ask it the same way. Only the main verb's negation is
# turned: "a company it isn't affiliated with", "Do Not Track" and "can I not…" keep theirs.
_WHICH_NOT = re.compile(
    r"^(\s*(?:and\s+|so\s+)?(?:which|what)\s+(?:of\s+)?(?:(?:these|those|the|them|all|your)\s+)*(?:companies|company|"
    r"firms|providers|ones|policies|of\s+them)\s+(?:say\s+(?:that\s+)?they\s+)?)(?:(?:do|does|did)(?:n't|n’t|\s+not)|"
    r"never|(?P<will>won't|won’t|will\s+not|will\s+never))\s+(?!track\b)", re.IGNORECASE)
# (not an infinitive's "not": "Can CloudSentric's customers tell it not to send them promotions?")
_AUX_NOT = re.compile(rf"^(\s*(?:{_AUXILIARY})\s+(?!(?:i|we)\s)(?:[\w'’&.-]+\s+){{1,4}}?)(?:not|never)\s+"
                      r"(?!track\b|to\b)", re.IGNORECASE)
# "Does CT1 say it doesn't keep data longer than necessary?": asked as "Does CT1 say it does keep…?"
_SAYS_NOT = re.compile(r"^(\s*(?:do|does|did)\s+(?:[\w'’&.-]+\s+){1,4}?(?:say|state|claim|promise)\s+(?:that\s+)?"
                       r"(?:it|they|he|she)\s+)(do|does|did)(?:n't|n’t|\s+not)\s+", re.IGNORECASE)
_NOT_AUX = re.compile(r"^(\s*)(do|does|did|is|are|was|were|has|have|wo|would|can|could|should)(?:n't|n’t)\s+"
                      r"(?!(?:i|we)\s)", re.IGNORECASE)


def affirmative(question: str) -> str:
    """`question` with its main verb's negation taken out, when it is a yes-no question that has one; else as is."""
    if question_kind(question) != YES_NO:
        return question
    turned = _WHICH_NOT.sub(lambda m: m.group(1) + ("will " if m.group("will") else ""), question, count=1)
    turned = _SAYS_NOT.sub(r"\1\2 ", turned, count=1)
    turned = _AUX_NOT.sub(r"\1", turned, count=1)
    def aux(m: re.Match) -> str:
        word = "will" if m.group(2).lower() == "wo" else m.group(2).lower()
        return m.group(1) + (word.capitalize() if m.group(2)[0].isupper() else word) + " "
    return _NOT_AUX.sub(aux, turned, count=1)


def verdict_for(kind: str, stated: bool, negated: bool) -> str:
    """NOT_STATED unless `stated`; STATED for an open question; else NO when the deciding sentence denies, or YES."""
    if not stated:
        return NOT_STATED
    if kind == YES_NO:
        return NO if negated else YES
    return STATED


def label_for(stated: bool, confidence: float, states_at: float) -> str:
    """The confidence label: NOT_STATED_LABEL when not stated, STATES_IT at or above `states_at` (a
    calibrated probability), else RELATED."""
    if not stated:
        return NOT_STATED_LABEL
    return STATES_IT if confidence >= states_at else RELATED




def trades_denial(text: str, denial: tuple[int, int], instead: tuple[int, int]) -> bool:
    """Whether quoting `instead` for the deciding `denial` drops a denial (not "we do not share it except as described")
    for a sentence that only writes what the question names ("Can Bitwarden employees see the passwords in my
    vault?": "Bitwarden cannot access Vault Data.", not "Vault Data includes … login credentials …")."""
    words = text[denial[0]:denial[1]]
    return negated_by_words(words) and not excepts(words) and not negated_by_words(text[instead[0]:instead[1]])


# A denial of the reverse of the action asked ("Does Proton encrypt my data?" beside "Under no circumstances can
# Proton decrypt end-to-end encrypted content"), or of doing something without it ("never sent … without first
# being encrypted"): the company does what is asked; the denial is no "no".
_REVERSES = (("encrypt", "decrypt"), ("enabl", "disabl"), ("activat", "deactivat"), ("subscrib", "unsubscrib"),
             ("lock", "unlock"), ("install", "uninstall"), ("delet", "retain"), ("delet", "keep"), ("delet", "restor"),
             ("eras", "retain"), ("eras", "keep"), ("remov", "restor"))
# (a reverse not required: "we will delete all information that we are not required or permitted to retain by law")
_UNREQUIRED = r"(?:(?:required|obliged|obligated|permitted|allowed|needed)\s+(?:or\s+\w+\s+)?(?:by\s+law\s+)?to\s+)?"
_NO_ACTION = frozenset({"their", "there", "which", "where", "about", "other", "person", "inform", "detail"})
_DENIED = r"(?:cannot|can't|can’t|can\s+not|not|never|unable\s+to|no\s+circumstances\s+(?:can|will|do|does)\s+\w+)"
# what the user need not do, which denies nothing the company does (unless the question asks what is needed)
_NEEDLESS = re.compile(r"\byou\s+(?:do\s+not|don['’]t|will\s+not|won['’]t)\s+(?:need|have)\s+to\b[^,;.]*", re.I)
ASKS_NEEDED = re.compile(r"\b(?:need|needs|have\s+to|has\s+to|require\w*|must)\b", re.IGNORECASE)
# what the user will no longer be able to do ("If you ask us to delete it, you may no longer be able to access or use
# our services"), unless the question asks what the user can do
_UNABLE = re.compile(r"\byou\s+(?:may|might|will|would|could)\s+(?:no\s+longer|not)\s+be\s+able\s+to\b[^,;.]*", re.I)
_ASKS_ABLE = re.compile(r"\b(?:can|could|will|would|may)\s+(?:i|we)\b|\bable\b|\bstill\b", re.IGNORECASE)
# a bracketed aside denying a narrower thing, "but…" ("(we don’t collect precise geolocation, but can infer …)")
_ASIDE = re.compile(r"(?<=\w)\s*\(([^()]{0,200}?\bbut\b[^()]{0,200})\)")
_ACTS = frozenset({"collect", "share", "sell", "store", "keep", "process", "track", "data", "information", "personal",
                   "your", "this", "that", "with", "from", "don't", "don’t", "does"})


def _words(text: str) -> set[str]:
    return {w for w in re.findall(r"[a-z’']{4,}", text.lower())} - _ACTS


def denies_other(question: str, sentence: str) -> bool:
    """Whether `sentence`'s only denial is of something other than what `question` asks: the reverse action
    (`_REVERSES`: "cannot decrypt"), doing it without what is asked ("…never sent to the Bitwarden cloud servers
    without first being encrypted"), a narrower thing in a bracketed aside ("Geolocation data, such as approximate
    location data (we don’t collect precise geolocation, but…)"), or what the user need not do ("You do not need to
    have cookies enabled to use our Content", unless the question asks what is needed) or will not be able to do."""
    if (aside := _ASIDE.search(sentence)) and not negated_by_words(_ASIDE.sub(" ", sentence)) and \
            not _words(aside.group(1).split(" but ")[0]) & _words(question):
        return True
    for own, asks in ((_NEEDLESS, ASKS_NEEDED), (_UNABLE, _ASKS_ABLE)):
        if denies_only(sentence, own) and not asks.search(question):
            return True
    asked = () if re.search(r"\bwith(?:out|\s+no)\b", question, re.I) else re.findall(r"[a-z]{5,}", question.lower())
    for stem in {w[:6] for w in asked} - _NO_ACTION:  # (not "…share my data without consent?": what it asks)
        if re.search(rf"\b(?:never|not)\b[^.;]{{0,80}}?\bwithout\s+(?:first\s+)?(?:being\s+|having\s+been\s+)?"
                     rf"{stem}\w*", sentence, re.I):
            return True
    for action, reverse in _REVERSES:
        if re.search(rf"\b{action}", question, re.I) and not re.search(rf"\b{reverse}", question, re.I):
            denial = re.compile(rf"\b{_DENIED}\s+(?:be\s+)?(?:able\s+to\s+|capable\s+of\s+)?{_UNREQUIRED}{reverse}\w*",
                                re.I)
            if denies_only(sentence, denial):
                return True
    return False


# A question whether the company may do as it likes ("share my data with any third party it likes", "do
# whatever they want with it", "can anyone who works there see it", "are my rights absolute") is answered
# "no" by a sentence that limits it ("only for specified purposes", "except as described", "restrict access").
_UNLIMITED = re.compile(
    r"\b(?:whatever|whoever|wherever|whenever|however|anything|anyone|anybody|any\s+\w+(?:\s+\w+)?)\b[^?]{0,40}?\b"
    r"(?:it|they|he|she)\s+(?:likes?|wants?|wishes?|chooses?|pleases?)\b|\bfor\s+anything\b|\bfor\s+any\s+reason\b|\banyone\s+(?:who\s+works|at|in)\b|"
    r"\babsolute\b|\bunlimited\b|\bwithout\s+(?:any\s+)?limits?\b|\bno\s+matter\s+what\b|"
    # "…use my data however they like without any legal reason?"
    r"\bwithout\s+(?:any\s+|a\s+)?(?:legal\s+|lawful\s+|good\s+|valid\s+)?(?:reason|basis|grounds?)\b|"
    # "Can CT1's service providers use my data for their own marketing?", "…use them for its own purposes?"
    r"\b(?:for|in)\s+(?:their|its)\s+own\s+(?:\w+\s+)?(?:purposes?|marketing|uses?|benefit|ends|business|advertising)\b|"
    # "does ct1 hang on to personal data even after they no longer need it?"
    r"\b(?:after|once|when)\s+(?:they|it|he|she)\s+(?:no\s+longer|don't|do\s+not|doesn't|does\s+not)\s+need\b|"
    # "do they keep my data longer than necessary?", "…hand its vendors more of my data than they actually need?"
    r"(?<!\bno\s)\b(?:longer|more)\s+(?:of\s+(?:my|our|the)\s+(?:\w+\s+)?)?than\s+(?:is\s+)?(?:(?:it|they)\s+)?"
    r"(?:actually\s+|really\s+|strictly\s+)?(?:necessary|needed|required|needs?)\b|"
    # "Do they hand that company my whole customer file?", "…get to see all of my personal details?", "…anything
    # from us beyond our contact details?"
    r"(?<!\bI\s)(?<!\bwe\s)\b(?:see|access|get|gets|have|hand|hands|give|gives|share|shares|pass|passes|send|sends)\s+(?:\w+\s+){0,3}?"
    r"(?:all\s+(?:of\s+)?(?:my|our)\b|(?:my|our)\s+(?:whole|entire|complete)\b)|"
    r"\banything\s+(?:\w+\s+){0,3}?(?:beyond|besides|other\s+than|more\s+than)\b|\banything\s+else\b|"
    # "for a reason that isn't in their privacy statement", "does it ignore the restrictions…"
    r"\b(?:isn't|is\s+not|aren't|are\s+not|not)\s+(?:in|covered\s+by|described\s+in|listed\s+in|set\s+out\s+in)\s+"
    r"(?:their|the|its|this|our)\s+(?:\w+\s+)?(?:policy|statement|notice)\b|\b(?:ignore|disregard|override)\w*\b",
    re.IGNORECASE)
LIMITING = re.compile(r"\bonly\b|\blimited\s+to\b|\brestrict\w*|\bexcept\b|\bsolely\b|\bstrictly\b|"
                      r"\bnot\s+absolute\b|\bsubject\s+to\s+(?:certain\s+)?(?:conditions|limits|restrictions)\b|"
                      r"\bneed[- ]to[- ]know\b|\bno\s+longer\s+than\b|\bas\s+long\s+as\s+(?:is\s+)?(?:\w+\s+)?"
                      r"(?:necessary|needed|required)\b", re.IGNORECASE)


def asks_unlimited(question: str) -> bool:
    """Whether a yes-no `question` asks if the company may do something without limit (see `_UNLIMITED`)."""
    return question_kind(question) == YES_NO and bool(_UNLIMITED.search(question))


def negated_sentence(engine, policy_id: str, sentence: tuple[int, int], probability: float | None = None,
                     topics: Sequence[str] = ()) -> bool:
    """Whether the deciding sentence says the company does not: the practice model's stance head, or a
    negation in its words ("none of your data is taken off site" is a no the head misses), or, for a list's
    item, in its lead-in's ("We do not collect the following categories: … biometric information").
    `probability`: the head's, when the caller has it already (a `Decision`); else looked up for the sentence.
    A heading ("Personal information of children") says nothing either way: the sentence after it, the one
    its quote starts with, is read instead."""
    policy = engine.policies[policy_id]
    after = _after_heading(engine, policy, sentence)
    if after is not None:
        sentence, probability = after, None
    if (past := past_sale(engine, policy.id, sentence, topics)) is not None:
        sentence, probability = past, None
    words = policy.text[sentence[0]:sentence[1]]
    if "sale" not in topics and excepts(words):
        return False  # "we do not share it except as described here": it does, as described (a sale it denies)
    evidence = engine.evidence
    if probability is None and evidence is not None:
        found = evidence.of(policy_id)
        at = np.flatnonzero((found.spans[:, 0] == sentence[0]) & (found.spans[:, 1] == sentence[1]))
        probability = float(found.negated[at[0]]) if len(at) else None
    # negative words that all deny nothing ("we may not have a direct relationship with you"), or none but "only" ("…is
    # only collected when your phone has location services turned on": a condition), outweigh the head
    denies = negated_by_words(words)
    explained = not denies and (NEGATION.search(words) is not None or re.search(r"\bonly\b", words, re.I) is not None)
    if probability is not None and probability >= engine.practice.stance_threshold and not explained:
        return True
    if denies:
        return True
    # A list's item says what its lead-in says of it: "We do not collect the following: … biometric data"
    lead = lead_in_of(policy, sentence)
    leading = policy.text[lead[0]:lead[1]] if lead is not None else ""
    return bool(leading) and negated_by_words(leading) and not excepts(leading)


def _after_heading(engine, policy, sentence: tuple[int, int]) -> tuple[int, int] | None:
    """The first sentence after `sentence` on a heading's line or a run-in heading ("Do-Not-Track Signals."), or None"""
    text = policy.text
    if engine.evidence is None:
        return None
    if run_in_heading(text, sentence):
        after = sentence[1]  # the rest of its paragraph's line
    else:
        line = text.rfind("\n", 0, sentence[0]) + 1
        if not any(line <= int(h[0]) <= sentence[0] for h in getattr(policy, "headings", ()) or ()) and \
                not bold_line(text, sentence):
            return None
        end = text.find("\n", sentence[1] - 1)
        after = len(text) if end < 0 else end  # the line after the heading's
    return _sentence_from(engine, policy.id, after)


def _sentence_from(engine, policy_id: str, position: int) -> tuple[int, int] | None:
    """The policy's first sentence starting at or after `position`, else None."""
    spans = engine.evidence.of(policy_id).spans
    later = np.flatnonzero(spans[:, 0] >= position)
    return (int(spans[later[0]][0]), int(spans[later[0]][1])) if len(later) else None


def past_sale(engine, policy_id: str, sentence: tuple[int, int], topics: Sequence[str]) -> tuple[int, int] | None:
    """For a question on sharing (not selling), the sentence after a deciding one that speaks of selling alone (or
    after the heading it opens under), on the same line: a sale denied says nothing of sharing, the next sentence
    does ("We'll never sell your personal information. We do share it with others in these ways:"). Else None."""
    policy = engine.policies[policy_id]
    if "sharing" not in topics or "sale" in topics or engine.evidence is None:
        return None
    read = _after_heading(engine, policy, sentence) or sentence
    if not SALE_ONLY.search(policy.text[read[0]:read[1]]):
        return None
    span = _sentence_from(engine, policy_id, read[1])
    return span if span is not None and "\n" not in policy.text[read[1]:span[0]] else None


# "Is my data kept only in the UK?" is answered by what the quote says of sending data beyond: "Some of our service
# providers may be located outside the UK" (a transfer, stated plainly) is a "no"; "we never transfer it outside the
# UK" (a denial) and "the data is held in the UK only" are a "yes".
_ONLY_HERE = re.compile(
    r"\bonly\s+(?:be\s+)?(?:kept\s+|stored\s+|held\s+|processed\s+)?(?:in|within|inside)\s+(?:the\s+)?"
    r"(?:uk|united\s+kingdom|britain|great\s+britain|england|eea|eu|european\s+(?:union|economic\s+area)|europe)\b|"
    r"\b(?:in|within|inside)\s+(?:the\s+)?(?:uk|united\s+kingdom|britain|england|eea|eu|europe)\s+only\b",
    re.IGNORECASE)
_BEYOND = re.compile(r"\boutside\b|\bout\s+side\b|\babroad\b|\boverseas\b|\bother\s+countries\b|\bthird\s+countr\w*|"
                     r"\bto\s+(?:a\s+|any\s+|another\s+)?countr(?:y|ies)\b|\bbetween\s+countries\b|\bUSA\b|(?-i:\bUS\b)|"
                     r"\bUnited\s+States\b|\bU\.S\.|\bAmerica\b|\bAmerican\b",
                     re.IGNORECASE)


def keeps_only_here(text: str) -> bool:
    """Whether a policy's `text` says the data stays only in one place ("the data is held in the UK only"): it then
    answers whether data goes to any other place, named or not. Kept per text (`specific.writes`): every row of a
    question naming a place reads its whole policy for it."""
    return writes(_ONLY_HERE, text)


# A denial of sending data beyond: the negation bears on the sending ("we never transfer your data outside the UK",
# "it is not stored overseas"), not on something else in the sentence ("laws outside the EEA may not protect it").
_NOT_BEYOND = re.compile(
    r"(?:\b(?:not|never)\b|n't\b|n’t\b)(?:\s+\w+){0,2}?\s+(?:transfer|send|sent|stor|mov|process|keep|kept|hold|held|"
    r"host)\w*\b[^.;]{0,80}?(?:" + _BEYOND.pattern + ")", re.IGNORECASE)

# Where a quote says the data stays: "hosted in the European Union", "stored in our data centres in the EEA" (not
# "if you are located in the EEA", which is where the user is).
_STAYS = re.compile(r"\b(?:stor|kept|keep|held|hold|host|process|sav)\w*\s+(?:[\w,]+\s+){0,8}?(?:in|within|inside)\s+"
                    r"(?:the\s+)?(?:uk|united\s+kingdom|britain|england|eea|eu|european\s+(?:union|economic\s+area)|"
                    r"europe)\b", re.IGNORECASE)


# What a quote must say to answer whether data leaves a place or stays in it: where it is kept or sent.
_SAYS_WHERE = re.compile("|".join(p.pattern for p in (_ONLY_HERE, _BEYOND, _STAYS)), re.IGNORECASE)


def border_words(question: str, topics: Sequence[str]) -> tuple[re.Pattern, ...]:
    """For a yes-no question whether data leaves a place ("…sent outside the EEA?") or stays in it, the words the
    quote must have (`_SAYS_WHERE`: "the data is held in the UK only", not "EEA law gives you rights"); else ()."""
    if tuple(topics[:1]) != ("international-transfers",) or question_kind(question) != YES_NO:
        return ()
    return (_SAYS_WHERE,) if _SAYS_WHERE.search(question) else ()


def asks_only_here(question: str, topics: Sequence[str]) -> bool:
    """Whether `question` asks if data stays only in a place ("Is CloudSentric's data held in the UK only?"), which
    `only_here_verdict` reads."""
    asking = asking_sentence(question)  # (not the scene: "…our governors want all data kept in the UK. Which…?")
    return tuple(topics[:1]) == ("international-transfers",) and bool(_ONLY_HERE.search(asking) or
                                                                        _STAYS.search(asking))


def only_elsewhere(question: str, verdict: str, quote: str) -> str:
    """A YES to whether data is in a place the question names, beside a quote keeping it only in another, is a NO
    ("Which companies store data in Ireland?" beside "…the data is held in the UK only"); else `verdict`."""
    if verdict != YES or not _ONLY_HERE.search(quote):
        return verdict
    places = [name for name in named_things(question) if name.lower() in PLACES | {"uk"}]
    return NO if places and len(unwritten(places, quote)) == len(places) else verdict


def only_here_verdict(question: str, topics: Sequence[str], verdict: str, quote: str) -> str:
    """The verdict on whether data stays *only* in a place (`_ONLY_HERE`, the first practice asked being
    international transfers), read from the `quote`: "yes" when it says the data stays there (`_ONLY_HERE`) or
    denies sending it beyond with no exception (`_NOT_BEYOND`); else "no" when it sends it beyond (`_BEYOND`,
    "we transfer it only to countries with adequate protection" included); else "yes" only when it says where the
    data is kept (`_STAYS`), and "not_stated" for a quote that says neither ("EEA residents have certain rights").
    The other way round, "is my data sent outside the UK?" (beyond, not "only") answered "yes" by a quote that
    says the data stays there and sends none beyond ("the data is held in the UK only") is a "no".
    Any other question, or a verdict neither "yes" nor "no": `verdict`."""
    if verdict not in (YES, NO) or tuple(topics[:1]) != ("international-transfers",):
        return verdict
    if not asks_only_here(question, topics):  # "…only in the UK?", "…kept in the UK?"
        beyond = verdict == YES and _BEYOND.search(question) and _ONLY_HERE.search(quote) and not _BEYOND.search(quote)
        return NO if beyond else verdict
    if _ONLY_HERE.search(quote) or (_NOT_BEYOND.search(quote) and not excepts(quote)):
        return YES
    if _BEYOND.search(quote):
        return NO
    return YES if _STAYS.search(quote) else NOT_STATED

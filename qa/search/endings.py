"""The end of an account or a service: what a question asks happens to data then (kept after it, deleted on it, still
held), and what a sentence says happens then. Read by `qa.search.answer`, `qa.search.readings` and
`qa.search.rereading`."""

from __future__ import annotations

import re

# "How long … after I delete my account?", "I'm deleting my account. How long might they hang on to my data
# afterwards?": what is kept once the account or service ends, said by a sentence about that end (`ENDING`), not
# "…for as long as you have a registered account"
_AFTER_ENDING = re.compile(r"\b(?:after|once|when)\s+(?:i|we)\s+(?:have\s+)?(?:\w+\s+)?(?:delet|clos|cancel|leave|left|"
                           r"stop|end|terminat|deactivat)\w*|\bafterwards\b|\b(?:i'm|i’m|i\s+am|we're|we’re|we\s+are)\s+"
                           r"(?:deleting|closing|cancell?ing|leaving)\b", re.IGNORECASE)
ENDING = re.compile(r"\b(?:delet|clos|cancel|terminat|deactivat|expir)\w*|\bend\s+of\b|\bafter\b|\bfollowing\b|"
                    r"\bonce\b|\bceas\w*", re.IGNORECASE)


def asks_after_ending(question: str) -> bool:
    """Whether `question` asks what is kept after the user's account or service ends (`_AFTER_ENDING`)."""
    return _AFTER_ENDING.search(question) is not None


# whether data is still held after an end ("I cancelled my hide.me account a while ago, do they still have my data?"),
# and a sentence saying it is deleted then
ASKS_STILL_HELD = re.compile(r"\bstill\s+(?:have|has|hold|holds|keep|keeps|store|stores|got)\b", re.IGNORECASE)
# (deleting asked before the end, "…delete my data when I close my account?", or after it, "If I stop being a
# customer, do they delete my data?")
_DELETING = r"\b(?:delet|eras|remov|destroy|wip)\w*"
_IF_I = r"\b(?:when|once|after|if)\s+(?:i|we)\s+(?:\w+\s+)?"
ASKS_DELETED = re.compile(rf"{_DELETING}\b[^?]{{0,40}}{_IF_I}(?:clos|cancel|leav|end|stop|delet|terminat)\w*|"
                          rf"{_IF_I}(?:clos|cancel|leav|end|stop|terminat)\w*\b[^?]{{0,90}}?{_DELETING}", re.IGNORECASE)
KEPT_AFTER = re.compile(r"\b(?:retain|keep|kept|hold|held|stor)\w*\b[^.;]*\b(?:even\s+)?after\b", re.IGNORECASE)
KEPT_STILL = re.compile(r"\b(?:unless|except|retain\w*|keep|kept|hold|held|archiv\w*)\b", re.IGNORECASE)
DELETED = re.compile(r"\b(?:is|are|will\s+be|gets?|get|be)\s+(?:\w+\s+)?(?:deleted|erased|destroyed|purged|removed)\b",
                     re.IGNORECASE)
# a right to ask for deletion ("you have the right to … delete it", "We will respond to any request to … delete your
# personal data"), which says nothing of deleting it when the account or service ends
RIGHT_TO_DELETE = re.compile(r"\b(?:right|rights|request\w*|ask\w*|entitled|contact\w*)\b[^.;]{0,80}?"
                             r"\b(?:delet|eras|remov|forgotten)\w*", re.IGNORECASE)
ON_ENDING = re.compile(r"\b(?:after|once|when|upon|following|end\s+of|terminat\w*|clos\w*|cancel\w*|expir\w*|leave|"
                       r"leaving|no\s+longer\s+(?:a\s+)?(?:customer|client|user|member))\b", re.IGNORECASE)

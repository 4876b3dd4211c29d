"""The words a practice is stated in, beside what the practice model reads: what vetoes a sentence for a practice
(`VETOES`: selling the business is no sale of data), what a sentence stating it must name (`REQUIRED`), and what
states it whatever the model reads (`SUFFICIENT`). Read by `qa.search.evidence.decide`."""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

# A sentence about selling the *business* (a merger, an acquisition, selling assets) is no sale of personal
# data, though it says "sell": the practice model, taught "sell" by keyword labels, reads it as one.
_BUSINESS_SALE = re.compile(
    r"\b(?:sell|sold|sale|transfer)\w*(?:\s*,\s*(?:or\s+|and\s+)?\w+)*(?:\s+(?:or|and)\s+\w+)?\s+(?:of\s+)?"
    r"(?:all\s+or\s+)?(?:(?:a\s+)?(?:parts?|line)\s+of\s+|substantially\s+all\s+(?:of\s+)?)?"
    r"(?:(?:our|the|its|their|other|another|any)\s+)?"
    r"(?:(?!(?:to|with|for|by|your|my|their|third|partner|advertis\w*)\b)\w+\s+)?"
    r"(?:business(?:es)?|compan(?:y|ies)|assets|shares|divisions?)\b|"
    r"\bmergers?\b|\bmerge[sd]?\s+with\b|\b(?:purchas|buy)ers?\s+of\s+(?:our|the|its)\s+business|\bacquisitions?\b|"
    r"\bacquired\b|\bbankrupt\w*|\binsolven\w*|\breorgani[sz]\w*|"
    # selling what the company makes ("we sell premium Services", "product lines", "advertising space"), or a
    # device ("if you sell or return a computer…, first log out")
    r"\b(?:re)?sell(?:s|ing)?\s+(?:or\s+\w+\s+)?(?:\w+\s+){0,2}?(?:products?|product\s+lines?|services|goods|tickets|"
    r"subscriptions?|advertising|ad\s+space|ads|merchandise|devices?|computers?|phones?|vehicles?|cars?)\b|"
    r"\bassets?\b[^.;]{0,60}\b(?:be\s+)?(?:sold|transferred)\b",
    re.IGNORECASE)
# A company deleting what it finds it holds about a child ("If we learn we collected information from a child
# under 13, we will delete it") is no right of the user's to have data erased; a parent's request is.
_CHILD_DELETION = re.compile(
    r"^(?=.*\b(?:child\w*|minors?|under (?:the age of )?1[0-9]|(?:age|aged) (?:of )?1[0-9])\b)"
    r"(?!.*\b(?:request\w*|ask\w*|contact\w*|you (?:may|can)|right)\b)", re.IGNORECASE | re.DOTALL)
# A definition of "sell" ("“sell” means exchanging…", "By sell, we mean…", "CCPA defines the term “sell”") sells none;
# a denial citing one does deny ("Apple does not sell your personal data including as “sale” is defined in Nevada…")
_SALE_DEFINITION = (r"(?<!\bas\s)[\"“'‘]s(?:ell|old|ale)[\"”'’]?\s+(?:means|is\s+defined|refers|when)\b|"
                    r"\bby\s+[\"“'‘]?sell[\"”'’]?,?\s+we\s+mean\b|\bdefin\w*\s+(?:the\s+terms?\s+)?[\"“'‘]?s(?:ell|ale)\b|"
                    r"\bdefinitions?\s+of\s+[\"“'‘]?s(?:ell|ale)")
# No sale either way: a link's name alone ("“Do not sell my personal information”"), the user selling ("If you sell…",
# "For users based in the UK … and selling on a Google marketplace, the data controller…")
_SALE_LINK = (r"^\W*do\s+not\s+sell\s+(?:or\s+share\s+)?my\s+(?:personal\s+)?(?:information|data|info)\W*$|"
              r"\b(?:if|when|where|once|whenever)\s+you\s+(?:\w+\s+)?(?:re)?sell\b|\bselling\s+(?:\w+\s+){0,3}?(?:on|"
              r"through|via)\s+(?:a|an|the|our|their)\s+(?:[\w-]+\s+){0,2}?(?:marketplaces?|platforms?|stores?|shops?)\b")
# Others selling ("…and third-party data brokers who sell personal data", "…data brokers who may further sell or share
# your personal data"): the company's own sale is another matter
_OTHERS_SELL = r"\b(?:who|that|which)\s+(?:may\s+|might\s+|can\s+|also\s+|further\s+)*(?:re)?sell\b"
# A sale supposed ("Were we ever to sell Personal Information…, we would provide information on our opt out")
_SUPPOSED = (r"\b(?:were\s+we\s+(?:ever\s+)?to|if\s+we\s+(?:ever|were\s+to|decide\s+to)|should\s+we\s+(?:ever\s+)?)"
             r"\s+sell\b")
# A sentence on selling data that passes it on in no other way: it states no sharing, nor denies any.
SALE_ONLY = re.compile(r"^(?!.*\b(?:shar|disclos|pass|transfer|provid|giv|hand|send|sent|transmit|releas|distribut|"
                       r"leas|trad|exchang|mak\w*\s+(?:\w+\s+)?available)\w*).*\b(?:sell|sells|selling|sold|rent|renting)\b",
                       re.IGNORECASE | re.DOTALL)
# Messages no one can opt out of are no marketing ("You may not, however, opt out of the Service-related emails",
# "…not be able to opt out of all emails, including certain administrative…", "(7) To send important
# notifications… Opting out of these is not possible due to their importance."); `SERVICE_MESSAGES` asks of them.
_SERVICE = r"(?:service|administrative|transactional|account|billing|operational|security|legal|important|essential)"
_CANNOT_OPT_OUT = r"\b(?:not|cannot|can't|can’t|unable)\b[^.;]{0,60}?\bopt(?:ing)?[- ]?out\s+of\s+"
NO_OPT_OUT = re.compile(
    rf"{_CANNOT_OPT_OUT}(?:(?:all|the|any|certain|some)\s+)?(?:[\w-]+\s+){{0,3}}?(?:e-?mails?|messages?|"
    rf"communications?|notices?|notifications?)\b[^.;]{{0,80}}?\b{_SERVICE}|"
    rf"{_CANNOT_OPT_OUT}(?:(?:the|any|certain)\s+)?{_SERVICE}|"
    r"\bopt(?:ing)?[- ]?out\s+of\s+(?:these|those|them|such)\b[^.;]{0,40}?\bnot\s+(?:be\s+)?possible\b",
    re.IGNORECASE)
SERVICE_MESSAGES = re.compile(rf"\b{_SERVICE}[\w-]*\s+(?:e-?mails?|messages?|communications?|notices?|notifications?|"
                              r"updates?)\b|\bconfirmations?\b|\breceipts?\b|\binvoices?\b", re.IGNORECASE)
VETOES = {"sale": re.compile(f"{_BUSINESS_SALE.pattern}|{_SALE_DEFINITION}|{_SALE_LINK}|{_OTHERS_SELL}|{_SUPPOSED}",
                             re.IGNORECASE),
           # a shared interest or responsibility shares no data ("You and Aetna agree that the parties have a shared
           # interest in reducing the fees and costs associated with arbitration.")
           # and a sentence on selling alone states no sharing ("We'll never sell your personal information.")
           "sharing": re.compile(r"\bshared\s+(?:interests?|responsibilit\w*|goals?|commitments?|understanding|values?|"
                                 rf"vision|mission|concerns?)\b|{SALE_ONLY.pattern}", re.IGNORECASE | re.DOTALL),
           # where data comes from is no use of it ("CloudSentric obtains personal data in a number of ways including
           # from orders…" answered "Can CloudSentric use my data for marketing without asking me?")
           "purposes": re.compile(r"\b(?:obtain|collect|receiv|gather|acquir|get)\w*\s+(?:\w+\s+){0,4}?in\s+(?:a\s+"
                                  r"(?:number|variety)\s+of|several|various|many|different)\s+ways\b|"
                                  r"\bfrom\s+(?:the\s+following|various|a\s+(?:number|variety)\s+of)\s+sources\b",
                                  re.IGNORECASE),
           "erasure": _CHILD_DELETION,
           # a parent's request for a child says nothing of children using the service or of their data collected ("You
           # may also make a verifiable consumer request on behalf of your minor child.")
           "children": re.compile(r"\b(?:request|act|ask)\w*\s+(?:\w+\s+){0,3}?on\s+behalf\s+of\s+(?:your|a|their|"
                                  r"the)\s+(?:minor\s+)?child(?:ren)?\b", re.IGNORECASE),
           # the time to answer a request keeps nothing ("…extend the response time for requests to longer than the
           # allotted 28 days" answered "How long does Concero keep my support requests?")
           "retention": re.compile(r"\bresponse\s+times?\b|\b(?:respond|reply|answer)\w*\s+(?:to\s+)?(?:\w+\s+){0,3}?"
                                   r"requests?\b[^.;]{0,60}\bwithin\b|"
                                   # a right to have data deleted is erasure ("request the deletion or rectification…")
                                   r"\b(?:request|ask|right\s+to)\w*\s+(?:for\s+)?(?:the\s+|us\s+to\s+)?(?:deletion|delete|"
                                   r"erasure|erase)\b", re.IGNORECASE)}
# A practice named by an act that a sentence stating it must name ("we do not share this type of data…": no sale).
REQUIRED = {"sale": re.compile(r"\b(?:(?:re)?sell(?!ers?\b)\w*|(?:re)?sold|sale|rent\w*|trade|trading|monetis\w*|"
                                r"monetiz\w*)\b",
                                re.IGNORECASE),
             "cookies": re.compile(r"\bcookie|\btrack\w*|\bbeacons?\b|\bpixels?\b|\btags?\b|\bsdks?\b|"
                                   r"\banalytics\b|\blocal\s+storage\b|\bflash\b|\bfingerprint\w*|"
                                   r"\bsimilar\s+technolog\w*|\bweb\s+storage\b", re.IGNORECASE),
             # keeping data: how long, where, or until when ("CloudSentric needs certain personal data to enable it to
             # provide its products" keeps nothing)
             # (not "hold" or "held": "confirmation that personal data is held", "we hold the right to charge")
             "retention": re.compile(r"\bretain\w*|\bretention\b|\bkeep\w*|\bkept\b|\bstor(?:e|es|ed|ing|age)\b|"
                                     r"\bmaintain\w*|\barchiv\w*|\bdelet\w*|\beras\w*|\bdestr\w*|"
                                     r"\bdispos\w*|\bpurg\w*|\bremov\w*|\banonymi[sz]\w*|\bperiods?\b|\blong\s+as\b|"
                                     r"\bdays?\b|\bmonths?\b|\byears?\b|\bpersist\w*|\bdurations?\b|\blonger\b|"
                                     r"\brecords?\b|\blogs?\b|\bpermanent\w*|\bindefinite\w*", re.IGNORECASE),
             # a ground the law allows, named: "you agree to the revised policy" (a change to the policy), "to enable
             # us to deliver the services", "(e) to fulfil our contracts" (purposes) name none
             "legal-basis": re.compile(r"\b(?:legal|lawful)\s+(?:basis|bases|grounds?)\b|"
                                       r"\blegitimate\s+(?:business\s+)?interests?\b|\bconsent\w*|\blegal\s+obligations?\b|\bvital\s+interests?\b|"
                                       r"\bpublic\s+(?:task|interest)\b|\bvalid\s+reasons?\b|\bGDPR\b|\bArticle\s+[69]\b|"
                                       r"\b(?:performance|necessary\s+for)\s+(?:of\s+)?(?:a|the|our|your)\s+contract\b",
                                       re.IGNORECASE),
             # children, by a word for them or an age ("We collect information when you use our website" is none)
             "children": re.compile(r"\bchild\w*|\bkids?\b|\bminors?\b|\bteen\w*|\byoung\w*\s+(?:people|persons|users|"
                                    r"individuals)\b|\bparent\w*|\bguardian\w*|\bjuveniles?\b|\bCOPPA\b|\bage\b|\baged\b|"
                                    r"\bunder\s+\d{1,2}\b|\b(?:1[0-8]|thirteen|sixteen|eighteen)\s+(?:years?|or\s+older)\b",
                                    re.IGNORECASE),
             # a change to the policy itself, not to "our services", prices or the law
             "policy-changes": re.compile(r"\bpolic(?:y|ies)\b|\bnotice\b|\bstatement\b|\bprivacy\b|"
                                          r"\bthis\s+(?:page|document)\b|\bterms\s+of\s+(?:use|service)\b",
                                          re.IGNORECASE)}


# The right of access named ("Right of access – …", "a subject access request"), in `SUFFICIENT`, `USER_ACCESS` and
# `_SEEING`
_RIGHT_OF_ACCESS = r"\bright\s+(?:of|to)\s+access\b|\bsubject\s+access\b"
# Words that state a practice whatever the practice model reads: "may indicate … whether or not they wish to receive
# such information", "to object to any unsolicited information … regarding promotions" (CloudSentric) state a way to
# refuse marketing. A sentence writing them states the practice at least FLOOR of its threshold.
SUFFICIENT = {"objection-marketing": re.compile(
    r"\bopt(?:s|ed|ing)?[- ]?out\b|\bunsubscrib\w*|\bobject\w*\s+to\b|\bwish\s+to\s+(?:no\s+longer\s+)?receive\b|"
    r"\bstop\s+receiving\b|\bno\s+longer\s+(?:wish|want)\s+to\s+receive\b|\bremove\w*\s+(?:\w+\s+){0,3}?from\s+"
    r"(?:\w+\s+){0,2}?(?:mailing|marketing|distribution|e-?mail)\s+lists?\b|"
    # "the right to ask us to not process your information for marketing purposes"
    r"\b(?:ask|request)\w*\s+us\s+(?:to\s+)?not\s+(?:to\s+)?(?:process|use|contact)\w*\b[^.;]{0,60}?\bmarketing\b|"
    # "You can revoke your consent to receive our newsletter at any time", "reply STOP to cancel"
    r"\b(?:revok\w*|withdraw\w*)\s+(?:\w+\s+){0,2}?consent\b[^.;]{0,60}?\b(?:receiv\w*|newsletters?|marketing|"
    r"e-?mails?|communications?|messages?|texts?|alerts?)\b|\b(?:reply|text|send)\s+(?:with\s+)?\W?STOP\b",
    re.IGNORECASE),
    # a fee for requests or copies ("we may charge a reasonable administration fee for certain requests"); the right
    # of access in its own words ("Right of access – to obtain a copy of your personal data", "obtain … confirmation
    # that personal data is held")
    "access": re.compile(_RIGHT_OF_ACCESS + r"|\bDSARs?\b|"
                         r"\b(?:request|obtain|receiv|get|ask\w*\s+for)\w*\s+(?:\w+\s+){0,3}?cop(?:y|ies)\s+of\s+(?:\w+\s+){0,3}?"
                         r"(?:data|information|PII)\b|\bconfirmation\b[^.;]{0,40}?\b(?:that|whether)\b[^.;]{0,60}?"
                         r"\b(?:data|information|PII)\b|"
                         r"\b(?:charg(?:e|es|ed|ing)|fees?)\b[^.;]{0,80}?\b(?:requests?|cop(?:y|ies))\b|"
                         r"\b(?:requests?|cop(?:y|ies))\b[^.;]{0,80}?\b(?:fees?|charg(?:e|es|ed|ing))\b",
                         re.IGNORECASE)}

# The company reaching data is no right of the user's to see it ("We collect and require access to different types of
# information in order to provide you with the Services…", "we may need to access your company's accounts database"
# answered "Can I ask Core Office for a copy of my data?"), unless the sentence also gives the user access.
COMPANY_ACCESS = re.compile(
    r"\bwe\s+(?:\w+\s+){0,3}?(?:require|need|have|gain|obtain|get)\w*\s+(?:\w+\s+){0,2}?access\b|"
    r"\bwe\s+(?:may\s+|might\s+|will\s+|can\s+|could\s+)?(?:need\s+to\s+|have\s+to\s+)?(?:remotely\s+)?access\s+"
    r"(?:to\s+)?(?:your|the|a|any)\s+(?:\w+\s+){0,2}?(?:company|business|computers?|systems?|devices?|networks?|"
    r"accounts?|equipment|servers?|e-?mails?|files|machines?|premises|sites?)\b|"
    r"\b(?:staff|engineers?|technicians?|employees|personnel)\s+(?:\w+\s+){0,3}?access\b", re.IGNORECASE)
USER_ACCESS = re.compile(r"\byou\s+(?:\w+\s+){0,3}?(?:access|obtain|receive|see|copy|copies|request\s+(?:access|"
                         r"a\s+copy|copies))\b|" + _RIGHT_OF_ACCESS, re.IGNORECASE)
# A question on the company reaching a user's systems or data, not on the user's right to see it
ASKS_COMPANY_ACCESS = re.compile(
    r"\b(?:staff|engineers?|technicians?|employees|team|helpdesk|support|remote\w*|they|them|their)\b[^?]{0,60}?"
    r"\b(?:access|see|look|get\s+into|log\s*(?:in|on))|\b(?:access|see|look\s+at|get\s+into|log\s*(?:in|on)\s+to)\s+"
    r"(?:\w+\s+){0,3}?(?:computers?|systems?|devices?|networks?|servers?|machines?|laptops?|pcs?|mailbox\w*|"
    r"e-?mails?|files|databases?|business\s+data|accounts\s+database)\b", re.IGNORECASE)


# The user's rights in their own words, which answer a question asked of several policies as `SUFFICIENT` does
# (not read where a practice is decided: "You can review, edit or delete your personal data by contacting us…",
# "Right to erasure – to request deletion of your personal data…")
_CORRECTING = re.compile(r"\b(?:rectif\w*|correct(?:ion|ed|ing)?|edit|amend\w*|updat\w*),?\s+(?:(?:or|and)\s+)?"
                         r"(?:[\w-]+,?\s+){0,5}?(?:personal\s+)?(?:data|information|details)\b|"
                         r"\bright\s+(?:of|to)\s+(?:rectification|correction)\b", re.IGNORECASE)
# "…will, when you request, provide you with information about whether we hold … your personal information"
_SEEING = re.compile(r"\b(?:provide|give|send|tell)\s+you\s+(?:with\s+)?(?:a\s+copy\s+of|copies\s+of|(?:information|"
                     r"details)\s+(?:about|of|on)\s+(?:whether|what|which|the\s+personal|your\s+personal|any))\b|"
                     rf"{_RIGHT_OF_ACCESS}|"
                     r"\byou\s+(?:can|may|have\s+the\s+right\s+to)\s+(?:\w+,?\s+){0,3}?(?:review|view|access|obtain)\b",
                     re.IGNORECASE)
RIGHT_IN_OWN_WORDS = {
    "access": re.compile(f"{_CORRECTING.pattern}|{_SEEING.pattern}", re.IGNORECASE),
    "erasure": re.compile(r"\bright\s+to\s+(?:erasure|be\s+forgotten|delet\w*)|\b(?:request|ask)\w*\s+(?:\w+\s+){0,4}?"
                          r"(?:delet\w*|eras\w*)|\b(?:delet|eras)\w*\s+(?:\w+\s+){0,3}?(?:personal\s+)?(?:data|information|"
                          r"details)\b", re.IGNORECASE)}
# What a question on access asks: to have data corrected, or to see it
_ASKS_CORRECTING = re.compile(r"\b(?:correct\w*|rectif\w*|inaccurate|wrong|incorrect|out[- ]of[- ]date|outdated|fix\w*|"
                              r"updat\w*|amend\w*|edit\w*|mistakes?|errors?)\b", re.IGNORECASE)
_ASKS_SEEING = re.compile(r"\b(?:see|copy|copies|access|hold\w*|held|have\s+on|view|look\s+at|obtain)\b|"
                          r"\bwhat\s+(?:\w+\s+)?(?:data|information|info|details)\b", re.IGNORECASE)


def in_own_words(topics: Sequence[str], question: str) -> Callable[[str], bool] | None:
    """A test that a sentence states what `question` asks of `topics` in the practice's own words (as `answers_across`
    reads them; for access, correcting or seeing the data, as the question asks), or None when there are none. (Not a
    fee for requests: it answers no question on a right by itself.)"""
    own = [found for t in topics if t != "access" for found in (SUFFICIENT.get(t), RIGHT_IN_OWN_WORDS.get(t))
           if found is not None]
    if "access" in topics:
        own += [words for words, asks in ((_CORRECTING, _ASKS_CORRECTING), (_SEEING, _ASKS_SEEING))
                if asks.search(question)]
    own += [words for topic, words in asked_own_words(question).items() if topic in topics]  # "…check who you are…?"
    return (lambda sentence: any(o.search(sentence) for o in own)) if own else None


# Checking who asks ("We may ask you for proof of identity.", "…verify your identity before fulfilling your request."):
# a request's own words, which state access only when the question asks about it (`asked_own_words`): else they would
# answer "Can I get a copy of my data?"
IDENTITY_CHECK = re.compile(r"\b(?:proof|verif\w*|check\w*|confirm\w*|establish\w*)\s+(?:of\s+)?(?:your\s+|the\s+|"
                            r"their\s+)?identity\b|\bidentity\s+(?:of\s+(?:the\s+)?(?:individual|person|requester)|checks?|"
                            r"verification)\b", re.IGNORECASE)
_ASKS_IDENTITY = re.compile(r"\b(?:prove|proof|verif\w*|check\w*|confirm\w*)\b[^?]{0,40}?\b(?:identity|who\s+"
                            r"(?:i|you|we)\s+(?:am|are)|(?:it'?s|it’s|it\s+is)\s+(?:really\s+)?(?:me|us))\b|\bID\b|"
                            r"\bidentification\b|\bidentity\b", re.IGNORECASE)


def not_access_alone(question: str) -> Callable[[str], bool]:
    """For a question on access: a test that a sentence is no mere access by the company (`COMPANY_ACCESS`, unless the
    question asks of that) nor a mere identity check (unless the question asks of that: "Can I see what data CT1 holds
    about me?" is not answered by "We may need to verify your identity before fulfilling your request.")."""
    company, identity = not ASKS_COMPANY_ACCESS.search(question), not _ASKS_IDENTITY.search(question)
    return lambda sentence: (not company or not COMPANY_ACCESS.search(sentence) or bool(USER_ACCESS.search(sentence))) \
        and (not identity or not IDENTITY_CHECK.search(sentence) or bool(USER_ACCESS.search(sentence)))


def asked_own_words(question: str) -> dict[str, re.Pattern]:
    """Per practice, words that state it for `question` alone, as `SUFFICIENT`'s do for every question."""
    return {"access": IDENTITY_CHECK} if _ASKS_IDENTITY.search(question) else {}


# A sentence of attitude, not of practice ("CloudSentric takes customer confidentiality and security very seriously.",
# "Sci-News.com is committed to protecting and respecting your privacy."): short, and decides only where no sentence
# of the practice is near (`evidence.decide` lowers its score by `FLUFF_PENALTY`)
FLUFF = re.compile(r"^(?=.{0,160}$).*(?:\b(?:takes?|treats?)\s+(?:[\w-]+\s+){0,6}?(?:very\s+|extremely\s+)?seriously\b|"
                   r"\b(?:is|are|remains?)\s+(?:fully\s+|deeply\s+|strongly\s+)?committed\s+to\s+(?:protecting|respecting|"
                   r"safeguarding)\b|\b(?:respect|value)s?\s+(?:your\s+)?privacy\b|\bimportant\s+to\s+us\b)",
                   re.IGNORECASE | re.DOTALL)
FLUFF_PENALTY = 0.25

"""How a question's own wording reads the sentence that decides it, when its stance alone would mislead.

"Do they do it *without* my consent?", "Do they *only* use session cookies?", "*Can I* stop them?", "Is it *free*?", "Do
they keep it *forever*?": each asks something a plain "does" or "does not" of the deciding sentence does not answer as
the question means it (`qa.search.verdict` reads the stance; `qa.search.answer` applies these readings)."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.search.asked_names import asking_sentence
from qa.search.details import FOREVER
from qa.search.endings import ASKS_DELETED, ASKS_STILL_HELD, DELETED, KEPT_AFTER, KEPT_STILL
from qa.search.lengths import TAKING, age_told, age_under, days_in, minimum_age, periods
from qa.search.more_readings import DENIES_USER
from qa.search.negation import denies_only
from qa.search.phrases import GUARANTEE_ASKED, GUARANTEE_WRITTEN
from qa.search.verdict import ASKS_NEEDED, LEAD_IN, NO, YES, YES_NO, denies_other, negated_by_words, question_kind

# A question whether the company does something *without* a safeguard ("without any agreement", "without
# asking us first", "without telling me") is answered "no" by a sentence that names the safeguard ("covered
# by appropriate transfer agreements", "we will always seek your permission first") or denies doing it
# without one ("never ... without explicit permission"); "yes" only by one that says it does it without.
_WITHOUT = re.compile(
    r"\b(?:without|with\s+no)\s+(?:(?:any|my|our|your|their|a|an|the|first)\s+)*(?:\w+\s+){0,2}?(?:agreements?|consent|permission|"
    r"asking|telling|notice|notif\w*|contracts?|safeguards?|protections?|legal\s+basis|basis|confidentiality|"
    r"approval|authori[sz]ation|warning|checks?|(?:court\s+)?orders?|warrants?|subpoenas?|"
    # "Can I get a copy of my personal data from Core Office without filling in any form?": what the user must do
    r"forms?|filling\s+(?:in|out)|identification|verif\w*|(?:proof\s+of\s+)?identity)\b", re.IGNORECASE)


def asks_without(question: str) -> bool:
    """Whether a yes-no `question` asks if the company does something without a safeguard (`_WITHOUT`)."""
    return question_kind(question) == YES_NO and bool(_WITHOUT.search(asking_sentence(question)))


def without_verdict(sentence: str) -> str:
    """The verdict of the deciding `sentence` for a question `asks_without`: YES only when it says the company
    acts without a safeguard and denies nothing, else NO."""
    if not re.search(r"\bwithout\b", sentence, re.IGNORECASE):
        return NO
    rest = re.sub(r"\bwithout\s+your\s+(?:prior\s+)?(?:consent|permission)", " ", sentence, flags=re.IGNORECASE)
    return NO if negated_by_words(rest) else YES


# "Do they only use session cookies?", "Is the statement only about their website?": a sentence saying it is
# broader ("we use both types", "it also applies to … as well as …") answers "no".
_ONLY = re.compile(r"\bonly\b|"
                   # "Is every cookie 23T uses strictly necessary?", "Are all of its cookies essential?"
                   r"^\s*(?:is|are)\s+(?:every|each)\b|^\s*are\s+all\s+(?:of\s+)?(?:the\s+|its\s+|their\s+|[\w-]+'s\s+)?"
                   r"(?:\w+\s+)?(?:cookies|providers|partners|suppliers|processors|recipients|vendors)\b",
                   re.IGNORECASE)
# "only if", and "only (for) as long as necessary", "only when…": a condition or a limit, no "only this kind"
_NOT_RESTRICTING = re.compile(r"\bnot\s+only\b|\bthe\s+only\b|\bonly\s+if\b|\bif\s+only\b|"
                              r"\bonly\s+(?:for\s+)?as\s+long\s+as\b|\bonly\s+(?:when|where|while|until|after|to\s+the\s+extent)\b",
                              re.IGNORECASE)
BROADER = re.compile(r"\bboth\b|\bas\s+well\s+as\b|\balso\b|\bin\s+addition\b|\bas\s+well\b", re.IGNORECASE)


# "Does CloudSentric always get my consent before disclosing my data?" beside "As a general rule, CloudSentric does not
# disclose … except where…": an exception says "no".
_ALWAYS = re.compile(r"\balways\b|\bin\s+every\s+case\b|\bwithout\s+exception\b", re.IGNORECASE)
EXCEPTIONS = re.compile(r"\bexcept\w*\b|\bunless\b|\bas\s+a\s+general\s+rule\b|\bgenerally\b|\btypically\b|"
                        r"\bin\s+most\s+cases\b|\bwhere\s+(?:possible|practicable|appropriate)\b", re.IGNORECASE)


def asks_always(question: str) -> bool:
    """Whether a yes-no `question` asks if something is so always, without exception (`_ALWAYS`)."""
    return question_kind(question) == YES_NO and bool(_ALWAYS.search(question))


def asks_only(question: str) -> bool:
    """Whether a yes-no `question` asks if something is so *only* (of one kind, place or use)."""
    return question_kind(question) == YES_NO and bool(_ONLY.search(asking_sentence(question))) and \
        not _NOT_RESTRICTING.search(question)


# "Can I stop Concero sending me marketing?" beside "If you have not opted in…, we will not contact you": the company's
# "not" is the user's freedom. A question about what the user can do is "no" only beside a sentence denying the user
# it (`more_readings.DENIES_USER`: "you cannot", "it is not possible", "These cookies … cannot be turned off").
_USER_CAN = re.compile(rf"^\s*{LEAD_IN}(?:can|could|may)\s+(?:i|we)\b|^\s*{LEAD_IN}(?:am\s+i|are\s+we)\s+able\b|"
                       rf"^\s*{LEAD_IN}(?:do|does)\s+(?:i|we)\s+have\s+(?:the|a|any)\s+right\b|"
                       rf"^\s*{LEAD_IN}is\s+it\s+possible\s+(?:for\s+(?:me|us)\s+)?to\b|"
                       # "Which companies let me delete my data?", "Does X allow me to opt out?"
                       r"\b(?:let|lets)\s+(?:me|us)\b|\ballows?\s+(?:me|us)\s+to\b|\b(?:am\s+i|are\s+we)\s+allowed\b",
                       re.IGNORECASE)


# "Can I get a copy of my data for free?": a quote naming a fee ("for a prescribed fee") says no, one free yes.
# what the user must do first ("you must complete a … form", "you will need to verify your identity")
_MUST = re.compile(r"\b(?:you|customers?|users?|individuals?)\s+(?:\w+\s+)?(?:must|(?:will\s+)?(?:need|have)\s+to|"
                   r"(?:are|is)\s+required\s+to)\b", re.IGNORECASE)
_ASKS_FREE = re.compile(r"\bfor\s+free\b|\bfree\s+of\s+charge\b|\bwithout\s+(?:paying|(?:a|any)\s+fee|charge)\b"
                        r"|\bat\s+no\s+cost\b|\bis\s+(?:it|that|this)\s+free\b", re.IGNORECASE)
_SAYS_FREE = re.compile(r"\bfree\s+of\s+charge\b|\bno\s+(?:fee|charge|cost)\b|"
                        r"\bwithout\s+(?:a\s+|any\s+)?(?:fee|charge)\b|\bat\s+no\s+cost\b|"
                        r"\b(?:not|never)\s+(?:\w+\s+)?(?:charge|ask\s+you\s+to\s+pay)\b|"
                        r"\bfor\s+free\b", re.IGNORECASE)  # not "feel free to contact us"
_NAMES_FEE = re.compile(r"\bfees?\b|\bcharg\w*|\bcosts?\b|\bpay\b", re.IGNORECASE)
# "Do they keep my data forever?": only a quote keeping it without end says yes ("may be retained indefinitely");
# one that bounds it (a period, "as long as necessary", "until", deletion) says no.
# A number of days, weeks, months or years: "30 days", "seven (7) years"
_COUNT = r"\d+|one|two|three|four|five|six|seven|eight|nine|ten|twelve"
_TIME_UNIT = r"\s+(?:\(\d+\)\s+)?(?:days?|weeks?|months?|years?)\b"
_ASKSFOREVER = re.compile(FOREVER, re.IGNORECASE)
_WITHOUT_END = re.compile(r"\bforever\b|\bfor\s+ever\b|\bindefinitely\b|\bno\s+(?:time\s+)?limit\b|\bin\s+perpetuity\b|"
                          r"\bpermanently\b(?!\s+(?:delet|eras|remov|destroy))", re.IGNORECASE)  # (not "…deleted")
_BOUNDED = re.compile(r"\bas\s+long\s+as\b|\buntil\b|\bno\s+longer\s+than\b|\bup\s+to\b|\bmaximum\b|\bperiods?\b|"
                      r"\bduration\b|\bnecessary\b|\bdelet\w*|\berase\w*|\bexpir\w*|\banonymi[sz]\w*|"
                      rf"\b(?:{_COUNT}){_TIME_UNIT}", re.IGNORECASE)


# "we cannot be held responsible for your own security measures": the company disowns what the user does, which
# answers a question on responsibility ("will they take responsibility if my systems are hacked?") and no other.
_YOUR_OWN = re.compile(r"\b(?:cannot|can't|can\s+not|not)\s+(?:be\s+)?(?:held\s+)?(?:responsible|liable)\s+for\s+"
                       r"(?:your|the\s+user'?s?|customers'?)\s+own\b[^;.]*", re.IGNORECASE)
_ASKS_RESPONSIBLE = re.compile(r"\bresponsib\w*|\bliab\w*|\bblame\w*|\bfault\b|\bcompensat\w*", re.IGNORECASE)
# "is scaleway responsible for backing up the stuff I host?" beside "It is also up to the customer to make any
# backups…": what is left to the user is no duty the company takes on
_LEFT_TO_USER = re.compile(r"\bup\s+to\s+(?:the\s+)?(?:customers?|users?|you)\b|"
                           r"\b(?:your|the\s+(?:customer|user)['’]?s?)\s+(?:own\s+|sole\s+)?responsibilit\w*|"
                           r"\bresponsibility\s+of\s+(?:the\s+)?(?:customers?|users?)\b|"
                           r"\b(?:you|customers?|users?)\s+(?:are|is|remain)\s+(?:solely\s+)?responsible\b",
                           re.IGNORECASE)


# "Can CT1 guarantee my data is completely secure?" beside "no transmission of data … can be guaranteed as
# completely secure": a guarantee or an absolute the sentence denies answers "no", one it gives "yes".
_ASKS_GUARANTEE = re.compile(GUARANTEE_ASKED, re.IGNORECASE)
_GUARANTEE = re.compile(GUARANTEE_WRITTEN, re.IGNORECASE)
_DISCLAIMS = re.compile(rf"\b(?:no|not|cannot|can't|can’t|never)\b[^.;]{{0,120}}?(?:{GUARANTEE_WRITTEN})",
                        re.IGNORECASE)

# "Will CloudSentric keep sending me marketing after I opt out?" beside "…may indicate … whether or not they wish to
# receive such information": a way to refuse it answers "no", unless the sentence says it goes on regardless.
# "I", "I have", "I've" before what the user did ("after I've opted out")
_I_HAVE = r"(?:i|we)(?:\s+have|'ve|’ve)?\s+"
_ASKS_AFTER_REFUSING = re.compile(
    r"\b(?:keep|keeps|continu\w*|still|carry\s+on)\b[^?]{0,50}?\b(?:after|once|if|when|even\s+(?:if|after|though))\s+"
    + _I_HAVE + r"(?:opt\w*[- ]out|unsubscrib\w*|object\w*|withdr[ae]w\w*|"
    r"ask\w*\s+(?:\w+\s+){0,2}?to\s+stop|sa(?:y|id)\s+no|refus\w*)|"
    # "I hit unsubscribe on 23T's marketing emails. Will they just carry on sending me promos anyway?"
    r"\b(?:i|we)(?:\s+have|'ve|’ve|\s+just|\s+already)?\s+(?:(?:hit|click\w*|press\w*|used)\s+(?:the\s+)?"
    r"unsubscrib\w*|opt\w*[- ]out|unsubscrib\w*|withdr[ae]w\w*)\b[^.!?]*[.!;]\s+[^?]*?\b(?:keep|keeps|continu\w*|still|"
    r"carry\s+on)\b|"
    # "If I tell FedEx to stop using my data for marketing, can they keep doing it?", "I said yes … but changed my
    # mind. Does Microsoft keep collecting my info?"
    r"\b(?:if|once|when|after)\s+(?:i|we)\s+(?:\w+\s+){0,2}?(?:tell|ask|told|asked)\s+(?:\w+\s+){0,2}?to\s+stop\b[^?]{0,80}?"
    r"\b(?:keep|keeps|continu\w*|still|carry\s+on)\b|"
    r"\bchang\w*\s+(?:my|our)\s+minds?\b[^?]*?\b(?:keep|keeps|continu\w*|still|carry\s+on)\b",
    re.IGNORECASE)
# (what is kept is no going on: "I unsubscribed from their marketing emails. Do they still keep my email address?")
_KEEPS_MINE = re.compile(r"\b(?:keep|keeps|hold|holds|store|stores|retain|retains)\s+(?:on\s+to\s+)?"
                         r"(?:my|our|all\s+(?:of\s+)?my|any\s+of\s+my)\b", re.IGNORECASE)
# what stops once the user refuses: "FedEx will immediately cease to use your Personal Data", "…will be stopped"
_STOPS = re.compile(r"\bceas\w*|\b(?:will|shall|would)\s+(?:be\s+)?(?:\w+\s+)?stop(?:ped)?\b|\bno\s+longer\b",
                    re.IGNORECASE)
_OFFERS_REFUSAL = re.compile(r"\bopt(?:s|ed|ing)?[- ]?out\b|\bunsubscrib\w*|\bobject\w*\s+to\b|\bwish\s+to\s+"
                             r"(?:no\s+longer\s+)?receive\b|\bstop\s+(?:receiving|sending)\b|\bwithdraw\w*|\brevok\w*|"
                             r"\b(?:reply|text|send)\s+(?:with\s+)?\W?STOP\b",
                             re.IGNORECASE)
_GOES_ON = re.compile(r"\bstill\b|\bcontinu\w*|\beven\s+(?:if|after|though)\b|\bregardless\b", re.IGNORECASE)
# "If I unsubscribe from Overleaf marketing, will they stop emailing me completely?" beside "…even if you unsubscribe
# from marketing messages, we may still send you emails about the services you use": it does not stop altogether
# "Will 123Greetings notify me when they change it?" beside "…the right to amend this Privacy Policy … without notice"
_ASKS_TOLD = re.compile(r"\b(?:notif\w*|tell|told|inform|let\s+(?:me|us)\s+know|alert|warn)\b", re.IGNORECASE)
_UNANNOUNCED = re.compile(r"\bwithout\s+(?:any\s+|prior\s+|further\s+|advance\s+)?(?:notice|notif\w*|telling)\b", re.I)
_ASKS_STOPS_ALL = re.compile(r"\b(?:stop|cease|end)\w*\s+(?:\w+\s+){0,3}?(?:completely|entirely|altogether|at\s+all|"
                             r"for\s+good)\b|\bstop\s+(?:\w+\s+){0,2}?all\b|\bnever\s+(?:get|receive|hear)\b",
                             re.IGNORECASE)

# "Does CT1 keep enquiry data for more than two years?" beside "enquiry data is retained for up to 2 years…": a
# bound at the period asked says "no", unless the sentence keeps it longer too ("…we may keep recordings for longer").
_MORE_THAN = re.compile(r"\b(?:more|longer)\s+than\s+(?=\w+[\s-]*(?:\(\d+\)\s*)?(?:day|week|month|year)s?\b)",
                        re.IGNORECASE)
_BOUND_AT = re.compile(r"\b(?:up\s+to|no\s+(?:more|longer)\s+than|(?:a\s+)?maximum\s+(?:of\s+)?|at\s+most|"
                       r"not\s+(?:more|longer)\s+than|within)\s+$", re.IGNORECASE)
_LONGER = re.compile(r"(?<!\bno\s)(?<!\bnot\s)\blonger\b", re.IGNORECASE)


def _bounded_at(question: str, sentence: str) -> bool:
    """Whether `sentence` bounds what is kept at the length of time `question` asks it is kept beyond."""
    if not _MORE_THAN.search(question) or _LONGER.search(sentence):
        return False
    return any(_BOUND_AT.search(sentence[:m.start()])
               for period in periods(question) for m in period.finditer(sentence))


# "Does Concero share more than my contact details with a third party during an install?" beside "…we will only ever
# share your contact details and nothing else": a question asking for more than something, answered by a sentence
# saying only that, is "no" (a length of time or "necessary" is read elsewhere: `_bounded_at`, `verdict._UNLIMITED`).
_ASKS_MORE = re.compile(r"\b(?:more\s+than|anything\s+(?:other\s+than|else\s+(?:than|besides|but|apart\s+from))|"
                        r"other\s+than|besides|apart\s+from|beyond)\s+(?!(?:is\s+)?(?:necessary|needed|required)\b|"
                        rf"(?:an?|{_COUNT}){_TIME_UNIT})(?:my|our|your|the|a|an|their)\b", re.IGNORECASE)
_ONLY_THAT = re.compile(r"\bonly\b(?!\s+(?:if|when|where|until)\b)|\bnothing\s+(?:else|more)\b|\bno\s+(?:other|more)\b|"
                        r"\bsolely\b|\bexclusively\b", re.IGNORECASE)

# "Does Concero need my consent to contact me?" beside "If you have not opted in to our marketing process, we will not
# contact you": a denial that hinges on consent says consent is needed, unless it says none is ("we do not need your
# consent to…").
_ASKS_CONSENT = re.compile(r"\b(?:need|require|ask|get|obtain|seek)\w*\s+(?:[\w'’]+\s+){0,2}?(?:consent|permission)\b|"
                           r"\b(?:have|need)\s+to\s+opt[- ]?in\b|"
                           # "Which of them only send marketing if I've opted in?"
                           r"\bonly\b[^?]{0,60}?\b(?:if|when|once|after)\s+" + _I_HAVE +
                           r"(?:opt\w*[- ]?in|consent\w*|agree\w*|(?:given|give)\s+(?:my\s+|our\s+)?"
                           r"(?:consent|permission))",
                           re.IGNORECASE)
_NAMES_CONSENT = re.compile(r"\bconsent\w*|\bpermission\b|\bopt(?:s|ed)?[- ]?in\b", re.IGNORECASE)
_NO_CONSENT_NEEDED = re.compile(r"\b(?:not|n't|never)\s+(?:\w+\s+){0,2}?(?:need|require|ask|seek|obtain)\w*\s+"
                                r"(?:\w+\s+){0,2}?(?:consent|permission)\b", re.IGNORECASE)


_ASKS_UNCHANGED = re.compile(r"\b(?:stay|remain|be\s+kept|kept)\s+(?:exactly\s+)?(?:the\s+)?same\b|\bnever\s+(?:be\s+)?"
                             r"chang\w*|\blocked\s+in\b|\bfor\s+good\b|\bset\s+in\s+stone\b|\bfixed\s+for\s+ever\b",
                             re.IGNORECASE)
_CHANGES = re.compile(r"\b(?:chang|updat|modif|amend|revis|evolv)\w*", re.IGNORECASE)
_ASKS_WAIT = re.compile(r"\b(?:have|need|got)\s+to\s+wait\b|\bwait\s+until\b|\bonly\s+(?:after|once)\s+(?:my|our|the)"
                        r"\s+(?:\w+\s+){0,2}?(?:contract|subscription|service|account)\b|"
                        # "I said yes to marketing when I placed my first order. Am I stuck getting their promo info?"
                        r"\bstuck\s+(?:with|getting|receiving)\b|\bforced\s+to\s+(?:keep\s+)?(?:get|receiv)\w*|"
                        r"\bno\s+way\s+(?:out|to\s+(?:stop|opt))\b",
                        re.IGNORECASE)
_ANY_TIME = re.compile(r"\bat\s+any\s+(?:time|point|later\s+time)\b|\bany\s+time\b", re.IGNORECASE)
# whether the user must give something ("Do I have to give 23T my phone number when I place an order?"), and a thing
# a sentence marks as optional ("Your name, phone number (optional), email address…")
_ASKS_MUST_GIVE = re.compile(r"\b(?:have|need)\s+to\s+(?:give|provide|enter|share|supply|submit|tell)\b|"
                             r"\b(?:must|required\s+to)\s+(?:i\s+|we\s+)?(?:give|provide|enter|supply|submit)\b|"
                             r"\b(?:is|are)\s+(?:\w+\s+){0,3}?(?:mandatory|compulsory|required|obligatory)\b",
                             re.IGNORECASE)
_OPTIONAL = re.compile(r"\boptional\b|\bvoluntar\w*|\bnot\s+(?:required|mandatory|obligatory|compulsory)\b",
                       re.IGNORECASE)


def _optional_here(question: str, sentence: str) -> bool:
    """Whether `sentence` marks as optional a thing `question` names (a word of it in the list item just before
    "optional": "phone number (optional)", not "Your name" before it)."""
    words = {w.lower() for w in re.findall(r"[A-Za-z]{4,}", question)} - _ASKING_WORDS
    before = (re.split(r"[,;:\n•]", sentence[max(0, m.start() - 40):m.start()])[-1]
              for m in _OPTIONAL.finditer(sentence))
    return any(words & {w.lower() for w in re.findall(r"[A-Za-z]{4,}", item)} for item in before)


_ASKING_WORDS = {"have", "give", "provide", "enter", "share", "supply", "submit", "tell", "must", "need", "when",
                 "what", "which", "does", "will", "required", "mandatory", "your", "their", "them", "they", "with",
                 "from", "order", "place", "sign", "signing", "account", "data", "information", "details", "personal"}


# "still works" beside "cannot … without it"; "covered by its own policy?" beside a sentence handing it to another's
_ASKS_STILL_WORKS = re.compile(r"\b(?:still|continue\s+to)\s+(?:work|function|be\s+available)\b", re.IGNORECASE)
_NEEDS_IT = re.compile(r"\bwithout\b[^.;]{0,80}?\b(?:cannot|can't|can’t|will\s+not|won't|may\s+not|might\s+not)\b|"
                       r"\b(?:may|might|will)\s+not\s+(?:work|function)\b", re.IGNORECASE)
_ASKS_COVERED = re.compile(r"\b(?:covered|governed)\s+by\s+(?:[\w&.'’-]+\s+){0,3}?(?:privacy\s+)?(?:policy|statement|"
                           r"notice)\b", re.IGNORECASE)
_OTHERS_POLICY = re.compile(r"\b(?:subject\s+to|governed\s+by|covered\s+by)\s+(?:the\s+)?(?:respective\s+|own\s+)?"
                            r"(?:privacy\s+)?(?:polic(?:y|ies)|statements?|notices?|terms)\s+(?:of|for)\s+(?!(?:this|our|us)\b)"
                            r"|\bsubject\s+to\s+(?:such\s+)?(?:third[- ]part\w*['’]?|their)\s+(?:own\s+)?pol", re.I)
# whether someone may do something ("can she use it?", "is that allowed?", "do they let minors on?"), not whether
# something is needed ("does my 14 year old need my consent?"); children asked of, with or without an age
_ASKS_ALLOWED = re.compile(r"\b(?:can|could|may|allowed|permitted|let|lets|able|ok|okay|eligible)\b", re.IGNORECASE)
_CHILDREN = re.compile(r"\bchild\w*|\bkids?\b|\bminors?\b|\bunder[- ]?age\b", re.IGNORECASE)
# a time limit the company gives itself ("certainly within 1 calendar month of receiving the request")
_WITHIN = re.compile(r"\b(?:within|no\s+later\s+than|in\s+no\s+more\s+than)\s+(?:\w+\s+){0,3}?"
                     r"(?:days?|weeks?|months?|years?)\b", re.IGNORECASE)


def asked_verdict(question: str, verdict: str, sentence: str) -> str:
    """`verdict` as the question's wording reads the deciding `sentence`, for a "yes" or "no":
    - whether it is free (`_ASKS_FREE`): free YES, a fee named NO;
    - whether data is kept forever (`_ASKSFOREVER`): kept without end YES, bounded NO (a passage giving no
      time answers no such question: `DETAILS`);
    - what the user can do (`_USER_CAN`): a NO stands only when `sentence` denies the user it, else YES;
    - a NO whose only denial disowns what the user does (`_YOUR_OWN`) is a YES unless responsibility is asked;
    - a NO whose only denial is of something other than what is asked (`verdict.denies_other`) is a YES;
    - whether consent is needed (`_ASKS_CONSENT`): a NO that names consent says it is, a YES;
    - whether security is guaranteed (`_ASKS_GUARANTEE`): a guarantee denied NO, given YES;
    - whether it goes on after the user refuses (`_ASKS_AFTER_REFUSING`): a YES beside a way to refuse is a NO;
    - whether it stops altogether (`_ASKS_STOPS_ALL`): a YES beside what goes on regardless is a NO;
    - whether the user is told (`_ASKS_TOLD`): a YES beside "without notice" is a NO;
    - whether the company is responsible: a YES beside what is left to the user (`_LEFT_TO_USER`) is a NO;
    - whether data is kept longer than a period (`_bounded_at`): a YES beside a bound at that period is a NO;
    - whether more than something is done (`_ASKS_MORE`): a YES beside "only" that is a NO;
    - whether a person of the age the user tells may do it: NO under the sentence's minimum age, else YES;
    - whether the user must give a thing the sentence marks optional: NO.
    Any other question or verdict is returned as it is."""
    if verdict not in (YES, NO):
        return verdict
    if verdict == NO and denies_only(sentence, _YOUR_OWN) and not _ASKS_RESPONSIBLE.search(question):
        return YES
    if verdict == NO and denies_other(question, sentence):
        return YES
    if verdict == YES and _ASKS_STILL_WORKS.search(question) and _NEEDS_IT.search(sentence):
        return NO  # "…will the shopping basket still work?" beside "Without these cookies, … cannot be provided"
    if verdict == YES and _ASKS_COVERED.search(question) and _OTHERS_POLICY.search(sentence):
        return NO  # "…covered by Core Office's own privacy policy?" beside "…governed by the privacy policy of…"
    if verdict == NO and _ASKS_CONSENT.search(question) and _NAMES_CONSENT.search(sentence) and \
            not _NO_CONSENT_NEEDED.search(sentence) and not _ALWAYS.search(question):
        return YES
    if verdict == YES and ASKS_STILL_HELD.search(question) and DELETED.search(sentence) and \
            not _GOES_ON.search(sentence) and not KEPT_STILL.search(sentence) and not negated_by_words(sentence):
        return NO  # "I cancelled my account a while ago, do they still have my data?" beside "…is deleted"
    if verdict == YES and ASKS_DELETED.search(question) and KEPT_AFTER.search(sentence) and \
            not DELETED.search(sentence) and not negated_by_words(sentence):
        return NO  # "Does the NYT delete my data when I close my account?" beside "…retain … even after you close…"
    if verdict == YES and _ASKS_AFTER_REFUSING.search(question) and not _KEEPS_MINE.search(question) and \
            (_OFFERS_REFUSAL.search(sentence) or _STOPS.search(sentence)) and not _GOES_ON.search(sentence):
        return NO
    if verdict == YES and _ASKS_TOLD.search(question) and _UNANNOUNCED.search(sentence):
        return NO
    if verdict == YES and _ASKS_STOPS_ALL.search(question) and _GOES_ON.search(sentence):
        return NO
    if verdict == YES and _ASKS_RESPONSIBLE.search(question) and _LEFT_TO_USER.search(sentence) and \
            question_kind(question) == YES_NO:
        return NO
    if verdict == YES and _bounded_at(question, sentence):
        return NO
    if verdict == YES and _ASKS_MORE.search(question) and _ONLY_THAT.search(sentence):
        return NO
    if verdict == YES and _ASKS_UNCHANGED.search(question) and _CHANGES.search(sentence):
        return NO  # "Will Concero's privacy notice stay the same from now on?" beside "this policy will change…"
    if verdict == YES and _ASKS_WAIT.search(question) and _ANY_TIME.search(sentence):
        return NO  # "Do I have to wait until our contract ends before I can stop…?" beside "…at any time"
    if TAKING.search(question) and (within := _WITHIN.search(sentence)) and question_kind(question) == YES_NO:
        asked, limit = days_in(question), days_in(within.group())
        if asked is not None and limit is not None:  # "allowed to take three months?" beside "within 1 calendar month"
            return NO if asked > limit else YES
    if verdict == YES and _ASKS_MUST_GIVE.search(question) and _optional_here(question, sentence):
        return NO  # "Do I have to give 23T my phone number…?" beside "…phone number (optional), email address…"
    if _ASKS_ALLOWED.search(question) and not ASKS_NEEDED.search(question) and question_kind(question) == YES_NO:
        told, least = age_told(question), minimum_age(sentence)
        if told is not None and least is not None:  # "my sister is 17, can she use it?" beside "18 or older"
            return NO if told < least else YES
        if (under := age_under(question)) is not None and least is not None and under <= least:
            return NO  # "Does Steam let children under 13 use it?" beside "The minimum age … is 13."
    if verdict == YES and _CHILDREN.search(question) and age_told(question) is None and age_under(question) is None \
            and (minimum_age(sentence) or 0) >= 13 and question_kind(question) == YES_NO:
        return NO  # "Does Flutterwave collect information from children?" beside "…only … if you are aged 18 or older"
    if _ASKS_GUARANTEE.search(question) and _GUARANTEE.search(sentence):
        return NO if _DISCLAIMS.search(sentence) else YES
    if _ASKS_FREE.search(question):
        return YES if _SAYS_FREE.search(sentence) else NO if _NAMES_FEE.search(sentence) else verdict
    if _ASKSFOREVER.search(question) and question_kind(question) == YES_NO:
        if _WITHOUT_END.search(sentence):  # "…retained indefinitely", not "no obligation to store it indefinitely"
            return NO if negated_by_words(sentence) else YES
        return NO if _BOUNDED.search(sentence) else verdict
    if verdict != NO or not _USER_CAN.search(asking_sentence(question)) or DENIES_USER.search(sentence):
        return verdict
    # "Can I get a copy … without filling in any form?" beside "you must complete a Personal Data Request Form"
    return NO if asks_without(question) and _MUST.search(sentence) else YES


# "Right to object – to object to our processing of your data … (including profiling)", "the right not to be subject
# to automated decision-making": a right to refuse a practice does not say the company carries it out. A "yes" to
# "Does CT1 use my data for profiling?" resting on one is no answer, unless the question asks about refusing it.
_RIGHT_TO_REFUSE = re.compile(r"\bright\s+(?:to\s+object|not\s+to\s+be\s+subject(?:ed)?)\b", re.IGNORECASE)
_ASKS_REFUSING = re.compile(r"\bobject\w*|\brights?\b|\bopt\w*\s+out\b|\brefus\w*|\bstop\b|\bprevent\w*|\bsay\s+no\b|"
                            r"\bchalleng\w*|\bcontest\w*|\bexempt\w*", re.IGNORECASE)


# "Does Concero let me opt out of call recording?" beside "All our phone calls are recorded…": a user asking to refuse
# something is answered "yes" only by a sentence offering a way to refuse, stop or choose.
_ASKS_TO_REFUSE = re.compile(r"\bopt(?:s|ing)?[- ]?out\b|\bobject\w*\b|\brefus\w*|\bturn\w*\s+(?:\w+\s+){0,3}?off\b|"
                             r"\bswitch\w*\s+(?:\w+\s+){0,3}?off\b|\bdisabl\w*|\bdecline\b|\bsay\s+no\b|\bblock\w*|"
                             r"\bunsubscrib\w*|\bstop\b|\bwithdraw\w*", re.IGNORECASE)
OFFERS_CHOICE = re.compile(r"\bopt(?:s|ed|ing)?[- ]?(?:out|in)\b|\bunsubscrib\w*|\bobject\w*|\bwithdraw\w*|\brefus\w*|"
                           r"\bdecline\w*|\bdisabl\w*|\bturn\w*\s+(?:\w+\s+){0,3}?off\b|\bswitch\w*\s+off\b|\bblock\w*|"
                           r"\breject\w*|\bchoo?s\w*|\bchoices?\b|\bcontrol\w*|\bsettings?\b|\bpreferences?\b|"
                           r"\bstop\w*|\bprevent\w*|\bdelet\w*|\bremov\w*|\bright\s+to\b|\bcontact(?:ing)?\s+us\b|"
                           r"\blet\s+us\s+know\b|\brequest\w*|\bwish\w*|\bconsent\w*|\bpermission\b|\bno\s+longer\b|"
                           r"\bat\s+any\s+time\b|\b(?:not|n't)\s+enabl\w*|\b(?:do\s+not|don't|don’t)\s+want\b|\ballows?\s+you\s+to\b",
                           re.IGNORECASE)


def no_way_to_refuse(question: str, verdict: str, sentence: str) -> bool:
    """Whether a YES to a `question` asking whether the user can refuse something (`_USER_CAN`, `_ASKS_TO_REFUSE`)
    rests on a `sentence` (the marked one) offering no way to refuse, stop or choose: then the policy does not say."""
    return verdict == YES and asks_to_refuse(question) and not OFFERS_CHOICE.search(sentence)


# "Can I stop Concero sending me marketing?" beside "If you have not opted in to our marketing process, we will not
# contact you…": a sentence offering a choice answers it, but the one that offers the refusal asked for ("You have the
# right to ask us to not process your information for marketing purposes") is the proof to quote.
_REFUSAL_OFFERED = re.compile(_OFFERS_REFUSAL.pattern + r"|\bobject\w*|\brefus\w*|\bdecline\w*|\bdisabl\w*|\bblock\w*|"
                              r"\b(?:turn|switch)\w*\s+(?:\w+\s+){0,3}?off\b|\breject\w*|\bprevent\w*|\blimit\w*|"
                              # not a choice remembered ("These cookies allow our websites to remember choices…")
                              r"\bcontrol\w*|\bchoo?s\w*|(?<!remember )(?<!remembers )(?<!remember the )\bchoices?\b|"
                              r"\bwhether\s+or\s+not\b|"
                              r"\bstop\w*\s+(?:\w+\s+)?(?:receiv|send|us|process|contact|market|track|collect|shar)\w*|"
                              r"\bno\s+longer\b|\b(?:do\s+not|don't|don’t)\s+want\b|"
                              r"\bright\s+to\s+(?:ask\s+(?:us\s+)?(?:to\s+)?)?(?:not|restrict)\b|\bask\s+us\s+(?:to\s+)?not\b",
                              re.IGNORECASE)
# Words of asking to refuse, which name nothing refused
_REFUSAL_WORDS = frozenset({"opt", "out", "stop", "object", "refuse", "unsubscribe", "withdraw", "decline", "block",
                            "say", "sending", "send", "receiving", "receive", "turn", "off", "switch", "disable"})


_HOW_TO = re.compile(rf"^\s*{LEAD_IN}how\s+(?:do|can|could|would|should|may)\s+(?:i|we)\b|"
                     # someone the user speaks for ("…a colleague wants a copy. How does she exercise her rights?")
                     rf"^\s*{LEAD_IN}how\s+(?:does|can|could|should|would|may)\s+(?:she|he|they|my\s+\w+)\s+(?!\w+\s+(?:my|our)\b)",
                     re.IGNORECASE)


def asks_to_refuse(question: str) -> bool:
    """Whether `question` asks whether (or how) the user can refuse, stop or opt out of something."""
    return bool(_USER_CAN.search(question) or _HOW_TO.search(question)) and bool(_ASKS_TO_REFUSE.search(question))


# How a refusal is made: "…by following the instructions included in every email", "…using the unsubscribe link"
_MEANS = re.compile(r"\bby\s+(?:\w+\s+){0,2}?\w+ing\b|\bvia\b|\busing\b|\bclick\w*|\blinks?\b|\bcontact\w*|"
                    r"\b(?:e-?mail|write\s+to|call|phone)\w*\s+us\b|\binstructions?\b|\bsettings?\b|\bform\b|"
                    r"\bportal\b|\b[\w.+-]+@[\w-]+\.[\w.]+|"
                    # "…reply STOP to any text message from us", "text STOP to 12345"
                    r"\b(?:reply|replying|text|texting|send|sending)\s+(?:with\s+)?\W{0,2}STOP\b", re.IGNORECASE)


def asks_how(question: str) -> bool:
    """Whether `question` asks how the user does something ("How do I stop you sending me promotional emails?")."""
    return bool(_HOW_TO.search(asking_sentence(question)))


def gives_means(sentence: str) -> bool:
    """Whether `sentence` says how something is done (`_MEANS`: by a link, by contacting the company…)."""
    return bool(_MEANS.search(sentence))


def offers_refusal(sentence: str) -> bool:
    """Whether `sentence` offers a way to refuse, stop or object (`_REFUSAL_OFFERED`), not only a choice."""
    return bool(_REFUSAL_OFFERED.search(sentence))


def refused_terms(terms: Sequence[str]) -> list[str]:
    """`terms` (a question's key terms) without the words of asking to refuse: what is refused."""
    return [t for t in terms if t not in _REFUSAL_WORDS]


# The other rights a sentence may give beside objecting ("…the right to object to us using your data or to delete it")
_OTHER_RIGHTS = re.compile(r"\b(delet|eras|rectif|correct|access|cop(?=y|ies)|portab|restrict)\w*", re.IGNORECASE)


def refusal_only(question: str, verdict: str, sentence: str) -> bool:
    """Whether a YES to a yes-no `question` about what the company does rests only on a right to refuse the practice
    (`sentence`, the marked one: `_RIGHT_TO_REFUSE`): then the policy does not say the company does it. Not when the
    sentence also gives the right the question asks about ("Will they delete my data when I ask?" beside "…the right
    to object to us using your data or to delete it")."""
    if verdict != YES or question_kind(question) != YES_NO or _USER_CAN.search(question) or \
            _ASKS_REFUSING.search(question) or not _RIGHT_TO_REFUSE.search(sentence):
        return False
    asked = {m.group(1).lower() for m in _OTHER_RIGHTS.finditer(question)}
    return not asked & {m.group(1).lower() for m in _OTHER_RIGHTS.finditer(sentence)}


# "What personal data does CloudSentric hold about end users?", "What do they collect about me at CT1?": a question
# asking which kinds of data the company has (not what it shares, why or for how long)
_ASKS_WHAT_DATA = re.compile(
    rf"^\s*{LEAD_IN}what\s+(?:(?:kinds?|types?|sorts?|categories|pieces?)\s+of\s+)?(?:(?:personal|private)\s+)?"
    r"(?:(?:data|information|info|details)\s+)?(?:do|does|did|will|would|is|are|can)\b[^?]*?\b(?:collect\w*|gather\w*|"
    r"hold|holds|held|keep|keeps|kept|stor(?:e|es|ed)|process|processes|have|has|know|knows|record|records|obtain\w*)\b"
    r"(?![^?]*\b(?:share|shares|sell|sells|disclose|pass|transfer|send|give|gives|for\s+how\s+long|for)\s*\??\s*$)",
    re.IGNORECASE)
_ABOUT_DATA = re.compile(r"^\s*what\s+(?:(?:kinds?|types?|sorts?|categories|pieces?)\s+of\s+)?"
                         r"(?:(?:personal|private)\s+)?(?:data|information|info|details)\b|\b(?:collect\w*|gather\w*)\b|"
                         r"\babout\s+(?:me|us)\b|\bon\s+(?:me|us)\b", re.IGNORECASE)
# A sentence naming kinds of data (`_DATA_KIND`): a list ("…will generally include: company name, company size and
# sector, …") or the lead-in to one ("…the following categories of personal data:"); not one of sources ("…obtains
# personal data in a number of ways including from orders…"), of ways, or of uses ("Most of CloudSentric' use of
# personal data is necessary to…")
_LISTS_DATA = re.compile(r"\b(?:includ\w*|such\s+as|e\.g\.|for\s+example|like|namely)\b|[:;]", re.IGNORECASE)
_LEADS_TO_DATA = re.compile(r"\bfollowing\s+(?:categories|types|kinds|pieces|items)\s+of\b|"
                            r"\bfollowing\s+(?:personal\s+)?(?:data|information|details)\b", re.IGNORECASE)
_NOT_KINDS = re.compile(r"\b(?:obtain\w*|receiv\w*|collect\w*|gather\w*|get)\b[^.;:]{0,160}?\bfrom\b(?!\s+you\b)|"
                        r"\b(?:ways?|reasons?|sources?)\s*:|\bpurposes?\b|\bnecessary\s+(?:to|for)\b|"
                        r"\b(?:use|uses|used|using)\s+(?:of\s+)?(?:the\s+|your\s+|this\s+|personal\s+)*"
                        r"(?:data|information)\b", re.IGNORECASE)
_DATA_KIND = re.compile(r"\b(?:names?|e-?mails?|addresse?s?|phones?|telephone|numbers?|IP|payments?|cards?|bank|"
                        r"accounts?|contacts?|job\s+titles?|passwords?|usernames?|devices?|locations?|browsers?|"
                        r"identifiers?|birth|age|gender|photo\w*|signatures?|billing|logs?|cookies?)\b", re.IGNORECASE)
# The words of asking which data a company has, which qualify it no further ("What details does CloudSentric keep
# about its customers?"), unlike "…when I buy something?", "…from its website visitors?"
WHAT_DATA_WORDS = frozenset({
    "personal", "private", "data", "information", "info", "details", "collect", "collects", "collected", "gather",
    "gathers", "hold", "holds", "held", "keep", "keeps", "kept", "store", "stores", "stored", "process", "processes",
    "have", "has", "know", "knows", "record", "records", "obtain", "obtains", "type", "types", "kind", "kinds", "sort",
    "sorts", "categories", "pieces", "customers", "customer", "clients", "users", "user", "end", "use", "uses",
    "using"})


def asks_what_data(question: str) -> bool:
    """Whether `question` asks which kinds of data the company collects or holds (`_ASKS_WHAT_DATA`)."""
    return bool(_ASKS_WHAT_DATA.search(question)) and bool(_ABOUT_DATA.search(question))


def lists_data(sentence: str) -> bool:
    """Whether `sentence` names kinds of data in a list, or leads in to one (`_LISTS_DATA`, `_LEADS_TO_DATA`)."""
    if _NOT_KINDS.search(sentence):
        return False
    return bool(_LEADS_TO_DATA.search(sentence)) or (bool(_LISTS_DATA.search(sentence)) and sentence.count(",") >= 2
                                                      and bool(_DATA_KIND.search(sentence)))

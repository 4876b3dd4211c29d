"""Whether a sentence's own words deny something (`negated_by_words`): a negation of the verb phrase, less negative
words that deny nothing the company does (`_NOT_A_DENIAL`), and exceptions that undo a denial (`excepts`). Read by
`qa.search.verdict`, which decides the stance from these and the practice model."""

from __future__ import annotations

import re

# Without a practice model, a sentence's stance comes from its words: a negation of the verb phrase.
NEGATION = re.compile(r"\b(?:not|never|no|neither|nor|cannot|none)\b|n['’]t\b|\bwithout\s+your\s+(?:prior\s+)?"
                       r"(?:consent|permission)|\bunable\s+to\b|"
                       # "Windstream’s dealers are prohibited from accessing or using your CPNI unless you sign…"
                       r"\b(?:prohibited|forbidden|barred|precluded)\s+from\b|"
                       # "…your search engine, without targeted advertising or retention of your search history"
                       # (nouns only: "impossible to delete your entry without retaining residual information" keeps it)
                       r"\bwithout\s+(?:any\s+)?(?:[\w-]+\s+){0,4}?(?:retention|storage|logging|logs|tracking|profiling|"
                       r"profiles?|sale)\b|"  # and "…calls … without sharing either party's actual phone number":
                       r"\bwithout\s+(?:ever\s+)?(?:sharing|disclosing|revealing|exposing)\b", re.IGNORECASE)


# Negative words that deny nothing the company does: "including but not limited to", "not only", "whether or
# not", "do not hesitate", "when it is no longer needed", and a condition on what the user does not do ("if
# you do not want to receive marketing, …", up to its comma).
_NOT_A_DENIAL = re.compile(
    r"\b(?:but\s+)?not\s+(?:be\s+)?limited\s+to\b|\bnot\s+only\b|\b(?:whether|if)\s+or\s+not\b|\bor\s+not\b|"
    r"\b(?:do\s+not|don't|don’t)\s+hesitate\b|\bno\s+longer\s+(?:be\s+)?(?:needed|necessary|required)\b|"
    # ("If we no longer need your data…"); the user's choice ("You can decide not to receive these emails"); a part
    # ("We do not record every call…": some it does); what a law asks ("…under local laws, which may not require…")
    r"\bno\s+longer\s+(?:need|needs|require|requires)\b|\b(?:decide|choose|elect|opt|prefer|wish)\s+not\s+to\s+"
    r"receive\b[^,;.]*|\bnot\s+(?:\w+\s+)?(?:every|always|necessarily)\b[^,;.]*|\b(?:which|that)\s+(?:may|might|do|"
    r"does)\s+not\s+require\b[^,;.]*|"
    # a limit: "…may be extended, but for no longer than two further months", "no more than necessary", in time
    # ("you might not be able to change or delete it until after the completion of the purchase") or in extent ("it
    # may not be possible to completely delete all of your Information")
    r"\b(?:no|not)\s+(?:longer|later|more)\s+than\b|"
    r"\b(?:not|never)\b[^.;]{0,100}?\buntil\s+(?:after\s+)?(?:the\s+)?(?:completion|you|we|it|such|that|this|all)\b[^,;.]*|"
    r"\bnot\b[^.;]{0,40}?\b(?:(?:completely|fully|entirely)\s+(?:delete|remov|eras)\w*|(?:delete|remov|eras)\w*\s+all)\b"
    r"[^,;.]*|"
    # (also "…directly if: (i) you would no longer like to be contacted", "If your application does not match a
    # position…", "If you have been subject to an automated decision and do not agree with the outcome, …")
    r"\b(?:if|unless|should|where|when|while|whether):?\s+(?:\(\w{1,4}\)\s+)?"
    r"(?:you(?:['’]re)?|your\s+[\w-]+|(?:a|the)\s+(?:data\s+subject|user|member|customer))\s+(?:(?:(?!\b(?:we|us|our|they|it)\b)[^,;.]){0,60}?\s)?(?:do\s+not|does\s+not|don['’]t|doesn['’]t|have\s+not|"
    r"haven['’]t|are\s+not|aren['’]t|is\s+not|isn['’]t|not|no\s+longer|"
    r"would\s+(?:not|rather\s+not)|(?:prefer|choose|decide|wish)\s+not)\b[^,;.]*|"
    # an exception to what the company does ("We will comply with such requests unless we have a legitimate ground to
    # not delete your personal data"), what deleting leaves ("If you delete your Content…, it will no longer be
    # accessible"), what stops when the user stops it ("Data will no longer be collected after you turn off this
    # feature")
    r"\bunless\s+(?:\w+\s+){1,6}?(?:to\s+)?not\b[^,;.]*|"
    # (and how soon: "we cannot promise that all data will be deleted within a specific time frame")
    r"\b(?:cannot|can['’]t|can\s+not)\s+(?:promise|guarantee)\s+that\s+[^.;]{0,40}?\b(?:delet|eras|remov)\w*[^,;.]*|"
    r"\b(?:delet|eras|remov)\w*\b[^.;]{0,80}?\bno\s+longer\s+(?:be\s+)?(?:accessible|available|visible|viewable|"
    r"retrievable)\b|\bno\s+longer\b[^.;]{0,60}?\b(?:after|once|when|if)\s+you\b[^,;.]*|"
    # a condition on a thing ("…and if the transfer is not to a country which is the subject of an adequacy decision")
    r"\b(?:if|where|when|whenever|unless)\s+(?:the|a|an|such|this|that|any)\s+(?:[\w-]+\s+){1,3}?(?:is|are|was|were|"
    r"does|do|has|have)\s+not\b[^,;.]*|"
    # a caveat about other countries' laws, no denial of a transfer: "…transferred to … the United States and other
    # countries that may not provide the same level of data protection as your home country"
    r"\b(?:may|might|do|does|will|would|could)\s+not\s+(?:be\s+able\s+to\s+)?(?:provide|offer|have|give|afford|ensure)\s+"
    r"(?:\w+\s+){0,4}?(?:same|equivalent|adequate|similar|comparable)\b[^,;.]*|"
    # an alternative set aside ("you may be interacting with a generative AI platform and not a live person") and a
    # concession the main clause overrides ("Although we do not sell personal data for monetary consideration, we do
    # sell personal data, including sharing for targeted advertising")
    r"\band\s+not\s+(?:with\s+|to\s+)?(?:a|an)\s+(?:[\w-]+\s+){0,2}?(?:person|human|individual|people|employee|"
    r"agent|representative)\b|\bnot\s+(?:a\s+)?(?:robots?|bots?|machines?)\b|"  # ("…for human users, not robots…")
    r"\b(?:although|though|while|whilst)\s+(?:we|it|they)\s+(?:do|does|will|may)\s+not\b[^,;.]*(?=,\s*(?:we|it|they)\s+"
    r"(?:do|does)\s+(?!not\b)\w+)|"
    # "you may or may not be aware", "these rights are not absolute", "the list is not exhaustive"
    r"\b(?:may|might|can|could|will|do|does)\s+or\s+(?:may|might|can|could|will|do|does)\s+not\b|"
    r"\bnot\s+(?:absolute|unlimited|exhaustive|an\s+exhaustive)\b|"
    # what the user may ask of the company: "the right to ask us to not process it for marketing", "the right
    # not to be subject to…", "you can tell us not to…", up to its comma
    r"\bright\s+not\s+to\b[^,;.]*|"
    # a thing that needs what is asked: "Without these cookies, services like shopping baskets cannot be provided"
    r"^\W*without\b[^.;]{0,80}?\b(?:cannot|can't|can’t|can\s+not|could\s+not|would\s+not|will\s+not|won't|won’t|"
    r"may\s+not)\b|"
    # data kept beyond a right to erasure: "…we may have to keep your details on file and they will not be subject to
    # the Right to be Forgotten"
    r"\b(?:will|shall|may|would)\s+not\s+be\s+subject\s+to\s+(?:\w+\s+){0,2}?right\w*\b[^,;.]*|"
    # a disclaimer of perfect security: "no transmission of data over the internet can be guaranteed as completely
    # secure" (one of responsibility, "we cannot be held responsible for your own security measures", denies it)
    r"\bno\s+(?:one|transmission|method|means|(?:security\s+)?system|security\s+measures?)\b[^.;]{0,80}?\b(?:guarantee\w*|"
    r"100\s*%|impenetrable|infallible|foolproof|(?:completely|perfectly|entirely|fully|absolutely)\s+secure)\b[^,;.]*|"
    # others' duty ("…are obligated not to disclose or use it for any other purpose", "…on condition that they may not
    # further disclose your data", "…contractors … that have agreed not to disclose it to others"), control disclaimed
    # ("we do not control the third parties' use", "Third-Party Services are not owned or controlled by Miro"), what the
    # user does not want or is not ("…inform websites that you do not want to be tracked", "…to verify that you are not
    # a bot"), and a definition ("The following information is not PII: … IP Address")
    r"\b(?:third[- ]part\w*|providers?|processors?|vendors?|partners?|contractors?|recipients?)\b[^.;]{0,200}?"
    r"(?:\b(?:obligated|obliged|required|bound|agreed|agrees?|undertak\w*)\s+(?:not\s+to|to\s+not)\b|\b(?:they|who|"
    r"that|which)\s+(?:may|must|shall|will|can)\s+not\s+(?:further\s+)?(?:disclose|share|use|sell|transfer|pass)\b)"
    r"[^,;.]*|"
    r"\b(?:do|does|can|could)\s+not\s+control\b[^,;.]*|\bnot\s+(?:owned\s+or\s+)?(?:controlled|affiliated)\s+(?:by|with)\b[^,;.]*|"
    r"\bthat\s+(?:you|a\s+user|users|the\s+user)\s+(?:do|does)\s+not\s+(?:want|wish|like)\b[^,;.]*|"
    r"\b(?:verify|check|confirm)\s+that\s+you\s+are\s+not\b[^,;.]*|"
    r"\b(?:is|are)\s+not\s+(?:considered\s+)?(?:PII|personal(?:ly\s+identifiable)?\s+(?:data|information))\b|"
    # a definition of data that identifies no one ("Anonymous information means information that does not directly
    # or indirectly identify, and cannot reasonably be used to identify, an individual guest") or what is public
    r"\b(?:that|which)(?:,\s*[\w\s]{1,20},)?\s+(?:does|do)\s+not\s+(?:\w+\s+){0,4}?(?:identify|identifies|have\s+a\s+"
    r"(?:restricted|limited|private)\s+audience)\b[^,;.]*|"
    r"\b(?:cannot|can['’]t|can\s+not)\s+(?:reasonably\s+)?be\s+used\s+to\s+(?:\w+\s+){0,2}?identify\b[^,;.]*|"
    # "we may not have a direct relationship with the individuals whose data is processed"
    r"\b(?:may|might|do|does|will)\s+not\s+have\s+an?\s+(?:direct\s+)?relationship\b[^,;.]*|"
    r"\b(?:ask|asking|request|requesting|tell|telling|instruct|instructing)\s+(?:us|that\s+we|them|that\s+they|"
    r"(?-i:that\s+[A-Z][\w-]+))\s+(?:(?:do|does|will|should)\s+)?(?:to\s+)?(?:not|stop|cease)\b[^,;.]*|"
    # the name of a signal, a list or a link ("We support Do Not Track", "registered with Do Not Call Lists", "Do Not
    # Sell My Personal Information"): capitalised, hyphenated or quoted; "we do not track your location" and a heading
    # "We Do Not Sell Your Personal Information" deny
    r"(?-i:(?<!\bWe\s)\bDo[- ]Not[- ](?:Track|Call|Sell|Share|Disturb|E-?mail|Mail)\b)|"
    r"\bdo-not-(?:track|call|sell|share)\b|\bdo\s+not\s+track\s+(?:signals?|requests?|settings?|preferences?|headers?)\b|"
    r"[\"“'‘]do\s+not\s+(?:track|call|sell|share)\b", re.IGNORECASE)


# "unless we need to use a third party to help provide our service", "unless required by law" except a case in which
# the company does it; "unless you choose to provide it", "unless we give prior notice" are conditions, no exception
_EXCEPT = re.compile(r"\b(?:except|excepting|save\s+as)\b|"
                     r"\bunless\s+(?:we\s+(?:need|have\s+to|are\s+(?:required|obliged))|"
                     r"(?:it\s+is\s+|we\s+are\s+|legally\s+|otherwise\s+)?(?:required|necessary|obliged|compelled))\b",
                     re.IGNORECASE)


# A second verb the exception may belong to ("Cloudflare does not share this data with others and deletes this after
# 24 hours unless necessary for its security or legal obligations": the deletion is excepted, not the sharing)
_SECOND_VERB = re.compile(r"\band\s+(?:will\s+|may\s+)?(?:deletes?|retains?|keeps?|stores?|removes?|erases?|"
                          r"destroys?)\b", re.IGNORECASE)


def excepts(sentence: str) -> bool:
    """Whether `sentence` makes an exception ("we do not share it except as described"): then a denial is no "no";
    one after a second verb (`_SECOND_VERB`) excepts that verb's act only."""
    return bool(_EXCEPT.search(_SECOND_VERB.split(sentence, maxsplit=1)[0]))


def negated_by_words(sentence: str) -> bool:
    """Whether `sentence` holds a negation that denies something ("does not", "never"), less `_NOT_A_DENIAL`."""
    return bool(NEGATION.search(_NOT_A_DENIAL.sub(" ", sentence.replace("_", " "))))  # (and "does _not_ provide")


def denies_only(sentence: str, words: re.Pattern) -> bool:
    """Whether `words` are in `sentence` and, taken out, leave no denial: the sentence's only negation is theirs."""
    return bool(words.search(sentence)) and not negated_by_words(words.sub(" ", sentence))

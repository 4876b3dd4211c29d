"""Phrases several modules read: a question about the company itself being sold (`qa.search.cues`,
`qa.search.things`), security guaranteed (`qa.search.readings`, `qa.search.things`) and a browser's signal not to be
tracked with what a company does with it (`qa.search.things`)."""

from __future__ import annotations

# A question about the company itself being sold, merged or taken over ("What happens to my data if Core Office
# is sold?"), not about selling data ("will my data be sold?"): a business transfer.
COMPANY_SOLD = (r"\b(?:if|when|once|after|should)\s+(?!(?:my|your|our|the|this|that|their|any|it|data)\b)"
                r"(?:[\w&.'-]+\s+){1,4}?(?:is|are|gets|get|was|were|be|being)\s+(?:sold|bought|acquired|taken\s+over)\b|"
                # ("If one of these IT firms gets bought out or merges with another company…")
                r"\b(?:company|companies|business|businesses|firms?)\s+(?:\w+\s+)?(?:is|gets|get|was|were|be|being)\s+"
                r"(?:sold|bought|acquired|taken\s+over)\b|"
                # (not data merged: "Do any of them merge info they get about me … with what they already hold?")
                r"\bmerge[sd]?\b(?!\s+(?:[\w-]+\s+){0,3}?(?:data|information|details|info|records)\b)|"
                r"\bmergers?\b|\bacquisitions?\b|\btakeover\b|"
                # "Which companies say they might sell the business with my data?"
                r"\b(?:sell|sells|selling|buy|buys|buying)\s+(?:the|their|its|our|your|a)\s+(?:\w+\s+)?"
                r"(?:business|company|firm)\b(?!['’]s)(?!\s+(?:subscriptions?|plans?|products?|services?|accounts?|"
                r"memberships?|licen[cs]es?|tickets?)\b)")  # not "My employer buys CloudSentric's services", "a X plan"

# A question asking whether security is guaranteed or absolute, and the words a policy gives to it (see
# `qa.search.readings.asked_verdict`: a policy denying it answers "no").
GUARANTEE_ASKED = (r"\bguarantee\w*\b[^?]{0,60}?\b(?:secur\w*|safe\w*|protect\w*|hack\w*|breach\w*|leak\w*|lost|loss|"
                   r"stolen)|\b(?:secur\w*|safe\w*|protect\w*)\b[^?]{0,40}?\bguarantee\w*|"
                   r"\b(?:completely|totally|perfectly|absolutely|fully|entirely|100\s*%|100\s+per\s*cent)\s+"
                   r"(?:secure|safe|protected)\b|\bimpenetrable\b|\bunhackable\b|"
                   r"\b(?:can(?:not|'t|’t)|never)\s+be\s+(?:hacked|breached)\b")
GUARANTEE_WRITTEN = (r"\bguarantee\w*|\b100\s*(?:%|per\s*cent\b)|\b(?:completely|totally|perfectly|absolutely|fully|"
                     r"entirely)\s+(?:secure|safe|protected)\b|\bimpenetrable\b|\bunhackable\b")

# a browser's privacy signal, and what a company does with it
SIGNAL = (r"\bdo[- ]not[- ]track\b|\bDNT\b|\bglobal\s+privacy\s+control\b|\bGPC\b|\bopt-out\s+preference\s+signals?\b|"
           r"\bnot\s+to\s+be\s+tracked\b")
HEEDS = (r"respon\w*|honou?r\w*|recogni[sz]\w*|respect\w*|accept\w*|abide\w*|adher\w*|detect\w*|"
         r"take\s+(?:any\s+)?action|act\s+on|support\w*|compl(?:y|ies)\b|ignor\w*|"
         r"treat\w*|process\w*\s+(?:such|these|those|the)\b|(?:change|alter)\w*\s+(?:\w+\s+){0,2}?(?:behaviou?r|practices)")

"""Details a question asks for ("How long…?", "What's their postal address?", "Will they tell me if they are
hacked?"), and what a passage must hold to answer it: `demanded(question)` gives the patterns of `DETAILS` the
answering passage must match, or the row is "not stated"."""

from __future__ import annotations

import re
from collections.abc import Sequence

from qa.ingest.sentences import split_sentences
from qa.search.terms import without_addresses

# A question that asks for a particular detail is answered only by a passage that gives one: "How long do they
# keep it?" / "How many days do they have to reply?" by a length of time (a number of days, weeks, months or
# years, or the words policies use instead: "as long as necessary", "a standard period", "promptly"); "What's
# their postal address?" by an address; "Do they charge a fee?" by a passage about fees or charges;
# "Do they use automated decision-making / profiling?" by one that speaks of it. A passage on the topic
# without the detail ("we keep your data securely", "contact us at privacy@…") is related, no answer.
# "Where is my data stored?", "which countries…?": a question asking for a place (and, in `evidence`, about
# international transfers)
ASKS_PLACE = re.compile(r"\bwhere\s+(?:is|are|do|does|will|would|can)\b(?:\s+[\w'’]+){0,4}?\s+"
                        r"(?:stor|kept|keep|held|hold|host|process|located)\w*|\b(?:which|what)\s+countr\w*|"
                        # "Does Core Office say where my data is stored?"
                        r"\bwhere\s+(?:my|our|your|the|their)\s+(?:\w+\s+){0,2}?(?:is|are|gets?)\s+(?:stored|kept|held|"
                        r"hosted|processed|located)\b|"
                        # "Where are Concero's servers?", "Where is my data?"
                        r"\bwhere\s+(?:is|are)\s+(?:[\w'’&.-]+\s+){0,4}?(?:servers?|data\s*cent(?:re|er)s?|"
                        r"(?:my|our|the)\s+(?:\w+\s+)?(?:data|information|files|backups?))\b", re.IGNORECASE)
# (a place's law is no place data goes: "In order to comply with European data privacy laws, we…")
PLACE = re.compile(r"\b(?:(?:UK|EEA|EU|USA?|U\.S\.)\b|\bUnited\s+(?:Kingdom|States)\b|\bEurop\w*\b)"
                   r"(?!\s+(?:(?:data\s+)?(?:privacy|protection)\s+)?(?:laws?|legislation|regulations?|rules)\b)|\bBritain\b|"
                   r"\bcountr(?:y|ies)\b|\babroad\b|\boverseas\b|\boutside\b|\bdata\s+cent(?:re|er)s?\b|\bservers?\b|"
                   r"\bregions?\b|\b(?:Ireland|Germany|France|Netherlands|Switzerland|Canada|India|Singapore|Japan|"
                   r"Australia|China)\b")
# "Which analytics companies does Crunchyroll use?", "which company runs the chat widget?", "who hosts it?": a
# question asking which outside organisation (not which of the companies asked about: "Which companies sell…?", "Which
# of these companies do…?"; not what kind: "what types of companies do they share with?")
_ORGANISATIONS = (r"compan(?:y|ies)|providers?|vendors?|processors?|firms?|brokers?|partners?|services|tools|"
                  r"platforms?|suppliers?|sub-?processors?|(?:sub-?)?contractors?|banks?|hosts?|agenc(?:y|ies)|networks?")
ASKS_ORGANISATION = re.compile(
    rf"\b(?:which|what)\s+(?!of\b)(?!(?:\w+\s+)?(?:kinds?|types?|sorts?|categor\w+)\b)(?:[\w-]+\s+){{0,2}}?"
    rf"(?:{_ORGANISATIONS})\b(?:\s+[\w'’-]+){{0,3}}?\s+(?:does|do|did)\s+(?!not\b|i\b|we\b)|"
    r"\b(?:which|what)\s+(?!of\b)(?:[\w-]+\s+){0,2}?(?:company|provider|vendor|processor|firm|bank|host)\s+"
    r"(?:handles|processes|hosts|provides|runs|powers|stores|receives|gets|is\s+used)\b|"
    r"\bwho\s+(?:handles|processes|hosts|runs|powers|stores)\b", re.IGNORECASE)
# An organisation named: a well-known provider, a name with a company form ("Netsuite, Inc.", "Intercom, Inc."), or
# one written in camel case ("HubSpot", "SendGrid")
ORGANISATION = re.compile(
    r"\b(?:Google|Amazon|AWS|Microsoft|Azure|Apple|Meta|Facebook|Instagram|Twitter|LinkedIn|Stripe|PayPal|Braintree|"
    r"Adyen|Worldpay|Klarna|Chargebee|Recurly|Zuora|Adobe|Salesforce|HubSpot|Marketo|Mailchimp|SendGrid|Twilio|"
    r"Zendesk|Intercom|Freshdesk|Cloudflare|Akamai|Fastly|Oracle|IBM|SAP|Mixpanel|Amplitude|Hotjar|Optimizely|"
    r"Sentry|Datadog|DoubleClick|Criteo|Taboola|Outbrain|Quantcast|Comscore|Nielsen|Experian|Equifax|TransUnion|"
    r"Rackspace|DigitalOcean|Hetzner|OVH|Heroku|Shopify|Atlassian|Slack|Dropbox|Okta|Yandex|Baidu|Tencent|"
    r"Alibaba)\b|"
    r"\b[A-Z][\w&.-]*,?\s+(?:Inc|LLC|Ltd|Limited|GmbH|plc|PLC|Corp|Corporation|S\.A|B\.V|AG|SAS|Pty)\b|"
    r"\b[A-Z][a-z]+[A-Z][a-z]+\w*\b|"
    # a name the policy gives as the one that provides it ("…identity verification services provided by Sumsub")
    r"\b(?:provided|operated|offered|powered|supplied|run)\s+by\s+(?-i:[A-Z][\w&.-]+)")
_NUMBER = (r"(?:\d+|an?|one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|fourteen|fifteen|"
           r"(?:twenty|thirty|forty|fifty|sixty|ninety)(?:-(?:one|two|three|four|five|six|seven|eight|nine))?|"
           r"several|few)")  # ("forty-five (45) days")
LENGTH_OF_TIME = (rf"\b{_NUMBER}[\s-]+(?:\(\d+\)\s+)?(?:calendar\s+|working\s+|business\s+|full\s+)?"
                   r"(?:days?|weeks?|fortnights?|months?|years?|hours?)\b")  # "30 days", "seven (7) years"
# "forever", "indefinitely": a question asking whether data is kept without end (see `asked_verdict`)
FOREVER = r"\bforever\b|\bfor\s+ever\b|\bindefinitely\b|\bpermanently\b"
# "What is CT1's…", "what's their…", "what are Concero's…": a question asking for a contact detail of a company
WHAT_IS_THEIR = r"\bwhat(?:'s|’s|\s+is|\s+are)\s+(?:[\w-]+(?:'s|’s)?\s+){0,3}?"
ASKS_PHONE_NUMBER = WHAT_IS_THEIR + r"(?:phone|telephone)\s+numbers?\b"
# "Which companies give a phone number…?", "Does Core Office IT have a privacy contact email?": a company giving one
GIVES_A = r"\b(?:give|gives|list|lists|provide|provides|publish\w*|have|has)\s+"
_AGES = r"thirteen|fourteen|fifteen|sixteen|seventeen|eighteen|twenty-one"
_BREACH = (r"breach\w*|hack(?:ed|s|ing|ers?)?\b|leak\w*|compromis\w*|security\s+incidents?\b|"
           r"incidents?\s+(?:affecting|involving)\s+(?:your|the|any)\b")  # ("an incident affecting your data…")
_TELLS = (r"tell|notify|inform|warn|alert|email|e-mail|contact|let\s+(?:me|us|them|you|customers|users|people)\s+know|"
          r"hear\s+(?:about|from)")
# the company telling someone ("will they tell me", "notify the customers affected"), not "who do I contact?"
_TOLD_ME = (r"(?:\b(?:will|would|do|does|did|must|should|promise\s+to|going\s+to|have\s+to)\s+(?!i\s|we\s)"
            rf"(?:\w+\s+){{0,3}}?(?:{_TELLS})\b|\b(?:{_TELLS})\w*\s+(?:\w+\s+){{0,2}}?(?:me|us|customers|users|people|anyone|affected|"
            r"them)\b)")
_TOLD = (r"notif\w*|inform(?!ation)\w*|tell\w*|told\b|contact\w*|alert\w*|communicat\w*|report\w*|warn\w*|"
         r"let\s+(?:you|them|customers|users)\s+know\b|disclosures?\s+of\b|"
         r"disclosed\s+to\s+(?:the\s+)?(?:affected\s+)?(?:users|you|customers|individuals)\b")
# "Google Pay", "Apple Pay": a product, no paying (put before "pay"; in `specific` too)
NOT_A_PAY_PRODUCT = r"(?<!google\s)(?<!apple\s)(?<!samsung\s)"
# How soon a request is answered ("I asked for a copy of my data. How long should it take?"), and a sentence giving
# it: "…we will respond … within 30 days", "…resolve simple requests within 30 days", "…acknowledge receipt of your
# request within 10 business days"
_ANSWERING = r"(?:respond|reply|replies|answer|get\s+back)\w*"
_DEALING = r"(?:process|deal\s+with|handle|act\s+on|fulfil|complete)\w*\s+(?:\w+\s+){0,3}?requests?\b"
ASKS_RESPONSE = re.compile(
    rf"\bhow\s+(?:long|quickly|soon|fast)\b.{{0,80}}?\b(?:{_ANSWERING}|{_DEALING})|\b(?:response|turnaround)\s+times?\b|"
    r"\b(?:request\w*|asked)\b.{0,80}?\bhow\s+long\s+(?:should\s+|will\s+|does\s+)?(?:it|that|this)\s+take\b",
    re.IGNORECASE)
RESPONSE_TIME = re.compile(
    r"\b(?:respond\w*|respons\w*|reply|replies|answer\w*|resolve\w*|acknowledge\w*|fulfil\w*|complete\w*|process\w*|"
    r"handl\w*|deal\w*|action\w*)\b"
    r"[^.;]{0,120}?(?:\bwithin\s+(?!(?:the\s+)?(?:preceding|past|last|previous|prior)\b)(?:\w+\s+){0,4}?"
    rf"(?:{LENGTH_OF_TIME}|reasonabl[ey]\s+(?:\w+\s+)?time\w*)|\bwithout\s+(?:undue\s+)?delay\b|\bpromptly\b|\bas\s+soon\s+as\s+(?:reasonably\s+)?(?:possible|practicable)\b)|"
    # a response taking up to a time ("Responses … may take up to 45 calendar days"); the time first: "we may require up
    # to 45 days to process your request", "allow up to 30 days for a response"
    rf"\b(?:respon\w*|repl(?:y|ies))\b[^.;]{{0,80}}?\bup\s+to\s+(?:\w+\s+){{0,2}}?{LENGTH_OF_TIME}|"
    rf"\b(?:(?:within|up\s+to)\s+|have\s+){LENGTH_OF_TIME}[^.;]{{0,40}}?\b(?:to\s+(?:respond|reply|process|complete|fulfil|handle)|"
    r"for\s+(?:a|an|our|the)\s+(?:response|reply))\b",
    re.IGNORECASE)
DETAILS: tuple[tuple[str, re.Pattern, re.Pattern], ...] = (
    ("response time", ASKS_RESPONSE, RESPONSE_TIME),
    ("time",
     re.compile(r"\bhow\s+(?:long|soon|quickly|fast)\b|\bhow\s+many\s+(?:more\s+)?(?:days|weeks|months|years|"
                r"hours)\b|\bwithin\s+how\b|\bwhat\s+(?:time\s+limit|period|deadline)\b|"
                r"\bafter\s+how\s+much\b|\bhow\s+much\s+time\b|"  # "After how much inactivity will BeReal delete…?"
                # "Which companies give a deadline for answering my request?"
                r"\b(?:give|gives|set|sets|state|states|say|says|name|names|have|has)\s+(?:an?\s+|any\s+|their\s+|its\s+)?"
                r"(?:actual\s+|specific\s+|fixed\s+|clear\s+)?(?:deadline|time\s*limit|time\s*frame|timescale)s?\b|"
                r"\bwhen\s+(?:\w+\s+){0,4}(?:expire|expires|lapse|lapses)\b|"
                r"\bwhen\s+(?:will|do|does|would|is|are)\s+(?:\w+\s+){0,3}?(?:delet|eras|destroy|purg)\w*|"
                r"\b(?:fixed|set|specific|particular|defined)\s+(?:period|time|term|length)\b|"
                # "do they keep my data forever?": a passage giving no time says nothing either way
                rf"\b(?:keep|kept|retain\w*|stor\w*|hold|held)\b.{{0,40}}(?:{FOREVER})",
                re.IGNORECASE),
     re.compile(rf"{LENGTH_OF_TIME}|\bas\s+long\s+as\b|"
                r"\b(?:no\s+)?longer\s+than\b|\bperiods?\b|\bpromptly\b|\bimmediately\b|"
                # "within a reasonable timeframe" (not "we cannot promise … within a specific time frame")
                r"\breasonable\s+time\s*-?\s*(?:frames?|scales?|periods?)?\b|"
                r"\bas\s+soon\s+as\s+(?:reasonably\s+)?(?:possible|practicable)\b|\bwithout\s+"
                r"(?:undue\s+)?delay\b|\bduration\b|\bindefinitely\b|\buntil\b|\bdays\b|\bmonths\b|"
                # (or once something is done: "…it is normally deleted as soon as the identification verification…")
                r"\b(?:deleted|erased|destroyed|removed|purged)\s+(?:\w+\s+){0,2}?as\s+soon\s+as\b|"
                r"\byears\b|"
                # kept for the account's life: "This data is deleted when your account is deleted", "on active accounts"
                r"\b(?:when|once|after|upon)\s+(?:your|the|an?)\s+(?:\w+\s+)?account\s+(?:is\s+|has\s+been\s+)?"
                r"(?:deleted|closed|terminated|deactivated|cancell?ed)\b|"
                r"\bwhile\s+(?:your|the)\s+account\s+(?:is|remains)\s+(?:active|open)\b|\b(?:on|for)\s+active\s+accounts\b",
                re.IGNORECASE)),
    # "how many years…?" asks for a number of them: "as long as necessary" gives none
    ("number of days",
     re.compile(r"\bhow\s+many\s+(?:more\s+)?(?:days|weeks|months|years|hours)\b|"
                r"\b(?:period|time|length|limit)\s+(?:in|of)\s+(?:days|weeks|months|years)\b|"
                # "Which companies say how long they keep my data, like a set number of days or years?"
                r"\bnumber\s+of\s+(?:days|weeks|months|years)\b", re.IGNORECASE),
     re.compile(LENGTH_OF_TIME, re.IGNORECASE)),
    ("address",
     # (the company's, not the user's: "Does X collect my child's name or home address?")
     re.compile(r"^(?!.*\b(?:my|our)\b[^?,.;]{0,30}?\baddress\b).*?\b(?:postal|registered|office|street|home|mailing|physical)\s+"
                r"address\b|\bwhere\s+(?:can|do|should)\s+"
                r"i\s+(?:write\s+(?:to|a\s+letter)\b|send\s+(?:a\s+)?letter)|"
                # "Where is CT1 based?", "Where's CloudSentric's head office?"
                r"\bwhere(?:'s|’s|\s+is|\s+are)\s+(?!(?:my|our|your|the|their)\s+(?:\w+\s+)?(?:data|information|"
                r"details|info|servers?)\b)(?:[\w-]+(?:'s|’s)?\s+){1,3}?"
                # the company, not those it uses ("Where are CT1's service providers located?": a place)
                r"(?<!providers )(?<!servers )(?<!suppliers )(?<!processors )(?<!partners )(?<!vendors )"
                r"(?<!subcontractors )(?<!contractors )(?<!staff )(?<!employees )(?<!centers )(?<!centres )(?<!centre )"
                r"(?<!center )(?:based|located|headquartered)\b|"  # (nor its data centres: a place)
                r"\bhead\s*(?:office|quarters)\b|\bheadquarters\b|"
                # "What is CloudSentric's address?" (not its email or IP address)
                r"\bwhat(?:'s|’s|\s+is)\s+(?:[\w-]+(?:'s|’s)?\s+){0,3}?(?<!e-mail )(?<!email )(?<!ip )(?<!web )"
                r"(?<!website )address\b", re.IGNORECASE),
     re.compile(r"\b[A-Z]{1,2}\d[A-Z\d]?\s*\d[A-Z]{2}\b|\b\d+\w?\s+\w+(?:\s+\w+)?\s+(?:Road|Street|Lane|Avenue|"
                r"Way|Drive|Park|Place|Court|Square|Close|Gardens)\b|\b(?:House|Building|Floor|Suite|Unit)\b\s*"
                r"(?:\d|,)|\bP\.?O\.?\s+Box\b|\bregistered\s+(?:office|address)\b", re.IGNORECASE)),
    ("fee",
     # "payment information" is data collected, no charge
     re.compile(rf"\b(?:charge|charges|charged|fee|fees|cost|costs|{NOT_A_PAY_PRODUCT}pay|paid|free)\b"
                r".{0,60}\b(?:requests?|cop(?:y|ies)|access|data|information|SARs?)\b|\b(?:requests?|cop(?:y|ies)|access|SARs?)\b.{0,60}\b(?:charge|fee|cost|"
                r"free)\b",
                re.IGNORECASE),
     re.compile(r"\b(?:charg\w*|fees?|free\s+of\s+charge|costs?|at\s+no\s+cost|payment)\b", re.IGNORECASE)),
    # "How much is the 'prescribed fee' CloudSentric charges for a copy of my data?": an amount, or none charged
    ("amount",
     re.compile(r"\bhow\s+much\b[^?]{0,60}?\b(?:fee|fees|charg\w*|cost\w*|pay)\b|\bwhat\s+(?:is|are|'s|’s)\s+(?:the\s+)?"
                r"(?:\w+\s+){0,2}?(?:fee|charge|cost|price)\s+(?:of|for)\b", re.IGNORECASE),
     re.compile(r"[£€$]\s?\d|\b\d+(?:\.\d+)?\s*(?:pounds|GBP|euros?|EUR|dollars|USD)\b|\bfree\s+of\s+charge\b|"
                r"\bno\s+(?:fee|charge|cost)\b|\bat\s+no\s+cost\b|\bfree\b", re.IGNORECASE)),
    ("phone number",
     re.compile(r"\b(?:phone|telephone)\s+(?:number|line)\b.{0,40}\b(?:ring|call|contact|reach|speak|talk|phone)\b|"
                r"\b(?:ring|call|contact|reach|speak|talk)\b.{0,40}\b(?:phone|telephone)\s+(?:number|line)\b|"
                # "Which companies give a phone number for privacy questions?"
                + GIVES_A + r"(?:a\s+|any\s+|their\s+)?(?:(?:contact|privacy)\s+)?(?:phone|telephone)\s+"
                r"(?:number|line)\b|"
                # "…what number do I ring?", "which number should I call?"
                r"\b(?:what|which)\s+(?:phone\s+|telephone\s+)?number\s+(?:do|should|can|could|would|must)\s+(?:i|we)\s+"
                r"(?:ring|call|phone|dial|use)\b|"
                + ASKS_PHONE_NUMBER, re.IGNORECASE),
     # digits in groups ("0333 111 0004", "(555) 123-4567") or a whole national number ("01404384483"); not a
     # company number ("Company number: 16827653")
     re.compile(r"(?<![\d-])(?:(?:\+\d{1,3}[\s.-]?)?\(?0?\d{2,5}\)?[\s.-]\d{3,4}[\s.-]?\d{3,4}|"
                r"(?:\+\d{1,3}[\s.-]?|0)\d{9,10})(?![\d-])|\b1-\d{3}-[\dA-Za-z-]{7,}")),
    ("email address",
     re.compile(r"\be-?mail\s+address\b.{0,40}\b(?:write|contact|reach|send|email)\b|"
                r"\b(?:write|contact|reach|send)\b.{0,40}\be-?mail\s+address\b|"
                # "Does Core Office IT have a privacy contact email?" (not "do they have my email address?")
                + GIVES_A + r"(?:an?\s+|any\s+|their\s+)?(?:(?:contact|privacy|support|dpo)\s+){1,2}"
                r"e-?mail(?:\s+address)?\b|"
                + WHAT_IS_THEIR + r"e-?mail(?:\s+address)?\b|"
                # "What email do I write to if I want OKX to delete my data?", "which email should I use to ask…"
                r"\b(?:what|which)\s+e-?mail(?:\s+address)?\s+(?:do|should|can|could|would|must)\s+(?:i|we)\b|"
                # "which of these can I just email with a privacy question?", "email address for privacy questions -
                # which ones give one?"
                r"\b(?:can|could)\s+(?:i|we|you)\s+(?:just\s+|simply\s+)?e-?mail\s+(?!address)|"
                r"^\W*e-?mail\s+address(?:es)?\s+(?:for|to)\b",
                re.IGNORECASE),
     re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")),
    ("credit check",
     re.compile(r"\bcredit\s*(?:check|history|histories|score|rating|reference|search)\w*|\bcreditworth\w*",
                re.IGNORECASE),
     re.compile(r"\bcredit\s*(?:check|history|score|rating|reference|search|agenc|terms|limit|risk)\w*|\bcreditworth\w*",
                re.IGNORECASE)),
    ("data protection officer",
     re.compile(r"\bdpo\b|\bdata\s+protection\s+officer\b", re.IGNORECASE),
     re.compile(r"\bdpo\b|\bdata\s+protection\s+officer\b|\bprivacy\s+officer\b", re.IGNORECASE)),
    ("call recording",
     re.compile(r"\b(?:calls?|phone|telephone|ring|sessions?|chats?|meetings?|webinars?)\b.{0,40}\brecord\w*|"
                r"\brecord\w*\b.{0,40}\b(?:calls?|phone|telephone|sessions?|chats?|meetings?|webinars?)\b",
                re.IGNORECASE),
     re.compile(r"\brecord(?:s|ed|ing|ings)?\b", re.IGNORECASE)),
    ("breach notification",
     re.compile(r"\b(?:tell|notify|inform|warn|alert|let)\w*\b.{0,60}\bbreach\w*|\bbreach\w*.{0,40}\bnotif\w*|"
                r"\b(?:if|when|after|once|in\s+(?:the\s+)?(?:event|case))\s+(?:of\s+)?(?:\w+\s+){0,4}breach\w*|"
                r"\bever\s+(?:been\s+)?(?:hacked|breached|compromised)\b|\b(?:hacked|breached)\s+(?:before|in\s+the\s+past)\b|"
                r"\b(?:tell|notify|inform|warn|alert|let)\w*\b.{0,40}\b(?:lose|loses|lost|leak\w*)\s+(?:my|our|your|the)\s+"
                r"(?:\w+\s+)?(?:data|information|details)\b",
                re.IGNORECASE),
     re.compile(r"\bbreach\w*|\bhack(?:ed|s)\b|\bsecurity\s+incidents?\b|\bincidents?\s+(?:affecting|involving)\s+"
                r"(?:your|the|any)\b", re.IGNORECASE)),
    # "What's the minimum age to use it?" asks for an age: a passage on children that gives none does not answer it
    ("age",
     re.compile(r"\bminimum\s+age\b|\bhow\s+old\s+(?:do|does|must|should|would|will|has|have)\s+(?!my\s+data)|\bage\s+(?:limits?|requirements?|restrictions?)\b|\bold\s+enough\b|"
                r"\bwhat\s+age\b|\bage\s+(?:do|does|must|should)\s+(?:i|you|my|a|an|users?)\b|"
                # an age told, asking whether that person may use it ("My 12 year old wants a Twitter account, is that
                # allowed?", "my sister is 17, can she use it?")
                r"(?:\b\d{1,2}[\s-]*(?:years?[\s-]*old|yo|y/o)\b|\b(?:is|are)\s+\d{1,2}\b).{0,60}?\b(?:allowed|"
                r"permitted|sign\s*(?:s|ed)?\s*up|join|register|(?:can|may)\s+(?:he|she|they|we|i)\s+(?:use|join|sign|"
                r"have|open|make))\b|\b(?:can|may)\s+(?:my|a|an)\s+\d{1,2}[\s-]*(?:years?[\s-]*old|yo|y/o)\s+(?:\w+\s+)?"
                r"(?:use|join|sign|have|open)\b",
                re.IGNORECASE),
     # (an age no sale or sharing of a minor's data is made at gives no age to use it: "We do not sell … of anyone
     # under the age of 16")
     re.compile(r"(?:^|[.!?;]\s|\n)(?:(?!\b(?:sell|sells|sold|sales?|shar\w*|advertis\w*)\b)[^.!?;\n])*?"
                rf"(?:\b(?:under|over|below|above|younger\s+than|older\s+than|at\s+least|aged?|age\s+of)\s+(?:the\s+age\s+of\s+)?"
                rf"(?:\(?\d{{1,2}}\)?|{_AGES})\b|\b\d{{1,2}}\s*(?:\+|years?\s+(?:of\s+age|old))|\b(?:{_AGES})\s+years?\b|"
                r"(?<!\bunder\sthe\s)\bage\s+of\s+(?:majority|consent)\b|\blegal\s+age\b|\bminimum\s+age\b)",
                re.IGNORECASE)),
    # "Will they warn me before a change to their privacy policy takes effect?" asks for notice ahead of it: "we may
    # update this policy from time to time" gives none
    ("advance notice",
     re.compile(r"^(?=.*\b(?:chang|updat|modif|revis|amend)\w*)(?=.*(?:\b(?:before|ahead\s+of|prior\s+to)\b[^?]{0,60}?"
                r"\b(?:chang\w*|updat\w*|takes?\s+effect|kicks?\s+in|comes?\s+into\s+(?:force|effect)|goes\s+live)|"
                r"\bin\s+advance\b|\b(?:warn|tell|notify|let\s+(?:me|us)\s+know)\w*\b[^?]{0,30}?\b(?:before|first)\b|"
                r"\b(?:advance|prior)\s+notice\b|\bhow\s+much\s+notice\b|\bdays['’]?\s+notice\b))", re.IGNORECASE),
     re.compile(r"\b(?:before|prior\s+to|in\s+advance\s+of)\b[^.;]{0,60}?\b(?:take|takes|taking|becom\w*|come|comes|go|goes|"
                r"effective|effect|implement\w*)\b|\bin\s+advance\b|\b(?:advance|prior)\s+notice\b|"
                r"\bdays['’]?\s+(?:prior\s+)?notice\b|\bat\s+least\s+\w+\s+days\b|"
                # "We'll notify you before we make material changes to this Policy."
                r"\b(?:notif\w*|tell\w*|inform\w*|alert\w*|e-?mail\w*|let\s+you\s+know)\b[^.;]{0,40}?\b(?:before|prior\s+to|"
                r"ahead\s+of)\s+(?:we|they|it|any|such|the|making|implementing)\b", re.IGNORECASE)),
    # "Will they email me if they change the privacy notice?": a passage that only posts the new version ("…will post
    # the revised policy at…", "please check this notice periodically") does not say it tells anyone
    ("told of a change",
     re.compile(r"\b(?:e-?mail|message|text|write\s+to)\w*\s+(?:me|us)\b[^?]{0,60}?\b(?:chang|updat|modif|revis|amend)\w*|"
                r"\b(?:chang|updat|modif|revis|amend)\w*[^?]{0,60}?\b(?:e-?mail|message|text|write\s+to)\w*\s+(?:me|us)\b",
                re.IGNORECASE),
     re.compile(r"\be-?mail\w*|\bmessag\w*|\bnotif\w*|\bnotice\s+(?:to\s+you|of\s+(?:any|such|the|these|material))|"
                r"\bdirectly\b|\bcontact\s+you\b|\binform\s+you\b|\btell\s+you\b|\blet\s+you\s+know\b|\balert\s+you\b",
                re.IGNORECASE)),
    # "Which companies tell me about changes to the policy by email?": by email, not "…by posting a notice"
    ("change told by email",
     re.compile(r"\b(?:chang|updat|modif|revis|amend)\w*\b[^?]{0,60}?\b(?:by|via|through|over)\s+e-?mail\b|"
                r"\b(?:by|via|through|over)\s+e-?mail\b[^?]{0,60}?\b(?:chang|updat|modif|revis|amend)\w*",
                re.IGNORECASE),
     re.compile(r"\be-?mail\w*", re.IGNORECASE)),
    # "How will I know if TP-Link changes its privacy policy?", "How will I find out if you change…?": how a change is
    # made known, by telling or by posting it ("Any updates will be posted on this page…"); not "…may change from
    # time to time" alone
    ("how a change is known",
     re.compile(r"\bhow\s+(?:will|would|do|does|can|should)\s+(?:i|we)\s+(?:know|find\s+out|hear|learn|be\s+(?:told|"
                r"notified|informed|made\s+aware))\b[^?]{0,60}?\b(?:chang|updat|modif|revis|amend)\w*", re.IGNORECASE),
     re.compile(r"\bpost\w*|\bpublish\w*|\bthis\s+(?:page|website|site)\b|\bour\s+(?:website|site)\b|\beffective\s+date\b|"
                r"\blast\s+(?:updated|revised)\b|\bnotif\w*|\be-?mail\w*|\bnotice\b|\binform\s+you\b|\btell\s+you\b|"
                r"\blet\s+you\s+know\b|\bcontact\s+you\b|\bcheck\s+(?:back|this|our)\b|\breview\s+(?:this|it)\b",
                re.IGNORECASE)),
    # "If I carry on using their services after a change, does that count as accepting it?": continued use as assent
    ("continued use",
     re.compile(r"\b(?:carry(?:ing)?\s+on|keep|keeps|kept|continu\w*|still)\s+(?:\w+\s+){0,2}?us(?:e|es|ing)\b[^?]{0,100}?"
                r"\b(?:accept\w*|agree\w*|consent\w*|count\w*|deem\w*|bound)\b", re.IGNORECASE),
     re.compile(r"\bcontinu\w*\s+(?:to\s+)?(?:use|using|access\w*)\b|\bdeemed\s+(?:to\s+)?(?:have\s+)?(?:accept|agree)\w*|"
                r"\bconstitut\w*\s+(?:your\s+)?(?:acceptance|agreement|consent)", re.IGNORECASE)),
    # "Will they tell me if they get hacked?" asks to be told: a passage on breaches that says nothing of telling
    # anyone ("…we shall ensure that our obligations under GDPR will be followed") does not answer it
    ("breach notice",
     re.compile(rf"{_TOLD_ME}[^?]{{0,80}}?\b(?:{_BREACH})|\b(?:{_BREACH})[^?]{{0,80}}?{_TOLD_ME}",
                re.IGNORECASE),
     # (the company telling, not "please notify us … of any other breach of security")
     re.compile(rf"\b(?:{_BREACH})[^.;]{{0,150}}?\b(?:{_TOLD})(?!\w*\s+us\b)|\b(?:{_TOLD})(?!\w*\s+us\b)[^.;]{{0,150}}?\b(?:{_BREACH})",
                re.IGNORECASE)),
    ("date",
     re.compile(r"\bwhen\s+(?:was|were|did)\b.{0,50}\b(?:updated|revised|changed|written|published|amended|issued)\b|"
                r"\blast\s+(?:updated|revised|changed|amended)\b|\beffective\s+date\b|\bwhat\s+date\b", re.IGNORECASE),
     re.compile(r"\b\d{1,2}(?:st|nd|rd|th)?\s+(?:of\s+)?(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*,?\s+\d{4}\b|"
                r"\b(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)\w*\s+\d{1,2}(?:st|nd|rd|th)?,?\s+\d{4}\b|"
                r"\b\d{1,2}[/.-]\d{1,2}[/.-]\d{2,4}\b|\b(?:19|20)\d{2}\b", re.IGNORECASE)),
    # "Where is my data stored?" / "which countries…?" by a place: a country or region, or the words for beyond
    # (`PLACE`: the sentence quoted is one that gives it, where one states the practice: `qa.search.marking`)
    ("place", ASKS_PLACE, PLACE),
    # "Which service providers does Quora share data with?" by one that names an organisation, not "such as payment
    # processors, hosting providers…" (the sentence quoted names one, as for a place: `qa.search.answer`)
    ("organisation", ASKS_ORGANISATION, ORGANISATION),
    ("automated decisions",
     # "…is that decision made automatically by a computer?"
     re.compile(r"\bautomat\w*\s+(?:decision|processing|profil)\w*|\bprofil(?:e|es|ing)\s+me\b|\bprofiling\b|"
                r"\bdecid\w*\b[^?]{0,60}?\b(?:automatic\w*|by\s+(?:a\s+)?(?:computer|machine|algorithm)s?)\b|"
                r"\bdecision\w*\b[^?]{0,40}?\b(?:automatic\w*|by\s+(?:a\s+)?(?:computer|machine|algorithm)s?)\b",
                re.IGNORECASE),
     # "automatically collect technical data" is no automated decision, nor is portability's "carried out by
     # automated means" (a decision named beside it is)
     re.compile(r"\bautomated\b(?!\s+means\b)|\bdecisions?\b[^.;]{0,60}?\bautomated\s+means\b|\bautomation\b|"
                r"\bautomatic\s+(?:decision|processing)\w*|\bprofil(?:e|es|ing)\b", re.IGNORECASE)),
)


# The details that tell a user how to reach the company: a policy gives them anywhere ("Contact us … 0333 111 0004"),
# so the sentence giving one is looked for beyond the passage the question's words lead to (`marking.reaching`).
CONTACT_DETAILS = frozenset(gives for name, _, gives in DETAILS if name in ("address", "phone number", "email address"))
# Details a policy may give in a sentence of its own, apart from the passage nearest the question: a way to reach
# the company, a fee ("Please be aware that we hold the right to charge a reasonable administration fee…"), how
# it tells of a change ("This Privacy Policy may change from time to time and we may notify you…" far from its
# first "This Privacy Policy may change from time to time."), notice ahead of one; not a time, which a policy gives
# for many things, nor a practice's own words ("voice recording", "profiling") beside another practice
APART = CONTACT_DETAILS | frozenset(gives for name, _, gives in DETAILS
                                    if name in ("fee", "told of a change", "how a change is known", "advance notice"))


_DPO = next(gives for name, _, gives in DETAILS if name == "data protection officer")
_BREACH_NOTICE = next(gives for name, _, gives in DETAILS if name == "breach notice")
# the user told: "we will notify you", "…disclosed to the affected users", "disclosures of any breach" (not "report any
# attempts to breach…", "…security incidents and alerts", "please notify us")
_TELLS_USER = re.compile(r"\b(?:notif\w*|inform\w*|tell\w*|alert\w*|warn\w*|contact\w*)\s+(?:\w+\s+){0,2}?(?:you|users|"
                         r"customers|individuals|affected|data\s+subjects)\b|\blet\s+you\s+know\b|\bdisclos\w*\s+to\s+"
                         r"(?:the\s+)?(?:affected\s+)?(?:users|you|customers|individuals)\b|\bdisclosures?\s+of\s+(?:any\s+)?"
                         r"(?:\w+\s+)?breach", re.IGNORECASE)
# how to reach someone: an email address, a postal address, a firm ("| Data Protection Officer | Privacity GmbH <br>…")
_REACHES = re.compile(r"@|\be-?mail\b|\baddress\b|\bstreet\b|\b\d{4,}\b|"
                      r"\b(?:GmbH|Ltd|Limited|LLC|Inc|AG|S\.A\.S?|B\.V\.)\b")


def sentence_giving(text: str, spans, demands: Sequence[re.Pattern]) -> tuple[int, int] | None:
    """For a question asking only how soon a request is answered (`RESPONSE_TIME`), the first sentence of the policy
    (`spans`, in text order) that gives it: a policy gives it once, wherever its rights are; for one asking about its
    data protection officer, the first naming the officer with a way to reach them (`_REACHES`); whether a breach is
    told, the first telling one (below the practice's bar: "it will be disclosed to the affected users…"); else None."""
    if demands and all(d is _DPO for d in demands):
        return next(((int(a), int(b)) for a, b in spans
                     if _DPO.search(text, int(a), int(b)) and _REACHES.search(text, int(a), int(b))), None)
    if demands and _BREACH_NOTICE in demands:
        return next(((int(a), int(b)) for a, b in spans if _TELLS_USER.search(text, int(a), int(b))
                     and all(d.search(text[int(a):int(b)]) for d in demands)), None)
    if not demands or any(d is not RESPONSE_TIME for d in demands):
        return None
    return next(((int(a), int(b)) for a, b in spans if RESPONSE_TIME.search(text, int(a), int(b))), None)


def demanded(question: str) -> tuple[re.Pattern, ...]:
    """What a passage must hold to answer `question`: the `DETAILS` it asks for (their "gives" patterns)."""
    question = without_addresses(question)  # "I emailed DPO@centerprise.co.uk…" asks for no DPO
    found = tuple(gives for _, asks, gives in DETAILS if asks.search(question))
    return (RESPONSE_TIME,) if RESPONSE_TIME in found else found  # (its "how long" asks for no other time)


def detail_after(text: str, sentence: tuple[int, int], demands: Sequence[re.Pattern],
                 ahead: int = 2) -> tuple[int, int] | None:
    """The first of the `ahead` sentences after `sentence` on its line that gives every detail asked (`demands`), when
    the passage holding `sentence` ends before it: "You can disable the automatic smart name tags feature and delete
    this data any time in your Settings. Zoom will retain this data … for up to three years after…"; else None."""
    if not demands:
        return None
    end = text.find("\n", sentence[1])
    following = split_sentences(text[sentence[1]:end if end >= 0 else len(text)], sentence[1])[:ahead]
    return next((span for span in following if all(d.search(text[span[0]:span[1]]) for d in demands)), None)

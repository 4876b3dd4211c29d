"""Which practices a question names outright: "Does X *sell*…", "*How long*…", "*children*".

The practice model's question head learnt from a few hundred app-store questions and misses such plain cues in
questions about UK IT firms; a cue adds its practice to those the head reads (`qa.search.answer`).
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence

from qa.search.details import ASKS_PHONE_NUMBER, ASKS_PLACE
from qa.search.phrases import COMPANY_SOLD
from qa.search.terms import without_addresses

# Where the user is ("track where I am, like my location?"): data collected, not cookies
_WHERE_I_AM = r"(?:where (?:i|we) (?:am|are|go)|my (?:location|whereabouts|position))\b"

# Keys are the practice model's topic ids.
_CUES = {
    # not the company itself being sold ("what happens to my data if Core Office is sold?": a business transfer)
    # (not the user selling: "just use google pay to buy stuff (not selling)", "I sell on their marketplace", "I want
    # to sell courses", "the tokens I buy and sell")
    "sale": rf"^(?!.*(?:{COMPANY_SOLD})).*(?:(?<!\(not\s)(?<!\bi\s)(?<!\bwe\s)(?<!\bam\s)(?<!\bi['’]m\s)"
            r"(?<!\bi\swant\sto\s)(?<!\bbuy\sand\s)(?<!\bbuy\sor\s)\bsell"
            r"(?!ers?\b)(?!\w*\s+(?:on|through|via|stuff|things|items|goods)\b)\w*|\bsold\b|\bsale of\b|\bmonetis\w*|"
            r"\bmonetiz\w*)",
    # "how long do they have to reply?", "how long will it take to delete it?" ask about time to act
    # "how long until I get it?" asks how soon a request is answered
    "retention": r"\bhow long\b(?!(?:\s+\w+){0,5}?\s+(?:reply|respond|answer|process|deal|handle|take|act)\w*)"
                 r"(?!\s+(?:until|till|before)\s+(?:i|we)\s+(?:get|receive|hear|see)\b)|"
                 # not "keeps an eye out for people misusing their services"
                 r"\bretain\w*|\bretention\b|\bkeep\w* (?!an? (?:close )?eye\b)(?:\w+ ){0,4}for\b|"
                 r"\bafter i (?:stop|leave|close)|"
                 # "When will CT1 delete my enquiry data?": how long it is kept
                 r"\bwhen (?:will|do|does|would|is|are) (?:\w+ ){0,3}?(?:be )?(?:delet|eras|destroy|purg)\w*|"
                 # "Does hide.me keep logs of the websites I visit?"
                 r"\b(?:keep\w*|stor(?:e|es|ing)|retain\w*)\s+(?:any\s+|no\s+)?logs?\b|"
                 # "I emailed them a complaint last year. Do they still have it?"
                 r"\bstill (?:have|hold|keep|store)\w*\b|"
                 # "keep my data because the law requires it", "hang on to my information"; not "keep my data safe"
                 r"\b(?:keep\w*|hang\w* on to|hold\w* on to) (?:my|our|your|the|this) (?:\w+ )?"
                 r"(?:data|information|details|info|records?)\b(?! (?:safe|secure|private|confidential|up to date|"
                 r"accurate|updated|correct|in|within|inside|outside|on|only)\b)",
    "children": r"\bchild\w*|\bkids?\b|\bminors?\b|\bunder 1[368]\b|\bpupils?\b|\bteenager\w*|"
                # "I'm 15 and want to sign up…", "my son is 12"
                r"\b(?:i'?m|i’m|i am|(?:my )?(?:son|daughter|child|kid) is)\s+(?:1[0-7]|[1-9])\b"
                r"(?!\s*(?:%|percent|days?|weeks?|months?|minutes?|hours?))|\baged? (?:1[0-7]|[1-9])\b|"
                # "my 16 year old wants to use it", "a 12-year-old"
                r"\b(?:1[0-7]|[1-9])[\s-]*(?:(?:years?|yrs?)[\s-]*old|yo|y/o)\b",
    "erasure": r"\bdelet\w*|\beras\w*|\bpurg(?:e|es|ed|ing)\b|\bforgotten\b|\bforget (?:about )?(?:me|us)\b|"
               r"\bremove my\b|\bwipe\w*",
    # "how quickly do they answer a data request?": a request about one's data is made under the access rights
    "access": r"\bcopy of\b|\b(?:get|have|receive|request|obtain)\s+a\s+copy\b|"
              # "I requested my data from discord, how long until I get it?"
              r"\b(?:request\w*|ask\w*\s+for)\s+(?:all\s+(?:of\s+)?)?(?:my|our)\s+(?:personal\s+)?(?:data|information|info)\b"
              r"(?!\s+(?:to\s+be\s+)?(?:delet|eras|remov|correct))|"
              r"\bsubject access\b|\b(?:data|privacy|gdpr|rights?|sar|access)\s+requests?\b|"
              # "how quickly will they respond to me?": how soon a request about one's data is dealt with
              r"\bhow\s+(?:quickly|soon|fast|long)\b.{0,80}?\b(?:respond|reply|replies|answer|get\s+back)\w*|"
              # "do they charge for extra copies of my data?": a fee for what the access rights give
              r"\b(?:charg|fee|pay)\w*\b.{0,30}?\b(?:cop(?:y|ies)|(?:data|access|subject)\s+requests?)\b|"
              # "do I have to pay to see my data?", "is it free to ask them for my data?"
              r"\b(?:charg\w*|fees?|pay|paying|free|cost\w*)\b.{0,40}?\b(?:see|seeing|view\w*|access\w*|get|getting|"
              r"obtain\w*|request\w*|ask\w*\s+(?:\w+\s+){0,2}?for|find\w*\s+out)\s+(?:my|what|the)\s+(?:\w+\s+)?"
              r"(?:data|information|details|records)\b|"
              r"\b(?:answer|respond\w*|reply|replies|deal\w*)\s+(?:to\s+|with\s+)?(?:(?:my|a|your|our|any|data|access)\s+)?"
              r"requests?\b|"
              # not who in the company may get at it ("do they restrict access to my data internally?": security)
              r"(?<!restrict )(?<!restricts )(?<!limit )(?<!limits )(?<!control )"
              r"\baccess (?:to )?(?:my|the) (?:data|information|details)\b|"
              # not who else may see it ("Who can see my data at Concero?": sharing and security)
              r"\b(?:i|we|me|us)\b[^?]{0,25}?\bsee (?:my|what) (?:\w+ )?(?:data|information)|"
              # "download my data", "export all of my data" (not "export my data to the US")
              r"\b(?:download|export)\w* (?:a copy of )?(?:all )?(?:of )?(?:my|our|the) (?:\w+ )?"
              r"(?:data|information|details|records)\b(?! (?:to|outside|abroad|overseas|out)\b)|"
              r"\bcorrect\w*|\brectif\w*|\bupdate my\b|\binaccurate\b|"
              # "Which companies let me review or edit my data?"
              r"\b(?:review|edit|amend|change|modify)\s+(?:or\s+\w+\s+)?(?:my|our|the)\s+(?:personal\s+)?(?:data|information|"
              r"details|info|records?)\b|"
              # "What rights do I have with Concero?", "what are my GDPR rights?"
              r"\brights\s+(?:do|have|can)\s+(?:i|we)\b|\b(?:what|which)\s+(?:are\s+)?(?:my|our)\s+(?:\w+\s+)?rights\b|"
              r"\b(?:what|which)\s+rights\b|"
              r"\bwrong\b.{0,30}\b(?:on file|records?|details|address|data|information)\b|"
              # "CT1 has an old phone number for me that's wrong now. Can I get them to fix it?"
              r"\b(?:wrong|incorrect|out[- ]of[- ]date|outdated)\b[^?]{0,80}?\b(?:fix|correct|chang|updat|amend)\w*|"
              # "what they hold on me", "what data do you have about me"
              # (not "combine third-party data with what it has on me": data collected)
              r"(?<!with )\bwhat (?:\w+ )?(?:data |information |details )?(?:they|you|it|\w+) "
              r"(?:hold|holds|have|has|keep|keeps) (?:on|about) me\b",
    # (not where the user is: "Do any of these companies track where I am, like my location?" is data collected)
    "cookies": rf"\bcookies?\b|\btrack\w*(?! {_WHERE_I_AM})|\bkeep\w* tabs on\b|\banalytics\b|\bpixels?\b|"
               r"\bweb beacons?\b",
    # not data received from third parties ("do they get my details from third parties?": data collected)
    "sharing": COMPANY_SOLD + r"|\bshar\w*|\bdisclos\w*|\bpass(?:es|ed)? on\b|(?<!from )\bthird[- ]part\w*|"
               r"\bgive (?:\w+ ){0,3}to\b|\bhand\w* (?:\w+ ){0,3}over\b|"
               # "pass my details to", "send my data to its suppliers", "show my data to", "hand my data to"
               r"\b(?:pass|send|show|hand|give)\w* (?:my|our|your|the) (?:\w+ )?(?:data|details|information|info)"
               r" (?:\w+ )?(?:to|onto|with)\b(?! (?:us|you|me)\b)|"
               # "Does 123Greetings give advertisers my personal information?"
               r"\b(?:give|gives|giving|sell|sells|selling|pass|passes|send|sends)\s+(?:advertisers|marketers|partners|"
               r"(?:other|third[- ]party) compan(?:y|ies)|data brokers|insurers|the police|(?:the )?government)\s+"
               r"(?:my|our)\b|"
               # "do they use service providers / subcontractors to process my data?" (not "a data processor")
               r"\b(?:service providers?|sub-?contractors?|sub-?processors?|(?<!data )processors|vendors|suppliers)\b|"
               # "Which outside company handles NYT card payments?"
               r"\b(?:outside|external|third[- ]party)\s+(?:compan(?:y|ies)|firms?|providers?|organi[sz]ations?)\b|"
               # "If I buy something on the store, who gets my personal data?"
               r"\bwho (?:else )?(?:gets|receives) (?:my|our|the) (?:\w+ )?(?:data|details|information|info)\b",
    "international-transfers": r"\btransfer\w* (?:\w+ ){0,4}(?:outside|abroad|overseas|countr)|\babroad\b|"
                               r"\bonly (?:\w+ )?(?:in|within) (?:the )?(?:uk|eea|eu|europe|britain)\b|\boverseas\b|"
                               r"\bin the (?:uk|eea|eu) only\b|\bother countries\b|"
                               # "outside Europe", "move my data out of the UK"
                               r"\b(?:outside|out of|beyond) (?:the )?(?:uk|eea|eu|europe\w*|united kingdom|britain)\b|"
                               # "do they keep my data in the UK?"
                               r"\b(?:keep|kept|stor|hold|held|host|process)\w* (?:\w+ ){0,4}?(?:in|within|inside) "
                               r"(?:the )?(?:uk|eea|eu|europe|united kingdom|britain|great britain|england)\b|"
                               # "do they send my data to the US?"
                               r"\b(?:send|sent|transfer|move|stor|host|process|keep|put)\w* (?:\w+ ){0,4}(?:to|in|on) "
                               r"(?:the )?(?:u\.s\.|(?:(?-i:US|USA|U\.S\.)|united states|america|india|china|canada|"
                               r"australia|another country|other countries|third countries)\b)|"
                               # "where is my data stored?", "where do they keep it?": in which country
                               + ASKS_PLACE.pattern,
    "security": r"\bsecur\w*|\bprotect\w* my\b|\b(?:restrict|limit|control)\w* (?:\w+ )?access\b|"
                # "Which companies say only limited staff can get at my personal data?"
                r"\b(?:limited|authori[sz]ed|certain|selected)\s+(?:\w+\s+)?(?:staff|employees|personnel|people)\b|"
                r"\bencrypt\w*|\bbreach\w*|\bhack\w*|\bsafe(?:ly)?\b|"
                # passwords, not passwords collected or held ("…which of these companies say they collect or hold
                # passwords?": data collected)
                r"^(?!.*\b(?:collect|hold|held|keep|kept|stor|want|need|ask)\w*\s+(?:(?:and|or)\s+\w+\s+)?(?:\w+\s+){0,3}?"
                r"(?:passwords?|log-?ins?|credentials)\b).*\bpasswords?\b|"
                r"\btrain\w* (?:\w+ ){0,2}(?:staff|employees|personnel)\b|\bstaff training\b|"
                # "will they tell me if they lose my data?"
                r"\b(?:lose|loses|lost|leak\w*)\s+(?:my|our|your|the)\s+(?:\w+\s+)?(?:data|information|details)\b",
    "complaints": r"\bcomplain\w*|\bico\b|\bregulator\b|\bsupervisory authority\b",
    # "their email address", not "what do they do with my email address?"
    "contact-dpo": r"\bdpo\b|\bdata protection officer\b|\bcontact (?:them|you|the company)\b|"
                   r"\b(?:their|its|what|which|an?|the)\s+(?:contact\s+)?e-?mail address\b|"
                   r"\bpostal address\b|\bwho (?:do|should) i (?:contact|write|email)|"
                   # "im not on email, can i phone core office about my data instead?"
                   r"\b(?:phone|call|ring|write\s+to|e-?mail|contact)\s+(?:\w+\s+){0,3}?about\s+(?:(?:my|our)\s+)?(?:personal\s+)?"
                   r"(?:data|information|details|info|privacy)\b|"
                   # "What is Concero's phone number?", "Which companies give a phone number to contact them?"
                   + ASKS_PHONE_NUMBER + r"|"
                   r"\b(?:give|gives|list|lists|provide|provides|publish\w*)\s+(?:a\s+|their\s+|its\s+)?"
                   r"(?:phone|telephone)\s+numbers?\b|"
                   # "how long will they take to answer my privacy question?": a reply to one who writes to them
                   r"\b(?:answer\w*|respond\w*|repl(?:y|ies)|get\s+back\s+to\s+me\s+about)\s+(?:to\s+)?(?:(?:my|a|an|our|any)\s+)?"
                   r"(?:\w+\s+)?(?:questions?|enquir\w*|inquir\w*|e-?mails?|messages?|quer(?:y|ies)|letters?)\b",
    "legal-basis": r"\blegal (?:basis|bases|grounds?)\b|\blawful\w*|\blegitimate interests?\b|"
                   # "Does Proton VPN need my consent to process my data?"
                   r"\b(?:need|needs|require|requires)\s+(?:my|our)\s+(?:\w+\s+)?consent\s+(?:to|before)\s+"
                   r"(?:process|us|handl|collect)\w*",
    # sending marketing is a purpose ("Do they use my data for marketing?"); refusing it is an objection
    "objection-marketing": r"\bopt(?:[- ])?out\b|\bunsubscrib\w*|\bobject\w*|"
                           r"\bstop (?:\w+ ){0,2}(?:sending|emailing|contacting|calling|texting) me\b|"
                           # "how do I stop marketing emails?", "get off their mailing list"
                           r"\bstop (?:\w+ ){0,2}(?:e-?mails?|marketing|newsletters?|messages|mailings?|texts|calls)\b|"
                           r"\b(?:mailing|marketing) lists?\b|\bno longer (?:receive|get)\b|"
                           # "I got a marketing email from CloudSentric. How do I stop them?"
                           r"^(?=.*\b(?:marketing|promotional|newsletters?|spam|mailings?)\b).*\bstop\b|"
                           # "do they need my consent to contact me?": agreeing to be sent marketing
                           r"\b(?:consent|permission|opt(?:ed)?[- ]?in)\b[^?]{0,40}?"
                           r"\b(?:contact|e-?mail|call|text|phon|market)\w*",
    "policy-changes": r"\bchang\w* (?:to )?(?:the|this|their|its|your) (?:privacy )?(?:policy|notice|statement)|"
                      r"\bpolicy (?:is )?(?:changes?|updated?)\b|"
                      # "Is Core Office's privacy policy set in stone?"
                      r"\b(?:policy|notice|statement)\b[^?.]{0,30}?\b(?:set in stone|(?:stay|remain)\w* (?:exactly )?"
                      r"the same|never (?:be )?chang\w*|fixed for ever|for good)\b",
    # "I called 23T's support line. Was the call recorded?": recording calls is collecting data (how long "a call
    # recording" is kept is no such question)
    "data-collected": r"\b(?:calls?|phone|voice|chats?)\b.{0,40}\brecord(?:s|ed)?\b|"
                      r"\brecord(?:s|ed)?\b.{0,40}\b(?:calls?|phone|voice)\b|\bcollect\w*|\bgather\w*|"
                      # "Will they have a recording of that call?" (not how long "call recordings" are kept)
                      r"\b(?:have|keep|make|made)\s+an?\s+recording\s+of\b|"
                      # "Which companies keep a note of my job title?", "…track where I am, like my location?"
                      r"\b(?:keep|keeps|make|makes|take|takes)\s+(?:a\s+)?(?:note|notes|record|records)\s+of\s+(?:my|our|what)\b|"
                      rf"\btrack\w* {_WHERE_I_AM}|"
                      r"\bwhat (?:personal )?(?:data|information|details) (?:do|does)\b|"
                      r"\bhold (?:\w+ ){0,2}about\b|"
                      # "Does Core Office IT combine third-party data with what it has on me?"
                      r"\b(?:combin|merg)\w* (?:[\w-]+ ){0,3}?(?:data|information|details|info)\b|"
                      # "do they check my creditworthiness?": financial data about a person, collected
                      r"\bcredit\s*(?:checks?|worth\w*|scor\w*|histor\w*|ratings?|references?|searches?)\b|\bcreditworth\w*|"
                      # "do they get financial information about me from third parties?"
                      r"\b(?:get|gets|obtain\w*|receiv\w*|source\w*|buy\w*|purchas\w*|acquir\w*)\b[^?]{0,60}?\bfrom\s+"
                      r"(?:third[- ]part\w*|other\s+(?:companies|sources|organi[sz]ations|firms)|data\s+brokers|"
                      r"list\s+brokers|credit\s+(?:reference\s+)?agencies|public\s+(?:sources|records))|"
                      # "Do any of these firms look me up in public sources such as Companies House…?"
                      r"\blook\w*\s+(?:me|us)\s+up\b|\b(?:public(?:ly\s+available)?|other|outside|third[- ]party)\s+"
                      r"(?:sources|records|databases)\b",
    "purposes": r"\bwhat (?:do|does) (?:\w+ ){0,3}use (?:my|the|this) (?:data|information|details) for\b|\bpurposes?\b|"
                # "What does Centerprise International do with my personal information?"
                r"\bwhat (?:do|does|will|would|can|could) (?:\w+ ){0,3}?do with (?:my|our|your|the|this) (?:\w+ )?"
                r"(?:data|information|details|info)\b|"
                r"\bmarketing\b|\bnewsletters?\b|\bpromos?\b|\bpromotion(?:s|al)\b|"
                # "Will they email me about products they reckon I'd be interested in?"
                r"\b(?:e-?mail|contact|send|text|call|ring)\w*\s+(?:me|us)\s+(?:\w+\s+)?(?:about|with)\s+(?:\w+\s+){0,3}?"
                r"(?:products?|services?|offers?|promotions?|deals?|events?)\b|"
                r"\bwhy (?:do|does)\b|"
                # "How does 23Technology use my personal information?"
                r"\bhow (?:do|does|will|would|can|could) (?:\w+ ){1,3}?use (?:my|our|your|the|this|their) (?:\w+ )?"
                r"(?:data|information|details|info)\b|"
                # "do they use my personal data to detect fraud?", "…the data it collects for research?"
                r"\bus(?:e|es|ed|ing) (?:\w+ ){0,3}?(?:data|information|details|info)\b(?: \w+){0,3}? (?:to|for)\b",
}
_CUE_PATTERNS = {topic: re.compile(pattern, re.IGNORECASE) for topic, pattern in _CUES.items()}


# "Why does CT1 collect my data?", "What do they share it for?": the reason is asked, not what is collected or shared
# A question whose verb is sharing ("Does Core Office IT share … analytics data…?"), not one naming a third party
SHARES = re.compile(r"\b(?:share[sd]?|sharing|disclos\w*|pass(?:es|ed)?\s+(?:\w+\s+){0,3}?(?:on|to)|give[sn]?|"
                    r"sell[s]?|sold)\b", re.IGNORECASE)
_ASKS_WHY = re.compile(r"^\W*(?:and\s+|so\s+|but\s+)?why\b|\bfor\s+what\s+(?:reasons?|purposes?)\b|\bwhat\s+for\b|"
                       r"\bwhat\s+(?:is|are)\s+the\s+reasons?\b", re.IGNORECASE)
_WHAT_IS_DONE = frozenset({"data-collected", "sharing"})


# A sentence giving a reason ("…to help us personalise our website", "for training and monitoring purposes"), not
# only saying what is done ("23Technology uses both types of cookies.") or where data comes from ("Directly from you –
# for example when you:")
_REASON = re.compile(r"\bto\s+(?!(?:the|a|an|our|your|their|us|you|them|this|that|these|those|third|other|any|all)\b)"
                     r"(?-i:(?![A-Z]))\w+|\bto\s*:|\bfor\b(?!\s+(?:example|instance)\b)|\bso\s+(?:that|we|as)\b|\bbecause\b|\bpurposes?\b|\bin\s+order\b|\bhelps?\b|"
                     r"\benabl\w*|\ballow\w*|\bneeded\b|\bnecessary\b|\breasons?\b", re.IGNORECASE)


def reason_guard(question: str) -> Callable[[str], bool] | None:
    """For a question asking why something is done (`_ASKS_WHY`): a test that a sentence gives a reason
    (`_REASON`); else None."""
    return (lambda sentence: _REASON.search(sentence) is not None) if _ASKS_WHY.search(question) else None


def cued_topics(question: str, known: Sequence[str]) -> list[str]:
    """The practices (among `known`) a question names outright, in `known` order; asked why something is done,
    the purposes rather than what is collected or shared (`_ASKS_WHY`)."""
    question = without_addresses(question)
    cued = [t for t in known if t in _CUE_PATTERNS and _CUE_PATTERNS[t].search(question)]
    if "purposes" in known and _ASKS_WHY.search(question):
        cued = [t for t in known if t == "purposes" or (t in cued and t not in _WHAT_IS_DONE)]
    return cued

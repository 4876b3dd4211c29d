"""The table of specific things a question may ask about (`SPECIFIC`), each with the forms a policy writes it in.
Read by `qa.search.specific`; the phrases it shares with other modules are in `qa.search.phrases`."""

from __future__ import annotations

import re

from qa.search.details import NOT_A_PAY_PRODUCT
from qa.search.more_things import MORE_THINGS
from qa.search.phrases import COMPANY_SOLD, GUARANTEE_ASKED, GUARANTEE_WRITTEN, HEEDS, SIGNAL

# Specific things a question may ask about inside a practice a policy does address ("Do they use two-factor
# authentication?" of a policy with a security section): like a name, one the policy never writes in any of
# its forms is not stated there. Each entry: what a question says, and what a policy writes for it.
SPECIFIC: tuple[tuple[re.Pattern, re.Pattern], ...] = tuple(
    (re.compile(asked, re.IGNORECASE), re.compile(written, re.IGNORECASE)) for asked, written in (
        (r"\btwo[- ]?(?:factor|step)\b|\b2fa\b|\bmulti[- ]?factor\b|\bmfa\b",
         r"\btwo[- ]?factor\b|\btwo[- ]?step\s+(?:verification|authentication|log-?in|sign-?in)\b|\b2fa\b|"
         r"\bmulti[- ]?factor\b|\bmfa\b|\bstrong\s+authentication\b"),  # (not "an easy two-step process")
        # what a person searched for ("Does Discord keep my search history?" of a policy never writing a search); a
        # deletion or a sale of it is answered by one of any data ("can I delete my search history?")
        (r"^(?!.*\b(?:delet|eras|remov|sell|sold|sale)\w*).*?\bsearch(?:es|\s+(?:history|histories|quer(?:y|ies)|"
         r"terms?|records?|activity|logs?))\b", r"\bsearch\w*"),
        (r"\bfirewalls?\b", r"\bfirewall\w*"),
        # cookies, not the tracking they share a practice with ("…does not track product-specific activity")
        (r"\bcookies?\b", r"\bcookies?\b"),  # and those a site cannot work without ("…switch off essential cookies?")
        (r"\b(?:essential|(?:strictly\s+)?necessary|required)\s+cookies\b",
         r"\b(?:essential|(?:strictly\s+)?necessary|required)\b[^.;]{0,60}?\bcookies?\b|"
         r"\bcookies?\b[^.;]{0,80}?\b(?:essential|(?:strictly\s+)?necessary)\b"),
        (r"\bshopping\s+(?:baskets?|carts?|bags?)\b|\bcheckout\b", r"\bbaskets?\b|\bcarts?\b|\bcheckout\b"),
        # profiling a person, not a user's profile ("a User's name and Miro profile may be displayed")
        (r"\bprofiling\b|\bprofiled\b|\bprofile\s+(?:me|us|users|people|customers)\b",
         r"\bprofil(?:ing|ed)\b|\bprofiles?\s+(?:about|of|on)\s+(?:you|users?|individuals|people)\b|"
         r"\bbuild\w*\s+(?:(?:a|your|user|customer)\s+)?profiles?\b|\bautomated\s+(?:individual\s+)?decision\w*"),
        # decisions made by a machine about a person, not "automated activity" detected
        (r"\bautomat\w*\s+(?:individual\s+)?decision\w*|\bdecisions?\s+(?:\w+\s+){0,3}?(?:by|with)\s+(?:a\s+)?"
         r"(?:computer|machine|algorithm|AI)\b",
         r"\bautomat\w*\s+(?:individual\s+)?decision\w*|\bdecisions?\b[^.;]{0,60}?\bautomat\w*|"
         r"\bsolely\s+(?:on\s+)?automat\w*|\bprofiling\b"),
        (r"\b(?:call|contact)\s+cent(?:re|er)s?\b", r"\b(?:call|contact)\s+cent(?:re|er)s?\b"),
        (r"\boff[- ]?site\b", r"\boff[- ]?site\b"),
        # an agreement binding those the company shares data with
        (r"\b(?:contracts?|agreements?)(?:\s+or\s+(?:contracts?|agreements?))?\s+(?:in\s+place\s+)?with\s+(?:the\s+)?"
         r"(?:third|outside|other|their|any|its)\b|\b(?:data\s+(?:protection|processing|sharing)|transfer)\s+agreements?\b",
         r"(?<!\benforcing\sour\s)(?<!\benforce\sour\s)(?<!\bterms\sand\s)\bagreements?\b|\bcontractual\w*|\bclauses\b|"
         r"\bDPAs?\b|\bcontracts?\s+(?:with|in\s+place)\b|\b(?:by|under)\s+(?:a\s+)?(?:written\s+)?contract\b"),
        # a job applicant's referees ("will they contact my references?")
        (r"\b(?:my|job|employment|character|work)\s+references\b|\breferees?\b|\breferences?\s+checks?\b",
         r"\breferences\b|\breferees?\b|\breference\s+checks?\b"),
        # those who carry goods to the user ("help us deliver our services" carries none)
        (r"\b(?:delivery|shipping|courier|parcel|postal)\s+(?:firms?|compan(?:y|ies)|services?|partners?|providers?|"
         r"agents?)\b|\bcouriers?\b",
         r"\bdelivery\b|\bship(?:ping|ped|ment\w*)\b|\bcouriers?\b|\bparcel\w*|\blogistic\w*"),
        (r"\brecruit\w*\s+(?:agenc\w*|firms?|companies|consultan\w*)|\bheadhunters?\b",
         r"\brecruit\w*|\bheadhunt\w*|\bemployment\s+agenc\w*"),
        (r"\bpenetration\s+test\w*|\bpen[- ]?test\w*", r"\bpenetration\b|\bpen[- ]?test\w*|\bvulnerability\b"),
        # (not a link's https://, a cryptographic hash)
        (r"\bencrypt\w*", r"\bencrypt\w*|\bcryptograph\w*\b(?!\s+hash)|\bTLS\b|\bSSL\b|\bHTTPS\b(?!://)"),
        # encryption only the two ends can read, not encryption in transit ("…encrypted via the HTTPS protocol")
        (r"\bend[- ]to[- ]end\b|\bE2EE?\b", r"\bend[- ]to[- ]end\b|\bE2EE?\b"),
        # (not browsers' "anti-fingerprinting", "the public face of the company", "face-to-face")
        (r"\bbiometric\w*|\bfingerprints?\b|\bfac(?:e|ial)\s+recognition\b",
         r"\bbiometric\w*|\bfingerprints?\b|\bfacial\b|(?<!\bthe\s)(?<!\bpublic\s)\bface\b(?![\s-]+(?:of|to)\b)"),
        # not a sector a company sells to ("the Healthcare sectors")
        (r"\bhealth\b|\bmedical\b|\bmedications?\b|\bprescriptions?\b|\bfitness\b",  # (also "health or fitness")
         r"\bhealth(?!care\s+(?:sectors?|industry|providers?|organi[sz]ations?)\b)\w*|"
         r"\bmedical\b|\bspecial\s+categor\w*|\bfitness\b"),
        # a location a person is at; "a franchised location", "the location of our offices" are none
        (r"\bgps\b|\bgeo-?locat\w*|\blocation\s+(?:data|tracking|history|information|services)\b|"
         r"\b(?:my|our|exact|precise|current|physical)\s+(?:(?:geographic\w*|physical|exact|precise)\s+)?location\b",
         r"\bgps\b|\bgeo-?locat\w*|\blocation[\s-]+(?:data|information|services|based|tracking|history)\b|"
         r"\b(?:your|user'?s?|device'?s?|precise|approximate|physical|geographic\w*|current|general|real-time)\s+"
         r"location\b|\blocation\s+of\s+(?:your|the)\s+(?:device|computer|phone)\b|\b(?:including|such\s+as)\s+location\b"),
        (r"\bartificial\s+intelligence\b|\bAI\b|\bmachine\s+learning\b|\blarge\s+language\s+models?\b|\bLLMs?\b",
         r"\bartificial\s+intelligence\b|\bAI\b|\bmachine\s+learning\b|\blanguage\s+models?\b|\bLLMs?\b|"
         r"\balgorithm\w*"),
        (r"\bsms\b|\btext\s+messag\w*|\btexts\b", r"\bsms\b|\btext\s+messag\w*|\btexts?\b|\bmobile\s+messag\w*"),
        # marketing on paper: a policy names post or letters (not "email")
        (r"\b(?:by|through\s+the|in\s+the)\s+(?:post|mail)\b|\bpostal\s+(?:marketing|mail\w*)\b|\bdirect\s+mail\b|"
         r"\bjunk\s+mail\b|\bletters?\b|\bleaflets?\b|\bbrochures?\b|\bcatalogu?es?\b",
         r"(?<!e-)(?<!e)\bmail\b(?!\s*@)|\b(?:by|via|through\s+the|in\s+the)\s+post\b|\bpostal\b(?!\s+address)|"
         r"\bletters?\b|\bleaflets?\b|\bbrochures?\b|\bcatalogu?es?\b|\bdirect\s+mail\w*|\bmailings?\b"),
        (r"\bcold[- ]?call\w*|\btelemarketing\b|\bmarketing\s+calls?\b|"
         r"\bmarketing\b[^?]{0,30}?\b(?:by|over\s+the|via)\s+(?:tele)?phone\b|\b(?:tele)?phone\s+marketing\b|"
         r"\b(?:phone|call|ring|telephone)s?\s+(?:me|us)\b[^?]{0,30}?\b(?:marketing|offers?|promotions?|sales|"
         r"sell\w*)\b",
         r"\bcold[- ]?call\w*|\btelemarketing\b|\btelephone\s+marketing\b|\bmarketing\s+calls?\b|"
         r"\bby\s+(?:tele)?phone\b"),
        (r"\bdata\s+brokers?\b", r"\bdata\s+brokers?\b|\bbrokers?\b|\bsell\w*|\bsold\b"),
        # using a service without an account ("Can I use Steam without an account?")
        (r"\b(?:use|using|access\w*|brows\w*|visit\w*|buy\w*|order\w*|shop\w*|watch\w*|read|play\w*|search\w*)\b"
         r"[^?]{0,40}?\bwithout\s+(?:an?\s+|my\s+own\s+|creating\s+an?\s+|having\s+an?\s+)?(?:accounts?|registering|"
         r"registration|signing\s+up|sign[- ]?up|logging\s+in)\b",
         r"\bwithout\s+(?:an?\s+|creating\s+an?\s+|having\s+an?\s+|(?:being\s+)?)(?:accounts?|registering|registration|"
         r"registered|signing\s+up|logging\s+in|logged\s+in)\b|\b(?:no|not)\s+(?:\w+\s+){0,3}?(?:accounts?|"
         r"registration)\s+(?:is\s+|are\s+)?(?:required|needed|necessary)\b|\bguest\s+(?:users?|checkout|access|mode)\b"),
        # data used for marketing ("Does Concero use my data for marketing?"): a sentence naming marketing, promotions,
        # offers, newsletters or advertising, or telling of products and services ("…inform its customers … about
        # CloudSentric … products and services"), not a list of support purposes
        (r"\b(?:us(?:e|es|ed|ing)|process\w*)\b[^?]{0,40}?\bfor\s+(?:direct\s+|their\s+own\s+|its\s+own\s+)?"
         r"(?:marketing|promotion\w*|advertising|newsletters?)\b",
         r"\bmarket\w*|\bpromot\w*|\bnewsletters?\b|(?<!\bwe\s)\boffers?\b|\badvertis\w*|\bads\b|\b(?:inform|tell|send|contact)\w*\b"
         r"[^.;]{0,60}?\babout\s+(?:\w+\s+){0,5}?(?:products|services|offers|events|news)\b"),
        # opting out of a sale, not of marketing ("Can I opt out of Steam selling my data?"); a sale of the business
        # ("as part of a sale or merger", "if we sell or transfer part of our business") is none
        (r"\b(?:opt\w*[- ]?out|stop|prevent|refuse|block)\w*\b[^?]{0,40}?\b(?:sell|selling|sale|sold)\b",
         r"\b(?:sell|sells|selling|sold|sale)\b(?!\s+(?:or|and)\s+(?:merger|transfer|acquisition)|\s+(?:of\s+)?(?:(?:all|"
         r"part)\s+(?:of\s+)?)?(?:our|the|its|a|this)?\s*(?:business|company|assets|shares)\b)"),
        (r"\bfraud\w*", r"\bfraud\w*"),
        # what a device hears or holds
        (r"\bmicrophones?\b|\bmic\b|\b(?:my|the|phone'?s?|device'?s?)\s+speakers?\b",
         r"\bmicrophones?\b|\bmic\b|\baudio\b|\bvoice\b|\bsound\s+recordings?\b|\bspeakers?\b"),
        (r"\bhandwrit\w*", r"\bhandwrit\w*"),
        # "Does Windstream record my voice?": a sentence on the voice, audio or recorded calls
        (r"\b(?:my|our|your|their)\s+voices?\b|\bvoice\s+(?:recordings?|data|commands?|notes?|messages?|chat)\b|"
         r"\baudio\s+recordings?\b",
         r"\bvoices?\b|\baudio\b|\bspeech\b|\bspoken\b|\bsound\s+recordings?\b|\b(?:call|phone|telephone)\s+recordings?\b|"
         r"\brecord\w*\b[^.;]{0,60}\bcalls?\b|\bcalls?\b[^.;]{0,60}\brecord\w*"),
        # (a phone's contacts, not a firm's list of people: "Could they sell our staff contact list…?")
        (r"\baddress\s+book\b|\bphone\s*book\b|(?<!staff\s)(?<!customer\s)(?<!client\s)(?<!business\s)\bcontacts?\s+list\b|"
         r"\b(?:my|phone)\s+contacts\b(?!\s+(?:info\w*|details|data|number))|"
         r"\bcontacts\s+(?:stored\s+|saved\s+)?(?:on|in)\s+(?:my|the|our)\s+(?:phone|device|mobile|iphone|android)\b",
         r"\baddress\s+book\b|\bphone\s*book\b|\bcontacts?\s+lists?\b|\byour\s+contacts\b(?!\s+(?:details|info\w*|data|with))|"
         r"\bcontacts\s+(?:on|from)\b|\baccess\s+to\s+(?:your\s+)?contacts\b"),
        # the content of a person's messages read or scanned ("Does X read my emails?"): not "…email (and IP) address"
        # or "…has been viewed" (the company's own email opened), nor others reading them ("…who else might see my
        # message?", a question of sharing); staff reading them is access to data (the entry above)
        (r"^(?!.*\b(?:who|staff|engineers?|employees?|technicians?)\b).*?\b(?:read\w*|scan\w*|look\w*\s+(?:at|through|"
         r"in(?:to)?)|go(?:es)?\s+through|snoop\w*|spy\w*\s+on|see|view|"
         r"access\w*|monitor\w*|check\w*)\s+(?:(?:my|our|your|their|the|private|personal|work|business)\s+){1,3}"
         r"(?:e-?mails?|messages?|inbox(?:es)?|chats?|DMs?|texts?|correspondence|communications?)\b"
         r"(?!\s+(?:address\w*|details|preferences|settings|(?:and|or|&)\s+(?:\w+\s+)?address\w*))",
         r"\b(?:read|scan|monitor|access|review|view|inspect|intercept)\w*\s+(?:(?:the\s+)?contents?\s+of\s+)?(?:(?:your|"
         r"users?['’]?|customers?['’]?|their|any|private|personal|the|encrypted|individual)\s+){1,3}(?:e-?mails?|"
         r"messages?|communications?|correspondence|inbox\w*|chats?)\b(?!\s+(?:address|account))|\bcontents?\s+of\s+"
         r"(?:(?:your|the|any|their|users?['’]?)\s+)?(?:\w+\s+)?(?:e-?mails?|messages?|communications?|correspondence|"
         r"chats?)\b|\b(?:e-?mails?|messages?|communications?|correspondence|chats?)\b[^.;,\n]{0,40}?\b(?:are|is|be|"
         r"being|been|gets?)\s+(?:\w+\s+)?(?:read|scanned|monitored|reviewed|inspected|intercepted)\b|"
         # (or in the next sentence: "We store … your direct messages… These are unencrypted and can be accessed…")
         r"\b(?:messages?|chats?)\b[^.;\n]{0,100}\.\s+(?:These|They|This|It|Such)\b[^.;\n]{0,60}?\b(?:are|is|be)\s+"
         r"(?:\w+\s+)?(?:read|scanned|monitored|reviewed|inspected|intercepted|accessed)\b"),
        # what a person browses ("Does X look at my browsing history?"), not one visit to the company's own site
        (r"\bbrows(?:ing|er)\s+(?:history|histories|habits|activit\w*|behaviou?r)\b|"
         r"\b(?:web)?(?:sites?|pages?)\s+(?:that\s+)?I\s+(?:visit|go\s+to|browse|look\s+at|view|read)\b|"
         r"\bwhat\s+I\s+click\b",
         r"\bbrows\w*\s+(?:history|histories|habits|activit\w*|behaviou?r|data|information)\b|\bclickstream\b|"
         r"\b(?:web\s*)?(?:pages?|sites?)\s+(?:(?:that|which)\s+)?you\s+(?:are\s+|have\s+)?(?:visit|view|brows|access)\w*|"
         r"\b(?:web\s*)?(?:pages?|sites?)\s+(?:visited|viewed)\b|\bnavigat\w+\s+(?:history|data|paths?|patterns?)\b|"
         r"\b(?:data|information)\s+(?:about|on|of)\s+(?:your\s+)?use\s+of\s+(?:our|the)\s+(?:web\s*)?sites?\b|"
         r"\bhow\s+(?:you|(?:our\s+)?(?:customers|users|visitors))\s+(?:use|are\s+using|interact\s+with)\s+(?:our|the)\s+"
         r"(?:web\s*)?sites?\b|\bdetails\s+of\s+your\s+visits?\s+to\s+our\b|\b(?:links|pages)\s+(?:you\s+)?(?:clicked|viewed)\b|"
         r"\bwhat\s+pages\b|\b(?:the\s+)?pages?\s+you\s+request\w*|\buser\s+movement\b"),
        # an app's permissions on a device ("with your permission" is consent, no device permission)
        (r"\b(?:app|special|device|phone|android|ios)\s+permissions?\b|"
         r"\bpermissions?\s+(?:does|do|is|are|will|must)\b.{0,40}\b(?:app|need|require|use|request|give|grant)\w*",
         r"\b(?:app|device|phone|system|android|ios|operating\s+system)\s+permissions?\b|"
         r"\bpermissions?\s+(?:settings|to\s+access|you\s+(?:grant|give))\b|\bpermission\s+to\s+access\b|"
         r"\baccess\s+to\s+(?:your|the)\s+(?:device'?s?\s+)?(?:camera|microphone|contacts|photos|location|storage)\b"),
        # kinds of personal data a policy lists when it collects them; "Is my card data stored…?" (no "bankruptcy")
        (r"\bdate\s+of\s+birth\b|\bdob\b|\bbirthday\b|\bbirth\s+date\b|\bmy\s+age\b",
         r"\bbirth\w*|\bdob\b|\b(?:your|users?['’]?|their)\s+age\b|\bage\s+(?:verification|range|group|bracket)\b"),
        (r"\bbank\s+(?:details|account\w*|information|info)\b|\bsort\s+code\b|\bdirect\s+debit\b|"
         r"\b(?:credit|debit|payment|bank)\s+cards?\b|\bcard\s+(?:data|details|information|info|numbers?)\b",
         r"\bbank(?!rupt)\w*|\bsort\s+code\b|\bdirect\s+debit\b|\bpayment\w*|\bbilling\b|\bcards?\b|"
         r"\bfinancial\s+(?:information|data|details|info|accounts?)\b"),
        (r"\bpassports?\b|\bdriving\s+licen[cs]e\b|\bnational\s+insurance\b|\bsocial\s+security\b",
         r"\bpassports?\b|\bdriving\s+licen[cs]e\b|\bnational\s+insurance\b|\bsocial\s+security\b|"
         r"\bidentity\s+documents?\b|\bproof\s+of\s+identity\b|\bidentification\b"),
        # what a person's camera takes ("images" alone are often a web beacon's)
        (r"\bphoto\w*|\bpictures?\b|\bwebcam\b|\bcameras?\b|\bvideo\s+(?:footage|recordings?)\b",
         r"\bphoto\w*|\bpictures?\b|\b(?:your|profile|uploaded?|personal)\s+images?\b|\bcamera\w*|\bcctv\b|"
         r"\bvideo\s+(?:footage|recordings?)\b|\bvideos\s+you\b"),
        (r"\breligio\w*|\bethnic\w*|\bpolitical\b|\bsexual\b|\btrade\s+union\b|\bgender\b|\bspecial\s+categor\w*|"
         r"\bsensitive\s+(?:personal\s+)?(?:data|information|details)\b",
         r"\breligio\w*|\bethnic\w*|\bpolitical\b|\bsexual\b|\btrade\s+union\b|\bgender\b|\bsex\b|"
         r"\bspecial\s+categor\w*|\bsensitive\b"),
        # ("background or criminal record checks" is one thing, not two joined by "or")
        (r"\bcriminal\s+(?:records?|convictions?|history)\b|\bdbs\b|\bbackground\s+(?:(?:or|and)\s+criminal\s+"
         r"(?:records?\s+)?)?(?:checks?|screening|vetting)\b|\bvetting\b",
         r"\bcriminal\s+(?:records?|convictions?|histor\w+|backgrounds?|offen[cs]es?|checks?)\b|\bconvictions?\b|\bdbs\b|"
         r"\bbackground\s+checks?\b|\boffen[cs]es?\b"),  # (not "criminal activity")
        (r"\bin\s+person\b|\boffices\b|\bpremises\b|\breception\b",
         r"\bin\s+person\b|\boffices?\b|\bpremises\b|\breception\b|\bestablishment\w*|\bvisitors?\b"),
        # the police and other authorities; a policy says it as a disclosure the law requires
        (r"\b(?:police|law\s+enforcement|subpoena\w*|court\s+orders?|warrants?)\b|\b(?:to|with)\s+(?:the\s+|other\s+)?"
         r"authorities\b|\bgovernments?\b(?!\s+(?:sector|department|customers?|clients?|contracts?|bodies))",
         # ("government-issued ID" is a document, no recipient)
         r"\blaw\s+enforcement\b|\bpolice\b|\bgovernment\w*(?![- ](?:issued|ids?|identification))|"
         r"\bauthorit(?:y|ies)\b|\bregulators?\b|\bsubpoena\w*|"
         # a legal obligation to *disclose* ("we have legal obligations where we may have to keep your details" is none)
         r"\bcourt\s+orders?\b|\bwarrants?\b|\blegal\s+(?:process|proceedings|requests?)\b|"
         r"\b(?:obligation|obliged)\s+(?:by|under)\s+(?:the\s+)?law\b|\blegal\s+obligations?\s+to\s+(?:disclose|share|provide)\b|"
         r"\brequired\s+by\s+(?:the\s+|applicable\s+)?law\b|\bcompl(?:y|ying|iance)\s+with\s+(?:\w+\s+){0,3}"
         r"(?:laws?|legal|regulations?)\b"),
        # recording a call; CCTV; a job applicant's data; credit checks; buying data about people ("the cloud" is
        # none: a user's "my data in the cloud" is what a policy calls stored data)
        (r"\b(?:record|listen\w*\s+(?:in\s+)?(?:to|on))\w*\s+(?:\w+\s+){0,3}?(?:calls?|conversations?)\b|"
         r"\b(?:calls?|conversations?)\s+(?:\w+\s+){0,5}?record\w*|\bcall\s+recordings?\b",
         r"\brecord\w*\b[^.;]{0,90}\b(?:calls?|conversations?|communications?(?!\s+pref))\b|"
         r"\b(?:calls?|conversations?)\b[^.;]{0,90}\brecord\w*|"
         r"\brecordings\b|\b(?:voice|audio|telephone|phone)\s+record\w*|\blisten\w*\s+(?:in\s+)?(?:to|on)\s+(?:\w+\s+){0,3}?(?:calls?|conversations?)\b"),
        # old equipment disposed of ("When Core Office replaces our old office PCs, do they securely wipe or destroy
        # the hard drives?")
        (r"\b(?:wip\w*|destroy\w*|shred\w*|dispos\w*|recycl\w*)\b[^?]{0,40}?\b(?:hard\s*drives?|disks?|drives|devices?|"
         r"equipment|laptops?|computers?|PCs?|hardware|machines?)\b|\b(?:hard\s*drives?|disks?)\b[^?]{0,40}?"
         r"\b(?:wip\w*|destroy\w*|shred\w*|dispos\w*)",
         r"\bwip(?:e|ed|es|ing)\b|\bdestr(?:oy|oyed|uction)\b|\bshred\w*|\bdispos\w*|\brecycl\w*|\bhard\s*drives?\b|"
         r"\bdisks?\b|\bsanitis\w*|\bsanitiz\w*"),
        # moving one's data to another provider ("…give us our personal data in a format we can take to the new
        # company?"); staff trained in data protection; a named UK certification; logging into a user's computer
        (r"\bportab\w*|\bmachine[- ]readable\b|\b(?:format|file)\b[^?]{0,40}?\b(?:take|move|transfer|give|send)\w*\b"
         r"[^?]{0,30}?\b(?:new|another|other|different)\s+(?:company|provider|supplier|service|firm)\b",
         r"\bportab\w*|\bmachine[- ]readable\b|\bcommonly\s+used\b|\bstructured\b"),
        (r"\b(?:staff|employees?|personnel|engineers?|workers?|team)\b[^?]{0,40}?\btrain(?:ed|ing)\b|\btrain(?:ed|ing)\b"
         r"[^?]{0,40}?\b(?:staff|employees?|personnel|engineers?)\b",
         r"\btrain(?:ed|ing|s)?\b"),
        (r"\bcyber\s+essentials\b", r"\bcyber\s+essentials\b"),
        # engineers reaching a customer's own systems ("Will your engineers access the files … on our systems?")
        (r"\b(?:engineers?|technicians?|staff|employees|support\s+(?:team|staff)|you|they|them)\b[^?]{0,30}?\b(?:access\w*|"
         r"see|look\w*\s+(?:at|through|in)|read|open|view|go\s+(?:into|through)|get\s+into|log\w*\s+(?:in|into|on))\b[^?]{0,50}?"
         r"\b(?:(?:our|my)\s+(?:\w+\s+){0,2}?(?:files?|systems?|servers?|networks?|emails?|computers?|PCs?|laptops?|"
         r"devices?|accounts?|databases?)|business\s+data|data\s+(?:stored|held)\s+on)\b",
         r"\baccess\w*\b[^.;]{0,60}\b(?:networks?|systems?|files?|servers?|business\s+data|databases?|equipment|"
         r"computers?|devices?)\b|\b(?:networks?|systems?|servers?|business\s+data|databases?)\b[^.;]{0,60}\baccess\w*|"
         r"\bremote\w*"),
        (r"\binternet\s+(?:service\s+)?providers?\b|\bISPs?\b|\btelecom\w*|\bbroadband\s+(?:providers?|compan\w*)\b|"
         r"\b(?:phone|telephone|mobile)\s+(?:networks?|providers?|compan\w*|carriers?|operators?)\b|"
         r"\b(?:phone|telephone|mobile)\s+(?:or|and|/)\s+(?:internet|broadband)\s+(?:service\s+)?providers?\b",
         r"\binternet\s+(?:service\s+)?providers?\b|\bISPs?\b|\btelecom\w*|\bcarriers?\b|\bnetwork\s+operators?\b"),
        (r"\boperating\s+systems?\b|\bdevice\s+(?:types?|models?|ids?|identifiers?)\b|\bbrowser\s+types?\b",
         r"\boperating\s+systems?\b|\bdevice\s+(?:types?|models?|ids?|identifiers?|information|data)\b|"
         r"\bbrowser\s+(?:types?|versions?)\b|\bsystem\s+configuration\b|\bdiagnostic\w*|\bhardware\b"),
        # passwords the company holds (not "our staff used weak passwords"); an email opened; a course's certificate
        (r"\b(?:collect|keep|kept|stor|hold|held|ask|record|see|know)\w*\b[^?]{0,30}?"
         r"\b(?:passwords?|log-?in\s+(?:details|credentials|info\w*)|credentials|usernames?)\b",
         r"\bpasswords?\b|\bcredentials\b|\buser\s*names?\b|\blog-?in\s+(?:details|info\w*|data)\b"),
        (r"\bopen(?:s|ed|ing)?\b[^?]{0,30}?\be-?mails?\b|\be-?mails?\b[^?]{0,40}?\bopen(?:s|ed|ing)?\b",
         r"\bpixels?\b|\bweb\s+beacons?\b|\bopen\w*\b[^.;]{0,40}\be-?mails?\b|\be-?mails?\b[^.;]{0,60}\bopen\w*"),
        (r"\b(?:send|share|pass|give|hand|provid)\w*\b[^?]{0,80}?\b(?:certif\w*|accredit\w*|awarding\s+bod\w*|"
         r"exam\w*\s+boards?)", r"\baccredit\w*|\bcertif\w*|\bawarding\b|\bexams?\b|\bexamination\w*"),
        # "Do any of these companies collect info about me through a mobile app?"
        # (not "this mobile app": the service the user is asking about)
        (r"(?<!\bthis\s)(?<!\bthe\s)(?:\bmobile\s+app(?:s|lications?)?\b|\bphone\s+apps?\b|\bsmartphone\s+apps?\b)",
         # (not "job applications", "application form", "your computer or mobile device")
         r"\bmobile\s+(?:app\w*|software)\b|\bapps?\b|\b(?:our|mobile|smartphone|phone|desktop)\s+applications?\b|"
         r"\bsmartphones?\b"),
        (r"\bremote(?:ly)?\s+(?:in|into|access\w*|control\w*|log\w*|connect\w*|on|onto)\b|\bremote\s+(?:support|sessions?)\b",
         r"\bremote\w*"),
        # "If 23T loses my data in a hack, will they pay me compensation?"
        (r"\bcompensat\w*|\breimburs\w*|\bpay\s+(?:me|us)\s+(?:\w+\s+)?(?:damages|back)\b|\bdamages\b",
         r"\bcompensat\w*|\bdamages\b|\breimburs\w*|\brefund\w*|\bliab\w*"),
        (r"\bcctv\b|\b(?:security|surveillance)\s+cameras?\b",
         r"\bcctv\b|\bcameras?\b|\bsurveillance\b|\bclosed[- ]circuit\b|\bvideo\s+monitoring\b"),
        (r"\bjob\s+applic\w*|\bapplicants?\b|\brecruit\w*|\bcandidates?\b|\bcvs?\b|\br[ée]sum[ée]s?\b",
         r"\bjob\s+applic\w*|\bapplicants?\b|\brecruit\w*|\bcandidates?\b|\bcvs?\b|\bcurriculum\s+vitae\b|"
         r"\br[ée]sum[ée]s?\b|\bvacanc\w*|\bcareers?\b|\bemployment\s+applications?\b|\bhiring\b|"
         r"\bapply\w*\s+for\s+(?:a\s+|an\s+)?(?:job|role|position|vacancy)\b"),
        (r"\bcredit\s+(?:checks?|references?|scor\w*|ratings?|history|agenc\w*|searches?)\b|\bcreditworth\w*|"
         r"\b(?:check|run|search|look)\w*\s+(?:up\s+|into\s+)?(?:my|our|your|their)\s+credit\b(?!\s+cards?\b)",
         r"\bcredit\s+(?:checks?|reference\w*|scor\w*|ratings?|history|agenc\w*|searches?|reports?|terms|limits?|"
         r"risks?)\b|\bcreditworth\w*|\bcredit\s+(?:and|or)\s+fraud\b"),
        # ("…get contact lists from list brokers?", "Do they get people's details from bought-in lists?")
        (r"\b(?:buy|buys|bought|purchas\w*)\s+(?:\w+\s+){0,3}?(?:data|information|details|lists?)\b|"
         r"\blist\s+brokers?\b|\bbought[- ]in\b",
         # (not what a customer buys: "When you buy from us, you may be asked to provide information…")
         r"\b(?:buy|bought|purchas\w*)\b(?!\s+from\s+(?:us|you)\b)[^.;]{0,60}\b(?:data|information|lists?)\b|"
         r"\b(?:data|information|lists?)\b[^.;]{0,60}\b(?:bought|purchased)\b|\bdata\s+brokers?\b|"
         r"\b(?:receive|obtain|acquire)\w*\b[^.;]{0,60}?\bfrom\s+(?:third[- ]part|other\s+(?:companies|sources|"
         r"organi[sz]ations)|data\s+brokers|list\s+(?:providers|brokers))|\blist\s+brokers?\b"),
        # the company itself sold, merged or taken over: a policy says so as a business transfer (no data merged: "The
        # IP address … is not merged with other Google data")
        (COMPANY_SOLD,
         r"\bmergers?\b|\bmerg(?:e[sd]?|ing)\b(?![^.;]{0,40}?\b(?:data|information|details|records|profiles?)\b)|"
         r"\bacqui\w*|\b(?:sale|sell\w*|sold)\b(?:\s+\w+){0,5}?\s+(?:business|company|assets)\b|"
         r"\bbankrupt\w*|\binsolven\w*|\breorgani[sz]\w*|\btakeover\b|\btaken\s+over\b|"
         r"\bchange\s+(?:of|in)\s+(?:control|ownership)\b|\bbusiness\s+transfers?\b"),
        # training AI on people's data: a policy writes training and a model (or AI) together
        (r"\btrain\w*\b(?:\s+\w+){0,4}?\s+(?:AI|artificial\s+intelligence|(?:\w+\s+)?models?|machine\s+learning|"
         r"algorithms?|LLMs?|chatbots?)\b|\b(?:AI|machine\s+learning|model)\s+training\b",
         r"\btrain\w*\b[^.;]{0,80}?\b(?:AI|artificial\s+intelligence|models?|machine\s+learning|algorithms?|LLMs?)\b|"
         r"\b(?:AI|artificial\s+intelligence|models?|machine\s+learning|algorithms?|LLMs?)\b[^.;]{0,80}?\btrain\w*"),
        # roles under data protection law, tracking pixels, registration with the ICO
        (r"\bdata\s+(?:processor|controller)s?\b|\b(?:act|acting|acts)\s+as\s+(?:an?|the|my|our)\s+(?:\w+\s+)?"
         r"(?:processor|controller)\b|\b(?:processor|controller)\s+(?:for|of)\s+(?:my|our|your)\b|"
         # "If you process my data on behalf of one of your business customers…?": the roles under the law
         r"\bon\s+behalf\s+of\s+(?:\w+\s+){0,4}?(?:customers?|clients?|employers?)\b",
         # a data controller, not a game controller
         r"\bdata\s+(?:processors?|controllers?)\b|\b(?:processors?|controllers?)\s+(?:of|for|on\s+behalf)\b|"
         r"\b(?:the|a|an|as|joint|independent|sub-?)\s*(?:processors?|controllers?)\b|"
         r"\bon\s+behalf\s+of\s+(?:our|its|their|a|the)\s+(?:customers?|clients?)\b"),
        # kinds of recipient a policy names when it discloses to them: advertisers, marketing firms, debt collectors
        # (not beside a sale: "we do not sell your data" answers "do they sell my email to advertisers?")
        (r"^(?!.*\b(?:sell\w*|sold|sale)\b)(?:.*?)(?:\badvertis(?:ers|ing\s+(?:compan\w*|networks?|partners?|agenc\w*|"
         r"firms?))\b|\bad\s+(?:networks?|compan\w*|partners?)\b|\bfor\s+(?:targeted\s+|personali[sz]ed\s+)?"
         r"(?:advertis\w*|ads)\b|\b(?:targeted|personali[sz]ed|tailored)\s+(?:ads|adverts?|advertis\w*)\b|"
         r"\btailor\w*\s+(?:\w+\s+)?(?:ads|adverts?|advertis\w*)|\bshow\s+(?:me\s+)?(?:ads|adverts)\b)",
         r"\badvertis\w*|\bad\s+(?:networks?|partners?)\b|\bmarketing\s+partners?\b"),
        (r"\bmarketing\s+(?:agenc\w*|compan\w*|firms?|partners?)\b",
         r"\bmarketing\s+(?:agenc\w*|compan\w*|firms?|partners?|service\s+providers?|providers?)\b|\bagenc(?:y|ies)\b|"
         r"\badvertis\w*"),
        (r"\bdebt\s+collect\w*|\bcollection\s+agenc\w*|\bdebt\s+recovery\b|\bbailiffs?\b",
         r"\bdebts?\b|\bcollection\s+agenc\w*|\bbailiffs?\b|\brecover\w*\s+(?:of\s+)?(?:any\s+)?(?:debts?|sums|monies|"
         r"money|amounts)\b"),
        # using data for research, or to tailor what a person sees
        (r"\bresearch\w*",
         r"\bresearch\w*|\bacademic\w*|\buniversit(?:y|ies)\b"),
        (r"\b(?:personali[sz]|tailor|customi[sz])\w*\b(?!\s+(?:\w+\s+)?(?:ads|adverts?|advertis\w*|messages)\b)",
         r"\bpersonali[sz]\w*|\btailor\w*|\bcustomi[sz]\w*|\byour\s+interests\b"),
        # processing card payments: a recipient a policy names ("credit card processing", "processing your payments"),
        # not the payment details it collects
        (r"\bprocess\w*\s+(?:\w+\s+){0,2}?(?:card\s+)?payments?\b|\bpayment\s+(?:process\w*|providers?|processors?|"
         r"gateways?)\b|\bcard\s+payments?\b|\bpayment\s+(?:card\s+)?process\w*",
         r"\bpayment\w*\s+(?:process\w*|providers?|processors?|gateways?|services?)\b|\bprocess\w*\s+(?:\w+\s+){0,2}?"
         r"payments?\b|\b(?:credit\s+|debit\s+)?card\s+(?:process\w*|payments?)\b|\bpayment\s+card\b|\bPCI\b"),
        # a customer portal or online account through which a person makes requests
        # (something done through one, or one offered; not "Does the Concero portal use two-factor login?")
        (r"\b(?:through|via|using|in|on|from)\s+(?:their|its|the|a|an|my|your|our)?\s*(?:[\w-]+\s+)?(?:portals?|dashboard|"
         r"online\s+account)\b|\bself[- ]service\b|\b(?:have|has|offer\w*|provid\w*)\s+(?:a|an|any)\s+(?:[\w-]+\s+)?"
         r"(?:portal|dashboard|online\s+account)\b",
         r"\bportals?\b|\bdashboard\b|\bself[- ]service\b|\bonline\s+account\b|\baccount\s+settings\b|"
         r"\bcontrol\s+panel\b"),
        # a breach of data or security (what a security section's "measures to protect" does not speak of), unless
        # only what security guards against ("what encryption protects my data from breaches?")
        (r"^(?!.*\b(?:protect|secur|safe|guard|prevent|defend)\w*\b[^?]{0,40}\b(?:from|against)\s+(?:\w+\s+){0,2}?"
         r"(?:breach|leak))(?:.*?)(?:\bbreach\w*|\b(?:data|information|security)\s+leaks?\b|\bleaked\b)",
         r"\bbreach\w*|\bsecurity\s+incidents?\b|\bhack\w*|\bleak\w*|\bcompromis\w*"),
        # links to other sites; cookies set by others; a new use of data
        (r"\blinks?\s+to\s+(?:other|third|external|outside)\b|\blinks?\s+(?:it\s+)?(?:has|contains|includes)\b|"
         r"\b(?:other|third[- ]party|external|outside)\s+(?:web)?sites?\b(?:\s+(?:it|they)\s+links?\b)?|"
         r"\blinked\s+(?:web)?sites?\b|\b(?:do|does)\s+\w+(?:\s+\w+)?\s+link\s+to\b",
         r"\blinks?\s+to\b|\blinked\b|\bhyperlinks?\b|\b(?:other|third[- ]party|external)\s+(?:web)?sites?\b"),
        (r"\bthird[- ]party\s+cookies\b|\b(?:advertising|marketing|targeting)\s+cookies\b",
         r"\bthird[- ]part\w*\b[^.;]{0,80}?\bcookies?\b|\bcookies?\b[^.;]{0,80}?\bthird[- ]part\w*|"
         r"\b(?:advertising|marketing|targeting|tracking)\s+cookies\b|\bpartners?\b[^.;]{0,40}?\bcookies?\b|"
         r"\bcookies?\b[^.;]{0,60}?\b(?:google|facebook|advertis\w*)\b"),
        (r"\b(?:new|different|unrelated|another|other)\s+purposes?\b|\bfor\s+(?:something|anything)\s+(?:new|"
         r"different)\b",
         r"\b(?:new|different|unrelated|incompatible|another|other|further)\s+purposes?\b|\bpurposes?\s+other\s+than\b|"
         r"\bcompatible\s+with\b"),
        # social networks' buttons and plug-ins on a site
        (r"\bsocial\s+(?:media|networks?|networking)\b|\bplug-?ins?\b|\b(?:like|share)\s+buttons?\b",
         r"\bsocial\s+(?:media|network\w*|plug-?ins?|sharing|features?|widgets?)\b|\bplug-?ins?\b|\bwidgets?\b|"
         r"\b(?:like|share)\W{0,3}\s+buttons?\b|\bfacebook\b|\btwitter\b|\blinkedin\b|\binstagram\b|\byoutube\b"),
        (r"\bpixels?\b|\bweb\s+beacons?\b",
         r"\bpixels?\b|\bbeacons?\b|\bclear\s+gifs?\b|\bspotlight\s+tags?\b|\bweb\s+bugs?\b|\btracking\s+tags?\b"),
        (r"\bregistered\s+(?:with|under)\s+(?:the\s+)?(?:ico|information\s+commissioner|data\s+protection\s+act)|"
         r"\bico\s+registration\b",
         r"\bregist\w*\b[^.;]{0,60}\b(?:ICO|Information\s+Commissioner|Data\s+Protection\s+Act)|"
         r"\b(?:ICO|Information\s+Commissioner\w*|Data\s+Protection\s+Act)\b[^.;]{0,60}\bregist\w*"),
        (r"\bdata\s+processing\s+(?:agreements?|addend(?:um|a)|terms)\b|\bDPAs?\b",  # "Will they sign a DPA with us?"
         r"\bprocessing\s+(?:agreements?|addend(?:um|a)|terms)\b|\bDPAs?\b|\barticle\s+28\b"),
        # kinds of data a policy names when it collects them: a job title, an IP address (browsing and purchase
        # history were tried: policies that address them in other words went "not stated")
        (r"\bjob\s+titles?\b|\bposition\s+at\s+work\b", r"\bjob\s+titles?\b|\bposition\b|\broles?\b"),
        (r"\bip\s+address\w*|\binternet\s+protocol\b", r"\bIP\b|\binternet\s+protocol\b"),
        # the user's phone number (not "Do they phone me?", nor the ICO's number asked for); a sale, sharing or
        # deletion of it is answered by one of any data
        (r"^(?!.*\b(?:delet|eras|remov|sell|sold|sale|shar|disclos|pass)\w*).*?"
         r"\b(?:my|our)\s+(?:\w+\s+)?(?:phone|telephone|mobile|cell(?:phone)?)\s+(?:numbers?|nos?\.?)(?!\w)",
         r"\b(?:phone|telephone|mobile|cell(?:phone)?)\s*(?:numbers?|nos?\b)"),
        # withdrawing consent; logs of access (being told of a change to the policy was tried: "will you notify me if
        # the policy changes?" is answered by "we will post any changes on this page" too)
        (r"\bwithdraw\w*\s+(?:my\s+|your\s+|our\s+)?consent\b",
         r"\bwithdraw\w*\b[^.;]{0,40}?\bconsent\b|\bconsent\b[^.;]{0,40}?\bwithdraw\w*|\brevok\w*"),
        (r"\blogs\b(?!\s+(?:in|on|into)\b)|\blog\s+(?:of|files?)\b|\baudit\s+(?:trails?|logs?)\b|\bkeep\s+a\s+log\b",
         r"\blog(?:s|ging|ged)?\b(?!\s*-?\s*in\b)|\baudit\w*|\blog\s+files?\b"),
        # professional advisers a company discloses data to
        (r"\b(?:professional|legal)\s+advis[eo]rs?\b|\blawyers?\b|\bsolicitors?\b|\baccountants?\b|\bauditors?\b",
         r"\badvis[eo]rs?\b|\blawyers?\b|\bsolicitors?\b|\baccountants?\b|\bauditors?\b|\blegal\s+counsel\b|"
         r"\bprofessional\s+(?:services?|firms?)\b"),
        (r"\binsurers?\b|\binsurance\s+(?:compan\w*|providers?|firms?)\b", r"\binsur\w*"),
        (r"\bback(?:ed|ing|s)?[- ]?ups?\b", r"\bback(?:ed|ing|s)?[- ]?ups?\b|\bdisaster\s+recovery\b|\breplicat\w*"),
        # couriers and delivery firms
        (r"\bcouriers?\b|\bdelivery\s+(?:compan|firm|service|partner|driver)\w*",
         r"\bcouriers?\b|\bdeliver(?:y|ies)\b|\bshipping\b|\blogistics\b|\bpostal\s+services?\b|\bcarriers?\b"),
        # training staff in data protection
        (r"\btrain\w* (?:\w+ ){0,2}(?:staff|employees|personnel)\b|\b(?:staff|employee|personnel) training\b|"
         r"\b(?:staff|employees|personnel)\s+(?:are|is|get|gets|being|been)\s+(?:\w+\s+)?trained\b",
         r"\b(?:staff|employees?|personnel|workforce|team\s+members|colleagues)\b[^.;]{0,40}?\btrain\w*|"
         r"\btrain\w*\b[^.;]{0,40}?\b(?:staff|employees?|personnel|workforce|team\s+members|colleagues)\b"),
        # how soon a request is answered: a time to reply, not how long data is kept
        (r"\bhow\s+(?:long|quickly|soon|fast)\b(?:\s+\w+){0,6}?\s+(?:reply|replies|respond\w*|response|answer\w*)\b|"
         r"\b(?:reply|response)\s+times?\b|\b(?:respond|reply|replies|answer)\w*\b(?:\s+\w+){0,3}?\s+within\b",
         r"\b(?:respon\w*|reply|replies|answer\w*|deal\s+with|handle|complete|fulfil\w*|action|resolve|acknowledge)\b[^.;]{0,120}?"
         r"\b(?:within|days?|months?|weeks?|as\s+soon\s+as\s+possible|"
         r"promptly|without\s+undue\s+delay)\b|\bwithin\b[^.;]{0,60}?\b(?:respon\w*|reply)|"
         r"\b(?:days?|months?|weeks?)\s+to\s+(?:respon\w*|reply|answer)"),
        # rights a policy names when it grants them
        (r"\bportab\w*|\bmove\s+(?:my|our)\s+(?:\w+\s+)?(?:data|information)\s+(?:to|between)\s+(?:an?\s+)?"
         r"(?:another|new|different|other)\b|\bmachine[- ]readable\b|"
         # a copy to keep and take elsewhere; not data moved or exported abroad ("move my data outside
         # Europe", "export my data to the US?")
         r"\bdownload\w*\b|\bexport\w* (?:a copy of )?(?:all )?(?:of )?(?:my|our) (?:\w+ )?"
         r"(?:data|information|details)\b(?! (?:to|outside|abroad|overseas|out)\b)",
         r"\bportab\w*|\bmachine[- ]readable\b|\bdownload\w*|\bexport\w*|"
         r"\banother\s+(?:data\s+)?(?:controller|provider|organi[sz]ation|service)\b"),
        (r"\brestrict\w*\s+(?:the\s+)?(?:\w+\s+){0,2}?process\w*|\brestriction\s+of\b",
         r"\brestrict\w*\s+(?:\w+\s+){0,3}?process\w*|\brestriction\s+(?:of|on)\s+(?:\w+\s+){0,2}?process\w*|"
         r"\bright\s+to\s+restrict\w*"),
        (r"\blegitimate\s+interests?\b", r"\blegitimate\s+(?:business\s+)?interests?\b"),
        # the user's employer as a recipient ("Does X share my data with my employer?"): a policy names the employer or
        # the user's organisation
        (r"\b(?:with|to)\s+(?:my|our)\s+(?:employer|boss|line\s+manager)\b",
         r"\bemployers?\b|\byour\s+(?:organi[sz]ation|company|business|school)\b|\bcustomers?\s+of\s+(?:our\s+)?customers\b"),
        # "other companies in its group", "within the group"
        (r"\bgroup\s+compan\w*|\b(?:compan\w*|firms?|businesses)\s+(?:with)?in\s+(?:its|their|the(?:\s+same)?)\s+"
         r"(?:corporate\s+)?group\b|\bwithin\s+(?:its|their|the)\s+group\b|\baffiliates\b|"
         r"\baffiliated\s+(?:compan|organi[sz]ation|entit)\w*|\bsubsidiar\w*|\bsister\s+compan\w*|\bparent\s+compan\w*|"
         # "Who owns 23Technology?", "who owns this company?" (not "who owns the rights to my photos?")
         r"\bwho\s+owns\s+(?:(?-i:[A-Z0-9])|(?:this|the|that)\s+(?:company|business|firm|app|site|website)\b)|"
         r"\b(?:is|are)\s+(?:\w+\s+){1,3}?owned\s+by\b",
         r"\bgroup\b|\baffiliat\w*|\bsubsidiar\w*|\bsister\s+compan\w*|\bparent\s+compan\w*|\bassociated\s+compan\w*"),
        # what a policy names when it does them: recording a screen, a death, rewards for reporting flaws, anonymising,
        # assessing privacy risks ("Does Concero keep my data after I die?" was answered by how long it keeps
        # recordings)
        (r"\bscreen\s*(?:record\w*|shar\w*|captur\w*|shots?)|\brecord\w*\s+(?:\w+\s+)?screens?\b",
         r"\bscreens?\b"),
        # a person's death, not a thing's ("My laptop from 23T has died")
        (r"\b(?:death|deceased)\b|\bpass(?:es|ed)?\s+away\b|\b(?:I|I'm|I’m|me|he|she|they|someone|somebody|"
         r"anyone|person|relatives?|husband|wife|partner|spouse|father|dad|mother|mum|mom|parents?|son|daughter|"
         r"child|family|user|customer|owner|director|employee)\s+(?:\w+\s+){0,2}?(?:die|dies|died|dead)\b",
         r"\b(?:die|dies|died|death|dead|deceased|bereave\w*)\b|\bnext\s+of\s+kin\b|\bpass(?:es|ed)?\s+away\b"),
        (r"\bbug\s+bount\w*|\bvulnerabilit\w*\s+disclos\w*|\bresponsible\s+disclosure\b",
         r"\bbug\s+bount\w*|(?<!your\s)\bvulnerabilit\w*+(?!-)|\bresponsible\s+disclosure\b|\bsecurity\s+researchers?\b"),
        (r"\banonymi[sz]\w*|\bpseudonymi[sz]\w*|\bde-?identif\w*",
         r"\banonym\w*|\bpseudonym\w*|\bde-?identif\w*|\baggregat\w*"),
        (r"\bimpact\s+assessments?\b|\bDPIAs?\b", r"\bimpact\s+assessments?\b|\bDPIAs?\b|\bprivacy\s+by\s+design\b"),
        # data put together with other data ("Does 23T combine data from third parties with its own?")
        (r"\b(?:combin|merg)\w*\s+(?:[\w-]+\s+){0,3}?(?:data|information|details|info)\b",
         r"\b(?:combin|merg)\w*\s+(?:[\w,-]+\s+){0,6}?(?:data|information|details|records)\b|\b(?:data|information)\b[^.;]{0,60}?"
         r"\b(?:combined|merged)\b"),
        # kinds of cookie by how long they last ("Does CT1 use persistent cookies?")
        (r"\b(?:persistent|session|permanent)\s+cookies?\b", r"\bpersistent\b|\bsession\b|\bpermanent\s+cookies?\b"),
        # where data is held ("Which companies mention data centres?")
        (r"\bdata\s*cent(?:re|er)s?\b", r"\bdata\s*cent(?:re|er)s?\b|\bcolocation\b|\bTier\s+(?:I{1,3}V?|[1-4])\b"),
        # a charge ("Is there a fee?" of Core Office, which names none), not "free" or being "in charge", nor paying for
        # what one buys ("what payment details does Vanco collect when I pay for a school event?")
        (r"\bfees?\b|\b(?:charge|charges|charged)\s+(?:me|us|for|to|a|anything)\b(?!\s+(?:different|higher|more)\s+prices)|\bcost\s+(?:me|anything|money)\b|"
         r"\bhave\s+to\s+pay\b|\b(?<!when\si\s)(?<!if\si\s)(?<!once\si\s)(?<!after\si\s)(?<!when\swe\s)(?<!if\swe\s)"
         rf"{NOT_A_PAY_PRODUCT}pay\s+(?:for|to)\b(?![^?]{{0,40}}?\b(?:with|using|by|via|in)\s+(?:cash|bitcoin|crypto\w*|"
         r"card|credit|debit|paypal))|\bfree\s+of\s+charge\b|\bfor\s+free\b|\bis\s+(?:it|that)\s+free\b",  # (or how)
         r"\bfees?\b|\bcharg(?:e|es|ed|ing)\b|\bcosts?\b|\bfree\s+of\s+charge\b|\bat\s+no\s+cost\b|\bfor\s+free\b|"
         r"\bpay\b|\bpayment\s+of\b"),
        # the company failing ("What happens to my data if Concero goes out of business?"), not a fee for
        # "administration"
        (r"\bout\s+of\s+business\b|\bgo(?:es|ing)?\s+bust\b|\bbankrupt\w*|\binsolven\w*|\b(?:into|in)\s+"
         r"administration\b|\bliquidat\w*|\bceases?\s+trading\b|(?<!\bi\s)(?<!\bwe\s)\b(?:closes?|shuts?)\s+down\b"
         r"(?!\s+(?:my|our|the|an?)\s)|\bfolds\b",  # (not "I shut down my Xanga account")
         r"\bout\s+of\s+business\b|\bbankrupt\w*|\binsolven\w*|\b(?:into|in)\s+administration\b|\bliquidat\w*|"
         r"\bceas\w*\s+(?:to\s+)?(?:trad|operat)\w*|\bwind(?:ing)?\s+up\b|\breceivership\b|\bdissolution\b"),
        # security promised without fail ("Can they guarantee my data is safe?", "Is it 100% secure?"): a policy
        # writes a guarantee or an absolute, most often to deny it ("no security system is impenetrable")
        (GUARANTEE_ASKED, GUARANTEE_WRITTEN),
        # a regulator to complain to ("Does 23T let me complain to a regulator?"), not the company's own complaints
        (r"\bcomplain\w*\b[^?]{0,40}\b(?:regulators?|supervisory\s+authorit\w*|data\s+protection\s+authorit\w*)|"
         r"\b(?:regulators?|supervisory\s+authorit\w*)\b[^?]{0,40}\bcomplain\w*",
         r"\bregulators?\b|\bsupervisory\s+authorit\w*|(?-i:\bICO\b)|\binformation\s+commissioner\w*|"
         r"\bdata\s+protection\s+authorit\w*"),
        # resellers a company sends data to ("Which companies share data with their resellers?"); a policy's
        # "partners" names none
        (r"\bresell\w*|\bdistributors?\b|\bchannel\s+partners?\b",
         r"\bresell\w*|\bdistributors?\b|\bchannel\s+partners?\b"),
        # ways of tracking a policy names when it uses them
        (r"\bfingerprint\w*", r"\bfingerprint\w*"),
        (r"\b(?:my|our|your)\s+(?:precise\s+|exact\s+|physical\s+|current\s+)?location\b|\bgeo[- ]?locat\w*|"
         r"\bgps\b|\bwhere\s+(?:i|we)\s+am\b",
         r"\blocation\w*|\bgeo\w*|\bgps\b"),
        # a duty in law ("…keep my data because the law requires them to?")
        (r"\b(?:law|legal(?:ly)?)\b[^?]{0,30}?\b(?:requir|oblig|demand)\w*|\b(?:requir|oblig)\w*\s+(?:\w+\s+){0,2}?by\s+"
         r"(?:the\s+)?law\b|\blegal\s+(?:obligations?|requirements?|reasons?|duty|duties)\b",
         # a duty, not "under data protection law, you have the right to…"
         r"\blegal(?:ly)?\s+(?:obligations?|requirements?|reasons?|duty|duties|claims?|proceedings?|process|"
         r"obliged|required|bound)\b|\b(?:required|obliged|obligated|compelled)\s+(?:\w+\s+){0,3}?(?:by|under)\s+"
         r"(?:\w+\s+){0,2}?laws?\b|\bcomply\w*\s+with\s+(?:\w+\s+){0,3}?(?:laws?|legal|regulat\w*)\b|"
         r"\blaws?\s+requires?\b|\b(?:by|under)\s+(?:the\s+)?laws?\b|\brequired\s+by\s+law\b|\bstatutory\b|\btax\b|\baccounting\b|\bregulatory\b|"
         r"\bcourts?\b"),
        # agreeing by doing ("Does just browsing the 23T website count as me agreeing to their cookies?")
        (r"\bagree\w*|\bconsent\w*|\bnever\s+(?:signed\s+up|opted\s+in|subscribed)\b|\bwithout\s+(?:me\s+)?"
         r"(?:signing\s+up|opting\s+in|subscribing)\b",
         r"\bagree\w*|\bconsent\w*|\baccept\w*|\bopt(?:s|ed|ing)?[- ]in\b|\bpermission\b"),
        # safeguards for a transfer by name; a browser's signal not to be tracked
        (r"\bstandard\s+(?:data\s+protection\s+)?contractual\s+clauses\b|\bSCCs?\b|\bmodel\s+(?:contract(?:ual)?\s+)?clauses\b",
         r"\bcontractual\s+clauses\b|\bmodel\s+(?:contract(?:ual)?\s+)?clauses\b|\bSCCs?\b|"
         r"\bstandard\s+(?:data\s+protection\s+)?clauses\b"),
        # (what the company does with the signal: "Some browsers transmit do-not-track signals" says nothing of it)
        (r"\bdo[- ]not[- ]track\b|(?-i:\bDNT\b)|\bglobal\s+privacy\s+control\b|(?-i:\bGPC\b)",
         rf"(?:{SIGNAL})[^.;]{{0,120}}?\b(?:{HEEDS})|\b(?:{HEEDS})[^.;]{{0,120}}?(?:{SIGNAL})|"
         rf"(?:{HEEDS})[^.;]{{0,40}}?\b(?:these|those|such|the)\s+signals?\b"),
        # "in the event that", "in the unfortunate event of" name no event a person attends
        (r"\bevents?\b|\bconferences?\b|\bexhibitions?\b|\btrade\s+shows?\b|\bseminars?\b|\bwebinars?\b",
         r"\bevents\b(?!\s+that\s+occur)|(?<!\bin\sthe\s)(?<!\bwhich\s)\bevent\b(?!\s+(?:of|that)\b)|\bconferences?\b|"
         r"\bexhibitions?\b|\btrade\s+shows?\b|\bseminars?\b|\bwebinars?\b"),
    ) + MORE_THINGS)

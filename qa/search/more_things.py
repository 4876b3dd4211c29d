"""More specific things a question may ask about (`MORE_THINGS`, read into `qa.search.things.SPECIFIC`): being told
of a change to the policy or of a request for one's data by the police or another authority, an account left unused,
a mode that hides the user, encryption of data stored, a transparency report, scanning for viruses, a kernel driver or
anti-cheat, a camera, a wallet's private key, an appeal, an attorney general, an authorized agent, an identity
document, motion sensors, an ad blocker, political campaigns, smart home devices, a password-protected link, wi-fi on
board, checking who a person is, a memorialised account, a background check. Each entry: what a question says, and
what a policy writes for it (as in `SPECIFIC`)."""

from __future__ import annotations

_TOLD = r"\b(?:tell\w*|notif\w*|inform\w*|warn\w*|alert\w*|let\w*)\s+(?:me|us)\b"
_AUTHORITY = (r"\b(?:police|law\s+enforcement|government\w*|authorit\w*|courts?|subpoena\w*|warrants?|legal\s+"
              r"(?:process|requests?|demands?|orders?))\b")
_NOTIFIES = (r"\b(?:notif\w*|inform(?:s|ed|ing)?\s+(?:you|(?:(?:the|its|our)\s+)?(?:users?|affected|customers|"
             r"clients|members))|tell\s+you|let\s+you\s+know|alert\s+you|give\s+(?:you\s+)?notice|(?:advance|prior|user)\s+notice|"
             r"notice\s+to\s+(?:you|the\s+user|users))\b")

MORE_THINGS: tuple[tuple[str, str], ...] = (
    # being told of a change to the policy ("Will Core Office tell me if they change their privacy policy?")
    (r"\b(?:tell\w*|notif\w*|inform\w*|warn\w*|alert\w*|email\w*|let\w*)\s+(?:me|us)\b[^?]{0,40}?\b(?:chang|updat|"
     r"amend|revis)\w*\s+(?:\w+\s+){0,3}?(?:policy|notice|statement|terms)\b|"
     r"\b(?:chang|updat|amend|revis)\w*\s+(?:\w+\s+){0,3}?(?:policy|notice|statement|terms)\b[^?]{0,40}?" + _TOLD,
     r"\bnotif\w*|\bnotice\s+(?:on|of|to|by)\b|\bprovide\s+notice\b|\binform\w*\s+(?:you|users|customers)\b|"
     r"\btell\s+you\b|\bpost\w*|\bpublish\w*|\bby\s+e-?mail\b|\blet\s+you\s+know\b|\balert\w*|"
     r"\b(?:check|review)\w*\s+(?:this|back|the)\b"),
    # being told of a request for one's data by the police or another authority ("If the police ask Viber for my
    # data, will Viber let me know?"): a policy writes a notice beside the request ("We attempt to notify Members
    # about legal demands for their personal data…", "…requests from competent authorities… In this case, … Scaleway
    # may inform its customers in advance"), not a disclosure the law requires alone
    (rf"{_TOLD}[^?]{{0,80}}?{_AUTHORITY}(?:\s+or\s+(?:the\s+|an?\s+)?[\w-]+)?|{_AUTHORITY}[^?]{{0,80}}?{_TOLD}",
     rf"{_NOTIFIES}[^.;]{{0,150}}?{_AUTHORITY}|{_AUTHORITY}[^.;]{{0,150}}?{_NOTIFIES}|"
     rf"{_AUTHORITY}[^;]{{0,300}}?\b[Ii]n\s+(?:this|such\s+an?|such)\s+(?:case|event)s?\b[^.;]{{0,100}}?{_NOTIFIES}"),
    # an account left unused, closed by the company ("If I stop using Bumble, does Bumble delete my account after
    # some period?"): a policy that never writes inactivity says nothing of it
    (r"^(?=.*\baccounts?\b)(?=.*(?:\binactiv\w*|\bdormant\b|\bstop\s+(?:using|logging)|\bhaven['’]?t\s+(?:used|logged)|"
     r"\bnot\s+(?:used|logged))).*?\b(?:delet|clos|remov|deactivat|purg)\w*",
     r"\binactiv\w*|\bdormant\b|\bnon-?use\b|\bnot\s+(?:been\s+)?(?:used|active|logged)|\bhave(?:n['’]t|\s+not)\s+(?:used|"
     r"logged)|\bunused\b|\bstop\s+using\b|\b(?:do\s+not|don['’]t|not)\s+(?:come|log|sign)\w*\s+(?:online|in|on)\b"),
    # a mode that hides the user ("Does happn have an incognito mode…?")
    (r"\bincognito\b|\binvisible\s+mode\b|\bstealth\s+mode\b|\bprivate\s+(?:browsing|search)\s+mode\b",
     r"\bincognito\b|\binvisib\w*|\bstealth\b|\bprivate\s+(?:browsing|search|mode)\b"),
    # encryption of data stored, not in transit ("Is my data encrypted on their servers?", "…encrypt my data at
    # rest?"; not "…either when it's sent or when it's stored?")
    (r"^(?!.*\b(?:sent|sending|transmi\w*|transit|either)\b).*?(?:\bat\s+rest\b|\bencrypt\w*\b[^?]{0,60}?\b(?:on\s+"
     r"(?:their|its|your|the)\s+servers?|stor(?:e|es|ed)\b))",
     r"\bat\s+rest\b|\bencrypt\w*\b[^.;]{0,80}?\b(?:stor\w*|servers?|databases?|disks?|drives?)\b|"
     r"\b(?:stor\w*|servers?|databases?)\b[^.;]{0,80}?\bencrypt\w*"),
    # a report a company may publish ("Does Roblox publish a transparency report…?"): a policy never writing one says
    # nothing of it
    (r"\btransparency\s+reports?\b", r"\btransparency\s+(?:reports?|cent(?:er|re)|hub)\b"),
    # software looking into the user's files or machine ("Does Uschovna scan uploaded files for viruses?", "Is the
    # anti-cheat a kernel-level driver…?"; not the scene: "…because our own antivirus was out of date. Do any…?")
    (r"\b(?:scan|check)\w*\b[^?.]{0,60}?\b(?:malware|viruses|virus)\b|\b(?:malware|virus)\s+(?:scan|check)\w*",
     r"\bmalware\b|\bvirus\w*|\bmalicious\b|\bscan\w*"),
    (r"\bkernel\b", r"\bkernel\b"),
    (r"\banti-?cheat\b", r"\bcheat\w*"),
    # a camera, not the photos it took ("Does Bolt record video inside my car or access a dashcam?"; not a "camera
    # roll"); a CCTV camera is one, and a microphone when the two are asked as one ("can arc access my microphone or
    # camera": a microphone alone is `SPECIFIC`'s, written as the voice or audio too)
    (r"\b(?:cameras?|webcams?|dash-?cams?)\b(?!\s+rolls?\b)",
     r"\bcamera\w*|\bwebcam\w*|\bdash-?cam\w*|\bCCTV\b|\bsurveillance\b|\bmicrophones?\b|\bmic\b"),
    # a crypto wallet's secrets ("…does Zora store my private key or seed phrase?")
    (r"\bprivate\s+keys?\b|\b(?:seed|recovery)\s+phrases?\b", r"\bprivate\s+keys?\b|\bseed\b|\brecovery\s+phrases?\b"),
    # a decision on a request the user may appeal ("If Exponential denies my privacy request, can I appeal…?")
    (r"\bappeal\w*", r"\bappeal\w*|\breconsider\w*|\bcontest(?:s?\b(?!\s+(?:sponsor|and|or))|ed|ing)|\bchalleng\w*"),
    # a state's attorney general to complain to ("Can I complain to my state attorney general?")
    (r"\battorneys?\s+general\b", r"\battorneys?\s+general\b"),
    # someone acting for the user ("Can my spouse or a lawyer submit a request … as an authorized agent?")
    (r"\bauthori[sz]ed\s+agents?\b", r"\bagents?\b|\bbehalf\b|\bpower\s+of\s+attorney\b|\brepresentatives?\b"),
    # an identity document ("Will Zora make me upload a passport or government ID…?"; not "government agencies")
    (r"\bpassports?\b|\bgovernment[- ](?:issued|ids?\b)|\bid\s+(?:cards?|documents?)\b|"
     r"\bdriv\w*(?:['’]s)?\s+licen[cs]es?\b",
     r"\bpassports?\b|\bgovernment[- ](?:issued|ids?\b|identi\w*)|\bid\s+(?:cards?|documents?)\b|"
     r"\bidentity\s+(?:cards?|documents?)\b|\bdriv\w*(?:['’]s)?\s*licen[cs]es?\b|\bphoto\s+id\b|"
     r"\bidentification\s+(?:documents?|cards?)\b|\bKYC\b"),
    # a phone's motion sensors, how one drives ("…use my phone's accelerometer to score harsh braking?")
    (r"\baccelerometers?\b|\bgyroscopes?\b|\bmotion\s+sensors?\b|\bharsh\s+braking\b",
     r"\baccelerometer\w*|\bgyroscope\w*|\bsensors?\b|\bbraking\b|\bdriving\s+(?:behaviou?r|style|habits|data)\b"),
    # an ad blocker ("Does Forbes track whether I'm using an ad blocker?")
    (r"\bad[- ]?block\w*", r"\bad[- ]?block\w*"),
    # political campaigns ("Does Parler share my profile … with political campaigns or PACs?")
    (r"\bpolitical\s+(?:campaigns?|parties|party|candidates?|groups?|organi[sz]ations?|advertis\w*)\b|"
     r"(?-i:\bPACs?\b)",
     r"\bpolitical\b|(?-i:\bPACs?\b)"),
    # a smart home's devices ("I have a Ring doorbell and a smart thermostat. Does Allstate collect data from smart
    # home devices…?"; not a "smartphone")
    (r"\bsmart\s+(?:home|thermostats?|doorbells?|speakers?|meters?)\b|\bconnected\s+home\b",
     r"\bsmart\s+(?:home|thermostats?|doorbells?|speakers?|meters?|devices?)\b|\bconnected\s+(?:home|devices?)\b|"
     r"\bthermostats?\b|\bIoT\b|\btelematics\b"),
    # a link or file locked by a password ("Can I password-protect a WeTransfer download link…?")
    (r"\bpassword[- ]protect\w*",
     r"\bpassword[- ]protect\w*|\bprotect\w*\s+(?:\w+\s+){0,3}?(?:with|by)\s+(?:a\s+)?password"),
    # wi-fi on board ("does finnair track what websites i visit on the inflight wifi")
    (r"\b(?:in-?flight|on-?board|in-?store|hotel|public)\s+wi-?fi\b", r"\bwi-?fi\b|\bwireless\b|\bhotspots?\b"),
    # checking who a person is before acting on a request ("Will Concero want ID from me?")
    (r"\b(?:verif\w*|check\w*|confirm\w*|prov(?:e|ing))\s+(?:\w+\s+){0,2}?identity\b|\bproof\s+of\s+(?:identity|id)\b|"
     r"\b(?:verif\w*|check\w*|confirm\w*|prov(?:e|ing))\s+who\s+(?:i|we)\s+(?:am|are)\b|"
     # ("…might they want me to prove it's really me?")
     r"\bprov(?:e|ing)\s+(?:that\s+)?(?:it['’]?s|i['’]?m|i\s+am)\s+(?:really\s+)?(?:me|who)\b|"
     r"(?-i:\bID\b)|\bphoto\s+id\b",  # "personal identification" is identifying data
     # checking, not "identity data" a policy collects
     r"\bverif\w*|\bproof\s+of\b|\b(?:check|confirm|establish|prove|proving)\w*\s+(?:\w+\s+){0,2}?identity\b|"
     r"\bidentity\s+(?:check|verification|documents?)\w*|\bidentification\b|(?-i:\bID\b)"),
    # an account memorialised after its holder dies ("…after I die? Can my family have it memorialized?")
    (r"\bmemoriali[sz]\w*|\blegacy\s+contacts?\b", r"\bmemoriali[sz]\w*|\blegacy\s+contacts?\b|\bdeceased\b"),
    # a background check or a sex offender registry ("Does hi5 screen users against sex offender registries?")
    (r"\bbackground\s+checks?\b|\bsex\s+offender\w*|\bcriminal\s+records?\b",
     r"\bbackground\s+(?:checks?|screening)\b|\bsex\s+offender\w*|"
     r"\bcriminal\s+(?:records?|history|convictions?|offen[cs]es?)\b"),
)

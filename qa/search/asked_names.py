"""The names a question uses ("Google Analytics", "CCTV", "the United States"): like a specific thing
(`qa.search.specific`), a name a policy never writes in any of its forms is not stated there (`unwritten`)."""

from __future__ import annotations

import re
from collections.abc import Callable, Mapping, Sequence

from qa.search.specific import writes
from qa.search.terms import STOP_WORDS, without_addresses

# Names a question may use for what a policy spells out (either side may be the one written).
SPELLED_OUT = {
    "ico": ("information commissioner",), "dpo": ("data protection officer",), "eea": ("european economic area",),
    "eu": ("european union", "europe"), "uk": ("united kingdom", "britain"), "europe": ("eea", "eu"),
    "usa": ("united states", "america", "u.s."), "id": ("identity", "identification"),
    # "What rights do I have under GDPR?" of a UK policy writing "Under data protection law, you have…"
    "gdpr": ("general data protection regulation", "data protection law", "data protection legislation",
             "data protection act"),
    "cctv": ("closed circuit", "closed-circuit", "camera"),
    "pecr": ("privacy and electronic communications", "e-privacy", "eprivacy"),
    "av": ("audio visual", "audio-visual", "audiovisual"), "sar": ("subject access",), "sars": ("subject access",),
    "isp": ("internet service provider", "internet provider"), "dm": ("direct message", "private message"),
    "pc": ("computer", "desktop", "laptop", "device"),
    "ai": ("artificial intelligence", "machine learning", "machine-learning"),
    "cv": ("curriculum vitae", "résumé", "resume", "job applic", "applicant", "recruit"),
    # laws a question names by acronym and a policy may write in full
    "ccpa": ("california consumer privacy act",), "cpra": ("california privacy rights act",),
    "coppa": ("children's online privacy protection", "children’s online privacy protection"),
    "hipaa": ("health insurance portability",), "pipeda": ("personal information protection and electronic",),
    "lgpd": ("lei geral", "general data protection law"), "dnt": ("do not track", "do-not-track"),
    "gpc": ("global privacy control",), "scc": ("standard contractual", "model clauses"),
    "sccs": ("standard contractual", "model clauses"), "dpf": ("data privacy framework",),
}
# Places a question may name (lower case), beyond the UK: a policy keeping data only in the UK denies each
PLACES = frozenset({"usa", "us", "eu", "eea", "europe", "india", "china", "canada", "australia", "ireland",
                    "france", "germany", "netherlands", "spain", "italy", "poland", "japan", "singapore", "russia"})
# Places a question may name in several words, read as one name (its key in SPELLED_OUT)
_PLACES = ((re.compile(r"\bUnited\s+States(?:\s+of\s+America)?\b|\bU\.S\.(?:A\.)?|\bAmerica\b"), "USA"),
           (re.compile(r"\bUnited\s+Kingdom\b|\bGreat\s+Britain\b"), "UK"),
           (re.compile(r"\bEuropean\s+Union\b"), "EU"), (re.compile(r"\bEuropean\s+Economic\s+Area\b"), "EEA"),
           # a place named by its people's word ("…in American data centres?", "…with a Canadian cell number?")
           *((re.compile(rf"\b{word}\b"), place) for word, place in (
               ("American", "USA"), ("British", "UK"), ("European", "Europe"), ("Canadian", "Canada"),
               ("Indian", "India"), ("Chinese", "China"), ("Australian", "Australia"), ("Irish", "Ireland"),
               ("French", "France"), ("German", "Germany"))))
# Transfer frameworks named with the places they join ("the EU-U.S. Data Privacy Framework"): one name, not a place
_FRAMEWORKS = ((re.compile(r"\b(?:(?:EU|UK|Swiss)[-–\s]+(?:U\.S\.|US|USA)\s+)?Data\s+Privacy\s+Framework\b", re.I),
                "DPF"),)
# Names a question spells out that policies often write as an acronym ("contacting us at DPO@…"), read as it
_SPELLED_NAMES = ((re.compile(r"\bData\s+Protection\s+Officers?\b"), "DPO"),
                  (re.compile(r"\bInformation\s+Commissioner(?:'s|’s)?(?:\s+Office)?\b"), "ICO"),
                  (re.compile(r"\bGeneral\s+Data\s+Protection\s+Regulation\b"), "GDPR"),
                  (re.compile(r"\bGlobal\s+Privacy\s+Control\b", re.IGNORECASE), "GPC"),
                  (re.compile(r"\bDo[- ]Not[- ]Track\b", re.IGNORECASE), "DNT"))
# Services people ask about by name and often type in lower case ("does dune use google analytics"): named as if
# capitalised, so a policy that never writes them does not say (a cookie sentence is no "yes" to Google Analytics)
_KNOWN_NAMES = tuple((re.compile(r"\b" + r"\s+".join(name.lower().split()) + r"\b"), name) for name in (
    "Google Analytics", "Google Ads", "Google AdSense", "AdSense", "DoubleClick", "Google Tag Manager",
    "Facebook Pixel", "Meta Pixel", "TikTok Pixel", "Facebook", "Instagram", "TikTok", "Hotjar", "Mixpanel",
    "Mailchimp", "HubSpot", "Salesforce", "Zendesk", "Intercom", "PayPal", "Stripe", "Klarna", "Braintree",
    "SendGrid", "Twilio", "Cloudflare", "Google", "Amazon", "Microsoft", "Netflix", "Spotify", "OpenAI", "ChatGPT",
    "LinkedIn", "Snapchat", "WhatsApp", "YouTube", "Experian", "Equifax", "LexisNexis",
    "Tencent", "ByteDance", "Alibaba", "Baidu", "Yahoo", "Criteo",
    # acronyms typed in lower case ("can i complain to the ico about core office")
    "ICO", "DPO", "GDPR", "CCTV"))
# Chat words a user may type in capitals ("FYI does Concero…?", "LOL who even uses fax"): no names
_CHAT = frozenset({"fyi", "btw", "ps", "lol", "pls", "plz", "asap", "imo", "imho", "tbh", "hi", "hey", "thx", "ty"})
# Where the user is ("I'm based in France. Do I have any right to see…?"): the scene, not a thing asked about
# ("I'm based in…", "…even though I don't live in the EU?")
_USER_PLACE = re.compile(r"\b(?:I|we|I'm|I’m|we're|we’re|I\s+am|we\s+are)\s+(?:[\w'’]+\s+){0,2}?(?:based|living|"
                         r"located|resident|live|reside|residing|work|working)\s+in(?:\s+the)?$|"
                         r"\b(?:I'm|I’m|I\s+am|we're|we’re|we\s+are)\s+(?:from|in(?:\s+the)?)$", # "I'm in Spain…"
                         re.IGNORECASE)
_NAME_TOKEN = re.compile(r"\b(?:[A-Z][A-Za-z0-9&'-]*[A-Za-z0-9]|[A-Z]{2,}[0-9]*)\b")
# A name offered as one of two with a thing named in common words ("If HMRC or the courts require it…", "the courts
# or HMRC", "Google Analytics or similar tools", "Companies House or professional networking sites"): the thing
# written will do, so the name is not asked for
_OTHER_THING = (r"(?:(?:the|an?|other|any|some|similar|such|their|its)\s+[a-z][\w-]*|"
                r"(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*s\b|"
                # ("…from places like companies house or linkedin?")
                r"(?:like|such\s+as)\s+(?:[a-z][\w-]*\s+){0,2}[a-z][\w-]*)")
_NAME_OR_THING = re.compile(rf"(?:\b[A-Z][\w&'-]*\s+)*\b[A-Z][\w&'-]*(?=\s*,?\s+or\s+{_OTHER_THING})")
_THING_OR = re.compile(rf"\b{_OTHER_THING}\s*,?\s+or\s+(?:the\s+)?$")


# The sentences that ask, not those that set the scene ("Our board is nervous about the US CLOUD Act. Does
# CloudSentric keep any of our data in American data centres?"): the names of the scene are no things asked about
_SENTENCES = re.compile(r"(?<=[.!?])(?<!\b[A-Z]\.)(?<!\b[A-Z][a-z]\.)\s+")  # not after "U.S.", "Dr."


def asking_sentence(question: str) -> str:
    """The sentences of `question` that ask (hold a "?": "Will you collect my data? If yes, how?" both), without
    those that set the scene; `question` when none asks."""
    asking = [s for s in _SENTENCES.split(question.strip()) if "?" in s]
    return " ".join(asking) if asking else question


# Words that join the next capitalised word into one name: no acronym ("UK GDPR" is two), no possessive
# ("Information Commissioner's Office" is not written "Information Commissioner Office"), no alternative ("A|B")
_JOINS = re.compile(r"(?:[A-Z][a-z][\w&.-]*)(?: [A-Z][a-z][\w&.-]*)*")


_KNOWN_WORDS = frozenset(word.lower() for _, name in _KNOWN_NAMES for word in name.split())
# Short words Title Case leaves in lower case (and the words a company's name is read as: "Does the company Keep…?")
_TITLE_SMALL = frozenset("the and for with from into over about than but nor via per they them their its company"
                         .split())


def title_cased(question: str) -> bool:
    """Whether `question` is written in Title Case ("Does Concero Keep Call Recordings?"): every word of three letters
    or more after the first capitalised but the small ones, at least three of them."""
    words = re.findall(r"[A-Za-z][\w'’-]{2,}", asking_sentence(question))[1:]
    return sum(w[0].isupper() for w in words) >= 3 and all(w[0].isupper() or w.lower() in _TITLE_SMALL for w in words)


def untitled(question: str) -> str:
    """`question` with the common words of a question typed in Title Case in lower case, but its first word, acronyms,
    words with inner capitals and known services ("Will My Data Be Handed Over If The Company Is Sold?" read "Be Handed
    Over If The Company Is Sold" as a company with no policy; "Does Concero Keep Call Recordings?" "Keep Call
    Recordings" as a name never written); else as it is."""
    if not title_cased(question):
        return question
    from qa.ingest.aliases import is_common_word

    first = re.search(r"[A-Za-z]", question)

    def read(word: re.Match) -> str:
        kept = (first is not None and word.start() == first.start()) or word.group().lower() in _KNOWN_WORDS or \
            not is_common_word(word.group())
        return word.group() if kept else word.group().lower()
    return re.sub(r"\b[A-Z][a-z'’]+\b", read, question)


def named_things(question: str) -> list[str]:
    """What a question names with a capital or as an acronym ("Google Analytics", "CCTV", "ICO"), not at
    the start of a sentence and not "I": names have no paraphrase, so a policy that never writes them
    does not say anything about them. Company names are the caller's to remove first."""
    found: list[str] = []
    last, last_skipped = 0, False
    question = without_addresses(question)
    for place, name in (*_FRAMEWORKS, *_PLACES, *_SPELLED_NAMES):
        question = place.sub(name, question)
    question = _known_capitalised(question)
    either = [m.span() for m in _NAME_OR_THING.finditer(question)]
    for match in _NAME_TOKEN.finditer(question):
        if any(start <= match.start() < end for start, end in either) or _THING_OR.search(
                question[:match.start()]) or (last_skipped and not question[last:match.start()].strip()):
            last, last_skipped = match.end(), True
            continue
        last_skipped = False
        word = re.sub(r"'s$", "", match.group())  # "the DPO's email": "DPO"
        word = word[:-1] if re.fullmatch(r"[A-Z]{2,}s", word) else word  # "ISPs": "ISP"
        before = question[:match.start()].rstrip()
        acronym = len(word) >= 2 and word.isupper()  # "(PECR)": an acronym is a name wherever it stands
        if word == "I" or word.startswith(("I'", "I’")) or (not before and not acronym) or \
                (before and before[-1] in ".?!:;\"'(" and not acronym) or word.lower() in _CHAT \
                or word.lower() in STOP_WORDS or _USER_PLACE.search(before):
            continue
        # one of two joined by "or" ("…with Facebook or Google?"): either written will do, so they are one name,
        # "Facebook|Google"
        # (past a capitalised common word: "…from LinkedIn or Companies House?")
        if found and re.fullmatch(r"\s*(?:,\s*)?or\s+(?:the\s+|an?\s+)?(?:[A-Z][a-z]+\s+)?",
                                  question[last:match.start()]):
            found[-1] += "|" + word
        elif found and question[last:match.start()] == " " and _JOINS.fullmatch(found[-1]) \
                and _JOINS.fullmatch(match.group()):
            found[-1] += " " + word  # one name of several words ("Google Analytics"): written together
        else:
            found.append(word)
        last = match.end()
    return list(dict.fromkeys(found))


def unwritten(names: Sequence[str], text: str) -> list[str]:
    """The `names` that `text` never writes (at the start of a word, any case; an acronym also counts as
    written when its spelled-out form is; "A|B" when it writes neither). A name a large policy never writes is
    searched for in all of it (0.1 s at 23 million characters): `specific.writes` keeps each answer."""
    return [name for name in names if not writes(written_name(name), text)]


def written_name(name: str, spelled: Mapping[str, Sequence[str]] = SPELLED_OUT) -> re.Pattern:
    """How a text writes `name`: one of its parts ("A|B") or a spelled-out form of one (`spelled`), each as
    `written_form`, any case."""
    return re.compile("|".join(written_form(form) for part in name.split("|")
                               for form in (part, *spelled.get(part.lower(), ()))), re.IGNORECASE)


def written_form(form: str) -> str:
    """A pattern for `form` written in a text: at the start of a word ("Tech" in "Technology"), except an acronym,
    written whole ("USA", "ICOs", "CT1"; not "usage"); a name of several words, each so, in order."""
    # the words of a name of several, each at a word's start, in order ("Nat Geo" in "National Geographic")
    words = r"\w*\s+".join(re.escape(word) for word in form.split(" "))
    return rf"(?<!\w){words}" + (r"s?(?![^\W\d])" if re.fullmatch(r"[A-Z]{2,4}", form) else "")


# "Does Concero sell my data to Facebook?", "Is my info sold or rented to Acxiom?": a name the question asks about only
# as the buyer of a sale. A policy that never writes it still answers "no" when it denies selling at all ("we never
# sell your data"); what it sells, or to whom, says nothing of this buyer.
_SOLD_TO = r"\b(?:sell|sells|selling|sold|resell\w*|resold|rent|rents|rented|renting)\b[^?.!]{0,60}?\b(?:to|with)\s+"


def sold_to(question: str, names: Sequence[str]) -> tuple[str, ...]:
    """The `names` (of `named_things(question)`) that `question` asks about only as the buyer of a sale."""
    question = without_addresses(question)
    return tuple(name for name in names if all(
        re.search(rf"{_SOLD_TO}(?:[\w'’-]+\s+){{0,3}}?{re.escape(part)}\b", question, re.IGNORECASE)
        for part in name.split("|")))


# "Does The Reach Group use Google Analytics?": the service asked about by name, after "use"
_USES_NAMED = re.compile(r"\b(?i:do|does|did)\b[^?.]{0,60}?\b(?:use|utili[sz]e)\s+((?:[A-Z][\w&.-]*\s+){0,3}"
                         r"[A-Z][\w&.-]*)")  # (not "I'm a lawyer using Westlaw - does…")
_USE_DENIED = re.compile(r"\b(?:not|never|no\s+longer)\s+(?:\w+\s+){0,2}?(?:use|uses|used|using|utili[sz]\w*)\b|"
                         r"\bn['’]t\s+(?:\w+\s+){0,2}?(?:use|uses|used|using)\b", re.IGNORECASE)


def _known_capitalised(question: str) -> str:
    """`question` with the services of `_KNOWN_NAMES` typed in lower case written as their names."""
    for known, name in _KNOWN_NAMES:
        question = known.sub(name, question)
    return question


def uses_named(question: str) -> Callable[[str], bool] | None:
    """For a question asking whether the company uses a service it names ("…use Google Analytics?", "does dune use
    google analytics"): a test that a sentence writes that service and denies something else of it, not its use
    ("The IP address transmitted … in the context of Google Analytics is not merged with other Google data."): writing
    of what it does with the service, the company uses it. None for any other question (read once per question)."""
    asked = _USES_NAMED.search(_known_capitalised(question))
    if asked is None:
        return None
    service = written_name(asked.group(1))
    return lambda sentence: writes(service, sentence) and not _USE_DENIED.search(sentence)

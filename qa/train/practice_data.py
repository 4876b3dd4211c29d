"""Training rows for the practice model (qa.train.practice), read in place from the shared data folder.

Each source labels only some topics: a row's label is NaN for a topic its source does not annotate, and
the loss skips it (a ToS;DR quote about selling data says nothing about retention, so it is no negative
for retention). Every row knows its group (policy, service, app) and its part of the split: "train",
"calibration" (picks thresholds, never trained on) or "test" (reported, never trained on or tuned on).
"""

from __future__ import annotations

import ast
import csv
import hashlib
import re
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from qa.train.held_out import exclude_quotes_of_held_out
from qa.train.opp115 import SALE_WORDS, TOPICS, UNANNOTATED, load_policies, opp115_split

INDEX = {topic: i for i, topic in enumerate(TOPICS)}
NAN = float("nan")


@dataclass
class Rows:
    """A table of texts with masked labels: topics (n, T) and negated (n,), NaN where unlabelled."""

    texts: list[str] = field(default_factory=list)
    topics: list[list[float]] = field(default_factory=list)
    negated: list[float] = field(default_factory=list)
    source: list[str] = field(default_factory=list)  # "opp115-segment", "opp115-sentence", "mapp", ...
    group: list[str] = field(default_factory=list)  # the policy, service or app the row comes from
    part: list[str] = field(default_factory=list)  # "train", "calibration" or "test"

    def add(self, text: str, topics: dict[str, float], negated: float, source: str, group: str, part: str,
            known: frozenset[str] | None = None) -> None:
        """One row: `topics` gives labels; topics in `known` but not in `topics` are 0, the rest NaN."""
        labels = [NAN] * len(TOPICS)
        for topic in known or ():
            labels[INDEX[topic]] = 0.0
        for topic, value in topics.items():
            labels[INDEX[topic]] = value
        self.texts.append(text)
        self.topics.append(labels)
        self.negated.append(negated)
        self.source.append(source)
        self.group.append(group)
        self.part.append(part)

    def arrays(self) -> tuple[np.ndarray, np.ndarray]:
        return np.asarray(self.topics, dtype=np.float32), np.asarray(self.negated, dtype=np.float32)


def held_out(group: str, share: float) -> bool:
    """A fixed choice of about `share` of the groups, by sha256 of the group name (no random state)."""
    return int(hashlib.sha256(group.encode()).hexdigest()[:8], 16) / 0xFFFFFFFF < share


def heading_text(name: str, section: str, text: str) -> str:
    """The text embedded for a sentence or passage, exactly as the index embeds it
    (`qa.index.pipeline.embedding_text`)."""
    return f"{name} - {section}\n{text}" if section else f"{name}\n{text}"


OPP_KNOWN = frozenset(TOPICS) - UNANNOTATED


def opp115_rows(data_dir: Path, rows: Rows) -> None:
    """Every OPP-115 segment and sentence; stance only for sentences a practice span touches."""
    train, calibration, test = opp115_split(data_dir)
    part = {**{s: "train" for s in train}, **{s: "calibration" for s in calibration}, **{s: "test" for s in test}}
    for policy in load_policies(data_dir, train + calibration + test):
        for segment in policy.segments:
            rows.add(heading_text(policy.name, segment.section, segment.text), {t: 1.0 for t in segment.topics},
                     NAN, "opp115-segment", policy.stem, part[policy.stem], OPP_KNOWN)
            for sentence in segment.sentences:
                stance = 1.0 if sentence.negated else 0.0 if sentence.stated else NAN
                rows.add(heading_text(policy.name, segment.section, sentence.text),
                         {t: 1.0 for t in sentence.topics}, stance, "opp115-sentence", policy.stem,
                         part[policy.stem], OPP_KNOWN)


MAPP_KNOWN = frozenset({"data-collected", "purposes", "sharing", "legal-basis"})  # + sale when it says "sell"
MAPP_TEST_SHARE = 0.2


def mapp_rows(data_dir: Path, rows: Rows) -> None:
    """MAPP segments: First Party -> data-collected, Third Party -> sharing, a Purpose value -> purposes,
    a Legal Basis value -> legal-basis (its only source); other topics unlabelled. ~20% of apps held out."""
    root = Path(data_dir) / "mapp"
    for path in sorted((root / "English_consolidation").glob("*.csv")):
        lines = [line.strip() for line in (root / "English_sanitized_policies" / f"{path.stem}.txt")
                 .read_text(encoding="utf-8").splitlines() if line.strip()]
        package = path.stem.split("_", 1)[1]
        name = next((p for p in reversed(package.split(".")) if p not in ("android", "app", "apps", "mobile")),
                    package).capitalize()
        part = "test" if held_out(package, MAPP_TEST_SHARE) else "train"
        with path.open(encoding="utf-8", newline="") as handle:
            for record in csv.DictReader(handle):
                index = int(record["segment_id"]) - 1
                if not 0 <= index < len(lines):
                    continue
                categories = ast.literal_eval(record["category name"])
                values = ast.literal_eval(record["value name"])
                topics = {"data-collected": 1.0} if "First Party" in categories else {}
                if "Third Party" in categories:
                    topics["sharing"] = 1.0
                if any(v.startswith("Purpose_") and not v.endswith("Unspecified") for v in values):
                    topics["purposes"] = 1.0
                if any(v.startswith("Legal Basis") for v in values):
                    topics["legal-basis"] = 1.0
                if "Third Party" in categories and SALE_WORDS.search(lines[index]):
                    topics["sale"] = 1.0  # as in OPP-115 (qa.train.opp115): sharing that speaks of selling
                rows.add(heading_text(name, "", lines[index]), topics, NAN, "mapp", package, part, MAPP_KNOWN)


# ToS;DR case -> (topics, negated): 1 when the case says the service does NOT do the practice, 0 when it
# does, NaN when the case is about the topic but its stance is unclear. Cases not here and not in
# TOSDR_UNRELATED are left out: many are privacy-adjacent ("Your account can be deleted without notice").
TOSDR_CASES: dict[str, tuple[tuple[str, ...], float]] = {
    "Your personal data is not sold": (("sale",), 1.0),
    "Your Personal data may be sold unless you opt out": (("sale", "objection-marketing"), 0.0),
    "Your personal data may be sold or otherwise transferred as part of a bankruptcy proceeding or other type "
    "of financial transaction": (("sharing",), 0.0),
    "This service gives your personal data to third parties involved in its operation": (("sharing",), 0.0),
    "Third parties are involved in operating the service": (("sharing",), 0.0),
    "This service shares your personal data with third parties that are not essential to its operation":
        (("sharing",), 0.0),
    "Your personal data may be disclosed to comply with government requests without notice to you":
        (("sharing",), 0.0),
    "Third parties used by the service are bound by confidentiality obligations": (("sharing",), 0.0),
    "Many third parties are involved in operating the service": (("sharing",), 0.0),
    "Your personal data is not shared with third parties": (("sharing",), 1.0),
    "Your information is only shared with third parties when given specific consent": (("sharing",), 0.0),
    "This Service provides a list of Third Parties involved in its operation.": (("sharing",), 0.0),
    "Voice data is collected and shared with third-parties": (("data-collected", "sharing"), 0.0),
    "Sensitive data is collected and shared to target advertising": (("data-collected", "sharing"), 0.0),
    "Your IP address is collected, which can be used to view your approximate location": (("data-collected",), 0.0),
    "Information is provided about what kind of information they collect": (("data-collected",), 0.0),
    "Many different types of personal data are collected": (("data-collected",), 0.0),
    "Information is gathered about you through third parties": (("data-collected",), 0.0),
    "This service may collect, use, and share location data": (("data-collected", "sharing"), 0.0),
    "This service receives your precise location through GPS coordinates": (("data-collected",), 0.0),
    "Your biometric data is collected": (("data-collected",), 0.0),
    "Information is provided about how they collect personal data": (("data-collected",), 0.0),
    "Extra data may be collected about you through promotions": (("data-collected",), 0.0),
    "This service does not collect, use, or share location data": (("data-collected",), 1.0),
    "They store data on you even if you did not interact with the service": (("data-collected",), 0.0),
    "Information is provided about how your personal data is used": (("purposes",), 0.0),
    "Your personal data may be used for marketing purposes": (("purposes",), 0.0),
    "Your personal data is used for advertising": (("purposes",), 0.0),
    "Your personal data is used to employ targeted third-party advertising": (("purposes",), 0.0),
    "Your personal data is used for limited purposes": (("purposes",), 0.0),
    "Your personal information is used for many different purposes": (("purposes",), 0.0),
    "Your personal data is aggregated into statistics": (("purposes",), 0.0),
    "Your personal data will not be used for an automated decision-making": (("purposes",), 1.0),
    "You are tracked via web beacons, tracking pixels, browser fingerprinting, and/or device fingerprinting":
        (("cookies",), 0.0),
    "Third-party cookies are used for statistics": (("cookies",), 0.0),
    "Third-party cookies are used for advertising": (("cookies",), 0.0),
    "Blocking first party cookies may limit your ability to use the service": (("cookies",), 0.0),
    "Do Not Track (DNT) headers are ignored and you are tracked anyway even if you set this header.":
        (("cookies",), 0.0),
    "First-party cookies are used": (("cookies",), 0.0),
    "You are being tracked via social media cookies/pixels": (("cookies",), 0.0),
    "Tracking pixels are used in service-to-user communication": (("cookies",), 0.0),
    "This service tracks you on other websites": (("cookies",), 0.0),
    "This service tracks which web page referred you to it": (("cookies",), 0.0),
    "Third party cookies are employed, but with opt out instructions": (("cookies", "objection-marketing"), 0.0),
    "A list of all cookies set by the website is provided": (("cookies",), 0.0),
    "No third-party analytics or tracking platforms are used": (("cookies",), 1.0),
    "Your browser's Do Not Track (DNT) headers are respected": (("cookies",), 0.0),
    "You are not being tracked": (("cookies",), 1.0),
    "IP addresses of website visitors are not tracked": (("cookies",), 1.0),
    "Only temporary session cookies are used": (("cookies",), 0.0),
    "Tracking cookies refused will not limit your ability to use the service": (("cookies",), 0.0),
    "This service still tracks you even if you opted out from tracking": (("cookies",), 0.0),
    "Some personal data may be kept for business interests or legal obligations": (("retention",), 0.0),
    "The data retention period is kept to the minimum necessary for fulfilling its purposes": (("retention",), 0.0),
    "Logs are deleted after a finite period of time": (("retention",), 0.0),
    "The service may keep a secure, anonymized record of your data for analytical purposes even after the "
    "data retention period": (("retention",), 0.0),
    "Logs are kept for an undefined period of time": (("retention",), 0.0),
    "Only necessary logs are kept by the service to ensure quality": (("retention",), 0.0),
    "This service holds onto content that you've deleted": (("retention",), 0.0),
    "You can request access, correction and/or deletion of your data": (("access", "erasure"), 0.0),
    "You can retrieve an archive of your data": (("access",), 0.0),
    "This service provides a way for you to export your data": (("access",), 0.0),
    "You can delete your content from this service": (("erasure",), 0.0),
    "You can opt out of promotional communications": (("objection-marketing",), 0.0),
    "You can opt out of targeted advertising": (("objection-marketing",), 0.0),
    "You can limit how your information is used by third-parties and the service": (("objection-marketing",), 0.0),
    "You can opt out of providing personal information to third parties": (("objection-marketing",), 0.0),
    "Information is provided about security practices": (("security",), 0.0),
    "You will be notified if personal data has been affected by data breaches": (("security",), 0.0),
    "User-generated content is encrypted, and this service cannot decrypt it": (("security",), 0.0),
    "Two factor authentication is provided for your account": (("security",), 0.0),
    "This service is only available to users over a certain age": (("children",), 0.0),
    "Minors must have the authorization of their legal guardians to use the service": (("children",), 0.0),
    "There is a date of the last update of the agreements": (("policy-changes",), 0.0),
    "Terms may be changed any time at their discretion, without notice to you": (("policy-changes",), 0.0),
    "The terms may be changed at any time, but you will receive notification of the changes":
        (("policy-changes",), 0.0),
    "You should revisit the terms periodically, although in case of material changes, the service will notify":
        (("policy-changes",), 0.0),
    "When the service wants to make a material change to its terms, you are notified at least 30 days in advance":
        (("policy-changes",), 0.0),
    "Archives of their agreements are provided so that changes can be viewed over time": (("policy-changes",), 0.0),
    "The service reviews its privacy policy on a regular basis": (("policy-changes",), 0.0),
    "When the service wants to change its terms, you are notified a week or more in advance.":
        (("policy-changes",), 0.0),
    "A complaint mechanism is provided for the handling of personal data": (("complaints",), 0.0),
    "Your data may be processed and stored anywhere in the world": (("international-transfers",), 0.0),
    "Your data is processed and stored in a country that is less friendly to user privacy protection":
        (("international-transfers",), 0.0),
    "Your data is processed and stored in a country that is friendlier to user privacy protection":
        (("international-transfers",), 0.0),
    "Personal information that is shared outside its jurisdiction is processed according to the original "
    "jurisdiction s data protection standards": (("international-transfers",), 0.0),
    "Instead of asking directly, this Service will assume your consent merely from your usage.":
        (("legal-basis",), 0.0),
}
# Terms-of-service boilerplate with no privacy practice in it: a negative for every topic.
TOSDR_UNRELATED = frozenset({
    "The service is provided 'as is' and to be used at your sole risk",
    "The service provider makes no warranty regarding uninterrupted, timely, secure or error-free service",
    "The court of law governing the terms is in location X",
    "This service assumes no liability for any losses or damages resulting from any matter relating to the service",
    "You agree to defend, indemnify, and hold the service harmless in case of a claim related to your use of the "
    "service",
    "You agree not to use the service for illegal purposes",
    "This service does not guarantee that it or the products obtained through it meet your expectations or "
    "requirements",
    "You agree not to submit libelous, harassing or threatening content",
    "The service does not guarantee accuracy or reliability of the information provided",
    "Invalidity of any portion of the Terms of Service does not entail invalidity of its remainder",
    "You maintain ownership of your content",
    "You are prohibited from sending chain letters, junk mail, spam or any unsolicited messages",
    "Failure to enforce any provision of the Terms of Service does not constitute a waiver of such provision",
    "You are forced into binding arbitration in case of disputes",
    "You waive your right to a class action.",
    "Spidering, crawling, or accessing the site through any automated means is not allowed",
    "This service is only available for use individually and non-commercially.",
    "The posting of pornographic content is prohibited",
    "Any liability on behalf of the service is only limited to the fees you paid as a user",
    "Instructions are provided on how to submit a copyright claim",
    "The service has non-exclusive use of your content",
    "You authorise the service to charge a credit card supplied on re-occurring basis",
    "The service has a no refund policy",
    "You have a reduced time period to take legal action against the service",
    "Defend, indemnify, hold harmless; survives termination",
})
TOSDR_TEST_SHARE = 0.2
# "your personal information may be sold": data sold, unlike "if the company is sold"
DATA_SOLD = re.compile(r"\b(data|information|details)\b[^.]{0,40}\bsold\b", re.IGNORECASE)


def tosdr_rows(data_dir: Path, rows: Rows) -> None:
    """ToS;DR quotes of the mapped cases (service name first, as a policy name); ~20% of services held out."""
    with (Path(data_dir) / "tosdr" / "filtered_data_colab_clean.csv").open(encoding="utf-8", newline="") as handle:
        for record in csv.DictReader(handle):
            case, quote, service = record["Case"].strip(), " ".join(record["Description"].split()), record["Service"]
            if not quote:
                continue
            part = "test" if held_out(service, TOSDR_TEST_SHARE) else "train"
            if case in TOSDR_CASES:
                topics, stance = TOSDR_CASES[case]
                labels = {t: 1.0 for t in topics}
                if "sharing" in topics and (SALE_WORDS.search(quote) or DATA_SOLD.search(quote)):
                    labels["sale"] = 1.0  # "may be sold or otherwise transferred", "we do not sell or share"
                rows.add(heading_text(service, "", quote), labels, stance, "tosdr", service, part)
            elif case in TOSDR_UNRELATED:
                rows.add(heading_text(service, "", quote), {}, NAN, "tosdr", service, part, frozenset(TOPICS))


PIEXTRACT_BLOCK = 50  # consecutive sentences come from one policy: hold out whole blocks, not sentences
PIEXTRACT_TEST_SHARE = 0.2


def _conll_sentences(path: Path) -> list[tuple[list[str], list[str]]]:
    sentences: list[tuple[list[str], list[str]]] = []
    words: list[str] = []
    tags: list[str] = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("-DOCSTART-"):
            continue
        if not line.strip():
            if words:
                sentences.append((words, tags))
            words, tags = [], []
            continue
        parts = line.split()
        words.append(parts[0])
        tags.append(parts[-1])
    if words:
        sentences.append((words, tags))
    return sentences


def _detokenize(words: list[str]) -> str:
    return re.sub(r"\s+([.,;:!?)%])", r"\1", re.sub(r"([(])\s+", r"\1", " ".join(words)))


def piextract_rows(data_dir: Path, rows: Rows) -> None:
    """PI-Extract sentences with a data-object span: NOT_COLLECT / NOT_SHARE -> negated 1, COLLECT / SHARE
    only -> 0; COLLECT-like spans label data-collected, SHARE-like spans sharing; other topics unlabelled."""
    root = Path(data_dir) / "piextract" / "dataset"
    labels = {name: _conll_sentences(root / name / "train.conll03")
              for name in ("CollectUse_true", "Share_true", "CollectUse_false", "Share_false")}
    for i, (words, _) in enumerate(labels["CollectUse_true"]):
        spans = {name: any(tag != "O" for tag in labels[name][i][1]) for name in labels}
        if not any(spans.values()):
            continue
        topics = {}
        if spans["CollectUse_true"] or spans["CollectUse_false"]:
            topics["data-collected"] = 1.0
        if spans["Share_true"] or spans["Share_false"]:
            topics["sharing"] = 1.0
        stance = 1.0 if spans["CollectUse_false"] or spans["Share_false"] else 0.0
        block = f"piextract-{i // PIEXTRACT_BLOCK}"
        part = "test" if held_out(block, PIEXTRACT_TEST_SHARE) else "train"
        rows.add(_detokenize(words), topics, stance, "piextract", block, part)


# Sentences written for this model, for the GDPR-era topics the corpora barely cover (OPP-115 is US 2015,
# MAPP has 111 legal-basis segments, ToS;DR 52 complaint quotes) and for selling data, stated either way
# (1.0: "does not"). Each is a positive for its topics only. None is a sentence of a test.
HAND_SENTENCES: tuple[tuple[str, tuple[str, ...], float], ...] = (
    ("You have the right to complain to the Information Commissioner's Office (ICO).", ("complaints",), 0.0),
    ("If you are unhappy with how we handle your data, you can contact the supervisory authority.",
     ("complaints",), 0.0),
    ("You may lodge a complaint with your local data protection authority.", ("complaints",), 0.0),
    ("You can report a concern to the ICO at ico.org.uk or by calling 0303 123 1113.", ("complaints",), 0.0),
    ("We rely on your consent to send you marketing emails.", ("legal-basis",), 0.0),
    ("The lawful basis for this processing is the performance of our contract with you.", ("legal-basis",), 0.0),
    ("We process this information because it is necessary to comply with a legal obligation.", ("legal-basis",), 0.0),
    ("Where we rely on legitimate interests, we balance them against your rights.", ("legal-basis",), 0.0),
    ("Some of our suppliers are based outside the UK, so your data may be processed in other countries.",
     ("international-transfers",), 0.0),
    ("When we transfer data outside the European Economic Area we use standard contractual clauses.",
     ("international-transfers",), 0.0),
    ("Your information is stored on servers located only in the UK and is never sent abroad.",
     ("international-transfers",), 1.0),
    ("We do not transfer personal data to countries outside the EU.", ("international-transfers",), 1.0),
    ("You can contact our Data Protection Officer by writing to the address below.", ("contact-dpo",), 0.0),
    ("Questions about this notice can be emailed to privacy@example.com.", ("contact-dpo",), 0.0),
    ("Our data protection lead can be reached at our registered office.", ("contact-dpo",), 0.0),
    ("We do not sell your personal data to anyone.", ("sale",), 1.0),
    ("Your details will never be sold or rented to other organisations.", ("sale", "sharing"), 1.0),
    ("We will not sell, trade or rent your information to third parties.", ("sale", "sharing"), 1.0),
    ("We may sell customer lists to carefully selected partners.", ("sale", "sharing"), 0.0),
    ("Your information may be sold to data brokers and marketing companies.", ("sale", "sharing"), 0.0),
    ("We sell aggregated and personal information to our business partners for a fee.", ("sale", "sharing"), 0.0),
    ("We rent our mailing list to other companies whose products may interest you.", ("sale", "sharing"), 0.0),
    ("We may sell the information we collect about you to advertising networks.", ("sale", "sharing"), 0.0),
    ("Personal information is sold to third parties as described in the CCPA section.", ("sale", "sharing"), 0.0),
    ("In the past 12 months we have sold identifiers and browsing history to partners.", ("sale", "sharing"), 0.0),
    ("We share and sell contact details with sponsors of our events.", ("sale", "sharing"), 0.0),
)


def hand_rows(rows: Rows) -> None:
    """HAND_SENTENCES, with no policy name (they belong to no policy); all "train"."""
    for sentence, topics, stance in HAND_SENTENCES:
        rows.add(sentence, {t: 1.0 for t in topics}, stance, "hand", "hand", "train")


def training_rows(data_dir: Path) -> Rows:
    """Every sentence/passage row of every source; a row of another source that quotes a held-out OPP-115
    policy is "excluded" (see `exclude_quotes_of_held_out`)."""
    rows = Rows()
    for read in (opp115_rows, mapp_rows, tosdr_rows, piextract_rows):
        read(data_dir, rows)
    hand_rows(rows)
    exclude_quotes_of_held_out(rows)
    return rows




# -- questions -----------------------------------------------------------------------------------------

# PrivacyQA flag -> topics. A user_access question is about erasure when it says delete/remove/erase,
# else about access: PrivacyQA has one flag for both.
PRIVACYQA_FLAGS = {"first": "data-collected", "third": "sharing", "datasecurity": "security",
                   "dataretention": "retention", "user_choice": "objection-marketing"}
# The topics a PrivacyQA question is labelled for: a flagged question is a negative for the others here;
# "other" (contact, children, changes...) is too mixed to map, so the remaining topics stay unlabelled,
# except for a question with no flag at all, which is about no practice and a negative everywhere.
PRIVACYQA_KNOWN = frozenset({*PRIVACYQA_FLAGS.values(), "access", "erasure"})
PRIVACYQA_TEST_SHARE = 0.25
QUESTION_KEYWORDS = {
    "sale": re.compile(r"\b(sell|sells|selling|sold|rent|renting)\b", re.IGNORECASE),
    # not "track": "do they track my location" is about data collected, not cookies
    "cookies": re.compile(r"\b(cookies?|analytics|beacons?|pixels?)\b", re.IGNORECASE),
    "children": re.compile(r"\b(child\w*|kids?|minors?|under 1[368]|parental)\b", re.IGNORECASE),
    "international-transfers": re.compile(r"\b(abroad|overseas|countr\w+|international\w*)\b", re.IGNORECASE),
    "contact-dpo": re.compile(r"\b(contact|e-?mail address|phone number of|dpo)\b.*\b(you|company|them|privacy)\b",
                              re.IGNORECASE),
}
_ERASE = re.compile(r"\b(delet\w*|remov\w*|eras\w*|forget|forgotten)", re.IGNORECASE)

# Paraphrases written for this model, mostly for topics PrivacyQA barely covers (sale, legal basis,
# complaints, international transfers, contact). Company names vary so the head learns the practice, not
# the name. None of these is a held-out test question.
HAND_QUESTIONS: dict[str, tuple[str, ...]] = {
    "data-collected": ("What information does Acme collect about me?", "Do they gather my location?",
                       "what data do you record when I use the app", "Does Brightline store my contacts?"),
    "purposes": ("What does Acme use my information for?", "Why do they need my phone number?",
                 "Is my data used for advertising?", "for what purposes is my data processed"),
    "legal-basis": ("What is the legal basis for processing my data?", "On what lawful basis does Acme use my data?",
                    "Do they rely on legitimate interests or consent?", "what legal grounds do you have to process it",
                    "Is my consent the basis for using my information?", "Under which GDPR basis is my data handled?"),
    "sharing": ("Who does Acme share my data with?", "Do they give my information to third parties?",
                "Is my data disclosed to partners?", "will my info be passed on to other companies"),
    "sale": ("Will Brightline sell my personal information?", "Is my data sold to advertisers?",
             "do they make money selling user data", "Can they rent or trade my email address to others?",
             "Are my details sold to data brokers?", "does the company sell customer information",
             "Do you sell personal information to third parties?", "Will my data be sold?"),
    "international-transfers": ("Is my data transferred outside the EEA?", "Where are my data stored, which country?",
                                "Do they send my information abroad?", "Is my data moved to the United States?",
                                "are my records processed overseas", "Does Acme transfer data out of the UK?"),
    "retention": ("How long does Acme keep my information?", "When is my data deleted after I leave?",
                  "how long are logs stored", "Do they retain my messages forever?",
                  "What is the retention period for my records?"),
    "security": ("Is my data safe with Acme?", "How do they protect my information?",
                 "Is my data encrypted?", "what security measures are in place"),
    "access": ("Can I see the data Acme holds about me?", "How do I get a copy of my personal data?",
               "can i download my information", "How do I make a subject access request?",
               "Can I correct wrong information about me?"),
    "erasure": ("How do I delete my account and data?", "Can I have my information erased?",
                "will they remove my data if I ask", "Do I have a right to be forgotten?",
                "Can I ask Brightline to wipe my records?"),
    "objection-marketing": ("How do I stop marketing emails?", "Can I opt out of targeted ads?",
                            "how do i unsubscribe from newsletters", "Can I object to them using my data?",
                            "Can I refuse personalised advertising?"),
    "cookies": ("Does the website use cookies?", "Do they track me with pixels or beacons?",
                "What analytics tools do they use?", "can i block tracking cookies",
                "Is Facebook pixel used on the site?", "Do they honour Do Not Track?"),
    "children": ("Can my child use this app?", "Do they collect data from kids under 13?",
                 "What is the minimum age to sign up?", "is parental consent needed for minors",
                 "How are children's data protected?"),
    "contact-dpo": ("How can I contact the privacy team?", "What is the email of the data protection officer?",
                    "who should i write to about my data", "Is there a DPO I can reach?",
                    "What is Acme's address for privacy questions?", "Who is the data controller?"),
    "complaints": ("Can I complain to the ICO?", "How do I lodge a complaint with a regulator?",
                   "who do i complain to if they misuse my data", "Can I report them to the supervisory authority?",
                   "What if I am unhappy with how my data is handled?", "Can I take a complaint to the regulator?"),
    "policy-changes": ("Will I be told if the privacy policy changes?", "When was the policy last updated?",
                       "how do they notify changes to the policy", "Can they change these terms without telling me?"),
}
# Questions about nothing in the taxonomy: a negative for every topic.
OFF_TOPIC_QUESTIONS = (
    "How much does the premium plan cost?", "Is the app free?", "How do I reset my password?",
    "Does it work on iPhone?", "what is the refund policy", "Can I play offline?", "Who founded the company?",
    "how do i change the app language", "Is there a dark mode?", "What are your opening hours?",
    "Can I use it in Spanish?", "How many users does it have?", "Does the app drain my battery?",
)


def question_rows(data_dir: Path, topics_file: Path) -> Rows:
    """PrivacyQA questions (about 25% of apps held out as "test"), each topic's own question from
    `topics_file`, the hand-written paraphrases and off-topic questions (all "train")."""
    import json

    rows = Rows()
    with (Path(data_dir) / "privacyqa-questions" / "train_opp_annotations.csv").open(encoding="utf-8",
                                                                                   newline="") as handle:
        for record in csv.DictReader(handle, delimiter="\t"):
            topics = {PRIVACYQA_FLAGS[flag]: 1.0 for flag in PRIVACYQA_FLAGS if record[flag].strip() == "1"}
            if record["user_access"].strip() == "1":
                topics["erasure" if _ERASE.search(record["Query"]) else "access"] = 1.0
            flagged = topics or record["other"].strip() == "1"
            part = "test" if held_out(record["DocID"], PRIVACYQA_TEST_SHARE) else "train"
            if part == "train" and flagged:
                # Keyword labels for topics PrivacyQA has no flag for ("does it sell my data" is flagged
                # third party only); on training questions only, so the held-out numbers use the flags alone.
                keywords = {topic: 1.0 for topic, words in QUESTION_KEYWORDS.items() if words.search(record["Query"])}
                if keywords:  # "do they sell my data" should rank sale above the flag's sharing: unlabel the flag
                    topics = {topic: NAN for topic in topics} | keywords
            rows.add(record["Query"].strip(), topics, NAN, "privacyqa", record["DocID"], part,
                     PRIVACYQA_KNOWN if flagged else frozenset(TOPICS))
    for line in Path(topics_file).read_text(encoding="utf-8").splitlines():
        if line.strip():
            topic = json.loads(line)
            if topic["id"] in INDEX:
                rows.add(topic["question"], {topic["id"]: 1.0}, NAN, "topics", "topics", "train", frozenset(TOPICS))
    for topic, questions in HAND_QUESTIONS.items():
        for question in questions:
            rows.add(question, {topic: 1.0}, NAN, "hand", "hand", "train", frozenset(TOPICS))
    for question in OFF_TOPIC_QUESTIONS:
        rows.add(question, {}, NAN, "hand", "hand", "train", frozenset(TOPICS))
    return rows

"""OPP-115 for the practice model: policies, segments, sentences, their practice topics, and the split.

OPP-115 (75 of its policies, in `<data>/opp115/`) marks the data practices of every paragraph-sized
segment of US website policies with a category and attribute values, each value with the span of text
behind it. `practice_topics` maps one annotated practice to the topic ids of `qa/compare/topics.jsonl`
(the mapping is written out there); a segment carries the topics of all its practices, and a sentence the
topics of the practices whose spans overlap it. OPP-115 says nothing about "legal-basis" or "complaints"
(`UNANNOTATED`): for those topics its rows are unlabelled, never negatives.

The split is by policy, so no sentence of a held-out policy is ever trained on: see `opp115_split`.
"""

from __future__ import annotations

import csv
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from functools import cache
from pathlib import Path

from qa.errors import DatasetError
from qa.ingest.sentences import split_sentences
from qa.train.split import split_squad_policies

TOPICS = ("data-collected", "purposes", "legal-basis", "sharing", "sale", "international-transfers", "retention",
          "security", "access", "erasure", "objection-marketing", "cookies", "children", "contact-dpo",
          "complaints", "policy-changes")  # the ids of qa/compare/topics.jsonl, in its order
UNANNOTATED = frozenset({"legal-basis", "complaints"})  # OPP-115 has no category for these
HELD_OUT = 20  # held-out (test) policies: the PolicyQA test policies, then others by a fixed hash
CONSOLIDATION = "consolidation/threshold-0.75-overlap-similarity"

# Words in a third-party practice's selected text that make it about selling data: OPP-115 has no "sale"
# value, but "we do not sell or rent your information" is annotated as Third Party Sharing/Collection.
SALE_WORDS = re.compile(r"\b(sell|sells|selling|rent|rents|renting|lease)\b", re.IGNORECASE)
_DELETION = re.compile(r"\b(delet\w*|eras\w*|remov\w*)", re.IGNORECASE)
_TAG = re.compile(r"<[^>]*>")


def practice_topics(category: str, attributes: dict) -> frozenset[str]:
    """The topic ids one OPP-115 practice (a category and its attribute dict from the CSV) states.

    The mapping, category by category:
      - First Party Collection/Use -> data-collected; + purposes when Purpose is set and not Unspecified;
        + cookies when Personal Information Type is "Cookies and tracking elements".
      - Third Party Sharing/Collection -> sharing; + cookies when the type is cookies or the third party
        tracks on the first party's site ("Track on first party website/app"); + sale when its selected text
        says sell/sold/rent (no OPP-115 value for sale).
      - User Choice/Control -> objection-marketing.
      - User Access, Edit and Deletion -> erasure when Access Type is a deletion ("Delete account ...") or
        its text speaks of deleting/removing/erasing; access otherwise.
      - Data Retention -> retention; Data Security -> security; Policy Change -> policy-changes;
        Do Not Track -> cookies.
      - International and Specific Audiences -> children for the Children audience, international-transfers
        for Europeans and citizens of other countries; nothing for Californians and Other.
      - Other -> contact-dpo for "Privacy contact information"; nothing for introductions and the rest.
    """
    value = {name: str(attr.get("value", "")) for name, attr in attributes.items()}
    text = " ".join(str(attr.get("selectedText", "")) for attr in attributes.values())
    topics: set[str] = set()
    if category == "First Party Collection/Use":
        topics.add("data-collected")
        if value.get("Purpose", "Unspecified") not in ("Unspecified", ""):
            topics.add("purposes")
        if value.get("Personal Information Type") == "Cookies and tracking elements":
            topics.add("cookies")
    elif category == "Third Party Sharing/Collection":
        topics.add("sharing")
        if (value.get("Personal Information Type") == "Cookies and tracking elements"
                or value.get("Action Third Party") == "Track on first party website/app"):
            topics.add("cookies")
        if SALE_WORDS.search(text):
            topics.add("sale")
    elif category == "User Choice/Control":
        topics.add("objection-marketing")
    elif category == "User Access, Edit and Deletion":
        deletion = value.get("Access Type", "").startswith("Delete") or _DELETION.search(text)
        topics.add("erasure" if deletion else "access")
    elif category == "Data Retention":
        topics.add("retention")
    elif category == "Data Security":
        topics.add("security")
    elif category == "Policy Change":
        topics.add("policy-changes")
    elif category == "Do Not Track":
        topics.add("cookies")
    elif category == "International and Specific Audiences":
        audience = value.get("Audience Type", "")
        if audience == "Children":
            topics.add("children")
        elif audience in ("Europeans", "Citizens from other countries"):
            topics.add("international-transfers")
    elif category == "Other" and value.get("Other Type") == "Privacy contact information":
        topics.add("contact-dpo")
    return frozenset(topics)


def practice_negated(attributes: dict) -> bool:
    """Whether a practice says the company does NOT do it (its Does/Does Not value is "Does Not")."""
    return str(attributes.get("Does/Does Not", {}).get("value", "")) == "Does Not"


@dataclass(frozen=True)
class Sentence:
    """One sentence of a segment: its text, and the topics of the practices whose spans overlap it."""

    text: str
    topics: frozenset[str]
    negated: frozenset[str]  # topics a "Does Not" practice states in this sentence
    stated: frozenset[str]  # topics a "Does" practice states in this sentence


@dataclass(frozen=True)
class Segment:
    """One OPP-115 segment: text without tags, the section heading above it ("" if none), its topics."""

    index: int
    section: str
    text: str
    topics: frozenset[str]
    sentences: tuple[Sentence, ...]


@dataclass(frozen=True)
class Opp115Policy:
    stem: str  # the file name without extension, e.g. "1017_sci-news.com"
    domain: str  # "sci-news.com": the PolicyQA title of the same policy
    name: str  # "Sci-News": the company name prepended to embedded text, as the index prepends it
    segments: tuple[Segment, ...]

    def stated(self, topic: str) -> bool:
        """Gold: the policy states `topic` iff some segment carries a practice mapped to it."""
        return any(topic in segment.topics for segment in self.segments)

    def evidence(self, topic: str) -> tuple[int, ...]:
        """The indexes of the segments that carry `topic` (a quote in one of them is evidence)."""
        return tuple(segment.index for segment in self.segments if topic in segment.topics)


def company_name(domain: str) -> str:
    """A company name from a domain: "sci-news.com" -> "Sci-News", "mlb.mlb.com" -> "Mlb"."""
    labels = [label for label in domain.lower().split(".") if label not in ("www", "com", "org", "net", "co", "uk")]
    main = labels[-1] if labels else domain
    return "-".join(part.capitalize() for part in main.split("-"))


def _strip_tags(raw: str) -> tuple[str, list[int]]:
    """The segment's text with tags removed (a <br> becomes a newline) and, per character, its raw offset."""
    chars: list[str] = []
    where: list[int] = []
    position = 0
    for match in _TAG.finditer(raw):
        for offset in range(position, match.start()):
            chars.append(raw[offset])
            where.append(offset)
        if match.group(0).lower().startswith(("<br", "<li", "</li", "<p", "<ul", "</ul")):
            chars.append("\n")
            where.append(match.start())
        position = match.end()
    for offset in range(position, len(raw)):
        chars.append(raw[offset])
        where.append(offset)
    return "".join(chars), where


def _heading(text: str) -> str:
    """A segment's own heading: a short first line without a full stop ("Use of Cookies"), else ""."""
    first = text.strip().split("\n", 1)[0].strip()
    if 2 <= len(first) <= 60 and not first.endswith((".", ":", ";", ",")) and len(first.split()) <= 8:
        return first
    return ""


def _read_practices(path: Path) -> dict[int, list[tuple[frozenset[str], bool, list[tuple[int, int]]]]]:
    """Per segment index: every practice's topics, whether negated, and the raw spans of its values."""
    practices: dict[int, list[tuple[frozenset[str], bool, list[tuple[int, int]]]]] = {}
    with path.open(encoding="utf-8", newline="") as handle:
        for row in csv.reader(handle):
            attributes = json.loads(row[6])
            spans = [(int(a["startIndexInSegment"]), int(a["endIndexInSegment"])) for a in attributes.values()
                     if int(a.get("startIndexInSegment", -1)) >= 0]
            practices.setdefault(int(row[4]), []).append(
                (practice_topics(row[5], attributes), practice_negated(attributes), spans))
    return practices


def load_policy(data_dir: Path, stem: str) -> Opp115Policy:
    """One OPP-115 policy by file stem, its segments split into sentences and labelled with topics."""
    root = Path(data_dir) / "opp115"
    raw_segments = (root / "sanitized_policies" / f"{stem}.html").read_text(encoding="utf-8").split("|||")
    practices = _read_practices(root / CONSOLIDATION / f"{stem}.csv")
    domain = stem.split("_", 1)[1]
    segments = []
    section = ""
    for index, raw in enumerate(raw_segments):
        text, where = _strip_tags(raw)
        # A heading opens its segment in OPP-115 and stays the section of the segments after it.
        section = _heading(text) or section
        own = practices.get(index, [])
        sentences = []
        for start, end in split_sentences(text):
            raw_start, raw_end = where[start], where[end - 1] + 1
            hits = [(topics, negated) for topics, negated, spans in own
                    if any(s < raw_end and e > raw_start for s, e in spans)]
            # A practice's spans can reach past the words about selling; sale needs them in the sentence.
            drop = frozenset() if SALE_WORDS.search(text[start:end]) else frozenset({"sale"})
            hits = [(topics - drop, negated) for topics, negated in hits]
            sentences.append(Sentence(
                text=text[start:end],
                topics=frozenset().union(*(t for t, _ in hits)),
                negated=frozenset().union(*(t for t, n in hits if n)),
                stated=frozenset().union(*(t for t, n in hits if not n))))
        segments.append(Segment(index, section, " ".join(text.split()),
                                frozenset().union(*(t for t, _, _ in own)), tuple(sentences)))
    return Opp115Policy(stem, domain, company_name(domain), tuple(segments))


def policy_stems(data_dir: Path) -> list[str]:
    """Every OPP-115 policy file stem in `<data_dir>/opp115/sanitized_policies`, sorted."""
    folder = Path(data_dir) / "opp115" / "sanitized_policies"
    stems = sorted(path.stem for path in folder.glob("*.html"))
    if not stems:
        raise DatasetError(f"no OPP-115 policies in {folder}")
    return stems


@cache
def _policyqa_split(dev_path: str) -> tuple[tuple[str, ...], tuple[str, ...]]:
    titles = [entry["title"] for entry in json.loads(Path(dev_path).read_text(encoding="utf-8"))["data"]]
    split = split_squad_policies(titles)
    return split.calibration, split.test


def opp115_split(data_dir: Path, held_out: int = HELD_OUT) -> tuple[tuple[str, ...], tuple[str, ...], tuple[str, ...]]:
    """(train, calibration, test) OPP-115 file stems: a deterministic split by whole policy.

    test: every policy whose domain is a PolicyQA test policy (`split_squad_policies` over the titles of
    `<data_dir>/policyqa/dev.json`), then others in order of the sha256 of their file stem until there are
    `held_out`. calibration: the PolicyQA calibration policies (they pick thresholds, never train). train:
    the rest. Stable as long as the files are: no random state.
    """
    stems = policy_stems(data_dir)
    calibration_domains, test_domains = _policyqa_split(str(Path(data_dir) / "policyqa" / "dev.json"))
    domain = {stem: stem.split("_", 1)[1] for stem in stems}
    test = [stem for stem in stems if domain[stem] in test_domains]
    calibration = [stem for stem in stems if domain[stem] in calibration_domains]
    others = sorted((stem for stem in stems if stem not in test and stem not in calibration),
                    key=lambda stem: hashlib.sha256(stem.encode()).hexdigest())
    test += others[:max(0, held_out - len(test))]
    train = [stem for stem in stems if stem not in test and stem not in calibration]
    return tuple(train), tuple(sorted(calibration)), tuple(sorted(test))


def load_policies(data_dir: Path, stems: Sequence[str]) -> list[Opp115Policy]:
    """The policies of `stems`, in that order."""
    return [load_policy(data_dir, stem) for stem in stems]


def gold_practices(data_dir: Path, stems: Sequence[str]) -> dict[str, dict[str, tuple[int, ...]]]:
    """Per policy stem, per annotated topic: the segment indexes that carry it (empty: "not stated").

    A topic is stated in a policy iff this tuple is non-empty; a quoted sentence is evidence for it iff it
    lies in one of these segments. Topics OPP-115 does not annotate (`UNANNOTATED`) are left out.
    """
    gold = {}
    for policy in load_policies(data_dir, stems):
        gold[policy.stem] = {topic: policy.evidence(topic) for topic in TOPICS if topic not in UNANNOTATED}
    return gold

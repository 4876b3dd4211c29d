"""The grid's cells: what one policy says about one topic, made from the answer path's `Answer`.

A topic may carry evidence words. The answer path's reranker scores how near a passage is to the topic,
which cannot tell a passage *on* the topic ("we share your data with partners") from one that *says* it
("we do not sell your data"); so a cell with evidence words is "stated" only when a passage the answer
shows contains one, and it quotes that passage's sentences that do (see `cell_from_answer`). Topics
without evidence are cells exactly as the answer gives them. Quote offsets are character positions into
the policy text, as everywhere in `qa`.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from qa.compare.topics import Topic
from qa.search.names import name_parts, whole_words

if TYPE_CHECKING:
    from qa.types import Hit

STATED, NOT_STATED = "stated", "not_stated"
STATUS_LABEL = {STATED: "Stated", NOT_STATED: "Not stated"}
SHORT_QUOTE_CHARS = 160


@dataclass(frozen=True)
class CellQuote:
    """A verbatim quotation: `text == policy.text[start:end]`."""

    start: int
    end: int
    text: str
    section: str

    def to_dict(self) -> dict:
        return {"start": self.start, "end": self.end, "text": self.text, "section": self.section}


@dataclass(frozen=True)
class Cell:
    """What one policy says about one topic.

    `quotes` are the answer's quoted sentences (empty when not stated). `passage` is the (start, end) of
    the passage they come from, or for a "not stated" cell of the nearest passage (not an answer), so
    the page can open the policy there; None when the policy has no passage at all.
    """

    topic: str
    policy: str
    status: str
    quotes: tuple[CellQuote, ...] = ()
    confidence: float = 0.0
    passage: tuple[int, int] | None = None
    section: str = ""
    verdict: str = ""  # the answer row's verdict ("yes", "no", "stated", "not_stated"); "" when not known

    def __post_init__(self) -> None:
        if not self.verdict:
            object.__setattr__(self, "verdict", self.status)

    @property
    def stated(self) -> bool:
        return self.status == STATED

    def to_dict(self) -> dict:
        """The cell as `policyqa compare --json` prints it."""
        return {"topic": self.topic, "policy": self.policy, "status": self.status, "verdict": self.verdict,
                "quotes": [q.to_dict() for q in self.quotes], "confidence": round(self.confidence, 4)}

    def to_cache(self) -> dict:
        data = self.to_dict()
        data.update(confidence=self.confidence, passage=list(self.passage) if self.passage else None,
                    section=self.section)
        del data["topic"], data["policy"]  # the cache files cells by policy and question
        return data

    @classmethod
    def from_cache(cls, topic: str, policy: str, data: dict) -> Cell:
        return cls(topic=topic, policy=policy, status=data["status"],
                   quotes=tuple(CellQuote(int(q["start"]), int(q["end"]), q["text"], q["section"])
                                for q in data["quotes"]),
                   confidence=float(data["confidence"]),
                   passage=tuple(data["passage"]) if data.get("passage") else None, section=data.get("section", ""),
                   verdict=str(data.get("verdict", "")))

    def checked(self) -> Cell:
        """The cell, or ValueError when a damaged cache made it one no view can draw (a stated cell without
        quotes, an unknown status, offsets out of order): then it is answered again."""
        if self.status not in STATUS_LABEL or (self.stated and not self.quotes) or any(
                not 0 <= q.start <= q.end for q in self.quotes) or (
                self.passage is not None and (len(self.passage) != 2 or not 0 <= self.passage[0] <= self.passage[1])):
            raise ValueError(f"damaged cached cell for {self.policy}: {self.status!r}, {len(self.quotes)} quotes")
        return self

    def changed_from(self, other: Cell) -> bool:
        """Whether the answer differs: its status or its quoted words (offsets move when text above changes)."""
        return self.status != other.status or [q.text for q in self.quotes] != [q.text for q in other.quotes]


def _row_confidence(row) -> float:
    # PolicyAnswer.confidence (calibrated 0..1) is landing in qa.search.answer; until then the raw score.
    return float(getattr(row, "confidence", row.score))


def practice_for(engine, topic: Topic) -> str | None:
    """How the answer path decides a topic's cells: by the practice model's topic of the same id, else by
    the practices the topic's question asks about (a user's own topic); without a practice model, AUTO still
    tells the answer path that a grid asks (the topic's words are no user's names to look for)."""
    from qa.search.answer import AUTO

    model = getattr(engine, "practice", None)
    return topic.id if model is not None and topic.id in model.topics else AUTO


def decided_as(engine, topic: Topic) -> tuple[str | None, Topic]:
    """How `topic`'s cells are decided: the practice passed to the answer path, and the topic whose evidence
    words guard the deciding sentence. A shipped topic (or any with evidence words) is decided by its
    practice (`practice_for`); a user's own topic without evidence words is answered as its question is
    asked (`practice=None`): each cell is what `policyqa ask` says of that policy, with every check a
    question gets (what it names, the specific thing or detail it asks for, the reranker's threshold).
    Decided as the shipped practice the question head read, guarded by that topic's words, 23 of 50 cells of
    the user-topic gold's dev part were right; answered as asked, 36 (evals/README.md)."""
    if not topic.evidence:
        return None, topic
    return practice_for(engine, topic), topic


def evidence_test(topic: Topic, name: str) -> Callable[[str], bool] | None:
    """What a sentence deciding `topic`'s cell must hold: one of its evidence words outside the policy's own
    `name`; None for a topic without evidence words."""
    if not topic.evidence:
        return None
    pattern, own_name = evidence_pattern(topic.evidence), whole_words(name_parts([name]))
    return lambda sentence: _evidence_count(sentence, pattern, own_name) > 0


def cell_from_answer(topic: Topic | str, policy_id: str, answer) -> Cell:
    """The cell for `policy_id` in `answer` (a `qa.search.answer.Answer` asked of that policy).

    Without evidence words (or given a topic id), the answer's row as it is: "not stated" when it
    abstained, else its quoted sentences. With them, an answered row is "stated" only when one of the
    passages it shows (best first) contains an evidence word; the cell quotes that passage's sentences
    that contain one (the answer's own marked sentences among them first), at most two. A row with no
    such passage is "not stated", its nearest passage kept for the page to open.
    """
    topic_id, evidence = (topic, ()) if isinstance(topic, str) else (topic.id, topic.evidence)
    row = next((r for r in answer.rows if r.policy == policy_id), None)
    if row is None:
        return Cell(topic_id, policy_id, NOT_STATED)
    top = row.hits[0] if row.hits else None
    passage = (top.start, top.end) if top else None
    section = top.section if top else ""
    if row.abstained:
        return Cell(topic_id, policy_id, NOT_STATED, (), _row_confidence(row), passage, section,
                    verdict=row.verdict)
    if getattr(answer, "topics", ()):  # decided by the practice model: its sentence states the topic
        quotes = tuple(CellQuote(q.start, q.end, q.text, q.section) for q in row.quotes)
        return Cell(topic_id, policy_id, STATED, quotes, _row_confidence(row), passage, section,
                    verdict=row.verdict)
    if evidence:
        found = evidence_quotes(row.hits, evidence_pattern(evidence), row.name)
        if found is None:
            return Cell(topic_id, policy_id, NOT_STATED, (), _row_confidence(row), passage, section)
        hit, quotes = found
        return Cell(topic_id, policy_id, STATED, quotes, _row_confidence(row), (hit.start, hit.end), hit.section)
    quotes = tuple(CellQuote(q.start, q.end, q.text, q.section) for q in row.quotes)
    if not quotes and top is not None:  # answered without marked sentences: the passage is the quote
        quotes = (CellQuote(top.start, top.end, top.text, top.section),)
    return Cell(topic_id, policy_id, STATED, quotes, _row_confidence(row), passage, section, verdict=row.verdict)


def evidence_pattern(evidence: Sequence[str]) -> re.Pattern:
    """A case-insensitive pattern for any of `evidence` as whole words ("sell*": any ending)."""
    parts = []
    for word in evidence:
        stem = word.rstrip("*")
        body = r"\s+".join(re.escape(piece) for piece in stem.split())
        head = r"(?<!\w)" if stem[:1].isalnum() else ""
        tail = r"\w*" if word.endswith("*") else (r"(?!\w)" if stem[-1:].isalnum() else "")
        parts.append(head + body + tail)
    return re.compile("|".join(parts), re.IGNORECASE)


MAX_EVIDENCE_QUOTES = 2


def evidence_quotes(hits: Sequence[Hit], pattern: re.Pattern,
                    name: str = "") -> tuple[Hit, tuple[CellQuote, ...]] | None:
    """The first of `hits` with a sentence matching `pattern`, and its quotes; None when no hit has one.

    Quotes are the hit's marked sentences that match, then its other matching sentences by how many
    evidence words they hold, at most MAX_EVIDENCE_QUOTES, in text order. Offsets are the hit's own
    (character positions into the policy text; a hit's `text` is the policy's text from `start` to `end`).
    Words inside the policy's `name` are not evidence ("Centerprise International" says nothing about
    international transfers).
    """
    from qa.ingest.sentences import split_sentences

    own_name = whole_words(name_parts([name]))
    for hit in hits:
        if not _evidence_count(hit.text, pattern, own_name):
            continue
        marked = set(hit.highlights)
        matching = []
        for start, end in split_sentences(hit.text, hit.start):
            words = _evidence_count(hit.text[start - hit.start:end - hit.start], pattern, own_name)
            if words:
                matching.append(((start, end) not in marked, -words, start, end))
        if not matching:  # the words straddle a sentence break: the passage is the quote
            return hit, (CellQuote(hit.start, hit.end, hit.text, hit.section),)
        chosen = sorted(sorted(matching)[:MAX_EVIDENCE_QUOTES], key=lambda m: m[2])
        return hit, tuple(CellQuote(s, e, hit.text[s - hit.start:e - hit.start], hit.section) for _, _, s, e in chosen)
    return None


def _evidence_count(text: str, pattern: re.Pattern, own_name: re.Pattern | None) -> int:
    """How many evidence words `text` holds outside the policy's own name."""
    names = [m.span() for m in own_name.finditer(text)] if own_name else []
    return sum(1 for m in pattern.finditer(text) if not any(s <= m.start() < e for s, e in names))


def shorten(text: str, limit: int = SHORT_QUOTE_CHARS) -> str:
    """`text` with white space collapsed, cut at a word boundary to at most `limit` characters plus "…"."""
    flat = " ".join(text.split())
    if len(flat) <= limit:
        return flat
    cut = flat[:limit].rsplit(" ", 1)[0] or flat[:limit]
    return cut.rstrip(" ,;:") + "…"


def summary_lines(answer) -> list[tuple[str, str, str]]:
    """One (policy name, status, short quote) per row of `answer`, in its order, for a multi-company summary.

    `status` is "stated" or "not_stated" (STATUS_LABEL has the words to show); the short quote is the
    start of the row's first quoted sentence (verbatim up to the "…"), "" when not stated.
    """
    lines = []
    for row in answer.rows:
        if row.abstained or not row.quotes:
            lines.append((row.name, NOT_STATED if row.abstained else STATED, ""))
        else:
            lines.append((row.name, STATED, shorten(row.quotes[0].text)))
    return lines

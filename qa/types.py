"""The types every layer shares, in a module that imports nothing of the project: a policy, a passage of it, a
passage found for a question (`Hit`) and a quoted span (`Quote`). Offsets (`start`, `end`, highlights,
spans) are character positions into the policy's text, and `text[start:end]` is the excerpt, verbatim."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

Span = tuple[int, int]  # (start, end) in a policy's text
Heading = tuple[int, str]  # (offset of the heading line in the policy text, heading title)


@dataclass(frozen=True)
class Policy:
    """One policy: its text (what every passage offset points into) and how people name it."""

    id: str
    name: str
    text: str
    aliases: tuple[str, ...] = ()
    source: str = ""  # the file it came from, relative to the policies folder
    sha256: str = ""  # of the source file's bytes
    headings: tuple[Heading, ...] = field(default=(), repr=False)

    def to_dict(self) -> dict:
        return {"id": self.id, "name": self.name, "aliases": list(self.aliases), "source": self.source,
                "sha256": self.sha256, "headings": [list(h) for h in self.headings], "text": self.text}

    @classmethod
    def from_dict(cls, data: dict) -> Policy:
        return cls(id=data["id"], name=data["name"], text=data["text"], aliases=tuple(data["aliases"]),
                   source=data["source"], sha256=data["sha256"],
                   headings=tuple((int(s), str(t)) for s, t in data["headings"]))


@dataclass(frozen=True)
class Passage:
    """A verbatim excerpt of one policy; `start`/`end` are character offsets into the policy text."""

    id: str
    policy: str
    section: str
    start: int
    end: int
    text: str

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass(frozen=True)
class Hit:
    """A retrieved passage; `start`/`end` (and each highlight) are character offsets into the policy text.

    `score` is what the retriever ranked it by (hybrid, dense or BM25), never replaced later. `similarity`
    is the dense score whatever the backend, so one abstention threshold serves all. `probability` is the
    reranker's calibrated probability that the passage answers the question (None: not reranked).
    """

    policy: str
    name: str
    section: str
    start: int
    end: int
    text: str
    score: float
    passage_id: str = ""
    highlights: tuple[tuple[int, int], ...] = field(default=())
    similarity: float = 0.0
    probability: float | None = None

    @property
    def rank_score(self) -> float:
        """What the answer path orders hits by: the reranker's probability when there is one, else `score`."""
        return self.score if self.probability is None else self.probability

    def to_dict(self) -> dict:
        data = asdict(self)
        data["highlights"] = [list(h) for h in self.highlights]
        return data


@dataclass(frozen=True)
class Quote:
    """One quoted span, verbatim: `text == policy_text[start:end]` (character offsets into the policy text).

    `gap_before`: text of the policy is left out between the previous quote of the same answer and this
    one (shown as "…"). `more`: the spans of the list items this quote's list goes on with, not shown
    ("+2 more items"); empty when the quote is whole.
    """

    policy: str
    name: str
    section: str
    start: int
    end: int
    text: str
    gap_before: bool = False
    more: tuple[Span, ...] = ()

    @property
    def more_items(self) -> int:
        """How many list items the quote leaves out."""
        return len(self.more)

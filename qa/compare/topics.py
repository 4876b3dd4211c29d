"""The grid's rows: privacy practices ("topics"), read from JSON lines.

Topics are JSON lines `{"id", "label", "question"}`: the shipped list is `qa/compare/topics.jsonl`, a user's own is
passed with `--topics FILE`. A topic may also carry `"evidence"`: words a passage that answers it must
contain ("sell", "sold" for the sale of data); `qa.compare.cells` says how they decide a cell.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path

from qa.errors import TopicsError
from qa.inputs import InputTooLarge, parse_problem, read_input_text

_TOPIC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


@dataclass(frozen=True)
class Topic:
    """A privacy practice: `id` (stable key), `label` (what the grid shows), `question` (what is asked).

    `evidence`: lower-case words or phrases, one of which a passage that answers the topic contains; a
    trailing "*" matches any ending ("sell*": sell, sells, selling). Empty: the answer decides alone.
    """

    id: str
    label: str
    question: str
    evidence: tuple[str, ...] = ()

    def to_dict(self) -> dict:
        return {"id": self.id, "label": self.label, "question": self.question}

    @property
    def key(self) -> str:
        """What a cached cell of this topic was made from: its question and its evidence words."""
        return short_hash(self.question if not self.evidence else "\0".join((self.question, *self.evidence)))


def parse_topics(text: str, source: str = "topics") -> list[Topic]:
    """Topics from JSON lines; raises TopicsError naming `source` and the first bad line."""
    topics: list[Topic] = []
    seen: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        if not line.strip():
            continue
        where = f"{source}:{number}"
        try:
            item = json.loads(line)
        except (ValueError, RecursionError) as err:  # also a 5,000-digit number, nesting 100,000 deep
            raise TopicsError(f"{where}: not JSON ({parse_problem(err)})") from None
        if not isinstance(item, dict):
            raise TopicsError(f"{where}: expected an object {{\"id\", \"label\", \"question\"}}, "
                              f"got {type(item).__name__}")
        for key in ("id", "label", "question"):
            if not isinstance(item.get(key), str) or not item[key].strip():
                raise TopicsError(f"{where}: needs a non-empty string \"{key}\"")
        topic_id = item["id"].strip()
        if not _TOPIC_ID.match(topic_id):
            raise TopicsError(f"{where}: id {topic_id!r} must be letters, digits, '-', '_' or '.' (at most 64)")
        if topic_id in seen:
            raise TopicsError(f"{where}: id {topic_id!r} repeats line {seen[topic_id]}")
        seen[topic_id] = number
        evidence = item.get("evidence", [])
        if not isinstance(evidence, list) or not all(isinstance(w, str) and w.strip(" *") for w in evidence):
            raise TopicsError(f"{where}: \"evidence\" must be a list of words, got {evidence!r}")
        topics.append(Topic(topic_id, item["label"].strip(), item["question"].strip(),
                            tuple(w.strip().lower() for w in evidence)))
    if not topics:
        raise TopicsError(f"{source}: no topics")
    return topics


def load_topics(path: str | os.PathLike | None = None) -> list[Topic]:
    """The topics in `path`, else the shipped list (`qa/compare/topics.jsonl`). Raises TopicsError."""
    if path is None:
        shipped = (resources.files("qa.compare") / "topics.jsonl").read_text(encoding="utf-8")
        return parse_topics(shipped, "qa/compare/topics.jsonl")
    path = Path(path)
    try:
        text = read_input_text(path, "topics file")  # at most 10 MB: `--topics /dev/zero` is refused at once
    except InputTooLarge as err:
        raise TopicsError(str(err)) from None
    except FileNotFoundError:
        raise TopicsError(f"topics file not found: {path}") from None
    except (OSError, UnicodeDecodeError) as err:
        raise TopicsError(f"cannot read topics file {path}: {err}") from None
    return parse_topics(text, path.name)


def topics_hash(topics: Sequence[Topic]) -> str:
    """A short hash of the topics' ids, labels, questions and evidence words (what a grid was asked)."""
    return short_hash(json.dumps([{**t.to_dict(), "evidence": list(t.evidence)} for t in topics], sort_keys=True))


def short_hash(text: str) -> str:
    """The first 16 hex digits of `text`'s sha256: the grid cache's keys."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]

"""The privacy-practice grid: every topic asked of every policy, each cell a cited quote or "not stated".

Every cell is `engine.answer(topic.question, policies=[policy_id])`, the product's one answer path, so the
grid answers exactly as the chat does and improves with it. Cells are cached in a file in the index folder
(`compare.json`; for a PostgreSQL store, in a folder of the local cache, `store_cache_folder`), each column
under a key made of its policy's file hash and name, and the whole file under the index's model and
settings and `answer_path_version()`; a cell is recomputed only when one of those changed. Quote offsets
are character positions into the policy text, as everywhere in `qa`.

Topics are JSON lines `{"id", "label", "question"}`: the shipped list is `qa/compare/topics.jsonl`, a user's own is
passed with `--topics FILE`. A topic may also carry `"evidence"`: words a passage that answers it must
contain ("sell", "sold" for the sale of data). The answer path's reranker scores how near a passage is
to the topic, which cannot tell a passage *on* the topic ("we share your data with partners") from one
that *says* it ("we do not sell your data"); so a cell with evidence words is "stated" only when a
passage the answer shows contains one, and it quotes that passage's sentences that do (see
`cell_from_answer`). Topics without evidence are cells exactly as the answer gives them.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from datetime import UTC
from importlib import resources
from pathlib import Path
from typing import TYPE_CHECKING

from qa.errors import QueryError, TopicsError

if TYPE_CHECKING:
    from qa.search.retrieval import Hit

CACHE_FILE = "compare.json"
CACHE_FORMAT = 1
# Bump when the way a cell is made from an Answer changes. The answer path's own code is fingerprinted
# as well (every module of ANSWER_PATH_PACKAGES and the files of ANSWER_PATH_FILES, found by walking them,
# so a new module on the answer path cannot be forgotten), and so are the reranker and practice model the
# engine would load: an improvement of retrieval or of the decision invalidates the cache without a bump.
ANSWER_PATH_VERSION = "3"  # 2: evidence words decide a cell (cell_from_answer); 3: the practice model, verdicts
ANSWER_PATH_PACKAGES = ("search", "embed", "index", "ingest")  # under qa/, every .py file, pg/ included
ANSWER_PATH_FILES = ("config.py", "files.py", "compare/grid.py", "compare/topics.jsonl")
STATED, NOT_STATED = "stated", "not_stated"
STATUS_LABEL = {STATED: "Stated", NOT_STATED: "Not stated"}
SHORT_QUOTE_CHARS = 160
_TOPIC_ID = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")


# -- topics --------------------------------------------------------------------------------------------

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
        return _digest(self.question if not self.evidence else "\0".join((self.question, *self.evidence)))


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


from qa.inputs import InputTooLarge, parse_problem, read_input_text  # noqa: E402 - the standard library only


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
    return _digest(json.dumps([{**t.to_dict(), "evidence": list(t.evidence)} for t in topics], sort_keys=True))


# -- cells ---------------------------------------------------------------------------------------------

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
    words guard the deciding sentence. A user's topic without evidence words that the practice model reads
    as one shipped practice is decided as that practice, guarded by the shipped topic's words (its own
    question still searches): "Where can I lodge a complaint?" needs a sentence naming a regulator."""
    from qa.search.answer import AUTO, practices_asked

    practice = practice_for(engine, topic)
    if topic.evidence or getattr(engine, "practice", None) is None or practice != AUTO:
        return practice, topic

    asked = practices_asked(engine, topic.question)
    shipped = {t.id: t for t in load_topics()}
    if not asked or asked[0] not in shipped:
        return practice, topic
    return asked[0], shipped[asked[0]]


def evidence_test(topic: Topic, name: str) -> Callable[[str], bool] | None:
    """What a sentence deciding `topic`'s cell must hold: one of its evidence words outside the policy's own
    `name`; None for a topic without evidence words."""
    if not topic.evidence:
        return None
    pattern, own_name = evidence_pattern(topic.evidence), _name_pattern(name)
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
    return Cell(topic_id, policy_id, STATED, quotes, _row_confidence(row), passage, section)


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

    own_name = _name_pattern(name)
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


def _name_pattern(name: str) -> re.Pattern | None:
    """The parts of a policy's display name ("23Technology / Centerprise International"), as whole words."""
    parts = [re.escape(part) for part in re.split(r"\s*/\s*", name.strip()) if len(part) >= 3]
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE) if parts else None


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


# -- the grid ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PolicyColumn:
    id: str
    name: str


@dataclass
class Grid:
    """Topics × policies; `cells[(topic id, policy id)]`. `computed`/`cached` count how cells were got."""

    topics: list[Topic]
    policies: list[PolicyColumn]
    cells: dict[tuple[str, str], Cell]
    computed: int = 0
    cached: int = 0
    seconds: float = 0.0
    changes: list[str] = field(default_factory=list)

    def cell(self, topic_id: str, policy_id: str) -> Cell:
        return self.cells[(topic_id, policy_id)]

    def select(self, policies: Iterable[str] | None = None, topics: Iterable[str] | None = None) -> Grid:
        """The same grid restricted to `policies` and `topics` (ids; None keeps all), in the grid's order."""
        keep_p = set(policies) if policies is not None else None
        keep_t = set(topics) if topics is not None else None
        cols = [p for p in self.policies if keep_p is None or p.id in keep_p]
        rows = [t for t in self.topics if keep_t is None or t.id in keep_t]
        return Grid(rows, cols, {(t.id, p.id): self.cells[(t.id, p.id)] for t in rows for p in cols})

    def to_dict(self) -> dict:
        """The JSON of `policyqa compare --json`: topics, policies, then cells topic by topic."""
        return {"topics": [t.to_dict() for t in self.topics],
                "policies": [{"id": p.id, "name": p.name} for p in self.policies],
                "cells": [self.cells[(t.id, p.id)].to_dict() for t in self.topics for p in self.policies]}

    def to_csv(self) -> str:
        """A spreadsheet grid: one row per topic, one column per policy; a cell is its quotes or "Not stated"."""
        out = io.StringIO()
        writer = csv.writer(out, lineterminator="\n")
        writer.writerow(map(csv_cell, ["Topic", "Question", *[p.name for p in self.policies]]))
        for t in self.topics:
            writer.writerow(map(csv_cell, [t.label, t.question,
                                           *[plain_cell(self.cells[(t.id, p.id)]) for p in self.policies]]))
        return out.getvalue()

    def to_markdown(self) -> str:
        """A Markdown table of the grid; policy text is escaped so it reads as text, never as markup."""
        head = ["Topic", *[p.name for p in self.policies]]
        lines = ["| " + " | ".join(_md(h) for h in head) + " |", "|" + "---|" * len(head)]
        for t in self.topics:
            cells = []
            for p in self.policies:
                cell = self.cells[(t.id, p.id)]
                if cell.stated:
                    section = f" (§ {_md(cell.quotes[0].section)})" if cell.quotes and cell.quotes[0].section else ""
                    cells.append(" ".join(f"“{_md(q.text)}”" for q in cell.quotes) + section)
                else:
                    cells.append("*Not stated*")
            lines.append(f"| **{_md(t.label)}** | " + " | ".join(cells) + " |")
        return "\n".join(lines) + "\n"


def csv_cell(value: str) -> str:
    """A CSV cell a spreadsheet shows as text: one starting with = + - @, a tab or CR (a formula to Excel,
    LibreOffice, Sheets: `=HYPERLINK(...)`, `@SUM(...)`) gets a leading ' (OWASP's CSV injection advice)."""
    return "'" + value if value[:1] in ("=", "+", "-", "@", "\t", "\r") else value


def plain_cell(cell: Cell) -> str:
    """A cell as plain text: its quotes (white space folded) joined by " … ", or "Not stated"."""
    return " … ".join(" ".join(q.text.split()) for q in cell.quotes) if cell.stated else STATUS_LABEL[NOT_STATED]


# Inline syntax only: a table cell is never the start of a block, so "#", "-", "+" and "." stay plain.
_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]|~$])")


def _md(text: str) -> str:
    """Text for a Markdown table cell: one line, Markdown syntax backslash-escaped, angle brackets as entities."""
    flat = " ".join(str(text).split())
    return _MD_SPECIAL.sub(r"\\\1", flat.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;"))


# -- the cache -----------------------------------------------------------------------------------------

def _digest(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:16]


def answer_path_version() -> str:
    """ANSWER_PATH_VERSION plus a fingerprint of the answer path's source and of the models it loads: what
    cached cells depend on. Read as files (no import), so a grid served from the cache loads nothing."""
    root = Path(__file__).resolve().parent.parent  # the qa package
    digest = hashlib.sha256(ANSWER_PATH_VERSION.encode())
    for path in answer_path_files():
        if path.is_file():
            digest.update(f"{path.relative_to(root).as_posix()}\0".encode() + path.read_bytes())
    digest.update(_reranker_identity().encode())
    digest.update(_practice_identity().encode())
    return f"{ANSWER_PATH_VERSION}+{digest.hexdigest()[:12]}"


def answer_path_files() -> list[Path]:
    """The source files cached cells depend on: every module of ANSWER_PATH_PACKAGES, and ANSWER_PATH_FILES."""
    root = Path(__file__).resolve().parent.parent
    files = [f for package in ANSWER_PATH_PACKAGES for f in sorted((root / package).rglob("*.py"))]
    return files + [root / name for name in ANSWER_PATH_FILES]


def _practice_identity() -> str:
    """Which practice model the engine would load (its folder, settings and weights' size), "" when none."""
    try:
        from qa.search.practice import CONFIG, WEIGHTS, practice_folder

        folder = practice_folder()
    except Exception:  # noqa: BLE001 - a bad setting fails when the engine opens, with its own message
        return "unresolved"
    if folder is None or not (folder / CONFIG).is_file():
        return ""
    weights = folder / WEIGHTS
    return (f"{folder.resolve()}\0{(folder / CONFIG).read_text(encoding='utf-8')}\0"
            f"{weights.stat().st_size if weights.is_file() else 0}")


def _reranker_identity() -> str:
    """Which reranker the engine would load (its folder and settings file), "" when none is in use.

    Found without loading it, so a grid served from the cache never loads a model.
    """
    try:
        from qa.search.reranker import reranker_folder
    except ImportError:
        return ""
    try:
        folder = reranker_folder()
    except Exception:  # noqa: BLE001 - a bad setting fails when the engine opens, with its own message
        return "unresolved"
    if folder is None or not (folder / "reranker.json").is_file():
        return ""
    model = folder / "model-int8.onnx"
    size = model.stat().st_size if model.is_file() else 0
    return f"{folder.resolve()}\0{(folder / 'reranker.json').read_text(encoding='utf-8')}\0{size}"


def index_config(manifest: dict) -> dict:
    """What, besides a policy's own text, shapes its answers: the model, its runtime and the build settings."""
    return {"model": manifest["model"]["id"], "backend": manifest["model"].get("backend"),
            "settings": manifest.get("settings")}


def column_key(sha256: str, name: str) -> str:
    """A policy column's cache key: its file's hash and its display name (both shape its answers)."""
    return _digest(f"{sha256}\0{name}")


def read_cache(index_folder: str | os.PathLike) -> dict | None:
    """The raw cache in `index_folder`, or None when absent or unreadable (then cells are recomputed)."""
    path = Path(index_folder) / CACHE_FILE
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(data, dict) or data.get("format") != CACHE_FORMAT or not isinstance(data.get("columns"), dict):
        return None
    return data


def write_cache(index_folder: str | os.PathLike, data: dict) -> None:
    """Write the cache into `index_folder` atomically (temporary file, then os.replace)."""
    from qa.files import atomic_write

    atomic_write(Path(index_folder) / CACHE_FILE, json.dumps(data, ensure_ascii=False), mode=0o600)


def _usable_columns(cache: dict | None, config: dict, version: str) -> dict:
    if not cache or cache.get("config") != config or cache.get("answer_path") != version:
        return {}
    return cache["columns"]


def store_cache_folder(url: str, schema: str) -> Path:
    """Where this machine caches the grid of a PostgreSQL store (its index is no folder): a folder of the
    cache root named by the store's address (without its password) and schema, made if missing."""
    from qa.config import cache_root
    from qa.index.pg.store import _safe_url

    digest = hashlib.sha256(f"{_safe_url(url)}\0{schema}".encode()).hexdigest()[:16]
    folder = cache_root() / "compare" / digest
    folder.mkdir(parents=True, exist_ok=True)
    return folder


def build_grid(index_folder: str | os.PathLike, topics: Sequence[Topic] | None = None,
               policies: Sequence[str] | None = None, engine=None,
               engine_factory: Callable[[], object] | None = None, use_cache: bool = True,
               manifest: dict | None = None) -> Grid:
    """The grid for the index in `index_folder`: cached cells where still valid, the rest answered now.

    For an index that is no folder (a PostgreSQL store), `index_folder` is only where the cache lives
    (`store_cache_folder`) and the index's `manifest` is given, or comes from `engine`.

    `topics`: default the shipped list. `policies`: ids to include (default all, in index order); an
    unknown id is a QueryError naming it. Cells are answered by `engine` (an opened `qa.search.engine.Engine`
    on this index), else by one `engine_factory()` makes, else by `Engine.open(index_folder)`; no engine
    is opened when every cell is cached. New cells are written back to the cache (atomically).

    When a policy's column is answered again because its policy changed (or a policy is new beside an
    existing grid), `Grid.changes` lists the cells whose answer changed ("CT1 Technologies · Retention:
    changed"); the cache keeps that list, with its time, for `last_changes`.
    """
    from qa.index.store import read_manifest

    started = time.perf_counter()
    topics = list(topics) if topics is not None else load_topics()
    if engine is None and manifest is None:
        manifest = read_manifest(Path(index_folder))
    if engine is not None:  # what the engine has loaded is what it will answer from
        known = {pid: (p.name, p.sha256) for pid, p in engine.policies.items()}
        config = index_config(engine.index.manifest)
    else:
        assert manifest is not None
        known = {pid: (info["name"], info["sha256"]) for pid, info in manifest["policies"].items()}
        config = index_config(manifest)
    wanted = list(dict.fromkeys(policies)) if policies else list(known)
    unknown = [p for p in wanted if p not in known]
    if unknown:
        raise QueryError(f"unknown policy id {', '.join(repr(u) for u in unknown)} (known: {', '.join(sorted(known))})")
    version = answer_path_version()
    cache = read_cache(index_folder)
    columns = _usable_columns(cache, config, version)
    grid = Grid(topics, [PolicyColumn(pid, known[pid][0]) for pid in wanted], {})
    fresh: dict[str, dict] = {}
    ways: dict[str, tuple[str | None, Topic]] = {}  # topic id -> how its cells are decided (decided_as)
    for pid in wanted:
        key = column_key(known[pid][1], known[pid][0])
        prior = columns.get(pid)
        old = prior if use_cache and prior is not None and prior.get("key") == key else None
        column = fresh[pid] = {"key": key, "name": known[pid][0], "cells": dict(old["cells"]) if old else {}}
        computed_before = grid.computed
        for topic in topics:
            data = column["cells"].get(topic.key)
            if data is not None:
                try:
                    grid.cells[(topic.id, pid)] = Cell.from_cache(topic.id, pid, data).checked()
                    grid.cached += 1
                    continue
                except (KeyError, TypeError, ValueError, AttributeError):
                    pass  # a damaged entry is answered again
            if engine is None:
                engine = engine_factory() if engine_factory else _open_engine(index_folder)
            if topic.id not in ways:  # the same for every policy: asked once per topic, not once per cell
                ways[topic.id] = decided_as(engine, topic)
            practice, guard = ways[topic.id]
            answer = engine.answer(topic.question, policies=[pid], practice=practice,
                                   accepts=evidence_test(guard, known[pid][0]))
            cell = grid.cells[(topic.id, pid)] = cell_from_answer(topic, pid, answer)
            column["cells"][topic.key] = cell.to_cache()
            grid.computed += 1
        if grid.computed > computed_before and columns:
            grid.changes += _column_changes(grid, pid, prior, key)
    if grid.computed:
        # Columns of other policies still in the index are kept (a filtered grid must not evict them).
        kept = {pid: col for pid, col in columns.items() if pid in known and pid not in fresh}
        data = {"format": CACHE_FORMAT, "answer_path": version, "config": config, "columns": {**kept, **fresh}}
        if grid.changes:
            data["changes"] = {"at": _now(), "lines": grid.changes}
        elif columns and cache is not None and isinstance(cache.get("changes"), dict):
            data["changes"] = cache["changes"]
        try:
            write_cache(index_folder, data)
        except OSError as err:  # a read-only index still answers; it only cannot remember
            print(f"policyqa: warning: compare cache not written: {err}", file=sys.stderr)
    grid.seconds = time.perf_counter() - started
    return grid


def _column_changes(grid: Grid, pid: str, prior: dict | None, key: str) -> list[str]:
    """What a column answered again says differently from its cached predecessor (a changed policy)."""
    name = next(p.name for p in grid.policies if p.id == pid)
    if prior is None:
        stated = sum(grid.cell(t.id, pid).stated for t in grid.topics)
        return [f"{name}: new policy, {stated} of {len(grid.topics)} topics stated"]
    if prior.get("key") == key:  # answered again for another reason (--no-cache, a damaged entry)
        return []
    lines = []
    for topic in grid.topics:
        data = prior.get("cells", {}).get(topic.key)
        if data is None:
            continue
        try:
            was = Cell.from_cache(topic.id, pid, data)
        except (KeyError, TypeError, ValueError):
            continue
        now = grid.cell(topic.id, pid)
        if now.changed_from(was):
            how = "" if was.status == now.status else f" (now {STATUS_LABEL[now.status].lower()})"
            lines.append(f"{name} · {topic.label}: changed{how}")
    return lines


def _now() -> str:
    from datetime import datetime

    return datetime.now(UTC).isoformat(timespec="seconds")


def last_changes(index_folder: str | os.PathLike) -> tuple[str, list[str]] | None:
    """(when, lines) of the last grid update that answered changed policies again; None if there was none."""
    cache = read_cache(index_folder)
    changes = cache.get("changes") if cache else None
    if not isinstance(changes, dict) or not isinstance(changes.get("lines"), list):
        return None
    return str(changes.get("at", "")), [str(line) for line in changes["lines"]]


def _open_engine(index_folder):
    from qa.search.engine import Engine

    return Engine.open(index_folder)


# -- after a rebuild -----------------------------------------------------------------------------------

def changes_after_build(index_folder: str | os.PathLike, previous: dict | None,
                        engine_factory: Callable[[], object] | None = None) -> list[str]:
    """Bring the grid of a rebuilt index up to date and say which cells' answers changed.

    `previous` is `read_cache(index_folder)` taken before the build (in case a build replaces the
    folder, and the file with it). Without a previous grid, or when the model, settings or answer path
    changed, nothing is computed (the grid is made on first request) and nothing is reported. Otherwise
    the columns of unchanged policies are kept, those of changed and new policies answered again, and
    the lines returned read "CT1 Technologies · Retention: changed".
    """
    from qa.embed.base import ModelLoadError
    from qa.index.store import IndexUnavailable, read_manifest

    try:
        manifest = read_manifest(Path(index_folder))
        if previous is None or not _usable_columns(previous, index_config(manifest), answer_path_version()):
            return []
        if read_cache(index_folder) is None:  # the build replaced the folder: carry the old cells over
            write_cache(index_folder, previous)
        from qa.compare.changes import record_changes  # old quote beside new, for `compare --changes`
        grid = build_grid(index_folder, load_topics(), engine_factory=engine_factory)
        return record_changes(index_folder, previous, grid)
    except (IndexUnavailable, ModelLoadError, OSError) as err:  # the index is built; only the grid is late
        print(f"policyqa: warning: compare grid not updated ({err}); it is made on first request", file=sys.stderr)
        return []

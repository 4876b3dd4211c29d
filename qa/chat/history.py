"""Conversations of the chat page, kept in SQLite so they survive a reload and a server restart.

The database lives in the user's data folder: $POLICYQA_DATA, else ~/.local/share/policyqa. A turn keeps
what the page needs to draw it again without asking again: the question, the answer as JSON (every field
of `qa.search.answer.Answer`, nested dataclasses included) and the policy texts its offsets point into (stored
once per distinct text, by sha256), since a later rebuild may change a policy.
"""

from __future__ import annotations

import dataclasses
import hashlib
import json
import os
import secrets
import sqlite3
import time
import typing
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

from qa.search.answer import Answer

ENV_DATA = "POLICYQA_DATA"
DB_NAME = "chats.sqlite3"
RECORD_VERSION = 1
TITLE_CHARS = 80

_SCHEMA = """
CREATE TABLE IF NOT EXISTS chats (
    id TEXT PRIMARY KEY,
    title TEXT NOT NULL,
    created REAL NOT NULL,
    updated REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS turns (
    id TEXT PRIMARY KEY,
    chat_id TEXT NOT NULL REFERENCES chats(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    question TEXT NOT NULL,
    problem TEXT NOT NULL DEFAULT '',
    answer TEXT,            -- JSON record of the Answer, NULL when there is none (see `problem`)
    texts TEXT NOT NULL,    -- JSON {policy id: sha256 of the text in `texts`}
    details TEXT NOT NULL,  -- JSON {retriever, k, ...}: how it was asked
    created REAL NOT NULL
);
CREATE INDEX IF NOT EXISTS turns_by_chat ON turns(chat_id, position);
CREATE TABLE IF NOT EXISTS texts (
    sha256 TEXT PRIMARY KEY,
    body TEXT NOT NULL
);
"""



def data_dir() -> Path:
    """The user's data folder: $POLICYQA_DATA, else ~/.local/share/policyqa."""
    return Path(os.environ.get(ENV_DATA) or Path.home() / ".local" / "share" / "policyqa")


def new_id() -> str:
    """A short random id for a chat or a turn: URL-safe, unguessable enough for a local permalink."""
    return secrets.token_urlsafe(9)


def answer_record(answer: Answer) -> dict:
    """`answer` as plain JSON data, every field kept (`answer_from_record` reverses it)."""
    return {"v": RECORD_VERSION, **dataclasses.asdict(answer)}


def _tuples(value: Any) -> Any:
    """JSON lists back to the tuples the frozen dataclasses hold."""
    return tuple(_tuples(v) for v in value) if isinstance(value, list) else value


@cache
def _nested_types(cls) -> dict[str, tuple[Any, bool]]:
    """Fields of dataclass `cls` that hold dataclasses: name -> (that class, whether a tuple of them).

    Read from the annotations, so a field the answer API adds later (say `ranked: tuple[Hit, ...]`)
    comes back as the same objects without a change here.
    """
    nested: dict[str, tuple[Any, bool]] = {}
    for name, hint in typing.get_type_hints(cls).items():
        args = typing.get_args(hint)
        if typing.get_origin(hint) is tuple and args and dataclasses.is_dataclass(args[0]):
            nested[name] = (args[0], True)
        elif dataclasses.is_dataclass(hint):
            nested[name] = (hint, False)
    return nested


def _build(cls, data: dict):
    """An instance of dataclass `cls` from `data`; unknown keys are ignored, missing ones take defaults."""
    values = {}
    nested = _nested_types(cls)
    for f in dataclasses.fields(cls):
        if f.name not in data:
            continue
        raw = data[f.name]
        if f.name in nested and raw is not None:
            inner, many = nested[f.name]
            values[f.name] = tuple(_build(inner, item) for item in raw) if many else _build(inner, raw)
        else:
            values[f.name] = _tuples(raw)
    return cls(**values)


def answer_from_record(record: dict) -> Answer:
    """The `Answer` saved by `answer_record`; raises ValueError when the record cannot be read."""
    try:
        return _build(Answer, {k: v for k, v in record.items() if k != "v"})
    except (TypeError, KeyError, AttributeError, ValueError) as err:
        raise ValueError(f"saved answer cannot be read ({type(err).__name__}: {err})") from err


@dataclass
class Turn:
    """One question of a conversation and what was shown for it."""

    question: str
    id: str = field(default_factory=new_id)
    answer: Answer | None = None
    problem: str = ""  # why there is no answer (no policy selected, a saved answer unreadable, ...)
    # The text each policy offset points into, as it was when answered: a rebuild may change a policy.
    texts: dict[str, str] = field(default_factory=dict)
    details: dict = field(default_factory=dict)  # how it was asked: retriever, k


@dataclass(frozen=True)
class ChatSummary:
    id: str
    title: str
    updated: float
    turns: int


class ChatStore:
    """The conversations in one SQLite file; every method opens its own short transaction.

    Each call connects anew (a few hundred microseconds), so one store object is safe to share between
    Streamlit's script threads.
    """

    def __init__(self, path: Path | None = None):
        """Open (or create) the database, checked: a damaged file is moved aside (renamed beside it, never
        deleted) and a new one started; a folder or file that cannot be written (read-only, full) leaves
        the store answering without saving. Either way `problem` says so in one line for the chat."""
        self.path = Path(path) if path else data_dir() / DB_NAME
        self.problem: str | None = None
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            self._open_checked()
        except sqlite3.DatabaseError as err:  # not a database, or damaged past quick_check
            moved = self._move_aside()
            self.problem = (f"The chat history {self.path} was damaged ({_reason(err)}); it was moved to "
                            f"{moved.name} and a new history started.")
            try:
                self._open_checked()
            except (sqlite3.Error, OSError) as again:
                self.problem = f"Conversations cannot be saved: {self.path}: {_reason(again)}."
        except (sqlite3.Error, OSError) as err:
            self.problem = f"Conversations cannot be saved: {self.path}: {_reason(err)}."

    def _open_checked(self) -> None:
        with self._transaction() as db:
            db.executescript(_SCHEMA)
            verdict = db.execute("PRAGMA quick_check").fetchone()[0]
        if verdict != "ok":
            raise sqlite3.DatabaseError(f"quick_check: {verdict}")

    def _move_aside(self) -> Path:
        """Rename the damaged database (and its journal files) to `<name>.damaged-<time>`; returns it."""
        stamp = time.strftime("%Y%m%d-%H%M%S")
        target = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        n = 1
        while target.exists():
            target = self.path.with_name(f"{self.path.name}.damaged-{stamp}-{n}")
            n += 1
        for suffix in ("", "-wal", "-shm", "-journal"):
            side = Path(f"{self.path}{suffix}")
            if side.exists():
                os.replace(side, f"{target}{suffix}")
        return target

    def _connect(self) -> sqlite3.Connection:
        db = sqlite3.connect(self.path, timeout=10)
        db.execute("PRAGMA foreign_keys = ON")
        return db

    def _transaction(self) -> _Transaction:
        return _Transaction(self._connect())

    # -- writing -------------------------------------------------------------------------------------
    def add_turn(self, chat_id: str, turn: Turn) -> bool:
        """Append `turn` to chat `chat_id`, creating the chat (titled by its first question) if new.

        False, with `problem` saying why, when it cannot be saved (a full disk, a read-only file): the
        answer is still the caller's to show."""
        try:
            self._add_turn(chat_id, turn)
        except (sqlite3.Error, OSError) as err:
            self.problem = f"This answer could not be saved to {self.path} ({_reason(err)}); it is not in the history."
            return False
        return True

    def _add_turn(self, chat_id: str, turn: Turn) -> None:
        now = time.time()
        hashes = {}
        with self._transaction() as db:
            for policy, text in turn.texts.items():
                sha = hashlib.sha256(text.encode("utf-8")).hexdigest()
                db.execute("INSERT OR IGNORE INTO texts(sha256, body) VALUES (?, ?)", (sha, text))
                hashes[policy] = sha
            db.execute("INSERT OR IGNORE INTO chats(id, title, created, updated) VALUES (?, ?, ?, ?)",
                       (chat_id, _title(turn.question), now, now))
            db.execute("UPDATE chats SET updated = ? WHERE id = ?", (now, chat_id))
            position = db.execute("SELECT COALESCE(MAX(position), -1) + 1 FROM turns WHERE chat_id = ?",
                                  (chat_id,)).fetchone()[0]
            answer = json.dumps(answer_record(turn.answer), ensure_ascii=False) if turn.answer else None
            db.execute("INSERT INTO turns(id, chat_id, position, question, problem, answer, texts, details, created)"
                       " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                       (turn.id, chat_id, position, turn.question, turn.problem, answer, json.dumps(hashes),
                        json.dumps(turn.details), now))

    def delete_chat(self, chat_id: str) -> None:
        """Remove a chat and its turns (policy texts no other turn uses are removed too)."""
        with self._transaction() as db:
            db.execute("DELETE FROM chats WHERE id = ?", (chat_id,))
            used = {sha for (texts,) in db.execute("SELECT texts FROM turns") for sha in json.loads(texts).values()}
            for (sha,) in db.execute("SELECT sha256 FROM texts").fetchall():
                if sha not in used:
                    db.execute("DELETE FROM texts WHERE sha256 = ?", (sha,))

    # -- reading -------------------------------------------------------------------------------------
    def chats(self, limit: int = 30) -> list[ChatSummary]:
        """The most recently updated chats first."""
        try:
            with self._transaction() as db:
                rows = db.execute("SELECT c.id, c.title, c.updated, COUNT(t.id) FROM chats c "
                                  "LEFT JOIN turns t ON t.chat_id = c.id GROUP BY c.id "
                                  "ORDER BY c.updated DESC LIMIT ?", (limit,)).fetchall()
        except (sqlite3.Error, OSError) as err:
            self.problem = self.problem or f"The chat history {self.path} cannot be read ({_reason(err)})."
            return []
        return [ChatSummary(*row) for row in rows]

    def chat_of_turn(self, turn_id: str) -> str | None:
        """The chat a turn belongs to (for a permalink that names only the turn)."""
        try:
            with self._transaction() as db:
                row = db.execute("SELECT chat_id FROM turns WHERE id = ?", (turn_id,)).fetchone()
        except (sqlite3.Error, OSError) as err:
            self.problem = self.problem or f"The chat history {self.path} cannot be read ({_reason(err)})."
            return None
        return row[0] if row else None

    def turns(self, chat_id: str) -> list[Turn]:
        """The turns of chat `chat_id`, oldest first ([] for an unknown chat).

        An answer that cannot be read back (saved by an incompatible version) becomes a turn with a
        `problem` saying so, rather than failing the whole conversation.
        """
        try:
            with self._transaction() as db:
                rows = db.execute("SELECT id, question, problem, answer, texts, details FROM turns "
                                  "WHERE chat_id = ? ORDER BY position", (chat_id,)).fetchall()
                hashes = {sha for row in rows for sha in json.loads(row[4]).values()}
                marks = ",".join("?" * len(hashes))
                bodies = dict(db.execute(f"SELECT sha256, body FROM texts WHERE sha256 IN ({marks})",
                                         tuple(hashes)).fetchall()) if hashes else {}
        except (sqlite3.Error, OSError, ValueError) as err:  # ValueError: a damaged JSON column
            self.problem = self.problem or f"The chat history {self.path} cannot be read ({_reason(err)})."
            return []
        turns = []
        for turn_id, question, problem, answer_json, texts, details in rows:
            turn = Turn(question=question, id=turn_id, problem=problem, details=json.loads(details),
                        texts={p: bodies[sha] for p, sha in json.loads(texts).items() if sha in bodies})
            if answer_json:
                try:
                    turn.answer = answer_from_record(json.loads(answer_json))
                except ValueError:
                    turn.problem = "This answer was saved by another version of policyqa; ask again to see it."
            turns.append(turn)
        return turns


class _Transaction:
    """`with` a connection: commit on success, roll back on error, close either way."""

    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> sqlite3.Connection:
        return self.db

    def __exit__(self, exc_type, *exc) -> None:
        try:
            if exc_type is None:
                self.db.commit()
            else:
                self.db.rollback()
        finally:
            self.db.close()


def _reason(err: BaseException) -> str:
    return " ".join(str(err).split()) or type(err).__name__


# Bidirectional controls (U+202E reverses what follows, the rest of the sidebar line included) and other
# format and control characters have no place in a chat's title.
_TITLE_DROPPED = dict.fromkeys([*range(0x00, 0x20), *range(0x7F, 0xA0), 0x061C, 0x200E, 0x200F,
                                *range(0x202A, 0x202F), *range(0x2066, 0x206A)], " ")


def _title(question: str) -> str:
    """The chat's title in the sidebar: its first question on one line, without bidi or control characters."""
    words = " ".join(question.translate(_TITLE_DROPPED).split())
    return words if len(words) <= TITLE_CHARS else words[:TITLE_CHARS - 1].rstrip() + "…"

"""The privacy-practice grid: every topic asked of every policy, each cell a cited quote or "not stated".

Every cell is `engine.answer(topic.question, policies=[policy_id])`, the product's one answer path, so the
grid answers exactly as the chat does and improves with it. The rows are `qa.compare.topics`, a cell is
made from an answer by `qa.compare.cells`, and cells are kept between runs by `qa.compare.cache`. Quote
offsets are character positions into the policy text, as everywhere in `qa`.
"""

from __future__ import annotations

import csv
import io
import os
import re
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from qa.compare.cache import (
    CACHE_FORMAT,
    answer_path_version,
    column_key,
    index_config,
    now,
    read_cache,
    usable_columns,
    write_cache,
)
from qa.compare.cells import NOT_STATED, STATUS_LABEL, Cell, cell_from_answer, decided_as, evidence_test
from qa.compare.topics import Topic, load_topics
from qa.errors import QueryError


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
    # An opened engine answers with its own reranker (`eval --compare --reranker`): the cache keys on it.
    reranker = getattr(engine, "reranker", None)
    version = answer_path_version(getattr(reranker, "folder", "default") if reranker is not None else None) \
        if engine is not None else answer_path_version()
    cache = read_cache(index_folder)
    columns = usable_columns(cache, config, version)
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
            cell = grid.cells[(topic.id, pid)] = answer_cell(engine, topic, ways[topic.id], pid, known[pid][0])
            column["cells"][topic.key] = cell.to_cache()
            grid.computed += 1
        if grid.computed > computed_before and columns:
            grid.changes += _column_changes(grid, pid, prior, key)
    if grid.computed:
        # Columns of other policies still in the index are kept (a filtered grid must not evict them).
        kept = {pid: col for pid, col in columns.items() if pid in known and pid not in fresh}
        data = {"format": CACHE_FORMAT, "answer_path": version, "config": config, "columns": {**kept, **fresh}}
        if grid.changes:
            data["changes"] = {"at": now(), "lines": grid.changes}
        elif columns and cache is not None and isinstance(cache.get("changes"), dict):
            data["changes"] = cache["changes"]
        try:
            write_cache(index_folder, data)
        except OSError as err:  # a read-only index still answers; it only cannot remember
            print(f"policyqa: warning: compare cache not written: {err}", file=sys.stderr)
    grid.seconds = time.perf_counter() - started
    return grid


def answered_grid(engine, topics: Sequence[Topic], policies: Sequence[PolicyColumn]) -> Grid:
    """`topics` x `policies` answered now by `engine`, as `build_grid` answers a cell, and never cached: for
    topics typed on the Compare page (the cache keeps a column's cells for every topic it was asked, and
    would grow with each one typed)."""
    started = time.perf_counter()
    grid = Grid(list(topics), list(policies), {})
    for topic in topics:
        way = decided_as(engine, topic)
        for policy in policies:
            grid.cells[(topic.id, policy.id)] = answer_cell(engine, topic, way, policy.id, policy.name)
            grid.computed += 1
    grid.seconds = time.perf_counter() - started
    return grid


def answer_cell(engine, topic: Topic, way: tuple[str | None, Topic], policy_id: str, name: str) -> Cell:
    """One cell: `topic`'s question asked of the policy as `way` (from `decided_as`) says."""
    practice, guard = way
    answer = engine.answer(topic.question, policies=[policy_id], practice=practice,
                           accepts=evidence_test(guard, name))
    return cell_from_answer(topic, policy_id, answer)


def joined(first: Grid, second: Grid) -> Grid:
    """`first`'s topics then `second`'s, over `first`'s policies (`second` has at least those)."""
    return Grid([*first.topics, *second.topics], first.policies, {**first.cells, **second.cells},
                first.computed + second.computed, first.cached + second.cached, first.seconds + second.seconds,
                first.changes)


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


def _open_engine(index_folder):
    from qa.search.engine import Engine

    return Engine.open(index_folder)

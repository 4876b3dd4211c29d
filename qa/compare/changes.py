"""What changed when a policy was indexed again: per topic, the cells whose verdict or quote changed, the
old quote beside the new ("Retention: was 'we keep … 2 years', now 'we keep … 5 years'").

The report compares the compare grid's cache before a build with the cache after it (`qa.compare.cache`
keeps one column of cells per policy, keyed by the policy file's hash and name): only columns whose key
changed are read, so a policy that did not change reports nothing, and a new policy is the grid's own
"new policy" line. It is saved beside the grid's cache (`compare-changes.json`) for `policyqa compare
--changes`. Quote texts are compared, not offsets: text added above a sentence moves it without changing it.
"""

from __future__ import annotations

import json
import os
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from qa.compare.cache import answer_path_version, index_config, now, read_cache, usable_columns, write_cache
from qa.compare.grid import build_grid
from qa.compare.topics import load_topics

CHANGES_FILE = "compare-changes.json"
QUOTE_CHARS = 120  # how much of a quote a change line shows


@dataclass(frozen=True)
class CellChange:
    """One cell of one policy whose answer changed: status, verdict and quoted sentences, before and after."""

    policy: str
    name: str
    topic: str
    label: str
    was_status: str
    now_status: str
    was_verdict: str
    now_verdict: str
    was: tuple[str, ...]  # the quoted sentences, verbatim
    now: tuple[str, ...]

    def line(self, separator: str = " · ") -> str:
        """"Parler · Retention: was 'we keep … 2 years', now 'we keep … 5 years'"."""
        return f"{self.name}{separator}{self.label}: was {_shown(self.was, self.was_verdict)}, " \
               f"now {_shown(self.now, self.now_verdict)}"

    def to_dict(self) -> dict:
        return {"policy": self.policy, "name": self.name, "topic": self.topic, "label": self.label,
                "was": {"status": self.was_status, "verdict": self.was_verdict, "quotes": list(self.was)},
                "now": {"status": self.now_status, "verdict": self.now_verdict, "quotes": list(self.now)}}


def _shown(quotes: tuple[str, ...], verdict: str) -> str:
    if not quotes:
        return "not stated"
    text = " ".join(" ".join(quotes).split())
    if len(text) > QUOTE_CHARS:
        half = QUOTE_CHARS // 2 - 1
        text = f"{text[:half].rstrip()} … {text[-half:].lstrip()}"
    return f"'{text}'" + (f" ({verdict})" if verdict in ("yes", "no") else "")


def _cell_view(data: dict) -> tuple[str, str, tuple[str, ...]]:
    status = str(data.get("status", ""))
    return status, str(data.get("verdict") or status), tuple(str(q["text"]) for q in data.get("quotes", ()))


def diff_caches(before: dict | None, after: dict | None, topics) -> list[CellChange]:
    """The cells of every policy whose column changed between two grid caches (`read_cache` dicts), in
    the after-cache's policy order then topic order, whose status, verdict or quoted sentences differ."""
    if not before or not after:
        return []
    old_columns, new_columns = before.get("columns") or {}, after.get("columns") or {}
    changes = []
    for pid, column in new_columns.items():
        old = old_columns.get(pid)
        if not isinstance(old, dict) or not isinstance(column, dict) or old.get("key") == column.get("key"):
            continue
        for topic in topics:
            was_data, now_data = (old.get("cells") or {}).get(topic.key), (column.get("cells") or {}).get(topic.key)
            if not isinstance(was_data, dict) or not isinstance(now_data, dict):
                continue
            try:
                was, now = _cell_view(was_data), _cell_view(now_data)
            except (KeyError, TypeError):
                continue
            if was != now:
                changes.append(CellChange(pid, str(column.get("name", pid)), topic.id, topic.label,
                                          was[0], now[0], was[1], now[1], was[2], now[2]))
    return changes


def record_changes(index_folder: str | os.PathLike, previous: dict | None, grid) -> list[str]:
    """Save what changed between `previous` (the grid cache before a build) and the cache `grid` left,
    whenever the grid answered cells again (an empty report when no cell changed); returns `grid.changes`
    (the lines the build prints)."""
    from qa.files import atomic_write

    after = read_cache(index_folder)
    changes = diff_caches(previous, after, grid.topics)
    if previous and grid.computed:  # cells were answered again: this build's report replaces the last one
        report = {"at": now(), "changes": [c.to_dict() for c in changes], "lines": [c.line() for c in changes]}
        try:
            atomic_write(Path(index_folder) / CHANGES_FILE, json.dumps(report, ensure_ascii=False, indent=1) + "\n")
        except OSError:
            pass  # a read-only index folder: the build's own lines still say what changed
    return grid.changes


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
        if previous is None or not usable_columns(previous, index_config(manifest), answer_path_version()):
            return []
        if read_cache(index_folder) is None:  # the build replaced the folder: carry the old cells over
            write_cache(index_folder, previous)
        grid = build_grid(index_folder, load_topics(), engine_factory=engine_factory)
        return record_changes(index_folder, previous, grid)  # old quote beside new
    except (IndexUnavailable, ModelLoadError, OSError) as err:  # the index is built; only the grid is late
        print(f"policyqa: warning: compare grid not updated ({err}); it is made on first request", file=sys.stderr)
        return []


def change_from_dict(data: dict) -> CellChange:
    """A CellChange from its `to_dict` form (the saved report)."""
    return CellChange(data["policy"], data["name"], data["topic"], data["label"], data["was"]["status"],
                      data["now"]["status"], data["was"]["verdict"], data["now"]["verdict"],
                      tuple(data["was"]["quotes"]), tuple(data["now"]["quotes"]))


def last_change_report(index_folder: str | os.PathLike) -> dict | None:
    """The last saved change report {"at", "changes": [...], "lines": [...]}, or None if there is none."""
    try:
        data = json.loads((Path(index_folder) / CHANGES_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return data if isinstance(data, dict) and isinstance(data.get("changes"), list) else None

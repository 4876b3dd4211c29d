"""Whether the policy files changed since the index was built: one check for `index status`, `ask` and the chat.

A file is compared with the sha256 the build recorded in the manifest, but hashed only when its stat
says it may have changed: a file last modified before the build started (with a margin for coarse file
system clocks) is the file the build read. A hash is kept per (path, size, modification time), so the
chat, which checks before every answer, hashes a changed file once. A file put back with an older
modification time than the build (`cp -p`, `tar -x`) is not hashed, so it is not reported.
"""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path

UP_TO_DATE, CHANGED, MISSING = "up to date", "changed since build", "file missing"
MTIME_MARGIN_NS = 2_000_000_000  # file systems that keep whole seconds (or two, FAT) and clock skew

_hashes: dict[tuple[str, int, int], str | None] = {}


def policy_files_by_id(folder: Path) -> dict[str, Path]:
    """The file of each policy id (case-folded) in `folder`, chosen as the build chooses (first by name)."""
    from qa.ingest.policies import policy_files

    files: dict[str, Path] = {}
    for path in policy_files(folder) if folder.is_dir() else []:
        files.setdefault(path.stem.casefold(), path)
    return files


def build_started_ns(manifest: dict) -> int | None:
    """When the build that wrote `manifest` started, in ns since the epoch (None when it does not say)."""
    try:
        ended = datetime.fromisoformat(str(manifest["built_at"])).timestamp()
        return int((ended - float(manifest["build_seconds"])) * 1e9)
    except (KeyError, TypeError, ValueError):
        return None


def _sha256(path: Path, stat: os.stat_result) -> str | None:
    from qa.ingest.policies import file_sha256

    key = (str(path), stat.st_size, stat.st_mtime_ns)
    if key not in _hashes:
        try:
            _hashes[key] = file_sha256(path)
        except OSError:
            _hashes[key] = None
    return _hashes[key]


def policy_file_states(manifest: dict, folder: Path) -> dict[str, str]:
    """Each indexed policy's file in `folder`: UP_TO_DATE, CHANGED or MISSING, by policy id (manifest order)."""
    on_disk = policy_files_by_id(folder)
    started = build_started_ns(manifest)
    states = {}
    for policy_id, info in manifest["policies"].items():
        path = on_disk.get(policy_id.casefold())
        try:
            stat = path.stat() if path is not None else None
        except OSError:
            stat = None
        if path is None or stat is None:
            states[policy_id] = MISSING
        elif started is not None and stat.st_mtime_ns < started - MTIME_MARGIN_NS:
            states[policy_id] = UP_TO_DATE  # untouched since before the build read it
        else:
            states[policy_id] = UP_TO_DATE if _sha256(path, stat) == info.get("sha256") else CHANGED
    return states


def changed_since_build(manifest: dict, folder: Path) -> list[str]:
    """Ids of the indexed policies whose file changed since the build (a missing file is not "changed")."""
    return [pid for pid, state in policy_file_states(manifest, folder).items() if state == CHANGED]

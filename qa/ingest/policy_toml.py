"""Writing one policy's display name and aliases into `policies.toml`, leaving the rest of the file as it is.

`tomllib` only reads, so an entry is written as text: the policy's table is replaced in place (or
appended), every other line, comment included, is kept, and the result is parsed before it replaces the
file (atomically), so a write can never leave a metadata file the index build would refuse.
"""

from __future__ import annotations

import json
import re
import tomllib
from collections.abc import Sequence
from pathlib import Path

from qa.files import atomic_write
from qa.ingest.policies import METADATA_FILE

_TABLE = re.compile(r'^\s*\[\s*(?:"((?:[^"\\]|\\.)*)"|([A-Za-z0-9_-]+))\s*\]\s*(?:#.*)?$')
_ANY_TABLE = re.compile(r"^\s*\[")


def _toml_string(value: str) -> str:
    # A JSON string is a valid TOML basic string (the same escapes; JSON never writes "\/").
    return json.dumps(value, ensure_ascii=False)


def _table_key(policy_id: str) -> str:
    # A bare key with a dot would be a nested table ("acme.v2"), so anything but [A-Za-z0-9_-] is quoted.
    return policy_id if re.fullmatch(r"[A-Za-z0-9_-]+", policy_id) else _toml_string(policy_id)


def entry_text(policy_id: str, name: str, aliases: Sequence[str]) -> str:
    """The TOML table for one policy."""
    listed = ", ".join(_toml_string(a) for a in aliases)
    return f"[{_table_key(policy_id)}]\nname = {_toml_string(name)}\naliases = [{listed}]\n"


def write_policy_entry(folder: Path, policy_id: str, name: str, aliases: Sequence[str]) -> Path:
    """Set `policy_id`'s name and aliases in `folder/policies.toml` (created if missing); returns its path.

    Raises ValueError for an empty name, or when the existing file is not valid TOML (rewriting it would
    hide the problem); the file is then left as it was.
    """
    name = " ".join(str(name).split())
    if not name:
        raise ValueError("the display name is empty")
    aliases = [a for a in dict.fromkeys(" ".join(str(a).split()) for a in aliases) if a and a != name]
    path = Path(folder) / METADATA_FILE
    old = path.read_text(encoding="utf-8") if path.is_file() else ""
    if old:
        try:
            tomllib.loads(old)
        except tomllib.TOMLDecodeError as err:
            raise ValueError(f"{path} is not valid TOML ({err}); fix it first") from err
    lines = old.splitlines(keepends=True)
    start = next((i for i, line in enumerate(lines) if _is_table(line, policy_id)), None)
    entry = entry_text(policy_id, name, aliases)
    if start is None:
        new = old + ("\n" if old and not old.endswith("\n") else "") + ("\n" if old.strip() else "") + entry
    else:
        end = next((i for i in range(start + 1, len(lines)) if _ANY_TABLE.match(lines[i])), len(lines))
        # Blank lines and comments just before the next table belong to it, not to this entry.
        while end - 1 > start and (not lines[end - 1].strip() or lines[end - 1].lstrip().startswith("#")):
            end -= 1
        new = "".join(lines[:start]) + entry + "".join(lines[end:])
    parsed = tomllib.loads(new)  # never write what the build could not read
    if parsed.get(policy_id, {}).get("name") != name:
        raise ValueError(f"could not write the entry of {policy_id} into {path}")
    atomic_write(path, new, suffix=".part")
    return path


def _is_table(line: str, policy_id: str) -> bool:
    match = _TABLE.match(line)
    if not match:
        return False
    quoted, bare = match.groups()
    return (bare or json.loads(f'"{quoted}"')) == policy_id

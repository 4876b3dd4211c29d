"""The grid's cache: `compare.json` in the index folder, and the fingerprint that says when it is stale.

Each column is filed under a key made of its policy's file hash and name, and the whole file under the
index's model and settings and `answer_path_version()`; a cell is recomputed only when one of those
changed. For a PostgreSQL store the file lives in a folder of the local cache (`store_cache_folder`).
"""

from __future__ import annotations

import hashlib
import json
import os
from datetime import UTC
from pathlib import Path

from qa.compare.topics import short_hash

CACHE_FILE = "compare.json"
CACHE_FORMAT = 1
# Bump when the way a cell is made from an Answer changes. The answer path's own code is fingerprinted
# as well (every module of ANSWER_PATH_PACKAGES and the files of ANSWER_PATH_FILES, found by walking them,
# so a new module on the answer path cannot be forgotten), and so are the reranker and practice model the
# engine would load: an improvement of retrieval or of the decision invalidates the cache without a bump.
ANSWER_PATH_VERSION = "3"  # 2: evidence words decide a cell (cell_from_answer); 3: the practice model, verdicts
ANSWER_PATH_PACKAGES = ("search", "embed", "index", "ingest")  # under qa/, every .py file, pg/ included
# The grid and every qa.compare module it imports (the test of the fingerprint walks its imports to check).
ANSWER_PATH_FILES = ("config.py", "files.py", "types.py", "compare/grid.py", "compare/topics.py", "compare/cells.py",
                     "compare/cache.py", "compare/topics.jsonl")


def answer_path_version(reranker: Path | None | str = "default") -> str:
    """ANSWER_PATH_VERSION plus a fingerprint of the answer path's source and of the models it loads: what
    cached cells depend on. Read as files (no import), so a grid served from the cache loads nothing.
    `reranker`: the folder of the reranker an opened engine uses (None: it uses none); by default the one
    an engine would load ($POLICYQA_RERANKER or the shipped one)."""
    root = Path(__file__).resolve().parent.parent  # the qa package
    digest = hashlib.sha256(ANSWER_PATH_VERSION.encode())
    for path in answer_path_files():
        if path.is_file():
            digest.update(f"{path.relative_to(root).as_posix()}\0".encode() + path.read_bytes())
    digest.update(_reranker_identity(reranker).encode())
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


def _reranker_identity(folder: Path | None | str = "default") -> str:
    """Which reranker answers (its folder and settings file), "" when none is in use: `folder`, else the
    one the engine would load, found without loading it, so a grid served from the cache loads no model.
    """
    if folder == "default":
        try:
            from qa.search.reranker import reranker_folder
        except ImportError:
            return ""
        try:
            folder = reranker_folder()
        except Exception:  # noqa: BLE001 - a bad setting fails when the engine opens, with its own message
            return "unresolved"
    folder = Path(folder) if isinstance(folder, str) else folder
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
    return short_hash(f"{sha256}\0{name}")


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


def usable_columns(cache: dict | None, config: dict, version: str) -> dict:
    """The cached columns by policy id, or {} when the cache was made by another model, settings or answer path."""
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


def last_changes(index_folder: str | os.PathLike) -> tuple[str, list[str]] | None:
    """(when, lines) of the last grid update that answered changed policies again; None if there was none."""
    cache = read_cache(index_folder)
    changes = cache.get("changes") if cache else None
    if not isinstance(changes, dict) or not isinstance(changes.get("lines"), list):
        return None
    return str(changes.get("at", "")), [str(line) for line in changes["lines"]]


def now() -> str:
    """This moment in UTC, to the second (when a change report was made)."""
    from datetime import datetime

    return datetime.now(UTC).isoformat(timespec="seconds")

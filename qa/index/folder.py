"""The folder backend for `qa.index.open`: an index folder (`qa.index.store`) read by the folder scorer.

Every function takes the location as the factory passes it (a folder path) and behaves as the folder code
it calls; see `qa.index.open` for what each means.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections.abc import Callable
from pathlib import Path
from typing import Any

from qa.index.base import OpenedIndex


def open_reader(location: str | os.PathLike, model: str | None = None) -> OpenedIndex:
    """The folder's current index (`load_index`; `model` must match the index's) and its `Scorer`."""
    from qa.index.store import load_index
    from qa.search.retrieval import Scorer

    index = load_index(Path(location), model=model)
    return OpenedIndex(index, lambda embedder: Scorer(index, embedder), freeze=True)


def manifest(location: str | os.PathLike) -> dict[str, Any]:
    """The current index's manifest, read without loading the index."""
    from qa.index.store import read_manifest

    return read_manifest(Path(location))


def signature(location: str | os.PathLike) -> str:
    """A hash of the manifest (about a millisecond): a rebuild writes a new one."""
    return hashlib.sha256(json.dumps(manifest(location), sort_keys=True, default=str).encode()).hexdigest()[:16]


def build(location: str | os.PathLike, policies_dir: Path, settings, embedder_factory: Callable[[], Any], *,
          full: bool = False, max_bytes: int | None = None, progress=None):
    """Build (or bring up to date) the index folder from `policies_dir` (`qa.index.build.build_index`)."""
    from qa.index.build import build_index
    from qa.ingest.formats import DEFAULT_MAX_BYTES

    return build_index(policies_dir, Path(location), settings, embedder_factory, full=full,
                       max_bytes=DEFAULT_MAX_BYTES if max_bytes is None else max_bytes, progress=progress)

"""Opening an index wherever it is: the one module that knows every backend.

A location is an index folder (a path) or a URL whose scheme names a backend (`postgresql://...`). Shells
(the chat, the Compare page, the command line) resolve it with `locate` (flags, else $POLICYQA_STORE, else
the folder: `--index`, $POLICYQA_INDEX or `index/`) and open an engine on it with
`qa.search.engine.open_engine`, which reads it through `open_index`; they never import a backend. A backend
is one module offering `open_reader`, `manifest`, `signature` and `build` (see `qa.index.folder`, which
also holds the folder's scorer); a store that is built and published apart from its readers also offers
`status`, `publish` and `parse_shard` (`qa.index.pg.backend`). Adding one is a module plus its line in
BACKENDS. Backend modules are imported on first use, so `--help` never loads psycopg.
"""

from __future__ import annotations

import importlib
import os
from collections.abc import Callable
from pathlib import Path
from types import ModuleType
from typing import Any

from qa.config import ENV_STORE, index_dir
from qa.errors import StoreError
from qa.index.base import OpenedIndex
from qa.index.pg import SCHEMA  # the package is light: its modules load with the backend

__all__ = ["BACKENDS", "ENV_STORE", "SCHEMA", "Location", "backend_name", "index_manifest", "index_signature",
           "is_store", "locate", "open_index", "store_location", "store_status", "build_store",
           "publish_store", "parse_shard", "redact_url", "build_at"]

# URL scheme (or "folder" for a path) -> the backend's module.
BACKENDS = {
    "folder": "qa.index.folder",
    "postgresql": "qa.index.pg.backend",
    "postgres": "qa.index.pg.backend",
}

Location = str | os.PathLike


def backend_name(location: Location) -> str:
    """"folder" for a path, else the URL's scheme; StoreError for a scheme no backend reads."""
    text = os.fspath(location)
    if "://" not in text:
        return "folder"
    scheme = text.split("://", 1)[0].lower()
    if scheme not in BACKENDS:
        from qa.index.pg.store import redact_url

        raise StoreError(f"no index backend reads {scheme}:// (a folder, or one of "
                         f"{', '.join(s + '://' for s in BACKENDS if s != 'folder')}), got {redact_url(text)!r}")
    return scheme


def _backend(location: Location) -> ModuleType:
    return importlib.import_module(BACKENDS[backend_name(location)])


def is_store(location: Location) -> bool:
    """Whether `location` is a URL (an index in a server, built and published apart from its readers)."""
    return backend_name(location) != "folder"


def store_location(store: str | None = None, folder: str | os.PathLike | None = None) -> str | None:
    """The store URL chosen: `store` (a flag), else $POLICYQA_STORE unless a `folder` (--index) was given;
    None: the folder. StoreError for a value that is not a postgresql:// URL."""
    url = store or (None if folder else os.environ.get(ENV_STORE)) or None
    if url is not None and not url.startswith(("postgresql://", "postgres://")):
        from qa.index.pg.store import redact_url

        raise StoreError(f"--store must be a postgresql:// URL, got {redact_url(url)!r}")
    return url


def locate(store: str | None = None, folder: str | os.PathLike | None = None) -> Location:
    """The index to open: `store_location(store, folder)`, else the folder (`folder`, $POLICYQA_INDEX or
    `index/`)."""
    return store_location(store, folder) or index_dir(folder)


def open_index(location: Location, model: str | None = None, **options: Any) -> OpenedIndex:
    """The index at `location` and its scorer's maker. `model` (a model id) must match the index's.

    `options` go to the backend (the store's `schema`). Raises IndexUnavailable (one line, naming the
    rebuild) or StoreError.
    """
    return _backend(location).open_reader(location, model=model, **options)


def index_manifest(location: Location, **options: Any) -> dict[str, Any]:
    """The index's manifest (shaped as a folder's `manifest.json`), read without loading the model.
    IndexUnavailable (one line) when there is no index there."""
    return _backend(location).manifest(location, **options)


def index_signature(location: Location, **options: Any) -> str:
    """What identifies the index now at `location` (cheap): a reader that saw another one reopens."""
    return _backend(location).signature(location, **options)


def _store_backend(location: str) -> ModuleType:
    backend = _backend(location)
    if not hasattr(backend, "publish"):
        raise StoreError(f"{location} is not a store: a folder index is built and published by `index build`")
    return backend


def store_status(location: str, **options: Any) -> dict[str, Any]:
    """{"manifest": the published index's manifest or None, "building": builds in progress} of a store."""
    return _store_backend(location).status(location, **options)


def build_at(location: Location, policies_dir: Path, settings, embedder_factory: Callable[[], object] | None,
             **options: Any):
    """Build (or bring up to date) the index at `location` from `policies_dir`; a `qa.index.build.BuildReport`.
    `options`: `full`, `max_bytes`, and the backend's own (a store's: see `build_store`). BuildError when
    nothing can be indexed; the index already there keeps answering."""
    return _backend(location).build(location, policies_dir, settings, embedder_factory, **options)


def build_store(location: str, policies_dir: Path, settings, embedder_factory: Callable[[], object] | None,
                **options: Any):
    """Bring the store at `location` up to date with `policies_dir`; a `qa.index.build.BuildReport`.
    `options`: `schema`, `shard` (I, N), `full`, `publish`, `max_bytes`, `vectors_of` (a folder index whose
    vectors are copied; then `embedder_factory` may be None). BuildError when nothing can be indexed; the
    published index keeps answering."""
    return _store_backend(location).build(location, policies_dir, settings, embedder_factory, **options)


def publish_store(location: str, **options: Any) -> int:
    """Publish the store's newest complete build; its generation id. BuildError naming missing shards."""
    return _store_backend(location).publish(location, **options)


def redact_url(location: str) -> str:
    """`location` with any password it carries replaced, fit for messages and logs."""
    from qa.index.pg.store import redact_url as redact

    return redact(location)


def parse_shard(location: str, text: str) -> tuple[int, int]:
    """A store build's `--shard I/N` -> (I, N); ValueError naming the bad value."""
    return _store_backend(location).parse_shard(text)

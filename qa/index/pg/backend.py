"""The PostgreSQL backend for `qa.index.open`: a postgresql:// URL read by `PgIndex` and `PgScorer`.

Every function takes the URL and the schema (default `qa.index.pg.SCHEMA`); see `qa.index.open` for what
each means. Readers share one pooled store per URL and schema (`shared_store`); builds open their own.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

from qa.index.base import OpenedIndex
from qa.index.pg import SCHEMA
from qa.index.pg.store import shared_store, store_signature


def open_reader(location: str, model: str | None = None, schema: str = SCHEMA) -> OpenedIndex:
    """The store's published generation (`model` must match its model) and its `PgScorer`."""
    from qa.index.pg.reader import open_published
    from qa.index.pg.scorer import PgScorer

    index = open_published(shared_store(location, schema), model=model)
    return OpenedIndex(index, lambda embedder: PgScorer(index, embedder))


def manifest(location: str, schema: str = SCHEMA) -> dict[str, Any]:
    """The published generation's manifest, read without loading the model (this reader holds no lease)."""
    from qa.index.pg.reader import open_published
    from qa.index.pg.store import PgStore

    with PgStore(location, schema) as store:
        index = open_published(store)
        index.release()
        return index.manifest


def signature(location: str, schema: str = SCHEMA) -> str:
    """The store and its published generation: one small query."""
    return store_signature(location, schema)


def status(location: str, schema: str = SCHEMA) -> dict[str, Any]:
    """{"manifest": the published generation's manifest or None, "building": the builds in progress}."""
    from qa.index.pg.build import store_status
    from qa.index.pg.store import PgStore

    with PgStore(location, schema) as store:
        return store_status(store)


def build(location: str, policies_dir: Path, settings, embedder_factory: Callable[[], object] | None, *,
          schema: str = SCHEMA, shard: tuple[int, int] = (0, 1), full: bool = False, publish: bool = True,
          max_bytes: int | None = None, vectors_of: Path | None = None):
    """Bring the store up to date with `policies_dir` (`qa.index.pg.build.build_store`); a BuildReport.

    `vectors_of`: a folder index built from the same policies and settings whose vectors are copied
    instead of embedding again (`FolderVectors`), so the store holds exactly the folder's vectors.
    """
    from qa.index.pg.build import FolderVectors, build_store
    from qa.index.pg.store import PgStore

    if vectors_of is not None:
        folder = vectors_of
        embedder_factory = lambda: FolderVectors(folder, settings)  # noqa: E731
    if embedder_factory is None:
        raise ValueError("build needs an embedder_factory or vectors_of")
    with PgStore(location, schema) as store:
        return build_store(store, policies_dir, settings, embedder_factory, shard=shard, full=full,
                           publish=publish, max_bytes=max_bytes)


def publish(location: str, schema: str = SCHEMA) -> int:
    """Publish the newest complete generation; its id. BuildError naming the shards still missing."""
    from qa.index.pg.publish import publish_store
    from qa.index.pg.store import PgStore

    with PgStore(location, schema) as store:
        return publish_store(store)


def parse_shard(text: str) -> tuple[int, int]:
    """'I/N' -> (I, N), with 0 <= I < N; ValueError naming the bad value."""
    from qa.index.pg.build import parse_shard as parse

    return parse(text)

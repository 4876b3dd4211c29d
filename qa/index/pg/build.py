"""Building the store: the plan (which policy versions a generation holds), shards, and the build that
fills a generation policy by policy (`qa.index.pg.versions`) until its last shard publishes it
(`qa.index.pg.publish`); the store's status; see `qa.index.pg`."""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.embed.base import Embedder
from qa.index.pg.publish import finish_shard
from qa.index.pg.store import BUILD_STATEMENT_SECONDS, LOCK_NAMESPACE, PgStore, _safe_url
from qa.index.pg.versions import index_policy, record_version

MAX_SHARDS = 10_000


def shard_of(policy_id: str, shards: int) -> int:
    """The shard (0 .. shards-1) a policy id belongs to: a stable hash, the same on every machine."""
    return int.from_bytes(hashlib.sha256(policy_id.encode()).digest()[:8], "big") % shards


def parse_shard(text: str) -> tuple[int, int]:
    """'I/N' -> (I, N), with 0 <= I < N; ValueError naming the bad value."""
    try:
        index, count = (int(x) for x in text.split("/"))
    except ValueError:
        raise ValueError(f"--shard must be I/N (e.g. 0/4), got {text!r}") from None
    if count < 1 or not 0 <= index < count:
        raise ValueError(f"--shard I/N needs 0 <= I < N, got {text!r}")
    if count > MAX_SHARDS:  # the store keeps N and I as int4, and each shard is a worker
        raise ValueError(f"--shard I/N needs N <= {MAX_SHARDS:,}, got {text!r}")
    return index, count


@dataclass
class _Current:
    """What the current generation holds of each policy."""

    generation: int | None
    plan_key: str | None
    versions: dict[str, tuple[int, str]]  # policy id -> (version id, version key)


def _read_current(store: PgStore, conn) -> _Current:
    generation = store.current_generation(conn)
    if generation is None:
        return _Current(None, None, {})
    plan = conn.execute(store.q("SELECT plan_key FROM {s}.generations WHERE generation_id = %s"),
                        (generation,)).fetchone()[0]
    rows = conn.execute(store.q(
        "SELECT g.policy_id, g.version_id, p.version_key FROM {s}.generation_policies g "
        "JOIN {s}.policies p USING (policy_id, version_id) WHERE g.generation_id = %s"), (generation,)).fetchall()
    return _Current(generation, plan, {p: (v, k) for p, v, k in rows})


def build_store(store: PgStore, policies_dir: Path, settings, embedder_factory: Callable[[], object], *,
                shard: tuple[int, int] = (0, 1), full: bool = False, publish: bool = True,
                max_bytes: int | None = None, limits=None, max_passages: int | None = None,
                progress: Callable[[int, int], None] | None = None):
    """Build (or bring up to date) the store from the files in `policies_dir`; returns a `qa.index.build.BuildReport`.

    `shard=(I, N)` indexes only the policies whose id hashes to shard I of N; N workers on the same folder
    fill one generation, and the last to finish publishes it (unless `publish` is False: then
    `publish_store`). A policy whose file is unchanged keeps its stored version; a text embedded before
    (same model, same embedding text) keeps its vector. A rebuild that changes nothing writes nothing.
    Raises BuildLocked when another builder holds this shard, BuildError when nothing can be indexed; in
    every case the current generation keeps answering.
    """
    from qa.embed.base import requested_backend
    from qa.index.build import BuildError, BuildLocked, BuildReport
    from qa.index.pipeline import MAX_PASSAGES_PER_POLICY, plan_folder, version_key
    from qa.ingest.formats import DEFAULT_LIMITS, DEFAULT_MAX_BYTES, PolicyFileError

    started = time.perf_counter()
    store.set_statement_seconds(max(store.statement_seconds or 0, BUILD_STATEMENT_SECONDS))
    max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    limits = DEFAULT_LIMITS if limits is None else limits
    max_passages = MAX_PASSAGES_PER_POLICY if max_passages is None else max_passages
    index_no, shards = shard
    if full and shards > 1:
        raise BuildError("--full cannot be split into shards (each worker would start its own index); "
                         "run it as one worker")
    report = BuildReport()
    # Every worker plans the whole folder (hashing files is cheap next to embedding them), so all N
    # agree on one generation without talking to each other.
    folder = plan_folder(policies_dir, report.warnings)
    report.skipped, metadata = folder.skipped, folder.metadata
    backend = requested_backend()
    plan: dict[str, tuple[Path, str | None]] = {}
    for entry in folder.entries:
        if isinstance(entry, PolicyFileError):
            report.errors.append(entry)
        else:
            plan[entry.policy_id] = (entry.path, version_key(entry, settings, backend))
    plan_key = hashlib.sha256(json.dumps(
        [sorted((p, k) for p, (_, k) in plan.items()), sorted(e.path.name for e in report.errors),
         settings.to_dict(), os.urandom(8).hex() if full else ""]).encode()).hexdigest()

    with store.pool.connection() as lock_conn:
        if not lock_conn.execute("SELECT pg_try_advisory_lock(%s, %s)", (LOCK_NAMESPACE, index_no)).fetchone()[0]:
            raise BuildLocked(f"another index build is running on shard {index_no} of the store "
                              f"{_safe_url(store.url)}")
        try:
            _build_shard(store, policies_dir, settings, embedder_factory, plan, plan_key, metadata, index_no,
                         shards, full, publish, max_bytes, limits, max_passages, progress, report, started, backend)
        finally:
            lock_conn.execute("SELECT pg_advisory_unlock(%s, %s)", (LOCK_NAMESPACE, index_no))
    report.seconds = time.perf_counter() - started
    return report


def _build_shard(store, policies_dir, settings, embedder_factory, plan, plan_key, metadata, index_no, shards,
                 full, publish, max_bytes, limits, max_passages, progress, report, started, backend) -> None:
    from qa.index.pipeline import nothing_indexed
    from qa.ingest.formats import PolicyFileError

    meta = store.meta()
    current = _Current(None, None, {})
    if meta is not None:
        with store.pool.connection() as conn:
            current = _read_current(store, conn)
    mine = sorted(p for p in plan if shard_of(p, shards) == index_no)
    old_mine = {p: v for p, v in current.versions.items() if shard_of(p, shards) == index_no}
    if not full and current.plan_key == plan_key:  # the folder is as the current generation was built from
        report.unchanged = mine
        report.passages = _passages_of(store, current.generation)
        return
    if not full and shards == 1 and not report.errors and set(current.versions) == set(plan) and all(
            current.versions[p][1] == plan[p][1] for p in plan):
        report.unchanged = mine
        report.passages = _passages_of(store, current.generation)
        return
    embedder = None

    def get_embedder():
        nonlocal embedder, meta
        if embedder is None:
            embedder = embedder_factory()
            model = {"id": settings.model, "dimension": int(embedder.dimension),
                     "backend": getattr(embedder, "backend", None)}
            if meta is None or meta["id"] != model["id"] or meta.get("backend") != model["backend"]:
                store.ensure_schema(model)
                meta = model
        return embedder

    if meta is None or meta["id"] != settings.model or meta.get("backend") not in (None, backend):
        get_embedder()  # the tables take the model's dimension; the generation records the model
    generation = _open_generation(store, plan_key, shards, settings, meta)
    rejected = {e.path.stem for e in report.errors}
    todo: list[tuple[str, Path, str]] = []
    with store.pool.connection() as conn:
        for policy_id in mine:
            path, key = plan[policy_id]
            found = None if full else conn.execute(store.q(
                "SELECT version_id FROM {s}.policies WHERE policy_id = %s AND version_key = %s"),
                (policy_id, key)).fetchone()
            if found:
                record_version(store, conn, generation, policy_id, found[0])
                (report.unchanged if old_mine.get(policy_id, (None,))[0] == found[0] else
                 report.updated if policy_id in old_mine else report.added).append(policy_id)
            else:
                todo.append((policy_id, path, key))
    for policy_id, path, key in todo:
        try:
            index_policy(store, generation, path, key, metadata, settings, get_embedder, max_bytes, limits,
                         max_passages, report, progress)
        except PolicyFileError as err:
            report.errors.append(err)
            rejected.add(policy_id)
            continue
        (report.updated if policy_id in old_mine else report.added).append(policy_id)
    for policy_id, (version, _) in sorted(old_mine.items()):
        if policy_id in plan and policy_id not in rejected:
            continue
        if policy_id in rejected:  # a file that went bad keeps its last good version
            with store.pool.connection() as conn:
                record_version(store, conn, generation, policy_id, version)
            report.kept_previous.append(policy_id)
        else:
            report.removed.append(policy_id)
    with store.pool.connection() as conn:
        held = dict(conn.execute(store.q(
            "SELECT policy_id, version_id FROM {s}.generation_policies WHERE generation_id = %s"), (generation,)))
        if shards == 1 and held and held == {p: v for p, (v, _) in current.versions.items()}:
            # Nothing changed but a bad file that keeps its previous version: publish nothing.
            conn.execute(store.q("DELETE FROM {s}.generations WHERE generation_id = %s"), (generation,))
            report.passages = _passages_of(store, current.generation)
            return
    if shards == 1 and not held:
        raise nothing_indexed(policies_dir, report.errors)
    published = finish_shard(store, generation, index_no, shards, publish, time.perf_counter() - started)
    report.passages = _passages_of(store, published) if published else 0


def _passages_of(store: PgStore, generation: int | None) -> int:
    if generation is None:
        return 0
    with store.pool.connection() as conn:
        row = conn.execute(store.q("SELECT passage_count FROM {s}.generations WHERE generation_id = %s"),
                           (generation,)).fetchone()
    return int(row[0] or 0) if row else 0


def _open_generation(store: PgStore, plan_key: str, shards: int, settings, model: dict) -> int:
    """The building generation of this plan (created, or the one a killed worker or a sibling shard began)."""
    with store.pool.connection() as conn, conn.transaction():
        row = conn.execute(store.q(
            "INSERT INTO {s}.generations (plan_key, shards, state, settings, model) "
            "VALUES (%s, %s, 'building', %s, %s) "
            "ON CONFLICT (plan_key, shards) WHERE state <> 'published' DO UPDATE SET plan_key = EXCLUDED.plan_key "
            "RETURNING generation_id"),
            (plan_key, shards, json.dumps(settings.to_dict()), json.dumps(model))).fetchone()
    return row[0]


def store_status(store: PgStore) -> dict:
    """The current generation's manifest plus the builds in progress: {"building": [{generation, shards, done}]}."""
    from qa.index.pg.reader import open_published
    from qa.index.store import IndexUnavailable

    try:
        index = open_published(store)
        index.release()  # read once: a status holds no generation
        manifest = index.manifest
    except IndexUnavailable:
        manifest = None
    building = []
    if store.meta() is not None:
        with store.pool.connection() as conn:
            for generation, shards, state, done in conn.execute(store.q(
                    "SELECT g.generation_id, g.shards, g.state, array_agg(s.shard ORDER BY s.shard) "
                    "FILTER (WHERE s.shard IS NOT NULL) FROM {s}.generations g LEFT JOIN {s}.generation_shards s "
                    "USING (generation_id) WHERE g.state <> 'published' GROUP BY g.generation_id "
                    "ORDER BY g.generation_id")):
                building.append({"generation": generation, "shards": shards, "state": state, "done": done or []})
    return {"manifest": manifest, "building": building}


class FolderVectors:
    """An embedder that answers with a folder index's vectors for the texts it embedded (same model, same
    embedding text), and embeds anything else with the model: a store built with it holds exactly the
    folder's vectors, so the two stores can be compared (eval, bench) without the int8 runtime's batch
    effect, and nothing is embedded twice."""

    def __init__(self, folder: Path, settings):
        from qa.index.build import _reusable_vectors
        from qa.index.store import load_index

        index = load_index(Path(folder))
        self.settings = settings
        self.vectors = _reusable_vectors(index, settings)
        self.dimension = index.manifest["model"]["dimension"]
        self.backend = index.manifest["model"].get("backend")
        self._model: Embedder | None = None

    def embed(self, texts, batch_size: int = 64) -> np.ndarray:
        from qa.index.pipeline import embedding_key

        keys = [embedding_key(self.settings.model, t) for t in texts]
        missing = [(k, t) for k, t in zip(keys, texts) if k not in self.vectors]
        if missing:
            from qa.embed.load import load_embedder

            self._model = self._model or load_embedder(self.settings.model, backend=self.backend)
            for (k, _), vector in zip(missing, self._model.embed([t for _, t in missing], batch_size=batch_size)):
                self.vectors[k] = vector
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)

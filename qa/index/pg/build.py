"""Building the store: versions per policy, generations switched in one transaction, shards (see `qa.index.pg`)."""

from __future__ import annotations

import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa.embed.base import Embedder
from qa.index.pg.reader import bm25_document, bm25_tokens
from qa.index.pg.store import (
    BUILD_STATEMENT_SECONDS,
    LEASE_SECONDS,
    LOCK_NAMESPACE,
    PUBLISH_LOCK,
    PgStore,
    _readers_ddl,
    _safe_url,
)

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


def _version_key(policy_id: str, sha: str, source: str, name: str, aliases: Sequence[str], settings, backend) -> str:
    """The identity of an indexed policy version: same file, names and settings give the same rows."""
    from qa.embed.base import VECTOR_RECIPE

    data = json.dumps([policy_id, sha, source, name, list(aliases), settings.to_dict(), backend, VECTOR_RECIPE])
    return hashlib.sha256(data.encode()).hexdigest()


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
    from qa.index.build import MAX_PASSAGES_PER_POLICY, BuildError, BuildLocked, BuildReport
    from qa.ingest.formats import DEFAULT_LIMITS, DEFAULT_MAX_BYTES, PolicyFileError
    from qa.ingest.policies import (
        check_aliases,
        file_sha256,
        policy_aliases,
        policy_candidates,
        policy_name,
        read_metadata,
        scan_folder,
    )

    started = time.perf_counter()
    store.set_statement_seconds(max(store.statement_seconds or 0, BUILD_STATEMENT_SECONDS))
    max_bytes = DEFAULT_MAX_BYTES if max_bytes is None else max_bytes
    limits = DEFAULT_LIMITS if limits is None else limits
    max_passages = MAX_PASSAGES_PER_POLICY if max_passages is None else max_passages
    index_no, shards = shard
    if full and shards > 1:
        raise BuildError("--full cannot be split into shards (each worker would start its own index); "
                         "run it as one worker")
    if not policies_dir.is_dir():
        raise BuildError(f"policies folder not found: {policies_dir}")
    report = BuildReport()
    try:
        metadata = read_metadata(policies_dir, report.warnings)
    except PolicyFileError as err:
        raise BuildError(str(err)) from None
    files, report.skipped = scan_folder(policies_dir)
    check_aliases(metadata, [p.stem for p in files], report.warnings)
    backend = requested_backend()
    # Every worker plans the whole folder (hashing files is cheap next to embedding them), so all N
    # agree on one generation without talking to each other.
    plan: dict[str, tuple[Path, str | None]] = {}
    for path in policy_candidates(files, report.errors):
        try:
            sha = file_sha256(path)
        except OSError as err:
            report.errors.append(PolicyFileError(path, f"cannot read file ({err.strerror or err})"))
            continue
        plan[path.stem] = (path, _version_key(path.stem, sha, path.name, policy_name(path.stem, metadata),
                                              policy_aliases(path.stem, metadata), settings, backend))
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
    from qa.index.build import BuildError
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
                _record(store, conn, generation, policy_id, found[0])
                (report.unchanged if old_mine.get(policy_id, (None,))[0] == found[0] else
                 report.updated if policy_id in old_mine else report.added).append(policy_id)
            else:
                todo.append((policy_id, path, key))
    for policy_id, path, key in todo:
        try:
            _index_policy(store, generation, path, key, metadata, settings, get_embedder, max_bytes, limits,
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
                _record(store, conn, generation, policy_id, version)
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
        reasons = "; ".join(str(e) for e in report.errors[:3]) or "no policy files"
        raise BuildError(f"no policy could be indexed from {policies_dir} ({reasons})")
    published = _finish_shard(store, generation, index_no, shards, publish, time.perf_counter() - started)
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


def _record(store: PgStore, conn, generation: int, policy_id: str, version: int) -> None:
    import psycopg

    from qa.index.build import BuildError

    try:
        conn.execute(store.q(
            "INSERT INTO {s}.generation_policies (generation_id, policy_id, version_id) VALUES (%s, %s, %s) "
            "ON CONFLICT (generation_id, policy_id) DO UPDATE SET version_id = EXCLUDED.version_id"),
            (generation, policy_id, version))
    except psycopg.errors.ForeignKeyViolation:
        raise BuildError("a newer build published meanwhile and removed this one's generation; run the "
                         "build again") from None


def _index_policy(store: PgStore, generation: int, path: Path, key: str, metadata: dict, settings, get_embedder,
                  max_bytes, limits, max_passages, report, progress) -> int:
    """Read, chunk and embed one policy file into a new version of `generation` (one transaction); returns
    its version id.

    Vectors this policy's earlier versions hold for the same embedding text are copied, not embedded.
    Raises PolicyFileError for a file that cannot be indexed.
    """
    from qa.index.build import (
        _embedding_key,
        embed_missing,
        embedding_text,
        passage_sentences,
        sentence_embedding_text,
    )
    from qa.ingest.chunking import chunk_policy
    from qa.ingest.formats import PolicyFileError
    from qa.ingest.policies import read_policy

    policy = read_policy(path, metadata, max_bytes, limits)
    refuse_unstorable(path, policy)
    chunks = chunk_policy(policy, settings.chunk_size, settings.chunk_overlap)
    if len(chunks) > max_passages:
        raise PolicyFileError(path, f"{len(chunks):,} passages, over the limit of {max_passages:,} per "
                                    "policy (it would take too long to embed); split the file")
    sentences = [(ord_, *span) for ord_, p in enumerate(chunks) for span in passage_sentences(policy, p)]
    texts = [embedding_text(policy, p, settings) for p in chunks]
    sentence_texts = [sentence_embedding_text(policy, chunks[o], (s, e), settings) for o, s, e in sentences]
    keys = [_embedding_key(settings.model, t) for t in texts]
    sentence_keys = [_embedding_key(settings.model, t) for t in sentence_texts]
    tokens = bm25_tokens([bm25_document(policy.name, p) for p in chunks])
    vectors = _stored_vectors(store, policy.id, list(set(keys + sentence_keys)))
    report.embedded += embed_missing(keys + sentence_keys, texts + sentence_texts, vectors, get_embedder, progress)
    return write_version(store, generation, policy, key, chunks, sentences, [vectors[k] for k in keys],
                         [vectors[k] for k in sentence_keys], keys, sentence_keys, tokens)


# What a PostgreSQL text (or jsonb) value cannot hold: NUL, and lone surrogates (not UTF-8). A policy is
# never reworded to fit, so a file whose text holds one is refused, in one line, and the others indexed.
_UNSTORABLE = re.compile("[\x00\ud800-\udfff]")


def refuse_unstorable(path: Path, policy) -> None:
    """Raise PolicyFileError naming the file and the first code point the store cannot hold, if any (in its
    text, name, aliases or headings)."""
    from qa.ingest.formats import PolicyFileError

    for what, value in (("text", policy.text), ("name", policy.name), *(("alias", a) for a in policy.aliases),
                        *(("heading", str(h[-1])) for h in policy.headings)):
        found = _UNSTORABLE.search(value)
        if found:
            raise PolicyFileError(path, f"its {what} holds U+{ord(found.group()):04X} at character "
                                        f"{found.start():,}, which PostgreSQL cannot store; remove it from the file")


def write_version(store: PgStore, generation: int, policy, key: str, passages: list, sentences: list,
                  passage_vectors, sentence_vectors, keys: list[str], sentence_keys: list[str],
                  tokens: list[list[str]]) -> int:
    """Store one policy version and put it in `generation`, in one transaction; returns its version id.

    `sentences` are (passage number, start, end); the vectors are rows in the order of `passages` and `sentences`;
    `keys` their embedding keys; `tokens` each passage's bm25s tokens. Rows go in by binary COPY.
    """
    postings: dict[str, tuple[list[int], list[int], list[int]]] = {}  # term -> passages, counts, lengths
    for ord_, doc in enumerate(tokens):
        counts: dict[str, int] = {}
        for term in doc:
            counts[term] = counts.get(term, 0) + 1
        for term, count in counts.items():
            ords, tfs, lengths = postings.setdefault(term, ([], [], []))
            ords.append(ord_)
            tfs.append(count)
            lengths.append(len(doc))
    with store.pool.connection() as conn, conn.transaction():
        version = conn.execute(store.q(
            "INSERT INTO {s}.policies (policy_id, version_key, name, aliases, source, sha256, headings, text, "
            "passage_count, sentence_count, token_count) VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, %s, %s) "
            "ON CONFLICT (policy_id, version_key) DO UPDATE SET name = EXCLUDED.name RETURNING version_id"),
            (policy.id, key, policy.name, list(policy.aliases), policy.source, policy.sha256,
             json.dumps([list(h) for h in policy.headings]), policy.text, len(passages), len(sentences),
             sum(len(t) for t in tokens))).fetchone()[0]
        for table in ("passages", "sentences", "terms"):  # a version a killed builder began is written again
            conn.execute(store.q(f"DELETE FROM {{s}}.{table} WHERE policy_id = %s AND version_id = %s"),
                         (policy.id, version))
        with conn.cursor() as cur:
            with cur.copy(store.q("COPY {s}.passages (policy_id, version_id, ord, passage_id, section, "
                                  "start_offset, end_offset, text, token_count, ekey, embedding) "
                                  "FROM STDIN (FORMAT BINARY)")) as copy:
                copy.set_types(["text", "int8", "int4", "text", "text", "int4", "int4", "text", "int4", "text",
                                "vector"])
                for i, p in enumerate(passages):
                    copy.write_row((policy.id, version, i, p.id, p.section, p.start, p.end, p.text, len(tokens[i]),
                                    keys[i], passage_vectors[i]))
            with cur.copy(store.q("COPY {s}.sentences (policy_id, version_id, ord, passage_ord, start_offset, "
                                  "end_offset, ekey, embedding) FROM STDIN (FORMAT BINARY)")) as copy:
                copy.set_types(["text", "int8", "int4", "int4", "int4", "int4", "text", "vector"])
                for i, (o, start, end) in enumerate(sentences):
                    copy.write_row((policy.id, version, i, o, start, end, sentence_keys[i], sentence_vectors[i]))
            with cur.copy(store.q("COPY {s}.terms (policy_id, version_id, term, df, ords, tfs, lengths, max_tf, "
                                  "min_ratio) FROM STDIN (FORMAT BINARY)")) as copy:
                copy.set_types(["text", "int8", "text", "int4", "int4[]", "int4[]", "int4[]", "int4", "float4"])
                for term, (ords, tfs, lengths) in sorted(postings.items()):
                    copy.write_row((policy.id, version, term, len(ords), ords, tfs, lengths, max(tfs),
                                    min(n / f for n, f in zip(lengths, tfs))))
        _record(store, conn, generation, policy.id, version)
    return version


def _stored_vectors(store: PgStore, policy_id: str, keys: list[str]) -> dict[str, np.ndarray]:
    """Vectors the policy's earlier versions hold for these embedding keys (model and text hashed together).

    Only the same policy's: the int8 runtime's vectors depend slightly on the other texts of their batch
    (cosine 0.99 to the same text embedded elsewhere), so a vector borrowed from another policy would
    depend on which worker embedded what first, and N workers would not build the same index as one.
    It also keeps the lookup on one policy's rows (one shard in Citus).
    """
    if not keys:
        return {}
    with store.pool.connection() as conn:
        rows = conn.execute(store.q(
            "SELECT DISTINCT ON (ekey) ekey, embedding FROM ("
            "SELECT ekey, embedding FROM {s}.passages WHERE policy_id = %(p)s AND ekey = ANY(%(k)s) UNION ALL "
            "SELECT ekey, embedding FROM {s}.sentences WHERE policy_id = %(p)s AND ekey = ANY(%(k)s)) x"),
            {"p": policy_id, "k": keys}).fetchall()
    return {k: v.to_numpy().astype(np.float32) for k, v in rows}


def _finish_shard(store: PgStore, generation: int, index_no: int, shards: int, publish: bool,
                  seconds: float) -> int | None:
    """Mark this shard done; the last shard publishes (when `publish`). Returns the generation if published."""
    with store.pool.connection() as conn, conn.transaction():
        conn.execute(store.q("SELECT 1 FROM {s}.generations WHERE generation_id = %s FOR UPDATE"), (generation,))
        conn.execute(store.q("INSERT INTO {s}.generation_shards (generation_id, shard) VALUES (%s, %s) "
                             "ON CONFLICT DO NOTHING"), (generation, index_no))
        conn.execute(store.q("UPDATE {s}.generations SET build_seconds = greatest(coalesce(build_seconds, 0), %s) "
                             "WHERE generation_id = %s"), (seconds, generation))
        done = conn.execute(store.q("SELECT count(*) FROM {s}.generation_shards WHERE generation_id = %s"),
                            (generation,)).fetchone()[0]
        if done < shards:
            return None
        conn.execute(store.q("UPDATE {s}.generations SET state = 'complete' WHERE generation_id = %s"), (generation,))
        if not publish:
            return None
        _publish(store, conn, generation)
    _collect_garbage(store)
    return generation


def publish_store(store: PgStore) -> int:
    """Publish the newest complete generation (every shard finished); returns its id.

    Raises BuildError naming the shards still missing when there is none.
    """
    from qa.index.build import BuildError

    store.set_statement_seconds(max(store.statement_seconds or 0, BUILD_STATEMENT_SECONDS))
    if store.meta() is None:
        raise BuildError(f"no index in the store {_safe_url(store.url)}: run `policyqa index build --store URL`")
    with store.pool.connection() as conn, conn.transaction():
        row = conn.execute(store.q(
            "SELECT generation_id FROM {s}.generations WHERE state = 'complete' ORDER BY generation_id DESC LIMIT 1 "
            "FOR UPDATE")).fetchone()
        if row is None:
            building = conn.execute(store.q(
                "SELECT g.generation_id, g.shards, "
                "array_agg(s.shard ORDER BY s.shard) FILTER (WHERE s.shard IS NOT NULL) "
                "FROM {s}.generations g LEFT JOIN {s}.generation_shards s USING (generation_id) "
                "WHERE g.state = 'building' GROUP BY g.generation_id ORDER BY g.generation_id DESC LIMIT 1")).fetchone()
            if building is None:
                raise BuildError("nothing to publish: every finished build is already published")
            missing = sorted(set(range(building[1])) - set(building[2] or []))
            raise BuildError(f"nothing to publish: generation {building[0]} still waits for shards "
                             f"{', '.join(f'{m}/{building[1]}' for m in missing)}")
        _publish(store, conn, row[0])
    _collect_garbage(store)
    return row[0]


def _publish(store: PgStore, conn, generation: int) -> None:
    """Number the generation's rows, total its BM25 statistics and switch `current` to it (the caller's
    transaction, so readers see all of it or none)."""
    conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, PUBLISH_LOCK))
    conn.execute(store.q(
        "UPDATE {s}.generation_policies g SET first_row = n.first_row FROM ("
        " SELECT gp.policy_id, coalesce(sum(p.passage_count) OVER (ORDER BY gp.policy_id "
        " ROWS BETWEEN UNBOUNDED PRECEDING AND 1 PRECEDING), 0) AS first_row"
        " FROM {s}.generation_policies gp JOIN {s}.policies p USING (policy_id, version_id)"
        " WHERE gp.generation_id = %(g)s) n WHERE g.generation_id = %(g)s AND g.policy_id = n.policy_id"),
        {"g": generation})
    previous = store.current_generation(conn)
    # Document frequencies: the previous generation's, plus the added versions', minus the removed ones',
    # so a build that changed a few policies does not count a million again. The BM25 bounds (largest tf,
    # least length / tf) take the added versions' in and keep the removed ones': a bound a removed
    # passage set stays a bound, only a looser one.
    versions = "SELECT policy_id, version_id FROM {s}.generation_policies WHERE generation_id = "
    conn.execute(store.q("DELETE FROM {s}.generation_terms WHERE generation_id = %(new)s"), {"new": generation})
    conn.execute(store.q(
        "INSERT INTO {s}.generation_terms (generation_id, term, df, max_tf, min_ratio) "
        "SELECT %(new)s, term, sum(df), max(max_tf), min(min_ratio) FROM ("
        " SELECT term, df, max_tf, min_ratio FROM {s}.generation_terms WHERE generation_id = %(old)s"
        " UNION ALL SELECT t.term, t.df, t.max_tf, t.min_ratio FROM {s}.terms t"
        f" JOIN ({versions}%(new)s EXCEPT {versions}%(old)s) v USING (policy_id, version_id)"
        " UNION ALL SELECT t.term, -t.df, NULL, NULL FROM {s}.terms t"
        f" JOIN ({versions}%(old)s EXCEPT {versions}%(new)s) v USING (policy_id, version_id)"
        ") d GROUP BY term HAVING sum(df) > 0"), {"new": generation, "old": -1 if previous is None else previous})
    write_postings(store, conn, generation)
    conn.execute(store.q(
        "UPDATE {s}.generations g SET state = 'published', published_at = now(), passage_count = t.passages, "
        "sentence_count = t.sentences, token_total = t.tokens FROM (SELECT coalesce(sum(p.passage_count), 0) "
        "AS passages, coalesce(sum(p.sentence_count), 0) AS sentences, coalesce(sum(p.token_count), 0) AS tokens "
        "FROM {s}.generation_policies gp JOIN {s}.policies p USING (policy_id, version_id) "
        "WHERE gp.generation_id = %(g)s) t WHERE g.generation_id = %(g)s"), {"g": generation})
    conn.execute(store.q("UPDATE {s}.current SET previous_generation_id = generation_id, generation_id = %s"),
                 (generation,))


def write_postings(store: PgStore, conn, generation: int) -> None:
    """The generation's postings token by token (`generation_postings`): each token's `terms` rows of the
    generation's versions, in row order, one row per token (its policies' first rows and posting counts,
    and their postings as `string_agg(array_send(...))`, as `qa.index.pg.reader.POSTINGS_SQL` reads them).
    Needs the generation's first rows; written in the publishing transaction, before `current` switches."""
    conn.execute(store.q("DELETE FROM {s}.generation_postings WHERE generation_id = %s"), (generation,))
    conn.execute(store.q(
        "INSERT INTO {s}.generation_postings (generation_id, term, first_rows, dfs, ords, tfs, lengths) "
        "SELECT %(g)s, t.term, array_agg(g.first_row ORDER BY g.first_row), array_agg(t.df ORDER BY g.first_row), "
        "string_agg(array_send(t.ords), ''::bytea ORDER BY g.first_row), "
        "string_agg(array_send(t.tfs), ''::bytea ORDER BY g.first_row), "
        "string_agg(array_send(t.lengths), ''::bytea ORDER BY g.first_row) "
        "FROM {s}.terms t JOIN {s}.generation_policies g USING (policy_id, version_id) "
        "WHERE g.generation_id = %(g)s GROUP BY t.term"), {"g": generation})


def _collect_garbage(store: PgStore) -> None:
    """Drop published generations older than the previous one that no reader holds a live lease on,
    building ones older than the current (superseded plans), and every policy version no generation
    holds. Readers of the current and the previous generation, and any reader whose lease is renewed
    (every question renews it), are never affected."""
    with store.pool.connection() as conn, conn.transaction():
        conn.execute("SELECT pg_advisory_xact_lock(%s, %s)", (LOCK_NAMESPACE, PUBLISH_LOCK))
        if conn.execute("SELECT to_regclass(%s)", (f"{store.schema}.readers",)).fetchone()[0] is None:
            conn.execute(_readers_ddl(store.schema))  # a store made before leases existed
        conn.execute(store.q("DELETE FROM {s}.readers WHERE renewed_at < now() - make_interval(secs => %s)"),
                     (LEASE_SECONDS,))
        current, previous = conn.execute(store.q(
            "SELECT generation_id, previous_generation_id FROM {s}.current")).fetchone()
        conn.execute(store.q("DELETE FROM {s}.generations WHERE generation_id < %s AND generation_id <> %s "
                             "AND generation_id NOT IN (SELECT generation_id FROM {s}.readers)"),
                     (current, -1 if previous is None else previous))
        # A builder writes a version and the row that puts it in its generation in one transaction, so
        # a version no generation holds is never one a build is still writing.
        conn.execute(store.q("DELETE FROM {s}.policies p WHERE NOT EXISTS (SELECT 1 FROM {s}.generation_policies g "
                             "WHERE g.policy_id = p.policy_id AND g.version_id = p.version_id)"))


def store_status(store: PgStore) -> dict:
    """The current generation's manifest plus the builds in progress: {"building": [{generation, shards, done}]}."""
    from qa.index.store import IndexUnavailable

    try:
        index = store.open_index()
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
        from qa.index.build import _embedding_key

        keys = [_embedding_key(self.settings.model, t) for t in texts]
        missing = [(k, t) for k, t in zip(keys, texts) if k not in self.vectors]
        if missing:
            from qa.embed.load import load_embedder

            self._model = self._model or load_embedder(self.settings.model, backend=self.backend)
            for (k, _), vector in zip(missing, self._model.embed([t for _, t in missing], batch_size=batch_size)):
                self.vectors[k] = vector
        return np.stack([self.vectors[k] for k in keys]).astype(np.float32)

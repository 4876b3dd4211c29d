"""Publishing a generation: the last shard to finish numbers its rows, totals its BM25 statistics and
switches `current` to it in one transaction; then generations and versions no one can read are collected
(see `qa.index.pg`)."""

from __future__ import annotations

from qa.index.pg.store import (
    BUILD_STATEMENT_SECONDS,
    LEASE_SECONDS,
    LOCK_NAMESPACE,
    PUBLISH_LOCK,
    PgStore,
    _readers_ddl,
    _safe_url,
)


def finish_shard(store: PgStore, generation: int, index_no: int, shards: int, publish: bool,
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
        publish_generation(store, conn, generation)
    collect_garbage(store)
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
        publish_generation(store, conn, row[0])
    collect_garbage(store)
    return row[0]


def publish_generation(store: PgStore, conn, generation: int) -> None:
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


def collect_garbage(store: PgStore) -> None:
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

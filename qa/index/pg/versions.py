"""One policy version in the store: read, chunked and embedded from its file, then written (passages,
sentences, BM25 postings) and put in a generation, in one transaction (see `qa.index.pg`)."""

from __future__ import annotations

import json
import re
from pathlib import Path

import numpy as np

from qa.index.pg.lexical import bm25_document, bm25_tokens
from qa.index.pg.store import PgStore


def record_version(store: PgStore, conn, generation: int, policy_id: str, version: int) -> None:
    """Put `version` of `policy_id` in `generation` (the caller's transaction); BuildError when a newer
    build published meanwhile and collected the generation."""
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


def index_policy(store: PgStore, generation: int, path: Path, key: str, metadata: dict, settings, get_embedder,
                 max_bytes, limits, max_passages, report, progress) -> int:
    """Read, chunk and embed one policy file into a new version of `generation` (one transaction); returns
    its version id: the shared pipeline (`qa.index.pipeline`) into the store's sink, `write_version`.

    Vectors this policy's earlier versions hold for the same embedding text are copied, not embedded.
    Raises PolicyFileError for a file that cannot be indexed.
    """
    from qa.index.pipeline import EmbeddingRows, embed_missing, read_and_chunk

    policy, chunks = read_and_chunk(path, metadata, settings, max_bytes, limits, max_passages, check=refuse_unstorable)
    rows = EmbeddingRows.of({policy.id: policy}, {policy.id: chunks}, settings)  # rows: the passages' numbers
    tokens = bm25_tokens([bm25_document(policy.name, p) for p in chunks])
    vectors = stored_vectors(store, policy.id, list(set(rows.all_keys)))
    report.embedded += embed_missing(rows.all_keys, rows.all_texts, vectors, get_embedder, progress)
    return write_version(store, generation, policy, key, chunks, rows.sentences, [vectors[k] for k in rows.keys],
                         [vectors[k] for k in rows.sentence_keys], rows.keys, rows.sentence_keys, tokens)


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
        record_version(store, conn, generation, policy.id, version)
    return version


def stored_vectors(store: PgStore, policy_id: str, keys: list[str]) -> dict[str, np.ndarray]:
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

"""The store's connection, schema and pointer to the current generation (see `qa.index.pg`)."""

from __future__ import annotations

import json
import os
import re

from qa.errors import StoreError, require_extra  # noqa: F401 - StoreError raised here; defined in qa.errors
from qa.index.pg import ENV_STORE, SCHEMA  # noqa: E402 - defined in the package, light for the parser

SCHEMA_VERSION = 5  # 5: a version's sentences in `sentences`, counted in `sentence_count`; 4: each
# generation's postings token by token (`generation_postings`); 3: BM25 bounds (max_tf, min_ratio) in `terms`
# and `generation_terms`; 2: BM25 postings in `terms` (1 scored token arrays)
LOCK_NAMESPACE = 0x50514958  # first key of every advisory lock this store takes ("PQIX")
PUBLISH_LOCK = -1  # second key of the lock that serialises publishing; shards use their number


def store_url(flag: str | None = None, index_flag: str | os.PathLike | None = None) -> str | None:
    """The store URL: the flag, else $POLICYQA_STORE unless an --index folder was given; None: the folder.

    Raises StoreError for a URL that is not postgresql://.
    """
    url = flag or (None if index_flag else os.environ.get(ENV_STORE)) or None
    if url is not None and not url.startswith(("postgresql://", "postgres://")):
        raise StoreError(f"--store must be a postgresql:// URL, got {redact_url(url)!r}")
    return url


_QUERY_SECRET = re.compile(r"((?:^|[?&])(?:password|passwd|sslpassword)=)[^&#]*", re.IGNORECASE)


def _url_secrets(url: str) -> list[str]:
    """The passwords a store URL carries: in its user info (as written and %-decoded) and in its query."""
    from urllib.parse import unquote

    rest = url.split("://", 1)[-1]
    userinfo = rest.rpartition("@")[0] if "@" in rest.split("?", 1)[0] else ""
    found = [userinfo.split(":", 1)[1]] if ":" in userinfo else []
    found += [m.group(0).split("=", 1)[1] for m in _QUERY_SECRET.finditer(url.split("?", 1)[1] if "?" in url else "")]
    found = [f for f in found if f]
    return sorted({*found, *(unquote(f) for f in found)} - {""}, key=len, reverse=True)


def redact_url(url: str) -> str:
    """`url` with every password replaced by *** (user info, `?password=`), for messages and status lines.
    Never parses strictly: a URL that is malformed (an unclosed IPv6 host, a bad %-escape) is redacted too."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        scheme, rest = "", url
    authority_end = len(rest.split("?", 1)[0])
    at = rest.rfind("@", 0, authority_end)
    if at >= 0 and ":" in rest[:at]:
        rest = rest[:rest.index(":")] + ":***" + rest[at:]
    redacted = (scheme + sep if sep else "") + rest
    return _QUERY_SECRET.sub(r"\1***", redacted.split("?", 1)[0] + ("?" + redacted.split("?", 1)[1]
                                                                     if "?" in redacted else ""))


def redact(message: str, url: str) -> str:
    """`message` (a driver's error, which may quote the URL or a part of it) with the URL's passwords
    replaced by ***."""
    message = message.replace(url, redact_url(url))
    for secret in _url_secrets(url):
        message = message.replace(secret, "***")
    return message


_safe_url = redact_url  # the name the store's modules import


# -- connection and schema ------------------------------------------------------------------------------

def _ddl(schema: str, dimension: int) -> list[str]:
    s = schema
    return [
        f"CREATE TABLE IF NOT EXISTS {s}.policies ("
        " policy_id text NOT NULL, version_id bigint GENERATED ALWAYS AS IDENTITY, version_key text NOT NULL,"
        " name text NOT NULL, aliases text[] NOT NULL, source text NOT NULL, sha256 text NOT NULL,"
        " headings jsonb NOT NULL, text text NOT NULL, passage_count int NOT NULL, sentence_count int NOT NULL,"
        " token_count bigint NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),"
        " PRIMARY KEY (policy_id, version_id), UNIQUE (policy_id, version_key))",
        f"CREATE TABLE IF NOT EXISTS {s}.passages ("
        " policy_id text NOT NULL, version_id bigint NOT NULL, ord int NOT NULL, passage_id text NOT NULL,"
        " section text NOT NULL, start_offset int NOT NULL, end_offset int NOT NULL, text text NOT NULL,"
        f" token_count int NOT NULL, ekey text NOT NULL, embedding vector({dimension}) NOT NULL,"
        " PRIMARY KEY (policy_id, version_id, ord),"
        f" FOREIGN KEY (policy_id, version_id) REFERENCES {s}.policies ON DELETE CASCADE)",
        f"CREATE TABLE IF NOT EXISTS {s}.sentences ("
        " policy_id text NOT NULL, version_id bigint NOT NULL, ord int NOT NULL, passage_ord int NOT NULL,"
        " start_offset int NOT NULL, end_offset int NOT NULL, ekey text NOT NULL,"
        f" embedding vector({dimension}) NOT NULL,"
        " PRIMARY KEY (policy_id, version_id, ord),"
        f" FOREIGN KEY (policy_id, version_id) REFERENCES {s}.policies ON DELETE CASCADE)",
        # BM25's inverted index, one row per policy version and token: the passages holding it, how often,
        # and their lengths in tokens (a GIN index over each passage's token array, measured first, took
        # 170 ms to score a routed question over 6,000 passages, since every matching row was re-counted).
        # max_tf and min_ratio (the least length / tf) bound what the token adds to any passage's score
        # (see qa.index.pg.lexical.LazyBM25), so a question over every policy need not read every posting.
        f"CREATE TABLE IF NOT EXISTS {s}.terms ("
        " policy_id text NOT NULL, version_id bigint NOT NULL, term text NOT NULL, df int NOT NULL,"
        " ords int[] NOT NULL, tfs int[] NOT NULL, lengths int[] NOT NULL, max_tf int NOT NULL,"
        " min_ratio real NOT NULL,"
        " PRIMARY KEY (policy_id, version_id, term),"
        f" FOREIGN KEY (policy_id, version_id) REFERENCES {s}.policies ON DELETE CASCADE)",
        f"CREATE TABLE IF NOT EXISTS {s}.generations ("
        " generation_id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY, plan_key text NOT NULL,"
        " shards int NOT NULL, state text NOT NULL CHECK (state IN ('building', 'complete', 'published')),"
        " settings jsonb NOT NULL, model jsonb NOT NULL, created_at timestamptz NOT NULL DEFAULT now(),"
        " published_at timestamptz, build_seconds float8, passage_count bigint, sentence_count bigint,"
        " token_total bigint)",
        f"CREATE UNIQUE INDEX IF NOT EXISTS generations_building ON {s}.generations (plan_key, shards)"
        " WHERE state <> 'published'",
        f"CREATE TABLE IF NOT EXISTS {s}.generation_policies ("
        f" generation_id bigint NOT NULL REFERENCES {s}.generations ON DELETE CASCADE,"
        " policy_id text NOT NULL, version_id bigint NOT NULL, first_row bigint,"
        " PRIMARY KEY (generation_id, policy_id),"
        f" FOREIGN KEY (policy_id, version_id) REFERENCES {s}.policies)",
        f"CREATE INDEX IF NOT EXISTS generation_policies_version ON {s}.generation_policies (policy_id, version_id)",
        f"CREATE TABLE IF NOT EXISTS {s}.generation_terms ("
        f" generation_id bigint NOT NULL REFERENCES {s}.generations ON DELETE CASCADE, term text NOT NULL,"
        " df bigint NOT NULL, max_tf int NOT NULL, min_ratio real NOT NULL, PRIMARY KEY (generation_id, term))",
        # Each generation's postings token by token, written at publish: one row per token over every policy
        # (the `terms` rows of its versions, concatenated in row order), so a question over every policy
        # reads a common token's postings from one row's TOAST chunks, a few sequential pages, instead of
        # one `terms` heap page per policy. EXTERNAL: not compressed, read as stored.
        f"CREATE TABLE IF NOT EXISTS {s}.generation_postings ("
        f" generation_id bigint NOT NULL REFERENCES {s}.generations ON DELETE CASCADE, term text NOT NULL,"
        " first_rows bigint[] NOT NULL, dfs int[] NOT NULL, ords bytea NOT NULL, tfs bytea NOT NULL,"
        " lengths bytea NOT NULL, PRIMARY KEY (generation_id, term))",
        f"ALTER TABLE {s}.generation_postings ALTER COLUMN first_rows SET STORAGE EXTERNAL,"
        " ALTER COLUMN dfs SET STORAGE EXTERNAL, ALTER COLUMN ords SET STORAGE EXTERNAL,"
        " ALTER COLUMN tfs SET STORAGE EXTERNAL, ALTER COLUMN lengths SET STORAGE EXTERNAL",
        f"CREATE TABLE IF NOT EXISTS {s}.generation_shards ("
        f" generation_id bigint NOT NULL REFERENCES {s}.generations ON DELETE CASCADE, shard int NOT NULL,"
        " finished_at timestamptz NOT NULL DEFAULT now(), PRIMARY KEY (generation_id, shard))",
        _readers_ddl(s),
        f"CREATE TABLE IF NOT EXISTS {s}.current (only_row bool PRIMARY KEY DEFAULT true CHECK (only_row),"
        f" generation_id bigint REFERENCES {s}.generations, previous_generation_id bigint)",
        # HNSW for searches over every policy; a scoped search reads its policies' rows by primary key.
        f"CREATE INDEX IF NOT EXISTS passages_embedding ON {s}.passages USING hnsw (embedding vector_ip_ops)",
        f"CREATE INDEX IF NOT EXISTS sentences_embedding ON {s}.sentences USING hnsw (embedding vector_ip_ops)",
        f"CREATE INDEX IF NOT EXISTS terms_term ON {s}.terms (term)",  # a question over every policy
        f"CREATE INDEX IF NOT EXISTS passages_ekey ON {s}.passages (policy_id, ekey)",  # a policy's vectors reused
        f"CREATE INDEX IF NOT EXISTS sentences_ekey ON {s}.sentences (policy_id, ekey)",
        f"CREATE INDEX IF NOT EXISTS sentences_passage ON {s}.sentences (policy_id, version_id, passage_ord)",
    ]


def _readers_ddl(schema: str) -> str:
    """Readers' leases on the generation they answer from (see `qa.index.pg.reader.PgIndex.refresh`): a
    publish collects no generation a lease renewed within LEASE_SECONDS names. No foreign key, so a
    lease never blocks the collection of a generation whose reader is gone (its lease expired)."""
    return (f"CREATE TABLE IF NOT EXISTS {schema}.readers (reader_id text PRIMARY KEY, generation_id bigint NOT NULL,"
            " renewed_at timestamptz NOT NULL DEFAULT now())")


LEASE_SECONDS = 600  # a reader's lease lasts this long unless renewed (it is renewed at each question)


STATEMENT_SECONDS = 20.0  # a reader's statement (or wait for a pooled connection) gets an answer within this
BUILD_STATEMENT_SECONDS = 1800.0  # a builder's: a publish over a large store writes its postings in one statement
CONNECT_SECONDS = 10  # libpq's connect_timeout


def _guarded_connection_class():
    """psycopg's Connection whose every wait on the server ends after its store's `statement_seconds`: a
    server that is frozen (SIGSTOP, a stalled disk, a dead network) still has its kernel acknowledge TCP,
    so neither keepalives nor `statement_timeout` (which the server itself enforces) would end the wait.
    The connection is closed then (its protocol state is unknown) and OperationalError raised, one line."""
    import psycopg
    from psycopg import errors

    class GuardedConnection(psycopg.Connection):
        limits = None  # the PgStore whose statement_seconds bound each wait (None: unbounded)

        def wait(self, gen, interval=0.1, timeout=None):
            seconds = getattr(self.limits, "statement_seconds", None)
            if timeout is not None or not seconds:
                return super().wait(gen, interval, timeout)
            try:
                return super().wait(gen, interval, seconds)
            except errors._WaitTimeout:
                self.pgconn.finish()
                raise psycopg.OperationalError(f"the server did not answer within {seconds:g} s") from None

    return GuardedConnection


def _one_line(err: BaseException) -> str:
    return " ".join(str(err).split())[:300]


class PgStore:
    """A pooled connection to one policyqa schema in a PostgreSQL database (psycopg 3, psycopg_pool).

    Every statement is parameterised; only the schema name (checked to be an identifier) and the vector
    dimension (an int) are written into DDL. Raises StoreError when the server cannot be reached.
    """

    def __init__(self, url: str, schema: str = SCHEMA, max_connections: int = 4):
        require_extra("postgres", "psycopg", "psycopg_pool", "pgvector", feature="an index in PostgreSQL")
        import psycopg
        from psycopg_pool import ConnectionPool

        if not schema.isidentifier() or schema.lower() != schema:
            raise StoreError(f"schema must be a lower-case identifier, got {schema!r}")
        self.url = url
        self.schema = schema
        self.statement_seconds = STATEMENT_SECONDS  # builders raise it (BUILD_STATEMENT_SECONDS)
        connection_class = _guarded_connection_class()
        try:
            with connection_class.connect(url, autocommit=True, connect_timeout=CONNECT_SECONDS) as conn:
                conn.limits = self
                self._create_extension(conn)
        except psycopg.Error as err:
            raise StoreError(f"cannot use the store {redact_url(url)}: {redact(_one_line(err), url)[:200]}") from None
        self.pool = ConnectionPool(url, min_size=1, max_size=max_connections, configure=self._configure,
                                   open=True, kwargs={"autocommit": True, "connect_timeout": CONNECT_SECONDS},
                                   connection_class=connection_class, timeout=STATEMENT_SECONDS)

    @staticmethod
    def _create_extension(conn) -> None:
        """pgvector, once per database: concurrent first builds (shard workers on a fresh database) would
        otherwise race on the catalog (`duplicate key ... pg_extension_name_index`), so under a lock."""
        import psycopg

        if conn.execute("SELECT 1 FROM pg_extension WHERE extname = 'vector'").fetchone():
            return
        try:
            with conn.transaction():
                conn.execute("SELECT pg_advisory_xact_lock(%s, -3)", (LOCK_NAMESPACE,))
                conn.execute("CREATE EXTENSION IF NOT EXISTS vector")
        except psycopg.errors.UniqueViolation:  # created meanwhile by a policyqa older than this lock
            pass

    def _configure(self, conn) -> None:
        from pgvector.psycopg import register_vector

        register_vector(conn)
        conn.limits = self  # its waits end after this store's statement_seconds, as it is at each wait
        # The server's own bound too: a statement the client gave up on does not run on in the server.
        conn.execute("SELECT set_config('statement_timeout', %s, false)", (str(int(self.statement_seconds * 1000)),))

    def set_statement_seconds(self, seconds: float) -> None:
        """Bound every statement to `seconds` (client wait and server statement_timeout), from now on:
        builders raise it (BUILD_STATEMENT_SECONDS), since a publish writes its postings in one statement."""
        if seconds != self.statement_seconds:
            self.statement_seconds = seconds
            self.pool.drain()  # pooled connections are replaced, configured with the new bound

    def close(self) -> None:
        self.pool.close()

    def __enter__(self) -> PgStore:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    def q(self, sql: str) -> str:
        """`sql` with `{s}` replaced by the schema name."""
        return sql.replace("{s}", self.schema)

    def meta(self) -> dict | None:
        """The store's model record {"id", "dimension", "backend"}, or None before its first build."""
        with self.pool.connection() as conn:
            exists = conn.execute("SELECT to_regclass(%s)", (f"{self.schema}.meta",)).fetchone()[0]
            if exists is None:
                return None
            row = conn.execute(self.q("SELECT value FROM {s}.meta WHERE key = 'model'")).fetchone()
        return row[0] if row else None

    def schema_version(self) -> int | None:
        """The version of the store's tables (SCHEMA_VERSION when this policyqa made them)."""
        with self.pool.connection() as conn:
            row = conn.execute(self.q("SELECT value FROM {s}.meta WHERE key = 'schema_version'")).fetchone()
        return row[0] if row else None

    def ensure_schema(self, model: dict) -> None:
        """Create the tables for vectors of `model["dimension"]` (once); StoreError for another dimension."""
        with self.pool.connection() as conn, conn.transaction():
            conn.execute("SELECT pg_advisory_xact_lock(%s, -2)", (LOCK_NAMESPACE,))
            conn.execute(f"CREATE SCHEMA IF NOT EXISTS {self.schema}")
            conn.execute(self.q("CREATE TABLE IF NOT EXISTS {s}.meta (key text PRIMARY KEY, value jsonb NOT NULL)"))
            version = conn.execute(self.q("SELECT value FROM {s}.meta WHERE key = 'schema_version'")).fetchone()
            if version and version[0] != SCHEMA_VERSION:
                raise StoreError(f"the store's tables are version {version[0]}, this policyqa writes version "
                                 f"{SCHEMA_VERSION}: build into a new database or schema")
            row = conn.execute(self.q("SELECT value FROM {s}.meta WHERE key = 'model'")).fetchone()
            if row and row[0]["dimension"] != model["dimension"]:
                raise StoreError(f"the store holds {row[0]['dimension']}-dimension vectors ({row[0]['id']}), "
                                 f"not {model['dimension']} ({model['id']}): use another database or schema")
            for statement in _ddl(self.schema, int(model["dimension"])):
                conn.execute(statement)
            conn.execute(self.q("INSERT INTO {s}.meta VALUES ('model', %s), ('schema_version', %s) "
                                "ON CONFLICT (key) DO UPDATE SET value = EXCLUDED.value"),
                         (json.dumps(model), json.dumps(SCHEMA_VERSION)))
            conn.execute(self.q("INSERT INTO {s}.current (generation_id) VALUES (NULL) ON CONFLICT DO NOTHING"))

    def current_generation(self, conn=None) -> int | None:
        if self.meta() is None:
            return None
        if conn is None:
            with self.pool.connection() as conn:
                return self.current_generation(conn)
        row = conn.execute(self.q("SELECT generation_id FROM {s}.current")).fetchone()
        return row[0] if row else None



_STORES: dict[tuple[str, str], PgStore] = {}


def shared_store(url: str, schema: str = SCHEMA) -> PgStore:
    """One pooled PgStore per URL and schema in this process (engines reopened after a build share it)."""
    if (url, schema) not in _STORES:
        _STORES[(url, schema)] = PgStore(url, schema)
    return _STORES[(url, schema)]


def store_signature(url: str, schema: str = SCHEMA) -> str:
    """What identifies the store's published index now (its generation), for a reader that reopens when
    it changes, as the chat does with a folder's manifest; one small query."""
    return f"{url}#{schema}#{shared_store(url, schema).current_generation()}"

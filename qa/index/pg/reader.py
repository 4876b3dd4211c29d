"""Reading a published generation: the index the answer path reads (`PgIndex`: its policies, passages
and postings, on demand), and a reader's lease on it (see `qa.index.pg`)."""

from __future__ import annotations

import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence

import numpy as np

from qa.errors import IndexUnavailable, StoreError
from qa.index.bm25 import tf_part
from qa.index.pg.store import SCHEMA_VERSION, PgStore, _safe_url
from qa.types import Passage, Policy

RENEW_SECONDS = 30  # a reader renews its lease at most this often (it lasts qa.index.pg.store.LEASE_SECONDS)
# Policy texts and passages a reader keeps (the rest stay in the database): a question over many policies
# reads the texts of the up to CORPUS_DEPTH (300) policies its first search found, and the passages of
# those that state the practice asked about (`qa.search.answer._leading`); fewer kept, every question
# read them all again.
TEXT_CACHE = 1024
PASSAGE_CACHE = 16384
# A reader keeps the postings it read whole over every policy (a row and a tf part each, 8 bytes), up to
# this many, most recently used first: common tokens ("data", "you") recur in question after question.
POSTINGS_CACHE = 8_000_000


def _arrays(sent: bytes, counts: np.ndarray) -> np.ndarray:
    """The elements, one after another, of int4[] arrays sent in binary (`string_agg(array_send(x), '')`),
    the i-th of `counts[i]` elements (none NULL): one query and a few numpy operations, not a Python list
    per row (a common token's postings are thousands of rows)."""
    words = np.frombuffer(sent, dtype=">i4")
    # each array: ndim, has-null, element type, length, lower bound, then a (4, value) pair per element
    firsts = np.cumsum(5 + 2 * counts) - 2 * counts  # where each array's pairs begin
    within = np.arange(int(counts.sum())) - np.repeat(np.cumsum(counts) - counts, counts)
    return words[np.repeat(firsts + 1, counts) + 2 * within].astype(np.int32)

# One row: the term rows' policies, terms and posting counts, and their postings (see `_arrays`).
POSTINGS_SQL = ("SELECT array_agg(t.policy_id), array_agg(t.term), array_agg(t.df), "
                "string_agg(array_send(t.ords), ''::bytea), string_agg(array_send(t.tfs), ''::bytea), "
                "string_agg(array_send(t.lengths), ''::bytea) FROM {s}.terms t ")


class StoredPolicy(Policy):
    """A `Policy` whose text is read from the store when first asked for (a reader keeps a few)."""

    _index: PgIndex
    version_id: int

    def __init__(self, index: PgIndex, policy_id: str, name: str, aliases: Sequence[str], source: str,
                 sha256: str, version_id: int):
        for key, value in (("id", policy_id), ("name", name), ("aliases", tuple(aliases)), ("source", source),
                           ("sha256", sha256), ("_index", index), ("version_id", version_id)):
            object.__setattr__(self, key, value)

    @property
    def text(self) -> str:  # noqa: D401 - the dataclass field this replaces
        return self._index.policy_text(self.id, self.version_id)

    @property
    def headings(self) -> tuple[tuple[int, str], ...]:  # noqa: D401 - the dataclass field this replaces
        return self._index.policy_headings(self.id, self.version_id)


class GenerationGone(IndexUnavailable):
    """The generation a reader was on was collected (its lease lapsed); asking again reopens the current one."""

    def __init__(self, generation: int):
        super().__init__(f"the store's generation {generation} was replaced while this question read it: ask again")
        self.generation = generation


class PassageRows(Sequence):
    """The generation's passages in row order, read from the store on demand (a few thousand kept)."""

    def __init__(self, index: PgIndex):
        self._pg = index  # not `index`: Sequence has an index() method
        self._cache: OrderedDict[int, Passage] = OrderedDict()

    def __len__(self) -> int:
        return self._pg.passage_count

    def __getitem__(self, row):
        if isinstance(row, slice):
            return [self[i] for i in range(*row.indices(len(self)))]
        row = int(row)
        if row < 0:
            row += len(self)
        if not 0 <= row < len(self):
            raise IndexError(row)
        if row not in self._cache:
            self.fetch(np.array([row]))
        return self._cache[row]

    def fetch(self, rows: np.ndarray) -> list[Passage]:
        """The passages of `rows` (one query for those not cached)."""
        missing = [int(r) for r in dict.fromkeys(rows.tolist()) if int(r) not in self._cache]
        if missing:
            policies, versions, ords = self._pg.locate(np.array(missing, dtype=np.int64))
            with self._pg.store.pool.connection() as conn:
                found = conn.execute(self._pg.store.q(
                    "SELECT p.policy_id, p.ord, p.passage_id, p.section, p.start_offset, p.end_offset, p.text "
                    "FROM {s}.passages p "
                    "JOIN unnest(%s::text[], %s::bigint[], %s::int[]) AS r(policy_id, version_id, ord) "
                    "USING (policy_id, version_id, ord)"), (policies, versions, ords)).fetchall()
            for policy_id, ord_, pid, section, start, end, text in found:
                row = self._pg.first_row[policy_id] + ord_
                self._cache[row] = Passage(id=pid, policy=policy_id, section=section, start=start, end=end, text=text)
        out = [self._cache.get(int(r)) for r in rows]
        if any(p is None for p in out):  # its versions were collected mid-question
            raise GenerationGone(self._pg.generation)
        for row in rows.tolist():  # most recently used last: what is evicted below is none of these
            self._cache.move_to_end(int(row))
        while len(self._cache) > PASSAGE_CACHE:
            self._cache.popitem(last=False)
        return [p for p in out if p is not None]  # every one, checked above

    def __iter__(self) -> Iterator[Passage]:
        """Every passage in row order, streamed (a server-side cursor), not kept."""
        with self._pg.store.pool.connection() as conn, conn.transaction():
            cursor = conn.cursor(name="policyqa_passages")
            cursor.execute(self._pg.store.q(
                "SELECT p.policy_id, p.passage_id, p.section, p.start_offset, p.end_offset, p.text "
                "FROM {s}.generation_policies g JOIN {s}.passages p USING (policy_id, version_id) "
                "WHERE g.generation_id = %s ORDER BY g.first_row, p.ord"), (self._pg.generation,))
            for policy_id, pid, section, start, end, text in cursor:
                yield Passage(id=pid, policy=policy_id, section=section, start=start, end=end, text=text)


class PgIndex:
    """One published generation, shaped as `qa.index.store.PolicyIndex` is to the answer path.

    `policies` (by id: name, aliases; text read on demand), `passages` (a sequence over the generation's
    rows), `manifest` (as the folder's, with "store" and "generation"). Rows are numbered as the folder
    numbers them: policies sorted by id, each policy's passages in order.
    """

    def __init__(self, store: PgStore, generation: int):
        self.store = store
        self.path = None
        self.reader_id = uuid.uuid4().hex
        self._leased = False  # whether the store keeps leases (a store older than them does not)
        self._renewed = 0.0  # time.monotonic() of the last renewal
        self._load(generation)

    def _load(self, generation: int) -> None:
        """Take (or move) this reader's lease to `generation`, then read it; GenerationGone when it was
        collected meanwhile. The lease comes first, so a publish after it cannot collect what is read."""
        import psycopg

        store = self.store
        self.generation = generation
        with store.pool.connection() as conn:
            try:
                conn.execute(store.q(
                    "INSERT INTO {s}.readers (reader_id, generation_id) VALUES (%s, %s) ON CONFLICT (reader_id) "
                    "DO UPDATE SET generation_id = EXCLUDED.generation_id, renewed_at = now()"),
                    (self.reader_id, generation))
                self._leased, self._renewed = True, time.monotonic()
            except (psycopg.errors.UndefinedTable, psycopg.errors.ReadOnlySqlTransaction,
                    psycopg.errors.InsufficientPrivilege):
                # A store made before leases, a streaming replica, a read-only role: no lease, so `refresh`
                # checks the generation at every question and reopens the current one when it is gone.
                self._leased = False
            info = conn.execute(store.q(
                "SELECT settings, model, published_at, build_seconds, passage_count, sentence_count, token_total "
                "FROM {s}.generations WHERE generation_id = %s AND state = 'published'"), (generation,)).fetchone()
            if info is None:
                raise GenerationGone(generation)
            rows = conn.execute(store.q(
                "SELECT g.policy_id, g.version_id, g.first_row, p.passage_count, p.name, p.aliases, p.source, p.sha256 "
                "FROM {s}.generation_policies g JOIN {s}.policies p USING (policy_id, version_id) "
                "WHERE g.generation_id = %s ORDER BY g.first_row, g.policy_id"), (generation,)).fetchall()
        settings, model, published_at, build_seconds, passages, sentences, tokens = info
        self.passage_count, self.sentence_count = int(passages), int(sentences)
        self.average_length = tokens / passages if passages else 0.0
        self.policy_ids = [r[0] for r in rows]
        self.version_ids = np.array([r[1] for r in rows], dtype=np.int64)
        self.first_rows = np.array([r[2] for r in rows], dtype=np.int64)
        self.counts = np.array([r[3] for r in rows], dtype=np.int64)
        self.first_row = {r[0]: int(r[2]) for r in rows}
        self.position = {r[0]: i for i, r in enumerate(rows)}
        self.policies: dict[str, Policy] = {
            r[0]: StoredPolicy(self, r[0], r[4], r[5], r[6], r[7], int(r[1])) for r in rows}
        self.passages = PassageRows(self)
        self._texts: OrderedDict[tuple[str, int], tuple[str, tuple[tuple[int, str], ...]]] = OrderedDict()
        self._postings: OrderedDict[str, tuple[np.ndarray, np.ndarray]] = OrderedDict()  # see `postings`
        from qa import __version__
        from qa.index.store import FORMAT_VERSION

        self.manifest = {
            "format_version": FORMAT_VERSION, "package_version": __version__, "model": model,
            "chunker": {"splitter": "RecursiveCharacterTextSplitter", "chunk_size": settings["chunk_size"],
                        "chunk_overlap": settings["chunk_overlap"], "embed_context": settings["embed_context"]},
            "settings": settings, "faiss_index": "none: pgvector HNSW in PostgreSQL", "sentence_index": "pgvector HNSW",
            "policies": {r[0]: {"name": r[4], "source": r[6], "sha256": r[7], "passages": int(r[3])} for r in rows},
            "passage_count": self.passage_count, "sentence_count": self.sentence_count,
            "built_at": published_at.isoformat(timespec="seconds") if published_at else "",
            "build_seconds": float(build_seconds or 0.0), "store": _safe_url(store.url), "generation": generation,
        }

    def refresh(self) -> bool:
        """Renew this reader's lease (at most every RENEW_SECONDS; the Engine calls this before each
        question). When its generation is gone (the lease expired while idle, or the store keeps no
        leases), reopen the store's current generation in place and return True: the caller drops what
        it derived from the old one. Raises IndexUnavailable when the store has no index any more."""
        if self._leased and time.monotonic() - self._renewed < RENEW_SECONDS:
            return False
        with self.store.pool.connection() as conn:
            if self._leased:
                conn.execute(self.store.q("UPDATE {s}.readers SET renewed_at = now(), generation_id = %s "
                                          "WHERE reader_id = %s"), (self.generation, self.reader_id))
            alive = conn.execute(self.store.q(
                "SELECT 1 FROM {s}.generations WHERE generation_id = %s AND state = 'published'"),
                (self.generation,)).fetchone()
        if alive:
            self._renewed = time.monotonic()
            return False
        for _ in range(5):  # each try loses only to a publish that collects what it just chose
            current = self.store.current_generation()
            if current is None:
                from qa.index.store import REBUILD_HINT, IndexUnavailable

                raise IndexUnavailable(f"no index in the store {_safe_url(self.store.url)}: {REBUILD_HINT} --store URL")
            try:
                self._load(current)
                return True
            except GenerationGone:
                continue
        raise GenerationGone(self.generation)

    def release(self) -> None:
        """Drop this reader's lease (a reader that is done; an abandoned one expires)."""
        if self._leased:
            with self.store.pool.connection() as conn:
                conn.execute(self.store.q("DELETE FROM {s}.readers WHERE reader_id = %s"), (self.reader_id,))
            self._leased = False

    @property
    def settings(self):
        from qa.config import BuildSettings

        return BuildSettings(**self.manifest["settings"])

    def policy_text(self, policy_id: str, version_id: int) -> str:
        return self._policy_body(policy_id, version_id)[0]

    def policy_headings(self, policy_id: str, version_id: int) -> tuple[tuple[int, str], ...]:
        """The policy's headings as (offset, title), as the folder's `Policy.headings` (quotes skip them)."""
        return self._policy_body(policy_id, version_id)[1]

    def _policy_body(self, policy_id: str, version_id: int) -> tuple[str, tuple[tuple[int, str], ...]]:
        key = (policy_id, version_id)
        if key not in self._texts:
            self.read_texts([policy_id])
            if key not in self._texts:
                raise GenerationGone(self.generation)
        self._texts.move_to_end(key)
        return self._texts[key]

    def read_texts(self, policy_ids: Sequence[str]) -> None:
        """Read the texts and headings of those of `policy_ids` not held yet, in one query."""
        keys = [(p, int(self.version_ids[self.position[p]])) for p in dict.fromkeys(policy_ids) if p in self.position]
        keys = [key for key in keys if key not in self._texts][-TEXT_CACHE:]
        if not keys:
            return
        with self.store.pool.connection() as conn:
            found = conn.execute(self.store.q(
                "SELECT p.policy_id, p.version_id, p.text, p.headings FROM {s}.policies p "
                "JOIN unnest(%s::text[], %s::bigint[]) AS r(policy_id, version_id) USING (policy_id, version_id)"),
                ([p for p, _ in keys], [v for _, v in keys])).fetchall()
        for policy_id, version_id, text, headings in found:
            headings = headings if isinstance(headings, list) else []
            self._texts[(policy_id, int(version_id))] = (text, tuple((int(o), str(t)) for o, t in headings))
        while len(self._texts) > TEXT_CACHE:
            self._texts.popitem(last=False)

    def holds(self, term: str) -> bool:
        """Whether `postings(term)` is in memory."""
        return term in self._postings

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """(rows, Robertson tf parts) of every passage of the generation holding `term` (a few kept): one
        row of `generation_postings`, the token's postings over every policy laid out at publish."""
        if term in self._postings:
            self._postings.move_to_end(term)
            return self._postings[term]
        with self.store.pool.connection() as conn, conn.cursor(binary=True) as cursor:
            found = cursor.execute(self.store.q(
                "SELECT first_rows, dfs, ords, tfs, lengths FROM {s}.generation_postings "
                "WHERE generation_id = %s AND term = %s"), (self.generation, term)).fetchone()
        if found is None:
            rows, tf, length = np.zeros(0, dtype=np.int64), np.zeros(0, dtype=np.float32), np.zeros(0, dtype=np.float32)
        else:
            counts = np.asarray(found[1], dtype=np.int64)
            rows = np.repeat(np.asarray(found[0], dtype=np.int64), counts) + _arrays(found[2], counts)
            tf, length = (_arrays(found[i], counts).astype(np.float32) for i in (3, 4))
        self._postings[term] = (rows.astype(np.int32), tf_part(tf, length, self.average_length))
        held = sum(len(r) for r, _ in self._postings.values())
        while held > POSTINGS_CACHE and len(self._postings) > 1:
            held -= len(self._postings.popitem(last=False)[1][0])
        return self._postings[term] if term in self._postings else (rows, tf_part(tf, length, self.average_length))

    def read_postings(self, where: str, params: tuple) -> tuple[np.ndarray, np.ndarray, np.ndarray, list, np.ndarray]:
        """The postings of the `terms` rows `where` selects: (rows, tfs, lengths), one per posting, and the
        rows' terms and posting counts."""
        with self.store.pool.connection() as conn, conn.cursor(binary=True) as cursor:
            policies, terms, counts, ords, tfs, lengths = cursor.execute(self.store.q(POSTINGS_SQL + where),
                                                                         params).fetchone()
        if not policies:
            empty = np.zeros(0, dtype=np.float32)
            return np.zeros(0, dtype=np.int64), empty, empty, [], np.zeros(0, dtype=np.int64)
        counts = np.asarray(counts, dtype=np.int64)
        starts = np.array([self.first_row[p] for p in policies], dtype=np.int64)
        return (np.repeat(starts, counts) + _arrays(ords, counts), _arrays(tfs, counts).astype(np.float32),
                _arrays(lengths, counts).astype(np.float32), terms, counts)

    def locate(self, rows: np.ndarray) -> tuple[list[str], list[int], list[int]]:
        """(policy ids, version ids, passage numbers) of global `rows`."""
        where = np.searchsorted(self.first_rows, rows, side="right") - 1
        return ([self.policy_ids[i] for i in where.tolist()], self.version_ids[where].tolist(),
                (rows - self.first_rows[where]).tolist())

    def rows_of(self, policy_ids: list[str] | None) -> np.ndarray | None:
        if policy_ids is None:
            return None
        parts = [np.arange(self.first_row[p], self.first_row[p] + self.counts[self.position[p]], dtype=np.int64)
                 for p in policy_ids if p in self.position]
        return np.concatenate(parts) if parts else np.zeros(0, dtype=np.int64)

    def policies_of(self, rows: np.ndarray) -> list[int]:
        """Positions (in `policy_ids`) of the policies that own `rows`."""
        if len(rows) == 0:
            return []
        return np.unique(np.searchsorted(self.first_rows, rows, side="right") - 1).tolist()

    def is_current(self) -> bool:
        """Whether this is still the store's current generation (a reader may reopen when not)."""
        return self.store.current_generation() == self.generation


def open_published(store: PgStore, model: str | None = None) -> PgIndex:
    """The current generation as an index the answer path reads (see PgIndex).

    Raises IndexUnavailable (one line) when nothing is published yet or `model` is not the store's.
    """
    from qa.index.store import REBUILD_HINT, IndexUnavailable

    where = _safe_url(store.url)
    meta = store.meta()
    version = store.schema_version() if meta else None
    if version is not None and version != SCHEMA_VERSION:
        raise StoreError(f"the store {where} has tables of version {version}, this policyqa reads version "
                         f"{SCHEMA_VERSION}: rebuild it with `policyqa index build --store URL` into a new "
                         "database or schema")
    generation = store.current_generation() if meta else None
    if generation is None:
        raise IndexUnavailable(f"no index in the store {where}: {REBUILD_HINT} --store URL")
    for _ in range(5):  # a publish between reading `current` and the lease may collect it: read again
        try:
            index = PgIndex(store, generation)
            break
        except GenerationGone:
            generation = store.current_generation()
            if generation is None:
                raise IndexUnavailable(f"no index in the store {where}: {REBUILD_HINT} --store URL") from None
    else:
        raise StoreError(f"the store {where} changed five times while opening it: try again")
    built_with = index.manifest["model"]["id"]
    if model is not None and built_with != model:
        raise IndexUnavailable(f"the store {where} was built with model '{built_with}', not '{model}': "
                               f"run `policyqa index build --store URL --model {model}`")
    return index

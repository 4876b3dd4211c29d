"""Reading a published generation: an index and a scorer shaped as the answer path expects (see `qa.index.pg`)."""

from __future__ import annotations

import contextlib
import time
import uuid
from collections import OrderedDict
from collections.abc import Iterator, Sequence

import numpy as np

from qa.errors import IndexUnavailable
from qa.index import bm25
from qa.index.base import QueryCache
from qa.index.bm25 import tf_part
from qa.index.pg.store import PgStore, _safe_url
from qa.types import Passage, Policy

# HNSW candidates scanned for a search over every policy; the candidates are re-scored exactly anyway.
EF_SEARCH = 200
# pgvector refuses a larger hnsw.ef_search; the iterative scan goes on past it until LIMIT rows are found
# (a question over many policies asks for 300 passages and 600 sentences, `qa.search.answer.CORPUS_DEPTH`).
EF_SEARCH_MAX = 1000
# Up to this many passages in scope, dense candidates come from an exact scan, so a question routed to
# one policy (at most qa.index.build.MAX_PASSAGES_PER_POLICY passages) gets the folder's candidates exactly; a
# larger scope searches HNSW. Measured at 30,000 synthetic passages: an exact scan of 6,000 passages and
# their 18,000 sentences took 52-62 ms.
EXACT_MAX_ROWS = 2_000
RENEW_SECONDS = 30  # a reader renews its lease at most this often (it lasts qa.index.pg.store.LEASE_SECONDS)
# Policy texts and passages a reader keeps (the rest stay in the database): a question over many policies
# reads the texts of the up to CORPUS_DEPTH (300) policies its first search found, and the passages of
# those that state the practice asked about (`qa.search.answer._leading`); fewer kept, every question
# read them all again.
TEXT_CACHE = 1024
PASSAGE_CACHE = 16384
# BM25 over every policy: the question's rarest tokens' postings are read whole, the common ones' only
# where they can still matter (MaxScore: a token adds at most its weight, since Robertson's tf part is
# below 1), so "How long do you keep my data?" need not read the 535,000 postings of "you", "data", "how".
# The best max(BM25_EXACT_TOP, depth) rows over every policy are exact (ties in row order, as the folder's
# top_stable breaks them), where depth is what the retriever asks for: max(k, candidates), 50 by default.
BM25_EXACT_TOP = 200
# A reader keeps the postings it read whole over every policy (a row and a tf part each, 8 bytes), up to
# this many, most recently used first: common tokens ("data", "you") recur in question after question.
POSTINGS_CACHE = 8_000_000
# What reading one `terms` row by primary key (a policy's postings of a token) costs, in postings of a token
# read whole from `generation_postings` (contiguous): measured at 300,000 passages, 20-25 us a row against
# 0.1 us a posting (223,000 postings of "we" in 24 ms), so MaxScore scores policies one by one only when
# they are few next to the next token's postings; otherwise it reads that token whole.
ROW_POSTINGS = 200
BOUND_SLACK = 1e-4  # float32 sums in another order may differ by far less than this


def bm25_document(policy_name: str, passage: Passage) -> str:
    """What BM25 indexes for a passage: as `qa.index.lexical.passage_corpus` builds the folder's corpus."""
    return f"{policy_name} {passage.section} {passage.text}"


def bm25_tokens(texts: list[str]) -> list[list[str]]:
    """bm25s tokens (English stopwords out, Snowball stems) of each text, exactly as the folder store
    tokenises (the same function is called, so the two cannot drift apart)."""
    from qa.index.lexical import tokenize

    return [list(t) for t in tokenize(texts, return_ids=False)]

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


class _LazyBM25:
    """BM25 scores of every row for one question, computed per policy when a row is first read.

    Stands in for the array `Scorer.bm25_scores` returns: `len()` and indexing by row arrays, which is
    all the retrievers do with it. A question routed to a few policies scores, and keeps, only those
    policies' rows. Asked for every row (a search over every policy), it returns an array whose best
    `depth` rows are exact, ties included, and whose other rows hold their exact score or a partial one
    below those: see `_best_everywhere`. `depth` is the most any caller asked for (`deepen`), at least
    BM25_EXACT_TOP, so a retriever that takes its best k rows gets them exact for any k.
    """

    def __init__(self, scorer: PgScorer, question: str):
        self.scorer = scorer
        index = scorer.index
        self.by_policy: dict[int, np.ndarray] = {}  # policy position -> exact scores of its rows
        self.every_row: np.ndarray | None = None  # all rows, once a search over every policy asked for them
        self.complete = False  # whether every_row is exact for every row (every posting was read)
        self.depth = BM25_EXACT_TOP  # the most best rows any caller needs exact (`deepen`)
        self.every_depth = 0  # how many of every_row's best rows are exact (set with it)
        tokens = bm25_tokens([question])[0]
        self.terms, self.weights, self.bounds, self.df = [], [], [], []
        if tokens:
            with index.store.pool.connection() as conn:
                stats = {term: (df, max_tf, min_ratio) for term, df, max_tf, min_ratio in conn.execute(index.store.q(
                    "SELECT term, df, max_tf, min_ratio FROM {s}.generation_terms WHERE generation_id = %s "
                    "AND term = ANY(%s)"), (index.generation, list(set(tokens)))).fetchall()}
            n = index.passage_count
            counts: dict[str, int] = {}
            for token in tokens:  # a repeated query token counts again, as in bm25s
                if token in stats:
                    counts[token] = counts.get(token, 0) + 1
            for term, repeats in counts.items():
                df, max_tf, min_ratio = stats[term]
                idf = bm25.idf(n, df)
                self.terms.append(term)
                self.df.append(int(df))
                self.weights.append(float(idf) * repeats)
                # The most a token adds to any of its passages: tf at most max_tf, len / tf at least min_ratio.
                most = bm25.tf_part_bound(max_tf, min_ratio, index.average_length)
                self.bounds.append(self.weights[-1] * most)

    def __len__(self) -> int:
        return self.scorer.index.passage_count

    def deepen(self, depth: int) -> None:
        """Make the every-row array exact for the best `depth` rows from the next read on (it never gets
        shallower; an array kept for fewer rows is recomputed then, reusing the policies scored exactly)."""
        self.depth = max(self.depth, depth)

    def _postings(self, positions: list[int], terms: list[str]) -> tuple[np.ndarray, np.ndarray]:
        """(row, BM25 part) of every posting of `terms` (the question's) in the policies at `positions`; a
        row appears once per token it holds.

        The postings are read (binary) and scored here with numpy, as bm25s scores its sparse matrix:
        summing them in SQL took 1.35 s for 535,000 postings at 300,000 passages.
        """
        index = self.scorer.index
        rows, tf, length, terms, counts = index.read_postings(
            "WHERE t.policy_id = ANY(%s) AND t.version_id = ANY(%s) AND t.term = ANY(%s::text[])",
            ([index.policy_ids[p] for p in positions], index.version_ids[positions].tolist(), terms))
        weight = dict(zip(self.terms, self.weights))
        idf = np.repeat(np.array([weight[t] for t in terms], dtype=np.float32), counts)
        return rows, idf * tf_part(tf, length, index.average_length)

    @staticmethod
    def _by_row(rows: np.ndarray, parts: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """(distinct rows, the sum of their parts)."""
        unique, inverse = np.unique(rows, return_inverse=True)
        scores = np.zeros(len(unique), dtype=np.float32)
        np.add.at(scores, inverse, parts)
        return unique, scores

    def _score_policies(self, positions: list[int], partial: np.ndarray | None = None,
                        unread: Sequence[int] = ()) -> None:
        """Exact scores of every row of the policies at `positions` (those not scored yet): every token's
        postings there, or `partial` (every row's score from the tokens read whole) plus the `unread` ones'."""
        index = self.scorer.index
        missing = [p for p in dict.fromkeys(positions) if p not in self.by_policy]
        if not missing:
            return
        terms = self.terms if partial is None else [self.terms[i] for i in unread]
        scores = np.zeros(index.passage_count, dtype=np.float32)  # scattered, then read back policy by policy
        found, found_scores = self._by_row(*self._postings(missing, terms))
        scores[found] = found_scores
        for p in missing:
            mine = slice(index.first_rows[p], index.first_rows[p] + index.counts[p])
            self.by_policy[p] = scores[mine].copy() if partial is None else partial[mine] + scores[mine]

    def _best_everywhere(self, depth: int) -> np.ndarray:
        """Every row's score where it matters for the best `depth` rows of the whole generation.

        MaxScore over the question's tokens, the one that can add most first (one held in memory before
        any): a token's postings over every policy are read whole and added to every row's partial score.
        A row holds at most `rest` from the tokens not read yet (the sum of their bounds: idf times the
        largest tf part any of their passages can have). A partial score is at most the row's score, so
        `floor`, the depth-th best partial score, is at most the depth-th best score. Once floor > rest,
        no row the tokens read so far miss can reach the best `depth`, and a row they hold only if its
        partial score plus `rest` reaches floor: those rows' policies are scored exactly (the unread
        tokens' postings there, by primary key), best first, each batch raising floor, and the common
        tokens' postings elsewhere are never read. When those policies would be more `terms` rows than
        the next token's, the next token is read whole instead. With every token read, all is exact.

        Returns (and keeps) an array of every row: exact for every row of the policies scored, partial
        elsewhere, which is then strictly below the depth-th best.
        """
        index = self.scorer.index
        # tokens this reader holds in memory first (free), then the one that can add most
        order = sorted(range(len(self.terms)), key=lambda i: (not index.holds(self.terms[i]), -self.bounds[i],
                                                              self.terms[i]))
        partial = np.zeros(index.passage_count, dtype=np.float32)
        for step, term in enumerate(order):
            rows, tf = index.postings(self.terms[term])
            partial[rows] += np.float32(self.weights[term]) * tf  # a token's rows are distinct
            unread = order[step + 1:]
            if not unread:  # every token read: the partial scores are the scores, every row's
                self.complete = True
                self.every_row, self.every_depth = partial, len(partial)
                return partial
            if index.holds(self.terms[unread[0]]):
                continue
            rest = sum(self.bounds[i] for i in unread) * (1 + BOUND_SLACK) + BOUND_SLACK
            if self._settle(partial, unread, rest, depth, self.df[unread[0]]):
                break
        for p, scores in self.by_policy.items():
            partial[index.first_rows[p]:index.first_rows[p] + len(scores)] = scores
        self.every_row, self.every_depth = partial, depth
        return partial

    def _settle(self, partial: np.ndarray, unread: list[int], rest: float, depth: int, next_postings: int) -> bool:
        """Score exactly the policies whose rows can still reach the best `depth` (True), unless a row no
        token read so far holds still could, or that would read more `terms` rows than reading the next
        token whole (its `next_postings`, each costing 1 / ROW_POSTINGS of a `terms` row): False, read the
        next token first. `unread`: the tokens not read whole, which can add at most `rest` to a row's
        `partial` score."""
        index = self.scorer.index
        if len(partial) < depth:
            return False
        # A partial score is at most the row's score, so the depth-th best partial is at most the depth-th
        # best score (`floor` rises as policies are scored exactly). Only floor > rest is of use, so the
        # depth-th best is looked for among the rows above rest (a comparison, then a partition of few).
        above = partial[partial > rest]
        if len(above) < depth:
            return False
        floor = float(np.partition(above, len(above) - depth)[len(above) - depth])
        batch = depth
        while True:
            exact = np.concatenate(list(self.by_policy.values())) if self.by_policy else partial[:0]
            if len(exact) >= depth:
                floor = max(floor, float(np.partition(exact, len(exact) - depth)[len(exact) - depth]))
            open_ = np.flatnonzero(partial + rest >= floor)
            owner = np.searchsorted(index.first_rows, open_, side="right") - 1
            scored = np.zeros(len(index.policy_ids), dtype=bool)
            scored[list(self.by_policy)] = True
            open_, owner = open_[~scored[owner]], owner[~scored[owner]]
            if len(open_) == 0:
                return True
            if len(np.unique(owner)) * len(unread) * ROW_POSTINGS > next_postings:
                return False
            best = np.argpartition(-partial[open_], batch)[:batch] if len(open_) > batch else slice(None)
            self._score_policies(np.unique(owner[best]).tolist(), partial, unread)
            batch *= 4

    def __getitem__(self, rows) -> np.ndarray:
        rows = np.asarray(rows, dtype=np.int64)
        index = self.scorer.index
        if not self.terms:
            return np.zeros(len(rows), dtype=np.float32)
        if len(rows) == index.passage_count and np.array_equal(rows, np.arange(len(rows))):
            every, exact = self.every_row, self.every_depth
            if every is None or (exact < self.depth and not self.complete):
                return self._best_everywhere(self.depth)
            return every
        if self.complete and self.every_row is not None:
            return self.every_row[rows]
        positions = index.policies_of(rows)
        self._score_policies(positions)
        owner = np.searchsorted(index.first_rows, rows, side="right") - 1
        out = np.zeros(len(rows), dtype=np.float32)
        for p in positions:
            mine = owner == p
            out[mine] = self.by_policy[p][rows[mine] - index.first_rows[p]]
        return out


class PgScorer(QueryCache):
    """The store's `IndexScorer` (`qa.index.base`) over a PgIndex: what the retrievers and the answer path
    call, nothing cached but the last few questions' vectors and BM25 scores (`QueryCache`, as the folder's
    scorer keeps them)."""

    def __init__(self, index: PgIndex, embedder):
        self.index = index
        self.embedder = embedder
        self._query_cache: dict[str, np.ndarray] = {}
        self._bm25_cache: dict[str, _LazyBM25] = {}
        # (table, policy id) -> (spans, vectors) read ahead by `prefetch`, each taken by its first use
        self._read_ahead: dict[tuple[str, str], tuple[np.ndarray, np.ndarray]] = {}
        # the last `_cosines`: (question vector's bytes, {row: [(start, end, cosine)] of its sentences})
        self._last_sentences: tuple[bytes, dict[int, list]] = (b"", {})

    def prefetch(self, policy_ids: Sequence[str], vectors: Sequence[str] = (), passages: bool = False) -> None:
        """Read ahead, in a few queries, what answering over many policies reads one policy at a time: the
        texts of `policy_ids`, the sentence and passage vectors of `vectors` (those whose evidence the
        caller does not hold: `policy_sentences` and `policy_passages` then answer from memory, once) and,
        with `passages`, the passages of `policy_ids`."""
        self.index.read_texts(policy_ids)
        if vectors:
            self._read_ahead = {}
            for table in ("sentences", "passages"):
                for policy_id, found in self._vectors_of(list(dict.fromkeys(vectors)), table).items():
                    self._read_ahead[(table, policy_id)] = found
        if passages:
            rows = self.index.rows_of(list(policy_ids))
            if rows is not None and len(rows):
                self.index.passages.fetch(rows[-PASSAGE_CACHE:])

    @property
    def rows_by_policy(self) -> dict[str, np.ndarray]:
        return {p: rows for p in self.index.policy_ids if (rows := self.index.rows_of([p])) is not None}

    def scope(self, policies: list[str] | None) -> np.ndarray | None:
        """Passage rows of `policies` (None: all rows)."""
        return self.index.rows_of(policies)

    def _scope_params(self, rows: np.ndarray) -> dict:
        wanted = self.index.policies_of(rows)
        return {"pol": [self.index.policy_ids[p] for p in wanted], "ver": self.index.version_ids[wanted].tolist()}

    def dense_candidates(self, query: np.ndarray, rows: np.ndarray | None, depth: int) -> np.ndarray:
        """Rows whose passage vector, or one of whose sentences' vectors, is among the nearest to the query.

        A scope of at most EXACT_MAX_ROWS passages is scanned exactly, as the folder's exact index does:
        its policies' rows by primary key (`+ 0` keeps the planner off the HNSW index). A larger one, or
        none, searches HNSW with an iterative scan, filtered to the scope's or the generation's versions.
        """
        store, q = self.index.store, np.asarray(query[0], dtype=np.float32)
        if rows is not None and len(rows) == 0:
            return np.zeros(0, dtype=np.int64)
        exact = rows is not None and len(rows) <= EXACT_MAX_ROWS
        if rows is None:
            # No filter at all, so the planner keeps to the HNSW index (a filter on the generation turned
            # into a join and an exact scan of every row: 1.1 s at 300,000 passages); rows of other
            # generations (old versions of changed policies, a small share) are dropped after.
            where, params = "true", {"q": q}
        else:
            where = "x.policy_id = ANY(%(pol)s) AND x.version_id = ANY(%(ver)s)"
            params = {"q": q, **self._scope_params(rows)}
        found = []
        ef_search = str(min(EF_SEARCH_MAX, max(EF_SEARCH, depth * 4)))
        # An exact scan uses no HNSW setting, so it needs no transaction to scope them to: three round trips
        # fewer for a question routed to one policy.
        with store.pool.connection() as conn, (contextlib.nullcontext() if exact else conn.transaction()):
            if not exact:
                conn.execute("SELECT set_config('hnsw.ef_search', %s, true), "
                             "set_config('hnsw.iterative_scan', 'relaxed_order', true)", (ef_search,))
            for table, column, limit in (("passages", "ord", depth), ("sentences", "passage_ord", depth * 2)):
                distance = "(x.embedding <#> %(q)s) + 0" if exact else "x.embedding <#> %(q)s"
                order = "d, x.policy_id, x.ord" if exact else "d"  # ties as in row order; HNSW takes one key
                found += conn.execute(store.q(
                    f"WITH near AS MATERIALIZED (SELECT x.policy_id, x.version_id, x.{column} AS ord, {distance} AS d, "
                    f"x.ord AS n FROM {{s}}.{table} x WHERE {where} ORDER BY {order} LIMIT %(k)s) "
                    "SELECT policy_id, version_id, ord FROM near ORDER BY d, policy_id, n"),
                    {**params, "k": limit * (2 if rows is None else 1)}).fetchall()
        position, versions = self.index.position, self.index.version_ids
        found = [(p, o) for p, v, o in found if p in position and versions[position[p]] == v]
        out = np.array([self.index.first_row[p] + o for p, o in found], dtype=np.int64)
        if rows is not None:
            out = out[np.isin(out, rows)]
        return np.unique(out)

    def _cosines(self, query: np.ndarray, rows: np.ndarray) -> tuple[np.ndarray, np.ndarray, list]:
        """(passage cosines, best sentence cosines (NaN: no sentence), each row's [(start, end, cosine)])."""
        n = len(rows)
        passage = np.zeros(n, dtype=np.float32)
        best = np.full(n, np.nan, dtype=np.float32)
        sentences: list[list[tuple[int, int, float]]] = [[] for _ in range(n)]
        if n == 0:
            return passage, best, sentences
        policies, versions, ords = self.index.locate(rows)
        position = {(p, o): i for i, (p, o) in enumerate(zip(policies, ords))}
        store, q = self.index.store, np.asarray(query[0], dtype=np.float32)
        params = {"q": q, "pol": policies, "ver": versions, "ord": ords}
        with store.pool.connection() as conn:
            for p, o, cosine in conn.execute(store.q(
                    "SELECT x.policy_id, x.ord, -(x.embedding <#> %(q)s) FROM {s}.passages x "
                    "JOIN unnest(%(pol)s::text[], %(ver)s::bigint[], %(ord)s::int[]) AS r(policy_id, version_id, ord) "
                    "USING (policy_id, version_id, ord)"), params):
                passage[position[(p, o)]] = cosine
            for p, o, start, end, cosine in conn.execute(store.q(
                    "SELECT x.policy_id, x.passage_ord, x.start_offset, x.end_offset, -(x.embedding <#> %(q)s) "
                    "FROM {s}.sentences x JOIN unnest(%(pol)s::text[], %(ver)s::bigint[], %(ord)s::int[]) "
                    "AS r(policy_id, version_id, passage_ord) USING (policy_id, version_id, passage_ord) "
                    "ORDER BY x.policy_id, x.version_id, x.ord"), params):
                i = position[(p, o)]
                best[i] = cosine if np.isnan(best[i]) else max(best[i], cosine)
                sentences[i].append((start, end, cosine))
        # `hits` marks sentences of rows scored here for the same question: kept, it reads none again.
        self._last_sentences = (q.tobytes(), dict(zip(rows.tolist(), sentences)))
        return passage, best, sentences

    def dense_scores(self, query: np.ndarray, rows: np.ndarray, sentence_weight: float) -> np.ndarray:
        passage, best, _ = self._cosines(query, np.asarray(rows, dtype=np.int64))
        if sentence_weight == 0 or len(rows) == 0:
            return passage
        best = np.where(np.isnan(best), passage, best)  # a passage without sentences is its own best sentence
        return (1 - sentence_weight) * passage + sentence_weight * best

    def policy_sentences(self, policy_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Every sentence of one policy's current version: (spans (n, 2), vectors (n, dimension)), in text
        order (as `Scorer.policy_sentences`)."""
        return self._policy_vectors(policy_id, "sentences")

    def policy_passages(self, policy_id: str) -> tuple[np.ndarray, np.ndarray]:
        """Every passage of one policy's current version: (spans (n, 2), vectors (n, dimension)), in text
        order (as `Scorer.policy_passages`)."""
        return self._policy_vectors(policy_id, "passages")

    def _policy_vectors(self, policy_id: str, table: str) -> tuple[np.ndarray, np.ndarray]:
        ahead = self._read_ahead.pop((table, policy_id), None)
        return ahead if ahead is not None else self._vectors_of([policy_id], table)[policy_id]

    def _vectors_of(self, policy_ids: list[str], table: str) -> dict[str, tuple[np.ndarray, np.ndarray]]:
        """{policy id: (spans (n, 2), vectors (n, dimension))} of `table`'s rows of each policy's current
        version, in text order; one query (vectors in binary: parsing their text took longer than reading)."""
        out = {p: (np.zeros((0, 2), dtype=np.int64), np.zeros((0, self.embedder.dimension), dtype=np.float32))
               for p in policy_ids}
        known = [p for p in policy_ids if p in self.index.position]
        if not known:
            return out
        store = self.index.store
        versions = [int(self.index.version_ids[self.index.position[p]]) for p in known]
        with store.pool.connection() as conn, conn.cursor(binary=True) as cursor:
            found = cursor.execute(store.q(
                f"SELECT x.policy_id, x.start_offset, x.end_offset, x.embedding FROM {{s}}.{table} x "
                "JOIN unnest(%s::text[], %s::bigint[]) AS r(policy_id, version_id) USING (policy_id, version_id) "
                "ORDER BY x.policy_id, x.ord"), (known, versions)).fetchall()
        first = 0
        for last in range(1, len(found) + 1):
            if last == len(found) or found[last][0] != found[first][0]:
                mine = found[first:last]
                out[mine[0][0]] = (np.array([(s, e) for _, s, e, _ in mine], dtype=np.int64),
                                   np.stack([np.asarray(v.to_numpy() if hasattr(v, "to_numpy") else v,
                                                        dtype=np.float32) for _, _, _, v in mine]))
                first = last
        return out

    def token_rows(self, token: str) -> np.ndarray:
        """Rows of the generation holding the bm25s token `token`: its one row of `generation_postings`."""
        return self.index.postings(token)[0]

    def bm25_scores(self, question: str, depth: int = BM25_EXACT_TOP) -> _LazyBM25:
        """BM25 of every row for `question`, exact for the best `depth` rows over every policy and for any
        rows asked for by name (read lazily: see _LazyBM25)."""
        if question not in self._bm25_cache:
            if len(self._bm25_cache) >= 8:
                self._bm25_cache.pop(next(iter(self._bm25_cache)))
            self._bm25_cache[question] = _LazyBM25(self, question)
        scores = self._bm25_cache[question]
        scores.deepen(depth)
        return scores

    def hits(self, query: np.ndarray, rows: np.ndarray, scores: np.ndarray, k: int,
             similarities: np.ndarray) -> list:
        """The `k` best rows as hits, each with its best sentences marked (as `Scorer.hits`)."""
        from qa.index.scoring import pick_highlights, top_stable
        from qa.types import Hit

        order = top_stable(scores, k)
        chosen = np.asarray(rows, dtype=np.int64)[order]
        key, held = self._last_sentences
        if key == np.asarray(query[0], dtype=np.float32).tobytes() and all(r in held for r in chosen.tolist()):
            sentences = [held[r] for r in chosen.tolist()]
        else:
            _, _, sentences = self._cosines(query, chosen)
        similarities = similarities[order]
        out = []
        for rank, (i, passage_row) in enumerate(zip(order, self.index.passages.fetch(chosen))):
            spans = [(s, e) for s, e, _ in sentences[rank]]
            cosines = np.array([c for _, _, c in sentences[rank]], dtype=np.float32)
            out.append(Hit(policy=passage_row.policy, name=self.index.policies[passage_row.policy].name,
                           section=passage_row.section, start=passage_row.start, end=passage_row.end,
                           text=passage_row.text, score=float(scores[i]), passage_id=passage_row.id,
                           highlights=tuple(pick_highlights(spans, cosines)), similarity=float(similarities[rank])))
        return out

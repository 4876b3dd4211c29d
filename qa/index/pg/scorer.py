"""The store's scorer (`PgScorer`): dense candidates and cosines in SQL (pgvector), BM25 through
`qa.index.pg.lexical`, and hits shaped as the answer path expects (see `qa.index.pg`)."""

from __future__ import annotations

import contextlib
from collections.abc import Sequence

import numpy as np

from qa.index.base import QueryCache
from qa.index.pg.lexical import BM25_EXACT_TOP, LazyBM25
from qa.index.pg.reader import PASSAGE_CACHE, PgIndex

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


class PgScorer(QueryCache):
    """The store's `IndexScorer` (`qa.index.base`) over a PgIndex: what the retrievers and the answer path
    call, nothing cached but the last few questions' vectors and BM25 scores (`QueryCache`, as the folder's
    scorer keeps them)."""

    def __init__(self, index: PgIndex, embedder):
        self.index = index
        self.embedder = embedder
        self._query_cache: dict[str, np.ndarray] = {}
        self._bm25_cache: dict[str, LazyBM25] = {}
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

    def bm25_scores(self, question: str, depth: int = BM25_EXACT_TOP) -> LazyBM25:
        """BM25 of every row for `question`, exact for the best `depth` rows over every policy and for any
        rows asked for by name (read lazily: see LazyBM25)."""
        if question not in self._bm25_cache:
            if len(self._bm25_cache) >= 8:
                self._bm25_cache.pop(next(iter(self._bm25_cache)))
            self._bm25_cache[question] = LazyBM25(self, question)
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

"""BM25 in the store: what it indexes of a passage (`bm25_document`, `bm25_tokens`, as the folder does) and
the scores of a question over the generation's postings (`LazyBM25`: MaxScore, so a question over every
policy need not read every posting of its common tokens); see `qa.index.pg`."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

import numpy as np

from qa.index import bm25
from qa.index.bm25 import tf_part
from qa.types import Passage

if TYPE_CHECKING:
    from qa.index.pg.scorer import PgScorer


# BM25 over every policy: the question's rarest tokens' postings are read whole, the common ones' only
# where they can still matter (MaxScore: a token adds at most its weight, since Robertson's tf part is
# below 1), so "How long do you keep my data?" need not read the 535,000 postings of "you", "data", "how".
# The best max(BM25_EXACT_TOP, depth) rows over every policy are exact (ties in row order, as the folder's
# top_stable breaks them), where depth is what the retriever asks for: max(k, candidates), 50 by default.
BM25_EXACT_TOP = 200
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


class LazyBM25:
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

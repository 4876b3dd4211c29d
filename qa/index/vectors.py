"""Vector search over normalised vectors by inner product (cosine similarity): the one module that owns FAISS.

`VectorIndex.build` picks the index by size (exact up to FLAT_MAX_VECTORS rows, an inverted file above,
its `nprobe` tuned on the data to ANN_TARGET_RECALL), `save`/`load` keep it in one FAISS file (nprobe and
the direct map included, so a loaded index searches as the built one did), and `nearest` searches it,
restricted to a set of row ids when asked. Row i is the i-th vector given to `build`.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    import faiss  # imported where used: opening the CLI must not load it

# Exact search up to this many vectors: one scan reads 384 floats a row (~30 MB here), a few ms on one
# core. Above it an inverted file (IVF): k-means cells, a query scans the `nprobe` nearest cells. IVF
# rather than HNSW, measured on this project's 2-core machine: HNSW (M=32) took 25-160 s to build
# 100,000 vectors where IVF took a few, so a million sentences would take tens of minutes; and on
# near-duplicate sentences (boilerplate, which policies are full of) HNSW's recall@10 stayed at
# 0.67-0.81 for efSearch 64-256 where IVF reached 0.99 scanning 1% of the cells. Both support
# reconstruct (IVF through its direct map), which the exact re-scoring in qa.search.retrieval needs.
FLAT_MAX_VECTORS = 20_000
# recall@10 that `nprobe` is tuned to on the data. Real questions scored 0.98-0.99 where tuning queries
# scored 0.99 (30,000 synthetic passages), hence the margin above the 0.98 the bench requires of them.
ANN_TARGET_RECALL = 0.995
ANN_SEED = 1234  # training sample and tuning queries are drawn with it, so a rebuild gives the same index
# A restricted search of an IVF index scans nprobe * (1 / share selected) ** 0.25 cells: the scope's
# nearest rows lie mostly in the query's nearest cells anyway. Measured with each fifth of 300,000
# synthetic passages in scope (evals/bench): exponent 0 gave recall@10 >= 0.993, 0.25 >= 0.998 and 0.5
# 1.000, at p95 answer latencies of 17.7, 19.8 and 23.0 ms. A scope of at most EXHAUSTIVE_SHARE of
# the rows scans every cell, which is exact; few distances are computed, since other rows are skipped
# by id.
EXHAUSTIVE_SHARE = 0.01


class StoredRows:
    """Some rows of a `VectorIndex`, read from it on use: `rows[i]` is `index.reconstruct_batch(ids[i])` as
    float32 (the stored vectors exactly), for a caller that would otherwise keep a copy of them."""

    def __init__(self, index: VectorIndex, ids: np.ndarray):
        self.index = index
        self.ids = np.asarray(ids, dtype=np.int64)

    def __len__(self) -> int:
        return len(self.ids)

    def __getitem__(self, rows) -> np.ndarray:
        ids = np.atleast_1d(self.ids[rows])
        if not len(ids):
            return np.zeros((0, self.index.d), dtype=np.float32)
        return np.asarray(self.index.reconstruct_batch(ids), dtype=np.float32)


def exact_top(vectors: np.ndarray, queries: np.ndarray, k: int) -> np.ndarray:
    """Row numbers of the `k` highest inner products of each query, best first, by exhaustive search."""
    import faiss

    _, rows = faiss.knn(np.ascontiguousarray(queries, dtype=np.float32),
                        np.ascontiguousarray(vectors, dtype=np.float32), k, metric=faiss.METRIC_INNER_PRODUCT)
    return rows


def recall_at_k(found: np.ndarray, exact: np.ndarray, k: int) -> float:
    """Mean share of each query's exact top `k` rows that `found` (its rows, one line a query) holds."""
    return float(np.mean([len(set(f) & set(e)) / k for f, e in zip(found.tolist(), exact.tolist())]))


def _tune_nprobe(index, vectors: np.ndarray, rng: np.random.Generator, k: int = 10,
                 queries: int = 128) -> tuple[int, float]:
    """The smallest power-of-two `nprobe` whose recall@k against exact search reaches ANN_TARGET_RECALL.

    A tuning query is the midpoint of two stored vectors moved by noise as long as itself: like a
    question, it sits between passages rather than on one (cosine ~0.6 to its nearest row). Queries
    made from one stored vector stay inside its cell and let near-duplicate rows (boilerplate
    sentences) tune nprobe too low: 0.96 recall for real questions where these give 0.99.
    """
    count = min(queries, len(vectors))
    picked = (vectors[rng.choice(len(vectors), size=count, replace=False)]
              + vectors[rng.choice(len(vectors), size=count, replace=False)])
    picked /= np.linalg.norm(picked, axis=1, keepdims=True)
    noise = rng.standard_normal(picked.shape).astype(np.float32)
    noise /= np.linalg.norm(noise, axis=1, keepdims=True)
    probe = picked + noise
    probe /= np.linalg.norm(probe, axis=1, keepdims=True)
    exact = exact_top(vectors, probe, k)
    nprobe = 1
    while True:
        index.nprobe = nprobe
        _, found = index.search(probe, k)
        recall = recall_at_k(found, exact, k)
        if recall >= ANN_TARGET_RECALL or nprobe >= index.nlist:
            return nprobe, recall
        nprobe = min(nprobe * 2, index.nlist)


def make_faiss_index(vectors: np.ndarray) -> tuple[faiss.Index, str]:
    """An inner-product FAISS index over normalised vectors (cosine similarity), and its description for the manifest.

    Up to FLAT_MAX_VECTORS rows an exact IndexFlatIP; above, an IndexIVFFlat with about 2*sqrt(n) cells,
    a direct map (so `reconstruct` works) and `nprobe` tuned on the data to ANN_TARGET_RECALL recall@10
    (saved in the index file, so a loaded index searches the same way).
    """
    import faiss

    n, dimension = vectors.shape
    if n <= FLAT_MAX_VECTORS:
        flat = faiss.IndexFlatIP(dimension)
        if n:
            flat.add(vectors)
        return flat, "IndexFlatIP"
    vectors = np.ascontiguousarray(vectors, dtype=np.float32)
    rng = np.random.default_rng(ANN_SEED)
    nlist = int(2 * np.sqrt(n))
    quantizer = faiss.IndexFlatIP(dimension)
    index = faiss.IndexIVFFlat(quantizer, dimension, nlist, faiss.METRIC_INNER_PRODUCT)
    # k-means on a sample of 64 rows a cell, 10 rounds: the cells only route the search, and nprobe is
    # tuned afterwards, so a rougher clustering costs a little speed, never recall.
    index.cp.niter = 10
    index.cp.seed = ANN_SEED
    index.cp.max_points_per_centroid = 64
    sample = vectors[np.sort(rng.choice(n, size=min(n, nlist * 64), replace=False))]
    index.train(sample)
    index.add(vectors)
    index.make_direct_map()
    nprobe, recall = _tune_nprobe(index, vectors, rng)
    index.nprobe = nprobe
    return index, f"IndexIVFFlat(nlist={nlist}, nprobe={nprobe}, tuned recall@10={recall:.3f})"


def search_parameters(index, ids: np.ndarray | None):
    """faiss search parameters that restrict a search of `index` (made by make_faiss_index) to rows `ids`.

    `ids` are distinct row numbers (a policy's passages, or their sentences); None: no restriction, and
    None is returned. A run of consecutive rows becomes an O(1) range selector instead of a hash set of
    every id. An IVF index needs its own parameter type, and scans more cells the smaller the scope
    (see EXHAUSTIVE_SHARE).
    """
    import faiss

    if ids is None:
        return None
    ids = np.asarray(ids, dtype=np.int64)
    selector: faiss.IDSelector
    if len(ids) and int(ids.max()) - int(ids.min()) + 1 == len(ids):  # distinct, so exactly that range
        selector = faiss.IDSelectorRange(int(ids.min()), int(ids.max()) + 1)
    else:
        selector = faiss.IDSelectorBatch(ids)
    if isinstance(index, faiss.IndexIVF):
        share = len(ids) / max(index.ntotal, 1)
        nprobe = (index.nlist if share <= EXHAUSTIVE_SHARE
                  else min(index.nlist, int(np.ceil(index.nprobe * share ** -0.25))))
        return faiss.SearchParametersIVF(sel=selector, nprobe=nprobe)  # type: ignore[call-arg]  # faiss's own kwargs
    return faiss.SearchParameters(sel=selector)  # type: ignore[call-arg]


class VectorIndex:
    """Normalised vectors searched by inner product; row i is the i-th vector given to `build`.

    `faiss` is the FAISS index itself; `description` says which (for the manifest): as built, with the
    tuned recall, or, for a loaded index, its type and IVF cells and nprobe.
    """

    def __init__(self, index: faiss.Index, description: str | None = None):
        self.faiss = index
        self.description = description or self._describe(index)

    @staticmethod
    def _describe(index) -> str:
        import faiss

        if isinstance(index, faiss.IndexIVF):
            return f"IndexIVFFlat(nlist={index.nlist}, nprobe={index.nprobe})"
        return type(index).__name__

    @classmethod
    def build(cls, vectors: np.ndarray) -> VectorIndex:
        """The index `make_faiss_index` picks for `vectors` (an (n, dimension) float32 array of rows of length 1)."""
        return cls(*make_faiss_index(vectors))

    @classmethod
    def load(cls, path: Path) -> VectorIndex:
        """Read a saved index; raises RuntimeError (faiss) when the file is missing or corrupt."""
        import faiss

        return cls(faiss.read_index(str(path)))

    def save(self, path: Path) -> None:
        """Write the index to `path`; faiss reports a failed write (a full disk) as RuntimeError."""
        import faiss

        faiss.write_index(self.faiss, str(path))

    @property
    def ntotal(self) -> int:
        return self.faiss.ntotal

    @property
    def d(self) -> int:
        return self.faiss.d

    def reconstruct(self, row: int) -> np.ndarray:
        return np.asarray(self.faiss.reconstruct(int(row)))

    def reconstruct_batch(self, rows: np.ndarray) -> np.ndarray:
        """The stored vectors of `rows`, in that order (the exact ones, also from an IVF index)."""
        return self.faiss.reconstruct_batch(rows)

    def reconstruct_n(self, start: int = 0, count: int | None = None) -> np.ndarray:
        """`count` stored vectors from row `start` (default: to the end)."""
        return self.faiss.reconstruct_n(start, self.ntotal - start if count is None else count)

    def search(self, queries: np.ndarray, k: int, ids: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(scores, rows) of the `k` nearest rows to each query, best first, as faiss returns them (rows
        of -1 pad a query with fewer); `ids` restricts the search to those distinct rows (None: all)."""
        return self.faiss.search(queries, k, params=search_parameters(self.faiss, ids))

    def nearest(self, query: np.ndarray, k: int, ids: np.ndarray | None = None) -> np.ndarray:
        """Rows of the `k` nearest to one query (a (1, dimension) array), best first, within `ids` (None:
        every row); fewer when fewer rows are in scope."""
        k = min(k, self.ntotal if ids is None else len(ids))
        if k <= 0:
            return np.zeros(0, dtype=np.int64)
        _, found = self.search(query, k, ids)
        return found[0][found[0] >= 0]

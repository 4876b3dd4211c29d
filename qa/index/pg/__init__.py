"""The index in PostgreSQL with pgvector: many readers, many builders, past one machine.

The folder index (`qa.index.store`) stays the default; this store is chosen by `--store postgresql://...` or
$POLICYQA_STORE. It holds what the folder holds, built by the pipeline both builds run
(`qa.index.pipeline`: plan, read, chunk, embedding texts and keys), so both stores index and score the
same passages the same way.

Tables (in the schema `policyqa`; those of a policy's rows keyed by policy id first, the column a Citus
cluster distributes by, see docs/scaling.md):

    policies             one row per *version* of a policy (its text, name, aliases), content-addressed by
                         `version_key` (file sha256, name, aliases, build settings, embedding runtime)
    passages             a version's passages: offsets, section, text, token count, vector
    sentences            a version's sentences (headings left out): offsets, passage, vector
    terms                a version's BM25 postings, one row per bm25s token: its passages, their tf and
                         lengths, and the token's bounds (largest tf, least length/tf)
    generations          a set of policy versions readers may answer from; `current` points at one
    generation_policies  which version of each policy a generation holds, and its first row number
    generation_terms     document frequencies and bounds over a whole generation (BM25's idf, MaxScore)
    generation_postings  a generation's postings of one token over every policy, in row order (written at
                         publish; what a question over every policy reads)
    generation_shards    the shards (`--shard I/N`) of a building generation that have finished

A build writes versions one policy per transaction (a vector whose embedding text is stored already is
copied, not embedded again), then switches `current` to the new generation in one transaction, so a
reader sees the old generation or the new one, never half, and a builder killed at any moment leaves the
previous generation answering (a new build resumes where it stopped: committed versions are reused).
A builder holds a session advisory lock per shard, which the server releases when its connection dies.

Readers are opened by `qa.index.open` (through `qa.index.pg.backend`), never by importing this package;
`PgIndex` and `PgScorer` are its `IndexReader` and `IndexScorer` (`qa.index.base`). Reading mirrors the
folder's `qa.index.folder.Scorer`: passage rows are numbered as the folder
numbers them (policies by id, passages in order), dense candidates come from an exact scan of the
policies in scope (HNSW with an iterative scan when the scope is every policy or over
`scorer.EXACT_MAX_ROWS` passages), and BM25 reads the question's tokens' postings (a scoped question:
its policies' `terms` rows by primary key; one over every policy: `generation_postings`, pruned by
MaxScore, see `lexical.LazyBM25`) and scores them with numpy, with bm25s's own tokenisation and the
formula both stores read from `qa.index.bm25` (Lucene idf, Robertson tf) over the generation's statistics.
"""

from __future__ import annotations

# Light on purpose: the command line imports this package to build its parser (`--help` stays instant),
# so the store's modules (numpy, psycopg) are imported only when a store is used.
from qa.config import ENV_STORE  # re-exported: the store's modules and older callers read it here

SCHEMA = "policyqa"

__all__ = ["ENV_STORE", "SCHEMA"]

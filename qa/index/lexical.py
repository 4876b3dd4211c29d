"""The lexical half of retrieval: BM25 (bm25s, English stemming and stop words) over each passage with its
policy name and section.

Built once per index generation by the build and saved beside the vectors (`bm25/`, bm25s's own format:
numpy arrays and JSON, no pickle), then memory-mapped when an index is opened, so opening a large index
does not rebuild it before the first answer. An index saved without it (older builds) gets it built on
first use, the same way.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path

BM25_FOLDER = "bm25"


def tokenize(texts: Sequence[str], return_ids: bool = True):
    """bm25s tokens of `texts`: lower case, English stop words out, Snowball-stemmed."""
    import bm25s
    import Stemmer

    return bm25s.tokenize(list(texts), stopwords="en", stemmer=Stemmer.Stemmer("english"),
                          return_ids=return_ids, show_progress=False)


def passage_corpus(index) -> list[str]:
    """What BM25 reads of each passage, in row order: its policy's name, its section, its text."""
    return [f"{index.policies[p.policy].name} {p.section} {p.text}" for p in index.passages]


def build_bm25(corpus: Sequence[str]):
    """A bm25s index of `corpus` (an empty corpus gives an index that scores nothing)."""
    import bm25s

    from qa.index.bm25 import K1, METHOD, B

    bm25 = bm25s.BM25(k1=K1, b=B, method=METHOD)  # the parameters the store's formula reads (qa.index.bm25)
    if corpus:
        bm25.index(tokenize(corpus), show_progress=False)
    return bm25


def save_bm25(bm25, folder: Path) -> None:
    """Write `bm25` into `folder`/bm25 (files bm25s chooses; no corpus copy: passages.jsonl has it)."""
    bm25.save(str(folder / BM25_FOLDER), show_progress=False)


def load_bm25(folder: Path):
    """The saved index in `folder`/bm25, memory-mapped; None when there is none (built on first use)."""
    import bm25s

    path = folder / BM25_FOLDER
    if not (path / "params.index.json").is_file():
        return None
    return bm25s.BM25.load(str(path), mmap=True, show_progress=False)

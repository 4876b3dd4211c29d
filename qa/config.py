"""Build and retrieval settings, and where the policies and the index live.

Settings that change what goes into the index are saved in its manifest; loading an index built with
different ones is refused (see `qa.index.store`), because its passages or vectors would no longer match.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass
from pathlib import Path

DEFAULT_MODEL = "all-MiniLM-L6-v2"
RETRIEVERS = ("hybrid", "dense", "bm25")  # first-stage retrievers (qa.search.retrieval)
DEFAULT_RETRIEVER = "hybrid"  # measured best: evals/README.md
PACKAGE_DIR = Path(__file__).resolve().parent  # the `qa` package, wherever it was imported from
PROJECT_ROOT = PACKAGE_DIR.parent  # the source checkout; for an installed wheel, its site-packages folder
# Run from a source checkout (`make run`, the editable install): the checkout's policies/, index/ and models/.
# Installed from a wheel there is no checkout: the models come inside the package (qa/_shipped, mapped onto
# models/ by pyproject.toml) and the default policies/ and index/ are the current directory's.
IN_CHECKOUT = (PROJECT_ROOT / "pyproject.toml").is_file()
SHIPPED_DIR = PROJECT_ROOT / "models" if IN_CHECKOUT else PACKAGE_DIR / "_shipped"  # one folder per model
ENV_POLICIES = "POLICYQA_POLICIES"
ENV_INDEX = "POLICYQA_INDEX"
ENV_MODEL = "POLICYQA_MODEL"
ENV_STORE = "POLICYQA_STORE"  # a postgresql:// URL: the index in PostgreSQL instead of the folder (qa.index.open)


@dataclass(frozen=True)
class BuildSettings:
    """What shapes the index: the embedding model and how policies are cut into passages.

    `chunk_size` and `chunk_overlap` are in characters. `embed_context` prepends the policy name and
    section heading to each passage before embedding it (the stored passage stays a verbatim excerpt).
    """

    model: str = DEFAULT_MODEL
    chunk_size: int = 800
    chunk_overlap: int = 100
    embed_context: bool = True

    def __post_init__(self) -> None:
        if self.chunk_size < 50:
            raise ValueError(f"chunk size must be >= 50 characters, got {self.chunk_size}")
        if not 0 <= self.chunk_overlap < self.chunk_size:
            raise ValueError(
                f"chunk overlap must be >= 0 and below the chunk size ({self.chunk_size}), "
                f"got {self.chunk_overlap}"
            )

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_env(cls, model: str | None = None, **overrides) -> BuildSettings:
        """Defaults, with the model from `model`, else $POLICYQA_MODEL, else the bundled one."""
        chosen = model or os.environ.get(ENV_MODEL) or DEFAULT_MODEL
        return cls(model=chosen, **{k: v for k, v in overrides.items() if v is not None})


@dataclass(frozen=True)
class RetrievalSettings:
    """How a question is answered from an index: the query-time knobs of retrieval and abstention.

    Nothing in the index depends on them, so an engine can answer with other values (`Engine(settings=)`,
    `evals/tune_fusion.py`); evaluation reports record them. What chose each default, and on which data, is
    evals/README.md's provenance table: the two weights by `evals/tune_fusion.py`'s sweep, `abstain_below`
    by `evals/abstention_curve.py`'s; `candidates` and the rerank depths were not tuned.
    """

    sentence_weight: float = 0.5  # dense score = (1 - w) * passage cosine + w * best sentence cosine
    hybrid_weight: float = 0.8  # hybrid score = a * dense score + (1 - a) * BM25 scaled to [0, 1] in scope
    candidates: int = 50  # passages taken from each candidate source (FAISS or pgvector, BM25) before exact scoring
    # Without a reranker, a policy whose best dense score is below this is "not stated"; calibrated on
    # the golden set (evals/abstention_curve.py, int8 ONNX).
    abstain_below: float = 0.49
    # First-stage candidates the reranker sees per policy (or k, when larger): 20 when one policy is asked, 8
    # each when several are (its cost grows with pairs). Set for that cost; no sweep of their quality is recorded.
    rerank_depth_single: int = 20
    rerank_depth_multi: int = 8
    # A question over several policies ("Which companies…?") is answered by a policy only where its deciding
    # sentence scores this (`qa.search.evidence.Decision.score`: cosine to the question, its words, the reranker's
    # passages, practice strength; on the vectors of the model the practice model reads); a weaker one states the
    # practice but not what was asked. Chosen on golden dev (0.85-1.1 swept; cells right 477 -> 509 of 690). Not
    # applied past `qa.search.answer.MANY_POLICIES` policies, where the practice model alone decides most rows.
    across_score: float = 1.0

    def __post_init__(self) -> None:
        for name in ("sentence_weight", "hybrid_weight"):
            if not 0 <= getattr(self, name) <= 1:
                raise ValueError(f"{name.replace('_', ' ')} must be between 0 and 1, got {getattr(self, name)}")
        for name in ("candidates", "rerank_depth_single", "rerank_depth_multi"):
            if getattr(self, name) < 1:
                raise ValueError(f"{name.replace('_', ' ')} must be >= 1, got {getattr(self, name)}")

    def to_dict(self) -> dict:
        return asdict(self)


def cache_root() -> Path:
    """Where derived files are kept (ONNX exports, evaluation indexes): $POLICYQA_CACHE, else ~/.cache/policyqa."""
    return Path(os.environ.get("POLICYQA_CACHE") or Path.home() / ".cache" / "policyqa")


def _data_root() -> Path:
    """Where the default `policies/` and `index/` are: the checkout's root, else the current directory.

    Outside a checkout the current directory, not a hidden user folder: the policies are the user's own
    files, which they put somewhere they can see, and one folder per collection keeps collections apart.
    """
    return PROJECT_ROOT if IN_CHECKOUT else Path.cwd()


def policies_dir(flag: str | os.PathLike | None = None) -> Path:
    """The policies folder: the flag, else $POLICYQA_POLICIES, else `policies/` in the project (outside a
    checkout, in the current directory)."""
    return Path(flag or os.environ.get(ENV_POLICIES) or _data_root() / "policies")


def index_dir(flag: str | os.PathLike | None = None) -> Path:
    """The index folder: the flag, else $POLICYQA_INDEX, else `index/` in the project (outside a checkout,
    in the current directory)."""
    return Path(flag or os.environ.get(ENV_INDEX) or _data_root() / "index")

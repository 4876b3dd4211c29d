"""Building the index from the policies folder: incremental, atomic, one build at a time.

A build runs the pipeline both backends share (`qa.index.pipeline`: plan, read, chunk, embedding texts
and keys) into a generation of the folder. It reuses what the current index already has: a policy whose
file is unchanged keeps its passages, and a passage whose embedding text was embedded before keeps its
vector, so only new or changed text is embedded. It writes a complete new generation inside the index
folder and then switches the folder's manifest to it in one atomic rename (`qa.index.store.save_index`),
so a reader (or a build killed at any moment) only ever sees a whole index. One build at a time: an OS
lock (flock) on a file in the index folder, which the kernel releases when its holder dies, so nothing
stale is ever left to take over.
"""

from __future__ import annotations

import errno
import hashlib
import json
import os
import shutil
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Self

import numpy as np

from qa.config import BuildSettings
from qa.embed.base import VECTOR_RECIPE, Embedder
from qa.errors import BuildError, BuildLocked  # noqa: F401 - raised here; defined in qa.errors
from qa.files import FileLock, LockHeld
from qa.index.lexical import build_bm25, passage_corpus
from qa.index.pipeline import (
    MAX_PASSAGES_PER_POLICY,
    EmbeddingRows,
    Progress,
    check_policies_dir,
    embed_missing,
    embedding_key,
    embedding_text,
    is_unchanged,
    nothing_indexed,
    plan_folder,
    read_and_chunk,
    sentence_embedding_text,
)
from qa.index.store import (
    MANIFEST,
    IndexUnavailable,
    PolicyIndex,
    load_index,
    make_manifest,
    remove_old_generations,
    save_index,
)
from qa.index.vectors import VectorIndex
from qa.ingest.formats import DEFAULT_LIMITS, DEFAULT_MAX_BYTES, Limits, PolicyFileError
from qa.types import Passage, Policy

LOCK_FILE = ".policyqa.lock"  # in the index folder; its presence also marks a folder a first build started


@dataclass
class BuildReport:
    """What a build did. `errors` are the files that were skipped, one line each."""

    skipped: list[PolicyFileError] = field(default_factory=list)  # entries that are not policy files
    warnings: list[str] = field(default_factory=list)  # policies.toml entries dropped, one line each
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    unchanged: list[str] = field(default_factory=list)
    kept_previous: list[str] = field(default_factory=list)  # rejected files whose last good version stays
    errors: list[PolicyFileError] = field(default_factory=list)
    passages: int = 0
    embedded: int = 0
    seconds: float = 0.0
    index: PolicyIndex | None = None

    def summary(self) -> str:
        skipped = f"; skipped {len(self.skipped)} entries that are not policy files" if self.skipped else ""
        policies = len(self.added) + len(self.updated) + len(self.unchanged) + len(self.kept_previous)
        return (f"added {len(self.added)}, updated {len(self.updated)}, removed {len(self.removed)}, "
                f"unchanged {len(self.unchanged)}; {policies} "
                f"policies, {self.passages} passages ({self.embedded} embedded) in {self.seconds:.1f} s{skipped}")


# -- locking -----------------------------------------------------------------------------------------

class BuildLock(FileLock):
    """The build lock: an flock on LOCK_FILE in the index folder (see `qa.files.FileLock`); one
    build at a time, released by the kernel however its holder dies. BuildLocked names the holder."""

    def __init__(self, index_dir: Path):
        super().__init__(Path(index_dir) / LOCK_FILE)

    def __enter__(self) -> Self:
        try:
            super().__enter__()
        except LockHeld as held:
            raise BuildLocked(f"another index build is running ({held.who}); lock file {self.path}") from None
        return self


# -- the build -----------------------------------------------------------------------------------------

def _previous_index(index_dir: Path, settings: BuildSettings, full: bool) -> PolicyIndex | None:
    """The current index when its passages and vectors can be reused for `settings`."""
    if full:
        return None
    try:
        old = load_index(index_dir, model=settings.model)
    except IndexUnavailable:
        return None
    if old.manifest["settings"] != settings.to_dict():
        return None
    # Vectors from another runtime (int8 ONNX against PyTorch) or another recipe differ slightly; never mix them.
    if old.manifest["model"].get("recipe", 1) != VECTOR_RECIPE:
        return None
    from qa.embed.base import requested_backend

    # A manifest without the key predates ONNX, so PyTorch made its vectors; None: an embedder without runtimes.
    return old if old.manifest["model"].get("backend", "torch") in (None, requested_backend()) else None


def _reusable_vectors(old: PolicyIndex | None, settings: BuildSettings) -> dict[str, np.ndarray]:
    """The vectors of `old` by embedding key (model and embedded text), for texts a build embeds again."""
    if old is None or old.vectors.ntotal == 0:
        return {}
    cache = {}
    matrix = old.vectors.reconstruct_n()
    for i, p in enumerate(old.passages):
        cache[embedding_key(settings.model, embedding_text(old.policies[p.policy], p, settings))] = matrix[i]
    if old.sentence_vectors.ntotal:
        sentence_matrix = old.sentence_vectors.reconstruct_n()
        for i, (row, start, end) in enumerate(old.sentences.tolist()):
            passage = old.passages[row]
            text = sentence_embedding_text(old.policies[passage.policy], passage, (start, end), settings)
            cache[embedding_key(settings.model, text)] = sentence_matrix[i]
    return cache


def _matrix(rows: list[np.ndarray], dimension: int) -> np.ndarray:
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, dimension), dtype=np.float32)


def check_index_target(index_dir: Path, policies_dir: Path) -> None:
    """Refuse to write an index anywhere but a missing path, an empty folder or a policyqa index.

    A build writes into the folder and removes its own older generations, so any other target could
    lose files the project did not create: an existing file, a folder of someone's documents, or the
    policies folder itself. A policyqa index is a folder with its manifest, or with the build lock a
    first build left when it was killed. Raises BuildError naming the path.
    """
    target = Path(os.path.abspath(index_dir))
    resolved_target, resolved_source = target.resolve(), Path(os.path.abspath(policies_dir)).resolve()
    if (resolved_target == resolved_source or resolved_source in resolved_target.parents
            or resolved_target in resolved_source.parents):
        raise BuildError(f"refusing to write the index to {index_dir}: it overlaps the policies folder "
                         f"{policies_dir}; choose another --index")
    if target.is_symlink():
        raise BuildError(f"refusing to write the index to {index_dir}: it is a symbolic link; "
                         "give the folder itself")
    if not target.exists():
        return
    if not target.is_dir():
        raise BuildError(f"refusing to write the index to {index_dir}: it is a file, not an index folder")
    if (target / MANIFEST).is_file() or (target / LOCK_FILE).is_file():
        return
    if any(target.iterdir()):
        raise BuildError(f"refusing to write the index to {index_dir}: the folder is not empty and holds no "
                         f"policyqa index ({MANIFEST} missing); choose an empty or new folder")


def _unwritable(index_dir: Path, err: OSError) -> BuildError:
    reason = {errno.ENOSPC: "the disk is full", errno.EDQUOT: "the disk quota is exceeded",
              errno.EROFS: "the file system is read-only", errno.EACCES: "permission denied",
              errno.EPERM: "permission denied"}.get(err.errno or 0, " ".join(str(err.strerror or err).split()))
    return BuildError(f"cannot write the index to {index_dir}: {reason}; the previous index, if any, is unchanged")


def build_index(policies_dir: Path, index_dir: Path, settings: BuildSettings,
                embedder_factory: Callable[[], Embedder], *, full: bool = False,
                max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None,
                limits: Limits = DEFAULT_LIMITS, max_passages: int = MAX_PASSAGES_PER_POLICY) -> BuildReport:
    """Build (or bring up to date) the index in `index_dir` from the files in `policies_dir`.

    Bad files are reported in `BuildReport.errors` and skipped (a file over `max_bytes`, `limits` or
    `max_passages` too); a policy whose file went bad keeps its last good version from the previous
    index. Entries that are not policy files are named in `BuildReport.skipped`, dropped aliases in
    `warnings`. Raises BuildError when no policy at all can be indexed, the policies.toml is malformed,
    or the index cannot be written (a full disk, a read-only folder); BuildLocked when another build is
    running. In every case the previous index is left as it was.
    """
    started = time.perf_counter()
    check_policies_dir(policies_dir)
    check_index_target(index_dir, policies_dir)
    report = BuildReport()
    created = not index_dir.exists()
    try:
        index_dir.mkdir(parents=True, exist_ok=True)
        with BuildLock(index_dir):
            remove_old_generations(index_dir)  # killed builds' half-written generations
            old = _previous_index(index_dir, settings, full)
            policies, passages = _read_policies(policies_dir, old, settings, max_bytes, limits, max_passages, report)
            rows = EmbeddingRows.of(policies, passages, settings)
            vectors, dimension, backend = _embed(rows.all_keys, rows.all_texts, old, settings, embedder_factory,
                                                 progress, report)
            index = _make_index(index_dir, policies, rows, vectors, dimension, backend, settings, started)
            save_index(index, index_dir)
            report.index, report.passages = index, len(rows.passages)
            remove_old_generations(index_dir)
    except OSError as err:
        raise _unwritable(index_dir, err) from None
    finally:
        if created and index_dir.is_dir() and not any(index_dir.iterdir()):
            index_dir.rmdir()  # a first build that failed leaves nothing behind
    report.seconds = time.perf_counter() - started
    return report


def _read_policies(policies_dir: Path, old: PolicyIndex | None, settings: BuildSettings, max_bytes: int,
                   limits: Limits, max_passages: int,
                   report: BuildReport) -> tuple[dict[str, Policy], dict[str, list[Passage]]]:
    """Each policy file read (or its previous version reused, when `is_unchanged`): policies and passages by id.

    A file that cannot be indexed goes to `report.errors`; a policy whose file went bad keeps its
    previous version (`kept_previous`), one whose file is gone is `removed`.
    """
    from qa.ingest.uploads import remove_stale_parts

    remove_stale_parts(policies_dir)  # temporary files of an `index add` that was killed
    plan = plan_folder(policies_dir, report.warnings)
    report.skipped = plan.skipped
    old_meta = old.manifest["policies"] if old else {}
    old_passages: dict[str, list[Passage]] = {}
    for passage in old.passages if old else ():
        old_passages.setdefault(passage.policy, []).append(passage)
    policies: dict[str, Policy] = {}
    passages: dict[str, list[Passage]] = {}
    for entry in plan.entries:
        if isinstance(entry, PolicyFileError):
            report.errors.append(entry)
            continue
        previous = old.policies.get(entry.policy_id) if old else None
        if previous is not None and is_unchanged(previous, entry):
            policy, chunks = previous, old_passages.get(previous.id, [])
        else:
            try:
                policy, chunks = read_and_chunk(entry.path, plan.metadata, settings, max_bytes, limits, max_passages)
            except PolicyFileError as err:
                report.errors.append(err)
                continue
        policies[policy.id], passages[policy.id] = policy, chunks
        (report.unchanged if policy is previous else report.updated if policy.id in old_meta
         else report.added).append(policy.id)

    rejected_ids = {err.path.stem for err in report.errors}
    for policy_id in old_meta:
        if policy_id in policies:
            continue
        if policy_id in rejected_ids and old is not None and policy_id in old.policies:
            policies[policy_id], passages[policy_id] = old.policies[policy_id], old_passages.get(policy_id, [])
            report.kept_previous.append(policy_id)
        else:
            report.removed.append(policy_id)
    if not policies:
        raise nothing_indexed(policies_dir, report.errors)
    return policies, passages


def _embed(keys: list[str], texts: list[str], old: PolicyIndex | None, settings: BuildSettings,
           embedder_factory: Callable[[], Embedder], progress: Progress | None,
           report: BuildReport) -> tuple[dict[str, np.ndarray], int, str | None]:
    """A vector for each embedding key: `old`'s where it embedded the same text, else embedded now.

    Texts are embedded once each, shortest first, 64 at a time (`progress` after each batch). Returns the
    vectors by key, their dimension and the embedder's backend (None: one without runtimes).
    """
    vectors = _reusable_vectors(old, settings)
    dimension = old.manifest["model"]["dimension"] if old else None
    backend = old.manifest["model"].get("backend") if old else None
    used: list[Embedder] = []

    def embedder() -> Embedder:
        used.append(embedder_factory())
        return used[-1]

    report.embedded = embed_missing(keys, texts, vectors, embedder, progress)
    if used:
        dimension = used[0].dimension
        backend = getattr(used[0], "backend", None)
    if dimension is None:  # nothing to embed and nothing before: only possible with zero passages
        dimension = embedder_factory().dimension
    return vectors, dimension, backend


def _make_index(index_dir: Path, policies: dict[str, Policy], rows: EmbeddingRows, vectors: dict[str, np.ndarray],
                dimension: int, backend: str | None, settings: BuildSettings, started: float) -> PolicyIndex:
    """The index of `rows`: its vector indexes, its manifest and its BM25 (built once here, saved with the
    generation and kept on the index for the build's callers)."""
    passage_vectors = VectorIndex.build(_matrix([vectors[k] for k in rows.keys], dimension))
    sentence_vectors = VectorIndex.build(_matrix([vectors[k] for k in rows.sentence_keys], dimension))
    built_at = datetime.now(UTC).isoformat(timespec="seconds")
    policy_list = [policies[pid] for pid in sorted(policies)]
    manifest = make_manifest(settings, dimension, policy_list, rows.passages, len(rows.sentences), built_at,
                             time.perf_counter() - started, passage_vectors.description,
                             backend=backend, sentence_index=sentence_vectors.description)
    index = PolicyIndex(path=index_dir, manifest=manifest, policies={p.id: p for p in policy_list},
                        passages=rows.passages, vectors=passage_vectors,
                        sentences=np.array(rows.sentences, dtype=np.int64).reshape(len(rows.sentences), 3),
                        sentence_vectors=sentence_vectors)
    if rows.passages:
        index.bm25 = build_bm25(passage_corpus(index))
    return index


def cached_index(policies: Sequence[Policy], settings: BuildSettings, embedder_factory: Callable[[], Embedder],
                 purpose: str, source_dir: Path | None = None, progress: Progress | None = None) -> Path:
    """Index `policies` with the product's own build into a folder under the cache; returns the index folder.

    For evaluation and tuning over other corpora or settings. The folder is named by the policies and
    `settings`, so a second run reuses it (the build itself brings it up to date). Policies read from
    `source_dir` are copied from their files, with its policies.toml; others (SQuAD articles) are
    written from their text. Raises BuildError when a policy cannot be indexed.
    """
    from qa.config import cache_root

    digest = hashlib.sha256()
    for policy in sorted(policies, key=lambda p: p.id):
        digest.update(f"{policy.id}\0{policy.name}\0{policy.sha256 or policy.text}\0".encode())
    digest.update(json.dumps(settings.to_dict(), sort_keys=True).encode())
    root = cache_root() / f"{purpose}-{digest.hexdigest()[:16]}"
    source = root / "policies"
    source.mkdir(parents=True, exist_ok=True)
    for policy in policies:
        if source_dir is not None and policy.source:
            target = source / policy.source
            if not target.exists():
                shutil.copyfile(source_dir / policy.source, target)
        else:
            target = source / f"{policy.id}.txt"
            if not target.exists():
                target.write_text(policy.text, encoding="utf-8", newline="")
    if source_dir is not None and (source_dir / "policies.toml").is_file():
        shutil.copyfile(source_dir / "policies.toml", source / "policies.toml")
    report = build_index(source, root / "index", settings, embedder_factory, progress=progress)
    if report.errors:
        raise BuildError(f"could not index the policies: {report.errors[0]}")
    return root / "index"

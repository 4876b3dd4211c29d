"""Building the index from the policies folder: incremental, atomic, one build at a time.

A build reuses what the current index already has: a policy whose file is unchanged keeps its passages,
and a passage whose embedding text was embedded before keeps its vector, so only new or changed text is
embedded. It writes a complete new index into a temporary folder beside the target and swaps it in with
one atomic rename, so a reader (or a build killed at any moment) only ever sees a whole index.
"""

from __future__ import annotations

import ctypes
import ctypes.util
import hashlib
import json
import os
import shutil
import socket
import time
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from pathlib import Path
from typing import Callable

import numpy as np

from qa.chunking import Passage, chunk_policy
from qa.embedding import Embedder
from qa.formats import DEFAULT_MAX_BYTES, SUPPORTED_SUFFIXES, PolicyFileError
from qa.highlight import split_sentences
from qa.policies import Policy, file_sha256, policy_files, read_metadata, read_policy
from qa.settings import BuildSettings
from qa.store import IndexUnavailable, PolicyIndex, load_index, make_manifest, save_index

Progress = Callable[[int, int], None]  # (passages embedded so far, passages to embed)


class BuildError(RuntimeError):
    """The build could not produce an index; the previous one, if any, is untouched."""


class BuildLocked(BuildError):
    """Another build holds the lock."""


@dataclass
class BuildReport:
    """What a build did. `errors` are the files that were skipped, one line each."""

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
        return (f"added {len(self.added)}, updated {len(self.updated)}, removed {len(self.removed)}, "
                f"unchanged {len(self.unchanged)}; {len(self.added) + len(self.updated) + len(self.unchanged) + len(self.kept_previous)} "
                f"policies, {self.passages} passages ({self.embedded} embedded) in {self.seconds:.1f} s")


def embedding_text(policy: Policy, passage: Passage, settings: BuildSettings) -> str:
    """What is embedded for a passage: with `embed_context`, its policy name and section come first."""
    if not settings.embed_context:
        return passage.text
    heading = f"{policy.name} - {passage.section}" if passage.section else policy.name
    return f"{heading}\n{passage.text}"


def passage_units(policy: Policy, passage: Passage) -> list[tuple[int, int]]:
    """The sentences of a passage as (start, end) policy offsets, headings left out (they are no answer)."""
    headings = {(start, start + len(title)) for start, title in policy.headings}
    return [span for span in split_sentences(passage.text, offset=passage.start) if span not in headings]


def unit_embedding_text(policy: Policy, passage: Passage, span: tuple[int, int], settings: BuildSettings) -> str:
    sentence = policy.text[span[0]:span[1]]
    return embedding_text(policy, replace(passage, text=sentence), settings)


def _embedding_key(model: str, text: str) -> str:
    return hashlib.sha256(f"{model}\0{text}".encode()).hexdigest()


# -- locking -----------------------------------------------------------------------------------------

def _pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True
    return True


class BuildLock:
    """An exclusive lock file beside the index; a lock left by a dead process is taken over."""

    def __init__(self, index_dir: Path):
        self.path = index_dir.parent / f".{index_dir.name}.lock"

    def __enter__(self) -> "BuildLock":
        self.path.parent.mkdir(parents=True, exist_ok=True)
        for _ in range(2):
            try:
                fd = os.open(self.path, os.O_CREAT | os.O_EXCL | os.O_WRONLY, 0o644)
            except FileExistsError:
                holder = self._holder()
                if holder and holder.get("host") == socket.gethostname() and not _pid_alive(holder.get("pid", -1)):
                    self.path.unlink(missing_ok=True)  # stale: its build was killed
                    continue
                who = (f"pid {holder.get('pid')} on {holder.get('host')}, since {holder.get('since')}"
                       if holder else "unknown holder")
                raise BuildLocked(f"another index build is running ({who}); lock file {self.path}")
            with os.fdopen(fd, "w") as fh:
                json.dump({"pid": os.getpid(), "host": socket.gethostname(),
                           "since": datetime.now(timezone.utc).isoformat(timespec="seconds")}, fh)
            return self
        raise BuildLocked(f"could not take the build lock {self.path}")

    def _holder(self) -> dict | None:
        try:
            return json.loads(self.path.read_text())
        except (OSError, ValueError):
            return None

    def __exit__(self, *exc) -> None:
        self.path.unlink(missing_ok=True)


# -- swapping a finished index in --------------------------------------------------------------------

_RENAME_EXCHANGE = 2


def _exchange(a: Path, b: Path) -> bool:
    """Atomically swap two paths with Linux renameat2(RENAME_EXCHANGE); False where unsupported."""
    libc_name = ctypes.util.find_library("c")
    if not libc_name:
        return False
    libc = ctypes.CDLL(libc_name, use_errno=True)
    renameat2 = getattr(libc, "renameat2", None)
    if renameat2 is None:
        return False
    at_fdcwd = -100
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), _RENAME_EXCHANGE)
    return result == 0


def swap_in(new: Path, target: Path) -> None:
    """Make the finished index folder `new` the index at `target`, atomically where the OS allows."""
    if not target.exists():
        os.rename(new, target)
        return
    if not _exchange(new, target):
        # Not Linux: two renames. A crash between them leaves the old index beside the target.
        retired = target.with_name(f".{target.name}.old-{os.getpid()}")
        os.rename(target, retired)
        os.rename(new, target)
        new = retired
    shutil.rmtree(new, ignore_errors=True)


# -- the build -----------------------------------------------------------------------------------------

def _previous_index(index_dir: Path, settings: BuildSettings, full: bool) -> PolicyIndex | None:
    """The current index when its passages and vectors can be reused for `settings`."""
    if full:
        return None
    try:
        old = load_index(index_dir, model=settings.model)
    except IndexUnavailable:
        return None
    return old if old.manifest["settings"] == settings.to_dict() else None


def _reusable_vectors(old: PolicyIndex | None, settings: BuildSettings) -> dict[str, np.ndarray]:
    if old is None or old.vectors.ntotal == 0:
        return {}
    cache = {}
    matrix = old.vectors.reconstruct_n(0, old.vectors.ntotal)
    for i, p in enumerate(old.passages):
        cache[_embedding_key(settings.model, embedding_text(old.policies[p.policy], p, settings))] = matrix[i]
    if old.unit_vectors.ntotal:
        units = old.unit_vectors.reconstruct_n(0, old.unit_vectors.ntotal)
        for i, (row, start, end) in enumerate(old.units.tolist()):
            passage = old.passages[row]
            text = unit_embedding_text(old.policies[passage.policy], passage, (start, end), settings)
            cache[_embedding_key(settings.model, text)] = units[i]
    return cache


def _matrix(rows: list[np.ndarray], dimension: int) -> np.ndarray:
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, dimension), dtype=np.float32)


def make_faiss_index(vectors: np.ndarray) -> tuple["faiss.Index", str]:  # noqa: F821
    """An exact inner-product index over unit vectors (cosine similarity), and its description."""
    import faiss

    index = faiss.IndexFlatIP(vectors.shape[1])
    if len(vectors):
        index.add(vectors)
    return index, "IndexFlatIP"


def build_index(policies_dir: Path, index_dir: Path, settings: BuildSettings,
                embedder_factory: Callable[[], Embedder], *, full: bool = False,
                max_bytes: int = DEFAULT_MAX_BYTES, progress: Progress | None = None) -> BuildReport:
    """Build (or bring up to date) the index in `index_dir` from the files in `policies_dir`.

    Bad files are reported in `BuildReport.errors` and skipped; a policy whose file went bad keeps its
    last good version from the previous index. Raises BuildError when no policy at all can be indexed,
    BuildLocked when another build is running; in both cases the previous index is left as it was.
    """
    started = time.perf_counter()
    if not policies_dir.is_dir():
        raise BuildError(f"policies folder not found: {policies_dir}")
    report = BuildReport()
    with BuildLock(index_dir):
        old = _previous_index(index_dir, settings, full)
        old_meta = old.manifest["policies"] if old else {}
        metadata = read_metadata(policies_dir)
        policies: dict[str, Policy] = {}
        passages: dict[str, list[Passage]] = {}
        for path in policy_files(policies_dir):
            policy_id = path.stem
            try:
                if path.suffix.lower() not in SUPPORTED_SUFFIXES:
                    raise PolicyFileError(path, f"unsupported file type '{path.suffix or '(none)'}' "
                                                f"(supported: {', '.join(SUPPORTED_SUFFIXES)})")
                if policy_id in policies:
                    raise PolicyFileError(path, f"same policy id '{policy_id}' as {policies[policy_id].source}; "
                                                "rename one of them")
                sha = file_sha256(path)
                previous = old.policies.get(policy_id) if old else None
                meta = metadata.get(policy_id, {})
                if (previous is not None and previous.sha256 == sha and previous.source == path.name
                        and previous.name == str(meta.get("name") or previous.name)
                        and list(previous.aliases) == [str(a) for a in meta.get("aliases", previous.aliases)]):
                    policies[policy_id] = previous
                    passages[policy_id] = [p for p in old.passages if p.policy == policy_id]
                    report.unchanged.append(policy_id)
                    continue
                policy = read_policy(path, metadata, max_bytes)
            except PolicyFileError as err:
                report.errors.append(err)
                continue
            policies[policy_id] = policy
            passages[policy_id] = chunk_policy(policy, settings.chunk_size, settings.chunk_overlap)
            (report.updated if policy_id in old_meta else report.added).append(policy_id)

        rejected_ids = {err.path.stem for err in report.errors}
        for policy_id in old_meta:
            if policy_id in policies:
                continue
            if policy_id in rejected_ids and old is not None and policy_id in old.policies:
                policies[policy_id] = old.policies[policy_id]
                passages[policy_id] = [p for p in old.passages if p.policy == policy_id]
                report.kept_previous.append(policy_id)
            else:
                report.removed.append(policy_id)
        if not policies:
            reasons = "; ".join(str(e) for e in report.errors[:3]) or "no policy files"
            raise BuildError(f"no policy could be indexed from {policies_dir} ({reasons})")

        ordered = [p for pid in sorted(policies) for p in passages[pid]]
        units = [(row, *span) for row, p in enumerate(ordered) for span in passage_units(policies[p.policy], p)]
        texts = [embedding_text(policies[p.policy], p, settings) for p in ordered]
        unit_texts = [unit_embedding_text(policies[ordered[row].policy], ordered[row], (s, e), settings)
                      for row, s, e in units]
        keys = [_embedding_key(settings.model, t) for t in texts]
        unit_keys = [_embedding_key(settings.model, t) for t in unit_texts]
        cached = _reusable_vectors(old, settings)
        missing = sorted({k: t for k, t in zip(keys + unit_keys, texts + unit_texts) if k not in cached}.items(),
                         key=lambda kt: len(kt[1]))
        dimension = old.manifest["model"]["dimension"] if old else None
        if missing:
            embedder = embedder_factory()
            dimension = embedder.dimension
            batch = 64
            for i in range(0, len(missing), batch):
                chunk = missing[i:i + batch]
                for (key, _), vector in zip(chunk, embedder.embed([t for _, t in chunk], batch_size=batch)):
                    cached[key] = vector
                if progress:
                    progress(min(i + batch, len(missing)), len(missing))
        report.embedded = len(missing)
        if dimension is None:  # nothing to embed and nothing before: only possible with zero passages
            dimension = embedder_factory().dimension
        vectors, kind = make_faiss_index(_matrix([cached[k] for k in keys], dimension))
        unit_vectors, _ = make_faiss_index(_matrix([cached[k] for k in unit_keys], dimension))
        report.passages = len(ordered)
        built_at = datetime.now(timezone.utc).isoformat(timespec="seconds")
        policy_list = [policies[pid] for pid in sorted(policies)]
        manifest = make_manifest(settings, dimension, policy_list, ordered, len(units), built_at,
                                 time.perf_counter() - started, kind)
        index = PolicyIndex(path=index_dir, manifest=manifest, policies={p.id: p for p in policy_list},
                            passages=ordered, vectors=vectors,
                            units=np.array(units, dtype=np.int64).reshape(len(units), 3), unit_vectors=unit_vectors)
        for leftover in index_dir.parent.glob(f".{index_dir.name}.building-*"):
            # A killed build's half-written folder; we hold the lock, so no live build owns it.
            shutil.rmtree(leftover, ignore_errors=True)
        staging = index_dir.parent / f".{index_dir.name}.building-{os.getpid()}"
        try:
            save_index(index, staging)
            swap_in(staging, index_dir)
        finally:
            shutil.rmtree(staging, ignore_errors=True)
        report.index = index
    report.seconds = time.perf_counter() - started
    return report

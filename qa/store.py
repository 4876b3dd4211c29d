"""The index on disk: a folder of plain files, one manifest, no pickle.

    manifest.json      format and package version, model id and dimension, chunker settings,
                       sha256 and passage count per policy, build time
    vectors.faiss      one vector per passage, row i <-> line i of passages.jsonl
    passages.jsonl     the passages (policy, section, start, end, text)
    policies.jsonl     each policy's text as indexed (what offsets point into), name, aliases, headings
    units.faiss        one vector per sentence of each passage (headings left out), row i <-> line i of
    units.jsonl        [passage row, start, end]: finer units that score passages and pick highlights

Loading checks everything it can before answering anything: a missing, corrupt or incompatible index is
an `IndexUnavailable` whose message tells the user to rebuild.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from qa import __version__
from qa.chunking import Passage
from qa.policies import Policy
from qa.settings import BuildSettings

FORMAT_VERSION = 2
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
PASSAGES = "passages.jsonl"
POLICIES = "policies.jsonl"
UNIT_VECTORS = "units.faiss"
UNITS = "units.jsonl"
REBUILD_HINT = "run `policyqa index build`"


class IndexUnavailable(RuntimeError):
    """The index cannot be used as it is; the message is one line and says how to fix it."""


@dataclass
class PolicyIndex:
    """A loaded index: passages in row order, their vectors, and the policies they quote."""

    path: Path | None
    manifest: dict
    policies: dict[str, Policy]
    passages: list[Passage]
    vectors: "faiss.Index"  # noqa: F821 - faiss is imported lazily
    units: np.ndarray  # (n, 3) int64: passage row, start, end (offsets into the policy text)
    unit_vectors: "faiss.Index"  # noqa: F821

    @property
    def settings(self) -> BuildSettings:
        return BuildSettings(**self.manifest["settings"])

    def rows_of(self, policy_ids: list[str] | None) -> np.ndarray | None:
        """Row numbers of the passages of `policy_ids` (None: every row)."""
        if policy_ids is None:
            return None
        wanted = set(policy_ids)
        return np.fromiter((i for i, p in enumerate(self.passages) if p.policy in wanted), dtype=np.int64)


def _write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def save_index(index: PolicyIndex, folder: Path) -> None:
    """Write every file of `index` into `folder` (created if needed); the manifest goes last."""
    import faiss

    folder.mkdir(parents=True, exist_ok=True)
    faiss.write_index(index.vectors, str(folder / VECTORS))
    _write_jsonl(folder / PASSAGES, (p.to_dict() for p in index.passages))
    _write_jsonl(folder / POLICIES, (p.to_dict() for p in index.policies.values()))
    faiss.write_index(index.unit_vectors, str(folder / UNIT_VECTORS))
    _write_jsonl(folder / UNITS, (row.tolist() for row in index.units))
    (folder / MANIFEST).write_text(json.dumps(index.manifest, indent=2, ensure_ascii=False) + "\n",
                                   encoding="utf-8")


def make_manifest(settings: BuildSettings, dimension: int, policies: list[Policy], passages: list[Passage],
                  unit_count: int, built_at: str, build_seconds: float, faiss_index: str,
                  backend: str | None = None, unit_index: str | None = None) -> dict:
    counts: dict[str, int] = {}
    for passage in passages:
        counts[passage.policy] = counts.get(passage.policy, 0) + 1
    return {
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "model": {"id": settings.model, "dimension": dimension, "backend": backend},
        "chunker": {"splitter": "RecursiveCharacterTextSplitter", "chunk_size": settings.chunk_size,
                    "chunk_overlap": settings.chunk_overlap, "embed_context": settings.embed_context},
        "settings": settings.to_dict(),
        "faiss_index": faiss_index,
        "unit_index": unit_index or faiss_index,
        "policies": {p.id: {"name": p.name, "source": p.source, "sha256": p.sha256,
                            "passages": counts.get(p.id, 0)} for p in policies},
        "passage_count": len(passages),
        "unit_count": unit_count,
        "built_at": built_at,
        "build_seconds": round(build_seconds, 3),
    }


def read_manifest(folder: Path) -> dict:
    """The manifest of the index in `folder`; IndexUnavailable when it is missing or unreadable."""
    path = folder / MANIFEST
    if not path.is_file():
        raise IndexUnavailable(f"no index at {folder}: {REBUILD_HINT}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
        manifest["settings"], manifest["model"]["id"]  # noqa: B018 - required keys
    except (ValueError, KeyError, TypeError, UnicodeDecodeError) as err:
        raise IndexUnavailable(f"index manifest at {path} is corrupt ({type(err).__name__}): {REBUILD_HINT}") from err
    return manifest


def check_compatible(manifest: dict, model: str | None, folder: Path) -> None:
    """Refuse an index this code or this model cannot use.

    Only what changes query-time results is compared: the format (how files are laid out) and the model
    (questions must be embedded by the model that embedded the passages). Chunk settings shape the
    passages but any chunking is valid to search, so they are recorded, not enforced.
    """
    version = manifest.get("format_version")
    if version != FORMAT_VERSION:
        raise IndexUnavailable(
            f"index at {folder} has format {version}, this policyqa reads format {FORMAT_VERSION}: {REBUILD_HINT}")
    built_with = manifest["model"]["id"]
    if model is not None and built_with != model:
        raise IndexUnavailable(
            f"index at {folder} was built with model '{built_with}', not '{model}': "
            f"run `policyqa index build --model {model}`")


def load_index(folder: Path, model: str | None = None) -> PolicyIndex:
    """Load and verify the index in `folder`; `model`, when given, must be the model it was built with.

    Raises IndexUnavailable (one line, naming the fix) when the index is missing, corrupt or incompatible.
    """
    import faiss

    manifest = read_manifest(folder)
    check_compatible(manifest, model, folder)
    try:
        passages = [Passage(**row) for row in _read_jsonl(folder / PASSAGES)]
        policies = {row["id"]: Policy.from_dict(row) for row in _read_jsonl(folder / POLICIES)}
        vectors = faiss.read_index(str(folder / VECTORS))
        unit_rows = _read_jsonl(folder / UNITS)
        units = np.array(unit_rows, dtype=np.int64).reshape(len(unit_rows), 3)
        unit_vectors = faiss.read_index(str(folder / UNIT_VECTORS))
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as err:
        raise IndexUnavailable(f"index at {folder} is corrupt ({type(err).__name__}): {REBUILD_HINT}") from err
    problems = []
    if vectors.ntotal != len(passages) or len(passages) != manifest.get("passage_count"):
        problems.append(f"{vectors.ntotal} vectors for {len(passages)} passages")
    if unit_vectors.ntotal != len(units) or len(units) != manifest.get("unit_count"):
        problems.append(f"{unit_vectors.ntotal} unit vectors for {len(units)} units")
    if vectors.d != manifest["model"]["dimension"]:
        problems.append(f"vectors of dimension {vectors.d}, model has {manifest['model']['dimension']}")
    for passage in passages[:: max(1, len(passages) // 50)]:  # a sample: offsets still quote the text
        policy = policies.get(passage.policy)
        if policy is None or policy.text[passage.start:passage.end] != passage.text:
            problems.append(f"passage {passage.id} does not match its policy text")
            break
    if problems:
        raise IndexUnavailable(f"index at {folder} is inconsistent ({problems[0]}): {REBUILD_HINT}")
    return PolicyIndex(path=folder, manifest=manifest, policies=policies, passages=passages, vectors=vectors,
                       units=units, unit_vectors=unit_vectors)

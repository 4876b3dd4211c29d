"""The index on disk: a folder of plain files, one manifest, no pickle.

    manifest.json          the current generation's manifest, plus "generation": the folder that holds
                           its files. Written last and atomically (os.replace): it is the one pointer
                           a build switches, so a reader sees the old index or the new one, never a mix.
    gen-<time>-<pid>-<id>/ one generation, never modified once the manifest points at it:
        manifest.json      format and package version, model id and dimension, chunker settings,
                           sha256 and passage count per policy, build time
        vectors.faiss      one vector per passage, row i <-> line i of passages.jsonl
        passages.jsonl     the passages (policy, section, start, end, text)
        policies.jsonl     each policy's text as indexed (what offsets point into), name, aliases, headings
        sentences.faiss    one vector per sentence of each passage (headings left out), row i <-> line i of
        sentences.jsonl    [passage row, start, end]: the sentences that score passages and pick highlights

A reader resolves the pointer once and reads only that generation's files. A build keeps the
generation it replaced (a reader may have just resolved it) and deletes older ones; a reader that was
slower than two whole builds finds its generation gone and resolves the pointer again. An index
written before generations (the files beside manifest.json) still loads.

Loading checks everything it can before answering anything: a missing, corrupt or incompatible index is
an `IndexUnavailable` whose message tells the user to rebuild.
"""

from __future__ import annotations

import json
import os
import re
import secrets
import shutil
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

import numpy as np

from qa import __version__
from qa.config import BuildSettings
from qa.embed.base import VECTOR_RECIPE
from qa.errors import IndexUnavailable  # noqa: F401 - raised here; defined in qa.errors
from qa.files import atomic_write, fsync_path
from qa.index.vectors import VectorIndex
from qa.types import Passage, Policy

FORMAT_VERSION = 3  # 3: the sentence files and keys named for sentences; an index of format 2 is rebuilt
MANIFEST = "manifest.json"
VECTORS = "vectors.faiss"
PASSAGES = "passages.jsonl"
POLICIES = "policies.jsonl"
SENTENCE_VECTORS = "sentences.faiss"
SENTENCES = "sentences.jsonl"
DATA_FILES = (VECTORS, PASSAGES, POLICIES, SENTENCE_VECTORS, SENTENCES)
REBUILD_HINT = "run `policyqa index build`"
GENERATION = re.compile(r"gen-\d{8}T\d{6}-\d+-[0-9a-f]{6}")
LEGACY_GENERATION = "."  # an index written before generations: its files beside the manifest
# Keys every manifest has; a missing one is a corrupt index (rebuild), never a KeyError later.
_REQUIRED: dict[str, type | tuple[type, ...]] = {
    "format_version": int, "package_version": str, "model": dict, "chunker": dict, "settings": dict,
    "faiss_index": str, "policies": dict, "passage_count": int, "sentence_count": int, "built_at": str,
    "build_seconds": (int, float)}


@dataclass
class PolicyIndex:
    """A loaded index: passages in row order, their vectors, and the policies they quote."""

    path: Path | None
    manifest: dict
    policies: dict[str, Policy]
    passages: list[Passage]
    vectors: VectorIndex  # one per passage, row i <-> passages[i]
    sentences: np.ndarray  # (n, 3) int64: passage row, start, end (offsets into the policy text)
    sentence_vectors: VectorIndex  # one per sentence, row i <-> sentences[i]
    bm25: object | None = None  # the saved bm25s index (qa.index.lexical), memory-mapped; None: built on first use

    @property
    def settings(self) -> BuildSettings:
        return BuildSettings(**self.manifest["settings"])

    def refresh(self) -> bool:
        """Always False: a loaded folder index never changes under its reader (a rebuild writes a new
        generation, which a new `load_index` reads)."""
        return False


def _write_jsonl(path: Path, rows) -> None:
    with path.open("w", encoding="utf-8") as fh:
        for row in rows:
            fh.write(json.dumps(row, ensure_ascii=False) + "\n")


def _read_jsonl(path: Path) -> list[dict]:
    with path.open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def _write_json_atomically(path: Path, data: dict) -> None:
    atomic_write(path, json.dumps(data, indent=2, ensure_ascii=False) + "\n")


def current_generation(folder: Path) -> str | None:
    """The generation the manifest in `folder` points at (LEGACY_GENERATION for an older index), or None."""
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return None
    if not isinstance(manifest, dict):
        return None
    generation = manifest.get("generation", LEGACY_GENERATION)
    return generation if generation == LEGACY_GENERATION or GENERATION.fullmatch(str(generation)) else None


def save_index(index: PolicyIndex, folder: Path) -> str:
    """Publish `index` as a new generation in `folder` (created if needed); returns the generation's name.

    The generation's files are written and synced first, then the top-level manifest is switched to it
    in one atomic rename. On any error (a full disk, a read-only folder: OSError) the half-written
    generation is removed and the previous index stays current. One writer at a time: callers hold
    `qa.index.build.BuildLock`.
    """
    folder.mkdir(parents=True, exist_ok=True)
    previous = current_generation(folder)
    name = f"gen-{datetime.now(UTC):%Y%m%dT%H%M%S}-{os.getpid()}-{secrets.token_hex(3)}"
    generation = folder / name
    try:
        generation.mkdir()
        index.vectors.save(generation / VECTORS)
        _write_jsonl(generation / PASSAGES, (p.to_dict() for p in index.passages))
        _write_jsonl(generation / POLICIES, (p.to_dict() for p in index.policies.values()))
        index.sentence_vectors.save(generation / SENTENCE_VECTORS)
        _write_jsonl(generation / SENTENCES, (row.tolist() for row in index.sentences))
        _write_json_atomically(generation / MANIFEST, index.manifest)
        if index.passages:
            from qa.index.lexical import BM25_FOLDER, build_bm25, passage_corpus, save_bm25

            save_bm25(index.bm25 if index.bm25 is not None else build_bm25(passage_corpus(index)), generation)
            for saved in (generation / BM25_FOLDER).iterdir():
                fsync_path(saved)
        for data_file in DATA_FILES:
            fsync_path(generation / data_file)
        fsync_path(generation)
        pointer = {**index.manifest, "generation": name}
        if previous:
            pointer["previous_generation"] = previous
        _write_json_atomically(folder / MANIFEST, pointer)  # the switch to the new generation
        fsync_path(folder)
    except BaseException as err:
        shutil.rmtree(generation, ignore_errors=True)
        if isinstance(err, RuntimeError):  # faiss reports a failed write (a full disk) as RuntimeError
            raise OSError(f"could not write {generation.name}: {' '.join(str(err).split())[:200]}") from err
        raise
    return name


def remove_old_generations(folder: Path) -> list[str]:
    """Delete the generations in `folder` that neither the manifest nor its predecessor point at.

    Only names this module creates are touched (gen-..., and an older index's own data files), never
    anything else in the folder. Returns what was removed. Callers hold the build lock.
    """
    try:
        manifest = json.loads((folder / MANIFEST).read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError):
        return []  # no readable pointer: nothing can be proven unused
    keep = {manifest.get("generation", LEGACY_GENERATION), manifest.get("previous_generation")}
    removed = []
    for entry in folder.iterdir():
        if GENERATION.fullmatch(entry.name) and entry.name not in keep and entry.is_dir() and not entry.is_symlink():
            shutil.rmtree(entry, ignore_errors=True)
            removed.append(entry.name)
    if LEGACY_GENERATION not in keep:
        for data_file in DATA_FILES:
            if (folder / data_file).is_file():
                (folder / data_file).unlink(missing_ok=True)
                removed.append(data_file)
    return removed


def make_manifest(settings: BuildSettings, dimension: int, policies: list[Policy], passages: list[Passage],
                  sentence_count: int, built_at: str, build_seconds: float, faiss_index: str, sentence_index: str,
                  backend: str | None = None) -> dict:
    """The manifest of an index; `faiss_index` and `sentence_index` describe its two vector indexes
    (`VectorIndex.description`), `backend` the runtime that embedded it (None: an embedder without runtimes)."""
    counts: dict[str, int] = {}
    for passage in passages:
        counts[passage.policy] = counts.get(passage.policy, 0) + 1
    return {
        "format_version": FORMAT_VERSION,
        "package_version": __version__,
        "model": {"id": settings.model, "dimension": dimension, "backend": backend, "recipe": VECTOR_RECIPE},
        "chunker": {"splitter": "RecursiveCharacterTextSplitter", "chunk_size": settings.chunk_size,
                    "chunk_overlap": settings.chunk_overlap, "embed_context": settings.embed_context},
        "settings": settings.to_dict(),
        "faiss_index": faiss_index,
        "sentence_index": sentence_index,
        "policies": {p.id: {"name": p.name, "source": p.source, "sha256": p.sha256,
                            "passages": counts.get(p.id, 0)} for p in policies},
        "passage_count": len(passages),
        "sentence_count": sentence_count,
        "built_at": built_at,
        "build_seconds": round(build_seconds, 3),
    }


def read_manifest(folder: Path) -> dict:
    """The manifest of the current index in `folder`; IndexUnavailable when it is missing or unusable.

    Every key the code reads is checked here, so a manifest missing one is a one-line "rebuild" error
    (and a build treats it as no previous index), never a KeyError later. Its "generation" names the
    folder of the index's files.
    """
    path = folder / MANIFEST
    if not path.is_file():
        raise IndexUnavailable(f"no index at {folder}: {REBUILD_HINT}")
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError, UnicodeDecodeError) as err:
        raise IndexUnavailable(f"index manifest at {path} is corrupt ({type(err).__name__}): {REBUILD_HINT}") from err
    problem = _manifest_problem(manifest)
    if problem:
        raise IndexUnavailable(f"index manifest at {path} is corrupt ({problem}): {REBUILD_HINT}")
    return manifest


def _manifest_problem(manifest) -> str | None:
    if not isinstance(manifest, dict):
        return f"not an object but {type(manifest).__name__}"
    if manifest.get("format_version") != FORMAT_VERSION:
        return None  # another format: check_compatible says so, naming the versions
    for key, kind in _REQUIRED.items():
        if key not in manifest:
            return f"'{key}' missing"
        if not isinstance(manifest[key], kind) or isinstance(manifest[key], bool):
            return f"'{key}' is {type(manifest[key]).__name__}"
    for key, kind in (("id", str), ("dimension", int)):
        if not isinstance(manifest["model"].get(key), kind):
            return f"'model.{key}' missing or not {kind.__name__}"
    for key in ("chunk_size", "chunk_overlap"):
        if not isinstance(manifest["chunker"].get(key), int):
            return f"'chunker.{key}' missing"
    try:
        BuildSettings(**manifest["settings"])
    except (TypeError, ValueError) as err:
        return f"'settings': {' '.join(str(err).split())[:120]}"
    for policy_id, info in manifest["policies"].items():
        if not isinstance(info, dict) or not all(isinstance(info.get(k), t) for k, t in
                                                 (("name", str), ("sha256", str), ("passages", int))):
            return f"'policies.{policy_id}' incomplete"
    generation = manifest.get("generation", LEGACY_GENERATION)
    if generation != LEGACY_GENERATION and not GENERATION.fullmatch(str(generation)):
        return f"'generation' {generation!r} is not a generation folder"
    return None


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

    The manifest is read once and only its generation's files are read, so a build finishing meanwhile
    is never half-seen. Raises IndexUnavailable (one line, naming the fix) when the index is missing,
    corrupt or incompatible.
    """
    for attempt in range(5):
        manifest = read_manifest(folder)
        check_compatible(manifest, model, folder)
        try:
            return _load_generation(folder, manifest)
        except IndexUnavailable:
            # Two builds finished while this reader was reading, and the second deleted its generation:
            # the pointer has moved on, so read the new one. A pointer that stays put is real damage.
            if attempt == 4 or current_generation(folder) == manifest.get("generation", LEGACY_GENERATION):
                raise
    raise AssertionError("unreachable")


def _load_generation(folder: Path, manifest: dict) -> PolicyIndex:
    data = folder / manifest.get("generation", LEGACY_GENERATION)
    try:
        passages = [Passage(**row) for row in _read_jsonl(data / PASSAGES)]
        policies = {row["id"]: Policy.from_dict(row) for row in _read_jsonl(data / POLICIES)}
        vectors = VectorIndex.load(data / VECTORS)
        sentence_rows = _read_jsonl(data / SENTENCES)
        sentences = np.array(sentence_rows, dtype=np.int64).reshape(len(sentence_rows), 3)
        sentence_vectors = VectorIndex.load(data / SENTENCE_VECTORS)
        from qa.index.lexical import load_bm25

        bm25 = load_bm25(data)
    except (OSError, ValueError, KeyError, TypeError, RuntimeError) as err:
        raise IndexUnavailable(f"index at {folder} is corrupt ({type(err).__name__}): {REBUILD_HINT}") from err
    problems = []
    if vectors.ntotal != len(passages):
        problems.append(f"{vectors.ntotal} vectors for {len(passages)} passages")
    if len(passages) != manifest.get("passage_count"):  # named as such: "120 vectors for 120 passages" said nothing
        problems.append(f"{len(passages)} passages where the manifest says {manifest.get('passage_count')!r}")
    if sentence_vectors.ntotal != len(sentences):
        problems.append(f"{sentence_vectors.ntotal} sentence vectors for {len(sentences)} sentences")
    if len(sentences) != manifest.get("sentence_count"):
        problems.append(f"{len(sentences)} sentences where the manifest says {manifest.get('sentence_count')!r}")
    if vectors.d != manifest["model"]["dimension"]:
        problems.append(f"vectors of dimension {vectors.d}, model has {manifest['model']['dimension']}")
    for passage in passages[:: max(1, len(passages) // 50)]:  # a sample: offsets still quote the text
        policy = policies.get(passage.policy)
        if policy is None or policy.text[passage.start:passage.end] != passage.text:
            problems.append(f"passage {passage.id} does not match its policy text")
            break
    if problems:
        raise IndexUnavailable(f"index at {folder} is inconsistent ({problems[0]}): {REBUILD_HINT}")
    if bm25 is not None and int(bm25.scores["num_docs"]) != len(passages):
        raise IndexUnavailable(f"index at {folder} is inconsistent (BM25 index of {bm25.scores['num_docs']} "
                               f"passages for {len(passages)}): {REBUILD_HINT}")
    return PolicyIndex(path=folder, manifest=manifest, policies=policies, passages=passages, vectors=vectors,
                       sentences=sentences, sentence_vectors=sentence_vectors, bm25=bm25)

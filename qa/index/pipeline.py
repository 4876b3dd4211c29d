"""The one build pipeline of both index backends: plan, read, chunk, and the texts and keys to embed.

A build of the folder index (`qa.index.build`) and of the PostgreSQL store (`qa.index.pg.build`) run the
same steps on the policies folder, and only their sinks differ:

1. plan (`plan_folder`): read policies.toml, find the policy files and hash each one; a policy file is
   identified by `identity` (its id, sha256, file name, name and aliases), the one change-detection rule:
   the folder keeps a previous policy whose identity is the file's (`is_unchanged`), the store keeps a
   version whose `version_key` (the identity, the build settings and the embedding runtime) it holds;
2. read and chunk (`read_and_chunk`): the policy's text and its passages, refused when over the passage
   limit;
3. rows (`EmbeddingRows`): each passage's and each sentence's embedding text and embedding key (the model,
   VECTOR_RECIPE and the text), which is what decides whether a vector can be reused (`embed_missing`);
4. a sink writes them: a generation of the folder (`qa.index.build`), or a version of the store
   (`qa.index.pg.versions`).

Every error text a build gives about the policies folder or a policy file is made here, once.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from pathlib import Path

import numpy as np

from qa.config import BuildSettings
from qa.embed.base import VECTOR_RECIPE, Embedder
from qa.errors import BuildError
from qa.ingest.chunking import chunk_policy
from qa.ingest.formats import Limits, PolicyFileError
from qa.ingest.policies import (
    check_aliases,
    file_sha256,
    policy_aliases,
    policy_candidates,
    policy_name,
    read_metadata,
    read_policy,
    scan_folder,
)
from qa.ingest.sentences import SENTENCE_RECIPE, split_sentences
from qa.types import Passage, Policy

Progress = Callable[[int, int], None]  # (passages embedded so far, passages to embed)

# Passages one policy may have: each costs its embedding and its sentences' (about 6 texts), so 2,000
# passages (~1.5 MB of text) embed in about a minute on 2 cores, where a 10 MB file of unique text took
# over 20 minutes. No real privacy policy comes near: the longest here has under 100.
MAX_PASSAGES_PER_POLICY = 2_000
EMBED_BATCH = 64


# -- 1. the plan -----------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlannedFile:
    """A policy file as the plan found it: what identifies the policy it holds, before it is read."""

    policy_id: str
    path: Path
    sha256: str
    name: str  # from policies.toml, else made from the id
    aliases: tuple[str, ...]

    @property
    def identity(self) -> tuple:
        """(id, sha256, file name, name, aliases): what tells a changed policy, for both builds."""
        return (self.policy_id, self.sha256, self.path.name, self.name, self.aliases)


@dataclass
class FolderPlan:
    """The policies folder planned: its policies.toml, and in file order each policy file (a PlannedFile)
    or the PolicyFileError of a file that cannot be one (an unsupported type, an id an earlier file has,
    unreadable); `skipped`: the entries that are no policy files at all."""

    metadata: dict
    entries: list[PlannedFile | PolicyFileError]
    skipped: list[PolicyFileError]


def check_policies_dir(policies_dir: Path) -> None:
    """BuildError when `policies_dir` is not a folder."""
    if not policies_dir.is_dir():
        raise BuildError(f"policies folder not found: {policies_dir}")


def plan_folder(policies_dir: Path, warnings: list[str]) -> FolderPlan:
    """Read policies.toml and hash every policy file in `policies_dir` (dropped policies.toml entries go
    to `warnings`). Raises BuildError when the folder is missing or its policies.toml is malformed."""
    check_policies_dir(policies_dir)
    try:
        metadata = read_metadata(policies_dir, warnings)
    except PolicyFileError as err:
        raise BuildError(str(err)) from None
    files, skipped = scan_folder(policies_dir)
    check_aliases(metadata, [p.stem for p in files], warnings)
    entries: list[PlannedFile | PolicyFileError] = []
    refused: list[PolicyFileError] = []  # policy_candidates' own, appended when their turn comes
    for path in policy_candidates(files, refused):
        entries += refused
        refused.clear()
        try:
            sha = file_sha256(path)
        except OSError as err:
            entries.append(PolicyFileError(path, f"cannot read file ({err.strerror or err})"))
            continue
        entries.append(PlannedFile(path.stem, path, sha, policy_name(path.stem, metadata),
                                   policy_aliases(path.stem, metadata)))
    entries += refused
    return FolderPlan(metadata, entries, skipped)


def identity(policy: Policy) -> tuple:
    """What identifies an indexed policy's content: as `PlannedFile.identity` of the file it was read from."""
    return (policy.id, policy.sha256, policy.source, policy.name, tuple(policy.aliases))


def is_unchanged(previous: Policy | None, planned: PlannedFile) -> bool:
    """Whether the file is the one `previous` was read from, under the same name and aliases: then its
    passages and vectors are kept (the folder); the store's `version_key` hashes the same identity."""
    return previous is not None and identity(previous) == planned.identity


def version_key(planned: PlannedFile, settings: BuildSettings, backend: str | None) -> str:
    """The identity of a stored policy version: the file's identity, the build settings and the embedding
    runtime (and VECTOR_RECIPE, SENTENCE_RECIPE): the same key gives the same rows."""
    policy_id, sha, source, name, aliases = planned.identity
    data = json.dumps([policy_id, sha, source, name, list(aliases), settings.to_dict(), backend, VECTOR_RECIPE,
                       SENTENCE_RECIPE])
    return hashlib.sha256(data.encode()).hexdigest()


def nothing_indexed(policies_dir: Path, errors: Sequence[PolicyFileError]) -> BuildError:
    """The error of a build that could index no policy at all, with the first reasons."""
    reasons = "; ".join(str(e) for e in errors[:3]) or "no policy files"
    return BuildError(f"no policy could be indexed from {policies_dir} ({reasons})")


# -- 2. reading and chunking -----------------------------------------------------------------------------

def read_and_chunk(path: Path, metadata: dict, settings: BuildSettings, max_bytes: int, limits: Limits,
                   max_passages: int, check: Callable[[Path, Policy], None] | None = None
                   ) -> tuple[Policy, list[Passage]]:
    """The policy in `path` and its passages. `check(path, policy)` may refuse the policy before it is
    chunked (the store refuses text PostgreSQL cannot hold). Raises PolicyFileError, one line."""
    policy = read_policy(path, metadata, max_bytes, limits)
    if check is not None:
        check(path, policy)
    return policy, chunk(policy, path, settings, max_passages)


def chunk(policy: Policy, path: Path, settings: BuildSettings, max_passages: int) -> list[Passage]:
    """The passages of `policy` (read from `path`); PolicyFileError when there are over `max_passages`."""
    chunks = chunk_policy(policy, settings.chunk_size, settings.chunk_overlap)
    if len(chunks) > max_passages:
        raise PolicyFileError(path, f"{len(chunks):,} passages, over the limit of {max_passages:,} per "
                                    "policy (it would take too long to embed); split the file")
    return chunks


# -- 3. what is embedded ---------------------------------------------------------------------------------

def embedding_text(policy: Policy, passage: Passage, settings: BuildSettings) -> str:
    """What is embedded for a passage: with `embed_context`, its policy name and section come first."""
    if not settings.embed_context:
        return passage.text
    heading = f"{policy.name} - {passage.section}" if passage.section else policy.name
    return f"{heading}\n{passage.text}"


def passage_sentences(policy: Policy, passage: Passage) -> list[tuple[int, int]]:
    """The sentences of a passage as (start, end) policy offsets, headings left out (they are no answer)."""
    headings = {(start, start + len(title)) for start, title in policy.headings}
    return [span for span in split_sentences(passage.text, offset=passage.start) if span not in headings]


def sentence_embedding_text(policy: Policy, passage: Passage, span: tuple[int, int], settings: BuildSettings) -> str:
    """What is embedded for the sentence at `span` (policy offsets) of `passage`: as `embedding_text`, the
    sentence in place of the passage's text."""
    sentence = policy.text[span[0]:span[1]]
    return embedding_text(policy, replace(passage, text=sentence), settings)


def embedding_key(model: str, text: str) -> str:
    """The identity of a vector: the model, how it is run (VECTOR_RECIPE) and the embedded text."""
    return hashlib.sha256(f"{model}\0{VECTOR_RECIPE}\0{text}".encode()).hexdigest()


@dataclass
class EmbeddingRows:
    """What an index holds, in row order: passages (policies sorted by id, each in text order), their
    sentences (passage row, start, end), the text each embeds and that text's embedding key. For one
    policy (the store's version), rows are its passages' numbers."""

    passages: list[Passage]
    sentences: list[tuple[int, int, int]]
    texts: list[str]
    sentence_texts: list[str]
    keys: list[str]
    sentence_keys: list[str]

    @classmethod
    def of(cls, policies: dict[str, Policy], passages: dict[str, list[Passage]],
           settings: BuildSettings) -> EmbeddingRows:
        ordered = [p for pid in sorted(policies) for p in passages[pid]]
        sentences = [(row, *span) for row, p in enumerate(ordered)
                     for span in passage_sentences(policies[p.policy], p)]
        texts = [embedding_text(policies[p.policy], p, settings) for p in ordered]
        sentence_texts = [sentence_embedding_text(policies[ordered[row].policy], ordered[row], (s, e), settings)
                          for row, s, e in sentences]
        return cls(ordered, sentences, texts, sentence_texts, [embedding_key(settings.model, t) for t in texts],
                   [embedding_key(settings.model, t) for t in sentence_texts])

    @property
    def all_keys(self) -> list[str]:
        return self.keys + self.sentence_keys

    @property
    def all_texts(self) -> list[str]:
        return self.texts + self.sentence_texts


def embed_missing(keys: Sequence[str], texts: Sequence[str], vectors: dict[str, np.ndarray],
                  get_embedder: Callable[[], Embedder], progress: Progress | None = None) -> int:
    """Embed each text whose key `vectors` lacks, once, shortest first, EMBED_BATCH at a time, into
    `vectors` (float32); `get_embedder` is called only when something is missing. Returns how many were
    embedded. The folder build and the PostgreSQL build both embed through here."""
    missing = sorted({k: t for k, t in zip(keys, texts) if k not in vectors}.items(), key=lambda kt: len(kt[1]))
    if not missing:
        return 0
    embedder = get_embedder()
    for i in range(0, len(missing), EMBED_BATCH):
        batch = missing[i:i + EMBED_BATCH]
        for (key, _), vector in zip(batch, embedder.embed([t for _, t in batch], batch_size=EMBED_BATCH)):
            vectors[key] = np.asarray(vector, dtype=np.float32)
        if progress:
            progress(min(i + EMBED_BATCH, len(missing)), len(missing))
    return len(missing)

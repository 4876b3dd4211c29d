"""Whether policy files changed since the build (`qa.index.freshness`): hashed only when their stat says so."""

import os

import qa.ingest.policies
from qa.index.freshness import CHANGED, MISSING, UP_TO_DATE, changed_since_build, policy_file_states
from qa.ingest.policies import file_sha256


def manifest_for(folder, built_at="2026-01-01T12:00:00+00:00", build_seconds=10.0):
    return {"built_at": built_at, "build_seconds": build_seconds,
            "policies": {p.stem: {"sha256": file_sha256(p)} for p in sorted(folder.glob("*.txt"))}}


def test_a_file_older_than_the_build_is_not_hashed(tmp_path, monkeypatch):
    (tmp_path / "acme.txt").write_text("We keep your email.\n")
    manifest = manifest_for(tmp_path)
    before = 1_700_000_000  # 2023: before the build of 2026
    os.utime(tmp_path / "acme.txt", (before, before))

    def hashed(path):
        raise AssertionError(f"{path} was hashed")

    monkeypatch.setattr(qa.ingest.policies, "file_sha256", hashed)
    assert policy_file_states(manifest, tmp_path) == {"acme": UP_TO_DATE}


def test_an_edited_file_is_changed_a_touched_one_is_not_and_a_missing_one_is_missing(tmp_path):
    for name in ("acme", "touched", "gone"):
        (tmp_path / f"{name}.txt").write_text(f"{name}: we keep your email.\n")
    manifest = manifest_for(tmp_path, built_at="2020-01-01T00:00:00+00:00")  # every file is newer
    with open(tmp_path / "acme.txt", "a") as fh:
        fh.write("And your phone number.\n")
    os.utime(tmp_path / "touched.txt")  # same bytes, new time
    (tmp_path / "gone.txt").unlink()
    assert policy_file_states(manifest, tmp_path) == {"acme": CHANGED, "gone": MISSING, "touched": UP_TO_DATE}
    assert changed_since_build(manifest, tmp_path) == ["acme"]

"""Adding and removing policies from the CLI, and a build killed midway (SIGKILL) losing nothing."""

import os
import signal
import subprocess
import sys
import textwrap

import pytest

from qa.cli import main
from qa.config import BuildSettings
from qa.index.build import build_index
from qa.index.store import load_index
from qa.search.engine import Engine
from tests.conftest import ROOT


def cli(*argv) -> int:
    return main(list(argv))


def test_add_and_remove_policies(seed_policies, tmp_path, fake_model, capsys):
    index = str(tmp_path / "index")
    common = ["--policies", str(seed_policies), "--index", index, "--model", "fake-embedder", "--quiet"]
    assert cli("index", "build", *common) == 0
    new = tmp_path / "downloads" / "Acme Cloud Ltd.TXT"
    new.parent.mkdir()
    new.write_text("Acme Privacy\n\nWe keep your email address for 3 years.\n")
    assert cli("index", "add", str(new), *common) == 0
    assert (seed_policies / "acme-cloud-ltd.txt").read_text() == new.read_text()
    assert "acme-cloud-ltd" in load_index(tmp_path / "index").policies
    # Adding it again without --replace is refused and changes nothing.
    capsys.readouterr()
    assert cli("index", "add", str(new), *common) == 1
    err = capsys.readouterr().err
    assert "already exists" in err and "use --replace" in err and "Replace existing" not in err  # the CLI's words
    assert cli("index", "remove", "acme-cloud-ltd", *common) == 0
    assert not (seed_policies / "acme-cloud-ltd.txt").exists()
    assert [p.name for p in (seed_policies / ".removed").glob("*/*")] == ["acme-cloud-ltd.txt"]  # recoverable
    assert "acme-cloud-ltd" not in load_index(tmp_path / "index").policies
    capsys.readouterr()
    assert cli("index", "remove", "nobody", *common) == 2
    assert "no policy file for nobody" in capsys.readouterr().err


def test_adding_a_bad_file_is_refused_and_leaves_the_folder_alone(seed_policies, tmp_path, fake_model, capsys):
    bad = tmp_path / "scan.pdf"
    bad.write_bytes(b"%PDF-1.4 definitely not a pdf")
    before = sorted(p.name for p in seed_policies.iterdir())
    code = cli("index", "add", str(bad), "--policies", str(seed_policies), "--index", str(tmp_path / "i"))
    assert code == 1 and "scan.pdf" in capsys.readouterr().err
    assert sorted(p.name for p in seed_policies.iterdir()) == before


SLOW_BUILD = textwrap.dedent("""
    import sys, time
    sys.path.insert(0, {root!r})
    from pathlib import Path
    from tests.conftest import FakeEmbedder
    from qa.index.build import build_index
    from qa.config import BuildSettings

    class Slow(FakeEmbedder):
        def embed(self, texts, batch_size=64):
            print("embedding", flush=True)
            time.sleep(0.5)
            return super().embed(texts, batch_size)

    build_index(Path({policies!r}), Path({index!r}), BuildSettings(model="fake-embedder"), Slow, full=True)
""")


@pytest.mark.slow
def test_build_killed_midway_leaves_the_old_index_usable(seed_policies, tmp_path, fake_embedder):
    index = tmp_path / "index"
    build_index(seed_policies, index, BuildSettings(model="fake-embedder"), lambda: fake_embedder)
    before = (index / "manifest.json").read_text()
    (seed_policies / "acme.txt").write_text("Acme\n\nWe sell everything.\n")
    script = SLOW_BUILD.format(root=str(ROOT), policies=str(seed_policies), index=str(index))
    proc = subprocess.Popen([sys.executable, "-c", script], stdout=subprocess.PIPE, text=True)
    try:
        assert proc.stdout.readline().strip() == "embedding"  # midway: chunked, now embedding
        os.kill(proc.pid, signal.SIGKILL)
    finally:
        proc.wait(timeout=30)
    assert proc.returncode == -signal.SIGKILL
    assert (index / "manifest.json").read_text() == before
    engine = Engine.open(index, embedder_factory=lambda model: fake_embedder)
    hits = engine.search("recordings 30 days telephone", k=3)
    assert hits and "acme" not in engine.policies
    # The dead build's lock and staging folder do not block the next build.
    report = build_index(seed_policies, index, BuildSettings(model="fake-embedder"), lambda: fake_embedder)
    assert report.added == ["acme"]
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []


def test_a_reader_keeps_its_loaded_index_while_a_rebuild_swaps_in(seed_policies, tmp_path, fake_embedder):
    index = tmp_path / "index"
    build_index(seed_policies, index, BuildSettings(model="fake-embedder"), lambda: fake_embedder)
    reader = Engine.open(index, embedder_factory=lambda model: fake_embedder)
    (seed_policies / "acme.txt").write_text("Acme\n\nWe sell everything.\n")
    build_index(seed_policies, index, BuildSettings(model="fake-embedder"), lambda: fake_embedder)
    assert reader.search("recordings 30 days", k=1)  # still answering from what it loaded
    assert "acme" in Engine.open(index, embedder_factory=lambda model: fake_embedder).policies

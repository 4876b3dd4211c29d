"""A non-editable install works without the source checkout (issue 14).

The wheel is built from a copy of the checkout (so the build leaves no build/ or egg-info behind in it),
installed into a fresh venv, and run from a folder far from the checkout: it must index two policies and
answer with citations, loading the reranker it carries inside the package, never the checkout's files.
The fresh venv borrows the project venv's dependencies through a `.pth` line naming its site-packages;
a `.pth` line only adds a folder to sys.path, it does not run the `.pth` files in it, so the project's
editable install (a finder installed by its own `.pth`) stays out, which the test checks.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import venv
import zipfile
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.integration

QUESTION = "How long does Concero keep phone call recordings?"
POLICIES = ("concero.txt", "cloudsentric.txt")
# Local-only parts of the checkout, never part of a build: at its top, and anywhere.
NOT_SOURCES_AT_TOP = {".git", ".venv", "build", "dist", "index", "test-output", ".hypothesis", ".pytest_cache",
                      ".policyqa-cache"}
NOT_SOURCES = shutil.ignore_patterns("__pycache__", "*.egg-info")


def not_sources(folder: str, names: list[str]) -> set[str]:
    top = NOT_SOURCES_AT_TOP if Path(folder) == ROOT else set()
    return set(NOT_SOURCES(folder, names)) | (top & set(names))


def run(command: list, cwd: Path, env: dict, timeout: float = 120) -> subprocess.CompletedProcess:
    done = subprocess.run([str(c) for c in command], cwd=cwd, env=env, capture_output=True, text=True,
                          timeout=timeout)
    assert done.returncode == 0, f"{command} exited {done.returncode}:\n{done.stdout}\n{done.stderr}"
    return done


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> Path:
    work = tmp_path_factory.mktemp("wheel")
    source = work / "source"
    shutil.copytree(ROOT, source, ignore=not_sources)
    run([sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "--no-index", "-q",
         "-w", work / "dist", "."], cwd=source, env=os.environ.copy())
    (built,) = (work / "dist").glob("policyqa-*.whl")
    return built


def test_wheel_carries_the_models_and_data_and_nothing_of_the_checkout(wheel):
    with zipfile.ZipFile(wheel) as archive:
        sizes = {info.filename: info.file_size for info in archive.infolist()}
    models = [p for p in (ROOT / "models").rglob("*") if p.is_file()]
    assert any(p.name == "model-int8.onnx" for p in models)
    for path in models:
        assert sizes.get(f"qa/_shipped/{path.relative_to(ROOT / 'models').as_posix()}") == path.stat().st_size
    modules = [p.relative_to(ROOT).as_posix() for p in (ROOT / "qa").rglob("*.py")]
    assert modules and not [m for m in modules if m not in sizes]
    assert sizes.get("qa/compare/topics.jsonl") == (ROOT / "qa" / "compare" / "topics.jsonl").stat().st_size
    dist_info = "-".join(wheel.name.split("-")[:2]) + ".dist-info"
    assert {name.split("/")[0] for name in sizes} == {"qa", dist_info}  # no tests/, policies/, index/, models/
    assert "qa/_shipped/README.md" not in sizes  # the placeholder that lets setuptools find the package
    print(f"wheel {wheel.name}: {wheel.stat().st_size / 1e6:.1f} MB, {len(sizes)} files")


def test_installed_wheel_indexes_and_answers_far_from_the_checkout(wheel, tmp_path):
    env_dir = tmp_path / "venv"
    venv.EnvBuilder(with_pip=False).create(env_dir)
    python = env_dir / "bin" / "python"
    # No setting from this session leaks in, but the cache: it holds the model's ONNX export, made once.
    leaks = {"PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV"}
    env = {k: v for k, v in os.environ.items()
           if k not in leaks and (not k.startswith("POLICYQA_") or k == "POLICYQA_CACHE")}
    env["PATH"] = f"{env_dir / 'bin'}{os.pathsep}{env['PATH']}"
    work = tmp_path / "elsewhere"
    work.mkdir()
    run([sys.executable, "-m", "pip", "--python", python, "install", "--no-deps", "--no-index", "-q", wheel],
        cwd=work, env=env)
    site = Path(run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                    cwd=work, env=env).stdout.strip())
    (site / "project-venv-dependencies.pth").write_text(sysconfig.get_paths()["purelib"] + "\n")

    where = json.loads(run([python, "-c", "import json, qa, qa.config as c, qa.search.reranker as r; "
                            "print(json.dumps([qa.__file__, c.IN_CHECKOUT, str(c.SHIPPED_DIR), "
                            "str(r.reranker_folder()), str(c.index_dir()), str(c.policies_dir())]))"],
                           cwd=work, env=env).stdout)
    package, in_checkout, shipped, reranker, index, policies = where
    assert Path(package).is_relative_to(site), package
    assert not in_checkout
    assert Path(shipped) == site / "qa" / "_shipped" and Path(reranker).parent == Path(shipped)
    assert (Path(index), Path(policies)) == (work / "index", work / "policies")  # the defaults: here

    policy_dir = tmp_path / "my-policies"
    policy_dir.mkdir()
    for name in POLICIES:
        shutil.copy(ROOT / "policies" / name, policy_dir / name)
    built = run(["policyqa", "index", "build", "--policies", policy_dir, "--index", tmp_path / "my-index"],
                cwd=work, env=env)
    assert (tmp_path / "my-index" / "manifest.json").is_file(), built.stdout
    asked = run(["policyqa", "ask", QUESTION, "--index", tmp_path / "my-index", "--json"], cwd=work, env=env)
    answer = json.loads(asked.stdout.strip().splitlines()[-1])
    assert answer["reranker"] == Path(reranker).name == "policyqa-reranker"
    concero = next(row for row in answer["answers"] if row["policy"] == "concero")
    assert not concero["abstained"] and concero["quotes"], answer
    text = (policy_dir / "concero.txt").read_text(encoding="utf-8")
    top = concero["passages"][0]
    assert text[top["start"]:top["end"]] == top["text"]  # a verbatim citation of the indexed file

    # The chat's upload check reads a file in a child process that must import qa from the install too.
    run([python, "-c", "import sys; from pathlib import Path; from qa.ingest.uploads import check_readable; "
         "check_readable(Path(sys.argv[1]))", policy_dir / "concero.txt"], cwd=work, env=env)
    assert not (work / "index").exists() and not (work / "policies").exists()
